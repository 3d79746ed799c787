// Which messages the background answers (ARCHITECTURE.md, "Message protocol"). A message is
// accepted only from this extension (`sender.id`), only from the kind of sender it belongs to
// (content scripts in a tab; options and popup pages at the extension's own origin), and only
// with exactly the documented shape. Anything else is dropped without a reply, so a page or
// another extension learns nothing from probing.

import { PLATFORMS } from './creators.js';
import { isPlainObject } from './values.js';

/** Most posts in one `content/analyze` batch; a feed frame holds a handful. */
export const MAX_BATCH = 500;
/** Longest post key (video id, shortcode, or a fallback the adapter builds). */
export const MAX_KEY = 256;

export { isPlainObject };

/** True when `message` has exactly the keys in `allowed` plus `kind`, and the required ones. */
function hasShape(message, required, optional = []) {
  const keys = Object.keys(message);
  const allowed = new Set(['kind', ...required, ...optional]);
  return keys.every((k) => allowed.has(k)) && required.every((k) => k in message);
}

function fromContentScript(sender) {
  return isPlainObject(sender.tab);
}

function fromExtensionPage(sender, extensionOrigin) {
  return typeof sender.url === 'string' && sender.url.startsWith(extensionOrigin);
}

function isBatchItem(item) {
  return (
    isPlainObject(item) &&
    Object.keys(item).length === 2 &&
    typeof item.key === 'string' &&
    item.key.length > 0 &&
    item.key.length <= MAX_KEY &&
    isPlainObject(item.post)
  );
}

/** Platforms the panel's messages name (the engine's `Platform`). */
/** Most condition ids one `content/panel-data` asks for (the shipped data has about twenty). */
export const MAX_CONDITIONS = 50;

/** A BCP 47-ish locale such as `en-US` or `pt_BR` (`navigator.language`). */
const LOCALE = /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,4}$/;
/** A condition id of the shipped data, e.g. `adhd`, `eating_disorder`. */
const CONDITION_ID = /^[a-z0-9_.-]{1,64}$/;
/** Most rule ids one `content/panel-data` asks notes for (a verdict lists a few findings). */
export const MAX_RULES = 200;
/** A rule id of the shipped data, e.g. `en.diag.signs-you-have`, `cred.lcsw`. */
const RULE_ID = /^[a-z0-9_.-]{1,100}$/;

/** The fields both panel messages carry: a known platform and a handle (a string, or null). */
function isCreator(message) {
  return PLATFORMS.includes(message.platform) && (message.handle === null || (typeof message.handle === 'string' && message.handle.length <= 100));
}

/**
 * Returns the message when it is one the background answers from this sender, else `null`.
 * `self` is `{id, origin}`: this extension's id and the origin of its pages (with trailing `/`).
 */
export function acceptMessage(message, sender, self) {
  if (!isPlainObject(message) || !isPlainObject(sender) || sender.id !== self.id) return null;
  switch (message.kind) {
    case 'content/analyze':
      if (!fromContentScript(sender) || !hasShape(message, ['batch'])) return null;
      if (!Array.isArray(message.batch) || message.batch.length > MAX_BATCH) return null;
      return message.batch.every(isBatchItem) ? message : null;
    case 'content/panel-data':
      if (!fromContentScript(sender) || !hasShape(message, ['platform', 'handle', 'conditions', 'locale'], ['rules']) || !isCreator(message)) return null;
      if (typeof message.locale !== 'string' || !LOCALE.test(message.locale)) return null;
      if ('rules' in message && !(Array.isArray(message.rules) && message.rules.length <= MAX_RULES && message.rules.every((id) => typeof id === 'string' && RULE_ID.test(id)))) return null;
      if (!Array.isArray(message.conditions) || message.conditions.length > MAX_CONDITIONS) return null;
      return message.conditions.every((id) => typeof id === 'string' && CONDITION_ID.test(id)) ? message : null;
    case 'content/note':
      // The note itself is checked field by field in notes.js, which replies with what is wrong.
      if (!fromContentScript(sender) || !hasShape(message, ['platform', 'handle', 'note']) || !isCreator(message)) return null;
      return isPlainObject(message.note) ? message : null;
    case 'options/analyze':
      if (!fromExtensionPage(sender, self.origin) || !hasShape(message, ['post'], ['config'])) return null;
      if (!isPlainObject(message.post)) return null;
      return message.config === undefined || message.config === null || isPlainObject(message.config) ? message : null;
    case 'options/check-config':
      if (!fromExtensionPage(sender, self.origin) || !hasShape(message, ['config'])) return null;
      return isPlainObject(message.config) ? message : null;
    case 'options/rules':
      return fromExtensionPage(sender, self.origin) && hasShape(message, []) ? message : null;
    default:
      return null;
  }
}

/** The name of the content script's long-lived port (`runtime.connect({name})`). */
export const PORT_NAME = 'content';
/** Kinds a content script may send on its port; each is answered on the port with its `id`. */
export const PORT_KINDS = ['content/analyze'];

/** Whether `port` (from `runtime.onConnect`) is this extension's content script's port. */
export function acceptPort(port, self) {
  if (!isPlainObject(port) || port.name !== PORT_NAME) return false;
  const sender = port.sender;
  return isPlainObject(sender) && sender.id === self.id && fromContentScript(sender);
}

/**
 * A message on an accepted port: `{kind, id, ...}` where `id` (a positive integer the content
 * script chose) comes back in the reply, and the rest is checked exactly as the same kind sent by
 * `runtime.sendMessage` from `sender`. Returns `{id, message}` (the message without `id`) or `null`.
 */
export function acceptPortMessage(message, sender, self) {
  if (!isPlainObject(message) || !PORT_KINDS.includes(message.kind)) return null;
  const { id, ...rest } = message;
  if (!Number.isSafeInteger(id) || id < 1) return null;
  const accepted = acceptMessage(rest, sender, self);
  return accepted ? { id, message: accepted } : null;
}
