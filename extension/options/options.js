// The options page: keyword tuning, the shipped rules (each can be turned off), sensitivity, which
// badges show and where, a live tester, and Apply / Revert / Import / Export / Reset.
//
// The page keeps two form states: `saved` (what storage holds) and `draft` (what the form shows).
// Apply validates the draft with the engine (`options/check-config`, in the background) and writes
// it only when valid; the engine's `{field, message}` is shown next to the control it names. The
// tester analyses with the draft (`options/analyze` with `config`), so a person sees the effect
// before saving. The DOM is built with createElement/textContent only: nothing typed, stored or
// imported is ever parsed as HTML.

import { t, localize } from './i18n.js';
import {
  ENGINE_CATEGORIES,
  ImportError,
  KEYWORD_CATEGORIES,
  MAX_IMPORT_BYTES,
  MIN_LEVELS,
  SCHEMA,
  cloneForm,
  configFromForm,
  exportText,
  formFrom,
  formFromSettings,
  locateField,
  markedParts,
  parseImport,
  sameForm,
  settingsFromForm,
} from './model.js';
import { clearSettings, loadSettings, saveSettings } from './store.js';

const ext = globalThis.browser ?? globalThis.chrome;
const $ = (id) => document.getElementById(id);
/** Wait after the last keystroke before asking the engine again. */
const DEBOUNCE_MS = 250;

let saved = formFrom(null, null);
let draft = cloneForm(saved);
let catalog = []; // shipped rules from the engine: {id, category, lang, strength, description, examples}
let errorAt = null; // the engine's current {field, message} for the draft, or null
let checkSeq = 0;
let testSeq = 0;
let timer = 0;

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') node.textContent = v;
    else if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('aria-') || k === 'role' || k === 'for') node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

function send(message) {
  return ext.runtime.sendMessage(message);
}

// ---------------------------------------------------------------- phrase lists (keywords, ignored)

/** Where a list lives in the draft, by list name (`kw:<category>` or `ignored`). */
function listOf(name) {
  return name === 'ignored' ? draft.ignored : draft.keywords[name.slice(3)];
}

function listTitle(name) {
  return name === 'ignored' ? t('options_ignored_heading') : t(`options_cat_${name.slice(3)}`);
}

/** One phrase list: editable rows (each removable) and an "add" field; errors sit beside rows. */
function buildList(name, hint) {
  const id = name.replace(':', '-');
  const box = el('fieldset', { class: 'phrases', id: `list-${id}`, dataset: { list: name } });
  box.append(el('legend', { text: listTitle(name) }));
  if (hint) box.append(el('p', { class: 'hint', id: `list-${id}-hint`, text: hint }));
  box.append(el('ul', { class: 'rows' }));
  const addInput = el('input', { type: 'text', id: `add-${id}`, autocomplete: 'off', class: 'add-input' });
  const addLabel = el('label', { for: `add-${id}`, text: t('options_add_label', listTitle(name)) });
  const addButton = el('button', { type: 'button', class: 'add', text: t('options_add') });
  const add = () => {
    const phrase = addInput.value.trim();
    if (!phrase) {
      addInput.focus();
      return;
    }
    listOf(name).push(phrase);
    addInput.value = '';
    renderList(name);
    changed();
  };
  addButton.addEventListener('click', add);
  addInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      add();
    }
  });
  box.append(el('div', { class: 'add-row' }, addLabel, el('div', { class: 'inline' }, addInput, addButton)));
  box.append(el('p', { class: 'error list-error', id: `list-${id}-error`, hidden: true }));
  return box;
}

function renderList(name) {
  const id = name.replace(':', '-');
  const box = $(`list-${id}`);
  if (!box) return;
  const ul = box.querySelector('ul.rows');
  const list = listOf(name);
  ul.replaceChildren(
    ...list.map((phrase, i) => {
      const input = el('input', { type: 'text', value: phrase, id: `${id}-${i}`, autocomplete: 'off', 'aria-label': t('options_phrase_label', listTitle(name), i + 1) });
      input.addEventListener('input', () => {
        listOf(name)[i] = input.value;
        changed();
      });
      const remove = el('button', { type: 'button', class: 'remove', text: t('options_remove'), 'aria-label': t('options_remove_label', phrase) });
      remove.addEventListener('click', () => {
        listOf(name).splice(i, 1);
        renderList(name);
        changed();
        (box.querySelector(`#${CSS.escape(id)}-${Math.min(i, listOf(name).length - 1)}`) ?? box.querySelector('.add-input')).focus();
      });
      const error = el('p', { class: 'error', id: `${id}-${i}-error`, hidden: true });
      return el('li', { dataset: { index: String(i) } }, el('div', { class: 'inline' }, input, remove), error);
    }),
  );
  box.hidden = false;
}

