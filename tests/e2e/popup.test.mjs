// The toolbar popup end to end, in Chromium and Firefox: the built extension, the TikTok fixture
// feed (served at https://www.tiktok.com/foryou under a strict CSP) in one tab and the popup opened
// as a page for that tab (`popup.html?tabId=` in Chromium, `?tabUrl=` in Firefox, which gives
// WebDriver no tab ids). Tests in one browser share the profile and run in order: the feed is
// scrolled once, later tests read and clear what it recorded.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { TIKTOK_POSTS, TIKTOK_PROFILE, tiktokId } from '../fixtures/data.mjs';
import { BROWSERS } from './lib/browsers.mjs';
import { focusedProbe, launchPages, tabStops } from './lib/pages.mjs';

const FEED = 'https://www.tiktok.com/foryou';
/** Creators of the fixture posts that are about mental health (the crisis post is too). */
const MENTAL_HEALTH = TIKTOK_POSTS.filter((p) => p.expect.badge !== null).map((p) => p.handle);
const NOT_MENTAL_HEALTH = TIKTOK_POSTS.filter((p) => p.expect.badge === null).map((p) => p.handle);

// Page-side helpers (self-contained: they run in the page).
function followedList() {
  return Array.from(document.querySelectorAll('#follow-list li')).map((li) => ({
    id: li.dataset.id,
    handle: li.querySelector('.handle').textContent,
    cred: li.querySelector('.cred')?.textContent ?? null,
    meta: li.querySelector('.meta')?.textContent ?? '',
    rating: li.querySelector('.rating')?.textContent ?? null,
  }));
}
async function storedCreatorKeys() {
  const api = globalThis.browser ?? globalThis.chrome;
  return Object.keys(await api.storage.local.get(null)).filter((k) => /^(seen|note|creator):/.test(k)).sort();
}
async function storedSettings() {
  const api = globalThis.browser ?? globalThis.chrome;
  const [sync, local] = await Promise.all([api.storage.sync.get('settings'), api.storage.local.get('settings')]);
  return sync.settings ?? local.settings ?? null;
}
function badgeCount() {
  return document.querySelectorAll('cts-badge').length;
}

