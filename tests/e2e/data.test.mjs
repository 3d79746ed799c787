// The person's data end to end, in Chromium and Firefox (issue 6, "Data the person owns"): a
// storage written by version 1 seeded into a real profile is brought to the current schema with
// settings and remembered creators intact and the engine using the settings; a corrupted stored
// value is set aside and the options page says so; a failing storage.sync.set keeps the edits;
// "Export everything" holds every stored key; "Delete everything" asks first and empties both
// areas. Tests in one browser share the profile and run in order.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { BROWSERS, REPO } from './lib/browsers.mjs';
import { launchPages } from './lib/pages.mjs';

const OPTIONS = 'options/options.html';
const FIXTURES = path.join(REPO, 'tests/fixtures/storage');
const fixture = (name) => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));
/** Compares snapshots ignoring when a value was set aside (the browser's clock, not the fixture's). */
const timeless = (snapshot) => JSON.parse(JSON.stringify(snapshot, (k, v) => (k === 'at' ? 'AT' : v)));

// Page-side helpers (self-contained: they run in the page).
function ready() {
  return document.body.dataset.ready === 'true' && document.body.dataset.pending !== 'true' && document.body.dataset.dataReady === 'true';
}
async function dumpAll() {
  const api = globalThis.browser ?? globalThis.chrome;
  const [sync, local] = await Promise.all([api.storage.sync.get(null), api.storage.local.get(null)]);
  return { sync, local };
}
/** Empties both areas, then writes `snapshot` (local first: a version-1 profile has no marker). */
async function seed(snapshot) {
  const api = globalThis.browser ?? globalThis.chrome;
  await Promise.all([api.storage.sync.clear(), api.storage.local.clear()]);
  if (Object.keys(snapshot.local).length) await api.storage.local.set(snapshot.local);
  if (Object.keys(snapshot.sync).length) await api.storage.sync.set(snapshot.sync);
}
async function currentFindings(caption) {
  const api = globalThis.browser ?? globalThis.chrome;
  const reply = await api.runtime.sendMessage({ kind: 'options/analyze', post: { platform: 'tiktok', caption } });
  return reply?.ok ? reply.verdict.findings.map((f) => f.rule) : [`error: ${JSON.stringify(reply)}`];
}
function formState() {
  return {
    sensitivity: document.querySelector('input[name=sensitivity]:checked')?.value,
    minLevel: document.querySelector('input[name=min_level]:checked')?.value,
    apply: document.getElementById('apply').disabled,
    status: document.getElementById('status').textContent,
  };
}
function banner() {
  const box = document.getElementById('data-aside');
  return {
    shown: !box.hidden,
    heading: document.getElementById('data-aside-heading').textContent,
    items: Array.from(box.querySelectorAll('li'), (li) => ({ key: li.dataset.key, reason: li.dataset.reason, text: li.textContent })),
    text: box.querySelector('p').textContent,
  };
}
/** Catches the next download's file (name and text) as the browser would save it. */
function catchDownload() {
  window.__downloaded = new Promise((resolve) => {
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function () {
      if (!this.download) return click.call(this);
      HTMLAnchorElement.prototype.click = click;
      fetch(this.href).then((r) => r.text()).then((text) => resolve({ name: this.download, text }));
    };
  });
}

const NOTE = { rating: 'helpful', reasons: ['information'], updated: '2026-11-25T20:00:00.000Z' };
const SEEN = { name: 'Jane Talks', credential_status: 'licensed', level: 'caution', posts: 2, first: '2026-11-20T10:00:00.000Z', last: '2026-11-25T10:00:00.000Z' };

