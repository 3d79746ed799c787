// The options page's data, without the DOM: the stored settings value ↔ the form's state, the
// engine configuration written from it, what counts as "changed", reading an imported file, and
// mapping an engine error's field (`keywords.diagnostic[2]`) back to the control that holds it.
// Pure functions, so they are tested in Node (tests/options/model.test.mjs).
//
// Stored value (ARCHITECTURE.md, "Storage schema"):
//   {schema: 1, config: <engine configuration document>, display: {min_level, sites: {tiktok, instagram}}}
// The engine reads only `config`; `display` is for the content script.

import { MIN_LEVELS, SETTINGS_SCHEMA, SITES } from '../background/migrate.js';

/** The settings schema this page writes and reads: the one the background checks stored values against. */
export const SCHEMA = SETTINGS_SCHEMA;
/** The engine configuration version. */
export const CONFIG_VERSION = 1;
/** Largest file Import reads (a full configuration is far smaller). */
export const MAX_IMPORT_BYTES = 64 * 1024;

/** Keyword categories the page offers, in the order it shows them. */
export const KEYWORD_CATEGORIES = ['diagnostic', 'treatment_claim', 'sponsorship', 'self_promotion', 'credential', 'non_clinical_title', 'crisis', 'topic'];
/** Every category the engine accepts keywords for (an imported file may use the last two). */
export const ENGINE_CATEGORIES = [...KEYWORD_CATEGORIES, 'lived_experience', 'certainty'];
export const SENSITIVITIES = ['low', 'normal', 'high'];
/** Badge levels a person can choose as the lowest shown (`support` is always shown), and the sites. */
export { MIN_LEVELS, SITES };
export const DEFAULT_DISPLAY = Object.freeze({ min_level: 'info', sites: Object.freeze({ tiktok: true, instagram: true }) });

const CONFIG_KEYS = ['version', 'disabled_rules', 'keywords', 'ignored_phrases', 'sensitivity'];

function isObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const strings = (v) => (Array.isArray(v) ? v.filter((s) => typeof s === 'string') : []);

/** The display preferences in a stored or imported value, defaults for anything unreadable. */
export function readDisplay(display) {
  const d = isObject(display) ? display : {};
  const sites = isObject(d.sites) ? d.sites : {};
  return {
    min_level: MIN_LEVELS.includes(d.min_level) ? d.min_level : DEFAULT_DISPLAY.min_level,
    sites: Object.fromEntries(SITES.map((s) => [s, typeof sites[s] === 'boolean' ? sites[s] : true])),
  };
}

/** The form's state for a configuration document and display preferences (either may be absent). */
export function formFrom(config, display) {
  const c = isObject(config) ? config : {};
  const kw = isObject(c.keywords) ? c.keywords : {};
  const keywords = {};
  for (const cat of ENGINE_CATEGORIES) keywords[cat] = strings(kw[cat]);
  return {
    keywords,
    ignored: strings(c.ignored_phrases),
    disabled: [...new Set(strings(c.disabled_rules))].sort(),
    sensitivity: SENSITIVITIES.includes(c.sensitivity) ? c.sensitivity : 'normal',
    display: readDisplay(display),
  };
}

/** The form's state for a stored `settings` value (`null`: the shipped defaults). */
export function formFromSettings(settings) {
  if (!isObject(settings) || settings.schema !== SCHEMA) return formFrom(null, null);
  return formFrom(settings.config, settings.display);
}

/**
 * The engine configuration document for a form state: only what differs from the defaults.
 * Keyword and phrase lists keep the form's rows one for one, so an error at
 * `keywords.diagnostic[2]` is the form's third diagnostic row.
 */
export function configFromForm(form) {
  const config = { version: CONFIG_VERSION };
  if (form.disabled.length) config.disabled_rules = [...form.disabled];
  const keywords = {};
  for (const cat of ENGINE_CATEGORIES) if (form.keywords[cat]?.length) keywords[cat] = [...form.keywords[cat]];
  if (Object.keys(keywords).length) config.keywords = keywords;
  if (form.ignored.length) config.ignored_phrases = [...form.ignored];
  if (form.sensitivity !== 'normal') config.sensitivity = form.sensitivity;
  return config;
}

/** The value to store for a form state. */
export function settingsFromForm(form) {
  return { schema: SCHEMA, config: configFromForm(form), display: readDisplay(form.display) };
}

/** True when two form states would store the same thing. */
export function sameForm(a, b) {
  return JSON.stringify(settingsFromForm(a)) === JSON.stringify(settingsFromForm(b));
}

/** A deep copy of a form state (the page edits its draft in place). */
export function cloneForm(form) {
  return structuredClone(form);
}

