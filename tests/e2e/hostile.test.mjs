// Pages that fight back (issue 6), end to end: the built extension on TikTok-shaped pages that
// storm the DOM, replace the DOM's own methods, define our element names, remove our badges on
// every frame, carry hostile captions or no known layout; and the extension reloaded, or its
// service worker stopped mid-batch, under an open tab. Pages: tests/fixtures/hostile/.
//
// What the page can see is read from the page (window.__hostile, page.js): errors thrown into
// it, our badges coming and going, frames, and the content script's own User Timing measures
// (cts:observe/process/receive; off by default, switched on here by the harness's
// enableMeasures(), as only the extension itself can). In Chromium a CDP trace with the V8 sampling profiler says
// how much of each main-thread task was the content script's code (samples whose stack holds a
// content/*.js frame): that is what "no long task caused by the extension" is measured on.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { launchChromium } from '../harness/chromium.mjs';
import { launchFirefox } from '../harness/firefox.mjs';
import { HOSTILE, HOSTILE_CAPTIONS, hostileSites, keyAt } from '../fixtures/hostile/sites.mjs';
import { BROWSERS, REPO } from './lib/browsers.mjs';

const DIST = process.env.CTS_DIST ? path.resolve(process.env.CTS_DIST) : path.join(REPO, 'dist');
/** Default time a condition may take (the machine is shared; the engine starts lazily). */
const TIMEOUT = Number(process.env.CTS_E2E_TIMEOUT ?? 20000);
/** A task this long is a "long task" (the Long Tasks API's threshold). */
const LONG_TASK_MS = 50;
const pause = (ms) => new Promise((r) => setTimeout(r, ms));
/**
 * Time budgets are checked by the benchmarks, not by tests (a test that depends on how busy the
 * machine is would be flaky). Here a missed budget is reported as a diagnostic; set
 * CTS_E2E_TIMING=strict to make it fail (e.g. on a quiet machine while profiling).
 */
function timingBudget(t, ok, message) {
  if (ok) return;
  if (process.env.CTS_E2E_TIMING === 'strict') assert.fail(message);
  t.diagnostic(`timing budget missed (not a failure; see BENCHMARKS.md): ${message}`);
}

/** Polls `check()` until it is truthy (the page may have replaced what waitForFunction needs). */
async function until(check, message, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`${message} not met within ${timeout} ms`);
    await pause(100); // polling interval, not a wait for something to happen
  }
}

// ------------------------------------------------------------------ drivers

async function chromiumDriver() {
  const b = await launchChromium({ dist: path.join(DIST, 'chrome') });
  await b.enableMeasures(); // the page reads the content script's cts:* measures (off by default)
  b.serveSite(hostileSites());
  let page = null;
  let errors = [];
  const watch = (p) => {
    p.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    p.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`console.${m.type()}: ${m.text()}`);
    });
  };
  const br = {
    name: 'chromium',
    b,
    get page() {
      return page;
    },
    /** Closes the current tab and opens `url` in a new one. */
    async open(url) {
      await page?.close();
      page = await b.page();
      errors = [];
      watch(page);
      await page.goto(url, { waitUntil: 'load' });
    },
    /** Navigates the current tab (keeps its listeners and any trace running on it). */
    async goto(url) {
      await page.goto(url, { waitUntil: 'load' });
    },
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    waitFor: (fn, arg, message, timeout) => until(() => page.evaluate(fn, arg), message, timeout),
    async click(find, arg) {
      const handle = await page.evaluateHandle(find, arg);
      const el = handle.asElement();
      if (!el) throw new Error('nothing to click');
      await el.click();
    },
    /** Errors and warnings the page's tab reported (any world, the content script's included). */
    errors: () => errors.slice(),
    /** The toolbar popup for the tab at `pattern`: waits until it says `wanted`, returns `read()`. */
    async popup(pattern, wanted, read = readPopup) {
      const pop = await b.openExtensionPage(`popup/popup.html?tabUrl=${encodeURIComponent(pattern)}`);
      try {
        await until(() => pop.evaluate((w) => document.body.dataset.status === w, wanted), `popup status "${wanted}"`);
        return await pop.evaluate(read);
      } finally {
        await pop.close();
      }
    },
    /** Runs `fn` while tracing this tab; returns how much of each task was the content script. */
    async trace(fn) {
      const cdp = await b.context.newCDPSession(page);
      const events = [];
      cdp.on('Tracing.dataCollected', ({ value }) => events.push(...value));
      const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
      await cdp.send('Tracing.start', {
        traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-v8.cpu_profiler'], recordMode: 'recordAsMuchAsPossible' },
        transferMode: 'ReportEvents',
      });
      let value;
      try {
        value = await fn();
      } finally {
        await cdp.send('Tracing.end');
        await complete;
        await cdp.detach().catch(() => {});
      }
      return { value, ...attribute(events, `${b.extensionOrigin}/content/`) };
    },
    offSite: () => b.offSite(),
    requested: (url) => b.requests.includes(url),
    close: () => b.close(),
  };
  return br;
}

