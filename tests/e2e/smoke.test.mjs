// The background's engine under real conditions: the built extension, a page at
// https://www.tiktok.com/ served with a strict CSP, and messages sent the way the content script
// and the options page send them. Shows that the WebAssembly instantiates in the background (not
// blocked by the page policy), answers the protocol in ARCHITECTURE.md, remembers a creator's bio,
// drops malformed messages, and (Chromium) still answers after its service worker is stopped.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { launchChromium } from '../harness/chromium.mjs';
import { launchFirefox } from '../harness/firefox.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const HOME = 'https://www.tiktok.com/';
const PAGE = {
  [HOME]: { html: '<!doctype html><html lang="en"><head><title>TikTok</title></head><body><main id="app"></main></body></html>' },
};
const ADHD = { platform: 'tiktok', caption: '5 signs you have ADHD', author: { handle: 'smoke.creator' } };
const PROFILE = {
  platform: 'tiktok',
  caption: 'Therapist life',
  author: { handle: 'Smoke.Therapist', name: 'Sam', bio: 'Licensed Clinical Social Worker, LCSW. NY.' },
};
const FEED_POST = { platform: 'tiktok', caption: 'Is your partner a narcissist? 3 signs', author: { handle: 'smoke.therapist' } };
const BROWSERS = (process.env.CTS_BROWSERS ?? 'chromium,firefox').split(',').map((s) => s.trim());
const TIMEOUT = { timeout: 120_000 };

/** An extension page to send options/* messages from: the popup (or options page) the manifest names. */
function extensionPagePath(dist) {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, dist, 'manifest.json'), 'utf8'));
  const page = manifest.options_ui?.page ?? manifest.action?.default_popup;
  assert.ok(page, 'the manifest names no extension page');
  return page;
}

/** Sends a message in the browser and returns the reply, or `{dropped: message}` when none came. */
const SEND = `async (message) => {
  const ext = globalThis.browser ?? globalThis.chrome;
  try {
    const reply = await ext.runtime.sendMessage(message);
    return reply === undefined ? { dropped: 'no reply' } : reply;
  } catch (error) {
    return { dropped: String(error?.message ?? error) };
  }
}`;

/** What every browser must show, given `fromContent(message)` and `fromPage(message)`. */
function protocolChecks(getSenders, { realContentScript }) {
  test('content/analyze: the engine flags a diagnostic caption in the background', async () => {
    const { fromContent } = getSenders();
    const reply = await fromContent({ kind: 'content/analyze', batch: [{ key: 'tiktok:1', post: ADHD }, { key: 'tiktok:2', post: { platform: 'tiktok', caption: 'creamy garlic pasta in 15 minutes' } }] });
    assert.equal(reply.ok, true, JSON.stringify(reply));
    assert.equal(reply.verdicts.length, 2);
    const [adhd, pasta] = reply.verdicts;
    assert.equal(adhd.key, 'tiktok:1');
    assert.equal(adhd.verdict.mental_health, true);
    assert.notEqual(adhd.verdict.level, 'none');
    assert.ok(adhd.verdict.findings.some((f) => f.category === 'diagnostic'), JSON.stringify(adhd.verdict.findings));
    assert.equal(pasta.key, 'tiktok:2');
    assert.equal(pasta.verdict.mental_health, false);
    assert.equal(pasta.verdict.level, 'none');
  });

  test('content/analyze: a bio seen once is remembered for that creator\'s later posts', async () => {
    const { fromContent } = getSenders();
    const first = await fromContent({ kind: 'content/analyze', batch: [{ key: 'tiktok:p', post: PROFILE }] });
    assert.equal(first.ok, true, JSON.stringify(first));
    assert.equal(first.verdicts[0].remembered, undefined);
    const later = await fromContent({ kind: 'content/analyze', batch: [{ key: 'tiktok:f', post: FEED_POST }] });
    const [slot] = later.verdicts;
    assert.equal(slot.remembered?.field, 'bio', JSON.stringify(slot));
    assert.ok(!Number.isNaN(Date.parse(slot.remembered.seen)));
    assert.equal(slot.verdict.credential_status, 'licensed', JSON.stringify(slot.verdict.credentials));
    assert.ok(slot.verdict.credentials.some((c) => c.field === 'bio'));
  });

  test('a malformed post gets an error in its own slot; malformed messages get no reply', async () => {
    const { fromContent } = getSenders();
    const reply = await fromContent({ kind: 'content/analyze', batch: [{ key: 'bad', post: { caption: 42 } }, { key: 'ok', post: ADHD }] });
    assert.equal(reply.ok, true);
    assert.equal(reply.verdicts[0].key, 'bad');
    assert.match(reply.verdicts[0].error, /malformed post/);
    assert.equal(reply.verdicts[1].verdict.mental_health, true);
    const malformed = [{ kind: 'content/analyze', batch: 'x' }, { kind: 'content/nope' }, 'hello', { kind: 'content/analyze', batch: [], more: 1 }];
    // A content script may not use the options page's kinds.
    if (realContentScript) malformed.push({ kind: 'options/check-config', config: { version: 1 } });
    for (const message of malformed) {
      const dropped = await fromContent(message);
      assert.ok('dropped' in dropped, `${JSON.stringify(message)} → ${JSON.stringify(dropped)}`);
    }
  });

  test('options/analyze and options/check-config answer the options page', async () => {
    const { fromPage } = getSenders();
    const tried = await fromPage({ kind: 'options/analyze', post: ADHD, config: { version: 1, keywords: { diagnostic: ['signs you have'] } } });
    assert.equal(tried.ok, true, JSON.stringify(tried));
    assert.equal(tried.verdict.mental_health, true);
    const valid = await fromPage({ kind: 'options/check-config', config: { version: 1, sensitivity: 'low' } });
    assert.deepEqual(valid, { ok: true });
    const invalid = await fromPage({ kind: 'options/check-config', config: { version: 1, keywords: { diagnostic: [''] } } });
    assert.equal(invalid.ok, false);
    assert.equal(invalid.error.field, 'keywords.diagnostic[0]');
    const badTry = await fromPage({ kind: 'options/analyze', post: ADHD, config: { version: 1, sensitivity: 'loud' } });
    assert.equal(badTry.ok, false);
    assert.equal(badTry.error.field, 'sensitivity');
  });
}

