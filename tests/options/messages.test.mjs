// The background answers the options page's rule listing only from the extension's own pages,
// and only in the documented shape (extension/background/messages.js, `options/rules`).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { acceptMessage } from '../../extension/background/messages.js';

const self = { id: 'ext-id', origin: 'chrome-extension://ext-id/' };
const page = { id: 'ext-id', url: 'chrome-extension://ext-id/options/options.html' };
const tab = { id: 'ext-id', tab: { id: 3 }, url: 'https://www.tiktok.com/foryou' };

test('options/rules is accepted from an extension page', () => {
  const message = { kind: 'options/rules' };
  assert.equal(acceptMessage(message, page, self), message);
});

test('options/rules from a content script, another extension or with extra fields is dropped', () => {
  assert.equal(acceptMessage({ kind: 'options/rules' }, tab, self), null);
  assert.equal(acceptMessage({ kind: 'options/rules' }, { ...page, id: 'other' }, self), null);
  assert.equal(acceptMessage({ kind: 'options/rules' }, { id: 'ext-id', url: 'https://evil.example/options/options.html' }, self), null);
  assert.equal(acceptMessage({ kind: 'options/rules', filter: 'x' }, page, self), null);
});
