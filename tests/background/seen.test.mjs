// Creators seen with mental-health posts (extension/background/seen.js): which posts count, when
// a record is written (new creator, new post, changed name/status/level, a new day; never again
// for a post already counted), the bound on creators kept, and the popup's merged, sorted list.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  MAX_RECENT,
  MAX_SEEN,
  followed,
  keysOf,
  noteKey,
  parseKey,
  readNote,
  readSeen,
  seenInBatch,
  seenKey,
  seenToEvict,
  seenToWrite,
} from '../../extension/background/seen.js';

const post = (id, handle, extra = {}) => ({ id, platform: 'tiktok', caption: `caption of ${id}`, author: { handle, ...(extra.name ? { name: extra.name } : {}) }, labels: [], ...extra.post });
const verdict = (level, status = 'none', mental = true) => ({ mental_health: mental, level, credential_status: status, findings: [], credentials: [], topics: [] });
const DAY1 = '2026-11-20T10:00:00.000Z';
const DAY1_LATER = '2026-11-20T18:30:00.000Z';
const DAY2 = '2026-11-21T09:00:00.000Z';

describe('keys', () => {
  test('seen and note keys normalise the handle like the remembered creators do', () => {
    assert.equal(seenKey('tiktok', '@Mindful.Maya'), 'seen:tiktok:mindful.maya');
    assert.equal(noteKey('tiktok', '@Mindful.Maya'), 'note:tiktok:mindful.maya');
    assert.equal(noteKey('instagram', 'dr.sam'), 'note:instagram:dr.sam');
    assert.equal(seenKey('youtube', 'x'), null);
    assert.equal(seenKey('tiktok', 'not a handle'), null);
    assert.equal(seenKey('tiktok', undefined), null);
    assert.deepEqual(keysOf('tiktok:a.b'), ['seen:tiktok:a.b', 'note:tiktok:a.b']);
  });

  test('parseKey reads only well-formed seen/note keys', () => {
    assert.deepEqual(parseKey('seen:tiktok:a.b'), { kind: 'seen', platform: 'tiktok', handle: 'a.b' });
    assert.deepEqual(parseKey('note:instagram:x_y'), { kind: 'note', platform: 'instagram', handle: 'x_y' });
    for (const k of ['creator:tiktok:a', 'seen:tiktok:A', 'seen:vine:a', 'seen:tiktok:', 'settings', 'seen:tiktok:a b', null]) {
      assert.equal(parseKey(k), null, String(k));
    }
  });
});

describe('which posts count', () => {
  test('only mental-health verdicts with a handle and a caption; the highest level, the last name and status', () => {
    const posts = [
      post('tiktok:1', 'maya', { name: 'Maya' }),
      post('tiktok:2', 'chef'), // a recipe
      post('tiktok:3', 'maya'),
      post('tiktok:@maya', 'maya', { post: { caption: '' } }), // the profile entry
      post('tiktok:4', 'not a handle'),
      post('tiktok:5', 'maya', { name: 'Maya R.' }),
      post('tiktok:6', 'ash'),
    ];
    const verdicts = [verdict('caution'), verdict('none', 'none', false), verdict('warning', 'claimed_unverified'), verdict('info'), verdict('warning'), verdict('info', 'licensed'), { error: 'refused' }];
    const seen = seenInBatch(posts, verdicts);
    assert.deepEqual([...seen.keys()], ['seen:tiktok:maya']);
    assert.deepEqual(seen.get('seen:tiktok:maya'), { name: 'Maya R.', credential_status: 'licensed', level: 'warning', ids: ['tiktok:1', 'tiktok:3', 'tiktok:5'] });
  });

  test('the same post twice in a batch counts once; a post without an id is keyed by its caption', () => {
    const p = post(undefined, 'maya');
    delete p.id;
    const seen = seenInBatch([post('k', 'maya'), post('k', 'maya'), p], [verdict('info'), verdict('info'), verdict('info')]);
    assert.deepEqual(seen.get('seen:tiktok:maya').ids, ['k', p.caption]);
  });

  test('the platform defaults to tiktok, as the engine does', () => {
    const p = post('x', 'maya');
    delete p.platform;
    assert.deepEqual([...seenInBatch([p], [verdict('info')]).keys()], ['seen:tiktok:maya']);
  });
});

