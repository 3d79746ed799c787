// End to end on Instagram, in Chromium and Firefox: home feed, post modal (opened from the feed
// with history.pushState), post page, Reels and a profile, served at https://www.instagram.com/…
// under a strict page CSP.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { INSTAGRAM_POSTS, INSTAGRAM_PROFILE, INSTAGRAM_REELS } from '../fixtures/data.mjs';
import { BROWSERS, badgesIn, launch } from './lib/browsers.mjs';

const IG = 'https://www.instagram.com';
const post = (role) => INSTAGRAM_POSTS.find((p) => p.role === role);

/** In the page: each feed article's shortcode → its badges. */
function articles(scopeSel) {
  return Array.from(document.querySelectorAll(`${scopeSel} article`)).map((a) => ({
    code: a.querySelector('a[href^="/p/"]').getAttribute('href').split('/')[2],
    badges: Array.from(a.querySelectorAll('cts-badge')).map((b) => b.dataset.key),
  }));
}

for (const name of BROWSERS) {
  describe(`Instagram in ${name}`, () => {
    let br;
    before(async () => {
      br = await launch(name);
    });
    after(async () => {
      await br?.close();
    });

    test('home feed: badge on the flagged post and the sponsored one, none on the recipe', async () => {
      await br.open(`${IG}/`);
      await br.waitFor(() => document.querySelectorAll('main cts-badge').length >= 2, null, 'two feed badges');
      const state = await br.evaluate(articles, 'main[role="main"]');
      const by = Object.fromEntries(state.map((a) => [a.code, a.badges]));
      assert.deepEqual(by[post('flagged').code], [`instagram:${post('flagged').code}`]);
      assert.deepEqual(by[post('sponsored').code], [`instagram:${post('sponsored').code}`]);
      assert.deepEqual(by[post('recipe').code], []);
      const badges = await br.evaluate(badgesIn, 'main[role="main"]');
      const flagged = badges.find((b) => b.key === `instagram:${post('flagged').code}`);
      assert.equal(flagged.primary, 'Check the source');
      assert.equal(flagged.secondary, 'No credentials shown');
      const sponsored = badges.find((b) => b.key === `instagram:${post('sponsored').code}`);
      assert.equal(sponsored.chip, 'Sponsored');
      // Beside the caption block, not inside the caption text.
      const inside = await br.evaluate(() => !!document.querySelector('main cts-badge').closest('span[dir="auto"] span[dir="auto"]'));
      assert.equal(inside, false);
    });

    test('post modal: opening a post over the feed badges it in the dialog', async () => {
      const p = post('flagged');
      await br.click((code) => document.querySelector(`main a[href="/p/${code}/"]`), p.code);
      await br.waitFor(
        (code) => location.pathname === `/p/${code}/` && document.querySelector(`div[role="dialog"] cts-badge[data-key="instagram:${code}"]`),
        p.code,
        'a badge in the modal',
      );
      const inDialog = await br.evaluate(badgesIn, 'div[role="dialog"]');
      assert.equal(inDialog.length, 1);
      assert.equal(inDialog[0].primary, 'Check the source');
      // The feed's own badge for the same post stays single.
      const feed = await br.evaluate(articles, 'main[role="main"]');
      assert.equal(feed.find((a) => a.code === p.code).badges.length, 1);
    });

    test('post page', async () => {
      await br.newTab();
      const p = post('sponsored');
      await br.open(`${IG}/p/${p.code}/`);
      await br.waitFor((k) => document.querySelector(`cts-badge[data-key="${k}"]`), `instagram:${p.code}`, 'badge on the post page');
      const [b] = await br.evaluate(badgesIn, null);
      assert.equal(b.chip, 'Sponsored');
    });

    test('Reels: sections, not articles', async () => {
      await br.newTab();
      await br.open(`${IG}/reels/${INSTAGRAM_REELS[0].code}/`);
      await br.waitFor(() => document.querySelectorAll('section cts-badge').length >= 1, null, 'badge on the flagged reel');
      const reels = await br.evaluate(() =>
        Array.from(document.querySelectorAll('main section')).map((s) => Array.from(s.querySelectorAll('cts-badge')).map((b) => b.dataset.key)),
      );
      assert.deepEqual(reels, INSTAGRAM_REELS.map((r) => (r.expect.badge ? [`instagram:${r.code}`] : [])));
    });

    test('profile: the creator’s bio is remembered', async () => {
      await br.newTab();
      await br.open(`${IG}/${INSTAGRAM_PROFILE.handle}/`);
      const stored = await br.storedValue(`creator:instagram:${INSTAGRAM_PROFILE.handle}`);
      assert.equal(stored.bio, INSTAGRAM_PROFILE.bio);
      assert.equal(stored.name, INSTAGRAM_PROFILE.name);
      const badges = await br.evaluate(badgesIn, null);
      assert.deepEqual(badges, [], 'a profile gets no badge of its own');
    });

    test('nothing tried to leave the machine', () => {
      assert.deepEqual(br.offSite(), []);
    });
  });
}