for (const name of BROWSERS) {
  describe(`toolbar popup in ${name}`, () => {
    let br;
    let feed;
    let popup;

    /** Opens (or reopens) the popup for the feed tab. */
    async function openPopup() {
      await popup?.close();
      let query;
      if (br.name === 'chromium') {
        // The tab's id, as the toolbar would pass it: asked from an extension page.
        const probe = await br.extensionPage('popup/popup.html?tabUrl=' + encodeURIComponent(`${FEED}*`));
        const id = await probe.evaluate(async (u) => (await chrome.tabs.query({ url: u }))[0]?.id, `${FEED}*`);
        await probe.close();
        assert.equal(typeof id, 'number');
        query = `tabId=${id}`;
      } else {
        query = `tabUrl=${encodeURIComponent(`${FEED}*`)}`;
      }
      popup = await br.extensionPage(`popup/popup.html?${query}`);
      await popup.waitFor(() => document.body.dataset.status === 'recognised' && document.body.dataset.followed !== undefined, null, 'the popup read the tab and the list');
      return popup;
    }

    before(async () => {
      br = await launchPages(name);
      // The creator's profile first: it teaches the LCSW credential the feed post then shows.
      const profile = await br.site(`https://www.tiktok.com/@${TIKTOK_PROFILE.handle}`);
      const probe = await br.extensionPage('popup/popup.html');
      await probe.waitFor(async (k) => Object.keys(await (globalThis.browser ?? globalThis.chrome).storage.local.get(k)).length > 0, `creator:tiktok:${TIKTOK_PROFILE.handle}`, 'the creator remembered from the profile');
      await probe.close();
      // The profile tab stays open (closing Firefox's last window would end the session).
      await profile.evaluate(() => document.title);
      feed = await br.site(FEED);
      await feed.waitFor(() => document.querySelectorAll('cts-badge').length >= 4, null, 'badges on the feed');
    });
    after(async () => {
      await br?.close();
    });

    test('after scrolling the feed, the popup lists the creators seen with mental-health posts and their credential status', async () => {
      // Scroll past the first screen so every fixture role (the seventh too) has been read.
      await feed.evaluate(() => window.scrollTo(0, 10 * 700));
      await feed.waitFor(() => Number(document.body.dataset.top) >= 9 && document.querySelectorAll('cts-badge').length >= 3, null, 'scrolled and badged');
      await openPopup();
      // No badge clicked yet: no checklist to show.
      assert.deepEqual(await popup.evaluate(() => [document.body.dataset.last, document.getElementById('last-none').hidden, document.getElementById('last-info').hidden]), ['none', false, true]);
      await popup.waitFor((n) => Number(document.body.dataset.followed) >= n, MENTAL_HEALTH.length, 'every mental-health creator listed');
      const list = await popup.evaluate(followedList);
      const handles = list.map((c) => c.handle.replace(/^@/, ''));
      assert.deepEqual([...handles].sort(), [...MENTAL_HEALTH].sort());
      for (const h of NOT_MENTAL_HEALTH) assert.ok(!handles.includes(h), `${h} posts no mental-health content`);
      const byHandle = Object.fromEntries(list.map((c) => [c.handle, c]));
      assert.equal(byHandle['@janetalks'].cred, 'Licence or registration shown');
      assert.equal(byHandle['@mindful.maya'].cred, 'No credentials shown');
      assert.equal(byHandle['@calm.coach.ash'].cred, 'Non-clinical title only', 'a coach: a title, not a licence');
      // Two feed positions of maya's post were read (0 and 7): two distinct posts.
      assert.match(byHandle['@mindful.maya'].meta, /^TikTok · posts: 2 · seen /);
      assert.equal(byHandle['@mindful.maya'].rating, null);

      // What the background stored for them (ARCHITECTURE.md, "Storage schema").
      const seen = await popup.evaluate(async () => (await (globalThis.browser ?? globalThis.chrome).storage.local.get('seen:tiktok:janetalks'))['seen:tiktok:janetalks']);
      assert.equal(seen.credential_status, 'licensed');
      assert.ok(['caution', 'warning'].includes(seen.level), seen.level);
      assert.ok(seen.posts >= 1);
      assert.ok(Date.parse(seen.first) <= Date.parse(seen.last));
      assert.ok(seen.recent.includes(`tiktok:${tiktokId(4)}`), seen.recent.join());
    });

    test('a rating given in the panel shows in the popup with its reasons', async () => {
      // Rate the creator where a person does: step 6 of the panel (content/note to the background).
      await feed.evaluate(() => window.scrollTo(0, 0));
      await feed.waitFor(() => Number(document.body.dataset.top) === 0 && document.querySelector('article[data-scroll-index="0"] cts-badge'), null, 'back at the top');
      await feed.evaluate(() => document.querySelector('article[data-scroll-index="0"] cts-badge').shadowRoot.querySelector('button').click());
      await feed.waitFor(() => {
        const s = document.querySelector('cts-panel')?.shadowRoot?.querySelector('section.step-you');
        return s && !s.querySelector('.rating').hidden;
      }, null, 'the panel with its note controls');
      await feed.evaluate(() => {
        const s = document.querySelector('cts-panel').shadowRoot.querySelector('section.step-you');
        s.querySelector('button[data-rating="harmful"]').click();
        for (const r of ['information', 'memes']) s.querySelector(`input[type="checkbox"][value="${r}"]`).click();
      });
      await feed.waitFor(
        (want) => document.querySelector('cts-panel').shadowRoot.querySelector('section.step-you [role="status"]').dataset.saved === want,
        JSON.stringify({ rating: 'harmful', reasons: ['information', 'memes'] }),
        'the note saved',
      );
      await feed.press('Escape');
      await feed.waitFor(() => !document.querySelector('cts-panel'), null, 'the panel closed');

      // The popup follows storage: no reopening needed.
      await popup.waitFor(() => document.querySelector('#follow-list li[data-id="tiktok:mindful.maya"] .rating'), null, 'the rating in the list');
      const maya = (await popup.evaluate(followedList)).find((c) => c.id === 'tiktok:mindful.maya');
      assert.equal(maya.rating, 'You marked them harmful · You follow them for: information, memes');
    });

    test('axe finds no serious or critical problem; Tab reaches every control in order', async () => {
      const violations = (await popup.axe()).filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(violations, []);
      const stops = await popup.evaluate(tabStops);
      assert.ok(stops.includes('open-options') && stops.includes('pause') && stops.includes('clear-all'), stops.join());
      assert.ok(stops.filter((s) => s === 'button').length >= MENTAL_HEALTH.length, 'a clear button per creator');
      await popup.evaluate(() => document.activeElement?.blur());
      for (let i = 0; i < stops.length; i++) {
        await popup.press('Tab');
        const focus = await popup.evaluate(focusedProbe);
        assert.equal(focus.probe, String(i), `Tab stop ${i} (${stops[i]}): focus is on ${focus.probe}`);
        assert.ok(focus.visible, `focus on ${stops[i]} is visible`);
      }
    });

    test('the pause switch removes the badges from the open feed without reload; un-pausing brings them back', async () => {
      const label = await popup.evaluate(() => ({ text: document.getElementById('pause-label').textContent, checked: document.getElementById('pause').checked, role: document.getElementById('pause').getAttribute('role') }));
      assert.deepEqual(label, { text: 'Pause on TikTok', checked: false, role: 'switch' });
      await popup.click('#pause');
      await popup.waitFor(() => document.body.dataset.paused === 'true' && /^Paused on TikTok/.test(document.getElementById('pause-status').textContent), null, 'paused');
      const paused = await popup.evaluate(storedSettings);
      assert.equal(paused.display.sites.tiktok, false);
      assert.equal(paused.display.sites.instagram, true);
      assert.equal(paused.schema, 1);
      await feed.waitFor(() => document.querySelectorAll('cts-badge').length === 0, null, 'no badges while paused');

      // From the keyboard: Space on the focused switch; focus stays on it.
      await popup.evaluate(() => document.getElementById('pause').focus());
      await popup.press('Space');
      await popup.waitFor(() => document.body.dataset.paused === 'false', null, 'resumed');
      assert.equal(await popup.evaluate(() => document.activeElement?.id), 'pause');
      assert.equal((await popup.evaluate(storedSettings)).display.sites.tiktok, true);
      await feed.waitFor(() => document.querySelectorAll('cts-badge').length >= 3, null, 'badges back after resuming');
      assert.ok((await feed.evaluate(badgeCount)) >= 3);
    });

    test('the last checklist opened in the tab shows after a badge click', async () => {
      await feed.evaluate(() => window.scrollTo(0, 0));
      await feed.waitFor(() => document.querySelector('article[data-scroll-index="0"] cts-badge'), null, 'the first badge');
      await feed.evaluate(() => document.querySelector('article[data-scroll-index="0"] cts-badge').shadowRoot.querySelector('button').click());
      await feed.waitFor(() => document.querySelector('cts-panel')?.shadowRoot?.querySelector('[role="dialog"]'), null, 'the panel');
      await openPopup();
      await popup.waitFor((k) => document.body.dataset.last === k, `tiktok:${tiktokId(0)}`, 'the last checklist');
      const last = await popup.evaluate(() => ({ handle: document.getElementById('last-handle').textContent, meta: document.getElementById('last-meta').textContent, none: document.getElementById('last-none').hidden }));
      assert.equal(last.handle, '@mindful.maya');
      assert.match(last.meta, /^(Check the source|Worth a closer look) · No credentials shown · opened /);
      assert.equal(last.none, true);
    });

    test('clearing one creator removes it from the list and from storage; clear all asks first', async () => {
      const before = await popup.evaluate(storedCreatorKeys);
      assert.ok(before.includes('seen:tiktok:mindful.maya') && before.includes('note:tiktok:mindful.maya'), before.join());
      await popup.click('#follow-list li[data-id="tiktok:mindful.maya"] .clear');
      await popup.waitFor(() => !document.querySelector('#follow-list li[data-id="tiktok:mindful.maya"]'), null, 'maya gone from the list');
      const afterOne = await popup.evaluate(storedCreatorKeys);
      assert.deepEqual(afterOne, before.filter((k) => k !== 'seen:tiktok:mindful.maya' && k !== 'note:tiktok:mindful.maya'));
      assert.equal(await popup.evaluate(() => document.getElementById('follow-status').textContent), '@mindful.maya and your note were removed.');
      // Focus stays in the list (the next creator's Clear), not lost to the page.
      assert.match(await popup.evaluate(() => document.activeElement.className || document.activeElement.id), /clear|follow-heading/);

      // Clear all asks first; Esc (or Cancel) keeps everything.
      await popup.click('#clear-all');
      await popup.waitFor(() => !document.getElementById('confirm').hidden && document.activeElement?.id === 'confirm-no', null, 'the question, focus on Cancel');
      assert.match(await popup.evaluate(() => document.getElementById('confirm-text').textContent), /^Forget all \d+ creators and your notes on them\?/);
      await popup.press('Escape');
      await popup.waitFor(() => document.getElementById('confirm').hidden && document.activeElement?.id === 'clear-all', null, 'closed, focus back on Clear all');
      assert.deepEqual(await popup.evaluate(storedCreatorKeys), afterOne);

      await popup.click('#clear-all');
      await popup.waitFor(() => !document.getElementById('confirm').hidden, null, 'the question again');
      await popup.click('#confirm-yes');
      await popup.waitFor(() => document.body.dataset.followed === '0' && !document.getElementById('follow-empty').hidden, null, 'the list empty');
      const left = await popup.evaluate(storedCreatorKeys);
      assert.deepEqual(left.filter((k) => !k.startsWith('creator:')), [], 'no seen: or note: key left');
      assert.ok(left.includes(`creator:tiktok:${TIKTOK_PROFILE.handle}`), 'the remembered bio is not a note: kept');
    });

    test('the Settings link opens the options page', async () => {
      assert.ok(!(await br.tabUrls()).some((u) => u.endsWith('/options/options.html')), 'no options tab before');
      await popup.click('#open-options');
      const deadline = Date.now() + 20000;
      let urls = [];
      while (Date.now() < deadline) {
        urls = await br.tabUrls();
        if (urls.some((u) => u === `${br.extensionOrigin}/options/options.html`)) break;
        await popup.waitFor(() => true, null, 'a round trip'); // polls the browser, not the clock
      }
      assert.ok(urls.includes(`${br.extensionOrigin}/options/options.html`), urls.join('\n'));
    });

    test('nothing tried to leave the machine', async () => {
      await popup?.close();
      popup = null;
      assert.deepEqual(await br.offSite(), []);
    });
  });
}
