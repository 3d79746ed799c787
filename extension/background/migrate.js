// Bringing what the extension stores to the current schema, and setting aside what it cannot use
// (ARCHITECTURE.md, "Storage schema"). The background runs it on start-up, when the extension is
// installed or updated, and when the stored settings change; the options page reads its verdicts.
//
// Storage schema versions (the marker `schema` in storage.local; absent means version 1):
//   1  session 1: `settings` in storage.sync (or storage.local when too large for a sync item),
//      `{schema: 1, config, display}`; `creator:<platform>:<handle>` in storage.local, `{bio, name,
//      seen}`. No marker.
//   2  adds the marker `schema: 2`, the person's notes (`note:…`), creators seen (`seen:…`) and
//      values set aside (`corrupt:…`). The `settings` value keeps its own `schema: 1`: its shape
//      did not change. Migration 1 → 2 checks every value it knows and sets aside the broken
//      ones, then writes the marker.
//
// A value is checked by its key. One that is broken (wrong type, wrong shape) is *moved* aside
// under `corrupt:<area>:<key>:<hash>` in storage.local and the defaults apply to it alone. One that
// is whole but not usable here (settings from a newer schema, or an engine configuration this
// engine rejects) is *copied* aside and left where it is: a newer version on another device may
// still read it, and the options page shows where the engine objects. The hash of the value in
// the key makes setting the same value aside twice a no-op; at most MAX_ASIDE such copies are
// kept (the oldest go first). Keys this version does not know are left alone.
//
// The planning functions are pure (snapshot in, snapshot out) and tested against stored
// fixtures of every earlier version (tests/fixtures/storage/); `migrate`, `repairSettings` and
// `setAside` do the storage calls.

import { PLATFORMS } from './creators.js';
import { RATINGS } from './notes.js';
import { LEVELS } from './seen.js';
import { isDate, isPlainObject } from './values.js';

/** The storage schema this version writes. */
export const STORAGE_SCHEMA = 2;
/** The schema of the `settings` value this version reads and writes (unchanged since version 1). */
export const SETTINGS_SCHEMA = 1;
/** The storage.local key of the storage schema marker. */
export const SCHEMA_KEY = 'schema';
/** The key of the settings, in storage.sync or (too large for sync) storage.local. */
export const SETTINGS_KEY = 'settings';
/** Prefix of the values set aside, in storage.local. */
export const ASIDE_PREFIX = 'corrupt:';
/** Most values kept aside: beyond it the oldest are dropped, so a fault cannot fill storage. */
export const MAX_ASIDE = 20;

/** The lowest badge levels a person can choose (`display.min_level`). */
export const MIN_LEVELS = ['info', 'caution', 'warning'];
/** The sites `display.sites` switches: the platforms the extension reads. */
export const SITES = PLATFORMS;

const ok = { ok: true };
const broken = (detail) => ({ ok: false, reason: 'invalid', detail });

/**
 * Checks a stored `settings` value: `{ok: true}`, or `{ok: false, reason, detail}` with `reason`
 * `"invalid"` (broken: not the documented shape) or `"newer"` (a schema this version does not
 * know, from a newer version). The engine configuration inside is only checked to be an object:
 * the engine judges the rest (`reason: "rejected"` in `setAside`).
 */
export function checkSettings(value) {
  if (!isPlainObject(value)) return broken(`not an object (${describe(value)})`);
  const { schema } = value;
  if (!Number.isInteger(schema) || schema < 1) return broken(`schema ${describe(schema)}`);
  if (schema > SETTINGS_SCHEMA) return { ok: false, reason: 'newer', detail: `schema ${schema}` };
  const extra = Object.keys(value).filter((k) => !['schema', 'config', 'display'].includes(k));
  if (extra.length) return broken(`unknown field ${extra[0]}`);
  if (!isPlainObject(value.config)) return broken(`config is ${describe(value.config)}`);
  if (value.display !== undefined) {
    const { display } = value;
    if (!isPlainObject(display)) return broken(`display is ${describe(display)}`);
    const extraDisplay = Object.keys(display).filter((k) => k !== 'min_level' && k !== 'sites');
    if (extraDisplay.length) return broken(`unknown field display.${extraDisplay[0]}`);
    if (display.min_level !== undefined && !MIN_LEVELS.includes(display.min_level)) return broken(`display.min_level ${describe(display.min_level)}`);
    if (display.sites !== undefined) {
      if (!isPlainObject(display.sites)) return broken(`display.sites is ${describe(display.sites)}`);
      for (const [site, on] of Object.entries(display.sites)) {
        if (!SITES.includes(site) || typeof on !== 'boolean') return broken(`display.sites.${site}`);
      }
    }
  }
  return ok;
}

