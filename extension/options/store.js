// Where the settings live (ARCHITECTURE.md, "Storage schema"): storage.sync `settings`, so they
// follow the person between browsers, unless the document is too large for one sync item
// (QUOTA_BYTES_PER_ITEM, 8192 bytes counting the key): then storage.local `settings`, and the page
// says so. Only one copy exists at a time, so "sync first, else local" always reads the newest;
// the background reads them the same way (../background/settings.js). A broken stored value reads
// as absent: the background sets it aside (../background/migrate.js) and the page says so.
// `storage` is the extension's `storage` namespace (or a stand-in with the same shape in tests).

import { SETTINGS_KEY } from '../background/migrate.js';
import { pickSettings } from '../background/settings.js';

/** The storage key, in both areas. */
export const KEY = SETTINGS_KEY;
/** storage.sync's per-item limit: JSON of the value plus the key's length. */
export const SYNC_ITEM_BYTES = 8192;

/** Bytes storage.sync counts for `settings` = `value` (UTF-8 of the key and the JSON value). */
export function syncItemBytes(value) {
  return new TextEncoder().encode(KEY + JSON.stringify(value)).length;
}

/** True for the errors both browsers throw when an item or the area is over quota. */
export function isQuotaError(error) {
  return /quota/i.test(String(error?.message ?? error));
}

/**
 * Reads the stored settings: `{settings, area}` with `area` `"sync"` or `"local"`, or
 * `{settings: null, area: null}` when neither holds usable ones (the shipped defaults). A value
 * from a newer schema is returned as it is (the page names it and shows the defaults). storage.sync
 * failing is read as "nothing synced"; storage.local failing throws (the page says so).
 */
export async function loadSettings(storage) {
  let synced;
  try {
    synced = (await storage.sync.get(KEY))[KEY];
  } catch {
    synced = undefined; // sync unavailable (e.g. disabled by policy): local may still have them
  }
  const first = pickSettings(synced, undefined);
  if (first.area) return first;
  const local = (await storage.local.get(KEY))[KEY];
  return pickSettings(undefined, local);
}

/**
 * Writes `settings` to storage.sync, or to storage.local when it does not fit a sync item (checked
 * first, and again from the browser's own quota error). Returns `{area, reason}`: `reason` is
 * `"quota"` when it fell back. Other errors are thrown, and then the stored settings are the ones
 * from before: nothing was half-written.
 */
export async function saveSettings(storage, settings) {
  if (syncItemBytes(settings) <= SYNC_ITEM_BYTES) {
    let synced = false;
    try {
      await storage.sync.set({ [KEY]: settings });
      synced = true;
    } catch (error) {
      if (!isQuotaError(error)) throw error;
    }
    if (synced) {
      // The synced copy is read first, so a local copy left behind (the remove failed) is
      // harmless; the background sets it aside on its next start.
      await Promise.resolve(storage.local.remove(KEY)).catch(() => {});
      return { area: 'sync', reason: null };
    }
  }
  // The older sync copy would win on the next read: it must go, or the local write is undone.
  const before = (await storage.local.get(KEY))[KEY];
  await storage.local.set({ [KEY]: settings });
  try {
    await storage.sync.remove(KEY);
  } catch (error) {
    let synced;
    try {
      synced = (await storage.sync.get(KEY))[KEY];
    } catch {
      synced = undefined; // sync unreadable: nothing there can win over the local copy
    }
    if (synced !== undefined) {
      await (before === undefined ? storage.local.remove(KEY) : storage.local.set({ [KEY]: before }));
      throw error;
    }
  }
  return { area: 'local', reason: 'quota' };
}

/**
 * Removes the settings from both areas: the shipped defaults apply again. Throws when a copy that
 * would still be read is left behind (a failed sync remove with sync readable and holding one, or
 * a failed local remove).
 */
export async function clearSettings(storage) {
  const [sync, local] = await Promise.allSettled([storage.sync.remove(KEY), storage.local.remove(KEY)]);
  if (local.status === 'rejected') throw local.reason;
  if (sync.status === 'rejected') {
    let left;
    try {
      left = (await storage.sync.get(KEY))[KEY];
    } catch {
      left = undefined; // sync unavailable: nothing there is read
    }
    if (left !== undefined) throw sync.reason;
  }
}
