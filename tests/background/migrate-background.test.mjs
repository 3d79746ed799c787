// The built background (CTS_DIST or dist/, with the real engine) started in Node over a stand-in
// browser whose storage holds a fixture of an earlier version: it migrates before it reads the
// settings, analyses with them, sets aside what it cannot use (including a configuration the
// engine rejects), keeps working when storage fails, and migrates again after everything was
// deleted and data came back.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';

import { STORAGE_SCHEMA, listAside } from '../../extension/background/migrate.js';

const DIST = path.resolve(process.env.CTS_DIST ?? path.resolve(import.meta.dirname, '../../dist'), 'chrome');
const BACKGROUND = path.join(DIST, 'background/background.js');
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/storage');
const WASM_PATH = 'engine/check_source_bg.wasm';
const ID = 'test-extension-id';
const ORIGIN = `chrome-extension://${ID}/`;
const TAB = { id: ID, tab: { id: 1 }, url: 'https://www.tiktok.com/foryou' };
const PAGE = { id: ID, url: `${ORIGIN}options/options.html` };

const fixture = (name) => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));
let wasmUrl;
const engineUrl = () => (wasmUrl ??= `data:application/wasm;base64,${readFileSync(path.join(DIST, WASM_PATH)).toString('base64')}`);

/** Browser-like events: any `onSomething` member has addListener. */
function namespace(base, events, prefix) {
  return new Proxy(base, {
    get(target, prop) {
      if (prop in target) return target[prop];
      if (typeof prop === 'string' && /^on[A-Z]/.test(prop)) {
        const name = `${prefix}.${prop}`;
        events[name] ??= { listeners: [], addListener(fn) { this.listeners.push(fn); }, removeListener() {}, hasListener: () => false };
        return events[name];
      }
      return undefined;
    },
  });
}

/** A storage area like the browsers': get(null | key | keys), set, remove, clear, onChanged events. */
function area(name, initial, emit) {
  const data = new Map(Object.entries(structuredClone(initial)));
  const a = {
    data,
    fail: false,
    async get(keys) {
      if (a.fail) throw new Error('IO error: storage is corrupted');
      const list = keys === null || keys === undefined ? [...data.keys()] : typeof keys === 'string' ? [keys] : keys;
      return Object.fromEntries(list.filter((k) => data.has(k)).map((k) => [k, structuredClone(data.get(k))]));
    },
    async set(items) {
      if (a.fail) throw new Error('IO error: storage is corrupted');
      const changes = {};
      for (const [k, v] of Object.entries(items)) {
        changes[k] = { oldValue: data.get(k), newValue: structuredClone(v) };
        data.set(k, structuredClone(v));
      }
      emit(changes, name);
    },
    async remove(keys) {
      if (a.fail) throw new Error('IO error: storage is corrupted');
      const changes = {};
      for (const k of typeof keys === 'string' ? [keys] : keys) {
        if (data.has(k)) changes[k] = { oldValue: data.get(k) };
        data.delete(k);
      }
      if (Object.keys(changes).length) emit(changes, name);
    },
    async clear() {
      await a.remove([...data.keys()]);
    },
    dump: () => Object.fromEntries([...data.entries()].sort(([x], [y]) => x.localeCompare(y))),
  };
  return a;
}

