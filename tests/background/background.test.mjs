// The built background module (dist/chrome/background/background.js with the real engine) run in
// Node against a stand-in `chrome` API, to reach what a browser test cannot easily arrange: stored
// settings that change or are corrupted, storage calls that fail, an engine that fails to load,
// and senders that are not the extension.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';

const DIST = path.resolve(process.env.CTS_DIST ?? path.resolve(import.meta.dirname, '../../dist'), 'chrome');
const BACKGROUND = path.join(DIST, 'background/background.js');
const WASM_PATH = 'engine/check_source_bg.wasm';
const ID = 'test-extension-id';
const ORIGIN = `chrome-extension://${ID}/`;
const TAB = { id: ID, tab: { id: 1 }, url: 'https://www.tiktok.com/foryou' };
const ADHD = { platform: 'tiktok', caption: '5 signs you have ADHD' };

let wasmUrl;
function engineUrl() {
  wasmUrl ??= `data:application/wasm;base64,${readFileSync(path.join(DIST, WASM_PATH)).toString('base64')}`;
  return wasmUrl;
}

/** A storage area backed by a Map; `fail` makes every call reject. */
function area(initial = {}) {
  const data = new Map(Object.entries(initial));
  const a = {
    data,
    fail: false,
    async get(keys) {
      if (a.fail) throw new Error('storage unavailable');
      const list = typeof keys === 'string' ? [keys] : keys;
      return Object.fromEntries(list.filter((k) => data.has(k)).map((k) => [k, structuredClone(data.get(k))]));
    },
    async set(items) {
      if (a.fail) throw new Error('quota exceeded');
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
    },
  };
  return a;
}

let instance = 0;
/** Loads a fresh copy of the background with a stand-in API; returns how to talk to it. */
async function loadBackground({ sync = {}, local = {}, wasm = engineUrl } = {}) {
  assert.ok(existsSync(BACKGROUND), 'run ./build.sh first');
  const listeners = { message: [], changed: [], connect: [] };
  const api = {
    runtime: {
      id: ID,
      getURL: (p) => (p === WASM_PATH ? wasm() : `${ORIGIN}${p}`),
      onMessage: { addListener: (fn) => listeners.message.push(fn) },
      onConnect: { addListener: (fn) => listeners.connect.push(fn) },
    },
    storage: {
      sync: area(sync),
      local: area(local),
      onChanged: { addListener: (fn) => listeners.changed.push(fn) },
    },
  };
  globalThis.chrome = api;
  const warnings = [];
  const warn = console.warn;
  console.warn = (...args) => warnings.push(args.map(String).join(' '));
  try {
    // A query string gives a fresh module (and fresh listeners); the engine glue stays shared.
    await import(`${pathToFileURL(BACKGROUND)}?instance=${++instance}`);
  } finally {
    delete globalThis.chrome;
  }
  assert.equal(listeners.message.length, 1);
  /** Sends a message as `sender`; resolves with the reply, or `undefined` when it was dropped. */
  const send = (message, sender = TAB) =>
    new Promise((resolve) => {
      const willReply = listeners.message[0](message, sender, resolve);
      if (willReply !== true) resolve(undefined);
    });
  const analyze = async (post = ADHD) => {
    const reply = await send({ kind: 'content/analyze', batch: [{ key: 'k', post }] });
    assert.equal(reply?.ok, true, JSON.stringify(reply));
    return reply.verdicts[0].verdict;
  };
  const changeSettings = async (value) => {
    const old = api.storage.sync.data.get('settings');
    if (value === undefined) api.storage.sync.data.delete('settings');
    else api.storage.sync.data.set('settings', value);
    for (const fn of listeners.changed) fn({ settings: { oldValue: old, newValue: value } }, 'sync');
  };
  const restore = () => {
    console.warn = warn;
  };
  /** Opens a port as `sender` would (`runtime.connect({name})`); the background's side of it. */
  const connect = (name, sender = TAB) => {
    const port = { name, sender, sent: [], disconnected: false, listeners: [] };
    port.postMessage = (m) => port.sent.push(structuredClone(m));
    port.disconnect = () => (port.disconnected = true);
    port.onMessage = { addListener: (fn) => port.listeners.push(fn) };
    for (const fn of listeners.connect) fn(port);
    /** Posts `m` to the background; resolves with the reply carrying `m.id` (or after a drop). */
    port.request = async (m) => {
      const before = port.sent.length;
      for (const fn of port.listeners) fn(m, port);
      // The reply is posted after the engine's work: wait for it by polling the microtask queue.
      for (let i = 0; i < 1000 && port.sent.length === before; i++) await new Promise((r) => setImmediate(r));
      return port.sent.slice(before).find((r) => r.id === m.id);
    };
    return port;
  };
  return { api, send, connect, analyze, changeSettings, warnings, restore };
}