for (const name of BROWSERS) {
  describe(`your data in ${name}`, () => {
    let br;
    let options;
    before(async () => {
      br = await launchPages(name);
      options = await br.extensionPage(OPTIONS);
      await options.waitFor(ready, null, 'options page ready');
    });
    after(async () => {
      await br?.close();
    });

    const reload = async () => {
      await options.reload();
      await options.waitFor(ready, null, 'options page ready after reload');
    };

    test('a version-1 storage is brought to the current schema: settings and creator bios survive, and the engine uses the settings', async () => {
      const v1 = fixture('v1/settings-sync.json');
      await options.evaluate(seed, v1);
      const expected = fixture('v1/expected/settings-sync.json');
      await options.waitFor(async () => {
        const api = globalThis.browser ?? globalThis.chrome;
        return (await api.storage.local.get('schema')).schema === 2;
      }, null, 'storage marked as schema 2');
      assert.deepEqual(await options.evaluate(dumpAll), expected);
      // The background analyses with the migrated settings (a keyword only they hold).
      await options.waitFor(async () => {
        const api = globalThis.browser ?? globalThis.chrome;
        const reply = await api.runtime.sendMessage({ kind: 'options/analyze', post: { platform: 'tiktok', caption: 'my garlic pasta recipe' } });
        return reply?.ok && reply.verdict.findings.some((f) => f.rule === 'user.diagnostic');
      }, null, 'the engine uses the stored keyword');
      assert.deepEqual(await options.evaluate(currentFindings, 'my garlic pasta recipe'), ['user.diagnostic']);
      // The options page shows them, and says where they are and what else is stored.
      await reload();
      const form = await options.evaluate(formState);
      assert.deepEqual({ sensitivity: form.sensitivity, minLevel: form.minLevel, apply: form.apply }, { sensitivity: 'high', minLevel: 'caution', apply: true });
      const summary = await options.evaluate(() => Array.from(document.querySelectorAll('#data-summary dd'), (dd) => dd.textContent));
      assert.deepEqual(summary, ['saved in browser sync', '2', '0', '0', '0']);
      assert.equal((await options.evaluate(banner)).shown, false);
    });

    test('broken version-1 values are set aside, the rest kept, and the page lists what was set aside', async () => {
      await options.evaluate(seed, fixture('v1/garbage.json'));
      const expected = timeless(fixture('v1/expected/garbage.json'));
      await options.waitFor(async (n) => {
        const api = globalThis.browser ?? globalThis.chrome;
        const [sync, local] = await Promise.all([api.storage.sync.get(null), api.storage.local.get(null)]);
        return local.schema === 2 && Object.keys(sync).length === 0 && Object.keys(local).filter((k) => k.startsWith('corrupt:')).length === n;
      }, Object.keys(expected.local).filter((k) => k.startsWith('corrupt:')).length, 'the broken values set aside');
      const dumped = timeless(await options.evaluate(dumpAll));
      const order = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
      assert.deepEqual({ sync: order(dumped.sync), local: order(dumped.local) }, expected);
      await options.waitFor(() => document.body.dataset.aside === '7', null, 'the banner lists seven values');
      const shown = await options.evaluate(banner);
      assert.equal(shown.shown, true);
      assert.match(shown.heading, /set aside/);
      assert.match(shown.text, /Export everything/);
      const settings = shown.items.filter((i) => i.key === 'settings');
      assert.equal(settings.length, 2);
      assert.ok(settings.some((i) => /^Your settings \(browser sync\): unreadable \(not an object \("garbage"\)\), moved aside\./.test(i.text)), JSON.stringify(settings));
      assert.ok(shown.items.some((i) => i.key === 'creator:tiktok:text' && /^The remembered bio of @text \(TikTok\): unreadable/.test(i.text)));
      // The page runs on the defaults.
      await reload();
      assert.equal((await options.evaluate(formState)).sensitivity, 'normal');
    });

    test('a corrupted settings value is set aside, the page says so, and the other stored data is intact', async () => {
      const good = { schema: 1, config: { version: 1, sensitivity: 'low' }, display: { min_level: 'info', sites: { tiktok: true, instagram: true } } };
      const others = { schema: 2, 'creator:tiktok:janetalks': { bio: 'Licensed clinical social worker • LCSW #12345', name: 'Jane Talks', seen: '2026-11-25T10:00:00.000Z' }, 'note:tiktok:janetalks': NOTE, 'seen:tiktok:janetalks': SEEN };
      await options.evaluate(seed, { sync: { settings: good }, local: others });
      await reload();
      assert.equal((await options.evaluate(formState)).sensitivity, 'low');
      assert.equal((await options.evaluate(banner)).shown, false);

      const broken = { schema: 1, config: 'sensitivity: high', display: { min_level: 'info' } };
      await options.evaluate(async (v) => (globalThis.browser ?? globalThis.chrome).storage.sync.set({ settings: v }), broken);
      await options.waitFor(() => document.body.dataset.aside === '1', null, 'the banner for the broken settings');
      const shown = await options.evaluate(banner);
      assert.deepEqual(shown.items.map((i) => [i.key, i.reason]), [['settings', 'invalid']]);
      assert.match(shown.items[0].text, /^Your settings \(browser sync\): unreadable \(config is "sensitivity: high"\), moved aside\. \(set aside .+\)$/);
      const after = await options.evaluate(dumpAll);
      assert.equal(after.sync.settings, undefined);
      const aside = Object.entries(after.local).filter(([k]) => k.startsWith('corrupt:'));
      assert.equal(aside.length, 1);
      assert.deepEqual(aside[0][1].value, broken, 'kept unchanged');
      for (const [key, value] of Object.entries(others)) assert.deepEqual(after.local[key], value, `${key} intact`);
      // The page shows the defaults for the settings alone.
      await options.waitFor(() => document.querySelector('input[name=sensitivity]:checked')?.value === 'normal', null, 'the defaults shown');
      assert.deepEqual(await options.evaluate(currentFindings, '5 signs you have ADHD').then((r) => r.length > 0), true);

      // Settings the engine refuses (a rule this engine does not have): copied aside, left in place.
      const rejected = { schema: 1, config: { version: 1, disabled_rules: ['en.diag.no-such-rule'] } };
      await options.evaluate(async (v) => (globalThis.browser ?? globalThis.chrome).storage.sync.set({ settings: v }), rejected);
      await options.evaluate(currentFindings, '5 signs you have ADHD');
      await options.waitFor(() => document.querySelector('#data-aside li[data-reason="rejected"]'), null, 'the banner for the rejected settings');
      const rejectedItem = (await options.evaluate(banner)).items.find((i) => i.reason === 'rejected');
      assert.match(rejectedItem.text, /refused by the checking engine \(disabled_rules\[0\]: unknown rule id/);
      assert.deepEqual((await options.evaluate(dumpAll)).sync.settings, rejected);
    });

    test('Export everything: one file with settings, creator bios, notes, creators seen and values set aside', async () => {
      await options.evaluate(catchDownload);
      await options.click('#data-export');
      const file = await options.evaluate(() => window.__downloaded);
      const today = new Date().toISOString().slice(0, 10);
      assert.equal(file.name, `check-the-source-data-${today}.json`);
      const doc = JSON.parse(file.text);
      assert.equal(doc.format, 'check-the-source-data');
      assert.equal(doc.format_version, 1);
      assert.equal(doc.exported.slice(0, 10), today);
      assert.ok(Date.now() - Date.parse(doc.exported) < 10 * 60_000);
      assert.equal(doc.storage_schema, 2);
      const stored = await options.evaluate(dumpAll);
      assert.deepEqual({ sync: doc.sync, local: doc.local }, stored);
      assert.equal(doc.sync.settings.config.disabled_rules[0], 'en.diag.no-such-rule');
      assert.deepEqual(doc.local['note:tiktok:janetalks'], NOTE);
      assert.deepEqual(doc.local['seen:tiktok:janetalks'], SEEN);
      assert.equal(doc.local['creator:tiktok:janetalks'].name, 'Jane Talks');
      assert.equal(Object.keys(doc.local).filter((k) => k.startsWith('corrupt:')).length, 2);
      assert.match(await options.evaluate(() => document.getElementById('data-status').textContent), /Everything exported/);
    });

    test('a failing storage.sync.set keeps the edits, says so clearly; a quota error falls back to this device', async () => {
      await options.evaluate(seed, { sync: {}, local: { schema: 2, 'note:tiktok:janetalks': NOTE } });
      await reload();
      // The test hook: the page's storage.sync.set rejects, as it does when the database is
      // corrupted or sync is disabled.
      const fail = (messageText) =>
        options.evaluate((m) => {
          const api = globalThis.browser ?? globalThis.chrome;
          window.__realSyncSet ??= api.storage.sync.set;
          api.storage.sync.set = () => Promise.reject(new Error(m));
          return api.storage.sync.set !== window.__realSyncSet;
        }, messageText);
      assert.equal(await fail('IO error: the settings database is corrupted'), true, 'the hook is in place');
      await options.click('input[name=sensitivity][value=high]');
      await options.waitFor(ready, null, 'settled');
      await options.click('#apply');
      await options.waitFor(() => !document.body.dataset.saving && /Not saved/.test(document.getElementById('status').textContent), null, 'the failure shown');
      const state = await options.evaluate(formState);
      assert.match(state.status, /^Not saved: the browser's storage refused \(.*IO error: the settings database is corrupted.*\)\. Your changes are still here: press Apply to try again/);
      assert.equal(state.sensitivity, 'high', 'the edit stays');
      assert.equal(state.apply, false, 'Apply stays enabled');
      const stored = await options.evaluate(dumpAll);
      assert.deepEqual(stored.sync, {});
      assert.equal(stored.local.settings, undefined);
      assert.deepEqual(stored.local['note:tiktok:janetalks'], NOTE);

      // A quota error: saved on this device instead, and the page says so.
      await fail('QUOTA_BYTES quota exceeded');
      await options.click('#apply');
      await options.waitFor(() => !document.body.dataset.saving && /this device only/.test(document.getElementById('status').textContent), null, 'saved locally');
      assert.equal((await options.evaluate(dumpAll)).local.settings.config.sensitivity, 'high');
      assert.equal(await options.evaluate(() => document.getElementById('apply').disabled), true);
      await options.evaluate(() => {
        (globalThis.browser ?? globalThis.chrome).storage.sync.set = window.__realSyncSet;
      });
    });

    test('Delete everything asks first in a dialog; Cancel keeps everything; Delete empties both areas and the page shows the defaults', async () => {
      await options.evaluate(seed, {
        sync: { settings: { schema: 1, config: { version: 1, sensitivity: 'high' }, display: { min_level: 'warning', sites: { tiktok: true, instagram: false } } } },
        local: { schema: 2, 'creator:tiktok:janetalks': { bio: 'LCSW', name: 'Jane', seen: '2026-11-25T10:00:00.000Z' }, 'note:tiktok:janetalks': NOTE, 'seen:tiktok:janetalks': SEEN },
      });
      await reload();
      const before = await options.evaluate(dumpAll);
      assert.equal((await options.evaluate(formState)).sensitivity, 'high');
      // An unsaved edit, which the delete must not leave on screen either.
      await options.click('input[name=min_level][value=caution]');
      await options.waitFor(() => !document.getElementById('apply').disabled, null, 'an unsaved edit');

      await options.click('#data-delete');
      await options.waitFor(() => document.getElementById('data-delete-dialog').open, null, 'the delete dialog');
      assert.equal(await options.evaluate(() => document.activeElement.id), 'data-delete-cancel', 'the safe choice has focus');
      await options.click('#data-delete-cancel');
      await options.waitFor(() => !document.getElementById('data-delete-dialog').open, null, 'the dialog closed');
      assert.deepEqual(await options.evaluate(dumpAll), before, 'Cancel changed nothing');

      await options.click('#data-delete');
      await options.waitFor(() => document.getElementById('data-delete-dialog').open, null, 'the delete dialog again');
      await options.click('#data-delete-confirm');
      await options.waitFor(() => /deleted/.test(document.getElementById('data-status').textContent), null, 'deleted');
      assert.deepEqual(await options.evaluate(dumpAll), { sync: {}, local: {} });
      await options.waitFor(ready, null, 'settled after the delete');
      const form = await options.evaluate(formState);
      assert.deepEqual({ sensitivity: form.sensitivity, minLevel: form.minLevel, apply: form.apply }, { sensitivity: 'normal', minLevel: 'info', apply: true });
      assert.equal(await options.evaluate(() => document.querySelector('input[name=site][value=instagram]').checked), true);
      await options.waitFor(() => document.querySelector('#data-summary dd')?.textContent === 'the defaults (nothing saved)', null, 'the summary at the defaults');
      assert.deepEqual(await options.evaluate(() => Array.from(document.querySelectorAll('#data-summary dd'), (dd) => dd.textContent)), ['the defaults (nothing saved)', '0', '0', '0', '0']);
      assert.equal((await options.evaluate(banner)).shown, false);
      // And the background is back at the defaults.
      assert.deepEqual(await options.evaluate(currentFindings, 'my garlic pasta recipe'), []);
      assert.deepEqual(await options.evaluate(dumpAll), { sync: {}, local: {} }, 'still empty');
      assert.deepEqual(br.offSite(), [], 'nothing left the machine');
    });
  });
}
