// The options page's storage: sync first; a value too large for one sync item (or a browser
// quota error) goes to storage.local instead, and is read back from there.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { KEY, SYNC_ITEM_BYTES, clearSettings, isQuotaError, loadSettings, saveSettings, syncItemBytes } from '../../extension/options/store.js';

/** An in-memory stand-in for one storage area; `limit` mimics QUOTA_BYTES_PER_ITEM. */
function area({ limit = Infinity, message = 'QUOTA_BYTES_PER_ITEM quota exceeded', broken = false } = {}) {
  const data = new Map();
  return {
    data,
    async get(key) {
      if (broken) throw new Error('sync is disabled');
      return data.has(key) ? { [key]: structuredClone(data.get(key)) } : {};
    },
    async set(items) {
      if (broken) throw new Error('sync is disabled');
      for (const [k, v] of Object.entries(items)) {
        if (new TextEncoder().encode(k + JSON.stringify(v)).length > limit) throw new Error(message);
      }
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
    },
    async remove(key) {
      data.delete(key);
    },
  };
}

const small = { schema: 1, config: { version: 1, sensitivity: 'high' }, display: { min_level: 'info', sites: { tiktok: true, instagram: true } } };
const big = { schema: 1, config: { version: 1, keywords: { diagnostic: Array.from({ length: 300 }, (_, i) => `a fairly long phrase number ${i}`) } } };

test('sizes are counted as storage.sync counts them (key + JSON, UTF-8)', () => {
  assert.equal(syncItemBytes('é'), KEY.length + 4);
  assert.ok(syncItemBytes(small) < SYNC_ITEM_BYTES);
  assert.ok(syncItemBytes(big) > SYNC_ITEM_BYTES);
});

test('quota errors from both browsers are recognised, others are not', () => {
  assert.ok(isQuotaError(new Error('QUOTA_BYTES_PER_ITEM quota exceeded')));
  assert.ok(isQuotaError(new Error('QuotaExceededError: storage.sync API call exceeded its quota limitations.')));
  assert.ok(!isQuotaError(new Error('sync is disabled')));
  assert.ok(!isQuotaError(undefined));
});

test('a small value goes to sync and any local copy is removed', async () => {
  const storage = { sync: area({ limit: SYNC_ITEM_BYTES }), local: area() };
  storage.local.data.set(KEY, big);
  assert.deepEqual(await saveSettings(storage, small), { area: 'sync', reason: null });
  assert.deepEqual(storage.sync.data.get(KEY), small);
  assert.equal(storage.local.data.has(KEY), false);
  assert.deepEqual(await loadSettings(storage), { settings: small, area: 'sync' });
});

test('a value over the per-item quota goes to local, the old sync copy is removed, and it reads back', async () => {
  const storage = { sync: area({ limit: SYNC_ITEM_BYTES }), local: area() };
  await saveSettings(storage, small);
  assert.deepEqual(await saveSettings(storage, big), { area: 'local', reason: 'quota' });
  assert.equal(storage.sync.data.has(KEY), false);
  assert.deepEqual(await loadSettings(storage), { settings: big, area: 'local' });
  // Back under the limit: sync again, local cleared.
  await saveSettings(storage, small);
  assert.deepEqual(await loadSettings(storage), { settings: small, area: 'sync' });
  assert.equal(storage.local.data.has(KEY), false);
});

test("the browser's own quota error (a smaller quota than ours) also falls back", async () => {
  const storage = { sync: area({ limit: 100, message: 'QuotaExceededError: storage.sync API call exceeded its quota limitations.' }), local: area() };
  assert.deepEqual(await saveSettings(storage, small), { area: 'local', reason: 'quota' });
  assert.deepEqual(await loadSettings(storage), { settings: small, area: 'local' });
});

test('other write errors are thrown and nothing is written anywhere', async () => {
  const storage = { sync: area({ broken: true }), local: area() };
  await assert.rejects(saveSettings(storage, small), /sync is disabled/);
  assert.equal(storage.local.data.size, 0);
});

test('sync unreadable: local is still read; nothing stored: defaults', async () => {
  const storage = { sync: area({ broken: true }), local: area() };
  assert.deepEqual(await loadSettings(storage), { settings: null, area: null });
  storage.local.data.set(KEY, small);
  assert.deepEqual(await loadSettings(storage), { settings: small, area: 'local' });
});

test('a malformed stored value is not returned as settings', async () => {
  const storage = { sync: area(), local: area() };
  storage.sync.data.set(KEY, 'nonsense');
  storage.local.data.set(KEY, [1, 2]);
  assert.deepEqual(await loadSettings(storage), { settings: null, area: null });
});

test('clear removes both copies', async () => {
  const storage = { sync: area(), local: area() };
  storage.sync.data.set(KEY, small);
  storage.local.data.set(KEY, big);
  await clearSettings(storage);
  assert.equal(storage.sync.data.size + storage.local.data.size, 0);
});
