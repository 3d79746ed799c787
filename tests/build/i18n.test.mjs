// Every visible string goes through _locales (chrome.i18n), complete in English and Spanish:
// - en and es hold the same keys, none empty, valid names, no key written twice in a file (JSON
//   would silently keep the last), and the same placeholders, each defined one used and each used
//   one defined;
// - every key the extension names exists in en: `data-i18n*` attributes, `__MSG_…__` (manifest
//   and extension files), `t('…')` / `getMessage('…')` / `setStatus('…')` calls, and any string
//   literal shaped like a key of a known area (`'popup_clear'`); a key built in a template literal
//   (`popup_level_${level}`) must at least name an existing family;
// - the extension's HTML pages carry no visible text of their own: text nodes in <body> are empty
//   (data-i18n fills them), and no literal aria-label, title, placeholder, alt or button value.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EXT = path.join(REPO, 'extension');
const LANGS = ['en', 'es'];

const raw = (lang) => readFileSync(path.join(EXT, '_locales', lang, 'messages.json'), 'utf8');
const locale = (lang) => JSON.parse(raw(lang));

/** Every file under `dir` (relative paths), the locales left out. */
function files(dir, base = dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (full !== path.join(EXT, '_locales')) out.push(...files(full, base));
    } else {
      out.push(path.relative(base, full));
    }
  }
  return out.sort();
}

const sources = files(EXT).filter((f) => /\.(js|mjs|html|css|json)$/.test(f));
const read = (f) => readFileSync(path.join(EXT, f), 'utf8');

/** `$NAME$` references in a message (case-insensitive names; `$$` is a literal dollar). */
function references(message) {
  return new Set([...message.replace(/\$\$/g, '').matchAll(/\$([A-Za-z0-9_@]+)\$/g)].map((m) => m[1].toLowerCase()));
}

describe('the locale files', () => {
  test('en and es hold the same keys, with valid names and no empty message', () => {
    const en = locale('en');
    const es = locale('es');
    assert.ok(Object.keys(en).length > 100, `${Object.keys(en).length} keys in en`);
    assert.deepEqual(Object.keys(en).filter((k) => !(k in es)), [], 'in en, missing in es');
    assert.deepEqual(Object.keys(es).filter((k) => !(k in en)), [], 'in es, missing in en');
    for (const lang of LANGS) {
      for (const [key, entry] of Object.entries(locale(lang))) {
        // Chrome accepts ASCII letters, digits, _ and @ in names.
        assert.match(key, /^[A-Za-z0-9_@]+$/, `${lang}: key name ${key}`);
        assert.equal(typeof entry?.message, 'string', `${lang}.${key}: message is not a string`);
        assert.ok(entry.message.trim().length > 0, `${lang}.${key}: empty message`);
      }
    }
  });

  test('no key is written twice in one file', () => {
    for (const lang of LANGS) {
      const seen = new Map();
      // Top-level keys sit at two spaces of indentation in these files.
      for (const m of raw(lang).matchAll(/^ {2}"([^"]+)"\s*:/gm)) seen.set(m[1], (seen.get(m[1]) ?? 0) + 1);
      const twice = [...seen].filter(([, n]) => n > 1).map(([k]) => k);
      assert.deepEqual(twice, [], `${lang}: written more than once`);
      assert.equal(seen.size, Object.keys(locale(lang)).length, `${lang}: every key found at the top level`);
    }
  });

  test('placeholders: the same in en and es, each one used, each use defined', () => {
    const en = locale('en');
    const es = locale('es');
    for (const key of Object.keys(en)) {
      const names = (entry) => Object.keys(entry.placeholders ?? {}).map((n) => n.toLowerCase()).sort();
      assert.deepEqual(names(es[key]), names(en[key]), `${key}: placeholders differ between en and es`);
      for (const [lang, entry] of [['en', en[key]], ['es', es[key]]]) {
        const defined = new Set(names(entry));
        const used = references(entry.message);
        for (const name of used) assert.ok(defined.has(name), `${lang}.${key}: $${name}$ is used but not defined`);
        for (const name of defined) assert.ok(used.has(name), `${lang}.${key}: placeholder ${name} is defined but not used`);
        for (const [name, ph] of Object.entries(entry.placeholders ?? {})) {
          assert.equal(typeof ph?.content, 'string', `${lang}.${key}: placeholder ${name} has no content`);
          assert.equal(ph.content, en[key].placeholders[Object.keys(en[key].placeholders).find((n) => n.toLowerCase() === name.toLowerCase())].content, `${lang}.${key}: placeholder ${name} reads another argument than in en`);
        }
      }
    }
  });
});

