// Stored data survives an update: every fixture of an earlier storage schema
// (tests/fixtures/storage/v<N>/) is migrated by the real runner against an in-memory storage and
// compared exactly with its golden result; broken values are set aside, not lost; storage that
// fails half-way is finished by the next run without duplicates.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import {
  ASIDE_PREFIX,
  MAX_ASIDE,
  MIGRATIONS,
  SCHEMA_KEY,
  STORAGE_SCHEMA,
  asideKey,
  checkCreator,
  checkNote,
  checkSeen,
  checkSettings,
  listAside,
  migrate,
  planMigration,
  repairSettings,
  setAside,
  storedVersion,
  writesFor,
} from '../../extension/background/migrate.js';
import { pickSettings, readSettings, storedConfig } from '../../extension/background/settings.js';

const NOW = '2026-11-26T09:00:00.000Z';
const LATER = '2026-11-27T10:00:00.000Z';
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/storage');
const VERSIONS = readdirSync(FIXTURES).filter((d) => /^v\d+$/.test(d));

/** An in-memory storage area with the browsers' call shapes; `fail` names calls that reject. */
function area(initial = {}) {
  const data = new Map(Object.entries(structuredClone(initial)));
  const a = {
    data,
    fail: new Set(),
    calls: [],
    async get(keys) {
      a.calls.push(keys === null || keys === undefined ? 'get(all)' : 'get');
      if (a.fail.has('get')) throw new Error('storage unavailable');
      const list = keys === null || keys === undefined ? [...data.keys()] : typeof keys === 'string' ? [keys] : keys;
      return Object.fromEntries(list.filter((k) => data.has(k)).map((k) => [k, structuredClone(data.get(k))]));
    },
    async set(items) {
      a.calls.push('set');
      if (a.fail.has('set')) throw new Error('QUOTA_BYTES quota exceeded');
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
    },
    async remove(keys) {
      a.calls.push('remove');
      if (a.fail.has('remove')) throw new Error('IO error: database corrupted');
      for (const k of typeof keys === 'string' ? [keys] : keys) data.delete(k);
    },
    dump: () => Object.fromEntries([...data.entries()].sort(([x], [y]) => x.localeCompare(y))),
  };
  return a;
}

function storageOf(snapshot) {
  return { sync: area(snapshot.sync), local: area(snapshot.local) };
}

function dump(storage) {
  return { sync: storage.sync.dump(), local: storage.local.dump() };
}

function sorted(snapshot) {
  const order = (o) => Object.fromEntries(Object.entries(o).sort(([x], [y]) => x.localeCompare(y)));
  return { sync: order(snapshot.sync), local: order(snapshot.local) };
}

const fixtures = VERSIONS.flatMap((v) =>
  readdirSync(path.join(FIXTURES, v))
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ version: Number(v.slice(1)), name: `${v}/${f}`, file: path.join(FIXTURES, v, f), expected: path.join(FIXTURES, v, 'expected', f) })),
);

test('there are stored fixtures for every earlier storage schema', () => {
  for (let v = 1; v < STORAGE_SCHEMA; v++) {
    assert.ok(fixtures.filter((f) => f.version === v).length >= 5, `fixtures of version ${v}`);
    assert.equal(typeof MIGRATIONS[v], 'function', `a migration from version ${v}`);
  }
});

for (const fixture of fixtures) {
  test(`${fixture.name} migrates to exactly its golden result, and a second run changes nothing`, async () => {
    const input = JSON.parse(readFileSync(fixture.file, 'utf8'));
    assert.equal(typeof input.description, 'string');
    const storage = storageOf(input);
    const result = await migrate(storage, { now: NOW });
    const after = dump(storage);
    if (process.env.UPDATE_GOLDEN) writeFileSync(fixture.expected, `${JSON.stringify(after, null, 2)}\n`);
    const expected = JSON.parse(readFileSync(fixture.expected, 'utf8'));
    assert.deepEqual(after, expected);
    const empty = Object.keys(input.sync).length + Object.keys(input.local).length === 0;
    assert.deepEqual(result.from, fixture.version);
    assert.equal(result.to, empty ? fixture.version : STORAGE_SCHEMA);
    // The pure plan and the runner agree.
    assert.deepEqual(sorted(planMigration(input, NOW).snapshot), expected);
    // Idempotent: the next start (even a full re-check after an update) writes nothing.
    assert.equal((await migrate(storage, { now: LATER, full: true })).writes, 0);
    assert.deepEqual(dump(storage), expected);
    // Nothing the fixture held is gone: every value is where it was, or kept aside unchanged.
    const aside = Object.values(after.local).filter((v) => v && typeof v === 'object' && 'kept' in v);
    for (const a of ['sync', 'local']) {
      for (const [key, value] of Object.entries(input[a])) {
        if (a === 'local' && key === SCHEMA_KEY) continue;
        const kept = JSON.stringify(after[a][key]) === JSON.stringify(value);
        const setAside = aside.some((r) => r.area === a && r.key === key && JSON.stringify(r.value) === JSON.stringify(value));
        const dropped = fixture.name.endsWith('many-broken.json') && key.startsWith('creator:tiktok:broken');
        assert.ok(kept || setAside || dropped, `${a} ${key} lost`);
      }
    }
  });
}

