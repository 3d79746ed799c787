// The options page end to end, in Chromium and Firefox: the built extension, its options page in a
// tab and, where the test needs one, the TikTok fixture feed open in another tab (served at
// https://www.tiktok.com/foryou under a strict CSP). Tests in one browser share the profile and run
// in order; each leaves the settings at the defaults for the next.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { TIKTOK_POSTS } from '../fixtures/data.mjs';
import { BROWSERS, badgesIn } from './lib/browsers.mjs';
import { focusedProbe, launchPages, tabStops } from './lib/pages.mjs';

const FEED = 'https://www.tiktok.com/foryou';
const OPTIONS = 'options/options.html';
const roleIndex = (role) => TIKTOK_POSTS.findIndex((p) => p.role === role);
const articleSel = (i) => `article[data-scroll-index="${i}"]`;

// Page-side helpers (self-contained: they run in the page).
function ready() {
  return document.body.dataset.ready === 'true' && document.body.dataset.pending !== 'true';
}
function buttons() {
  return { apply: document.getElementById('apply').disabled, revert: document.getElementById('revert').disabled };
}
async function stored() {
  const api = globalThis.browser ?? globalThis.chrome;
  const [sync, local] = await Promise.all([api.storage.sync.get('settings'), api.storage.local.get('settings')]);
  return { sync: sync.settings ?? null, local: local.settings ?? null };
}
function statusText() {
  return document.getElementById('status').textContent;
}
/** Imports `text` as a file named `name` through the page's file input (as a drop or a pick would). */
function importText([name, text]) {
  const input = document.getElementById('import-file');
  const transfer = new DataTransfer();
  transfer.items.add(new File([text], name, { type: 'application/json' }));
  input.files = transfer.files;
  document.body.dataset.import = 'pending';
  input.dispatchEvent(new Event('change', { bubbles: true }));
}
function importSettled() {
  return ['refused', 'done'].includes(document.body.dataset.import) && document.body.dataset.pending !== 'true';
}

