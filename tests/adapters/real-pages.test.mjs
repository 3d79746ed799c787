// Optional check of the site adapters against real rendered TikTok and Instagram pages kept
// outside the repository (../shared/fixtures, relative to the repo root; never copied in). Each
// page is loaded into headless Chromium with its own scripts blocked, the adapter files are
// evaluated in it, and every filled post must be found with the key, caption and author that the
// page's own embedded JSON gives. Skipped, saying so, when the folder is absent.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REAL = path.resolve(repo, '../shared/fixtures');
const FILES = ['content/selectors.js', 'content/dom.js', 'content/adapters/tiktok.js', 'content/adapters/instagram.js'];
const adapterSource = FILES.map((f) => readFileSync(path.join(repo, 'extension', f), 'utf8')).join('\n;\n');

const pages = (site) => {
  const dir = path.join(REAL, site);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.html')).map((f) => path.join(dir, f)) : [];
};

const present = existsSync(REAL);
if (!present) {
  test(`real-page adapter check: skipped, ${REAL} does not exist`, { skip: `no real pages at ${REAL}` }, () => {});
}

describe('site adapters on real pages', { skip: present ? false : `no real pages at ${REAL}` }, () => {
  let browser;
  let context;

  before(async () => {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    context = await browser.newContext();
    // Only the page itself is served, under a policy that blocks every one of its scripts;
    // nothing else is fetched (images, fonts and scripts are aborted).
    await context.route('**/*', (route) => {
      const file = route.request().headers()['x-fixture-file'];
      if (route.request().resourceType() === 'document' && file) {
        return route.fulfill({ body: readFileSync(file, 'utf8'), contentType: 'text/html; charset=utf-8', headers: { 'content-security-policy': "script-src 'none'; connect-src 'none'" } });
      }
      return route.abort();
    });
  });

  after(async () => {
    await browser?.close();
  });

  /** Loads `file` at `url` and returns what the adapter reads, plus the page's JSON states. */
  async function read(file, url) {
    const page = await context.newPage();
    await page.setExtraHTTPHeaders({ 'x-fixture-file': file });
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    await page.evaluate(adapterSource);
    const out = await page.evaluate(() => {
      const site = globalThis.CTS.dom.siteOf(location.hostname);
      const entries = globalThis.CTS.adapters[site].findPosts(document).map((e) => ({ key: e.key, kind: e.kind, post: e.post, anchorInNode: e.node.contains(e.anchor) }));
      const json = Array.from(document.querySelectorAll('script[type="application/json"]')).map((s) => {
        try {
          return { id: s.id, value: JSON.parse(s.textContent) };
        } catch {
          return { id: s.id, value: null };
        }
      });
      const filledTikTok = Array.from(document.querySelectorAll('article[data-e2e="recommend-list-item-container"]')).filter(
        (a) => (a.querySelector('[data-e2e="video-desc"]')?.textContent ?? '').trim().length > 0,
      ).length;
      const v2t = Array.from(document.querySelectorAll('[data-e2e^="v2t-"]')).map((n) => n.textContent.trim()).filter(Boolean);
      const ogTitle = document.querySelector('meta[property="og:title"]')?.content ?? '';
      return { entries, json, filledTikTok, v2t, ogTitle };
    });
    await page.close();
    return out;
  }

  const scopeOf = (json) => json.find((j) => j.id === '__UNIVERSAL_DATA_FOR_REHYDRATION__')?.value?.__DEFAULT_SCOPE__ ?? {};

  for (const file of pages('tiktok')) {
    test(`TikTok: ${path.basename(file)}`, async () => {
      const html = readFileSync(file, 'utf8');
      const canonical = /"canonical":"(https:\\u002F\\u002Fwww\.tiktok\.com[^"]*|https:\/\/www\.tiktok\.com[^"]*)"/.exec(html);
      const scopeProbe = /"webapp\.user-detail"/.test(html) ? 'profile' : 'video';
      const url = canonical ? canonical[1].replace(/\\u002F/g, '/') : 'https://www.tiktok.com/';
      const r = await read(file, url);
      const scope = scopeOf(r.json);
      if (scopeProbe === 'video') {
        const item = scope['webapp.video-detail']?.itemInfo?.itemStruct;
        assert.ok(item, 'the page has its video in the embedded state');
        const posts = r.entries.filter((e) => e.kind === 'post');
        assert.equal(posts.length, r.filledTikTok, 'every filled feed item is read, placeholders are skipped');
        const main = posts.find((e) => e.key === `tiktok:${item.id}`);
        assert.ok(main, `the video ${item.id} is found by its id`);
        assert.equal(main.post.caption, item.desc.trim(), 'caption is the creator’s own text');
        assert.equal(main.post.author.handle, item.author.uniqueId);
        assert.equal(main.post.author.name, item.author.nickname);
        if (item.author.signature) assert.equal(main.post.author.bio, item.author.signature);
        for (const e of posts) {
          assert.match(e.key, /^tiktok:\d{6,}$/);
          assert.ok(e.post.caption.length > 0);
          assert.ok(e.post.author.handle, `${e.key} has an author`);
          assert.ok(e.anchorInNode, 'the badge anchor is inside the post');
          for (const summary of r.v2t) assert.ok(!e.post.caption.includes(summary), 'the AI summary is never read as the caption');
        }
      } else {
        const user = scope['webapp.user-detail']?.userInfo?.user;
        assert.ok(user, 'the page has its profile in the embedded state');
        const creator = r.entries.find((e) => e.kind === 'creator');
        assert.ok(creator, 'the profile is read as a creator entry');
        assert.equal(creator.key, `tiktok:@${user.uniqueId}`);
        assert.equal(creator.post.caption, '');
        assert.equal(creator.post.author.handle, user.uniqueId);
        assert.equal(creator.post.author.name, user.nickname);
        assert.equal(creator.post.author.bio, user.signature);
      }
    });
  }

  for (const file of pages('instagram')) {
    test(`Instagram: ${path.basename(file)}`, async () => {
      const html = readFileSync(file, 'utf8');
      const og = /<meta property="og:url" content="([^"]+)"/.exec(html);
      const url = og ? `${og[1].replace(/\/?$/, '/')}` : 'https://www.instagram.com/';
      const r = await read(file, url);
      const edges = [];
      for (const j of r.json) {
        const stack = [j.value];
        while (stack.length) {
          const v = stack.pop();
          if (!v || typeof v !== 'object') continue;
          if (v.xdt_api__v1__feed__timeline__connection) edges.push(...v.xdt_api__v1__feed__timeline__connection.edges);
          else stack.push(...Object.values(v));
        }
      }
      const media = edges.map((e) => e?.node?.media).filter((m) => m?.code);
      if (media.length) {
        const posts = r.entries.filter((e) => e.kind === 'post');
        assert.equal(posts.length, media.length, 'every post of the first page is found');
        for (const m of media) {
          const e = posts.find((p) => p.key === `instagram:${m.code}`);
          assert.ok(e, `post ${m.code} found by its shortcode`);
          assert.equal(e.post.author.handle, m.user.username);
          assert.equal(e.post.caption, (m.caption?.text ?? '').trim(), `caption of ${m.code}`);
          if (m.user.full_name) assert.equal(e.post.author.name, m.user.full_name);
          assert.ok(e.anchorInNode);
        }
      } else {
        // A profile: og:title is "Name (@handle) • Instagram photos and videos".
        const t = /^(.*) \(@([^)]+)\)/.exec(r.ogTitle);
        assert.ok(t, 'the profile page names its account in og:title');
        const creator = r.entries.find((e) => e.kind === 'creator');
        assert.ok(creator, 'the profile is read as a creator entry');
        assert.equal(creator.key, `instagram:@${t[2]}`);
        assert.equal(creator.post.author.handle, t[2]);
        assert.equal(creator.post.author.name, t[1]);
        const bio = creator.post.author.bio ?? '';
        assert.ok(bio.length > 0, 'the bio is read');
        assert.ok(!/followers|Followed by|posts/.test(bio), `the bio holds no counts or links: ${JSON.stringify(bio)}`);
      }
    });
  }
});
