// Where the settings live (ARCHITECTURE.md, "Storage schema"): storage.sync `settings`, so they
// follow the person between browsers, unless the document is too large for one sync item
// (QUOTA_BYTES_PER_ITEM, 8192 bytes counting the key): then storage.local `settings`, and the page
// says so. Only one copy exists at a time, so "sync first, else local" always reads the newest.
// `storage` is the extension's `storage` namespace (or a stand-in with the same shape in tests).

/** The storage key, in both areas. */
export const KEY = 'settings';
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

function present(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the stored settings: `{settings, area}` with `area` `"sync"` or `"local"`, or
 * `{settings: null, area: null}` when neither holds any (the shipped defaults).
 */
export async function loadSettings(storage) {
  let synced;
  try {
    synced = (await storage.sync.get(KEY))[KEY];
  } catch {
    synced = undefined; // sync unavailable (e.g. disabled by policy): local may still have them
  }
  if (present(synced)) return { settings: synced, area: 'sync' };
  const local = (await storage.local.get(KEY))[KEY];
  if (present(local)) return { settings: local, area: 'local' };
  return { settings: null, area: null };
}

/**
 * Writes `settings` to storage.sync, or to storage.local when it does not fit a sync item (checked
 * first, and again from the browser's own quota error). Returns `{area, reason}`: `reason` is
 * `"quota"` when it fell back. Other errors are thrown: nothing was written.
 */
export async function saveSettings(storage, settings) {
  if (syncItemBytes(settings) <= SYNC_ITEM_BYTES) {
    try {
      await storage.sync.set({ [KEY]: settings });
      await storage.local.remove(KEY);
      return { area: 'sync', reason: null };
    } catch (error) {
      if (!isQuotaError(error)) throw error;
    }
  }
  await storage.local.set({ [KEY]: settings });
  // The older sync copy would otherwise win on the next read.
  await storage.sync.remove(KEY).catch(() => {});
  return { area: 'local', reason: 'quota' };
}

/** Removes the settings from both areas: the shipped defaults apply again. */
export async function clearSettings(storage) {
  await Promise.all([storage.sync.remove(KEY).catch(() => {}), storage.local.remove(KEY)]);
}
