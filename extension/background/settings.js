// The person's settings as stored (ARCHITECTURE.md, "Storage schema"): storage.sync `settings` =
// `{schema: 1, config}`, absent until they change something. The background only reads them; the
// options page writes them. Anything it cannot read means the shipped defaults, never a crash.

/** The shipped defaults as a configuration document (every field but `version` is optional). */
export const DEFAULT_CONFIG = Object.freeze({ version: 1 });
/** The settings schema this background reads. */
export const SETTINGS_SCHEMA = 1;

/** The configuration document in a stored `settings` value, or `null` for the defaults. */
export function storedConfig(settings) {
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) return null;
  if (settings.schema !== SETTINGS_SCHEMA) return null;
  const { config } = settings;
  return typeof config === 'object' && config !== null && !Array.isArray(config) ? config : null;
}
