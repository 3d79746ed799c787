// "Your data" on the options page: what the extension stores (ARCHITECTURE.md, "Storage schema"),
// a one-file export of all of it, a delete of all of it (asked first in a dialog), and the
// banner that tells the person when a stored value was set aside (extension/background/migrate.js)
// and how to get it back. The settings form itself is options.js; after "Delete everything" this
// module tells it with the `cts:data-deleted` event so it shows the defaults.
// DOM built with createElement/textContent only: stored values are never parsed as HTML.

import { t } from './i18n.js';
import { ASIDE_PREFIX, SCHEMA_KEY, SETTINGS_KEY, listAside, storedVersion } from '../background/migrate.js';
import { pickSettings } from '../background/settings.js';

const ext = globalThis.browser ?? globalThis.chrome;
const $ = (id) => document.getElementById(id);

/** The export file's format marker (a file of the whole storage, not the settings Import reads). */
export const EXPORT_FORMAT = 'check-the-source-data';
/** The export file's own version. */
export const EXPORT_VERSION = 1;

const PLATFORM_NAMES = { tiktok: 'TikTok', instagram: 'Instagram' };
const REASON_KEYS = { invalid: 'data_reason_invalid', newer: 'data_reason_newer', rejected: 'data_reason_rejected', shadowed: 'data_reason_shadowed' };

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') node.textContent = v;
    else if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

function message(error) {
  return String(error?.message ?? error);
}

/** Reads one whole area: `{items}` or `{error}`. */
async function readArea(area) {
  try {
    return { items: (await ext.storage[area].get(null)) ?? {} };
  } catch (error) {
    return { error: message(error) };
  }
}

/** What a stored key holds, in words (`creator:tiktok:jane` → "the remembered bio of @jane (TikTok)"). */
export function describeKey(key, area) {
  if (key === SETTINGS_KEY) return t(area === 'local' ? 'data_what_settings_local' : 'data_what_settings_sync');
  const m = /^(creator|note|seen):([a-z]+):(.+)$/.exec(key);
  if (m) return t(`data_what_${m[1]}`, `@${m[3]}`, PLATFORM_NAMES[m[2]] ?? m[2]);
  return key;
}

/** Counts of what the two areas hold, for the summary. */
export function summarize(sync, local) {
  const count = (prefix) => Object.keys(local).filter((k) => k.startsWith(prefix)).length;
  const { area } = pickSettings(sync[SETTINGS_KEY], local[SETTINGS_KEY]);
  const known = (k) => k === SETTINGS_KEY || k === SCHEMA_KEY || /^(creator|note|seen|corrupt):/.test(k);
  return {
    settings: area,
    creators: count('creator:'),
    notes: count('note:'),
    seen: count('seen:'),
    aside: listAside(local).length,
    other: Object.keys(sync).filter((k) => !known(k)).length + Object.keys(local).filter((k) => !known(k)).length,
  };
}

/** The export document for two area reads (`{items}` or `{error}` each) at `now`. */
export function exportDocument(sync, local, now, extensionVersion) {
  const doc = {
    format: EXPORT_FORMAT,
    format_version: EXPORT_VERSION,
    exported: now,
    extension_version: extensionVersion,
    storage_schema: local.items ? storedVersion(local.items) : null,
    sync: sync.items ?? null,
    local: local.items ?? null,
  };
  if (sync.error) doc.sync_error = sync.error;
  if (local.error) doc.local_error = local.error;
  return doc;
}

// ---------------------------------------------------------------- the page

function setStatus(key, ...subs) {
  $('data-status').textContent = key ? t(key, ...subs) : '';
}

let renderSeq = 0;

