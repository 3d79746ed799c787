#!/usr/bin/env node
// Writes each browser's manifest from the one base manifest at the repository root (the
// darkreader/ruffle habit: one source, per-browser differences applied at build).
//
//   node scripts/manifest.mjs <chrome|firefox> <extension dir to check> <output manifest.json>
//
// The base carries both background keys and the Firefox settings; each browser gets only its own
// (Chrome warns on `background.scripts` and `browser_specific_settings`, web-ext lint warns on
// `background.service_worker`: ../../shared/notes/toolchain.md). It refuses to write a manifest
// that names a file the extension does not have, so a renamed script fails the build, not the user.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The browsers we build for. */
export const BROWSERS = ['chrome', 'firefox'];

/** Returns a new manifest object for `browser` from the base manifest object. */
export function browserManifest(base, browser) {
  if (!BROWSERS.includes(browser)) throw new Error(`unknown browser "${browser}" (expected ${BROWSERS.join(' or ')})`);
  const manifest = structuredClone(base);
  const background = manifest.background ?? {};
  const script = background.service_worker ?? background.scripts?.[0];
  if (!script) throw new Error('manifest.json: background needs service_worker or scripts');
  if (browser === 'chrome') {
    manifest.background = { service_worker: script, type: background.type ?? 'module' };
    delete manifest.browser_specific_settings;
  } else {
    manifest.background = { scripts: [script], type: background.type ?? 'module' };
    delete manifest.minimum_chrome_version;
    const gecko = manifest.browser_specific_settings?.gecko;
    for (const key of ['id', 'strict_min_version', 'data_collection_permissions']) {
      if (!gecko?.[key]) throw new Error(`manifest.json: browser_specific_settings.gecko.${key} is required for Firefox`);
    }
  }
  return manifest;
}

/** Every extension-relative file a manifest refers to. */
export function referencedFiles(manifest) {
  const files = new Set();
  const addIcons = (icons) => Object.values(icons ?? {}).forEach((f) => files.add(f));
  addIcons(manifest.icons);
  addIcons(manifest.action?.default_icon);
  if (manifest.action?.default_popup) files.add(manifest.action.default_popup);
  if (manifest.options_ui?.page) files.add(manifest.options_ui.page);
  if (manifest.options_page) files.add(manifest.options_page);
  if (manifest.background?.service_worker) files.add(manifest.background.service_worker);
  for (const f of manifest.background?.scripts ?? []) files.add(f);
  for (const cs of manifest.content_scripts ?? []) {
    for (const f of [...(cs.js ?? []), ...(cs.css ?? [])]) files.add(f);
  }
  if (manifest.default_locale) files.add(`_locales/${manifest.default_locale}/messages.json`);
  return [...files];
}

/** Every `__MSG_name__` the manifest uses. */
export function messageNames(manifest) {
  const names = new Set();
  JSON.stringify(manifest).replace(/__MSG_(\w+?)__/g, (_, name) => names.add(name));
  return [...names];
}

/** Problems that would make the built extension fail to load or show raw keys; empty when fine. */
export function checkAgainst(manifest, extensionDir) {
  const problems = [];
  for (const file of referencedFiles(manifest)) {
    if (!existsSync(path.join(extensionDir, file))) problems.push(`missing file: ${file}`);
  }
  if (manifest.default_locale) {
    const messagesPath = path.join(extensionDir, '_locales', manifest.default_locale, 'messages.json');
    if (existsSync(messagesPath)) {
      const messages = JSON.parse(readFileSync(messagesPath, 'utf8'));
      for (const name of messageNames(manifest)) {
        if (!messages[name]?.message) problems.push(`_locales/${manifest.default_locale}: no message "${name}"`);
      }
    }
  }
  return problems;
}

function main([browser, extensionDir, out]) {
  if (!browser || !extensionDir || !out) {
    console.error('usage: node scripts/manifest.mjs <chrome|firefox> <extension dir> <output manifest.json>');
    process.exit(2);
  }
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const base = JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8'));
  const manifest = browserManifest(base, browser);
  const problems = checkAgainst(manifest, extensionDir);
  if (problems.length) {
    console.error(`manifest for ${browser}:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  writeFileSync(out, `${JSON.stringify(manifest, null, 2)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2));
}
