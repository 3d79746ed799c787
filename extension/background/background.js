// The background: Chrome's service worker and Firefox's background script (one ES module for
// both). It owns the WebAssembly engine, because Chromium refuses to compile WebAssembly in a
// content script on pages with a strict CSP such as TikTok's and Instagram's
// (../../shared/notes/toolchain.md). It answers the messages in ARCHITECTURE.md and keeps no state
// that storage does not hold: the worker may be stopped between any two messages, so the engine
// is initialised lazily on the first message after each start, with the settings read afresh.

// Service workers allow no import() and no top-level await: the glue is imported statically.
import init, { analyze, analyze_with, check_config, conditions, configure, crisis_lines, rules, translations } from '../engine/check_source.js';
import { fillRemembered, postCreatorKey, recordsToRemember } from './creators.js';
import { acceptMessage, acceptPort, acceptPortMessage } from './messages.js';
import { checkNote, noteKey, noteRecord, readNote } from './notes.js';
import { MAX_SEEN, SEEN_PREFIX, seenInBatch, seenToEvict, seenToWrite } from './seen.js';
import { storageUpkeep } from './migrate.js';
import { DEFAULT_CONFIG, readSettings, storedConfig } from './settings.js';

const ext = globalThis.browser ?? globalThis.chrome;
const thisExtension = { id: ext.runtime.id, origin: ext.runtime.getURL('') };

/** Resolves once the module is instantiated; reset on failure so the next message retries. */
let loaded;
/** Resolves once the engine holds the stored settings; reset when they change. */
let configured;

/**
 * User Timing entries (`cts:init`, `cts:analyze`) that `bench/feed.mjs` reads from the worker to
 * report the engine's start-up and per-batch time in the browser. Bounded: cleared every 500
 * batches, so a long session never grows the timeline.
 */
let measured = 0;
function measure(name, start) {
  performance.measure(name, { start, end: performance.now() });
  if (++measured % 500 === 0) performance.clearMeasures('cts:analyze');
}

function engine() {
  const started = performance.now();
  loaded ??= init({ module_or_path: ext.runtime.getURL('engine/check_source_bg.wasm') }).then((exports) => {
    measure('cts:init', started);
    return exports;
  }).catch((error) => {
    loaded = undefined;
    throw error;
  });
  configured ??= loaded.then(applySettings).catch((error) => {
    configured = undefined;
    throw error;
  });
  return configured;
}

/**
 * Stored data brought to the current schema before anything reads it, broken values set aside
 * (./migrate.js): at every start, after an update, and when the settings change.
 */
const upkeep = storageUpkeep(ext.storage);
upkeep.start();

/** Installs the stored configuration, or the defaults when there is none or it is rejected. */
async function applySettings() {
  await upkeep.ready;
  let found = { settings: null, area: null };
  try {
    // The options page falls back to storage.local when a document exceeds storage.sync's
    // per-item quota (extension/options/store.js): sync first, else local.
    found = await readSettings(ext.storage);
  } catch (error) {
    console.warn('Check the Source: settings unreadable, using the defaults.', error);
  }
  const config = storedConfig(found.settings);
  if (config) {
    try {
      configure(config);
      return;
    } catch (error) {
      // The options page validates before saving, so this is a value from another version of
      // the engine, or a corrupted one: analyse with the defaults rather than not at all, and
      // keep a copy aside for the person (the options page says so and shows where it fails).
      console.warn('Check the Source: stored settings rejected, using the defaults.', error);
      upkeep.rejected(found.area, found.settings, error?.field ? `${error.field}: ${error.message}` : String(error?.message ?? error));
    }
  }
  configure(DEFAULT_CONFIG);
}

/**
 * Settings kept in storage.local (over the sync item quota) changed: tells the sites' tabs
 * (`background/settings`). Content scripts listen to storage.sync alone, where settings normally
 * live: a storage.local listener would wake the page for every `seen:` record written after a
 * batch (BENCHMARKS.md, the scripted feed). A tab without our content script just says so.
 */
async function tellTabsSettings() {
  try {
    const matches = (ext.runtime.getManifest().content_scripts ?? []).flatMap((c) => c.matches ?? []);
    for (const tab of await ext.tabs.query({ url: matches })) {
      ext.tabs.sendMessage(tab.id, { kind: 'background/settings' }).catch(() => {});
    }
  } catch (error) {
    console.warn('Check the Source: could not tell open tabs that the settings changed.', error);
  }
}

ext.storage.onChanged.addListener((changes, area) => {
  if ((area === 'sync' || area === 'local') && 'settings' in changes) configured = undefined;
  if (area === 'local' && 'settings' in changes) tellTabsSettings();
  upkeep.changed(changes, area);
});

