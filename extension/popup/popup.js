// Toolbar popup: asks the content script of the current tab how the page is doing
// (`popup/status`) and says it plainly: supported site or not, layout recognised or not, how
// many posts were checked and flagged, the last checklist opened there. It also holds the switch
// that pauses the extension on the tab's site (the same `display.sites.<site>` flag as the options
// page, written through options/store.js), and "who you follow": the creators seen with
// mental-health posts (`seen:` records the background keeps) with the person's own notes (`note:`),
// each clearable (ARCHITECTURE.md, "Storage schema").
// Needs no "tabs" permission: `tabs.query` gives the active tab's id, and its URL only on the two
// sites the extension has host access to.
// Tests (and the demo) may name the tab: `popup.html?tabId=<id>` or `?tabUrl=<match pattern>`.

import { CREDENTIAL_STATUSES, followed, keysOf, LEVELS, NOTE_PREFIX, SEEN_PREFIX } from '../background/seen.js';
import { CONFIG_VERSION, readDisplay, SCHEMA } from '../options/model.js';
import { KEY as SETTINGS_KEY, loadSettings, saveSettings } from '../options/store.js';

const api = globalThis.browser ?? globalThis.chrome;
const t = (key, subs) => api.i18n.getMessage(key, subs) || key;

/** How often to ask the tab again while the popup is open (counts move as the person scrolls). */
const POLL_MS = 1000;

const $ = (id) => document.getElementById(id);
/** The strings' language (`popup_lang`); dates follow the browser's region when it speaks it. */
const stringsLang = api.i18n.getMessage('popup_lang') || 'en';
const browserLang = api.i18n.getUILanguage?.() || stringsLang;
const uiLang = browserLang.toLowerCase().split(/[-_]/)[0] === stringsLang ? browserLang : stringsLang;
const dateFormat = new Intl.DateTimeFormat(uiLang, { dateStyle: 'medium' });
const dayFormat = new Intl.DateTimeFormat(uiLang, { month: 'short', day: 'numeric' });
const timeFormat = new Intl.DateTimeFormat(uiLang, { timeStyle: 'short' });

for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
document.documentElement.lang = stringsLang;

