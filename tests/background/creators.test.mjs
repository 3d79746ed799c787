// Remembering creators' bios across pages, keyed by platform and handle.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  MAX_BIO,
  creatorKey,
  fillRemembered,
  postCreatorKey,
  readRecord,
  recordsToRemember,
} from '../../extension/background/creators.js';

const NOW = '2026-11-26T06:00:00.000Z';
const LATER_SAME_DAY = '2026-11-26T18:30:00.000Z';
const NEXT_DAY = '2026-11-27T08:00:00.000Z';

test('creator keys are per platform and case-insensitive, and refuse odd handles', () => {
  assert.equal(creatorKey('tiktok', 'Dr.Jane_Doe'), 'creator:tiktok:dr.jane_doe');
  assert.equal(creatorKey('tiktok', '@dr.jane_doe '), 'creator:tiktok:dr.jane_doe');
  assert.equal(creatorKey('instagram', 'dr.jane_doe'), 'creator:instagram:dr.jane_doe');
  assert.equal(creatorKey('youtube', 'jane'), null);
  assert.equal(creatorKey('tiktok', ''), null);
  assert.equal(creatorKey('tiktok', 'a:b'), null);
  assert.equal(creatorKey('tiktok', '__proto__x/'), null);
  assert.equal(creatorKey('tiktok', 42), null);
  assert.equal(creatorKey('tiktok', 'x'.repeat(65)), null);
  assert.equal(postCreatorKey({ author: { handle: 'jane' } }), 'creator:tiktok:jane');
  assert.equal(postCreatorKey({ caption: 'no author' }), null);
});

test('a post with a bio is remembered; the same bio is not rewritten the same day', () => {
  const post = { platform: 'instagram', caption: 'x', author: { handle: 'Jane', name: 'Jane Doe, LCSW', bio: 'Therapist. LCSW (NY).' } };
  const fresh = recordsToRemember([post], {}, NOW);
  assert.deepEqual(fresh, { 'creator:instagram:jane': { bio: 'Therapist. LCSW (NY).', name: 'Jane Doe, LCSW', seen: NOW } });
  assert.deepEqual(recordsToRemember([post], fresh, LATER_SAME_DAY), {});
  assert.equal(recordsToRemember([post], fresh, NEXT_DAY)['creator:instagram:jane'].seen, NEXT_DAY);
  const changed = { ...post, author: { ...post.author, bio: 'Coach.' } };
  assert.equal(recordsToRemember([changed], fresh, LATER_SAME_DAY)['creator:instagram:jane'].bio, 'Coach.');
});

test('posts without a usable bio or handle are not remembered, and bios are capped', () => {
  assert.deepEqual(recordsToRemember([{ author: { handle: 'jane', bio: '   ' } }, { author: { bio: 'LCSW' } }, {}], {}, NOW), {});
  const long = recordsToRemember([{ author: { handle: 'jane', bio: 'b'.repeat(MAX_BIO * 3) } }], {}, NOW);
  assert.equal(long['creator:tiktok:jane'].bio.length, MAX_BIO);
  assert.equal(long['creator:tiktok:jane'].name, '');
});

test('a remembered bio fills a post without one, with when it was seen', () => {
  const stored = { 'creator:tiktok:jane': { bio: 'LMFT #12345', name: 'Jane', seen: NOW } };
  const posts = [
    { platform: 'tiktok', caption: 'a', author: { handle: 'JANE' } },
    { platform: 'tiktok', caption: 'b', author: { handle: 'jane', bio: 'own bio' } },
    { platform: 'instagram', caption: 'c', author: { handle: 'jane' } },
    { platform: 'tiktok', caption: 'd' },
  ];
  const { posts: filled, remembered } = fillRemembered(posts, stored);
  assert.equal(filled[0].author.bio, 'LMFT #12345');
  assert.equal(filled[0].author.handle, 'JANE');
  assert.deepEqual(remembered[0], { field: 'bio', seen: NOW });
  assert.equal(filled[1].author.bio, 'own bio');
  assert.equal(remembered[1], undefined);
  assert.equal(filled[2], posts[2]);
  assert.equal(remembered[2], undefined);
  assert.equal(filled[3], posts[3]);
  assert.equal(posts[0].author.bio, undefined, 'the input post is not mutated');
});

test('stored values of the wrong shape are ignored, not trusted', () => {
  for (const value of [null, 'LCSW', { bio: 'LCSW' }, { bio: 'LCSW', seen: 'yesterday' }, { bio: 7, seen: NOW }, { bio: '', seen: NOW }]) {
    assert.equal(readRecord(value), null, JSON.stringify(value));
    const { remembered } = fillRemembered([{ author: { handle: 'jane' } }], { 'creator:tiktok:jane': value });
    assert.equal(remembered[0], undefined);
  }
  assert.deepEqual(readRecord({ bio: 'LCSW', seen: NOW, name: 5 }), { bio: 'LCSW', name: '', seen: NOW });
});
