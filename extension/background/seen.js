// Creators seen with mental-health posts (ARCHITECTURE.md, "Storage schema"): the toolbar
// popup's "who you follow". After each analysis the background keeps, per creator, in storage.local
// `seen:<platform>:<handle>`: `{name, credential_status, level, posts, first, last, recent}`, where
// `level` is the highest seen, `posts` counts distinct posts (`recent` holds the last post ids
// counted, so a feed that recycles its nodes does not count the same post twice) and `first`/`last`
// are ISO dates. The person's own notes live beside them in `note:<platform>:<handle>` (notes.js);
// the popup reads both and clears both. Pure functions: background.js and the popup do the storage calls.

import { creatorKey } from './creators.js';
import { noteKey, readNote } from './notes.js';
import { isDate, isPlainObject } from './values.js';

export { noteKey, readNote };

/** Most creators kept; beyond it the ones seen longest ago go first. */
export const MAX_SEEN = 500;
/** Post ids kept per creator to recognise a post already counted. */
export const MAX_RECENT = 20;
/** Longest post id kept (the content script's keys are far shorter). */
export const MAX_ID = 128;
/** Longest display name kept. */
export const MAX_NAME = 200;
/** Verdict levels from lowest to highest: the record keeps the highest seen. */
export const LEVELS = ['none', 'info', 'caution', 'warning', 'support'];
/** The engine's credential statuses. */
export const CREDENTIAL_STATUSES = ['none', 'non_clinical', 'claimed_unverified', 'licensed'];

export const SEEN_PREFIX = 'seen:';
export const NOTE_PREFIX = 'note:';

/** `<platform>:<handle>` for a creator (handle normalised as creators.js does), or `null`. */
export function creatorId(platform, handle) {
  const key = creatorKey(platform, handle);
  return key === null ? null : key.slice('creator:'.length);
}

/** The `seen:` key of a creator, or `null` when the platform or handle is not one we key. */
export function seenKey(platform, handle) {
  const id = creatorId(platform, handle);
  return id === null ? null : SEEN_PREFIX + id;
}

/** `{platform, handle}` of a `seen:` or `note:` key, or `null` for any other key. */
export function parseKey(key) {
  const m = /^(seen|note):([a-z]+):(.+)$/.exec(typeof key === 'string' ? key : '');
  if (!m || creatorId(m[2], m[3]) !== `${m[2]}:${m[3]}`) return null;
  return { kind: m[1], platform: m[2], handle: m[3] };
}

const rank = (level) => LEVELS.indexOf(level);

/** A stored `seen:` value, if it has the documented shape (anything else is ignored). */
export function readSeen(value) {
  if (!isPlainObject(value) || !isDate(value.first) || !isDate(value.last)) return null;
  if (!LEVELS.includes(value.level) || !CREDENTIAL_STATUSES.includes(value.credential_status)) return null;
  const posts = Number.isInteger(value.posts) && value.posts >= 0 ? value.posts : 0;
  const recent = Array.isArray(value.recent) ? value.recent.filter((id) => typeof id === 'string').slice(-MAX_RECENT) : [];
  return {
    name: typeof value.name === 'string' ? value.name.slice(0, MAX_NAME) : '',
    credential_status: value.credential_status,
    level: value.level,
    posts,
    first: value.first,
    last: value.last,
    recent,
  };
}

/**
 * What a batch says about each creator with a mental-health post: `seen:` key → `{name,
 * credential_status, level, ids}` (the last post's name and status, the highest level, the post
 * ids in order). Profile entries (empty caption), verdicts without `mental_health`, posts without a
 * handle we key, and engine errors are left out. `verdicts[i]` belongs to `posts[i]`.
 */