test('what the readers see after migration: the settings each fixture held', async () => {
  const read = async (name) => {
    const storage = storageOf(JSON.parse(readFileSync(path.join(FIXTURES, 'v1', name), 'utf8')));
    await migrate(storage, { now: NOW });
    return readSettings(storage);
  };
  assert.equal((await read('settings-sync.json')).settings.config.sensitivity, 'high');
  assert.equal((await read('settings-local-fallback.json')).area, 'local');
  assert.equal((await read('settings-both-areas.json')).settings.config.sensitivity, 'high');
  assert.deepEqual(await read('garbage.json'), { settings: null, area: null });
  assert.deepEqual(await read('settings-bad-shape.json'), { settings: null, area: null });
  const newer = await read('settings-newer-schema.json');
  assert.equal(newer.settings.schema, 4, 'a newer value stays where it is');
  assert.equal(storedConfig(newer.settings), null, 'and is not half-read: the defaults apply');
});

test('the settings check: the documented shape only', () => {
  const good = { schema: 1, config: { version: 1 }, display: { min_level: 'warning', sites: { tiktok: false } } };
  assert.deepEqual(checkSettings(good), { ok: true });
  assert.deepEqual(checkSettings({ schema: 1, config: {} }), { ok: true });
  assert.equal(checkSettings({ schema: 2, config: {} }).reason, 'newer');
  for (const bad of [undefined, null, 'x', 7, [], {}, { schema: '1', config: {} }, { schema: 0, config: {} }, { schema: 1.5, config: {} }, { schema: 1 }, { schema: 1, config: [] }, { schema: 1, config: {}, extra: 1 }, { schema: 1, config: {}, display: 'x' }, { schema: 1, config: {}, display: { min_level: 'none' } }, { schema: 1, config: {}, display: { sites: { youtube: true } } }, { schema: 1, config: {}, display: { sites: { tiktok: 'yes' } } }, { schema: 1, config: {}, display: { colour: 'red' } }]) {
    const verdict = checkSettings(bad);
    assert.equal(verdict.ok, false, JSON.stringify(bad));
    assert.equal(verdict.reason, 'invalid', JSON.stringify(bad));
    assert.ok(verdict.detail.length > 0 && verdict.detail.length < 80, verdict.detail);
  }
});

test('the record checks: creators, notes, creators seen', () => {
  assert.equal(checkCreator({ bio: 'LCSW', name: 'Jane', seen: NOW }).ok, true);
  assert.equal(checkCreator({ bio: 'LCSW', seen: NOW }).ok, true);
  for (const bad of [null, 'x', { bio: '', seen: NOW }, { bio: 'x', seen: 'soon' }, { bio: 'x', name: 1, seen: NOW }]) assert.equal(checkCreator(bad).ok, false, JSON.stringify(bad));
  assert.equal(checkNote({ rating: 'helpful', reasons: ['memes'], updated: NOW }).ok, true);
  assert.equal(checkNote({ rating: null, reasons: [], updated: NOW }).ok, true);
  for (const bad of [[], { rating: 'great', reasons: [], updated: NOW }, { rating: null, reasons: 'memes', updated: NOW }, { rating: null, reasons: [] }]) assert.equal(checkNote(bad).ok, false, JSON.stringify(bad));
  assert.equal(checkSeen({ name: 'Jane', credential_status: 'licensed', level: 'caution', posts: 3, first: NOW, last: NOW }).ok, true);
  for (const bad of ['x', { level: 'loud' }, { posts: -1 }, { posts: 'many' }, { last: 'never' }]) assert.equal(checkSeen(bad).ok, false, JSON.stringify(bad));
});

