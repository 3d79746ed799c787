#!/usr/bin/env node
// `./build.sh demo`: the built extension (dist/chrome, or $CTS_DIST/chrome) in headless Chromium on
// the project's own demo feed, the TikTok fixture pages of tests/fixtures served at
// https://www.tiktok.com/… by the test harness (nothing leaves the machine). Writes four
// screenshots under dist/demo/ (or $CTS_DIST/demo):
//
//   feed.png     the For You feed with its badges
//   panel.png    a badge clicked: the checklist panel open beside the feed (then the creator is
//                rated in its step 6, as a person would)
//   popup.png    the toolbar popup for that tab, at the popup's width and its content's height
//   options.png  the options page
//
//   node scripts/demo.mjs [--docs]    --docs also copies them into docs/ (the README shows them)
//
// Every step waits for a condition on the page, never for a fixed time.

import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { launchChromium } from '../tests/harness/chromium.mjs';
import { fixtureSites } from '../tests/fixtures/sites.mjs';
import { TIKTOK_PROFILE } from '../tests/fixtures/data.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = process.env.CTS_DIST ? path.resolve(process.env.CTS_DIST) : path.join(ROOT, 'dist');
const OUT = path.join(DIST, 'demo');
const DOCS = path.join(ROOT, 'docs');
const FEED = 'https://www.tiktok.com/foryou';
/** How long one step may take: the engine starts lazily and the machine may be busy. */
const TIMEOUT = Number(process.env.CTS_DEMO_TIMEOUT ?? 60000);
const SHOTS = ['feed.png', 'panel.png', 'popup.png', 'options.png'];

const args = process.argv.slice(2);
for (const a of args) {
  if (a !== '--docs') {
    console.error(`demo.mjs: unknown argument ${a} (expected: --docs)`);
    process.exit(2);
  }
}

function step(message) {
  process.stdout.write(`demo: ${message}\n`);
}

const wait = (page, fn, arg, what) =>
  page.waitForFunction(fn, arg, { timeout: TIMEOUT, polling: 100 }).catch((error) => {
    throw new Error(`${what}: not within ${TIMEOUT} ms (${error.message.split('\n')[0]})`);
  });

/** A screenshot with finite animations (the badge's and the panel's fade-in) run to their end. */
const shot = (page, name) => page.screenshot({ path: path.join(OUT, name), animations: 'disabled' });

async function main() {
  await mkdir(OUT, { recursive: true });
  const browser = await launchChromium({ dist: path.join(DIST, 'chrome'), args: ['--lang=en-US', '--force-device-scale-factor=1'] });
  try {
    browser.serveSite(fixtureSites());

    // A creator's profile first, so the feed shows a credential learned from a bio.
    step(`profile of @${TIKTOK_PROFILE.handle}`);
    const profile = await browser.page();
    await profile.goto(`https://www.tiktok.com/@${TIKTOK_PROFILE.handle}`, { waitUntil: 'load' });
    const probe = await browser.openExtensionPage('popup/popup.html');
    await wait(probe, async (k) => Object.keys(await chrome.storage.local.get(k)).length > 0, `creator:tiktok:${TIKTOK_PROFILE.handle}`, 'the creator remembered');
    await probe.close();
    await profile.close();

    step('feed');
    const feed = await browser.page();
    // Tall enough for three posts: a flagged one, a recipe left alone, a sponsored one.
    await feed.setViewportSize({ width: 760, height: 2160 });
    await feed.goto(FEED, { waitUntil: 'load' });
    // Every article on screen with a mental-health post carries its badge, and the fonts are in.
    await wait(feed, () => document.querySelectorAll('cts-badge').length >= 4 && document.fonts.status === 'loaded', null, 'badges on the feed');
    await shot(feed, 'feed.png');
    await feed.setViewportSize({ width: 1100, height: 900 });

    step('panel');
    await feed.evaluate(() => document.querySelector('article[data-scroll-index="0"] cts-badge').shadowRoot.querySelector('button').click());
    await wait(feed, () => {
      const root = document.querySelector('cts-panel')?.shadowRoot;
      return root?.querySelector('[role="dialog"]') && root.activeElement;
    }, null, 'the panel open, focus inside');
    await shot(feed, 'panel.png');
    // Step 6 as a person uses it: this creator rated, and why they are followed (saved on the device).
    await wait(feed, () => {
      const you = document.querySelector('cts-panel').shadowRoot.querySelector('section.step-you');
      return you && !you.querySelector('.rating').hidden;
    }, null, 'the note controls');
    await feed.evaluate(() => {
      const you = document.querySelector('cts-panel').shadowRoot.querySelector('section.step-you');
      you.querySelector('button[data-rating="helpful"]').click();
      for (const r of ['information', 'growth']) you.querySelector(`input[type="checkbox"][value="${r}"]`).click();
    });
    await wait(feed, () => {
      const status = document.querySelector('cts-panel').shadowRoot.querySelector('section.step-you [role="status"]');
      return status.dataset.saved === JSON.stringify({ rating: 'helpful', reasons: ['information', 'growth'] });
    }, null, 'the note saved');
    await feed.keyboard.press('Escape');
    await wait(feed, () => !document.querySelector('cts-panel'), null, 'the panel closed');

    step('popup');
    const worker = await browser.serviceWorker();
    const tabId = await worker.evaluate(async (u) => (await chrome.tabs.query({ url: u }))[0]?.id, `${FEED}*`);
    if (typeof tabId !== 'number') throw new Error('the feed tab has no id');
    const popup = await browser.context.newPage();
    await popup.setViewportSize({ width: 360, height: 600 });
    await popup.goto(`${browser.extensionOrigin}/popup/popup.html?tabId=${tabId}`);
    // The tab's status (with the last checklist) and the creators seen are in.
    await wait(popup, () => document.body.dataset.status === 'recognised' && Number(document.body.dataset.followed) >= 4, null, 'the popup filled in');
    // The popup's width; its whole height (the browser shows up to 600 px and scrolls the rest).
    const height = await popup.evaluate(() => Math.min(1400, Math.ceil(document.documentElement.scrollHeight)));
    await popup.setViewportSize({ width: 360, height });
    await shot(popup, 'popup.png');

    step('options');
    const options = await browser.context.newPage();
    await options.setViewportSize({ width: 1100, height: 900 });
    await options.goto(`${browser.extensionOrigin}/options/options.html`);
    await wait(options, () => document.body.dataset.ready === 'true', null, 'the options page ready');
    await shot(options, 'options.png');

    const offSite = browser.offSite();
    if (offSite.length) throw new Error(`requests tried to leave the machine: ${offSite.join(', ')}`);
  } finally {
    await browser.close();
  }

  for (const name of SHOTS) step(`wrote ${path.relative(process.cwd(), path.join(OUT, name))}`);
  if (args.includes('--docs')) {
    await mkdir(DOCS, { recursive: true });
    for (const name of SHOTS) await copyFile(path.join(OUT, name), path.join(DOCS, `demo-${name}`));
    step(`copied into ${path.relative(process.cwd(), DOCS)}/demo-*.png`);
  }
}

main().catch((error) => {
  console.error(`demo.mjs: ${error.message}`);
  process.exit(1);
});