let instance = 0;
async function start({ sync = {}, local = {} } = {}) {
  assert.ok(existsSync(BACKGROUND), 'run ./build.sh first');
  const events = {};
  const emit = (changes, name) => {
    for (const fn of events['storage.onChanged']?.listeners ?? []) fn(changes, name);
  };
  const storage = namespace({ sync: area('sync', sync, emit), local: area('local', local, emit) }, events, 'storage');
  const api = {
    runtime: namespace({ id: ID, getURL: (p) => (p === WASM_PATH ? engineUrl() : `${ORIGIN}${p}`) }, events, 'runtime'),
    storage,
    tabs: namespace({ create: async () => ({}) }, events, 'tabs'),
  };
  globalThis.chrome = api;
  const warnings = [];
  const warn = console.warn;
  console.warn = (...args) => warnings.push(args.map(String).join(' '));
  try {
    await import(`${pathToFileURL(BACKGROUND)}?migrate=${++instance}`);
  } finally {
    delete globalThis.chrome;
  }
  const send = (message, sender) =>
    new Promise((resolve) => {
      const [listener] = events['runtime.onMessage'].listeners;
      if (listener(message, sender, resolve) !== true) resolve(undefined);
    });
  return {
    storage,
    warnings,
    events,
    send,
    /** The verdict of the background's current analyzer for a caption (as the options page asks). */
    async verdict(caption, author) {
      const reply = await send({ kind: 'options/analyze', post: { platform: 'tiktok', caption, ...(author ? { author } : {}) } }, PAGE);
      assert.equal(reply?.ok, true, JSON.stringify(reply));
      return reply.verdict;
    },
    async batch(post) {
      const reply = await send({ kind: 'content/analyze', batch: [{ key: 'k', post }] }, TAB);
      assert.equal(reply?.ok, true, JSON.stringify(reply));
      return reply.verdicts[0];
    },
    restore: () => {
      console.warn = warn;
    },
  };
}

