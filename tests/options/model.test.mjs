// The options page's data model: form ↔ stored settings, changes, import parsing, error mapping,
// and highlight parts from UTF-16 offsets.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  ImportError,
  MAX_IMPORT_BYTES,
  cloneForm,
  configFromForm,
  exportText,
  formFrom,
  formFromSettings,
  locateField,
  markedParts,
  parseImport,
  sameForm,
  settingsFromForm,
} from '../../extension/options/model.js';

test('no stored settings: the defaults, and the minimal document', () => {
  const form = formFromSettings(null);
  assert.deepEqual(configFromForm(form), { version: 1 });
  assert.deepEqual(settingsFromForm(form), { schema: 1, config: { version: 1 }, display: { min_level: 'info', sites: { tiktok: true, instagram: true } } });
});

test('stored settings round-trip through the form; only differences are written', () => {
  const settings = {
    schema: 1,
    config: { version: 1, disabled_rules: ['en.diag.b', 'en.diag.a'], keywords: { diagnostic: ['brain rot'], topic: [] }, ignored_phrases: ['signs of spring'], sensitivity: 'high' },
    display: { min_level: 'caution', sites: { tiktok: false, instagram: true } },
  };
  const form = formFromSettings(settings);
  assert.deepEqual(settingsFromForm(form), {
    schema: 1,
    config: { version: 1, disabled_rules: ['en.diag.a', 'en.diag.b'], keywords: { diagnostic: ['brain rot'] }, ignored_phrases: ['signs of spring'], sensitivity: 'high' },
    display: { min_level: 'caution', sites: { tiktok: false, instagram: true } },
  });
  assert.ok(sameForm(form, formFromSettings(settingsFromForm(form))));
});

test('a change is noticed, and undoing it is no change', () => {
  const saved = formFromSettings(null);
  const draft = cloneForm(saved);
  draft.keywords.diagnostic.push('x');
  assert.ok(!sameForm(draft, saved));
  draft.keywords.diagnostic.pop();
  assert.ok(sameForm(draft, saved));
  draft.display.sites.instagram = false;
  assert.ok(!sameForm(draft, saved));
});

test('keyword rows map one for one, so engine indices point at rows', () => {
  const form = formFrom(null, null);
  form.keywords.sponsorship = ['a', '', 'c'];
  assert.deepEqual(configFromForm(form).keywords.sponsorship, ['a', '', 'c']);
  assert.deepEqual(locateField('keywords.sponsorship[1]', form), { section: 'keywords', category: 'sponsorship', index: 1 });
});

test('engine error fields locate their control', () => {
  const form = formFrom({ version: 1, disabled_rules: ['b.rule', 'a.rule'] }, null);
  assert.deepEqual(locateField('keywords.diagnostic', form), { section: 'keywords', category: 'diagnostic', index: null });
  assert.deepEqual(locateField('ignored_phrases[3]', form), { section: 'ignored', index: 3 });
  assert.deepEqual(locateField('disabled_rules[1]', form), { section: 'disabled', index: 1, rule: 'b.rule' });
  assert.deepEqual(locateField('sensitivity', form), { section: 'sensitivity' });
  assert.deepEqual(locateField('', form), { section: 'general' });
  assert.deepEqual(locateField('version', form), { section: 'general' });
});

test('garbage in storage reads as defaults, never throws', () => {
  for (const v of ['x', 1, [], { schema: 2, config: { version: 1, sensitivity: 'high' } }, { schema: 1, config: 'x', display: 7 }]) {
    assert.deepEqual(configFromForm(formFromSettings(v)), { version: 1 }, JSON.stringify(v));
  }
  const form = formFromSettings({ schema: 1, config: { version: 1, keywords: { diagnostic: ['ok', 3, null] } }, display: { min_level: 'loud', sites: { tiktok: 'no' } } });
  assert.deepEqual(form.keywords.diagnostic, ['ok']);
  assert.deepEqual(form.display, { min_level: 'info', sites: { tiktok: true, instagram: true } });
});

test('import reads an engine configuration or a whole settings value', () => {
  assert.deepEqual(parseImport('{"version":1,"sensitivity":"low"}'), { config: { version: 1, sensitivity: 'low' }, display: null });
  const whole = { schema: 1, config: { version: 1 }, display: { min_level: 'warning', sites: { tiktok: true, instagram: false } } };
  assert.deepEqual(parseImport(JSON.stringify(whole)), { config: whole.config, display: whole.display });
  // Export writes a file import reads back to the same form.
  const form = formFrom({ version: 1, keywords: { crisis: ['<script>alert(1)</script>'] } }, { min_level: 'caution', sites: { tiktok: true, instagram: true } });
  const back = parseImport(exportText(form));
  assert.ok(sameForm(formFrom(back.config, back.display), form));
});

test('import refuses what is not a settings file, with a reason', () => {
  const code = (text, size) => {
    try {
      parseImport(text, size);
      return 'accepted';
    } catch (error) {
      assert.ok(error instanceof ImportError);
      return error.code;
    }
  };
  assert.equal(code('{"version":1}', MAX_IMPORT_BYTES + 1), 'too_large');
  assert.equal(code('not json'), 'not_json');
  assert.equal(code(''), 'not_json');
  assert.equal(code('[1,2]'), 'not_object');
  assert.equal(code('"text"'), 'not_object');
  assert.equal(code('null'), 'not_object');
  assert.equal(code('{"version":1,"colour":"red"}'), 'unknown_field');
  assert.equal(code('{"__proto__":{"x":1},"version":1}'), 'unknown_field');
  assert.equal(code('{"schema":2,"config":{"version":1}}'), 'schema');
  assert.equal(code('{"schema":1,"config":[]}'), 'not_object');
  assert.equal(code('{"schema":1,"config":{"version":1},"extra":1}'), 'unknown_field');
  assert.equal(code('{"schema":1,"config":{"version":1},"display":{"min_level":"loud"}}'), 'display');
  assert.equal(code('{"schema":1,"config":{"version":1},"display":{"sites":{"youtube":true}}}'), 'display');
  assert.equal(code('{"schema":1,"config":{"version":1},"display":{"sites":{"tiktok":"yes"}}}'), 'display');
  // The engine, not this parser, judges the configuration's contents (rule ids, keyword sizes).
  assert.equal(code('{"version":1,"disabled_rules":["no.such.rule"]}'), 'accepted');
});

test('highlight parts cut at UTF-16 offsets, with context and no split emoji', () => {
  const text = '🧠 5 signs you have ADHD';
  const start = text.indexOf('signs');
  const parts = markedParts(text, start, text.length);
  assert.deepEqual(parts, [
    { text: '🧠 5 ', mark: false },
    { text: 'signs you have ADHD', mark: true },
  ]);
  const long = `${'x'.repeat(100)}🧠ADHD${'y'.repeat(100)}`;
  const at = long.indexOf('ADHD');
  const cut = markedParts(long, at, at + 4, 1);
  assert.equal(cut[0].text, '…🧠'); // the cut moved left rather than split the pair
  assert.equal(cut[1].text, 'ADHD');
  assert.equal(cut[2].text, 'y…');
  assert.deepEqual(markedParts('abc', 2, 9), [{ text: 'abc', mark: false }]);
  assert.deepEqual(markedParts('abc', 2, 2), [{ text: 'abc', mark: false }]);
});