test('the storage schema marker: absent or unreadable is version 1', () => {
  assert.equal(storedVersion({}), 1);
  assert.equal(storedVersion({ schema: 'two' }), 1);
  assert.equal(storedVersion({ schema: 0 }), 1);
  assert.equal(storedVersion({ schema: 2 }), 2);
  assert.equal(storedVersion({ schema: 9 }), 9);
});

test('storage from a newer version is not migrated: only its settings are checked', async () => {
  const note = { shape: 'of version 9' };
  const storage = storageOf({ sync: { settings: { schema: 1, config: 5 } }, local: { schema: 9, 'creator:tiktok:x': note } });
  const result = await migrate(storage, { now: NOW });
  assert.deepEqual({ from: result.from, to: result.to }, { from: 9, to: 9 });
  const after = dump(storage);
  assert.equal(after.local.schema, 9);
  assert.deepEqual(after.local['creator:tiktok:x'], note, 'a record this version cannot judge stays');
  assert.equal(after.sync.settings, undefined, 'broken settings are set aside whatever the version');
  assert.equal(listAside(after.local).length, 1);
});

test('a full re-check after an update sets aside records broken since the last migration', async () => {
  const storage = storageOf({ sync: {}, local: { schema: 2, 'note:tiktok:jane': { rating: 'great', reasons: [], updated: NOW }, 'seen:tiktok:jane': { name: 'Jane', level: 'info', posts: 2, first: NOW, last: NOW } } });
  assert.equal((await migrate(storage, { now: NOW })).writes, 0, 'an ordinary start does not scan every record');
  await migrate(storage, { now: NOW, full: true });
  const after = dump(storage);
  assert.equal(after.local['note:tiktok:jane'], undefined);
  assert.ok(after.local['seen:tiktok:jane']);
  const [entry] = listAside(after.local);
  assert.deepEqual({ ...entry, id: undefined }, { id: undefined, area: 'local', key: 'note:tiktok:jane', reason: 'invalid', detail: 'rating "great"', at: NOW, kept: false });
});

test('an ordinary start on storage at the current schema reads the marker and the settings, not every record', async () => {
  const storage = storageOf({ sync: { settings: { schema: 1, config: { version: 1 } } }, local: { schema: 2, 'creator:tiktok:a': { bio: 'x', seen: NOW } } });
  assert.deepEqual(await migrate(storage, { now: NOW }), { from: 2, to: 2, writes: 0 });
  assert.deepEqual([...storage.sync.calls, ...storage.local.calls].sort(), ['get', 'get', 'get']);
  storage.local.calls.length = 0;
  await migrate(storage, { now: NOW, full: true });
  assert.ok(storage.local.calls.includes('get(all)'), 'a full check reads everything');
});

test('repairSettings: broken settings are moved aside once; newer ones are copied and kept', async () => {
  const storage = storageOf({ sync: { settings: { schema: 1, config: 'x' } }, local: { schema: 2, 'creator:tiktok:jane': { bio: 'LCSW', name: '', seen: NOW } } });
  assert.ok((await repairSettings(storage, { now: NOW })) > 0);
  let after = dump(storage);
  assert.equal(after.sync.settings, undefined);
  const id = asideKey('sync', 'settings', { schema: 1, config: 'x' });
  assert.deepEqual(after.local[id], { area: 'sync', key: 'settings', reason: 'invalid', detail: 'config is "x"', at: NOW, kept: false, value: { schema: 1, config: 'x' } });
  assert.ok(after.local['creator:tiktok:jane'], 'nothing else touched');
  // The same broken value again (e.g. synced back from another device): no second copy.
  await storage.sync.set({ settings: { schema: 1, config: 'x' } });
  await repairSettings(storage, { now: LATER });
  after = dump(storage);
  assert.equal(listAside(after.local).length, 1);
  assert.equal(after.local[id].at, NOW, 'the first copy is kept as it was');
  // A newer schema: copied aside, left in place; a second run writes nothing.
  const newer = { schema: 3, config: { version: 3 } };
  await storage.sync.set({ settings: newer });
  await repairSettings(storage, { now: LATER });
  after = dump(storage);
  assert.deepEqual(after.sync.settings, newer);
  assert.equal(after.local[asideKey('sync', 'settings', newer)].kept, true);
  storage.local.calls.length = 0;
  assert.equal(await repairSettings(storage, { now: LATER }), 0);
  assert.ok(!storage.local.calls.includes('set') && !storage.local.calls.includes('remove'));
  // Valid settings: two reads, nothing else.
  await storage.sync.set({ settings: { schema: 1, config: { version: 1 } } });
  storage.local.calls.length = 0;
  assert.equal(await repairSettings(storage, { now: LATER }), 0);
  assert.deepEqual(storage.local.calls, ['get']);
});