/** Seen-creator updates run one after another, each reading storage afresh (no lost counts). */
let seenQueue = Promise.resolve();
/**
 * How many `seen:` records storage held at the last full read, plus those added since: an upper
 * bound (the popup may have cleared some), so storage is read whole only when the bound may be
 * passed, not on every new creator. `null` after a start: the first new creator reads it.
 */
let seenCount = null;

/**
 * Records the creators of this batch's mental-health posts (`seen:` keys, extension/background/
 * seen.js), off the reply's path; when a new creator was added, drops the oldest beyond MAX_SEEN.
 */
function rememberSeen(posts, verdicts) {
  const keys = [...seenInBatch(posts, verdicts).keys()];
  if (!keys.length) return;
  seenQueue = seenQueue
    .then(async () => {
      const stored = await ext.storage.local.get(keys);
      const fresh = seenToWrite(posts, verdicts, stored, new Date().toISOString());
      if (!Object.keys(fresh).length) return;
      await ext.storage.local.set(fresh);
      const added = Object.keys(fresh).filter((k) => !(k in stored)).length;
      if (added === 0) return;
      if (seenCount !== null && seenCount + added <= MAX_SEEN) {
        seenCount += added;
        return;
      }
      const all = await ext.storage.local.get(null);
      const evict = seenToEvict(all, MAX_SEEN);
      if (evict.length) await ext.storage.local.remove(evict);
      seenCount = Object.keys(all).filter((k) => k.startsWith(SEEN_PREFIX)).length - evict.length;
    })
    .catch((error) => console.warn('Check the Source: could not record creators seen.', error));
}

/** `content/analyze`: remembers creators seen with a bio, fills remembered bios, analyses. */
async function analyzeBatch({ batch }) {
  await engine();
  const posts = batch.map((item) => item.post);
  const keys = [...new Set(posts.map(postCreatorKey).filter(Boolean))];
  let stored = {};
  if (keys.length) {
    try {
      stored = await ext.storage.local.get(keys);
    } catch (error) {
      console.warn('Check the Source: remembered creators unreadable.', error);
    }
  }
  const fresh = recordsToRemember(posts, stored, new Date().toISOString());
  if (Object.keys(fresh).length) {
    // Losing a note is better than losing the verdicts: a failed write is only logged.
    await ext.storage.local.set(fresh).catch((error) => console.warn('Check the Source: could not remember creators.', error));
  }
  const { posts: filled, remembered } = fillRemembered(posts, { ...stored, ...fresh });
  const started = performance.now();
  const slots = analyze(filled);
  measure('cts:analyze', started);
  rememberSeen(filled, slots);
  const verdicts = slots.map((slot, i) => {
    const key = batch[i].key;
    if (typeof slot.error === 'string' && !('level' in slot)) return { key, error: slot.error };
    return remembered[i] ? { key, verdict: slot, remembered: remembered[i] } : { key, verdict: slot };
  });
  return { ok: true, verdicts };
}

/** The engine's text for a language: cached, since the UI language does not change while running. */
let localized = { lang: null, text: null };

/**
 * The engine's notes and condition names in the language the extension's own strings are shown
 * in (`_locales`' `options_lang`, e.g. `es`; else `i18n.getUILanguage()`'s first subtag):
 * `{notes: {ruleId: text}, conditions: {id: name}}`, both empty for English or a language without
 * translations, meaning "keep the engine's own text". The strings' language, not the UI
 * language alone: Chromium started with `--lang=es` shows the Spanish strings while
 * `getUILanguage()` still says `en-US`, and the notes must match the panel around them.
 * Call after `engine()`.
 */
function localText() {
  const lang = String(ext.i18n?.getMessage?.('options_lang') || ext.i18n?.getUILanguage?.() || 'en').split(/[-_]/)[0].toLowerCase();
  if (localized.lang !== lang) localized = { lang, text: translations(lang) };
  return localized.text;
}

/** `options/analyze`: one post with the given (not installed) configuration or the current one. */
async function analyzeOne({ post, config }) {
  await engine();
  const slot = analyze_with(config ?? null, post);
  if (typeof slot.error === 'string' && !('level' in slot)) {
    return { ok: false, error: { field: 'post', message: slot.error } };
  }
  // The tester shows each finding's note: in the person's language, like the panel.
  const { notes } = localText();
  if (Array.isArray(slot.findings)) slot.findings = slot.findings.map((f) => (Object.hasOwn(notes, f.rule) ? { ...f, note: notes[f.rule] } : f));
  return { ok: true, verdict: slot };
}

/** `options/check-config`: validates without installing. */
async function checkConfig({ config }) {
  await engine();
  const error = check_config(config);
  return error === null ? { ok: true } : { ok: false, error };
}