async function firefoxDriver() {
  const b = await launchFirefox({ dist: path.join(DIST, 'firefox') });
  await b.enableMeasures(); // the page reads the content script's cts:* measures (off by default)
  b.serveSite(hostileSites());
  const { driver } = b;
  const wrap = (fn) => `return (${fn.toString()}).apply(null, arguments);`;
  let tab = await driver.getWindowHandle();
  let opened = false;
  let since = Date.now(); // browser-console messages before this belong to an earlier test
  const br = {
    name: 'firefox',
    b,
    async open(url) {
      if (opened) {
        await driver.switchTo().newWindow('tab');
        const fresh = await driver.getWindowHandle();
        await driver.switchTo().window(tab);
        await driver.close();
        await driver.switchTo().window(fresh);
        tab = fresh;
      }
      opened = true;
      since = Date.now();
      await b.get(url);
      await until(async () => (await driver.executeScript('return document.readyState')) === 'complete', 'page load');
    },
    async goto(url) {
      await b.get(url);
      await until(async () => (await driver.executeScript('return document.readyState')) === 'complete', 'page load');
    },
    evaluate: (fn, arg) => driver.executeScript(wrap(fn), arg),
    waitFor: (fn, arg, message, timeout) => until(() => driver.executeScript(wrap(fn), arg), message, timeout),
    async click(find, arg) {
      const el = await driver.executeScript(wrap(find), arg);
      if (!el) throw new Error('nothing to click');
      await el.click();
    },
    /** Errors the page saw (window 'error' / 'unhandledrejection'); Firefox keeps the content
     *  script's own in the browser console, read through the chrome context. */
    async errors() {
      const page = await driver.executeScript('return window.__hostile ? window.__hostile.errors : []');
      await driver.setContext('chrome');
      let ext;
      try {
        ext = await driver.executeScript(
          `const [origin, since] = arguments;
           return Services.console.getMessageArray()
             .filter((m) => m instanceof Ci.nsIScriptError && !(m.flags & Ci.nsIScriptError.infoFlag) && m.timeStamp >= since && String(m.sourceName).startsWith(origin))
             .map((m) => 'console: ' + m.errorMessage + ' @ ' + m.sourceName + ':' + m.lineNumber);`,
          b.extensionOrigin,
          since,
        );
      } finally {
        await driver.setContext('content');
      }
      return [...page.map((e) => `page: ${e}`), ...ext];
    },
    async popup(pattern, wanted, read = readPopup) {
      await b.openExtensionPage(`popup/popup.html?tabUrl=${encodeURIComponent(pattern)}`);
      try {
        await until(async () => (await driver.executeScript('return document.body.dataset.status')) === wanted, `popup status "${wanted}"`);
        return await driver.executeScript(wrap(read));
      } finally {
        await driver.close();
        await driver.switchTo().window(tab);
      }
    },
    /** Reloads the extension from one of its pages, as its own reload would; back on the tab. */
    async reloadExtension() {
      await b.openExtensionPage('popup/popup.html');
      await driver.executeScript('setTimeout(() => browser.runtime.reload(), 0);');
      await driver.switchTo().window(tab);
      // The extension page goes with the old instance (Firefox may close it at any moment):
      // close whatever is left of it.
      for (const h of await driver.getAllWindowHandles()) {
        if (h === tab) continue;
        try {
          await driver.switchTo().window(h);
          await driver.close();
        } catch {
          // already gone with the old instance
        }
      }
      await driver.switchTo().window(tab);
    },
    trace: null,
    offSite: () => b.offSite(),
    requested: (url) => b.served.includes(url) || b.unserved.includes(url),
    close: () => b.close(),
  };
  return br;
}

