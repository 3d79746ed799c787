// Checks on plain data that every reader of messages and stored values needs. One definition, so
// the message checks, the record readers and the migrations agree on what "an object" and "a
// date" are.

/** A plain object: not null, not an array. */
export function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An ISO date string (anything `Date.parse` reads). */
export function isDate(value) {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}
