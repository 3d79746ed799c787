// The options page's side of stored data: saving and clearing the settings never leave a stale
// copy that would win the next read (storage calls that fail half-way), the page reads settings
// as the background does, and the "Your data" export and summary hold every stored key.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { clearSettings, loadSettings, saveSettings } from '../../extension/options/store.js';
import { EXPORT_FORMAT, exportDocument, summarize } from '../../extension/options/data.js';

/** A storage area; `fail` names the calls that reject. */
function area(initial = {}, { limit = Infinity } = {}) {
  const data = new Map(Object.entries(structuredClone(initial)));
  const a = {
    data,
    fail: new Set(),
    async get(key) {
      if (a.fail.has('get')) throw new Error('storage unavailable');
      return data.has(key) ? { [key]: structuredClone(data.get(key)) } : {};
    },
    async set(items) {
      if (a.fail.has('set')) throw new Error('IO error: database corrupted');
      for (const [k, v] of Object.entries(items)) {
        if (new TextEncoder().encode(k + JSON.stringify(v)).length > limit) throw new Error('QUOTA_BYTES_PER_ITEM quota exceeded');
      }
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
    },
    async remove(key) {
      if (a.fail.has('remove')) throw new Error('IO error: database corrupted');
      data.delete(key);
    },
  };
  return a;
}

const OLD = { schema: 1, config: { version: 1, sensitivity: 'low' } };
const NEW = { schema: 1, config: { version: 1, sensitivity: 'high' } };
const BIG = { schema: 1, config: { version: 1, ignored_phrases: Array.from({ length: 300 }, (_, i) => `a fairly long ignored phrase ${i}`) } };

test('a local fallback whose sync copy cannot be removed is undone: the old settings stay, the save throws', async () => {
  const storage = { sync: area({ settings: OLD }), local: area({ settings: OLD }) };
  storage.sync.fail.add('remove');
  await assert.rejects(saveSettings(storage, BIG), /IO error/);
  assert.deepEqual(storage.local.data.get('settings'), OLD, 'the local copy is put back');
  assert.deepEqual(await loadSettings(storage), { settings: OLD, area: 'sync' });
  // With nothing in local before, the local copy is removed again.
  storage.local.data.delete('settings');
  await assert.rejects(saveSettings(storage, BIG), /IO error/);
  assert.equal(storage.local.data.has('settings'), false);
});

test('a local fallback with sync unreadable and unremovable still saves: nothing in sync can win', async () => {
  const storage = { sync: area(), local: area() };
  storage.sync.fail = new Set(['get', 'set', 'remove']);
  await assert.rejects(saveSettings(storage, NEW), /IO error/, 'not a quota error: nothing written');
  assert.equal(storage.local.data.size, 0);
  assert.deepEqual(await saveSettings(storage, BIG), { area: 'local', reason: 'quota' });
  assert.deepEqual(await loadSettings(storage), { settings: BIG, area: 'local' });
});

test('saved to sync but the old local copy cannot be removed: saved (sync is read first)', async () => {
  const storage = { sync: area(), local: area({ settings: OLD }) };
  storage.local.fail.add('remove');
  assert.deepEqual(await saveSettings(storage, NEW), { area: 'sync', reason: null });
  assert.deepEqual(await loadSettings(storage), { settings: NEW, area: 'sync' });
});

test('clearing throws when a copy that would still be read is left behind', async () => {
  const storage = { sync: area({ settings: OLD }), local: area() };
  storage.sync.fail.add('remove');
  await assert.rejects(clearSettings(storage), /IO error/);
  const local = { sync: area(), local: area({ settings: OLD }) };
  local.local.fail.add('remove');
  await assert.rejects(clearSettings(local), /IO error/);
  const unreadable = { sync: area({ settings: OLD }), local: area() };
  unreadable.sync.fail = new Set(['get', 'remove']);
  await clearSettings(unreadable); // sync is not read at all: nothing there can win
});

test('the page reads settings as the background does: broken ones are absent, newer ones hide local', async () => {
  assert.deepEqual(await loadSettings({ sync: area({ settings: { schema: 1, config: 'x' } }), local: area({ settings: OLD }) }), { settings: OLD, area: 'local' });
  const newer = { schema: 3, config: {} };
  assert.deepEqual(await loadSettings({ sync: area({ settings: newer }), local: area({ settings: OLD }) }), { settings: newer, area: 'sync' });
  await assert.rejects(loadSettings({ sync: area(), local: Object.assign(area(), { get: async () => { throw new Error('disk'); } }) }), /disk/);
});

test('Export everything: both areas whole, with the format marker, the date and the schema; a failed area is named', () => {
  const sync = { items: { settings: NEW } };
  const local = { items: { schema: 2, 'creator:tiktok:jane': { bio: 'LCSW', name: '', seen: '2026-11-01T00:00:00.000Z' }, 'note:tiktok:jane': { rating: 'helpful', reasons: [], updated: '2026-11-01T00:00:00.000Z' }, 'corrupt:sync:settings:00000000': { area: 'sync', key: 'settings', reason: 'invalid', detail: '', at: '2026-11-01T00:00:00.000Z', kept: false, value: 'x' } } };
  const doc = exportDocument(sync, local, '2026-11-26T09:00:00.000Z', '0.1.0');
  assert.deepEqual(doc, { format: EXPORT_FORMAT, format_version: 1, exported: '2026-11-26T09:00:00.000Z', extension_version: '0.1.0', storage_schema: 2, sync: sync.items, local: local.items });
  const partly = exportDocument({ error: 'sync is disabled' }, local, '2026-11-26T09:00:00.000Z', '0.1.0');
  assert.equal(partly.sync, null);
  assert.equal(partly.sync_error, 'sync is disabled');
  assert.deepEqual(partly.local, local.items);
  assert.equal(exportDocument(sync, { error: 'x' }, 'now', '0.1.0').storage_schema, null);
  assert.deepEqual(summarize(sync.items, local.items), { settings: 'sync', creators: 1, notes: 1, seen: 0, aside: 1, other: 0 });
  assert.deepEqual(summarize({ other: 1 }, { settings: 'broken', x: 2 }), { settings: null, creators: 0, notes: 0, seen: 0, aside: 0, other: 2 });
});