export function seenInBatch(posts, verdicts) {
  const out = new Map();
  posts.forEach((post, i) => {
    const verdict = verdicts[i];
    if (!isPlainObject(post) || !isPlainObject(verdict) || verdict.mental_health !== true) return;
    if (typeof post.caption !== 'string' || post.caption.trim() === '') return;
    if (!LEVELS.includes(verdict.level)) return;
    const key = seenKey(post.platform ?? 'tiktok', post.author?.handle);
    if (!key) return;
    const id = (typeof post.id === 'string' && post.id ? post.id : post.caption).slice(0, MAX_ID);
    const name = typeof post.author.name === 'string' ? post.author.name.trim().slice(0, MAX_NAME) : '';
    const status = CREDENTIAL_STATUSES.includes(verdict.credential_status) ? verdict.credential_status : 'none';
    const entry = out.get(key);
    if (!entry) {
      out.set(key, { name, credential_status: status, level: verdict.level, ids: [id] });
      return;
    }
    if (name) entry.name = name;
    entry.credential_status = status;
    if (rank(verdict.level) > rank(entry.level)) entry.level = verdict.level;
    if (!entry.ids.includes(id)) entry.ids.push(id);
  });
  return out;
}

/**
 * The `seen:` records to write for a batch: `{key: record}`. `stored` maps key → stored value;
 * `now` is an ISO date. A creator is written when new, when a post not counted before appears,
 * when the name, credential status or highest level changed, or when last written on an earlier
 * day; otherwise not at all, so a feed does not write storage every frame.
 */
export function seenToWrite(posts, verdicts, stored, now) {
  const out = {};
  for (const [key, seen] of seenInBatch(posts, verdicts)) {
    const old = readSeen(stored[key]);
    const fresh = seen.ids.filter((id) => !old?.recent.includes(id));
    const record = {
      name: seen.name || old?.name || '',
      credential_status: seen.credential_status,
      level: old && rank(old.level) > rank(seen.level) ? old.level : seen.level,
      posts: (old?.posts ?? 0) + fresh.length,
      first: old?.first ?? now,
      last: now,
      recent: [...(old?.recent ?? []), ...fresh].slice(-MAX_RECENT),
    };
    if (
      old &&
      fresh.length === 0 &&
      old.name === record.name &&
      old.credential_status === record.credential_status &&
      old.level === record.level &&
      old.last.slice(0, 10) === now.slice(0, 10)
    ) {
      continue;
    }
    out[key] = record;
  }
  return out;
}

/**
 * The `seen:` keys to remove so at most `max` remain: the ones last seen longest ago (ties: by
 * key). `items` is storage.local's content (any keys; only `seen:` ones count). Unreadable `seen:`
 * values go first.
 */
export function seenToEvict(items, max = MAX_SEEN) {
  const entries = Object.entries(items).filter(([k]) => k.startsWith(SEEN_PREFIX));
  if (entries.length <= max) return [];
  const when = (v) => {
    const r = readSeen(v);
    return r ? Date.parse(r.last) : -Infinity;
  };
  entries.sort(([ka, va], [kb, vb]) => when(va) - when(vb) || (ka < kb ? -1 : ka > kb ? 1 : 0));
  return entries.slice(0, entries.length - max).map(([k]) => k);
}

/**
 * The popup's "who you follow" list from storage.local's content: one entry per creator with a
 * readable `seen:` record or note, `{id, platform, handle, seen, note}`, most recently seen (or
 * noted) first, ties by handle.
 */
export function followed(items) {
  const byId = new Map();
  for (const [key, value] of Object.entries(items)) {
    const parsed = parseKey(key);
    if (!parsed) continue;
    const record = parsed.kind === 'seen' ? readSeen(value) : readNote(value);
    // A note that says nothing (no rating, no reason) is no note (notes.js removes those anyway).
    if (!record || (parsed.kind === 'note' && record.rating === null && record.reasons.length === 0)) continue;
    const id = `${parsed.platform}:${parsed.handle}`;
    const entry = byId.get(id) ?? { id, platform: parsed.platform, handle: parsed.handle, seen: null, note: null };
    entry[parsed.kind] = record;
    byId.set(id, entry);
  }
  const when = (e) => Date.parse(e.seen?.last ?? e.note?.updated ?? '') || 0;
  return [...byId.values()].sort((a, b) => when(b) - when(a) || (a.handle < b.handle ? -1 : a.handle > b.handle ? 1 : 0));
}

/** The storage keys to remove to forget a creator (`id` = `<platform>:<handle>`): seen and note. */
export function keysOf(id) {
  return [SEEN_PREFIX + id, NOTE_PREFIX + id];
}