/** Waits (polling the event loop, bounded) until `condition()` holds. */
async function until(condition, message) {
  for (let i = 0; i < 5000; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.fail(`${message}: not reached`);
}

test('a version-1 storage is migrated at start-up and its settings apply', async () => {
  const v1 = fixture('v1/settings-sync.json');
  const bg = await start(v1);
  try {
    // The first message waits for the start-up migration (the settings are read after it): by the
    // time it is answered, storage is at the current schema, and the analyzer holds the stored
    // settings (keyword "garlic pasta").
    const verdict = await bg.verdict('my garlic pasta recipe');
    assert.ok(verdict.findings.some((f) => f.rule === 'user.diagnostic'), JSON.stringify(verdict.findings));
    assert.deepEqual({ sync: bg.storage.sync.dump(), local: bg.storage.local.dump() }, fixture('v1/expected/settings-sync.json'));
    // The remembered bio (a version-1 creator record) still fills in that creator's feed posts.
    const slot = await bg.batch({ platform: 'tiktok', caption: '5 signs you have ADHD', author: { handle: 'janetalks' } });
    assert.equal(slot.remembered?.field, 'bio');
    assert.equal(slot.verdict.credential_status, 'licensed');
  } finally {
    bg.restore();
  }
});

test('broken values are set aside at start-up, the rest kept, and the defaults apply', async () => {
  const bg = await start(fixture('v1/garbage.json'));
  try {
    const verdict = await bg.verdict('5 signs you have ADHD');
    assert.equal(verdict.mental_health, true);
    const local = bg.storage.local.dump();
    assert.equal(local.schema, STORAGE_SCHEMA);
    const where = (snapshot) => listAside(snapshot).map((a) => `${a.area} ${a.key}`).sort();
    assert.deepEqual(where(local), where(fixture('v1/expected/garbage.json').local));
    assert.ok(local['creator:tiktok:janetalks'] && local['unknown-future-key']);
    assert.deepEqual(bg.storage.sync.dump(), {});
  } finally {
    bg.restore();
  }
});

test('a configuration the engine rejects: the defaults apply, a copy is set aside, the settings stay', async () => {
  const rejected = { schema: 1, config: { version: 1, disabled_rules: ['en.no-such-rule'] } };
  const bg = await start({ sync: { settings: rejected }, local: { schema: 2 } });
  try {
    assert.equal((await bg.verdict('5 signs you have ADHD')).mental_health, true);
    assert.ok(bg.warnings.some((w) => /stored settings rejected/.test(w)), bg.warnings.join('\n'));
    await until(() => listAside(bg.storage.local.dump()).length === 1, 'the rejected settings set aside');
    const [entry] = listAside(bg.storage.local.dump());
    assert.equal(entry.reason, 'rejected');
    assert.equal(entry.kept, true);
    assert.match(entry.detail, /^disabled_rules\[0\]: /);
    assert.deepEqual(bg.storage.local.dump()[entry.id].value, rejected);
    assert.deepEqual(bg.storage.sync.dump().settings, rejected, 'left in place for the options page to show');
  } finally {
    bg.restore();
  }
});

test('storage failing at start-up: the background analyses on the defaults, and repairs once storage works', async () => {
  const bg = await start({ sync: { settings: { schema: 1, config: 'broken' } }, local: {} });
  try {
    bg.storage.sync.fail = true;
    bg.storage.local.fail = true;
    // (The start-up migration may have run before the failure was switched on; a settings
    // change makes the background read again either way.)
    for (const fn of bg.events['storage.onChanged'].listeners) fn({ settings: { newValue: { schema: 1, config: 'broken' } } }, 'sync');
    assert.equal((await bg.verdict('5 signs you have ADHD')).mental_health, true);
    assert.ok(bg.warnings.some((w) => /could not be|unreadable/.test(w)), bg.warnings.join('\n'));
    bg.storage.sync.fail = false;
    bg.storage.local.fail = false;
    await bg.storage.sync.set({ settings: { schema: 1, config: 'broken again' } });
    await until(() => bg.storage.sync.dump().settings === undefined, 'broken settings moved aside');
    assert.ok(listAside(bg.storage.local.dump()).some((a) => a.key === 'settings' && a.detail === 'config is "broken again"'));
  } finally {
    bg.restore();
  }
});

test('after everything is deleted, storage stays empty; data written again is brought to the current schema', async () => {
  const bg = await start(fixture('v1/settings-sync.json'));
  try {
    await bg.verdict('hello');
    assert.equal(bg.storage.local.dump().schema, STORAGE_SCHEMA);
    await bg.storage.sync.clear();
    await bg.storage.local.clear();
    await bg.verdict('hello');
    assert.deepEqual({ sync: bg.storage.sync.dump(), local: bg.storage.local.dump() }, { sync: {}, local: {} });
    // A version-1 snapshot written into the empty storage (what the end-to-end test seeds).
    const v1 = fixture('v1/garbage.json');
    await bg.storage.local.set(v1.local);
    await bg.storage.sync.set(v1.sync);
    const expected = fixture('v1/expected/garbage.json');
    await until(() => bg.storage.local.dump().schema === STORAGE_SCHEMA && Object.keys(bg.storage.sync.dump()).length === 0, 'migrated again');
    const same = (s) => JSON.stringify(s, (k, v) => (k === 'at' ? 'AT' : v));
    assert.equal(same({ sync: bg.storage.sync.dump(), local: bg.storage.local.dump() }), same(expected));
  } finally {
    bg.restore();
  }
});

test('after an update, every record is checked again', async () => {
  const bad = { rating: 'amazing', reasons: [], updated: '2026-11-01T00:00:00.000Z' };
  const bg = await start({ sync: {}, local: { schema: 2, 'note:tiktok:jane': bad, 'note:tiktok:sam': { rating: 'helpful', reasons: ['information'], updated: '2026-11-01T00:00:00.000Z' } } });
  try {
    await bg.verdict('hello');
    assert.deepEqual(bg.storage.local.dump()['note:tiktok:jane'], bad, 'an ordinary start reads no records');
    for (const fn of bg.events['runtime.onInstalled'].listeners) fn({ reason: 'update', previousVersion: '0.1.0' });
    await until(() => bg.storage.local.dump()['note:tiktok:jane'] === undefined, 'the broken note set aside');
    assert.ok(bg.storage.local.dump()['note:tiktok:sam']);
    assert.deepEqual(listAside(bg.storage.local.dump()).map((a) => [a.key, a.reason]), [['note:tiktok:jane', 'invalid']]);
  } finally {
    bg.restore();
  }
});
