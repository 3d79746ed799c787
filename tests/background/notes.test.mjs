// The person's notes on creators (panel step 6): the record shape ARCHITECTURE.md documents, the
// strict checks on what the panel sends, and the two panel messages' shapes.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { MAX_CONDITIONS, MAX_RULES, acceptMessage } from '../../extension/background/messages.js';
import { REASONS, checkNote, noteKey, noteRecord, readNote } from '../../extension/background/notes.js';

const NOW = '2026-11-26T09:30:00.000Z';
const self = { id: 'ext-id', origin: 'chrome-extension://ext-id/' };
const tab = { id: 'ext-id', tab: { id: 3 }, url: 'https://www.tiktok.com/foryou' };
const page = { id: 'ext-id', url: 'chrome-extension://ext-id/popup/popup.html' };

test('a note is keyed like the remembered creator: platform and lowercased handle without @', () => {
  assert.equal(noteKey('tiktok', 'JaneTalks'), 'note:tiktok:janetalks');
  assert.equal(noteKey('instagram', '@dr.sam.therapy'), 'note:instagram:dr.sam.therapy');
  assert.equal(noteKey('youtube', 'jane'), null);
  assert.equal(noteKey('tiktok', null), null);
  assert.equal(noteKey('tiktok', 'has space'), null);
  assert.equal(noteKey('tiktok', ''), null);
});

test('a valid note becomes exactly {rating, reasons, updated}, reasons in their canonical order', () => {
  const checked = checkNote({ rating: 'helpful', reasons: ['growth', 'information'] });
  assert.deepEqual(checked, { ok: true, note: { rating: 'helpful', reasons: ['information', 'growth'] } });
  const record = noteRecord(checked.note, NOW);
  assert.deepEqual(record, { rating: 'helpful', reasons: ['information', 'growth'], updated: NOW });
  assert.deepEqual(Object.keys(record), ['rating', 'reasons', 'updated']);

  assert.deepEqual(checkNote({ rating: 'harmful', reasons: [] }).note, { rating: 'harmful', reasons: [] });
  assert.deepEqual(checkNote({ rating: null, reasons: ['memes'] }).note, { rating: null, reasons: ['memes'] });
  assert.deepEqual(checkNote({ rating: null, reasons: [...REASONS].reverse() }).note.reasons, REASONS);
});

test('a note that says nothing is no record (the key is removed, not kept empty)', () => {
  assert.equal(noteRecord({ rating: null, reasons: [] }, NOW), null);
});

test('anything but the documented shape is refused with a message naming the problem', () => {
  const cases = [
    [null, /object/],
    [[], /object/],
    ['helpful', /object/],
    [{ rating: 'helpful' }, /both rating and reasons/],
    [{ reasons: [] }, /both rating and reasons/],
    [{ rating: 'helpful', reasons: [], updated: NOW }, /unknown fields: updated/],
    [{ rating: 'helpful', reasons: [], __proto__x: 1 }, /unknown fields/],
    [{ rating: 'great', reasons: [] }, /rating must be/],
    [{ rating: 'Helpful', reasons: [] }, /rating must be/],
    [{ rating: undefined, reasons: [] }, /rating must be/],
    [{ rating: 1, reasons: [] }, /rating must be/],
    [{ rating: null, reasons: 'memes' }, /reasons must be a list/],
    [{ rating: null, reasons: ['memes', 'gossip'] }, /Unknown reason "gossip"/],
    [{ rating: null, reasons: [1] }, /Unknown reason 1/],
    [{ rating: null, reasons: ['memes', 'memes'] }, /twice/],
  ];
  for (const [value, message] of cases) {
    const checked = checkNote(value);
    assert.equal(checked.ok, false, JSON.stringify(value));
    assert.match(checked.error, message, JSON.stringify(value));
  }
});

test('stored values are read back only when they have the documented shape', () => {
  const record = { rating: 'harmful', reasons: ['entertainment'], updated: NOW };
  assert.deepEqual(readNote(record), record);
  assert.deepEqual(readNote({ rating: null, reasons: ['growth', 'memes'], updated: NOW }), { rating: null, reasons: ['memes', 'growth'], updated: NOW });
  for (const bad of [
    undefined,
    null,
    'helpful',
    { rating: 'harmful', reasons: ['entertainment'] },
    { rating: 'harmful', reasons: ['entertainment'], updated: 'yesterday' },
    { rating: 'meh', reasons: [], updated: NOW },
    { rating: 'helpful', reasons: [], updated: NOW, extra: 1 },
  ]) {
    assert.equal(readNote(bad), null, JSON.stringify(bad));
  }
});

