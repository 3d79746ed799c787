// One small driver API over the two harnesses (tests/harness), so every end-to-end test reads
// the same in Chromium (playwright-core) and Firefox (selenium-webdriver): open a real site URL,
// run a function in the page, wait for a condition, click inside a badge's shadow root, press a
// key, take a screenshot, read the toolbar popup. Waits poll a condition; none sleeps a fixed time.

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { launchChromium } from '../../harness/chromium.mjs';
import { launchFirefox } from '../../harness/firefox.mjs';
import { fixtureSites } from '../../fixtures/sites.mjs';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The built extension: dist/ unless CTS_DIST points elsewhere (holding chrome/ and firefox/). */
const DIST = process.env.CTS_DIST ? path.resolve(process.env.CTS_DIST) : path.join(REPO, 'dist');
export const BROWSERS = (process.env.CTS_BROWSERS ?? 'chromium,firefox').split(',').map((s) => s.trim()).filter(Boolean);

/** Default time a condition may take (the engine initialises lazily on the first batch). */
const TIMEOUT = Number(process.env.CTS_E2E_TIMEOUT ?? 20000);

/** Launches `name` with the built extension and the fixture sites; returns the driver API. */
export async function launch(name) {
  return name === 'chromium' ? chromiumDriver() : firefoxDriver();
}

