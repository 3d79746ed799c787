// The person's notes on creators (panel step 6): the record shape ARCHITECTURE.md documents, the
// strict checks on what the panel sends, and the two panel messages' shapes.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { MAX_CONDITIONS, acceptMessage } from '../../extension/background/messages.js';
import { REASONS, checkNote, noteKey, noteRecord, readNote } from '../../extension/background/notes.js';

const NOW = '2026-11-26T09:30:00.000Z';
const self = { id: 'ext-id', origin: 'chrome-extension://ext-id/' };
const tab = { id: 'ext-id', tab: { id: 3 }, url: 'https://www.tiktok.com/foryou' };
const page = { id: 'ext-id', url: 'chrome-extension://ext-id/popup/popup.html' };

test('a note is keyed like the remembered creator: platform and lowercased handle without @', () => {
  assert.equal(noteKey('tiktok', 'JaneTalks'), 'note:tiktok:janetalks');
  assert.equal(noteKey('instagram', '@dr.sam.therapy'), 'note:instagram:dr.sam.therapy');
  assert.equal(noteKey('youtube', 'jane'), null);
  assert.equal(noteKey('tiktok', null), null);
  assert.equal(noteKey('tiktok', 'has space'), null);
  assert.equal(noteKey('tiktok', ''), null);
});

test('a valid note becomes exactly {rating, reasons, updated}, reasons in their canonical order', () => {
  const checked = checkNote({ rating: 'helpful', reasons: ['growth', 'information'] });
  assert.deepEqual(checked, { ok: true, note: { rating: 'helpful', reasons: ['information', 'growth'] } });
  const record = noteRecord(checked.note, NOW);
  assert.deepEqual(record, { rating: 'helpful', reasons: ['information', 'growth'], updated: NOW });
  assert.deepEqual(Object.keys(record), ['rating', 'reasons', 'updated']);

  assert.deepEqual(checkNote({ rating: 'harmful', reasons: [] }).note, { rating: 'harmful', reasons: [] });
  assert.deepEqual(checkNote({ rating: null, reasons: ['memes'] }).note, { rating: null, reasons: ['memes'] });
  assert.deepEqual(checkNote({ rating: null, reasons: [...REASONS].reverse() }).note.reasons, REASONS);
});

test('a note that says nothing is no record (the key is removed, not kept empty)', () => {
  assert.equal(noteRecord({ rating: null, reasons: [] }, NOW), null);
});

test('anything but the documented shape is refused with a message naming the problem', () => {
  const cases = [
    [null, /object/],
    [[], /object/],
    ['helpful', /object/],
    [{ rating: 'helpful' }, /both rating and reasons/],
    [{ reasons: [] }, /both rating and reasons/],
    [{ rating: 'helpful', reasons: [], updated: NOW }, /unknown fields: updated/],
    [{ rating: 'helpful', reasons: [], __proto__x: 1 }, /unknown fields/],
    [{ rating: 'great', reasons: [] }, /rating must be/],
    [{ rating: 'Helpful', reasons: [] }, /rating must be/],
    [{ rating: undefined, reasons: [] }, /rating must be/],
    [{ rating: 1, reasons: [] }, /rating must be/],
    [{ rating: null, reasons: 'memes' }, /reasons must be a list/],
    [{ rating: null, reasons: ['memes', 'gossip'] }, /Unknown reason "gossip"/],
    [{ rating: null, reasons: [1] }, /Unknown reason 1/],
    [{ rating: null, reasons: ['memes', 'memes'] }, /twice/],
  ];
  for (const [value, message] of cases) {
    const checked = checkNote(value);
    assert.equal(checked.ok, false, JSON.stringify(value));
    assert.match(checked.error, message, JSON.stringify(value));
  }
});

test('stored values are read back only when they have the documented shape', () => {
  const record = { rating: 'harmful', reasons: ['entertainment'], updated: NOW };
  assert.deepEqual(readNote(record), record);
  assert.deepEqual(readNote({ rating: null, reasons: ['growth', 'memes'], updated: NOW }), { rating: null, reasons: ['memes', 'growth'], updated: NOW });
  for (const bad of [
    undefined,
    null,
    'helpful',
    { rating: 'harmful', reasons: ['entertainment'] },
    { rating: 'harmful', reasons: ['entertainment'], updated: 'yesterday' },
    { rating: 'meh', reasons: [], updated: NOW },
    { rating: 'helpful', reasons: [], updated: NOW, extra: 1 },
  ]) {
    assert.equal(readNote(bad), null, JSON.stringify(bad));
  }
});

test('content/panel-data: from a content script, exactly {platform, handle, conditions, locale}', () => {
  const ok = { kind: 'content/panel-data', platform: 'tiktok', handle: 'janetalks', conditions: ['adhd', 'eating_disorder'], locale: 'en-US' };
  assert.equal(acceptMessage(ok, tab, self), ok);
  assert.ok(acceptMessage({ ...ok, handle: null }, tab, self));
  assert.ok(acceptMessage({ ...ok, conditions: [] }, tab, self));
  assert.ok(acceptMessage({ ...ok, locale: 'pt_BR' }, tab, self));
  assert.ok(acceptMessage({ ...ok, locale: 'es' }, tab, self));
  assert.equal(acceptMessage(ok, page, self), null, 'not from an extension page');
  assert.equal(acceptMessage(ok, { ...tab, id: 'other' }, self), null, 'not from another extension');
  const bad = [
    { ...ok, extra: 1 },
    { ...ok, platform: 'youtube' },
    { ...ok, handle: 7 },
    { ...ok, handle: 'x'.repeat(101) },
    { ...ok, conditions: 'adhd' },
    { ...ok, conditions: ['ADHD'] },
    { ...ok, conditions: [''] },
    { ...ok, conditions: [1] },
    { ...ok, conditions: Array.from({ length: MAX_CONDITIONS + 1 }, () => 'adhd') },
    { ...ok, locale: '' },
    { ...ok, locale: 'en US' },
    { ...ok, locale: 'english-united-states-of-america' },
    { ...ok, locale: null },
  ];
  for (const key of ['platform', 'handle', 'conditions', 'locale']) {
    const { [key]: _, ...missing } = ok;
    bad.push(missing);
  }
  for (const message of bad) assert.equal(acceptMessage(message, tab, self), null, JSON.stringify(message).slice(0, 120));
});

test('content/note: from a content script, exactly {platform, handle, note} with an object note', () => {
  const ok = { kind: 'content/note', platform: 'instagram', handle: 'dr.sam.therapy', note: { rating: 'helpful', reasons: [] } };
  assert.equal(acceptMessage(ok, tab, self), ok);
  // A null handle passes the envelope and gets {ok: false, error} from the handler (noteKey null).
  assert.ok(acceptMessage({ ...ok, handle: null }, tab, self));
  assert.equal(acceptMessage(ok, page, self), null);
  for (const message of [
    { ...ok, note: null },
    { ...ok, note: [] },
    { ...ok, note: 'helpful' },
    { ...ok, platform: 'web' },
    { ...ok, handle: {} },
    { ...ok, updated: NOW },
    { kind: 'content/note', platform: 'tiktok', handle: 'x' },
  ]) {
    assert.equal(acceptMessage(message, tab, self), null, JSON.stringify(message));
  }
});