describe('when a record is written', () => {
  test('a new creator: first and last now, posts counted', () => {
    const out = seenToWrite([post('a', 'maya', { name: 'Maya' }), post('b', 'maya')], [verdict('caution'), verdict('info')], {}, DAY1);
    assert.deepEqual(out, {
      'seen:tiktok:maya': { name: 'Maya', credential_status: 'none', level: 'caution', posts: 2, first: DAY1, last: DAY1, recent: ['a', 'b'] },
    });
  });

  test('the same posts again on the same day: nothing written (a recycling feed does not write)', () => {
    const first = seenToWrite([post('a', 'maya')], [verdict('caution')], {}, DAY1);
    assert.deepEqual(seenToWrite([post('a', 'maya')], [verdict('caution')], first, DAY1_LATER), {});
    // A lower level does not lower the highest seen, and is no change either.
    assert.deepEqual(seenToWrite([post('a', 'maya')], [verdict('info')], first, DAY1_LATER), {});
  });

  test('a new post, a new name, a new status or a higher level is written the same day', () => {
    const stored = seenToWrite([post('a', 'maya')], [verdict('caution')], {}, DAY1);
    const key = 'seen:tiktok:maya';
    const newPost = seenToWrite([post('b', 'maya')], [verdict('info')], stored, DAY1_LATER)[key];
    assert.equal(newPost.posts, 2);
    assert.equal(newPost.level, 'caution');
    assert.equal(newPost.first, DAY1);
    assert.equal(newPost.last, DAY1_LATER);
    assert.equal(seenToWrite([post('a', 'maya', { name: 'Maya' })], [verdict('caution')], stored, DAY1_LATER)[key].name, 'Maya');
    const licensed = seenToWrite([post('a', 'maya')], [verdict('caution', 'licensed')], stored, DAY1_LATER)[key];
    assert.equal(licensed.credential_status, 'licensed');
    assert.equal(licensed.posts, 1, 'the same post is not counted again');
    assert.equal(seenToWrite([post('a', 'maya')], [verdict('warning')], stored, DAY1_LATER)[key].level, 'warning');
    // A post without a name keeps the stored one.
    const named = seenToWrite([post('a', 'maya', { name: 'Maya' })], [verdict('caution')], stored, DAY1)[key];
    const kept = seenToWrite([post('c', 'maya')], [verdict('caution')], { [key]: named }, DAY1_LATER)[key];
    assert.equal(kept.name, 'Maya');
  });

  test('seen again on a later day: written once that day (last moves), posts unchanged', () => {
    const stored = seenToWrite([post('a', 'maya')], [verdict('caution')], {}, DAY1);
    const next = seenToWrite([post('a', 'maya')], [verdict('caution')], stored, DAY2);
    assert.deepEqual(next['seen:tiktok:maya'], { ...stored['seen:tiktok:maya'], last: DAY2 });
    assert.deepEqual(seenToWrite([post('a', 'maya')], [verdict('caution')], next, DAY2), {});
  });

  test('the ids kept per creator are bounded', () => {
    let stored = {};
    for (let i = 0; i < MAX_RECENT + 15; i++) stored = { ...stored, ...seenToWrite([post(`p${i}`, 'maya')], [verdict('info')], stored, DAY1) };
    const r = stored['seen:tiktok:maya'];
    assert.equal(r.posts, MAX_RECENT + 15);
    assert.equal(r.recent.length, MAX_RECENT);
    assert.equal(r.recent.at(-1), `p${MAX_RECENT + 14}`);
  });

  test('a malformed stored value is replaced, never trusted', () => {
    const out = seenToWrite([post('a', 'maya')], [verdict('info')], { 'seen:tiktok:maya': { posts: 'lots', level: 'extreme' } }, DAY1);
    assert.deepEqual(out['seen:tiktok:maya'], { name: '', credential_status: 'none', level: 'info', posts: 1, first: DAY1, last: DAY1, recent: ['a'] });
  });
});

describe('bounded', () => {
  const record = (last) => ({ name: '', credential_status: 'none', level: 'info', posts: 1, first: last, last, recent: [] });

  test('beyond the limit the creators seen longest ago go first; other keys are untouched', () => {
    const items = { settings: {}, 'note:tiktok:a': { rating: 'helpful' }, 'creator:tiktok:a': {} };
    for (let i = 0; i < 6; i++) items[`seen:tiktok:c${i}`] = record(new Date(Date.UTC(2026, 0, 10 - i)).toISOString());
    items['seen:tiktok:broken'] = { nonsense: true };
    assert.deepEqual(seenToEvict(items, 7), []);
    assert.deepEqual(seenToEvict(items, 4), ['seen:tiktok:broken', 'seen:tiktok:c5', 'seen:tiktok:c4']);
  });

  test('the default bound', () => {
    const items = {};
    for (let i = 0; i <= MAX_SEEN; i++) items[`seen:tiktok:c${i}`] = record(new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString());
    assert.deepEqual(seenToEvict(items), ['seen:tiktok:c0']);
  });
});

describe('the popup list', () => {
  test('seen records and notes merged per creator, most recent first; unreadable ones left out', () => {
    const items = {
      'seen:tiktok:maya': { name: 'Maya', credential_status: 'none', level: 'warning', posts: 3, first: DAY1, last: DAY1_LATER, recent: ['a'] },
      'note:tiktok:maya': { rating: 'harmful', reasons: ['memes', 'information'], updated: DAY1 },
      'note:tiktok:jane': { rating: 'helpful', reasons: ['bogus'], updated: DAY1 },
      'seen:tiktok:jane': { name: 'Jane', credential_status: 'licensed', level: 'caution', posts: 1, first: DAY2, last: DAY2 },
      'note:instagram:only.note': { rating: 'helpful', reasons: [], updated: DAY1 },
      'seen:tiktok:broken': { level: 'caution' },
      'note:tiktok:empty': { rating: null, reasons: [], updated: DAY1 },
      'creator:tiktok:maya': { bio: 'x', seen: DAY1 },
      settings: { schema: 1 },
    };
    const list = followed(items);
    assert.deepEqual(list.map((e) => e.id), ['tiktok:jane', 'tiktok:maya', 'instagram:only.note']);
    assert.deepEqual(list[1].note, { rating: 'harmful', reasons: ['information', 'memes'], updated: DAY1 });
    assert.equal(list[1].seen.posts, 3);
    assert.equal(list[0].note, null);
    assert.equal(list[2].seen, null);
    assert.deepEqual(followed({}), []);
  });

  test('readNote (notes.js) and readSeen accept the documented shapes only', () => {
    assert.equal(readNote({ rating: 'meh', reasons: 'growth', updated: DAY1 }), null);
    assert.deepEqual(readNote({ rating: null, reasons: ['growth'], updated: DAY1 }), { rating: null, reasons: ['growth'], updated: DAY1 });
    assert.equal(readSeen({ credential_status: 'none', level: 'info', first: 'yesterday', last: DAY1 }), null);
    assert.equal(readSeen([]), null);
  });
});