/** Re-reads storage and shows the summary and the banner of values set aside. */
async function render() {
  const seq = ++renderSeq;
  const [sync, local] = await Promise.all([readArea('sync'), readArea('local')]);
  if (seq !== renderSeq) return;
  const s = summarize(sync.items ?? {}, local.items ?? {});
  const settingsWhere = { sync: 'data_settings_sync', local: 'data_settings_local' }[s.settings] ?? 'data_settings_none';
  const rows = [
    [t('data_row_settings'), t(settingsWhere)],
    [t('data_row_creators'), String(s.creators)],
    [t('data_row_notes'), String(s.notes)],
    [t('data_row_seen'), String(s.seen)],
    [t('data_row_aside'), String(s.aside)],
  ];
  if (s.other) rows.push([t('data_row_other'), String(s.other)]);
  $('data-summary').replaceChildren(...rows.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]));
  const failed = [sync.error && t('data_area_sync'), local.error && t('data_area_local')].filter(Boolean);
  const readError = $('data-read-error');
  readError.textContent = failed.length ? t('data_read_failed', failed.join(', '), sync.error ?? local.error) : '';
  readError.hidden = failed.length === 0;
  document.body.dataset.dataSettings = s.settings ?? '';
  renderAside(listAside(local.items ?? {}));
  document.body.dataset.dataReady = 'true';
}

function renderAside(entries) {
  const banner = $('data-aside');
  banner.hidden = entries.length === 0;
  document.body.dataset.aside = String(entries.length);
  if (!entries.length) return;
  const lang = document.documentElement.lang || undefined;
  $('data-aside-list').replaceChildren(
    ...entries.map((e) => {
      const when = e.at ? new Date(e.at).toLocaleString(lang) : '';
      const li = el('li', { 'data-key': e.key, 'data-reason': e.reason });
      li.append(el('strong', { text: describeKey(e.key, e.area) }), document.createTextNode(`: ${t(REASON_KEYS[e.reason] ?? 'data_reason_invalid', e.detail)}`));
      if (when) li.append(document.createTextNode(` ${t('data_aside_when', when)}`));
      return li;
    }),
  );
}

/** Starts a download of `text` as `name` (the browser saves it; nothing leaves the device). */
function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = el('a', { href: url, download: name, hidden: '' });
  document.body.append(a);
  a.click();
  a.remove();
  // The download has read the blob by then; a minute is generous for a slow disk.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

async function exportEverything() {
  const [sync, local] = await Promise.all([readArea('sync'), readArea('local')]);
  if (sync.error && local.error) {
    setStatus('data_export_failed', local.error);
    return;
  }
  const now = new Date();
  const doc = exportDocument(sync, local, now.toISOString(), ext.runtime.getManifest().version);
  download(`check-the-source-data-${now.toISOString().slice(0, 10)}.json`, `${JSON.stringify(doc, null, 2)}\n`);
  setStatus(sync.error || local.error ? 'data_exported_partly' : 'data_exported', sync.error ?? local.error ?? '');
}

function askDelete() {
  $('data-delete-dialog').showModal();
  $('data-delete-cancel').focus();
}

async function deleteEverything() {
  $('data-delete-dialog').close();
  document.body.dataset.deleting = 'true';
  const results = await Promise.allSettled([ext.storage.sync.clear(), ext.storage.local.clear()]);
  delete document.body.dataset.deleting;
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) {
    setStatus('data_delete_failed', message(failed.reason));
  } else {
    setStatus('data_deleted');
    document.dispatchEvent(new CustomEvent('cts:data-deleted'));
  }
  await render();
  $('data-delete').focus();
}

async function discardAside() {
  try {
    const local = (await ext.storage.local.get(null)) ?? {};
    await ext.storage.local.remove(Object.keys(local).filter((k) => k.startsWith(ASIDE_PREFIX)));
    setStatus('data_aside_discarded');
  } catch (error) {
    setStatus('data_delete_failed', message(error));
  }
  await render();
}

function start() {
  $('data-export').addEventListener('click', exportEverything);
  $('data-aside-export').addEventListener('click', exportEverything);
  $('data-aside-discard').addEventListener('click', discardAside);
  $('data-delete').addEventListener('click', askDelete);
  $('data-delete-cancel').addEventListener('click', () => $('data-delete-dialog').close());
  $('data-delete-confirm').addEventListener('click', deleteEverything);
  ext.storage.onChanged.addListener((changes, area) => {
    if (area === 'sync' || area === 'local') render();
  });
  render();
}

if (typeof document !== 'undefined' && document.getElementById('your-data')) {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}
