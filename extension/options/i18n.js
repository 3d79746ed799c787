// Localised strings for the extension's own pages (options, first run): every visible string
// comes from _locales through the browser's i18n API. Elements carry `data-i18n` (text) or
// `data-i18n-placeholder`, filled once at load; scripts call `t(key, ...subs)`.

const ext = globalThis.browser ?? globalThis.chrome;

/** The message `key` with substitutions; the key itself if it is missing (so a gap shows). */
export function t(key, ...subs) {
  const message = ext.i18n.getMessage(key, subs.map(String));
  return message || key;
}

/** Fills `data-i18n*` attributes under `root` and sets the page language to the strings' own. */
export function localize(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  const lang = ext.i18n.getMessage('options_lang');
  if (lang && root === document) document.documentElement.lang = lang;
}