if (BROWSERS.includes('chromium')) {
  describe('background engine in Chromium', TIMEOUT, () => {
    let browser;
    let tiktok;
    let extensionPage;
    before(async () => {
      browser = await launchChromium();
      browser.serveSite(PAGE);
      tiktok = await browser.page();
      await tiktok.goto(HOME);
      extensionPage = await browser.openExtensionPage(extensionPagePath('dist/chrome'));
    });
    after(async () => browser?.close());
    const senders = () => ({
      fromContent: (message) => browser.evaluateInContentScript(tiktok, SEND, message),
      fromPage: (message) => extensionPage.evaluate(`(${SEND})(${JSON.stringify(message)})`),
    });

    protocolChecks(senders, { realContentScript: true });

    test('the page itself cannot compile WebAssembly under its CSP (the reason the engine is in the background)', async () => {
      const error = await tiktok.evaluate(async () => {
        try {
          await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
          return null;
        } catch (e) {
          return e.name;
        }
      });
      assert.equal(error, 'CompileError');
    });

    test('a stopped service worker restarts on the next batch and still answers', async () => {
      assert.equal(await browser.serviceWorkerRunning(), true);
      await browser.stopServiceWorker();
      assert.equal(await browser.serviceWorkerRunning(), false);
      const reply = await senders().fromContent({ kind: 'content/analyze', batch: [{ key: 'again', post: ADHD }] });
      assert.equal(reply.ok, true, JSON.stringify(reply));
      assert.equal(reply.verdicts[0].verdict.mental_health, true);
      assert.equal(await browser.serviceWorkerRunning(), true);
      // The remembered bio lives in storage, so it survives the restart too.
      const later = await senders().fromContent({ kind: 'content/analyze', batch: [{ key: 'tiktok:f2', post: FEED_POST }] });
      assert.equal(later.verdicts[0].remembered?.field, 'bio');
    });

    test('no request left the machine', () => {
      assert.deepEqual(browser.aborted.filter((u) => !u.endsWith('/favicon.ico')), []);
    });
  });
}

if (BROWSERS.includes('firefox')) {
  describe('background engine in Firefox', TIMEOUT, () => {
    let browser;
    let tiktokHandle;
    let pageHandle;
    before(async () => {
      browser = await launchFirefox();
      browser.serveSite(PAGE);
      await browser.get(HOME);
      tiktokHandle = await browser.driver.getWindowHandle();
      pageHandle = await browser.openExtensionPage(extensionPagePath('dist/firefox'));
    });
    after(async () => browser?.close());
    // WebDriver cannot reach Firefox's content-script world; content/analyze is accepted from any
    // of the extension's own contexts in a tab, so the extension page stands in for it here.
    const sendFrom = async (handle, message) => {
      await browser.driver.switchTo().window(handle);
      return browser.driver.executeAsyncScript(`const done = arguments[arguments.length - 1]; (${SEND})(arguments[0]).then(done);`, message);
    };
    const senders = () => ({
      fromContent: (message) => sendFrom(pageHandle, message),
      fromPage: (message) => sendFrom(pageHandle, message),
    });

    protocolChecks(senders, { realContentScript: false });

    test('the page at www.tiktok.com was served locally under the strict CSP', async () => {
      await browser.driver.switchTo().window(tiktokHandle);
      assert.equal(await browser.driver.executeScript('return location.hostname'), 'www.tiktok.com');
      assert.ok(browser.served.includes(HOME));
    });

    test('no request left the machine', () => {
      assert.deepEqual(browser.blocked, []);
    });
  });
}