test('content/panel-data: from a content script, exactly {platform, handle, conditions, locale}', () => {
  const ok = { kind: 'content/panel-data', platform: 'tiktok', handle: 'janetalks', conditions: ['adhd', 'eating_disorder'], locale: 'en-US' };
  assert.equal(acceptMessage(ok, tab, self), ok);
  assert.ok(acceptMessage({ ...ok, handle: null }, tab, self));
  assert.ok(acceptMessage({ ...ok, conditions: [] }, tab, self));
  assert.ok(acceptMessage({ ...ok, locale: 'pt_BR' }, tab, self));
  assert.ok(acceptMessage({ ...ok, locale: 'es' }, tab, self));
  assert.ok(acceptMessage({ ...ok, rules: ['en.diag.signs-you-have', 'cred.lcsw'] }, tab, self), 'rules is optional');
  assert.ok(acceptMessage({ ...ok, rules: [] }, tab, self));
  assert.equal(acceptMessage(ok, page, self), null, 'not from an extension page');
  assert.equal(acceptMessage(ok, { ...tab, id: 'other' }, self), null, 'not from another extension');
  const bad = [
    { ...ok, extra: 1 },
    { ...ok, platform: 'youtube' },
    { ...ok, handle: 7 },
    { ...ok, handle: 'x'.repeat(101) },
    { ...ok, conditions: 'adhd' },
    { ...ok, conditions: ['ADHD'] },
    { ...ok, conditions: [''] },
    { ...ok, conditions: [1] },
    { ...ok, conditions: Array.from({ length: MAX_CONDITIONS + 1 }, () => 'adhd') },
    { ...ok, locale: '' },
    { ...ok, locale: 'en US' },
    { ...ok, locale: 'english-united-states-of-america' },
    { ...ok, locale: null },
    { ...ok, rules: 'en.diag.signs-you-have' },
    { ...ok, rules: null },
    { ...ok, rules: ['EN.Diag'] },
    { ...ok, rules: [''] },
    { ...ok, rules: [7] },
    { ...ok, rules: ['x'.repeat(101)] },
    { ...ok, rules: Array.from({ length: MAX_RULES + 1 }, () => 'cred.lcsw') },
  ];
  for (const key of ['platform', 'handle', 'conditions', 'locale']) {
    const { [key]: _, ...missing } = ok;
    bad.push(missing);
  }
  for (const message of bad) assert.equal(acceptMessage(message, tab, self), null, JSON.stringify(message).slice(0, 120));
});

test('content/note: from a content script, exactly {platform, handle, note} with an object note', () => {
  const ok = { kind: 'content/note', platform: 'instagram', handle: 'dr.sam.therapy', note: { rating: 'helpful', reasons: [] } };
  assert.equal(acceptMessage(ok, tab, self), ok);
  // A null handle passes the envelope and gets {ok: false, error} from the handler (noteKey null).
  assert.ok(acceptMessage({ ...ok, handle: null }, tab, self));
  assert.equal(acceptMessage(ok, page, self), null);
  for (const message of [
    { ...ok, note: null },
    { ...ok, note: [] },
    { ...ok, note: 'helpful' },
    { ...ok, platform: 'web' },
    { ...ok, handle: {} },
    { ...ok, updated: NOW },
    { kind: 'content/note', platform: 'tiktok', handle: 'x' },
  ]) {
    assert.equal(acceptMessage(message, tab, self), null, JSON.stringify(message));
  }
});

// ------------------------------------------------------------------------------------------------
// The two messages through the built background (dist/chrome/background/background.js with the
// real engine), against a stand-in `chrome` API with a Map for storage.

const DIST = path.resolve(process.env.CTS_DIST ?? path.resolve(import.meta.dirname, '../../dist'), 'chrome');
const BACKGROUND = path.join(DIST, 'background/background.js');
const WASM_PATH = 'engine/check_source_bg.wasm';

/** A storage area backed by a Map; `failWrites` makes set and remove reject. */
function area(initial = {}) {
  const data = new Map(Object.entries(initial));
  const a = {
    data,
    failWrites: false,
    async get(keys) {
      const list = keys === null || keys === undefined ? [...data.keys()] : typeof keys === 'string' ? [keys] : Array.isArray(keys) ? keys : Object.keys(keys);
      return Object.fromEntries(list.filter((k) => data.has(k)).map((k) => [k, structuredClone(data.get(k))]));
    },
    async set(items) {
      if (a.failWrites) throw new Error('QUOTA_BYTES quota exceeded');
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
    },
    async remove(keys) {
      if (a.failWrites) throw new Error('storage unavailable');
      for (const k of typeof keys === 'string' ? [keys] : keys) data.delete(k);
    },
  };
  return a;
}

