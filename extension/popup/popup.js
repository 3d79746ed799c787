// Toolbar popup: asks the content script of the current tab how the page is doing
// (`popup/status`) and says it plainly: supported site or not, layout recognised or not, how
// many posts were checked and flagged. Needs no "tabs" permission: `tabs.query` gives the active
// tab's id, and its URL only on the two sites the extension has host access to.
// Tests (and the demo) may name the tab: `popup.html?tabId=<id>` or `?tabUrl=<match pattern>`.

const api = globalThis.browser ?? globalThis.chrome;
const t = (key, subs) => api.i18n.getMessage(key, subs) || key;

/** How often to ask again while the page is still being read. */
const POLL_MS = 1000;

for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
document.documentElement.lang = api.i18n.getUILanguage?.() || 'en';

const $ = (id) => document.getElementById(id);

async function targetTab() {
  const params = new URLSearchParams(location.search);
  const asked = params.get('tabId');
  if (asked !== null) {
    if (!/^\d+$/.test(asked)) throw new Error(`tabId must be a number, got "${asked}"`);
    return { id: Number(asked), url: undefined };
  }
  // Tests in Firefox cannot learn a tab id from WebDriver: they name the tab by its address
  // (a match pattern on the two sites, which the host permissions let the popup see).
  const byUrl = params.get('tabUrl');
  if (byUrl !== null) {
    const [tab] = await api.tabs.query({ url: byUrl });
    if (!tab) throw new Error(`no tab open at ${byUrl}`);
    return tab;
  }
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return tab;
}

function siteOfUrl(url) {
  try {
    const host = new URL(url).hostname;
    if (host === 'www.tiktok.com') return 'tiktok';
    if (host === 'www.instagram.com') return 'instagram';
  } catch {
    // no URL: a site the extension has no access to
  }
  return null;
}

function show({ site, state, warn = false, counts = null }) {
  $('site').textContent = site ? t('popup_supported', [t(`popup_site_${site}`)]) : '';
  $('site').hidden = !site;
  $('state').textContent = state;
  $('state').classList.toggle('warn', warn);
  $('counts').hidden = !counts;
  if (counts) {
    $('checked').textContent = String(counts.checked);
    $('flagged').textContent = String(counts.flagged);
  }
  document.body.dataset.state = state ? 'ready' : 'empty';
}

async function refresh() {
  let tab;
  try {
    tab = await targetTab();
  } catch (err) {
    show({ state: String(err.message ?? err), warn: true });
    return;
  }
  if (!tab?.id && tab?.id !== 0) {
    show({ state: t('popup_unsupported') });
    return;
  }
  let status;
  try {
    status = await api.tabs.sendMessage(tab.id, { kind: 'popup/status' });
  } catch {
    status = null;
  }
  if (!status || typeof status !== 'object') {
    // No content script answers: another site, or a supported page opened before the install.
    const site = siteOfUrl(tab.url);
    show({ site, state: site ? t('popup_no_answer') : t('popup_unsupported') });
    document.body.dataset.status = site ? 'no-answer' : 'unsupported';
    return;
  }
  const counts = { checked: Number(status.checked) || 0, flagged: Number(status.flagged) || 0 };
  let state;
  let warn = false;
  if (status.recognised === true) state = t('popup_recognised');
  else if (status.recognised === false) {
    state = t('popup_not_recognised');
    warn = true;
  } else if (status.postPage === false) state = t('popup_no_posts_page');
  else state = t('popup_checking');
  show({ site: status.site, state, warn, counts });
  document.body.dataset.status = status.recognised === true ? 'recognised' : status.recognised === false ? 'not-recognised' : status.postPage === false ? 'no-posts' : 'checking';
  if (status.recognised == null && status.postPage !== false) setTimeout(refresh, POLL_MS);
}

refresh();