/** In the popup: what it says. */
function readPopup() {
  return {
    status: document.body.dataset.status,
    state: document.getElementById('state').textContent,
    checked: Number(document.getElementById('checked').textContent),
    flagged: Number(document.getElementById('flagged').textContent),
  };
}

/**
 * From a Chromium trace (devtools.timeline + the V8 CPU profiler): for every top-level task on
 * the tab's main thread, how long the content script's code ran in it (sampled: the time of
 * every sample whose stack holds a frame from `prefix`). Returns the longest such share, the
 * total, the tasks longer than LONG_TASK_MS with their shares, and the sampling interval.
 */
function attribute(events, prefix) {
  const profiles = new Map();
  for (const e of events) {
    if (e.name === 'Profile') profiles.set(`${e.pid}:${e.id}`, { pid: e.pid, start: e.args.data.startTime, nodes: new Map(), samples: [], deltas: [] });
  }
  for (const e of events) {
    if (e.name !== 'ProfileChunk') continue;
    const p = profiles.get(`${e.pid}:${e.id}`);
    if (!p) continue;
    for (const n of e.args.data.cpuProfile?.nodes ?? []) p.nodes.set(n.id, n);
    p.samples.push(...(e.args.data.cpuProfile?.samples ?? []));
    p.deltas.push(...(e.args.data.timeDeltas ?? []));
  }
  // The renderer whose profile holds content-script frames; its main thread runs the tasks.
  const ours = (p) => {
    const memo = new Map();
    const check = (id) => {
      if (memo.has(id)) return memo.get(id);
      const n = p.nodes.get(id);
      const v = !!n && ((n.callFrame?.url ?? '').startsWith(prefix) || (n.parent !== undefined && check(n.parent)));
      memo.set(id, v);
      return v;
    };
    return check;
  };
  const result = { maxTaskMs: 0, totalMs: 0, longTasks: [], intervalUs: 0, samples: 0, top: [] };
  const profile = [...profiles.values()].find((p) => [...p.nodes.values()].some((n) => (n.callFrame?.url ?? '').startsWith(prefix)));
  if (!profile) return result;
  const mainTid = events.find((e) => e.name === 'thread_name' && e.pid === profile.pid && e.args?.name === 'CrRendererMain')?.tid;
  const tasks = events
    .filter((e) => e.name === 'RunTask' && e.ph === 'X' && e.pid === profile.pid && e.tid === mainTid)
    .sort((a, b) => a.ts - b.ts);
  const top = [];
  for (const t of tasks) if (!top.length || t.ts >= top[top.length - 1].ts + top[top.length - 1].dur) top.push({ ts: t.ts, dur: t.dur, ext: 0 });
  const isOurs = ours(profile);
  const self = new Map(); // function → self time in the content script's samples
  let t = profile.start;
  let k = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.deltas[i] ?? 0;
    if (!isOurs(profile.samples[i])) continue;
    const weight = profile.deltas[i + 1] ?? profile.deltas[i] ?? 0;
    result.totalMs += weight / 1000;
    const f = profile.nodes.get(profile.samples[i]).callFrame;
    const where = `${f.functionName || '(anonymous)'} ${(f.url ?? '').replace(/^.*\/content\//, '')}:${(f.lineNumber ?? 0) + 1}`;
    self.set(where, (self.get(where) ?? 0) + weight / 1000);
    result.samples += 1;
    while (k < top.length && top[k].ts + top[k].dur < t) k++;
    if (k < top.length && top[k].ts <= t) top[k].ext += weight / 1000;
  }
  result.top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([where, ms]) => `${where} ${Math.round(ms)} ms`);
  result.intervalUs = profile.deltas.length ? profile.deltas.reduce((a, b) => a + b, 0) / profile.deltas.length : 0;
  for (const task of top) {
    result.maxTaskMs = Math.max(result.maxTaskMs, task.ext);
    if (task.dur / 1000 > LONG_TASK_MS) result.longTasks.push({ ms: Math.round(task.dur / 1000), extensionMs: Math.round(task.ext) });
  }
  return result;
}

