// Tabs of the extension's own pages (options, first run) next to site tabs, the same in Chromium
// (playwright-core) and Firefox (selenium-webdriver), over the harness in tests/harness. Used by
// options.test.mjs and welcome.test.mjs; the site-only tests use lib/browsers.mjs.
//
// A `Tab` runs a function in its page (`evaluate`), waits for a condition (`waitFor`, polling, never
// a fixed sleep), types, clicks and presses keys the way a person would (real input events), and
// runs axe-core in the page. Firefox drives one tab at a time: each call switches to its tab first.

import { readFileSync } from 'node:fs';
import path from 'node:path';

import { launchChromium } from '../../harness/chromium.mjs';
import { launchFirefox } from '../../harness/firefox.mjs';
import { fixtureSites } from '../../fixtures/sites.mjs';
import { REPO } from './browsers.mjs';

const DIST = process.env.CTS_DIST ? path.resolve(process.env.CTS_DIST) : path.join(REPO, 'dist');
/** Default time a condition may take: the machine is shared and the engine starts lazily. */
export const TIMEOUT = Number(process.env.CTS_E2E_TIMEOUT ?? 30000);
const AXE = readFileSync(path.join(REPO, 'node_modules/axe-core/axe.min.js'), 'utf8');

/**
 * Launches `name` (chromium | firefox) with the built extension and the fixture sites.
 * `chromiumArgs` are extra Chromium flags (e.g. `--lang=es` for the extension's UI language).
 */
export async function launchPages(name, { chromiumArgs = [] } = {}) {
  return name === 'chromium' ? chromiumPages(chromiumArgs) : firefoxPages();
}

async function chromiumPages(args) {
  const b = await launchChromium({ dist: path.join(DIST, 'chrome'), args });
  b.serveSite(fixtureSites());
  const wrap = (page) => ({
    page,
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    async waitFor(fn, arg, message, timeout = TIMEOUT) {
      try {
        await page.waitForFunction(fn, arg, { timeout, polling: 100 });
      } catch (err) {
        throw new Error(`${message ?? 'condition'} not met in Chromium within ${timeout} ms: ${err.message.split('\n')[0]}`);
      }
    },
    async type(selector, text) {
      await page.focus(selector);
      await page.keyboard.insertText(text);
    },
    click: (selector) => page.click(selector),
    reload: () => page.reload({ waitUntil: 'load' }),
    async press(key) {
      await page.keyboard.press(key);
    },
    /** Runs axe-core in the page (evaluated through the debugger, so the page's CSP does not apply). */
    async axe() {
      await page.evaluate(AXE);
      return page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }))));
    },
    close: () => page.close(),
  });
  return {
    name: 'chromium',
    extensionOrigin: b.extensionOrigin,
    async site(url) {
      const page = await b.page();
      await page.goto(url, { waitUntil: 'load' });
      return wrap(page);
    },
    async extensionPage(pagePath) {
      return wrap(await b.openExtensionPage(pagePath));
    },
    /** URLs of the tabs open now. */
    tabUrls: () => b.context.pages().map((p) => p.url()),
    offSite: () => b.offSite(),
    close: () => b.close(),
  };
}

