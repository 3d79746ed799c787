// The background answers only documented messages from this extension's own contexts.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { MAX_BATCH, MAX_KEY, PORT_NAME, acceptMessage, acceptPort, acceptPortMessage } from '../../extension/background/messages.js';

const self = { id: 'ext-id', origin: 'chrome-extension://ext-id/' };
const tab = { id: 'ext-id', tab: { id: 3 }, url: 'https://www.tiktok.com/foryou' };
const page = { id: 'ext-id', url: 'chrome-extension://ext-id/options/options.html' };
const post = { caption: '5 signs you have ADHD', platform: 'tiktok' };

test('a content batch from a tab is accepted as is', () => {
  const message = { kind: 'content/analyze', batch: [{ key: 'v1', post }] };
  assert.equal(acceptMessage(message, tab, self), message);
  assert.ok(acceptMessage({ kind: 'content/analyze', batch: [] }, tab, self));
});

test('messages from another extension or a web page are dropped', () => {
  const message = { kind: 'content/analyze', batch: [{ key: 'v1', post }] };
  assert.equal(acceptMessage(message, { ...tab, id: 'other' }, self), null);
  assert.equal(acceptMessage(message, { tab: { id: 3 }, url: 'https://evil.example/' }, self), null);
  assert.equal(acceptMessage(message, undefined, self), null);
});

test('each kind comes only from its own kind of sender', () => {
  assert.equal(acceptMessage({ kind: 'content/analyze', batch: [] }, page, self), null);
  assert.equal(acceptMessage({ kind: 'options/check-config', config: { version: 1 } }, tab, self), null);
  assert.equal(acceptMessage({ kind: 'options/analyze', post }, tab, self), null);
  assert.ok(acceptMessage({ kind: 'options/check-config', config: { version: 1 } }, page, self));
  assert.ok(acceptMessage({ kind: 'options/analyze', post }, page, self));
  assert.ok(acceptMessage({ kind: 'options/analyze', post, config: { version: 1 } }, page, self));
  assert.ok(acceptMessage({ kind: 'options/analyze', post, config: null }, page, self));
});

test('malformed shapes are dropped', () => {
  const bad = [
    null,
    'content/analyze',
    [],
    { kind: 'content/analyze' },
    { kind: 'content/analyze', batch: {} },
    { kind: 'content/analyze', batch: [{ key: '', post }] },
    { kind: 'content/analyze', batch: [{ key: 'x'.repeat(MAX_KEY + 1), post }] },
    { kind: 'content/analyze', batch: [{ key: 7, post }] },
    { kind: 'content/analyze', batch: [{ key: 'k', post: 'caption' }] },
    { kind: 'content/analyze', batch: [{ key: 'k', post: [] }] },
    { kind: 'content/analyze', batch: [{ key: 'k', post, extra: 1 }] },
    { kind: 'content/analyze', batch: [], extra: true },
    { kind: 'content/analyze', batch: Array.from({ length: MAX_BATCH + 1 }, (_, i) => ({ key: `k${i}`, post })) },
    { kind: 'content/unknown', batch: [] },
    { kind: 'popup/status' },
  ];
  for (const message of bad) assert.equal(acceptMessage(message, tab, self), null, JSON.stringify(message)?.slice(0, 80));
  const badOptions = [
    { kind: 'options/analyze' },
    { kind: 'options/analyze', post: 'x' },
    { kind: 'options/analyze', post, config: [] },
    { kind: 'options/analyze', post, config: 'version 1' },
    { kind: 'options/check-config' },
    { kind: 'options/check-config', config: null },
    { kind: 'options/check-config', config: { version: 1 }, post },
  ];
  for (const message of badOptions) assert.equal(acceptMessage(message, page, self), null, JSON.stringify(message));
});

test('a batch at the size limit is still accepted', () => {
  const batch = Array.from({ length: MAX_BATCH }, (_, i) => ({ key: `k${i}`, post }));
  assert.ok(acceptMessage({ kind: 'content/analyze', batch }, tab, self));
});

test('the content port: only this extension\'s content script, by name', () => {
  assert.equal(acceptPort({ name: PORT_NAME, sender: tab }, self), true);
  assert.equal(acceptPort({ name: 'other', sender: tab }, self), false);
  assert.equal(acceptPort({ name: PORT_NAME, sender: { ...tab, id: 'other' } }, self), false);
  assert.equal(acceptPort({ name: PORT_NAME, sender: page }, self), false);
  assert.equal(acceptPort({ name: PORT_NAME }, self), false);
  assert.equal(acceptPort(null, self), false);
});

test('port messages: the same checks as sendMessage, plus a positive integer id', () => {
  const batch = [{ key: 'v1', post }];
  assert.deepEqual(acceptPortMessage({ kind: 'content/analyze', id: 3, batch }, tab, self), { id: 3, message: { kind: 'content/analyze', batch } });
  const bad = [
    { kind: 'content/analyze', batch },
    { kind: 'content/analyze', id: 0, batch },
    { kind: 'content/analyze', id: -1, batch },
    { kind: 'content/analyze', id: 1.5, batch },
    { kind: 'content/analyze', id: '3', batch },
    { kind: 'content/analyze', id: 3, batch, extra: 1 },
    { kind: 'content/analyze', id: 3, batch: [{ key: '', post }] },
    { kind: 'content/analyze', id: 3, batch: Array.from({ length: MAX_BATCH + 1 }, (_, i) => ({ key: `k${i}`, post })) },
    { kind: 'options/rules', id: 3 },
    { kind: 'content/note', id: 3, platform: 'tiktok', handle: 'x', note: {} },
    null,
    [],
  ];
  for (const message of bad) assert.equal(acceptPortMessage(message, tab, self), null, JSON.stringify(message)?.slice(0, 80));
  assert.equal(acceptPortMessage({ kind: 'content/analyze', id: 3, batch }, { ...tab, id: 'other' }, self), null);
  assert.equal(acceptPortMessage({ kind: 'content/analyze', id: 3, batch }, page, self), null);
});
