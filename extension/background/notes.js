// The person's own notes on creators (ARCHITECTURE.md, "Storage schema"): step 6 of the panel,
// "Helpful or harmful for you? Why do you follow them?". Kept on the device only, in
// storage.local under `note:<platform>:<handle>` as `{rating, reasons, updated}`. Pure functions:
// background.js does the storage calls, the popup reads the same records.

import { creatorKey } from './creators.js';
import { isDate, isPlainObject } from './values.js';

/** What the person can say a creator is for them; `null` is "not rated". */
export const RATINGS = ['helpful', 'harmful'];
/** Why they follow the creator, in the order the panel lists them and records are stored. */
export const REASONS = ['entertainment', 'information', 'memes', 'growth'];

/** The storage key of a creator's note, or `null` when the platform or handle is not one we key. */
export function noteKey(platform, handle) {
  const key = creatorKey(platform, handle);
  return key === null ? null : `note:${key.slice('creator:'.length)}`;
}

/**
 * Checks a note sent by the panel: exactly `{rating, reasons}`, `rating` one of RATINGS or
 * `null`, `reasons` an array of distinct REASONS. Returns `{ok: true, note}` with the reasons in
 * their canonical order, or `{ok: false, error}` saying in plain words what is wrong.
 */
export function checkNote(value) {
  if (!isPlainObject(value)) return { ok: false, error: 'The note must be an object {rating, reasons}.' };
  const extra = Object.keys(value).filter((k) => k !== 'rating' && k !== 'reasons');
  if (extra.length) return { ok: false, error: `The note has unknown fields: ${extra.join(', ')}.` };
  if (!('rating' in value) || !('reasons' in value)) return { ok: false, error: 'The note needs both rating and reasons.' };
  const { rating, reasons } = value;
  if (rating !== null && !RATINGS.includes(rating)) {
    return { ok: false, error: `rating must be "helpful", "harmful" or null, not ${JSON.stringify(rating)}.` };
  }
  if (!Array.isArray(reasons)) return { ok: false, error: 'reasons must be a list.' };
  for (const r of reasons) {
    if (!REASONS.includes(r)) return { ok: false, error: `Unknown reason ${JSON.stringify(r)}: use ${REASONS.join(', ')}.` };
  }
  if (new Set(reasons).size !== reasons.length) return { ok: false, error: 'reasons lists a reason twice.' };
  return { ok: true, note: { rating, reasons: REASONS.filter((r) => reasons.includes(r)) } };
}

/**
 * The stored record for a checked note, written at `now` (ISO date), or `null` when the note
 * says nothing (no rating, no reason): then the key is removed rather than kept empty.
 */
export function noteRecord(note, now) {
  if (note.rating === null && note.reasons.length === 0) return null;
  return { rating: note.rating, reasons: [...note.reasons], updated: now };
}

/** A stored value, if it is a record of the documented shape; anything else reads as no note. */
export function readNote(value) {
  if (!isPlainObject(value)) return null;
  const { updated, ...rest } = value;
  if (!isDate(updated)) return null;
  const checked = checkNote(rest);
  if (!checked.ok) return null;
  return { ...checked.note, updated };
}