function buildLists() {
  const container = $('keywords');
  container.replaceChildren();
  // The two categories the page does not offer appear only when an imported file filled them.
  const extra = ENGINE_CATEGORIES.filter((c) => !KEYWORD_CATEGORIES.includes(c));
  for (const cat of [...KEYWORD_CATEGORIES, ...extra]) {
    const box = buildList(`kw:${cat}`, t(`options_cat_${cat}_hint`));
    container.append(box);
  }
  $('ignored').replaceChildren(buildList('ignored', ''));
}

function renderLists() {
  for (const cat of ENGINE_CATEGORIES) {
    renderList(`kw:${cat}`);
    if (!KEYWORD_CATEGORIES.includes(cat)) $(`list-kw-${cat}`).hidden = draft.keywords[cat].length === 0;
  }
  renderList('ignored');
}

// ---------------------------------------------------------------- shipped rules

const LANG_ORDER = ['en', 'es', 'pt', 'de', 'fr', 'any'];

function renderRules() {
  const container = $('rules');
  const byCategory = new Map();
  for (const rule of catalog) {
    if (!byCategory.has(rule.category)) byCategory.set(rule.category, new Map());
    const langs = byCategory.get(rule.category);
    if (!langs.has(rule.lang)) langs.set(rule.lang, []);
    langs.get(rule.lang).push(rule);
  }
  const order = [...ENGINE_CATEGORIES].filter((c) => byCategory.has(c));
  for (const c of byCategory.keys()) if (!order.includes(c)) order.push(c);
  const groups = order.map((category) => {
    const langs = byCategory.get(category);
    const total = [...langs.values()].reduce((n, l) => n + l.length, 0);
    const off = [...langs.values()].flat().filter((r) => draft.disabled.includes(r.id)).length;
    const details = el('details', { class: 'rule-group', dataset: { category } });
    details.append(el('summary', { text: t('options_rules_group', t(`options_cat_${category}`), total, off) }));
    const langKeys = [...langs.keys()].sort((a, b) => LANG_ORDER.indexOf(a) - LANG_ORDER.indexOf(b));
    for (const lang of langKeys) {
      const ul = el('ul', { class: 'rule-list' });
      for (const rule of langs.get(lang)) ul.append(ruleItem(rule));
      details.append(el('h3', { text: t(`options_lang_${lang}`) || lang }), ul);
    }
    return details;
  });
  // Turned-off ids this engine does not know (a stored value from another version): listed so
  // they can be switched back on, and so an engine error about them has a place to show.
  const unknown = draft.disabled.filter((id) => !catalog.some((r) => r.id === id));
  if (unknown.length) {
    const details = el('details', { class: 'rule-group', open: true, dataset: { category: 'unknown' } });
    details.append(el('summary', { text: t('options_rules_unknown') }));
    const ul = el('ul', { class: 'rule-list' });
    for (const id of unknown) ul.append(ruleItem({ id, description: id, examples: [], strength: '' }));
    details.append(ul);
    groups.push(details);
  }
  // Keep which groups are open across re-renders.
  const open = new Set([...container.querySelectorAll('details[open]')].map((d) => d.dataset.category));
  for (const d of groups) if (open.has(d.dataset.category)) d.open = true;
  container.replaceChildren(...groups);
  container.setAttribute('aria-busy', 'false');
}

