// The content script's status counter (extension/content/status.js) in Node: the counts and the
// layout self-check the toolbar popup reads, and the last checklist opened in the tab.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const source = readFileSync(path.join(repo, 'extension/content/status.js'), 'utf8');

/** A fresh CTS.status with a page stand-in whose clock the test moves. */
function load({ postPage = true, text = 'some page text' } = {}) {
  const context = vm.createContext({ Date });
  vm.runInContext(source, context);
  const win = { now: 0, performance: { now: () => win.now }, document: { body: { textContent: text } }, location: { pathname: '/foryou' } };
  const adapter = { isPostPage: () => postPage };
  return { status: context.CTS.status.create('tiktok', adapter, win), win, GRACE_MS: context.CTS.status.GRACE_MS };
}

test('counts checked and flagged posts, not creator entries; a post flagged then cleared is not flagged', () => {
  const { status } = load();
  status.noteFound(3);
  status.noteVerdict('a', 'warning', 'post');
  status.noteVerdict('b', 'none', 'post');
  status.noteVerdict('c', 'info', 'post');
  status.noteVerdict('c', 'none', 'post');
  status.noteVerdict('@jane', 'info', 'creator');
  const s = status.snapshot();
  assert.equal(s.checked, 3);
  assert.equal(s.flagged, 1);
  assert.equal(s.recognised, true);
  assert.equal(s.lastChecklist, null);
});

test('layout not recognised only after the grace period on a post page with content', () => {
  const { status, win, GRACE_MS } = load();
  assert.equal(status.snapshot().recognised, null);
  win.now = GRACE_MS;
  assert.equal(status.snapshot().recognised, false);
  status.navigated();
  assert.equal(status.snapshot().recognised, null);
  const other = load({ postPage: false });
  other.win.now = GRACE_MS * 2;
  assert.equal(other.status.snapshot().recognised, null);
});

test('the last checklist opened: a bounded copy with the time, kept across navigations', () => {
  const { status } = load();
  const before = Date.now();
  const info = { key: 'tiktok:1', handle: '@mindful.maya', name: 'Maya', level: 'warning', credential_status: 'none', extra: 'dropped' };
  status.noteChecklist(info);
  info.name = 'changed after';
  const last = status.snapshot().lastChecklist;
  assert.deepEqual({ ...last, at: undefined }, { key: 'tiktok:1', handle: 'mindful.maya', name: 'Maya', level: 'warning', credential_status: 'none', at: undefined });
  assert.ok(Date.parse(last.at) >= before - 1000 && Date.parse(last.at) <= Date.now() + 1000, last.at);
  // The snapshot is a copy: changing it changes nothing stored.
  last.handle = 'x';
  assert.equal(status.snapshot().lastChecklist.handle, 'mindful.maya');
  status.navigated();
  assert.equal(status.snapshot().lastChecklist.key, 'tiktok:1');
  // The next one replaces it; odd values are read as empty strings, long ones cut.
  status.noteChecklist({ key: 'tiktok:2', handle: 42, name: 'n'.repeat(500), level: null });
  assert.deepEqual({ ...status.snapshot().lastChecklist, at: undefined }, { key: 'tiktok:2', handle: '', name: 'n'.repeat(200), level: '', credential_status: '', at: undefined });
  status.noteChecklist(undefined);
  assert.equal(status.snapshot().lastChecklist.key, '');
});

test('an endless feed: past the key limit every post stays counted, a recent one seen again once', () => {
  const { status } = load();
  const n = 3000; // three times status.js's KEYS_LIMIT
  for (let i = 0; i < n; i++) status.noteVerdict(`k${i}`, i % 5 === 0 ? 'warning' : 'none', 'post');
  status.noteVerdict(`k${n - 1}`, 'none', 'post');
  status.noteVerdict(`k${n - 5}`, 'warning', 'post');
  const s = status.snapshot();
  assert.equal(s.checked, n);
  assert.equal(s.flagged, n / 5);
});