let instance = 0;
async function loadBackground(local = {}, uiLanguage = undefined) {
  // `uiLanguage`: the language of the extension's strings (`options_lang`); none: no i18n API.
  assert.ok(existsSync(BACKGROUND), 'run ./build.sh first');
  const wasm = `data:application/wasm;base64,${readFileSync(path.join(DIST, WASM_PATH)).toString('base64')}`;
  const listeners = [];
  const ignore = { addListener: () => {} };
  const api = {
    runtime: { id: self.id, getURL: (p) => (p === WASM_PATH ? wasm : `${self.origin}${p}`), onMessage: { addListener: (fn) => listeners.push(fn) }, onConnect: ignore, onInstalled: ignore },
    storage: { sync: area(), local: area(local), onChanged: ignore },
    // As Chromium started with --lang=es: the strings are Spanish, getUILanguage may say otherwise.
    ...(uiLanguage ? { i18n: { getMessage: (key) => (key === 'options_lang' ? uiLanguage.split('-')[0] : ''), getUILanguage: () => 'en-US' } } : {}),
  };
  globalThis.chrome = api;
  const warn = console.warn;
  console.warn = () => {};
  try {
    await import(`${pathToFileURL(BACKGROUND)}?notes=${++instance}`);
    // Start-up work (storage checks) settles before the test talks to it.
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
  } finally {
    delete globalThis.chrome;
    console.warn = warn;
  }
  const send = (message, sender = tab) =>
    new Promise((resolve) => {
      if (listeners[0](message, sender, resolve) !== true) resolve(undefined);
    });
  return { local: api.storage.local, send };
}

test('content/panel-data: the conditions asked for, in order; the crisis lines for the locale; the stored note', async () => {
  const record = { rating: 'helpful', reasons: ['memes'], updated: NOW };
  const bg = await loadBackground({ 'note:tiktok:janetalks': record, 'note:tiktok:broken': { rating: 'meh', reasons: [], updated: NOW } });
  const reply = await bg.send({ kind: 'content/panel-data', platform: 'tiktok', handle: '@JaneTalks', conditions: ['trauma', 'no-such-condition', 'adhd', 'trauma'], locale: 'en-GB' });
  assert.equal(reply.ok, true, JSON.stringify(reply));
  assert.deepEqual(reply.conditions.map((c) => c.id), ['trauma', 'adhd']);
  for (const c of reply.conditions) {
    assert.equal(typeof c.name, 'string');
    assert.ok(c.links.length > 0 && c.links.every((l) => l.url.startsWith('https://') && l.label), c.id);
  }
  assert.equal(reply.crisis_lines[0].number, '116 123');
  assert.deepEqual(reply.note, record);

  const us = await bg.send({ kind: 'content/panel-data', platform: 'tiktok', handle: null, conditions: [], locale: 'en-US' });
  assert.deepEqual({ conditions: us.conditions, number: us.crisis_lines[0].number, note: us.note }, { conditions: [], number: '988', note: null });
  const broken = await bg.send({ kind: 'content/panel-data', platform: 'tiktok', handle: 'broken', conditions: [], locale: 'xx' });
  assert.equal(broken.note, null, 'a stored value of the wrong shape reads as no note');
  assert.ok(broken.crisis_lines.length >= 1, 'an unknown locale still gets the international line');
});