async function chromiumDriver() {
  const b = await launchChromium({ dist: path.join(DIST, 'chrome') });
  b.serveSite(fixtureSites());
  let page = await b.page();
  const api = {
    name: 'chromium',
    async open(url) {
      await page.goto(url, { waitUntil: 'load' });
    },
    /** A fresh tab for the next `open` (the old one is closed). */
    async newTab() {
      await page.close();
      page = await b.page();
    },
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    async waitFor(fn, arg, message, timeout = TIMEOUT) {
      try {
        await page.waitForFunction(fn, arg, { timeout, polling: 100 });
      } catch (err) {
        throw new Error(`${message ?? 'condition'} not met in Chromium within ${timeout} ms: ${err.message.split('\n')[0]}`);
      }
    },
    /** Clicks the element `find(arg)` returns (it may live in a shadow root). */
    async click(find, arg) {
      const handle = await page.evaluateHandle(find, arg);
      const el = handle.asElement();
      if (!el) throw new Error('nothing to click');
      await el.click();
    },
    press: (key) => page.keyboard.press(key),
    async screenshot(file) {
      await mkdir(path.dirname(file), { recursive: true });
      await page.screenshot({ path: file });
    },
    /** Opens the popup for the current tab and returns its text state `{status, site, state, checked, flagged}`. */
    async popup() {
      const sw = await b.serviceWorker();
      const url = page.url();
      const tabId = await sw.evaluate(async (u) => (await chrome.tabs.query({ url: u }))[0]?.id, url.replace(/[?#].*$/, '*'));
      const pop = await b.openExtensionPage(`popup/popup.html?tabId=${tabId}`);
      return { read: (wanted) => readPopup((fn, a) => pop.evaluate(fn, a), (fn, a, m) => pop.waitForFunction(fn, a, { timeout: TIMEOUT, polling: 100 }).catch((e) => { throw new Error(`${m}: ${e.message.split('\n')[0]}`); }), wanted), close: () => pop.close() };
    },
    /** Waits until the extension's storage.local holds `key`; returns its value. */
    async storedValue(key) {
      const ext = await b.openExtensionPage('popup/popup.html');
      try {
        await ext.waitForFunction(async (k) => Object.keys(await chrome.storage.local.get(k)).length > 0, key, { timeout: TIMEOUT, polling: 100 });
        return await ext.evaluate(async (k) => (await chrome.storage.local.get(k))[k], key);
      } finally {
        await ext.close();
      }
    },
    /** Stops the background service worker as Chrome does when idle (null where not possible). */
    stopBackground: () => b.stopServiceWorker(),
    offSite: () => b.offSite(),
    close: () => b.close(),
  };
  return api;
}

async function firefoxDriver() {
  const b = await launchFirefox({ dist: path.join(DIST, 'firefox') });
  b.serveSite(fixtureSites());
  const { driver } = b;
  const wrap = (fn) => `return (${fn.toString()}).apply(null, arguments);`;
  let mainHandle = await driver.getWindowHandle();
  const api = {
    name: 'firefox',
    async open(url) {
      await b.get(url);
      await driver.wait(async () => (await driver.executeScript('return document.readyState')) === 'complete', TIMEOUT);
    },
    async newTab() {
      await driver.switchTo().newWindow('tab');
      const fresh = await driver.getWindowHandle();
      await driver.switchTo().window(mainHandle);
      await driver.close();
      await driver.switchTo().window(fresh);
      mainHandle = fresh;
    },
    evaluate: (fn, arg) => driver.executeScript(wrap(fn), arg),
    async waitFor(fn, arg, message, timeout = TIMEOUT) {
      const script = wrap(fn);
      try {
        await driver.wait(async () => Boolean(await driver.executeScript(script, arg)), timeout, undefined, 100);
      } catch (err) {
        throw new Error(`${message ?? 'condition'} not met in Firefox within ${timeout} ms: ${err.message.split('\n')[0]}`);
      }
    },
    async click(find, arg) {
      const el = await driver.executeScript(wrap(find), arg);
      if (!el) throw new Error('nothing to click');
      await el.click();
    },
    async press(key) {
      const keys = { Escape: '\uE00C', Tab: '\uE004', Enter: '\uE007', Space: '\uE00D' };
      // Held modifiers need key-down/key-up actions: sendKeys releases Shift at once.
      if (key === 'Shift+Tab') {
        await driver.actions().keyDown('\uE008').sendKeys('\uE004').keyUp('\uE008').perform();
        return;
      }
      await driver.actions().sendKeys(keys[key] ?? key).perform();
    },
    async screenshot(file) {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, Buffer.from(await driver.takeScreenshot(), 'base64'));
    },
    async popup() {
      const url = (await driver.getCurrentUrl()).replace(/:\d+\//, '/').replace(/[?#].*$/, '');
      await b.openExtensionPage(`popup/popup.html?tabUrl=${encodeURIComponent(url)}`);
      const read = (wanted) =>
        readPopup(
          (fn, a) => driver.executeScript(wrap(fn), a),
          async (fn, a, m) => {
            const s = wrap(fn);
            await driver.wait(async () => Boolean(await driver.executeScript(s, a)), TIMEOUT, m, 100);
          },
          wanted,
        );
      return {
        read,
        close: async () => {
          await driver.close();
          await driver.switchTo().window(mainHandle);
        },
      };
    },
    async storedValue(key) {
      await b.openExtensionPage('popup/popup.html');
      try {
        const get = `const k = arguments[0]; const done = arguments[arguments.length - 1];
          browser.storage.local.get(k).then((v) => done(v[k] ?? null), () => done(null));`;
        let value = null;
        await driver.wait(async () => (value = await driver.executeAsyncScript(get, key)) !== null, TIMEOUT, `storage.local ${key}`, 100);
        return value;
      } finally {
        await driver.close();
        await driver.switchTo().window(mainHandle);
      }
    },
    // Firefox keeps the background page while a test runs; there is no stop to simulate.
    stopBackground: null,
    offSite: () => b.offSite(),
    close: () => b.close(),
  };
  return api;
}

/** Waits until the popup shows `wanted` (a `data-status` value) and returns what it says. */
async function readPopup(evaluate, waitFor, wanted) {
  await waitFor((w) => document.body.dataset.status === w, wanted, `popup status "${wanted}"`);
  return evaluate(() => ({
    status: document.body.dataset.status,
    site: document.getElementById('site').textContent,
    state: document.getElementById('state').textContent,
    checked: Number(document.getElementById('checked').textContent),
    flagged: Number(document.getElementById('flagged').textContent),
  }));
}

// Page-side helpers, passed to `evaluate` / `waitFor` (self-contained: they run in the page).

/** Every badge's text parts and accessible name, with the post it belongs to. */
export function badgesIn(selector) {
  const scope = selector ? document.querySelector(selector) : document;
  if (!scope) return [];
  return Array.from(scope.querySelectorAll('cts-badge')).map((b) => {
    const root = b.shadowRoot;
    const q = (c) => root.querySelector(c);
    return {
      key: b.dataset.key,
      level: b.dataset.level,
      primary: q('.primary').textContent,
      secondary: q('.secondary').hidden ? '' : q('.secondary').textContent,
      where: q('.where').hidden ? '' : q('.where').textContent,
      chip: q('.chip').hidden ? '' : q('.chip').textContent,
      label: q('button').getAttribute('aria-label'),
    };
  });
}
