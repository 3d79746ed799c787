// Remembered creators (ARCHITECTURE.md, "Storage schema"): bios are rarely visible in a feed, so
// when a post arrives with the author's bio (a profile page, or the page's embedded state) the
// background keeps `{bio, name, seen}` in storage.local under `creator:<platform>:<handle>`, and
// fills that bio into the same creator's later posts, saying when it was seen. Pure functions:
// background.js does the storage calls.

import { isDate } from './values.js';

/** Platforms a creator can be remembered for (the engine's `Platform`). */
export const PLATFORMS = ['tiktok', 'instagram'];
/** Longest bio kept: both sites cap bios far below this; a page cannot fill storage through us. */
export const MAX_BIO = 1000;
/** Longest display name kept. */
export const MAX_NAME = 200;

/** TikTok and Instagram handles: letters, digits, `.` and `_`, compared case-insensitively. */
const HANDLE = /^[a-z0-9._]{1,64}$/;

/** The storage key for a creator, or `null` when the platform or handle is not one we key. */
export function creatorKey(platform, handle) {
  if (!PLATFORMS.includes(platform) || typeof handle !== 'string') return null;
  const normal = handle.trim().replace(/^@/, '').toLowerCase();
  return HANDLE.test(normal) ? `creator:${platform}:${normal}` : null;
}

/** The creator key of a post (`platform` defaults to the engine's default, `tiktok`). */
export function postCreatorKey(post) {
  return creatorKey(post.platform ?? 'tiktok', post.author?.handle);
}

function nonEmpty(value) {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

/** A stored record, if it has the documented shape (anything else is ignored, not trusted). */
export function readRecord(value) {
  if (typeof value !== 'object' || value === null) return null;
  const bio = nonEmpty(value.bio);
  const seen = isDate(value.seen) ? value.seen : null;
  if (!bio || !seen) return null;
  return { bio, name: typeof value.name === 'string' ? value.name : '', seen };
}

/**
 * The records to write for posts in a batch that carry a bio: only new creators, changed bios or
 * names, or creators last seen on an earlier day (so a feed does not write storage every frame).
 * `stored` maps key → stored value; `now` is an ISO date string.
 */
export function recordsToRemember(posts, stored, now) {
  const out = {};
  for (const post of posts) {
    const key = postCreatorKey(post);
    const bio = nonEmpty(post.author?.bio);
    if (!key || !bio) continue;
    const record = {
      bio: bio.slice(0, MAX_BIO),
      name: (typeof post.author.name === 'string' ? post.author.name : '').slice(0, MAX_NAME),
      seen: now,
    };
    const old = readRecord(stored[key]);
    const sameDay = old && old.seen.slice(0, 10) === now.slice(0, 10);
    if (old && old.bio === record.bio && old.name === record.name && sameDay) continue;
    out[key] = record;
  }
  return out;
}

/**
 * Posts with the remembered bio filled in where the post has none, and for each post the
 * `remembered` note (`{field: "bio", seen}`) or `undefined`. Posts are copied, never mutated.
 */
export function fillRemembered(posts, stored) {
  const remembered = [];
  const filled = posts.map((post) => {
    const key = postCreatorKey(post);
    const record = key && !nonEmpty(post.author?.bio) ? readRecord(stored[key]) : null;
    if (!record) {
      remembered.push(undefined);
      return post;
    }
    remembered.push({ field: 'bio', seen: record.seen });
    return { ...post, author: { ...post.author, bio: record.bio } };
  });
  return { posts: filled, remembered };
}