/** `options/rules`: the shipped rules the options page lists (public fields and the engine's examples: the first three must-flag texts, all the .wasm keeps). */
async function listRules() {
  await engine();
  const list = rules().map((r) => ({
    id: r.id,
    category: r.category,
    lang: r.lang,
    strength: r.strength,
    description: r.description,
    examples: r.examples,
  }));
  return { ok: true, rules: list };
}

/**
 * `content/panel-data`: what the checklist panel shows beyond the verdict: the reading links of
 * the conditions asked for (in that order, names in the UI language), the crisis lines for the
 * browser's locale, the person's note on this creator (null when none, or when the handle cannot
 * be keyed), and `notes`: the findings' notes in the UI language for the rule ids asked for (only
 * those with a translation; none in English, where the verdict's own notes stand).
 */
async function panelData({ platform, handle, conditions: ids, locale, rules: ruleIds = [] }) {
  await engine();
  const text = localText();
  const byId = new Map(conditions().map((c) => [c.id, c]));
  const wanted = [...new Set(ids)].filter((id) => byId.has(id)).map((id) => byId.get(id))
    .map((c) => (Object.hasOwn(text.conditions, c.id) ? { ...c, name: text.conditions[c.id] } : c));
  const notes = Object.fromEntries(ruleIds.filter((id) => Object.hasOwn(text.notes, id)).map((id) => [id, text.notes[id]]));
  const key = noteKey(platform, handle);
  let note = null;
  if (key) {
    try {
      note = readNote((await ext.storage.local.get(key))[key]);
    } catch (error) {
      console.warn('Check the Source: creator note unreadable.', error);
    }
  }
  return { ok: true, conditions: wanted, crisis_lines: crisis_lines(locale), note, notes };
}

/** `content/note`: stores the person's note on a creator (an empty note removes it). */
async function saveNote({ platform, handle, note }) {
  const key = noteKey(platform, handle);
  if (!key) return { ok: false, error: 'This creator has no handle that can be saved.' };
  const checked = checkNote(note);
  if (!checked.ok) return checked;
  const record = noteRecord(checked.note, new Date().toISOString());
  if (record) await ext.storage.local.set({ [key]: record });
  else await ext.storage.local.remove(key);
  return { ok: true, note: record };
}

const handlers = {
  'content/analyze': analyzeBatch,
  'content/panel-data': panelData,
  'content/note': saveNote,
  'options/analyze': analyzeOne,
  'options/check-config': checkConfig,
  'options/rules': listRules,
};

/** The reply for a handler that threw: `{field, message}` errors pass through as they are. */
function failure(kind, error) {
  const fieldError = typeof error === 'object' && error !== null && typeof error.message === 'string' && typeof error.field === 'string';
  if (kind.startsWith('content/')) return { ok: false, error: String(error?.message ?? error) };
  return { ok: false, error: fieldError ? { field: error.field, message: error.message } : { field: '', message: String(error?.message ?? error) } };
}

// sendResponse + `return true` rather than a returned promise: it works in both browsers.
ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
  const accepted = acceptMessage(message, sender, thisExtension);
  if (!accepted) return false;
  handlers[accepted.kind](accepted).then(sendResponse, (error) => sendResponse(failure(accepted.kind, error)));
  return true;
});

// The content script's long-lived port (ARCHITECTURE.md): the same checks per message, the reply
// carries the request's `id`. A port from anyone else is closed at once. The tab may go away
// while a batch is analysed: its reply then has nowhere to go and is dropped.
ext.runtime.onConnect.addListener((port) => {
  if (!acceptPort(port, thisExtension)) {
    port.disconnect();
    return;
  }
  port.onMessage.addListener((message) => {
    const accepted = acceptPortMessage(message, port.sender, thisExtension);
    if (!accepted) return;
    const { id, message: request } = accepted;
    const reply = (body) => {
      try {
        port.postMessage({ id, ...body });
      } catch {
        // the content script's side closed
      }
    };
    handlers[request.kind](request).then(reply, (error) => reply(failure(request.kind, error)));
  });
});

// First run: say what the extension does and does not do (extension/welcome/). Needs no permission.
// Not for Firefox's temporary installs (about:debugging, web-ext, the test harness): a developer
// does not need it, and a tab opened over the one under test would push that one to the background.
ext.runtime.onInstalled?.addListener(({ reason, temporary }) => {
  upkeep.installed(reason);
  if (reason === 'install' && !temporary) {
    ext.tabs.create({ url: ext.runtime.getURL('welcome/welcome.html') }).catch((error) => console.warn('Check the Source: could not open the welcome page.', error));
  }
});