const round = (x) => Math.round(x * 10) / 10;
const describeTrace = (tr) =>
  `content script: ${round(tr.totalMs)} ms in all, at most ${round(tr.maxTaskMs)} ms in one task (sampled every ${Math.round(tr.intervalUs)} µs); long tasks: ${JSON.stringify(tr.longTasks)}; self time: ${tr.top.join(', ')}`;

// ------------------------------------------------------------------ page-side helpers

const settled = () => window.__hostile.settled();
const counters = () => {
  const h = window.__hostile;
  return { inserted: h.inserted, removed: h.removed, byKey: { ...h.insertedByKey }, receive: h.measures['cts:receive']?.count ?? 0, process: h.measures['cts:process']?.count ?? 0, frames: h.frames };
};

// ------------------------------------------------------------------ tests

for (const name of BROWSERS) {
  describe(`Hostile pages in ${name}`, { timeout: 240_000 }, () => {
    let br;
    let panelOnElementsPage = null;
    before(async () => {
      br = await (name === 'chromium' ? chromiumDriver() : firefoxDriver());
    });
    after(async () => {
      await br?.close();
    });

    test('a mutation storm of 10,000 nodes: the real changes in it get their badges, nothing runs away', async (t) => {
      await br.open(HOSTILE.storm);
      await br.waitFor(settled, null, 'the first screen badged');
      const start = await br.evaluate(counters);
      assert.ok(start.receive >= 1, `the content script's User Timing reaches the page (cts:receive: ${start.receive})`);
      const storm = async () => {
        await br.evaluate(() => window.__hostile.storm({ bursts: 5, perBurst: 2000 }));
        await br.waitFor(() => window.__hostile.stormDone && window.__hostile.settled(), null, 'the storm over and every badge right');
      };
      const tr = br.trace ? await br.trace(storm) : (await storm(), null);
      const end = await br.evaluate(counters);
      const sizes = await br.evaluate(() => ({ added: window.__hostile.stormAdded, removed: window.__hostile.stormRemoved }));
      assert.deepEqual(sizes, { added: 10000, removed: 10000 });
      // What changed: item 1 became a diagnostic post (a badge), item 0 the dance (its badge
      // goes), items 7 and 8 arrived (7 gets one). Nothing else is placed or removed.
      assert.equal(end.inserted - start.inserted, 2, 'two badges placed during the storm');
      assert.equal(end.removed - start.removed, 1, 'one badge removed during the storm');
      assert.deepEqual(Object.keys(end.byKey).filter((k) => !(k in start.byKey)).sort(), [keyAt(1), keyAt(7)].sort());
      // Batches answered during the storm: the changes arrive in a handful of reads, never one
      // per mutation (10,000) or one per burst and item.
      const batches = end.receive - start.receive;
      assert.ok(batches >= 1 && batches <= 5, `${batches} batches for 4 changed posts in 5 bursts`);
      if (tr) {
        t.diagnostic(describeTrace(tr));
        assert.ok(tr.samples > 0, 'the profiler saw the content script at work');
        timingBudget(t, tr.maxTaskMs < LONG_TASK_MS, `the content script ran ${round(tr.maxTaskMs)} ms in one task`);
      }
      const measures = await br.evaluate(() => window.__hostile.measures);
      t.diagnostic(`content script's own measures: ${JSON.stringify(measures)}`);
      assert.deepEqual(await br.errors(), []);
    });

    test('a page that replaced Element.prototype methods, MutationObserver, addEventListener…: badges right, its replacements untouched and never called', async () => {
      await br.open(HOSTILE.overrides);
      await br.waitFor(settled, null, 'badges on the mental-health posts');
      // The extension's own observer still follows the page (the page's MutationObserver throws).
      await br.evaluate(() => window.__hostile.setCaption(1, '10 signs you have BPD and nobody told you ', true));
      await br.waitFor(settled, null, 'a badge on the rewritten caption');
      const state = await br.evaluate(() => ({ notIntact: window.__hostile.notIntact(), calls: window.__hostile.overrideCalls, count: Object.keys(window.__hostile.replaced).length }));
      assert.ok(state.count >= 25, `${state.count} replacements installed`);
      assert.deepEqual(state.notIntact, [], 'every replacement still in place');
      assert.deepEqual(state.calls, {}, 'none of the page’s replacements was ever called');
      const [badge] = await br.evaluate(() => window.__hostile.feed()[0].badges);
      assert.equal(badge.primary, 'Check the source');
      assert.match(badge.label, /diagnostic language/);
      assert.deepEqual(await br.errors(), []);
    });

    test('the page defines <cts-badge>, <cts-panel> and a caption element of its own: our badge takes another name, theirs are left alone', async (t) => {
      await br.open(HOSTILE.elements);
      await br.waitFor(settled, null, 'badges, the wrapped caption included');
      const state = await br.evaluate(() => {
        const h = window.__hostile;
        const page = Array.from(h.fn.docQsa.call(document, '[data-page-owned]')).map((el) => ({
          id: el.id,
          text: h.fn.textContent.call(el),
          shadow: h.fn.shadowRoot.call(el) !== null,
          key: el.hasAttribute('data-key') || el.hasAttribute('data-cts-badge'),
          connected: el.isConnected,
        }));
        const ours = h.badges();
        const upgraded = h.fn.docQsa.call(document, '[data-cts-badge][data-page-upgraded]').length;
        return { page, ours, upgraded, constructed: h.constructed, connected: h.connected };
      });
      assert.deepEqual(state.page, [
        { id: 'page-badge', text: 'page badge', shadow: false, key: false, connected: true },
        { id: 'page-badge-in-caption', text: 'page badge', shadow: false, key: false, connected: true },
      ]);
      assert.equal(state.ours.length, 4);
      for (const b of state.ours) assert.match(b.tag, /^cts-badge-[a-z0-9]+$/, 'ours is not the page’s <cts-badge>');
      assert.equal(state.upgraded, 0, 'no badge of ours was made from the page’s class');
      assert.equal(state.connected['cts-badge'], 2, 'the page’s class saw only its own two elements');
      assert.equal(state.constructed['tt-caption'], 1);
      t.diagnostic(`page constructors ran: ${JSON.stringify(state.constructed)}`);

      // The badge works: its panel opens (the panel's own tag is panel.js's business).
      await br.click(() => document.querySelector('article[data-scroll-index="0"] [data-cts-badge]').shadowRoot.querySelector('button'));
      await br.waitFor(
        () => Array.from(document.querySelectorAll('*')).some((el) => el.localName.startsWith('cts-panel') && el.shadowRoot?.querySelector('[role="dialog"]')),
        null,
        'the panel',
      );
      const panel = await br.evaluate(() => {
        const host = Array.from(document.querySelectorAll('*')).find((el) => el.localName.startsWith('cts-panel') && el.shadowRoot);
        return { tag: host.localName, upgraded: host.hasAttribute('data-page-upgraded'), connected: window.__hostile.connected['cts-panel'] };
      });
      t.diagnostic(`panel host: ${JSON.stringify(panel)}`);
      panelOnElementsPage = panel;
      await br.evaluate(() => {
        const host = Array.from(document.querySelectorAll('*')).find((el) => el.localName.startsWith('cts-panel') && el.shadowRoot);
        host.shadowRoot.querySelector('button').click();
      });
      assert.deepEqual(await br.errors(), []);
    });

    test('the panel is not made from the page’s <cts-panel> class either', () => {
      // Chromium's isolated world has no customElements: only CTS.dom.ownTag's probe tells that
      // the page owns the name (a page class without a shadow root was once used for our panel).
      assert.ok(panelOnElementsPage, 'the panel was opened on the page');
      assert.match(panelOnElementsPage.tag, /^cts-panel-[a-z0-9]+$/);
      assert.equal(panelOnElementsPage.upgraded, false, `panel host ${panelOnElementsPage.tag} got the page's connectedCallback`);
      assert.equal(panelOnElementsPage.connected, 0);
    });

    test('a page that removes the badge on every frame: re-inserted once, then left alone for as many frames as it keeps going', async (t) => {
      await br.open(HOSTILE.remover);
      const flagged = [0, 2, 3, 4, 6].map(keyAt);
      await br.waitFor((keys) => keys.every((k) => window.__hostile.insertedByKey[k] === 2), flagged, 'each badge placed, removed, placed again');
      const FRAMES = 120;
      const from = await br.evaluate(() => window.__hostile.removerFrames);
      const before = await br.evaluate(counters);
      const run = () => br.waitFor((n) => window.__hostile.removerFrames >= n, from + FRAMES, `${FRAMES} more frames of the page removing`);
      const tr = br.trace ? await br.trace(run) : (await run(), null);
      const afterN = await br.evaluate(counters);
      for (const k of flagged) assert.equal(afterN.byKey[k], 2, `${k}: inserted, re-inserted once, then never again`);
      assert.equal(afterN.inserted, before.inserted, 'no insertion while the page kept removing');
      assert.equal(afterN.receive, before.receive, 'nothing sent to the background meanwhile');
      assert.equal(await br.evaluate(() => window.__hostile.badges().length), 0);
      t.diagnostic(`during ${FRAMES} frames the content script read the page ${afterN.process - before.process} times`);
      if (tr) {
        t.diagnostic(describeTrace(tr));
        // A loop would place a badge every frame and message the background; giving up leaves
        // only the re-read of known posts the page's churn asks for (~0.5 ms a frame here).
        // Budget: 2 ms of script per frame on average (a frame is 16.7 ms), none of it long.
        timingBudget(t, tr.totalMs < FRAMES * 2, `${round(tr.totalMs)} ms of content script over ${FRAMES} frames`);
        timingBudget(t, tr.maxTaskMs < LONG_TASK_MS, `the content script ran ${round(tr.maxTaskMs)} ms in one task`);
      }
      // Still alive: a caption that changes now is read and badged (and removed by the page).
      await br.evaluate(() => window.__hostile.setCaption(5, '10 signs you have BPD and nobody told you ', true));
      await br.waitFor((k) => window.__hostile.insertedByKey[k] === 2, keyAt(5), 'the new diagnostic post badged (twice, then given up)');
      assert.deepEqual(await br.errors(), []);
    });

    test('hostile captions (1 MB, 10,000 hashtags, emoji, zero-width, right-to-left, markup, lone surrogates) are shown as inert text', async (t) => {
      // Chromium traces the load itself: a blank tab first, then the page in it.
      if (br.trace) await br.open('about:blank');
      const load = async () => {
        await (br.trace ? br.goto(HOSTILE.captions) : br.open(HOSTILE.captions));
        await br.waitFor(() => window.__hostile.captionsReady && window.__hostile.settled(), null, 'a badge on each hostile caption that talks about mental health', 40000);
      };
      const tr = br.trace ? await br.trace(load) : (await load(), null);
      const feed = await br.evaluate(() => window.__hostile.feed().map((a) => a.badges.length));
      assert.deepEqual(feed, HOSTILE_CAPTIONS.map((c) => (c.badge ? 1 : 0)), JSON.stringify(HOSTILE_CAPTIONS.map((c, i) => [c.name, feed[i]])));
      if (tr) {
        t.diagnostic(describeTrace(tr));
        timingBudget(t, tr.maxTaskMs < LONG_TASK_MS, `the content script ran ${round(tr.maxTaskMs)} ms in one task`);
      }
      // Every badge of ours holds only its own structure: a button and six spans of text.
      const shapes = await br.evaluate(() =>
        Array.from(document.querySelectorAll('[data-cts-badge]')).map((b) => Array.from(b.shadowRoot.querySelectorAll('*')).map((e) => e.localName).join(',')),
      );
      for (const s of shapes) assert.equal(s, 'button,span,span,span,span,span,span');

      // The panels: the caption shown as text, whole, with nothing made from it.
      const panelOf = async (i) => {
        await br.click((k) => document.querySelector(`article[data-scroll-index="${k}"] [data-cts-badge]`).shadowRoot.querySelector('button'), i);
        await br.waitFor(
          () => Array.from(document.querySelectorAll('*')).some((el) => el.localName.startsWith('cts-panel') && el.shadowRoot?.querySelector('[role="dialog"]')),
          null,
          `the panel of item ${i}`,
        );
        return br.evaluate(() => {
          const host = Array.from(document.querySelectorAll('*')).find((el) => el.localName.startsWith('cts-panel') && el.shadowRoot);
          const root = host.shadowRoot;
          const text = root.textContent;
          const bad = Array.from(root.querySelectorAll('img, script, iframe, object, embed, [onerror], [onload]')).map((e) => e.localName);
          const h = window.__hostile;
          const result = { bad, markup: text.includes(h.captions.markup), surrogates: text.includes(h.captions.surrogates), length: text.length };
          root.querySelector('button').click();
          return result;
        });
      };
      const surrogates = await panelOf(6);
      assert.ok(surrogates.surrogates, 'the caption with lone surrogates is in the panel unchanged');
      const huge = await panelOf(0);
      t.diagnostic(`the 1 MB caption's panel holds ${huge.length} characters of text`);
      const markup = await panelOf(5);
      assert.deepEqual(markup.bad, []);
      assert.ok(markup.markup, 'the markup caption is in the panel, as text');
      // The popup names the last checklist opened: the creator name that looks like markup.
      const popup = await br.popup('https://www.tiktok.com/foryou*', 'recognised', () => ({
        name: document.getElementById('last-name')?.textContent ?? null,
        bad: document.querySelectorAll('img, iframe, object, embed, [onerror], [onload], b').length,
      }));
      assert.deepEqual(popup, { name: '<img src=x onerror="window.__pwned=4">Dr <b>Evil</b>', bad: 0 });

      // The page stays responsive: its frames keep coming after all this.
      const frames = await br.evaluate(() => window.__hostile.frames);
      await br.waitFor((f) => window.__hostile.frames >= f + 30, frames, '30 more frames');
      assert.equal(await br.evaluate(() => window.__pwned ?? null), null, 'no handler or script from a caption ran');
      assert.equal(br.requested('https://www.tiktok.com/x'), false, 'no <img src=x> was ever made');
      assert.deepEqual(await br.errors(), []);
    });

    test('a page without the known layout: "layout not recognised", then badges once it turns into the known one', async () => {
      await br.open(HOSTILE.morph);
      const pattern = 'https://www.tiktok.com/explore*';
      const unknown = await br.popup(pattern, 'not-recognised');
      assert.match(unknown.state, /^This page's layout is not recognised\./);
      assert.equal(unknown.checked, 0);
      assert.equal(await br.evaluate(() => window.__hostile.badges().length), 0);
      await br.evaluate(() => window.__hostile.morph());
      await br.waitFor(settled, null, 'badges after the page turned into the known layout');
      const known = await br.popup(pattern, 'recognised');
      assert.equal(known.checked, 7);
      assert.equal(known.flagged, 5);
      assert.deepEqual(await br.errors(), []);
    });

    test('the service worker stopped while a batch is in flight: every post still gets its badge', async (t) => {
      if (name !== 'chromium') {
        t.skip('Firefox keeps its background page alive: there is no worker to stop');
        return;
      }
      const { b } = br;
      await br.open(HOSTILE.plain);
      await br.waitFor(settled, null, 'the first screen badged');
      const before = await br.evaluate(counters);
      // Hold the next batch inside the worker: its read of remembered creators never answers.
      const sw = await b.serviceWorker();
      await sw.evaluate(() => {
        const area = chrome.storage.local;
        const get = area.get.bind(area);
        globalThis.__held = 0;
        area.get = (keys) => {
          if (Array.isArray(keys) && keys.some((k) => String(k).startsWith('creator:'))) {
            globalThis.__held += 1;
            return new Promise(() => {});
          }
          return get(keys);
        };
      });
      await br.evaluate(() => {
        window.__hostile.setCaption(1, '10 signs you have BPD and nobody told you ', true);
        window.__hostile.setCaption(5, '3 signs you have anxiety and not just stress ', true);
      });
      await until(() => sw.evaluate(() => globalThis.__held > 0), 'the batch held in the worker');
      await b.stopServiceWorker();
      await br.waitFor(settled, null, 'badges on both changed posts after the retry');
      const afterStop = await br.evaluate(counters);
      assert.equal(afterStop.inserted - before.inserted, 2);
      assert.equal(afterStop.receive - before.receive, 1, 'one answer: the retried batch');
      assert.deepEqual(await br.errors(), []);
    });

    test('the extension reloaded under an open tab: the old script stops quietly, the page keeps working, tabs get the new version', async (t) => {
      await br.open(HOSTILE.plain);
      await br.waitFor(settled, null, 'the first screen badged');
      if (name === 'firefox') {
        // Firefox injects the new version into open tabs: one badge per post, never two.
        const before = await br.evaluate(counters);
        await br.reloadExtension();
        await br.waitFor((n) => window.__hostile.inserted >= n + 5 && window.__hostile.settled(), before.inserted, 'the new version’s badges, the old ones gone');
        const now = await br.evaluate(counters);
        assert.equal(now.removed - before.removed, 5, 'the old badges were removed');
        await br.evaluate(() => window.__hostile.setCaption(1, '10 signs you have BPD and nobody told you ', true));
        await br.waitFor(settled, null, 'the new version follows the page');
        assert.deepEqual(await br.errors(), []);
        return;
      }
      const { b } = br;
      const oldPage = br.page;
      // The worker stopped first, so the old script has no open port to learn of the reload from:
      // it must notice by itself, on its next read or click.
      await b.stopServiceWorker();
      // Reload as the extensions page does (developer mode: Chromium refuses to reload a
      // command-line extension otherwise).
      const ext = await b.page();
      await ext.goto('chrome://extensions');
      await ext.evaluate((id) => new Promise((resolve, reject) => {
        chrome.developerPrivate.updateProfileConfiguration({ inDeveloperMode: true }, () => {
          chrome.developerPrivate.reload(id, { failQuietly: true }, () => (chrome.runtime.lastError ? reject(new Error(chrome.runtime.lastError.message)) : resolve()));
        });
      }), b.extensionId);
      await ext.close();
      await until(() => b.evaluateInContentScript(oldPage, () => typeof chrome.runtime?.id === 'undefined'), 'the old content script cut off');
      assert.equal(await br.evaluate(() => window.__hostile.badges().length), 5, 'the old badges are still up');
      // A click on an old badge: no panel (it could not be filled), no error; the old script
      // stops and takes its badges with it.
      await br.click(() => document.querySelector('[data-cts-badge]').shadowRoot.querySelector('button'));
      await br.waitFor(() => window.__hostile.badges().length === 0, null, 'the old badges gone');
      assert.equal(await br.evaluate(() => Array.from(document.querySelectorAll('*')).some((el) => el.localName.startsWith('cts-panel'))), false, 'no panel');
      await br.evaluate(() => window.__hostile.setCaption(1, '10 signs you have BPD and nobody told you ', true));
      // From now on the page's changes cost the old script nothing: it no longer observes.
      const tr = await br.trace(async () => {
        await br.evaluate(() => {
          window.__hostile.setCaption(5, '3 signs you have anxiety and not just stress ', true);
          document.getElementById('column-list-container').append(document.createElement('div'));
        });
        const n = await br.evaluate(() => window.__hostile.quiet());
        await br.waitFor((k) => window.__hostile.quieted >= k, n, 'the page quiet again');
      });
      t.diagnostic(describeTrace(tr));
      assert.equal(tr.samples, 0, 'no content-script code ran after the stop');
      assert.deepEqual(br.errors(), [], 'nothing thrown into the page or logged');
      // The page itself keeps working.
      const frames = await br.evaluate(() => window.__hostile.frames);
      await br.waitFor((f) => window.__hostile.frames >= f + 10, frames, 'the page’s frames');
      // A fresh load gets the new version's badges, once each.
      await br.open(HOSTILE.plain);
      await br.waitFor(settled, null, 'badges from the new version');
      assert.deepEqual(br.errors(), []);
    });

    test('nothing tried to leave the machine', () => {
      assert.deepEqual(br.offSite(), []);
    });
  });
}