test('at most MAX_ASIDE values are kept aside: the oldest go first', async () => {
  const local = {};
  for (let i = 0; i < MAX_ASIDE; i++) {
    const value = { bio: '', n: i };
    local[asideKey('local', `creator:tiktok:c${i}`, value)] = { area: 'local', key: `creator:tiktok:c${i}`, reason: 'invalid', detail: 'no bio', at: `2026-01-${String(i + 1).padStart(2, '0')}T00:00:00.000Z`, kept: false, value };
  }
  const storage = storageOf({ sync: { settings: 'broken' }, local: { schema: 2, ...local } });
  await repairSettings(storage, { now: NOW });
  const aside = listAside(storage.local.dump());
  assert.equal(aside.length, MAX_ASIDE);
  assert.equal(aside[0].key, 'settings');
  assert.ok(!aside.some((a) => a.key === 'creator:tiktok:c0'), 'the oldest was dropped');
  assert.ok(aside.some((a) => a.key === 'creator:tiktok:c1'));
});

test('setAside (an engine configuration the engine rejects): copied, kept or removed, never twice', async () => {
  const value = { schema: 1, config: { version: 1, disabled_rules: ['en.gone'] } };
  const storage = storageOf({ sync: {}, local: { settings: value } });
  assert.equal(await setAside(storage, 'local', 'settings', { schema: 1, config: { version: 1 } }, 'rejected', 'x', { now: NOW }), null, 'not the value read: untouched');
  const id = await setAside(storage, 'local', 'settings', value, 'rejected', 'disabled_rules[0]: unknown rule id', { now: NOW, keep: true });
  assert.deepEqual(storage.local.dump()[id], { area: 'local', key: 'settings', reason: 'rejected', detail: 'disabled_rules[0]: unknown rule id', at: NOW, kept: true, value });
  assert.deepEqual(storage.local.dump().settings, value);
  await setAside(storage, 'local', 'settings', value, 'rejected', 'again', { now: LATER });
  assert.equal(storage.local.dump()[id].at, NOW);
  assert.equal(storage.local.dump().settings, undefined, 'removed when not kept');
});

test('writes come in a crash-safe order: copies first, removals next, the marker last', () => {
  const before = { sync: { settings: 'x' }, local: { 'creator:tiktok:a': 1 } };
  const { snapshot } = planMigration(before, NOW);
  const steps = writesFor(before, snapshot);
  assert.deepEqual(steps.map((s) => `${s.area}.${s.op}`), ['local.set', 'sync.remove', 'local.remove', 'local.set']);
  assert.deepEqual(steps.at(-1).items, { [SCHEMA_KEY]: STORAGE_SCHEMA });
  assert.ok(Object.keys(steps[0].items).every((k) => k.startsWith(ASIDE_PREFIX)));
});

test('storage failing half-way: nothing is lost, and the next run finishes without duplicates', async () => {
  const input = JSON.parse(readFileSync(path.join(FIXTURES, 'v1/garbage.json'), 'utf8'));
  const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'v1/expected/garbage.json'), 'utf8'));
  for (const [which, call] of [['sync', 'remove'], ['local', 'remove'], ['local', 'set'], ['local', 'get']]) {
    const storage = storageOf(input);
    storage[which].fail.add(call);
    await assert.rejects(migrate(storage, { now: NOW }), `${which}.${call} failing`);
    const half = dump(storage);
    assert.notEqual(half.local.schema, STORAGE_SCHEMA, 'not marked as migrated');
    storage[which].fail.delete(call);
    await migrate(storage, { now: LATER });
    const after = dump(storage);
    // Same as an uninterrupted run, except copies made before the failure keep their time.
    const at = (snapshot) => JSON.stringify(snapshot).replaceAll(LATER, NOW);
    assert.equal(at(after), at(expected), `${which}.${call}`);
  }
});

test('pickSettings: sync first; broken values count as absent; a newer one hides the other copy', () => {
  const a = { schema: 1, config: { version: 1, sensitivity: 'high' } };
  const b = { schema: 1, config: { version: 1, sensitivity: 'low' } };
  assert.deepEqual(pickSettings(a, b), { settings: a, area: 'sync' });
  assert.deepEqual(pickSettings('junk', b), { settings: b, area: 'local' });
  assert.deepEqual(pickSettings(undefined, undefined), { settings: null, area: null });
  assert.deepEqual(pickSettings({ schema: 5, config: {} }, b), { settings: { schema: 5, config: {} }, area: 'sync' });
});