/** Checks a remembered creator `{bio, name, seen}` (extension/background/creators.js). */
export function checkCreator(value) {
  if (!isPlainObject(value)) return broken(`not an object (${describe(value)})`);
  if (typeof value.bio !== 'string' || value.bio.trim() === '') return broken('no bio');
  if (value.name !== undefined && typeof value.name !== 'string') return broken(`name is ${describe(value.name)}`);
  if (!isDate(value.seen)) return broken(`seen ${describe(value.seen)}`);
  return ok;
}

/** Checks a person's note `{rating, reasons, updated}` (extension/background/notes.js). */
export function checkNote(value) {
  if (!isPlainObject(value)) return broken(`not an object (${describe(value)})`);
  if (value.rating !== null && value.rating !== undefined && !RATINGS.includes(value.rating)) return broken(`rating ${describe(value.rating)}`);
  if (value.reasons !== undefined && !(Array.isArray(value.reasons) && value.reasons.every((r) => typeof r === 'string'))) return broken('reasons is not a list of words');
  if (!isDate(value.updated)) return broken(`updated ${describe(value.updated)}`);
  return ok;
}

/** Checks a creator seen with mental-health posts `{name, credential_status, level, posts, first, last}`. */
export function checkSeen(value) {
  if (!isPlainObject(value)) return broken(`not an object (${describe(value)})`);
  if (value.level !== undefined && !LEVELS.includes(value.level)) return broken(`level ${describe(value.level)}`);
  if (value.posts !== undefined && !(Number.isInteger(value.posts) && value.posts >= 0)) return broken(`posts ${describe(value.posts)}`);
  for (const field of ['first', 'last']) {
    if (value[field] !== undefined && !isDate(value[field])) return broken(`${field} ${describe(value[field])}`);
  }
  return ok;
}

/** The check for a stored key, or `null` for keys this version leaves alone. */
export function checkFor(key) {
  if (key === SETTINGS_KEY) return checkSettings;
  if (key.startsWith('creator:')) return checkCreator;
  if (key.startsWith('note:')) return checkNote;
  if (key.startsWith('seen:')) return checkSeen;
  return null;
}