for (const name of BROWSERS) {
  describe(`options page in ${name}`, () => {
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

    /** Waits for the page's debounced validation and tester to settle. */
    const settled = () => options.waitFor(ready, null, 'options page settled');
    /** Starts a test from the defaults whatever an earlier one left: clears storage, reloads the page. */
    async function fresh() {
      await options.evaluate(async () => {
        const api = globalThis.browser ?? globalThis.chrome;
        await Promise.all([api.storage.sync.remove('settings'), api.storage.local.remove('settings')]);
      });
      await options.reload();
      await options.waitFor(ready, null, 'options page ready after reload');
    }

    /**
     * Opens the feed, waits for its first badge, checks the recipe post has none, and marks the
     * page so a reload would show (`__ctsNoReload` is gone after one). Returns the feed page and
     * the recipe post's selector, for the tests that change settings under an open feed.
     */
    async function openFeedWithoutPastaBadge() {
      const feed = await br.site(FEED);
      const recipe = articleSel(roleIndex('recipe'));
      const flagged = articleSel(roleIndex('flagged'));
      await feed.waitFor((sel) => document.querySelectorAll(`${sel} cts-badge`).length === 1, flagged, 'the first badge on the feed');
      assert.deepEqual(await feed.evaluate(badgesIn, recipe), []);
      await feed.evaluate(() => {
        window.__ctsNoReload = true; // gone if the page reloads
      });
      return { feed, recipe };
    }

    test('Apply and Revert stay disabled until something changes; the rules are listed', async () => {
      assert.deepEqual(await options.evaluate(buttons), { apply: true, revert: true });
      const listing = await options.evaluate(() => ({
        switches: document.querySelectorAll('#rules input[type=checkbox][data-rule]').length,
        groups: Array.from(document.querySelectorAll('#rules details')).map((d) => d.dataset.category),
        langs: Array.from(document.querySelectorAll('#rules details[data-category="diagnostic"] h3')).map((h) => h.textContent),
      }));
      assert.ok(listing.switches > 100, `${listing.switches} rule switches`);
      assert.ok(listing.groups.includes('diagnostic') && listing.groups.includes('crisis'), listing.groups.join());
      assert.deepEqual(listing.langs.slice(0, 2), ['English', 'Spanish']);
      // Choosing the same sensitivity again is no change; another one is; going back is none again.
      await options.click('input[name=sensitivity][value=high]');
      await options.waitFor(() => !document.getElementById('apply').disabled, null, 'Apply enabled after a change');
      assert.deepEqual(await options.evaluate(buttons), { apply: false, revert: false });
      await options.click('input[name=sensitivity][value=normal]');
      await options.waitFor(() => document.getElementById('apply').disabled, null, 'Apply disabled after undoing');
      assert.deepEqual(await options.evaluate(buttons), { apply: true, revert: true });
      assert.deepEqual(await options.evaluate(stored), { sync: null, local: null });
    });

    test('the live tester highlights the finding in "5 signs you have ADHD" as it is typed', async () => {
      await options.type('#tester-caption', '5 signs you have ADHD');
      await options.waitFor(() => document.querySelector('#tester-result li.finding mark'), null, 'a highlighted finding');
      const result = await options.evaluate(() => {
        const li = document.querySelector('#tester-result li.finding');
        const mark = li.querySelector('mark');
        return {
          level: document.getElementById('tester-result').dataset.level,
          mark: mark.textContent,
          snippet: li.querySelector('.snippet').textContent,
          note: li.querySelector('.note')?.textContent ?? '',
          credential: document.querySelector('#tester-result .credential').textContent,
        };
      });
      assert.ok(['caution', 'warning'].includes(result.level), result.level);
      assert.match(result.mark, /signs you have ADHD/);
      assert.equal(result.snippet, '5 signs you have ADHD');
      assert.ok(result.note.length > 20, result.note);
      assert.match(result.credential, /No credentials shown/);
      // The tester is not a setting: nothing to apply.
      assert.deepEqual(await options.evaluate(buttons), { apply: true, revert: true });
      // A credential in the optional bio changes the credential line.
      await options.type('#tester-bio', 'Licensed clinical social worker, LCSW');
      await options.waitFor(() => /LCSW|Licen/.test(document.querySelector('#tester-result .credential')?.textContent ?? '') && document.querySelector('#tester-result .credential-finding mark'), null, 'the credential found in the bio');
      await options.evaluate(() => {
        for (const id of ['tester-caption', 'tester-bio']) {
          const el = document.getElementById(id);
          el.value = '';
          el.dispatchEvent(new Event('input', { bubbles: true }));
        }
      });
      await settled();
    });

    test('the tester shows a hostile caption as inert text (markup, script, right-to-left, lone surrogate)', async () => {
      const caption = '5 signs you have ADHD <img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> \u202Eטקסט\u202C ';
      await options.evaluate((text) => {
        const el = document.getElementById('tester-caption');
        // The lone surrogate is made in the page: WebDriver's JSON cannot carry one.
        el.value = text + String.fromCharCode(0xd800);
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }, caption);
      await options.waitFor(() => document.querySelector('#tester-result li.finding mark'), null, 'a highlighted finding');
      const result = await options.evaluate(() => {
        const box = document.getElementById('tester-result');
        return {
          made: Array.from(box.querySelectorAll('img, script, iframe, object, [onerror]')).length,
          text: box.textContent,
          mark: box.querySelector('li.finding mark').textContent,
          pwned: window.__pwned ?? null,
        };
      });
      assert.equal(result.made, 0, 'no element was made from the caption');
      assert.equal(result.pwned, null);
      assert.match(result.mark, /signs you have ADHD/);
      assert.ok(result.text.includes('<img src=x onerror='), 'the markup is shown as text');
      await options.evaluate(() => {
        const el = document.getElementById('tester-caption');
        el.value = '';
        el.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await settled();
    });

    test('an invalid keyword (101 characters) shows the engine message beside it and saves nothing', async () => {
      await options.type('#add-kw-diagnostic', 'x'.repeat(101));
      await options.click('#list-kw-diagnostic button.add');
      await options.waitFor(() => document.getElementById('kw-diagnostic-0'), null, 'the new keyword row');
      await settled();
      assert.deepEqual(await options.evaluate(buttons), { apply: false, revert: false });
      await options.click('#apply');
      await options.waitFor(() => !document.getElementById('kw-diagnostic-0-error').hidden, null, 'the error beside the row');
      const shown = await options.evaluate(() => ({
        error: document.getElementById('kw-diagnostic-0-error').textContent,
        invalid: document.getElementById('kw-diagnostic-0').getAttribute('aria-invalid'),
        describedBy: document.getElementById('kw-diagnostic-0').getAttribute('aria-describedby'),
        status: document.getElementById('status').textContent,
      }));
      assert.equal(shown.error, '101 characters; at most 100');
      assert.equal(shown.invalid, 'true');
      assert.match(shown.describedBy, /kw-diagnostic-0-error/);
      assert.match(shown.status, /Not saved/);
      assert.deepEqual(await options.evaluate(stored), { sync: null, local: null });
      // Fixing the row clears the error; Revert puts the saved (default) form back.
      await options.evaluate(() => {
        const input = document.getElementById('kw-diagnostic-0');
        input.value = 'x'.repeat(100);
        input.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await options.waitFor(() => document.getElementById('kw-diagnostic-0-error').hidden && document.body.dataset.valid === 'true', null, 'the error cleared');
      await options.click('#revert');
      await options.waitFor(() => !document.getElementById('kw-diagnostic-0') && document.getElementById('apply').disabled, null, 'reverted');
      await settled();
      assert.deepEqual(await options.evaluate(stored), { sync: null, local: null });
    });

    test('a keyword added and applied puts a new badge on the open feed without a reload', async () => {
      await fresh();
      const { feed, recipe } = await openFeedWithoutPastaBadge();

      await options.type('#add-kw-diagnostic', 'garlic pasta');
      await options.press('Enter');
      await options.waitFor(() => document.getElementById('kw-diagnostic-0')?.value === 'garlic pasta', null, 'the keyword row');
      await settled();
      await options.click('#apply');
      await options.waitFor(() => document.getElementById('apply').disabled && !document.body.dataset.saving && /Saved/.test(document.getElementById('status').textContent), null, 'saved');
      const saved = await options.evaluate(stored);
      assert.deepEqual(saved.sync.config, { version: 1, keywords: { diagnostic: ['garlic pasta'] } });
      assert.equal(saved.local, null);

      await feed.waitFor((sel) => document.querySelectorAll(`${sel} cts-badge`).length === 1, recipe, 'a badge on the pasta post after Apply');
      const [badge] = await feed.evaluate(badgesIn, recipe);
      assert.equal(badge.primary, 'Check the source');
      assert.equal(await feed.evaluate(() => window.__ctsNoReload === true), true, 'the feed was not reloaded');

      // Removing it again takes the badge away.
      await options.click('#list-kw-diagnostic li button.remove');
      await settled();
      await options.click('#apply');
      await options.waitFor(() => document.getElementById('apply').disabled && !document.body.dataset.saving, null, 'saved again');
      // Back at the defaults: nothing is stored.
      assert.deepEqual(await options.evaluate(stored), { sync: null, local: null });
      await feed.waitFor((sel) => document.querySelectorAll(`${sel} cts-badge`).length === 0, recipe, 'the pasta badge gone');
      await feed.close();
    });

    test('switching off the rule that flags a post removes its badge from the open feed', async () => {
      await fresh();
      const feed = await br.site(FEED);
      const role = 'crisis';
      const post = TIKTOK_POSTS[roleIndex(role)];
      const sel = articleSel(roleIndex(role));
      await feed.waitFor((s) => document.querySelectorAll(`${s} cts-badge`).length === 1, sel, 'the crisis post badge');

      // Which rule? The tester says, for the same caption and hashtags.
      await options.type('#tester-caption', `${post.caption} ${post.tags.map((t) => `#${t}`).join(' ')}`);
      await options.waitFor(() => document.querySelector('#tester-result li.finding[data-rule]'), null, 'the tester finding');
      const rules = await options.evaluate(() => [...new Set(Array.from(document.querySelectorAll('#tester-result li.finding[data-rule]'), (li) => li.dataset.rule))]);
      assert.deepEqual(rules, ['en.crisis.suicide']);
      const switchSel = `#rule-${rules[0].replace(/[^a-zA-Z0-9_-]/g, '_')}`;
      await options.click('#rules details[data-category="crisis"] > summary');
      await options.waitFor((s) => document.querySelector(s)?.checkVisibility?.() ?? document.querySelector(s)?.offsetParent, switchSel, 'the rule switch visible');
      await options.click(switchSel);
      await options.waitFor(() => document.getElementById('tester-result').dataset.level === 'none', null, 'the tester shows no badge with the rule off');
      await settled();
      await options.click('#apply');
      await options.waitFor(() => document.getElementById('apply').disabled && !document.body.dataset.saving && /Saved/.test(document.getElementById('status').textContent), null, 'saved');
      assert.deepEqual((await options.evaluate(stored)).sync.config, { version: 1, disabled_rules: ['en.crisis.suicide'] });
      await feed.waitFor((s) => document.querySelectorAll(`${s} cts-badge`).length === 0, sel, 'the badge removed after the rule is off');

      // Back on: the badge returns.
      await options.click(switchSel);
      await settled();
      await options.click('#apply');
      await options.waitFor(() => document.getElementById('apply').disabled && !document.body.dataset.saving, null, 'saved again');
      await feed.waitFor((s) => document.querySelectorAll(`${s} cts-badge`).length === 1, sel, 'the badge back');
      await feed.close();
      await options.evaluate(() => {
        const el = document.getElementById('tester-caption');
        el.value = '';
        el.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await settled();
    });

    test('a broken or hostile import file is refused with a message and changes nothing', async () => {
      await fresh();
      const before = await options.evaluate(stored);
      const formBefore = await options.evaluate(() => document.getElementById('apply').disabled);
      const cases = [
        ['notes.txt', 'this is not json {', /not valid JSON/],
        ['list.json', '[1, 2, 3]', /must be a JSON object/],
        ['big.json', JSON.stringify({ version: 1, ignored_phrases: Array.from({ length: 4000 }, (_, i) => `phrase ${i} padding`) }), /too large/],
        ['rule.json', JSON.stringify({ version: 1, disabled_rules: ['en.diag.no-such-rule'] }), /disabled_rules\[0\]: unknown rule id/],
        ['field.json', JSON.stringify({ version: 1, colour: 'red' }), /unknown field “colour”/],
        ['proto.json', '{"__proto__": {"polluted": true}, "version": 1}', /unknown field “__proto__”/],
        ['long.json', JSON.stringify({ version: 1, keywords: { diagnostic: ['y'.repeat(101)] } }), /keywords\.diagnostic\[0\]: 101 characters/],
        ['schema.json', JSON.stringify({ schema: 9, config: { version: 1 } }), /unknown version/],
        ['display.json', JSON.stringify({ schema: 1, config: { version: 1 }, display: { min_level: '<img src=x onerror=alert(1)>' } }), /invalid badge setting/],
      ];
      for (const [file, text, message] of cases) {
        await options.evaluate(importText, [file, text]);
        await options.waitFor(importSettled, null, `import of ${file} settled`);
        const shown = await options.evaluate(() => ({ outcome: document.body.dataset.import, error: document.getElementById('general-error').textContent, status: document.getElementById('status').textContent }));
        assert.equal(shown.outcome, 'refused', file);
        assert.match(shown.error, message, file);
        assert.match(shown.status, /nothing was changed/, file);
        assert.equal(await options.evaluate(() => document.getElementById('apply').disabled), formBefore, `${file}: the form changed`);
        assert.deepEqual(await options.evaluate(stored), before, `${file}: storage changed`);
      }
      assert.equal(await options.evaluate(() => Object.prototype.polluted ?? null), null);

      // Script-looking phrases are fine as literal text: imported, shown inert, never parsed.
      const hostile = '<img src=x onerror="window.__pwned=1">';
      await options.evaluate(importText, ['hostile.json', JSON.stringify({ version: 1, keywords: { crisis: [hostile] } })]);
      await options.waitFor(importSettled, null, 'import of hostile.json settled');
      const inert = await options.evaluate(() => ({
        outcome: document.body.dataset.import,
        value: document.getElementById('kw-crisis-0')?.value,
        images: document.querySelectorAll('main img').length,
        pwned: window.__pwned ?? null,
      }));
      assert.deepEqual(inert, { outcome: 'done', value: hostile, images: 0, pwned: null });
      assert.deepEqual(await options.evaluate(stored), before, 'an import is not saved until Apply');
      await options.click('#revert');
      await options.waitFor(() => document.getElementById('apply').disabled, null, 'reverted');
      await settled();
    });

    test('export then import round-trips the settings, through a Reset that asks first', async () => {
      await fresh();
      // Some settings of every kind, applied.
      await options.click('input[name=sensitivity][value=high]');
      await options.click('input[name=min_level][value=caution]');
      await options.click('input[name=site][value=instagram]');
      await options.type('#add-kw-sponsorship', 'use my link');
      await options.press('Enter');
      await options.type('#add-ignored', 'signs of spring');
      await options.press('Enter');
      await options.waitFor(() => document.getElementById('ignored-0')?.value === 'signs of spring', null, 'the ignored phrase row');
      await settled();
      await options.click('#apply');
      await options.waitFor(() => document.getElementById('apply').disabled && !document.body.dataset.saving && /Saved/.test(document.getElementById('status').textContent), null, 'saved');
      const applied = (await options.evaluate(stored)).sync;
      assert.deepEqual(applied, {
        schema: 1,
        config: { version: 1, keywords: { sponsorship: ['use my link'] }, ignored_phrases: ['signs of spring'], sensitivity: 'high' },
        display: { min_level: 'caution', sites: { tiktok: true, instagram: false } },
      });

      // Export: catch the download's blob as the browser would save it.
      await options.evaluate(() => {
        window.__exported = new Promise((resolve) => {
          const click = HTMLAnchorElement.prototype.click;
          HTMLAnchorElement.prototype.click = function () {
            if (!this.download) return click.call(this);
            HTMLAnchorElement.prototype.click = click;
            fetch(this.href).then((r) => r.text()).then((text) => resolve({ name: this.download, text }));
          };
        });
      });
      await options.click('#export');
      const exported = await options.evaluate(() => window.__exported);
      assert.equal(exported.name, 'check-the-source-settings.json');
      assert.deepEqual(JSON.parse(exported.text), applied);

      // Reset asks first: Cancel keeps everything.
      await options.click('#reset');
      await options.waitFor(() => document.getElementById('reset-dialog').open, null, 'the reset dialog');
      await options.click('#reset-cancel');
      await options.waitFor(() => !document.getElementById('reset-dialog').open, null, 'the dialog closed');
      assert.deepEqual((await options.evaluate(stored)).sync, applied);
      await options.click('#reset');
      await options.waitFor(() => document.getElementById('reset-dialog').open, null, 'the reset dialog again');
      await options.click('#reset-confirm');
      await options.waitFor(() => /reset/i.test(document.getElementById('status').textContent), null, 'reset done');
      assert.deepEqual(await options.evaluate(stored), { sync: null, local: null });
      assert.equal(await options.evaluate(() => document.querySelector('input[name=sensitivity]:checked').value), 'normal');

      // Import the exported file: the form holds it, Apply stores exactly what was exported.
      await options.evaluate(importText, [exported.name, exported.text]);
      await options.waitFor(importSettled, null, 'import settled');
      assert.equal(await options.evaluate(() => document.body.dataset.import), 'done');
      await settled();
      assert.deepEqual(await options.evaluate(buttons), { apply: false, revert: false });
      await options.click('#apply');
      await options.waitFor(() => document.getElementById('apply').disabled && !document.body.dataset.saving && /Saved/.test(document.getElementById('status').textContent), null, 'saved');
      assert.deepEqual((await options.evaluate(stored)).sync, applied);

      // The engine configuration alone (what `check-source analyze --config` reads) imports too.
      await options.evaluate(importText, ['config.json', JSON.stringify({ version: 1, sensitivity: 'low' })]);
      await options.waitFor(importSettled, null, 'import of a bare configuration');
      assert.equal(await options.evaluate(() => document.querySelector('input[name=sensitivity]:checked').value), 'low');
      await options.click('#revert');
      await options.waitFor(() => document.getElementById('apply').disabled, null, 'reverted');

      // Leave the defaults for the next test.
      await options.click('#reset');
      await options.waitFor(() => document.getElementById('reset-dialog').open, null, 'the reset dialog');
      await options.click('#reset-confirm');
      await options.waitFor(async () => {
        const api = globalThis.browser ?? globalThis.chrome;
        return (await api.storage.sync.get('settings')).settings === undefined;
      }, null, 'settings cleared');
      await settled();
    });

    test('settings too large for one sync item are kept on this device, the page says so, and an open feed follows them', async () => {
      await fresh();
      // An open feed: settings kept in storage.local reach it through the background
      // (`background/settings`), not through storage.sync.onChanged.
      const { feed, recipe } = await openFeedWithoutPastaBadge();
      // 200 phrases of ~45 characters: ~9 KB of JSON, over storage.sync's 8192-byte item limit.
      const phrases = Array.from({ length: 200 }, (_, i) => `an ignored phrase long enough to fill ${String(i).padStart(3, '0')}`);
      await options.evaluate(importText, ['large.json', JSON.stringify({ version: 1, ignored_phrases: phrases, keywords: { diagnostic: ['zebra stripes pattern', 'garlic pasta'] } })]);
      await options.waitFor(importSettled, null, 'import settled');
      await settled();
      await options.click('#apply');
      await options.waitFor(() => document.getElementById('apply').disabled && !document.body.dataset.saving && /this device only/.test(document.getElementById('status').textContent), null, 'saved locally');
      const where = await options.evaluate(stored);
      assert.equal(where.sync, null);
      assert.deepEqual(where.local.config.ignored_phrases, phrases);
      // The background installs them from storage.local: its current analyzer (no `config` in the
      // message) flags the keyword.
      const current = () =>
        options.evaluate(async () => {
          const api = globalThis.browser ?? globalThis.chrome;
          const reply = await api.runtime.sendMessage({ kind: 'options/analyze', post: { platform: 'tiktok', caption: 'a zebra stripes pattern dress' } });
          return reply.verdict.findings.map((f) => f.rule);
        });
      await options.waitFor(async () => {
        const api = globalThis.browser ?? globalThis.chrome;
        const reply = await api.runtime.sendMessage({ kind: 'options/analyze', post: { platform: 'tiktok', caption: 'a zebra stripes pattern dress' } });
        return reply.verdict.findings.length > 0;
      }, null, 'the background uses the settings kept in storage.local');
      assert.deepEqual(await current(), ['user.diagnostic']);
      await feed.waitFor((sel) => document.querySelectorAll(`${sel} cts-badge`).length === 1, recipe, 'a badge on the pasta post after Apply (settings on this device)');
      assert.equal(await feed.evaluate(() => window.__ctsNoReload === true), true, 'the feed was not reloaded');
      await options.click('#reset');
      await options.waitFor(() => document.getElementById('reset-dialog').open, null, 'the reset dialog');
      await options.click('#reset-confirm');
      await options.waitFor(async () => {
        const api = globalThis.browser ?? globalThis.chrome;
        return (await api.storage.local.get('settings')).settings === undefined;
      }, null, 'local settings cleared');
      await settled();
      await options.waitFor(async () => {
        const api = globalThis.browser ?? globalThis.chrome;
        const reply = await api.runtime.sendMessage({ kind: 'options/analyze', post: { platform: 'tiktok', caption: 'a zebra stripes pattern dress' } });
        return reply.verdict.findings.length === 0;
      }, null, 'the background back at the defaults');
      await feed.waitFor((sel) => document.querySelectorAll(`${sel} cts-badge`).length === 0, recipe, 'the pasta badge gone after Reset');
      await feed.close();
    });

    test('on load: sync first, else local; a value from an unknown schema is named, not trusted', async () => {
      const put = (area, value) =>
        options.evaluate(async ([a, v]) => {
          const api = globalThis.browser ?? globalThis.chrome;
          await api.storage[a].set({ settings: v });
        }, [area, value]);
      const reload = async () => {
        await options.reload();
        await options.waitFor(ready, null, 'options page ready after reload');
        return options.evaluate(() => ({
          sensitivity: document.querySelector('input[name=sensitivity]:checked').value,
          status: document.getElementById('status').textContent,
        }));
      };
      await fresh();
      await put('local', { schema: 1, config: { version: 1, sensitivity: 'low' } });
      let shown = await reload();
      assert.equal(shown.sensitivity, 'low');
      assert.match(shown.status, /this device only/);
      await put('sync', { schema: 1, config: { version: 1, sensitivity: 'high' } });
      shown = await reload();
      assert.equal(shown.sensitivity, 'high');
      assert.equal(shown.status, '');
      await put('sync', { schema: 7, config: { version: 1, sensitivity: 'high' } });
      await options.evaluate(async () => (globalThis.browser ?? globalThis.chrome).storage.local.remove('settings'));
      shown = await reload();
      assert.equal(shown.sensitivity, 'normal');
      assert.match(shown.status, /another version \(schema 7\)/);
      await fresh();
    });

    test('keyboard only: Tab reaches every control in order, each with a visible focus', async () => {
      await fresh();
      // Open one rule group so its switches are in the walk too.
      await options.click('#rules details[data-category="credential"] > summary');
      const names = await options.evaluate(tabStops);
      assert.ok(names.length > 40, `${names.length} stops`);
      // Start at the first control (a text box), then walk the rest with Tab alone.
      await options.evaluate(() => document.querySelector('[data-probe="0"]').focus());
      const walked = ['0'];
      for (let i = 1; i < names.length; i++) {
        await options.press('Tab');
        const { probe, visible } = await options.evaluate(focusedProbe);
        walked.push(probe);
        assert.equal(probe, String(i), `Tab ${i + 1} reached ${probe}, expected ${names[i]} (so far: ${walked.join(',')})`);
        assert.ok(visible, `${names[i]} has no visible focus`);
      }
      // Keyboard operates them: Space flips a rule switch, which makes Apply available.
      await options.evaluate(() => document.querySelector('#rules details[data-category="credential"] input[data-rule]').focus());
      await options.press(' ');
      await options.waitFor(() => !document.getElementById('apply').disabled, null, 'Apply enabled by Space on a switch');
      await options.click('#revert');
      await options.waitFor(() => document.getElementById('apply').disabled, null, 'reverted');
    });

    test('axe-core: no serious or critical accessibility violations', async () => {
      await options.type('#tester-caption', '5 signs you have ADHD');
      await options.waitFor(() => document.querySelector('#tester-result mark'), null, 'tester result');
      await options.click('#rules details[data-category="diagnostic"] > summary');
      const violations = (await options.axe()).filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(violations, []);
      assert.deepEqual(br.offSite(), [], 'nothing left the machine');
    });
  });
}