/** A refusal that names what is wrong with an imported file; `code` picks the page's message. */
export class ImportError extends Error {
  constructor(code, detail = '') {
    super(detail ? `${code}: ${detail}` : code);
    this.code = code;
    this.detail = detail;
  }
}

/**
 * Reads an imported file's text: the engine configuration document (what `check-source analyze
 * --config` reads) or a whole stored settings value `{schema, config, display}`. Returns
 * `{config, display}` (display `null` when the file has none) for the engine to validate next;
 * throws `ImportError` for anything that is not one of those two shapes.
 */
export function parseImport(text, byteLength = new TextEncoder().encode(text).length) {
  if (byteLength > MAX_IMPORT_BYTES) throw new ImportError('too_large', String(byteLength));
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ImportError('not_json', error.message);
  }
  if (!isObject(value)) throw new ImportError('not_object');
  if ('schema' in value || 'config' in value || 'display' in value) {
    const extra = Object.keys(value).filter((k) => !['schema', 'config', 'display'].includes(k));
    if (extra.length) throw new ImportError('unknown_field', extra[0]);
    if (value.schema !== SCHEMA) throw new ImportError('schema', String(value.schema));
    if (!isObject(value.config)) throw new ImportError('not_object', 'config');
    if (value.display !== undefined) checkDisplay(value.display);
    return { config: value.config, display: value.display ?? null };
  }
  const unknown = Object.keys(value).filter((k) => !CONFIG_KEYS.includes(k));
  if (unknown.length) throw new ImportError('unknown_field', unknown[0]);
  return { config: value, display: null };
}

/** An imported `display` must have exactly the documented shape (no silent repairs on import). */
function checkDisplay(display) {
  if (!isObject(display)) throw new ImportError('display', 'display');
  for (const k of Object.keys(display)) if (!['min_level', 'sites'].includes(k)) throw new ImportError('display', `display.${k}`);
  if ('min_level' in display && !MIN_LEVELS.includes(display.min_level)) throw new ImportError('display', 'display.min_level');
  if ('sites' in display) {
    if (!isObject(display.sites)) throw new ImportError('display', 'display.sites');
    for (const [k, v] of Object.entries(display.sites)) {
      if (!SITES.includes(k) || typeof v !== 'boolean') throw new ImportError('display', `display.sites.${k}`);
    }
  }
}

/** The file Export writes: the whole settings value (Import reads it back; the command line reads `config`). */
export function exportText(form) {
  return `${JSON.stringify(settingsFromForm(form), null, 2)}\n`;
}

/**
 * Where an engine error's `field` points in the form:
 * `{section: 'keywords', category, index?}`, `{section: 'ignored', index?}`,
 * `{section: 'disabled', index?, rule?}`, `{section: 'sensitivity'}`, or `{section: 'general'}`.
 */
export function locateField(field, form) {
  let m = /^keywords\.([a-z_]+)(?:\[(\d+)\])?$/.exec(field ?? '');
  if (m) return { section: 'keywords', category: m[1], index: m[2] === undefined ? null : Number(m[2]) };
  m = /^ignored_phrases(?:\[(\d+)\])?$/.exec(field ?? '');
  if (m) return { section: 'ignored', index: m[1] === undefined ? null : Number(m[1]) };
  m = /^disabled_rules(?:\[(\d+)\])?$/.exec(field ?? '');
  if (m) {
    const index = m[1] === undefined ? null : Number(m[1]);
    return { section: 'disabled', index, rule: index === null ? null : (form?.disabled[index] ?? null) };
  }
  if (field === 'sensitivity') return { section: 'sensitivity' };
  return { section: 'general' };
}

/**
 * The caption (or other text) cut into plain and marked parts for one finding's UTF-16 range
 * `[start, end)`, with at most `context` characters either side (an ellipsis marks a cut).
 * Out-of-range offsets yield the whole text unmarked rather than a wrong highlight.
 */
export function markedParts(text, start, end, context = 80) {
  const s = String(text ?? '');
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > s.length || start >= end) {
    return [{ text: s, mark: false }];
  }
  const low = (i) => i > 0 && i < s.length && (s.charCodeAt(i) & 0xfc00) === 0xdc00;
  let from = Math.max(0, start - context);
  let to = Math.min(s.length, end + context);
  if (low(from)) from -= 1; // never split a surrogate pair (emoji) at a cut
  if (low(to)) to += 1;
  return [
    { text: (from > 0 ? '…' : '') + s.slice(from, start), mark: false },
    { text: s.slice(start, end), mark: true },
    { text: s.slice(end, to) + (to < s.length ? '…' : ''), mark: false },
  ].filter((p) => p.text !== '' || p.mark);
}