describe('every key the extension uses exists', () => {
  const en = locale('en');
  const areas = new Set(Object.keys(en).map((k) => k.split('_')[0]).filter((p) => Object.keys(en).filter((k) => k.startsWith(`${p}_`)).length >= 3));

  function used() {
    const keys = new Map(); // key → first file naming it
    const families = new Map(); // prefix of a template-literal key → file
    const add = (map, key, file) => map.has(key) || map.set(key, file);
    const manifest = readFileSync(path.join(REPO, 'manifest.json'), 'utf8');
    for (const m of manifest.matchAll(/__MSG_([A-Za-z0-9_@]+)__/g)) add(keys, m[1], 'manifest.json');
    for (const file of sources) {
      const src = read(file);
      for (const m of src.matchAll(/__MSG_([A-Za-z0-9_@]+)__/g)) add(keys, m[1], file);
      for (const m of src.matchAll(/data-i18n(?:-[a-z-]+)?="([^"]*)"/g)) add(keys, m[1], file);
      for (const m of src.matchAll(/\b(?:t|getMessage|setStatus)\(\s*(['"])([^'"]+)\1/g)) add(keys, m[2], file);
      for (const m of src.matchAll(/\b(?:t|getMessage|setStatus)\(\s*`([^`$]*)`/g)) add(keys, m[1], file);
      for (const m of src.matchAll(/\b(?:t|getMessage|setStatus)\(\s*`([A-Za-z0-9_]+)\$\{/g)) add(families, m[1], file);
      if (/\.(m?js)$/.test(file)) {
        for (const m of src.matchAll(/(['"])([a-z]+_[a-z0-9_]*[a-z0-9])\1/g)) {
          if (areas.has(m[2].split('_')[0])) add(keys, m[2], file);
        }
      }
    }
    return { keys, families };
  }

  test('named keys', () => {
    const { keys } = used();
    assert.ok(keys.size > 100, `${keys.size} keys found in the extension`);
    const missing = [...keys].filter(([k]) => !en[k]).map(([k, f]) => `${k} (${f})`);
    assert.deepEqual(missing, [], 'used but not in _locales/en');
  });

  test('key families built in template literals', () => {
    const { families } = used();
    assert.ok(families.size > 0, 'template-literal keys found');
    const empty = [...families].filter(([prefix]) => !Object.keys(en).some((k) => k.startsWith(prefix) && k.length > prefix.length)).map(([p, f]) => `${p}… (${f})`);
    assert.deepEqual(empty, [], 'families with no key');
  });

  test('the popup families are complete (level, credential status, site, rating, reason)', () => {
    const want = [
      ...['none', 'info', 'caution', 'warning', 'support'].map((l) => `popup_level_${l}`),
      ...['none', 'non_clinical', 'claimed_unverified', 'licensed'].map((s) => `popup_cred_${s}`),
      ...['tiktok', 'instagram'].map((s) => `popup_site_${s}`),
      ...['helpful', 'harmful'].map((r) => `popup_rating_${r}`),
      ...['entertainment', 'information', 'memes', 'growth'].map((r) => `popup_reason_${r}`),
    ];
    for (const lang of LANGS) {
      const messages = locale(lang);
      assert.deepEqual(want.filter((k) => !messages[k]), [], `missing in ${lang}`);
    }
  });
});

describe('the pages show no text of their own', () => {
  const pages = sources.filter((f) => f.endsWith('.html'));

  /** The <body> of an HTML page without comments, scripts, styles and templates. */
  function body(html) {
    const m = /<body\b[^>]*>([\s\S]*)<\/body>/i.exec(html);
    assert.ok(m, 'a <body>');
    return m[1].replace(/<!--[\s\S]*?-->/g, '').replace(/<(script|style|template)\b[\s\S]*?<\/\1>/gi, '');
  }

  test('the extension has pages', () => {
    assert.ok(pages.length >= 3, pages.join());
  });

  for (const page of pages) {
    test(`${page}: text nodes in <body> are empty, no literal accessible names`, () => {
      const b = body(read(page));
      const text = b
        .split(/<[^>]*>/)
        .map((s) => s.trim())
        .filter(Boolean);
      assert.deepEqual(text, [], 'text in the markup (give the element data-i18n and leave it empty)');
      const attrs = [...b.matchAll(/\s(aria-label|title|placeholder|alt)="([^"]*)"/g)].filter((m) => m[2].trim()).map((m) => `${m[1]}="${m[2]}"`);
      assert.deepEqual(attrs, [], 'literal text in attributes (use data-i18n-<attribute>)');
      const buttons = [...b.matchAll(/<input\b[^>]*type="(?:button|submit|reset)"[^>]*>/g)].filter((m) => /\svalue="[^"]*\S[^"]*"/.test(m[0])).map((m) => m[0]);
      assert.deepEqual(buttons, [], 'literal button labels');
    });
  }
});
