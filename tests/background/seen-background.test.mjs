// The built background (dist/chrome/background/background.js, or $CTS_DIST/chrome, with the real
// engine) in Node against a stand-in `chrome` API: after analysis it records the creators of
// mental-health posts as `seen:` records, counts a post once however often the feed sends it, and
// keeps at most MAX_SEEN creators (the ones seen longest ago go first), also across many batches.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';

import { MAX_SEEN } from '../../extension/background/seen.js';

const DIST = path.resolve(process.env.CTS_DIST ?? path.resolve(import.meta.dirname, '../../dist'), 'chrome');
const BACKGROUND = path.join(DIST, 'background/background.js');
const WASM_PATH = 'engine/check_source_bg.wasm';
const ID = 'seen-test-extension';
const TAB = { id: ID, tab: { id: 1 }, url: 'https://www.tiktok.com/foryou' };

/** A storage area backed by a Map, with the calls the background makes (get accepts null). */
function area(initial = {}) {
  const data = new Map(Object.entries(initial));
  const keysOf = (keys) => (keys === null || keys === undefined ? [...data.keys()] : typeof keys === 'string' ? [keys] : Array.isArray(keys) ? keys : Object.keys(keys));
  return {
    data,
    async get(keys) {
      return Object.fromEntries(keysOf(keys).filter((k) => data.has(k)).map((k) => [k, structuredClone(data.get(k))]));
    },
    async set(items) {
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
    },
    async remove(keys) {
      for (const k of typeof keys === 'string' ? [keys] : keys) data.delete(k);
    },
  };
}

let instance = 0;
async function loadBackground(local) {
  assert.ok(existsSync(BACKGROUND), `no built background at ${BACKGROUND}: run ./build.sh first`);
  const listeners = { message: [] };
  const wasm = `data:application/wasm;base64,${readFileSync(path.join(DIST, WASM_PATH)).toString('base64')}`;
  const storage = { sync: area(), local: area(local), onChanged: { addListener() {} } };
  globalThis.chrome = {
    runtime: {
      id: ID,
      getURL: (p) => (p === WASM_PATH ? wasm : `chrome-extension://${ID}/${p}`),
      onMessage: { addListener: (fn) => listeners.message.push(fn) },
      onConnect: { addListener() {} },
      onInstalled: { addListener() {} },
    },
    storage,
    tabs: { create: async () => ({}) },
  };
  try {
    await import(`${pathToFileURL(BACKGROUND)}?seen-instance=${++instance}`);
  } finally {
    delete globalThis.chrome;
  }
  const analyze = (batch) =>
    new Promise((resolve) => {
      listeners.message[0]({ kind: 'content/analyze', batch }, TAB, resolve);
    });
  return { storage, analyze };
}

/** Polls until `fn()` is true: the records are written after the reply, off its path. */
async function until(fn, what) {
  for (let i = 0; i < 5000; i++) {
    if (await fn()) return;
    await new Promise((r) => setImmediate(r));
  }
  assert.fail(`${what}: not reached`);
}

const post = (id, handle) => ({ id, platform: 'tiktok', caption: '5 signs you have ADHD, number 3 will surprise you', author: { handle }, labels: [] });
const seenKeys = (storage) => [...storage.local.data.keys()].filter((k) => k.startsWith('seen:'));

test('creators of mental-health posts are recorded once per post; a recipe is not', async () => {
  const { storage, analyze } = await loadBackground({});
  const reply = await analyze([
    { key: '1', post: post('tiktok:1', 'maya') },
    { key: '2', post: { ...post('tiktok:2', 'chef'), caption: 'Creamy garlic pasta in 15 minutes' } },
  ]);
  assert.equal(reply.ok, true);
  await until(() => storage.local.data.has('seen:tiktok:maya'), 'the seen record');
  const record = storage.local.data.get('seen:tiktok:maya');
  assert.equal(record.posts, 1);
  assert.equal(record.credential_status, 'none');
  assert.ok(['caution', 'warning'].includes(record.level), record.level);
  assert.equal(storage.local.data.has('seen:tiktok:chef'), false);
  // The feed sends the same post again (a recycled node), then a new one.
  await analyze([{ key: '3', post: post('tiktok:1', 'maya') }]);
  await analyze([{ key: '4', post: post('tiktok:9', 'maya') }]);
  await until(() => storage.local.data.get('seen:tiktok:maya').posts === 2, 'the second post counted');
  assert.deepEqual(storage.local.data.get('seen:tiktok:maya').recent, ['tiktok:1', 'tiktok:9']);
});

test(`at most ${MAX_SEEN} creators are kept: the ones seen longest ago go first`, async () => {
  const local = {};
  for (let i = 0; i < MAX_SEEN; i++) {
    const day = new Date(Date.UTC(2026, 0, 1) + i * 60000).toISOString();
    local[`seen:tiktok:old${i}`] = { name: '', credential_status: 'none', level: 'info', posts: 1, first: day, last: day, recent: [] };
  }
  local['note:tiktok:old0'] = { rating: 'helpful', reasons: [], updated: '2026-01-01T00:00:00.000Z' };
  const { storage, analyze } = await loadBackground(local);
  await analyze([{ key: '1', post: post('tiktok:1', 'new.one') }]);
  await until(() => storage.local.data.has('seen:tiktok:new.one') && !storage.local.data.has('seen:tiktok:old0'), 'the oldest evicted');
  assert.equal(seenKeys(storage).length, MAX_SEEN);
  assert.ok(storage.local.data.has('note:tiktok:old0'), 'the person’s note is theirs: kept');
  // Three batches more, each a new creator: each pushes out the oldest left.
  for (const h of ['new.two', 'new.three', 'new.four']) await analyze([{ key: h, post: post(`tiktok:${h}`, h) }]);
  await until(() => storage.local.data.has('seen:tiktok:new.four'), 'the last creator recorded');
  await until(() => seenKeys(storage).length === MAX_SEEN, 'the bound kept');
  for (const k of ['old1', 'old2', 'old3']) assert.equal(storage.local.data.has(`seen:tiktok:${k}`), false, k);
  assert.ok(storage.local.data.has('seen:tiktok:old4'));
});