/** The rule that fires first on the ADHD caption with the shipped defaults. */
async function firstRule() {
  const bg = await loadBackground();
  try {
    const verdict = await bg.analyze();
    return verdict.findings[0].rule;
  } finally {
    bg.restore();
  }
}

// First in the file on purpose: the engine glue is one module per process, and once a later test
// has instantiated it, it stays loaded.
test('the engine fails to load: the batch gets an error reply, and the next message retries', async () => {
  let good = false;
  const bg = await loadBackground({ wasm: () => (good ? engineUrl() : 'data:application/wasm;base64,AAAA') });
  try {
    const reply = await bg.send({ kind: 'content/analyze', batch: [{ key: 'k', post: ADHD }] });
    assert.equal(reply.ok, false);
    assert.equal(typeof reply.error, 'string');
    const options = await bg.send({ kind: 'options/check-config', config: { version: 1 } }, { id: ID, url: `${ORIGIN}options.html` });
    assert.equal(options.ok, false);
    assert.equal(typeof options.error.message, 'string');
    good = true;
    assert.equal((await bg.analyze()).mental_health, true);
  } finally {
    bg.restore();
  }
});

test('stored settings apply, and a change in storage.sync applies on the next message', async () => {
  const rule = await firstRule();
  const bg = await loadBackground({ sync: { settings: { schema: 1, config: { version: 1, disabled_rules: [rule] } } } });
  try {
    const fired = (v) => v.findings.some((f) => f.rule === rule);
    assert.equal(fired(await bg.analyze()), false, 'disabled by the stored settings');
    await bg.changeSettings(undefined);
    assert.equal(fired(await bg.analyze()), true, 'defaults once the settings are removed');
    await bg.changeSettings({ schema: 1, config: { version: 1, disabled_rules: [rule] } });
    assert.equal(fired(await bg.analyze()), false, 'disabled again after the change');
  } finally {
    bg.restore();
  }
});

test('corrupted or unreadable settings mean the defaults, with a warning, never a failure', async () => {
  for (const sync of [{ settings: { schema: 1, config: { version: 1, disabled_rules: ['no.such.rule'] } } }, { settings: 'garbage' }]) {
    const bg = await loadBackground({ sync });
    try {
      assert.equal((await bg.analyze()).mental_health, true);
      if (typeof sync.settings === 'object') assert.ok(bg.warnings.some((w) => /stored settings rejected/.test(w)), bg.warnings.join('\n'));
    } finally {
      bg.restore();
    }
  }
  const bg = await loadBackground();
  try {
    bg.api.storage.sync.fail = true;
    await bg.changeSettings(undefined);
    assert.equal((await bg.analyze()).mental_health, true);
    assert.ok(bg.warnings.some((w) => /settings unreadable/.test(w)), bg.warnings.join('\n'));
  } finally {
    bg.restore();
  }
});

test('failing local storage loses the creator note, not the verdicts', async () => {
  const bg = await loadBackground();
  try {
    bg.api.storage.local.fail = true;
    const post = { platform: 'tiktok', caption: '5 signs you have ADHD', author: { handle: 'jane', bio: 'LCSW' } };
    const verdict = await bg.analyze(post);
    assert.equal(verdict.mental_health, true);
    assert.ok(bg.warnings.some((w) => /remembered creators unreadable|could not remember/.test(w)), bg.warnings.join('\n'));
  } finally {
    bg.restore();
  }
});

