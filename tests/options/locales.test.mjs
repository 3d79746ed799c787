// Every string the options and first-run pages show comes from _locales, complete in English and
// Spanish: each key the pages name (in data-i18n attributes, t('…') calls and the key families
// built from engine values) exists in both, with the same placeholders.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { ENGINE_CATEGORIES, MIN_LEVELS, SENSITIVITIES } from '../../extension/options/model.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../extension');
const read = (p) => readFileSync(path.join(root, p), 'utf8');
const locale = (lang) => JSON.parse(read(`_locales/${lang}/messages.json`));

function keysUsed() {
  const keys = new Set(['options_lang']);
  for (const file of ['options/options.html', 'welcome/welcome.html']) {
    for (const m of read(file).matchAll(/data-i18n(?:-placeholder)?="([a-z_]+)"/g)) keys.add(m[1]);
  }
  for (const file of ['options/options.js', 'welcome/welcome.js']) {
    const src = read(file);
    for (const m of src.matchAll(/\b(?:t|setStatus)\('([a-z_]+)'/g)) keys.add(m[1]);
    for (const m of src.matchAll(/'(options_[a-z_]+)'/g)) keys.add(m[1]);
  }
  // Families built from engine values.
  for (const c of ENGINE_CATEGORIES) keys.add(`options_cat_${c}`).add(`options_cat_${c}_hint`);
  for (const l of ['none', ...MIN_LEVELS, 'support']) keys.add(`options_level_${l}`);
  for (const f of ['caption', 'name', 'handle', 'bio', 'label']) keys.add(`options_field_${f}`);
  for (const l of ['en', 'es', 'pt', 'de', 'fr', 'any']) keys.add(`options_lang_${l}`);
  for (const s of SENSITIVITIES) keys.add(`options_sensitivity_${s}`);
  return keys;
}

test('every key the pages use exists in English and Spanish', () => {
  const used = keysUsed();
  assert.ok(used.size > 100, `${used.size} keys`);
  for (const lang of ['en', 'es']) {
    const messages = locale(lang);
    const missing = [...used].filter((k) => !messages[k]?.message);
    assert.deepEqual(missing, [], `missing in ${lang}`);
  }
});

test('Spanish has the same placeholders as English, and is translated', () => {
  const en = locale('en');
  const es = locale('es');
  const ours = Object.keys(en).filter((k) => /^(options|welcome)_/.test(k));
  let same = 0;
  for (const k of ours) {
    assert.deepEqual(Object.keys(es[k].placeholders ?? {}).sort(), Object.keys(en[k].placeholders ?? {}).sort(), k);
    for (const p of Object.keys(en[k].placeholders ?? {})) assert.ok(es[k].message.includes(`$${p.toUpperCase()}$`), `${k}: $${p}$ unused in es`);
    if (es[k].message === en[k].message) same += 1;
  }
  // Names (TikTok, Instagram, Normal) may read the same; most strings must not.
  assert.ok(same < 6, `${same} strings identical in en and es`);
  assert.equal(es.options_lang.message, 'es');
});