/** The Spanish of the shipped data (crate/data/translations/es.toml), read as the engine sees it. */
function spanishData() {
  const text = readFileSync(path.resolve(import.meta.dirname, '../../crate/data/translations/es.toml'), 'utf8');
  const unquote = (v) => JSON.parse(v);
  const notes = new Map();
  for (const m of text.matchAll(/^en = ("(?:[^"\\]|\\.)*")\nes = ("(?:[^"\\]|\\.)*")$/gm)) notes.set(unquote(m[1]), unquote(m[2]));
  const adhd = unquote(/^adhd = ("[^"]*")$/m.exec(text)[1]);
  return { notes, adhd };
}

test('content/panel-data in Spanish: the notes of the rules asked for and the condition names; English keeps the engine text', async () => {
  const es = spanishData();
  const bg = await loadBackground({}, 'es-ES');
  const message = { kind: 'content/panel-data', platform: 'tiktok', handle: null, conditions: ['adhd'], locale: 'es-ES' };
  const asked = ['en.diag.signs-you-have', 'cred.nc.coach', 'cred.lcsw', 'no.such.rule'];
  const reply = await bg.send({ ...message, rules: asked });
  assert.equal(reply.ok, true, JSON.stringify(reply));
  assert.deepEqual(reply.conditions.map((c) => [c.id, c.name]), [['adhd', es.adhd]]);
  assert.ok(reply.conditions[0].links.length > 0);
  // Only rules with a translation: a clinical credential (its meaning comes from _locales) keeps
  // its English note, an unknown id is dropped; a non-clinical title, listed as a finding, has one.
  assert.deepEqual(Object.keys(reply.notes), ['en.diag.signs-you-have', 'cred.nc.coach']);
  for (const id of Object.keys(reply.notes)) assert.ok([...es.notes.values()].includes(reply.notes[id]), id);
  // Without `rules`, no notes; the rest of the reply is as before.
  assert.deepEqual((await bg.send(message)).notes, {});

  const en = await (await loadBackground({}, 'en-US')).send({ ...message, rules: asked });
  assert.deepEqual({ notes: en.notes, name: en.conditions[0].name }, { notes: {}, name: 'ADHD' });
  const none = await (await loadBackground()).send({ ...message, rules: asked });
  assert.deepEqual({ notes: none.notes, name: none.conditions[0].name }, { notes: {}, name: 'ADHD' }, 'no i18n API: English');
});

test('options/analyze in Spanish: the tester gets the findings\' notes in Spanish, the verdict otherwise unchanged', async () => {
  const es = spanishData();
  const post = { platform: 'tiktok', caption: '5 signs you have ADHD and don\'t know it' };
  const english = await (await loadBackground()).send({ kind: 'options/analyze', post }, page);
  const spanish = await (await loadBackground({}, 'es')).send({ kind: 'options/analyze', post }, page);
  assert.equal(english.ok, true, JSON.stringify(english));
  assert.ok(english.verdict.findings.length > 0);
  assert.equal(spanish.verdict.findings.length, english.verdict.findings.length);
  spanish.verdict.findings.forEach((f, i) => {
    const { note, ...rest } = english.verdict.findings[i];
    assert.deepEqual({ ...f, note: undefined }, { ...rest, note: undefined });
    assert.equal(f.note, es.notes.get(note), `${f.rule}: the Spanish of "${note}"`);
  });
  assert.deepEqual({ ...spanish.verdict, findings: null }, { ...english.verdict, findings: null });
});

test('content/note: stores the documented record; refuses bad notes with a message and changes nothing', async () => {
  const key = 'note:instagram:dr.sam.therapy';
  const bg = await loadBackground();
  const base = { kind: 'content/note', platform: 'instagram', handle: 'Dr.Sam.Therapy' };
  const saved = await bg.send({ ...base, note: { rating: 'harmful', reasons: ['growth', 'entertainment'] } });
  assert.equal(saved.ok, true, JSON.stringify(saved));
  assert.deepEqual(bg.local.data.get(key), saved.note);
  assert.deepEqual(Object.keys(saved.note), ['rating', 'reasons', 'updated']);
  assert.deepEqual(saved.note.reasons, ['entertainment', 'growth']);
  assert.equal(new Date(saved.note.updated).toISOString(), saved.note.updated);

  const before = structuredClone(bg.local.data.get(key));
  for (const [note, message] of [
    [{ rating: 'meh', reasons: [] }, /rating must be/],
    [{ rating: null, reasons: ['gossip'] }, /Unknown reason/],
    [{ rating: null, reasons: [], updated: NOW }, /unknown fields/],
  ]) {
    const reply = await bg.send({ ...base, note });
    assert.equal(reply.ok, false);
    assert.match(reply.error, message);
    assert.deepEqual(bg.local.data.get(key), before, 'nothing changed');
  }
  const noHandle = await bg.send({ ...base, handle: null, note: { rating: 'helpful', reasons: [] } });
  assert.deepEqual(noHandle, { ok: false, error: 'This creator has no handle that can be saved.' });

  bg.local.failWrites = true;
  const failed = await bg.send({ ...base, note: { rating: 'helpful', reasons: [] } });
  assert.equal(failed.ok, false);
  assert.match(failed.error, /quota/);
  assert.deepEqual(bg.local.data.get(key), before, 'a failed write loses nothing');
  bg.local.failWrites = false;

  const cleared = await bg.send({ ...base, note: { rating: null, reasons: [] } });
  assert.deepEqual(cleared, { ok: true, note: null });
  assert.equal(bg.local.data.has(key), false, 'an empty note removes the key');
});