/** Sets text only when it differs, so live regions do not announce the same words again. */
function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/** A new element with text and attributes (no markup is ever parsed). */
function el(tag, { text, className, attrs } = {}, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  for (const [k, v] of Object.entries(attrs ?? {})) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

/** A date said briefly: the time when it is today, the day when this year, else the full date. */
function formatDate(iso, { time = false } = {}) {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const date = new Date(ms);
  const now = new Date();
  if (time && date.toDateString() === now.toDateString()) return timeFormat.format(date);
  return (date.getFullYear() === now.getFullYear() ? dayFormat : dateFormat).format(date);
}

// ---------------------------------------------------------------- this tab

async function targetTab() {
  const params = new URLSearchParams(location.search);
  const asked = params.get('tabId');
  if (asked !== null) {
    if (!/^\d+$/.test(asked)) throw new Error(`tabId must be a number, got "${asked}"`);
    const id = Number(asked);
    // Its URL is visible only on the two sites (host permissions); elsewhere `url` stays unset.
    return api.tabs.get(id).catch(() => ({ id, url: undefined }));
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
  setText($('site'), site ? t('popup_supported', [t(`popup_site_${site}`)]) : '');
  $('site').hidden = !site;
  setText($('state'), state);
  $('state').classList.toggle('warn', warn);
  $('counts').hidden = !counts;
  if (counts) {
    setText($('checked'), String(counts.checked));
    setText($('flagged'), String(counts.flagged));
  }
  document.body.dataset.state = state ? 'ready' : 'empty';
  showPause(site);
}

// Only the engine's own words become message keys (the tab's status reply is not trusted).
const levelWords = (level) => (LEVELS.includes(level) ? t(`popup_level_${level}`) : '');
const statusWords = (status) => (CREDENTIAL_STATUSES.includes(status) ? t(`popup_cred_${status}`) : '');

/** The last checklist opened in the tab (`lastChecklist` of `popup/status`), or "none yet". */
function showLast(last) {
  const has = last && typeof last === 'object' && (last.handle || last.key);
  $('last-none').hidden = Boolean(has);
  $('last-info').hidden = !has;
  if (!has) {
    document.body.dataset.last = 'none';
    return;
  }
  setText($('last-handle'), last.handle ? `@${last.handle}` : t('popup_unknown_creator'));
  setText($('last-name'), last.name && last.name !== last.handle ? last.name : '');
  const parts = [levelWords(last.level), statusWords(last.credential_status), last.at ? t('popup_last_at', [formatDate(last.at, { time: true })]) : ''];
  setText($('last-meta'), parts.filter(Boolean).join(' · '));
  document.body.dataset.last = last.key || last.handle;
}

let tab;
async function refresh() {
  try {
    tab ??= await targetTab();
  } catch (err) {
    show({ state: String(err.message ?? err), warn: true });
    document.body.dataset.status = 'error';
    return;
  }
  if (!tab?.id && tab?.id !== 0) {
    show({ state: t('popup_unsupported') });
    document.body.dataset.status = 'unsupported';
    showLast(null);
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
    showLast(null);
    if (site) setTimeout(refresh, POLL_MS);
    return;
  }
  const counts = { checked: Number(status.checked) || 0, flagged: Number(status.flagged) || 0 };
  const site = ['tiktok', 'instagram'].includes(status.site) ? status.site : siteOfUrl(tab.url);
  let state;
  let warn = false;
  if (paused[site]) state = t('popup_paused_state');
  else if (status.recognised === true) state = t('popup_recognised');
  else if (status.recognised === false) {
    state = t('popup_not_recognised');
    warn = true;
  } else if (status.postPage === false) state = t('popup_no_posts_page');
  else state = t('popup_checking');
  show({ site, state, warn, counts });
  showLast(status.lastChecklist);
  document.body.dataset.status = status.recognised === true ? 'recognised' : status.recognised === false ? 'not-recognised' : status.postPage === false ? 'no-posts' : 'checking';
  setTimeout(refresh, POLL_MS);
}

// ---------------------------------------------------------------- pause on this site

/** `site` → true when the person switched the extension off there (display.sites.<site> false). */
let paused = {};
let pauseSite = null;

async function readPaused() {
  const { settings } = await loadSettings(api.storage);
  const sites = readDisplay(settings?.display).sites;
  paused = Object.fromEntries(Object.entries(sites).map(([s, on]) => [s, on === false]));
}

function showPause(site) {
  pauseSite = site ?? null;
  $('pause-row').hidden = !site;
  if (!site) return;
  setText($('pause-label'), t('popup_pause', [t(`popup_site_${site}`)]));
  // While a change is being saved the switch shows the person's choice, not the stored value.
  if (pauseSaving === 0) $('pause').checked = Boolean(paused[site]);
  document.body.dataset.paused = String(Boolean(paused[site]));
}

/**
 * The stored settings with `display.sites.<site>` set: everything else kept as it is (the options
 * page's document, or the defaults when the person never changed anything).
 */
function withSite(settings, site, on) {
  // A newer version's document is not ours to rewrite (the options page says the same).
  if (settings && settings.schema !== SCHEMA) throw new Error(t('popup_newer_settings'));
  const base = settings ?? { schema: SCHEMA, config: { version: CONFIG_VERSION } };
  const display = readDisplay(base.display);
  return { ...base, display: { ...display, sites: { ...display.sites, [site]: on } } };
}

/** Changes of the switch are saved one after another, each reading the settings afresh. */
let pauseQueue = Promise.resolve();
let pauseSaving = 0;

/**
 * Saves the switch's state for the tab's site. The switch stays enabled and focused (a keyboard
 * user keeps their place); a failed save puts it back to the stored state and says why.
 */
function togglePause() {
  const site = pauseSite;
  if (!site) return;
  const pause = $('pause').checked;
  pauseSaving += 1;
  pauseQueue = pauseQueue.then(async () => {
    try {
      const { settings } = await loadSettings(api.storage);
      const { reason } = await saveSettings(api.storage, withSite(settings, site, !pause));
      paused[site] = pause;
      const name = t(`popup_site_${site}`);
      let message = t(pause ? 'popup_paused' : 'popup_resumed', [name]);
      if (reason === 'quota') message += ` ${t('popup_saved_local')}`;
      setText($('pause-status'), message);
      delete document.body.dataset.pauseError;
    } catch (err) {
      setText($('pause-status'), t('popup_save_failed', [String(err?.message ?? err)]));
      document.body.dataset.pauseError = 'true';
    } finally {
      pauseSaving -= 1;
      showPause(site);
    }
  });
}

$('pause').addEventListener('change', togglePause);

// ---------------------------------------------------------------- who you follow

function ratingLine(note) {
  const parts = [];
  if (note.rating) parts.push(t(`popup_rating_${note.rating}`));
  if (note.reasons.length) parts.push(t('popup_reasons', [note.reasons.map((r) => t(`popup_reason_${r}`)).join(', ')]));
  return parts.join(' · ');
}

function creatorItem(entry) {
  const handle = `@${entry.handle}`;
  const name = entry.seen?.name && entry.seen.name !== entry.handle ? entry.seen.name : '';
  const li = el('li', { attrs: { 'data-id': entry.id } });
  const title = el('h3', {}, el('span', { className: 'handle', text: handle }));
  if (name) title.append(' ', el('span', { className: 'name', text: name }));
  li.append(title);
  const clear = el('button', { className: 'clear', text: t('popup_clear'), attrs: { type: 'button', 'aria-label': t('popup_clear_label', [handle]) } });
  clear.addEventListener('click', () => clearOne(entry, li));
  li.append(clear);
  // One line (wrapping as needed): the credential status in words, then where, how many, when.
  const details = el('p', { className: 'details' });
  if (entry.seen) {
    const meta = [t(`popup_site_${entry.platform}`), t('popup_posts', [String(entry.seen.posts)]), t('popup_last_seen', [formatDate(entry.seen.last)])];
    details.append(el('span', { className: `cred ${entry.seen.credential_status}`, text: statusWords(entry.seen.credential_status) }), ' · ', el('span', { className: 'meta', text: meta.join(' · ') }));
  } else {
    details.append(el('span', { className: 'meta', text: `${t(`popup_site_${entry.platform}`)} · ${t('popup_not_seen')}` }));
  }
  li.append(details);
  if (entry.note) li.append(el('p', { className: 'rating', text: ratingLine(entry.note) }));
  return li;
}

let entries = [];

async function renderFollowed() {
  let items;
  try {
    items = await api.storage.local.get(null);
  } catch (err) {
    setText($('follow-status'), t('popup_read_failed', [String(err?.message ?? err)]));
    return;
  }
  entries = followed(items);
  const list = $('follow-list');
  // Keep focus where it was when the list is redrawn under it (e.g. the feed adds a creator).
  const focusedId = document.activeElement?.closest?.('#follow-list li')?.dataset.id ?? null;
  list.replaceChildren(...entries.map(creatorItem));
  if (focusedId) list.querySelector(`li[data-id="${CSS.escape(focusedId)}"] .clear`)?.focus();
  $('follow-empty').hidden = entries.length > 0;
  list.hidden = entries.length === 0;
  $('clear-all-row').hidden = entries.length === 0 || !$('confirm').hidden;
  if (entries.length === 0) closeConfirm(false);
  document.body.dataset.followed = String(entries.length);
}

async function clearOne(entry, li) {
  const next = li.nextElementSibling ?? li.previousElementSibling;
  const nextId = next?.dataset.id ?? null;
  try {
    await api.storage.local.remove(keysOf(entry.id));
  } catch (err) {
    setText($('follow-status'), t('popup_save_failed', [String(err?.message ?? err)]));
    return;
  }
  setText($('follow-status'), t('popup_cleared', [`@${entry.handle}`]));
  await renderFollowed();
  const target = nextId && $('follow-list').querySelector(`li[data-id="${CSS.escape(nextId)}"] .clear`);
  (target ?? $('follow-heading')).focus();
}

function openConfirm() {
  setText($('confirm-text'), t('popup_clear_all_confirm', [String(entries.length)]));
  $('confirm').hidden = false;
  $('clear-all-row').hidden = true;
  $('confirm-no').focus();
}

function closeConfirm(refocus = true) {
  if ($('confirm').hidden) return;
  $('confirm').hidden = true;
  $('clear-all-row').hidden = entries.length === 0;
  if (refocus) ($('clear-all-row').hidden ? $('follow-heading') : $('clear-all')).focus();
}

async function clearAll() {
  try {
    const items = await api.storage.local.get(null);
    const keys = Object.keys(items).filter((k) => k.startsWith(SEEN_PREFIX) || k.startsWith(NOTE_PREFIX));
    await api.storage.local.remove(keys);
  } catch (err) {
    setText($('follow-status'), t('popup_save_failed', [String(err?.message ?? err)]));
    return;
  }
  $('confirm').hidden = true;
  setText($('follow-status'), t('popup_cleared_all'));
  await renderFollowed();
  $('follow-heading').focus();
}

$('clear-all').addEventListener('click', openConfirm);
$('confirm-no').addEventListener('click', () => closeConfirm());
$('confirm-yes').addEventListener('click', clearAll);
$('confirm').addEventListener('keydown', (event) => {
  if (event.key === 'Escape') {
    event.preventDefault();
    closeConfirm();
  }
});

// ---------------------------------------------------------------- options, changes, start

$('open-options').addEventListener('click', () => {
  api.runtime.openOptionsPage().catch((err) => setText($('follow-status'), String(err?.message ?? err)));
});

let redraw = null;
api.storage.onChanged.addListener((changes, area) => {
  const keys = Object.keys(changes);
  if ((area === 'sync' || area === 'local') && keys.includes(SETTINGS_KEY)) {
    readPaused().then(() => showPause(pauseSite), () => {});
  }
  if (area === 'local' && keys.some((k) => k.startsWith(SEEN_PREFIX) || k.startsWith(NOTE_PREFIX))) {
    // Several changes in a row (a feed batch) redraw once.
    redraw ??= Promise.resolve().then(() => {
      redraw = null;
      return renderFollowed();
    });
  }
});

readPaused()
  .catch(() => {})
  .then(() => Promise.all([refresh(), renderFollowed()]));