function ruleDomId(id) {
  return `rule-${id.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
}

function ruleItem(rule) {
  const domId = ruleDomId(rule.id);
  const box = el('input', { type: 'checkbox', id: domId, role: 'switch', checked: !draft.disabled.includes(rule.id), dataset: { rule: rule.id } });
  const examples = el('p', { class: 'examples', id: `${domId}-examples` });
  if (rule.examples?.length) examples.textContent = t('options_rule_examples', rule.examples.map((e) => `“${e}”`).join(' · '));
  box.setAttribute('aria-describedby', `${domId}-examples ${domId}-error`);
  box.addEventListener('change', () => {
    const set = new Set(draft.disabled);
    if (box.checked) set.delete(rule.id);
    else set.add(rule.id);
    draft.disabled = [...set].sort();
    changed();
    updateRuleCounts();
  });
  const label = el('label', { for: domId }, el('span', { class: 'rule-desc', text: rule.description }), el('code', { class: 'rule-id', text: rule.id }));
  const error = el('p', { class: 'error', id: `${domId}-error`, hidden: true });
  return el('li', { dataset: { rule: rule.id } }, el('div', { class: 'rule' }, box, label), examples, error);
}

function updateRuleCounts() {
  for (const details of $('rules').querySelectorAll('details.rule-group')) {
    const category = details.dataset.category;
    if (category === 'unknown') continue;
    const ids = catalog.filter((r) => r.category === category).map((r) => r.id);
    const off = ids.filter((id) => draft.disabled.includes(id)).length;
    details.querySelector('summary').textContent = t('options_rules_group', t(`options_cat_${category}`), ids.length, off);
  }
}

function syncRuleSwitches() {
  for (const box of $('rules').querySelectorAll('input[data-rule]')) box.checked = !draft.disabled.includes(box.dataset.rule);
  updateRuleCounts();
}

// ---------------------------------------------------------------- simple controls

function renderControls() {
  for (const r of document.querySelectorAll('input[name="sensitivity"]')) r.checked = r.value === draft.sensitivity;
  for (const r of document.querySelectorAll('input[name="min_level"]')) r.checked = r.value === draft.display.min_level;
  for (const c of document.querySelectorAll('input[name="site"]')) c.checked = draft.display.sites[c.value] !== false;
}

function wireControls() {
  for (const r of document.querySelectorAll('input[name="sensitivity"]')) {
    r.addEventListener('change', () => {
      if (r.checked) draft.sensitivity = r.value;
      changed();
    });
  }
  for (const r of document.querySelectorAll('input[name="min_level"]')) {
    r.addEventListener('change', () => {
      if (r.checked) draft.display.min_level = r.value;
      changed();
    });
  }
  for (const c of document.querySelectorAll('input[name="site"]')) {
    c.addEventListener('change', () => {
      draft.display.sites[c.value] = c.checked;
      changed();
    });
  }
  for (const id of ['tester-caption', 'tester-name', 'tester-bio']) $(id).addEventListener('input', schedule);
}

/** Shows the whole draft (after load, Revert, Import, Reset). */
function renderAll() {
  renderControls();
  renderLists();
  if (catalog.length || draft.disabled.length) renderRules();
  updateButtons();
}

// ---------------------------------------------------------------- state, validation, errors

function dirty() {
  return !sameForm(draft, saved);
}

function updateButtons() {
  const isDirty = dirty();
  $('apply').disabled = !isDirty;
  $('revert').disabled = !isDirty;
  document.body.dataset.dirty = String(isDirty);
}

function setStatus(key, ...subs) {
  $('status').textContent = key ? t(key, ...subs) : '';
}

function changed() {
  updateButtons();
  setStatus('');
  schedule();
}

/** Validation and the tester run a moment after the last change. */
function schedule() {
  clearTimeout(timer);
  document.body.dataset.pending = 'true';
  timer = setTimeout(() => {
    Promise.all([validate(), runTester()]).finally(() => {
      document.body.dataset.pending = 'false';
    });
  }, DEBOUNCE_MS);
}

/** Asks the engine whether the draft is valid; shows its error where it points. Returns the reply. */
async function validate() {
  const seq = ++checkSeq;
  let reply;
  try {
    reply = await send({ kind: 'options/check-config', config: configFromForm(draft) });
  } catch (error) {
    reply = { ok: false, error: { field: '', message: String(error?.message ?? error) } };
  }
  if (seq === checkSeq) showError(reply?.ok ? null : (reply?.error ?? { field: '', message: t('options_no_engine') }));
  return reply ?? { ok: false };
}

function clearErrors() {
  for (const p of document.querySelectorAll('.error')) {
    if (p.id === 'rules-error' && catalog.length === 0 && !p.hidden) continue; // the rules listing's own failure
    p.hidden = true;
    p.textContent = '';
  }
  for (const c of document.querySelectorAll('[aria-invalid="true"]')) c.removeAttribute('aria-invalid');
}

/** Puts the engine's `{field, message}` next to the control it names (or at the top of the footer). */
function showError(error) {
  clearErrors();
  errorAt = error;
  document.body.dataset.valid = String(!error);
  if (!error) return;
  const where = locateField(error.field, draft);
  let slot = null;
  let control = null;
  if (where.section === 'keywords' || where.section === 'ignored') {
    const id = where.section === 'ignored' ? 'ignored' : `kw-${where.category}`;
    if (where.index !== null) {
      slot = $(`${id}-${where.index}-error`);
      control = $(`${id}-${where.index}`);
    }
    slot ??= $(`list-${id}-error`);
    const box = $(`list-${id}`);
    if (box) box.hidden = false;
  } else if (where.section === 'disabled') {
    if (where.rule) {
      slot = $(`${ruleDomId(where.rule)}-error`);
      control = $(ruleDomId(where.rule));
      const group = control?.closest('details');
      if (group) group.open = true;
    }
    slot ??= $('rules-error');
  } else if (where.section === 'sensitivity') {
    slot = $('sensitivity-error');
  }
  slot ??= $('general-error');
  slot.textContent = where.section === 'general' && error.field ? `${error.field}: ${error.message}` : error.message;
  slot.hidden = false;
  if (control) {
    control.setAttribute('aria-invalid', 'true');
    const described = control.getAttribute('aria-describedby') ?? '';
    if (!described.split(' ').includes(slot.id)) control.setAttribute('aria-describedby', `${described} ${slot.id}`.trim());
  }
}

// ---------------------------------------------------------------- live tester

const LEVEL_KEYS = { none: 'options_level_none', info: 'options_level_info', caution: 'options_level_caution', warning: 'options_level_warning', support: 'options_level_support' };
const CREDENTIAL_KEYS = {
  none: 'options_cred_none',
  non_clinical: 'options_cred_non_clinical',
  claimed_unverified: 'options_cred_claimed_unverified',
  licensed: 'options_cred_licensed',
};

function testerPost() {
  const post = { platform: 'tiktok', caption: $('tester-caption').value };
  const author = {};
  if ($('tester-name').value.trim()) author.name = $('tester-name').value;
  if ($('tester-bio').value.trim()) author.bio = $('tester-bio').value;
  if (Object.keys(author).length) post.author = author;
  return post;
}

async function runTester() {
  const out = $('tester-result');
  const post = testerPost();
  const seq = ++testSeq;
  if (!post.caption.trim() && !post.author) {
    out.replaceChildren();
    out.dataset.level = '';
    return;
  }
  let reply;
  try {
    reply = await send({ kind: 'options/analyze', post, config: configFromForm(draft) });
  } catch (error) {
    reply = { ok: false, error: { field: '', message: String(error?.message ?? error) } };
  }
  if (seq !== testSeq) return; // a newer keystroke's answer is on its way
  if (!reply?.ok) {
    out.dataset.level = 'error';
    out.replaceChildren(el('p', { class: 'error', text: t('options_tester_invalid', reply?.error?.message ?? t('options_no_engine')) }));
    return;
  }
  renderVerdict(out, reply.verdict, post);
}

function textOf(post, field) {
  if (field === 'caption') return post.caption;
  if (field === 'name') return post.author?.name ?? '';
  if (field === 'bio') return post.author?.bio ?? '';
  return '';
}

function marked(text, start, end) {
  const p = el('p', { class: 'snippet' });
  for (const part of markedParts(text, start, end)) p.append(part.mark ? el('mark', { text: part.text }) : document.createTextNode(part.text));
  return p;
}

function renderVerdict(out, verdict, post) {
  const level = String(verdict.level ?? 'none');
  out.dataset.level = level;
  const parts = [];
  const levelLine = el('p', { class: 'level' }, el('strong', { text: t('options_tester_level') }), document.createTextNode(' '), el('span', { class: `pill level-${level}`, text: t(LEVEL_KEYS[level] ?? 'options_level_none') }));
  parts.push(levelLine);
  const minIndex = MIN_LEVELS.indexOf(draft.display.min_level);
  if (MIN_LEVELS.includes(level) && MIN_LEVELS.indexOf(level) < minIndex) parts.push(el('p', { class: 'hint', text: t('options_tester_hidden_by_level') }));
  parts.push(el('p', { class: 'credential' }, el('strong', { text: t('options_tester_credential') }), document.createTextNode(` ${t(CREDENTIAL_KEYS[verdict.credential_status] ?? 'options_cred_none')}`)));
  const items = [];
  for (const f of verdict.findings ?? []) {
    const li = el('li', { class: 'finding', dataset: { rule: f.rule ?? '', category: f.category ?? '' } });
    li.append(el('p', { class: 'finding-head', text: t('options_tester_finding', t(`options_cat_${f.category}`), t(`options_field_${f.field}`)) }));
    const text = textOf(post, f.field);
    li.append(text ? marked(text, f.start, f.end) : el('p', { class: 'snippet' }, el('mark', { text: f.text ?? '' })));
    if (f.note) li.append(el('p', { class: 'note', text: f.note }));
    if (f.rule) li.append(el('p', { class: 'rule-ref' }, el('code', { text: f.rule })));
    items.push(li);
  }
  for (const c of verdict.credentials ?? []) {
    const li = el('li', { class: 'finding credential-finding' });
    li.append(el('p', { class: 'finding-head', text: t('options_tester_credential_found', c.title || c.text || '', t(`options_field_${c.field}`)) }));
    const text = textOf(post, c.field);
    if (text) li.append(marked(text, c.start, c.end));
    items.push(li);
  }
  if (items.length) parts.push(el('ul', { class: 'findings' }, ...items));
  else parts.push(el('p', { class: 'hint', text: t('options_tester_nothing') }));
  out.replaceChildren(...parts);
}

// ---------------------------------------------------------------- apply, revert, import, export, reset

async function apply() {
  $('apply').disabled = true;
  // Marks the save in progress until storage has answered (the button alone is disabled
  // before and after, so it cannot tell "saving" from "saved").
  document.body.dataset.saving = 'true';
  try {
    await applyNow();
  } finally {
    delete document.body.dataset.saving;
  }
}

async function applyNow() {
  const reply = await validate();
  if (!reply.ok) {
    updateButtons();
    setStatus('options_status_invalid');
    document.querySelector('[aria-invalid="true"]')?.focus();
    return;
  }
  try {
    // Everything back at the defaults: store nothing (absent means the shipped defaults).
    const result = sameForm(draft, formFrom(null, null)) ? (await clearSettings(ext.storage), { area: 'sync' }) : await saveSettings(ext.storage, settingsFromForm(draft));
    saved = cloneForm(draft);
    setStatus(result.area === 'local' ? 'options_status_saved_local' : 'options_status_saved');
    document.body.dataset.storedIn = result.area;
  } catch (error) {
    // Storage refused (quota, disabled, a corrupted database): the draft stays, Apply stays on.
    setStatus('data_save_failed', String(error?.message ?? error));
  }
  updateButtons();
}

function revert() {
  draft = cloneForm(saved);
  renderAll();
  setStatus('options_status_reverted');
  schedule();
}

function exportSettings() {
  const blob = new Blob([exportText(draft)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: 'check-the-source-settings.json', hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  // The download has read the blob by then; a minute is generous for a slow disk.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  setStatus('options_status_exported');
}

const IMPORT_MESSAGES = {
  too_large: 'options_import_too_large',
  not_json: 'options_import_not_json',
  not_object: 'options_import_not_object',
  unknown_field: 'options_import_unknown_field',
  schema: 'options_import_schema',
  display: 'options_import_display',
};

function refuseImport(message) {
  const slot = $('general-error');
  slot.textContent = message;
  slot.hidden = false;
  setStatus('options_status_import_refused');
  document.body.dataset.import = 'refused';
}

async function importFile(input) {
  const file = input.files?.[0];
  input.value = '';
  if (!file) return;
  document.body.dataset.import = 'reading';
  try {
    if (file.size > MAX_IMPORT_BYTES) throw new ImportError('too_large', String(file.size));
    const text = await file.text();
    const { config, display } = parseImport(text, file.size);
    const reply = await send({ kind: 'options/check-config', config });
    if (!reply?.ok) {
      const e = reply?.error ?? { field: '', message: t('options_no_engine') };
      refuseImport(t('options_import_invalid', e.field ? `${e.field}: ${e.message}` : e.message));
      return;
    }
    draft = formFrom(config, display ?? draft.display);
    clearErrors();
    renderAll();
    setStatus(dirty() ? 'options_status_imported' : 'options_status_imported_same');
    document.body.dataset.import = 'done';
    schedule();
  } catch (error) {
    if (error instanceof ImportError) refuseImport(t(IMPORT_MESSAGES[error.code] ?? 'options_import_not_object', error.detail));
    else refuseImport(t('options_import_unreadable', String(error?.message ?? error)));
  }
}

function askReset() {
  $('reset-dialog').showModal();
  $('reset-cancel').focus();
}

async function reset() {
  $('reset-dialog').close();
  try {
    await clearSettings(ext.storage);
    saved = formFrom(null, null);
    draft = cloneForm(saved);
    renderAll();
    setStatus('options_status_reset');
    document.body.dataset.storedIn = '';
    schedule();
  } catch (error) {
    setStatus('options_status_save_failed', String(error?.message ?? error));
  }
  $('reset').focus();
}

/** Settings changed elsewhere (another options tab, a sync from another device). */
function onStorageChanged(changes, area) {
  if (!('settings' in changes) || (area !== 'sync' && area !== 'local')) return;
  loadSettings(ext.storage).then(({ settings }) => {
    const fresh = formFromSettings(settings);
    if (sameForm(fresh, saved)) return; // our own Apply or Reset
    const wasDirty = dirty();
    saved = fresh;
    if (!wasDirty) {
      draft = cloneForm(saved);
      renderAll();
    }
    updateButtons();
  });
}

// ---------------------------------------------------------------- start

async function loadRules() {
  try {
    const reply = await send({ kind: 'options/rules' });
    if (!reply?.ok || !Array.isArray(reply.rules)) throw new Error(reply?.error?.message ?? t('options_no_engine'));
    catalog = reply.rules;
    renderRules();
  } catch (error) {
    const slot = $('rules-error');
    slot.textContent = t('options_rules_failed', String(error?.message ?? error));
    slot.hidden = false;
    $('rules').setAttribute('aria-busy', 'false');
  }
}

async function start() {
  localize();
  buildLists();
  wireControls();
  $('settings').addEventListener('submit', (event) => event.preventDefault());
  $('apply').addEventListener('click', apply);
  $('revert').addEventListener('click', revert);
  $('export').addEventListener('click', exportSettings);
  $('import-file').addEventListener('change', (event) => importFile(event.target));
  $('reset').addEventListener('click', askReset);
  $('reset-cancel').addEventListener('click', () => $('reset-dialog').close());
  $('reset-confirm').addEventListener('click', reset);
  // "Delete everything" (data.js) emptied storage: show the defaults, edits included.
  document.addEventListener('cts:data-deleted', () => {
    saved = formFrom(null, null);
    draft = cloneForm(saved);
    clearErrors();
    renderAll();
    document.body.dataset.storedIn = '';
    schedule();
  });
  try {
    const { settings, area } = await loadSettings(ext.storage);
    saved = formFromSettings(settings);
    document.body.dataset.storedIn = area ?? '';
    if (area === 'local') setStatus('options_status_loaded_local');
    // A value this version cannot read (another version's schema, through sync) is shown as the
    // defaults; say so before an Apply here replaces it.
    if (settings && settings.schema !== SCHEMA) setStatus('options_status_unknown_schema', String(settings.schema));
  } catch (error) {
    setStatus('options_status_load_failed', String(error?.message ?? error));
  }
  draft = cloneForm(saved);
  renderAll();
  ext.storage.onChanged.addListener(onStorageChanged);
  await loadRules();
  renderAll();
  // A stored value from another version may no longer be valid: say so where it points.
  await validate();
  document.body.dataset.ready = 'true';
}

start();
