// The person's settings as stored (ARCHITECTURE.md, "Storage schema"): `settings` =
// `{schema: 1, config, display}` in storage.sync, or in storage.local when too large for one sync
// item; absent until they change something. The background only reads them; the options page
// writes them (extension/options/store.js). Both read them with `pickSettings`, so they agree on
// which copy counts. Anything unreadable means the shipped defaults, never a crash; what is
// broken is set aside by ./migrate.js.

import { SETTINGS_KEY, SETTINGS_SCHEMA, checkSettings } from './migrate.js';

export { SETTINGS_SCHEMA };

/** The shipped defaults as a configuration document (every field but `version` is optional). */
export const DEFAULT_CONFIG = Object.freeze({ version: 1 });

/** The configuration document in a stored `settings` value, or `null` for the defaults. */
export function storedConfig(settings) {
  return checkSettings(settings).ok ? settings.config : null;
}

/**
 * Which stored copy counts: sync first, else local. A broken value counts as absent (it is being
 * set aside); a value from a newer schema counts (it hides the other copy) but yields the
 * defaults, so this version never half-reads it. Returns `{settings, area}` or
 * `{settings: null, area: null}`.
 */
export function pickSettings(syncValue, localValue) {
  for (const [area, value] of [['sync', syncValue], ['local', localValue]]) {
    const verdict = checkSettings(value);
    if (verdict.ok || verdict.reason === 'newer') return { settings: value, area };
  }
  return { settings: null, area: null };
}

/**
 * Reads the settings from `storage` (the extension's `storage` namespace). storage.sync may be
 * unavailable (disabled by policy, or failing): then local alone is read. A failing
 * storage.local throws: the caller says so, and runs on the defaults.
 */
export async function readSettings(storage) {
  let synced;
  try {
    synced = (await storage.sync.get(SETTINGS_KEY))?.[SETTINGS_KEY];
  } catch (error) {
    console.warn('Check the Source: settings unreadable in storage.sync, reading storage.local.', error);
    synced = undefined;
  }
  const fromSync = pickSettings(synced, undefined);
  if (fromSync.settings) return fromSync; // storage.local is read only when sync has none
  const local = (await storage.local.get(SETTINGS_KEY))?.[SETTINGS_KEY];
  return pickSettings(undefined, local);
}