test('a creator note is written once a day, not on every batch', async () => {
  const bg = await loadBackground();
  try {
    const post = { platform: 'instagram', caption: 'hello', author: { handle: 'Jane', name: 'Jane', bio: 'Therapist, LMFT' } };
    let writes = 0;
    const set = bg.api.storage.local.set;
    bg.api.storage.local.set = async (items) => {
      writes++;
      return set(items);
    };
    await bg.analyze(post);
    await bg.analyze(post);
    await bg.analyze({ ...post, caption: 'another post' });
    assert.equal(writes, 1);
    const stored = bg.api.storage.local.data.get('creator:instagram:jane');
    assert.equal(stored.bio, 'Therapist, LMFT');
  } finally {
    bg.restore();
  }
});

test('messages from elsewhere get no reply at all', async () => {
  const bg = await loadBackground();
  try {
    const batch = { kind: 'content/analyze', batch: [{ key: 'k', post: ADHD }] };
    assert.equal(await bg.send(batch, { ...TAB, id: 'another-extension' }), undefined);
    assert.equal(await bg.send(batch, { tab: { id: 1 }, url: 'https://evil.example/' }), undefined);
    assert.equal(await bg.send({ kind: 'options/check-config', config: { version: 1 } }, TAB), undefined);
    assert.equal(await bg.send({ ...batch, batch: 'all of them' }), undefined);
  } finally {
    bg.restore();
  }
});

test('the content port: a batch is answered on the port with its id; bad messages and foreign ports get nothing', async () => {
  const bg = await loadBackground();
  try {
    const port = bg.connect('content');
    assert.equal(port.disconnected, false);
    const reply = await port.request({ kind: 'content/analyze', id: 7, batch: [{ key: 'k', post: ADHD }] });
    assert.equal(reply?.ok, true, JSON.stringify(reply));
    assert.equal(reply.id, 7);
    assert.equal(reply.verdicts[0].key, 'k');
    assert.equal(reply.verdicts[0].verdict.mental_health, true);
    // Same checks as runtime.sendMessage, plus the id: dropped without a reply.
    for (const bad of [
      { kind: 'content/analyze', batch: [{ key: 'k', post: ADHD }] },
      { kind: 'content/analyze', id: 0, batch: [] },
      { kind: 'content/analyze', id: 8, batch: 'x' },
      { kind: 'options/rules', id: 9 },
    ]) {
      for (const fn of port.listeners) fn(bad, port);
    }
    const after = await port.request({ kind: 'content/analyze', id: 10, batch: [] });
    assert.deepEqual(after, { id: 10, ok: true, verdicts: [] });
    assert.deepEqual(port.sent.map((r) => r.id), [7, 10]);

    const foreign = bg.connect('content', { id: 'another-extension', tab: { id: 1 }, url: 'https://www.tiktok.com/' });
    assert.equal(foreign.disconnected, true);
    assert.equal(foreign.listeners.length, 0);
    const fromPage = bg.connect('content', { id: ID, url: `${ORIGIN}options/options.html` });
    assert.equal(fromPage.disconnected, true);
    assert.equal(bg.connect('other', TAB).disconnected, true);
  } finally {
    bg.restore();
  }
});

test('options/rules: every rule with up to three examples, the first texts its data must flag', async () => {
  const bg = await loadBackground();
  try {
    const reply = await bg.send({ kind: 'options/rules' }, { id: ID, url: `${ORIGIN}options/options.html` });
    assert.equal(reply?.ok, true, JSON.stringify(reply));
    assert.ok(reply.rules.length > 100);
    for (const rule of reply.rules) {
      assert.deepEqual(Object.keys(rule), ['id', 'category', 'lang', 'strength', 'description', 'examples']);
      assert.ok(Array.isArray(rule.examples) && rule.examples.length <= 3, rule.id);
      assert.ok(rule.examples.every((e) => typeof e === 'string' && e.length > 0), rule.id);
    }
    // crate/rules/en/diagnostic.toml lists four; the options page shows the first three.
    const signs = reply.rules.find((r) => r.id === 'en.diag.signs-you-have');
    assert.deepEqual(signs.examples, [
      '5 signs you have undiagnosed ADHD',
      's1gns you have a.d.h.d',
      "7 signs you're a highly sensitive person and not just 'dramatic' #hsp",
    ]);
  } finally {
    bg.restore();
  }
});