/** A short, bounded description of a value for a message (never the whole value). */
function describe(value) {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value).slice(0, 40)}`;
}

/** FNV-1a (32 bits, hex) of a value's JSON: the same value set aside twice gets the same key. */
export function valueHash(value) {
  const text = JSON.stringify(value) ?? 'undefined';
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** The storage.local key a value from `area`/`key` is set aside under. */
export function asideKey(area, key, value) {
  return `${ASIDE_PREFIX}${area}:${key}:${valueHash(value)}`;
}

/**
 * The record kept aside: where the value was, why it was set aside, when, whether it was left in
 * place (`kept`), and the value itself, unchanged.
 */
export function asideRecord(area, key, value, reason, detail, at, kept) {
  return { area, key, reason, detail: String(detail ?? ''), at, kept, value };
}

/** The values set aside in a storage.local snapshot, newest first (`{id, area, key, reason, detail, at, kept}`). */
export function listAside(local) {
  const out = [];
  for (const [id, record] of Object.entries(local ?? {})) {
    if (!id.startsWith(ASIDE_PREFIX) || !isPlainObject(record)) continue;
    out.push({
      id,
      area: typeof record.area === 'string' ? record.area : '',
      key: typeof record.key === 'string' ? record.key : '',
      reason: typeof record.reason === 'string' ? record.reason : 'invalid',
      detail: typeof record.detail === 'string' ? record.detail : '',
      at: isDate(record.at) ? record.at : '',
      kept: record.kept === true,
    });
  }
  return out.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.id.localeCompare(b.id)));
}

/** The storage schema a storage.local snapshot is at: the marker, or 1 when there is none (or it is unreadable). */
export function storedVersion(local) {
  const marker = local?.[SCHEMA_KEY];
  return Number.isInteger(marker) && marker >= 1 ? marker : 1;
}

function copy(snapshot) {
  return { sync: { ...(snapshot.sync ?? {}) }, local: { ...(snapshot.local ?? {}) } };
}

/**
 * Sets aside, in snapshot `s` (changed in place), the value at `area`/`key`: copied under its
 * aside key (unless an identical copy is there already) and, unless `keep`, removed.
 */
function putAside(s, area, key, reason, detail, now, keep) {
  const value = s[area][key];
  const id = asideKey(area, key, value);
  if (!isPlainObject(s.local[id])) s.local[id] = asideRecord(area, key, value, reason, detail, now, keep);
  if (!keep) delete s[area][key];
}

/** Drops the oldest values kept aside beyond MAX_ASIDE (in place). */
function bound(s) {
  const aside = listAside(s.local);
  for (const extra of aside.slice(MAX_ASIDE)) delete s.local[extra.id];
}

/**
 * The settings rules of the current schema, on snapshot `s` (in place): a broken `settings` in
 * either area is moved aside; a newer one is copied aside and kept; when both areas hold usable
 * settings, the one in storage.local (hidden by sync, and left over from a write that failed
 * half-way) is moved aside, so it cannot come back when the synced copy is removed.
 */
function settingsRules(s, now) {
  for (const area of ['sync', 'local']) {
    if (!(SETTINGS_KEY in s[area])) continue;
    const verdict = checkSettings(s[area][SETTINGS_KEY]);
    if (!verdict.ok) putAside(s, area, SETTINGS_KEY, verdict.reason, verdict.detail, now, verdict.reason === 'newer');
  }
  if (SETTINGS_KEY in s.sync && SETTINGS_KEY in s.local && checkSettings(s.sync[SETTINGS_KEY]).ok && checkSettings(s.local[SETTINGS_KEY]).ok) {
    putAside(s, 'local', SETTINGS_KEY, 'shadowed', 'a second copy hidden by the synced one', now, false);
  }
}

/** Every record rule of the current schema, on snapshot `s` (in place): broken records are moved aside. */
function recordRules(s, now) {
  for (const key of Object.keys(s.local)) {
    if (key === SETTINGS_KEY) continue;
    const check = checkFor(key);
    if (!check) continue;
    const verdict = check(s.local[key]);
    if (!verdict.ok) putAside(s, 'local', key, verdict.reason, verdict.detail, now, false);
  }
}

/**
 * The migrations, by the version they start from: each takes a whole snapshot `{sync, local}`
 * and the current time (ISO) and returns the snapshot at the next version. Never remove one: a
 * person may update from any earlier version.
 */
export const MIGRATIONS = Object.freeze({
  1: (snapshot, now) => {
    const s = copy(snapshot);
    settingsRules(s, now);
    recordRules(s, now);
    bound(s);
    s.local[SCHEMA_KEY] = 2;
    return s;
  },
});

/**
 * What storage should hold after bringing `snapshot` (both areas, whole) to the current schema at
 * `now`: `{snapshot, from, to}`. Empty storage stays empty (nothing to mark); storage from a
 * newer version is not migrated (only its settings are checked). `full` re-checks every record
 * even when the marker says the current schema (after an update, or when asked).
 */
export function planMigration(snapshot, now, { full = false } = {}) {
  let s = copy(snapshot);
  const from = storedVersion(s.local);
  if (Object.keys(s.sync).length === 0 && Object.keys(s.local).length === 0) return { snapshot: s, from, to: from };
  let version = from;
  while (version < STORAGE_SCHEMA) {
    s = MIGRATIONS[version](s, now);
    version += 1;
  }
  if (from === STORAGE_SCHEMA && full) recordRules(s, now);
  settingsRules(s, now);
  bound(s);
  return { snapshot: s, from, to: version };
}

/** Only the settings rules (cheap: two keys), for start-up and for a change to the settings. */
export function planSettings(snapshot, now) {
  const s = copy(snapshot);
  settingsRules(s, now);
  return s;
}

/**
 * The storage calls that turn `before` into `after`, in a crash-safe order: copies aside and
 * changed values first, removals next, the schema marker last (so an interrupted migration runs
 * again, and setting aside the same value again is a no-op). `[{area, op: "set"|"remove", items|keys}]`.
 */
export function writesFor(before, after) {
  const steps = [];
  const diff = (area) => {
    const b = before[area] ?? {};
    const a = after[area] ?? {};
    const set = {};
    for (const [k, v] of Object.entries(a)) if (!(k in b) || JSON.stringify(b[k]) !== JSON.stringify(v)) set[k] = v;
    const removed = Object.keys(b).filter((k) => !(k in a));
    return { set, removed };
  };
  const local = diff('local');
  const sync = diff('sync');
  const marker = SCHEMA_KEY in local.set ? { [SCHEMA_KEY]: local.set[SCHEMA_KEY] } : null;
  delete local.set[SCHEMA_KEY];
  if (Object.keys(local.set).length) steps.push({ area: 'local', op: 'set', items: local.set });
  if (Object.keys(sync.set).length) steps.push({ area: 'sync', op: 'set', items: sync.set });
  if (sync.removed.length) steps.push({ area: 'sync', op: 'remove', keys: sync.removed });
  if (local.removed.length) steps.push({ area: 'local', op: 'remove', keys: local.removed });
  if (marker) steps.push({ area: 'local', op: 'set', items: marker });
  return steps;
}

async function perform(storage, steps) {
  for (const step of steps) {
    if (step.op === 'set') await storage[step.area].set(step.items);
    else await storage[step.area].remove(step.keys);
  }
}

/** Both areas, whole. */
async function snapshotOf(storage) {
  const [sync, local] = await Promise.all([storage.sync.get(null), storage.local.get(null)]);
  return { sync: sync ?? {}, local: local ?? {} };
}

/**
 * Brings storage to the current schema and writes the difference. Returns `{from, to, writes}`
 * (the number of storage calls). When the marker already says the current (or a newer) schema and
 * `full` is not asked, only the settings are checked: a start-up does not read every record.
 * Otherwise both areas are read whole. Throws when storage does: the caller runs on the defaults,
 * and the next start tries again. `now` is an ISO date (tests fix it).
 */
export async function migrate(storage, { now = new Date().toISOString(), full = false } = {}) {
  if (!full) {
    const marker = (await storage.local.get(SCHEMA_KEY))?.[SCHEMA_KEY];
    if (Number.isInteger(marker) && marker >= STORAGE_SCHEMA) {
      return { from: marker, to: marker, writes: await repairSettings(storage, { now }) };
    }
  }
  const before = await snapshotOf(storage);
  const { snapshot, from, to } = planMigration(before, now, { full });
  const steps = writesFor(before, snapshot);
  await perform(storage, steps);
  return { from, to, writes: steps.length };
}

/**
 * Checks only the two `settings` values (cheap, for every start and every change to them).
 * Returns the number of storage calls made. Bounding the values kept aside needs the whole of
 * storage.local, read only when something is set aside.
 */
export async function repairSettings(storage, { now = new Date().toISOString() } = {}) {
  const [sync, local] = await Promise.all([storage.sync.get(SETTINGS_KEY), storage.local.get(SETTINGS_KEY)]);
  const before = { sync: sync ?? {}, local: local ?? {} };
  const after = planSettings(before, now);
  const asides = Object.keys(after.local).filter((k) => k.startsWith(ASIDE_PREFIX));
  if (asides.length === 0 && writesFor(before, after).length === 0) return 0;
  return finishAside(storage, before, after, asides);
}

/** Writes a settings plan that sets values aside: skips copies already there, bounds the count. */
async function finishAside(storage, before, after, asides) {
  const present = await storage.local.get(asides);
  const whole = { sync: before.sync, local: { ...before.local, ...present } };
  const target = { sync: after.sync, local: { ...after.local } };
  for (const id of asides) if (isPlainObject(present?.[id])) target.local[id] = present[id];
  const steps = writesFor(whole, target);
  if (steps.length === 0) return 0;
  await perform(storage, steps);
  await boundStored(storage);
  return steps.length;
}

/** Drops the oldest values kept aside beyond MAX_ASIDE, in storage. */
async function boundStored(storage) {
  const local = (await storage.local.get(null)) ?? {};
  const extra = listAside(local).slice(MAX_ASIDE).map((a) => a.id);
  if (extra.length) await storage.local.remove(extra);
}

/**
 * Copies the value now at `area`/`key` aside with `reason` and `detail`, when it is still
 * `expected` (it may have changed since it was read), and removes it unless `keep`. For a value
 * found unusable outside a migration: an engine configuration the engine rejects. Returns the
 * aside key, or `null` when nothing was set aside.
 */
export async function setAside(storage, area, key, expected, reason, detail, { now = new Date().toISOString(), keep = false } = {}) {
  const current = (await storage[area].get(key))?.[key];
  if (JSON.stringify(current) !== JSON.stringify(expected)) return null;
  const id = asideKey(area, key, current);
  const there = (await storage.local.get(id))?.[id];
  if (!isPlainObject(there)) await storage.local.set({ [id]: asideRecord(area, key, current, reason, detail, now, keep) });
  if (!keep) await storage[area].remove(key);
  await boundStored(storage);
  return id;
}

/**
 * The background's upkeep of storage, one call after another (never two migrations at once):
 * `start()` migrates at start-up (the promise `ready` settles when done, never rejects: on a
 * storage failure the background runs on the defaults and the next start tries again);
 * `installed(reason)` re-checks every record after an update; `changed(changes, area)` (from
 * storage.onChanged) re-checks the settings when they change, and migrates again when storage
 * lost its marker (everything deleted, then data written again); `rejected(area, value, detail)`
 * copies aside settings the engine refused. `warn` reports failures (console.warn).
 */
export function storageUpkeep(storage, { warn = console.warn } = {}) {
  let queue = Promise.resolve();
  /** Whether storage.local holds the schema marker, as last seen (`false` also when unknown). */
  let marked = false;
  const run = (what, fn) => {
    queue = queue.then(fn).catch((error) => warn(`Check the Source: stored data could not be ${what}.`, error));
    return queue;
  };
  const migrateNow = (full) =>
    run('brought up to date', async () => {
      const { to } = await migrate(storage, { full });
      const local = await storage.local.get(SCHEMA_KEY);
      marked = Number.isInteger(local?.[SCHEMA_KEY]) || to > STORAGE_SCHEMA;
    });
  const upkeep = {
    ready: Promise.resolve(),
    start() {
      upkeep.ready = migrateNow(false);
      return upkeep.ready;
    },
    installed(reason) {
      return reason === 'update' ? migrateNow(true) : upkeep.ready;
    },
    changed(changes, area) {
      if (area !== 'sync' && area !== 'local') return queue;
      if (area === 'local' && SCHEMA_KEY in changes) marked = changes[SCHEMA_KEY].newValue !== undefined;
      const ours = Object.keys(changes).every((k) => k === SCHEMA_KEY || k.startsWith(ASIDE_PREFIX));
      if (ours) return queue;
      if (!marked) return migrateNow(false);
      if (SETTINGS_KEY in changes) return run('checked', () => repairSettings(storage));
      return queue;
    },
    rejected(area, value, detail) {
      return run('set aside', () => setAside(storage, area, SETTINGS_KEY, value, 'rejected', detail, { keep: true }));
    },
  };
  return upkeep;
}