async function firefoxPages() {
  const b = await launchFirefox({ dist: path.join(DIST, 'firefox') });
  b.serveSite(fixtureSites());
  const { driver } = b;
  const { By } = await import('selenium-webdriver');
  const wrapFn = (fn) => `return (${fn.toString()}).apply(null, arguments);`;
  let current = await driver.getWindowHandle();
  const first = current;
  let firstUsed = false;
  const wrap = (handle) => {
    const on = async () => {
      if (current !== handle) {
        await driver.switchTo().window(handle);
        current = handle;
      }
    };
    return {
      handle,
      async evaluate(fn, arg) {
        await on();
        return driver.executeScript(wrapFn(fn), arg);
      },
      async waitFor(fn, arg, message, timeout = TIMEOUT) {
        await on();
        const script = wrapFn(fn);
        try {
          await driver.wait(async () => Boolean(await driver.executeScript(script, arg)), timeout, undefined, 100);
        } catch (err) {
          throw new Error(`${message ?? 'condition'} not met in Firefox within ${timeout} ms: ${err.message.split('\n')[0]}`);
        }
      },
      async type(selector, text) {
        await on();
        await driver.findElement(By.css(selector)).sendKeys(text);
      },
      async click(selector) {
        await on();
        const element = await driver.findElement(By.css(selector));
        // geckodriver clicks an element that is "in view" even under a sticky bar; a person would
        // scroll it clear first, as Playwright does.
        await driver.executeScript('arguments[0].scrollIntoView({block: "center"})', element);
        await element.click();
      },
      async reload() {
        await on();
        await driver.navigate().refresh();
        await driver.wait(async () => (await driver.executeScript('return document.readyState')) === 'complete', TIMEOUT);
      },
      async press(key) {
        await on();
        const keys = { Escape: '\uE00C', Tab: '\uE004', Enter: '\uE007', Space: '\uE00D', ' ': '\uE00D' };
        await driver.actions().sendKeys(keys[key] ?? key).perform();
      },
      async axe() {
        await on();
        return driver.executeAsyncScript(
          `${AXE};
           const done = arguments[arguments.length - 1];
           axe.run(document, { resultTypes: ['violations'] }).then(
             (r) => done(r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }))),
             (e) => done([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }]));`,
        );
      },
      async close() {
        await on();
        await driver.close();
        const left = await driver.getAllWindowHandles();
        current = left[0];
        await driver.switchTo().window(current);
      },
    };
  };
  return {
    name: 'firefox',
    extensionOrigin: b.extensionOrigin,
    async site(url) {
      if (!firstUsed) {
        firstUsed = true;
        if (current !== first) await driver.switchTo().window(first);
      } else {
        await driver.switchTo().newWindow('tab');
      }
      current = await driver.getWindowHandle();
      await b.get(url);
      await driver.wait(async () => (await driver.executeScript('return document.readyState')) === 'complete', TIMEOUT);
      return wrap(current);
    },
    async extensionPage(pagePath) {
      current = await b.openExtensionPage(pagePath);
      return wrap(current);
    },
    async tabUrls() {
      const urls = [];
      for (const h of await driver.getAllWindowHandles()) {
        await driver.switchTo().window(h);
        urls.push(await driver.getCurrentUrl());
      }
      await driver.switchTo().window(current);
      return urls;
    },
    offSite: () => b.offSite(),
    close: () => b.close(),
  };
}

// ---------------------------------------------------------------- page-side helpers (self-contained)

/**
 * In the page: the controls Tab should reach, in document order, each tagged with
 * `data-probe="<n>"`: enabled, rendered form controls, links and summaries (a radio group is one
 * stop, its checked radio). Returns the probes with a short name for messages.
 */
export function tabStops() {
  const candidates = Array.from(document.querySelectorAll('a[href], button, input, textarea, select, summary'));
  const seenGroups = new Set();
  const stops = [];
  for (const el of candidates) {
    if (el.disabled || el.tabIndex < 0) continue;
    if (el.closest('[hidden], dialog:not([open])')) continue;
    const details = el.closest('details');
    if (details && !details.open && el.tagName !== 'SUMMARY') continue;
    if (details && el.tagName === 'SUMMARY' && el.parentElement !== details) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;
    if (el.type === 'radio') {
      if (seenGroups.has(el.name)) continue;
      const group = Array.from(document.querySelectorAll(`input[type=radio][name="${el.name}"]`));
      const target = group.find((r) => r.checked) ?? group[0];
      seenGroups.add(el.name);
      stops.push(target);
      continue;
    }
    stops.push(el);
  }
  return stops.map((el, i) => {
    el.dataset.probe = String(i);
    return el.id || `${el.tagName.toLowerCase()}${el.name ? `[name=${el.name}]` : ''}${el.tagName === 'SUMMARY' ? `(${el.textContent.slice(0, 20)})` : ''}`;
  });
}

/** In the page: which probe has focus, and whether its focus is visible (an outline is drawn). */
export function focusedProbe() {
  const el = document.activeElement;
  if (!el || el === document.body) return { probe: null, visible: false };
  const style = getComputedStyle(el);
  return { probe: el.dataset.probe ?? `untagged:${el.tagName}#${el.id}`, visible: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 };
}
