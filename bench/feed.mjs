// The scripted feed in real browsers (issue 5): the extension on versus off on the same generated
// TikTok-like feed at the real URL, alternating runs so the ratio holds on a noisy machine.
//
//   node bench/feed.mjs [--pairs 3] [--posts 2000]     (run by ./build.sh bench after ./build.sh)
//   (the extension comes from $CTS_DIST when set, else dist/, as ./build.sh writes it)
//
// Prints JSON with, per browser: main-thread script and task time on vs off (CDP Performance
// metrics), long tasks, post-to-badge latency p50/p95 (the service worker stopped before each run,
// so the first batch pays its cold start), background per-batch analysis time, and heap after
// 500 and 5,000 posts. Firefox: latency, the background page's timings (stopped before the run
// too) and heap (its memory reports, GC forced in every process: firefoxReports below).
import { FEED_HTML, feedScript } from './feed-page.mjs';
import { launchChromium } from '../tests/harness/chromium.mjs';
import { launchFirefox } from '../tests/harness/firefox.mjs';
import { DIST, frontPage } from './dist.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const PAIRS = arg('pairs', 3);
/** `--skip heap,firefox,chromium`: leave parts out while iterating (./build.sh bench runs everything). */
const SKIP = new Set((process.argv.includes('--skip') ? process.argv[process.argv.indexOf('--skip') + 1] : '').split(','));
const POSTS = arg('posts', 2000);
const SITE = {
  'https://www.tiktok.com/foryou': { html: FEED_HTML },
  'https://www.tiktok.com/__bench/feed.js': { body: feedScript(), contentType: 'text/javascript' },
};
const log = (...a) => console.error('[feed]', ...a);
const quantile = (xs, q) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const round = (x, d = 1) => (Number.isFinite(x) ? +x.toFixed(d) : null);

/**
 * The background's figures from its User Timing (`cts:analyze` per batch, `cts:init` per engine
 * start), the same for both browsers. The first batch after a cold start also compiles the
 * regexes it needs.
 */
function backgroundFigures(result, measures) {
  result.background_batches = measures.analyze.length;
  result.background_batch_p50_ms = round(quantile(measures.analyze, 0.5), 2);
  result.background_batch_p95_ms = round(quantile(measures.analyze, 0.95), 2);
  result.background_init_ms = round(measures.init[0], 1);
  result.background_first_batch_ms = round(measures.analyze[0], 1);
}

/** Polls `read()` until `ok(value)`, for at most `ms`; returns the last value (a benchmark, not a test). */
async function until(read, ok, ms) {
  const end = Date.now() + ms;
  let v = await read();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    v = await read();
  }
  return v;
}

function summarise(bench) {
  const latencies = [];
  let falseBadges = 0;
  for (const [id, t] of Object.entries(bench.badged)) {
    if (!bench.mh[id]) falseBadges++;
    else latencies.push(t - bench.inserted[id]);
  }
  const mhPosts = Object.keys(bench.mh).length;
  return {
    posts: bench.appended,
    mh_posts: mhPosts,
    badged_mh: latencies.length,
    badges_on_other_posts: falseBadges,
    latency_p50_ms: round(quantile(latencies, 0.5)),
    latency_p95_ms: round(quantile(latencies, 0.95)),
    long_tasks: bench.longTasks.length,
    // The content script's own script time: its User Timing measures (cts:observe, cts:process,
    // cts:receive; switched on by enableMeasures(), off for a person), summed by the page.
    own_ms: round(['cts:observe', 'cts:process', 'cts:receive'].reduce((n, k) => n + (bench.cts?.[k]?.ms ?? 0), 0)),
    own_measures: Object.fromEntries(Object.entries(bench.cts ?? {}).map(([k, c]) => [k, { n: c.n, ms: round(c.ms), max_ms: round(c.max, 2) }])),
    long_task_ms: round(bench.longTasks.reduce((n, t) => n + t.duration, 0)),
  };
}

async function chromiumRun(extension) {
  const browser = await launchChromium({ dist: `${DIST}/chrome`, extension });
  try {
    browser.serveSite(SITE);
    if (extension) {
      await browser.enableMeasures(); // the page sums the content script's cts:* measures
      await browser.stopServiceWorker();
    }
    const page = await frontPage(browser);
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(`https://www.tiktok.com/foryou?posts=${POSTS}`);
    const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    const before = await metrics();
    const bench = await until(() => page.evaluate(() => ({ ...window.__bench })), (b) => b.done, 600_000);
    // Let the last badges arrive (bounded).
    const settled = await until(
      () => page.evaluate(() => ({ ...window.__bench })),
      (b) => !extension || Object.keys(b.mh).every((id) => id in b.badged),
      5_000,
    );
    const after = await metrics();
    const result = {
      ...summarise(settled ?? bench),
      script_ms: round((after.ScriptDuration - before.ScriptDuration) * 1000),
      task_ms: round((after.TaskDuration - before.TaskDuration) * 1000),
    };
    if (extension) {
      const worker = await browser.serviceWorker();
      const measures = await worker.evaluate(() => ({
        analyze: performance.getEntriesByName('cts:analyze').map((e) => e.duration),
        init: performance.getEntriesByName('cts:init').map((e) => e.duration),
      }));
      backgroundFigures(result, measures);
    }
    return result;
  } finally {
    await browser.close();
  }
}

/**
 * The extension service worker's JS heap after a forced GC, through CDP on its own target
 * (Playwright gives no CDP session for a worker, so the page's session relays: Target domain,
 * non-flat). The engine's WebAssembly memory is outside V8's heap and is not in this figure.
 */
async function workerHeap(browser, cdp) {
  const { targetInfos } = await cdp.send('Target.getTargets');
  const sw = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(browser.extensionOrigin));
  if (!sw) return null;
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: sw.targetId, flatten: false });
  let next = 1;
  const waiting = new Map();
  const onMessage = (e) => {
    if (e.sessionId !== sessionId) return;
    const m = JSON.parse(e.message);
    waiting.get(m.id)?.(m);
    waiting.delete(m.id);
  };
  cdp.on('Target.receivedMessageFromTarget', onMessage);
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, (m) => (m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result)));
      cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
    });
  try {
    await send('HeapProfiler.collectGarbage');
    return (await send('Runtime.getHeapUsage')).usedSize;
  } finally {
    cdp.off('Target.receivedMessageFromTarget', onMessage);
    await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => {});
  }
}

/**
 * Heap after 500 and after 5,000 posts (GC forced), in the page (its isolate: the page's world and
 * the content script's) and, with the extension, in the service worker. Run with the extension
 * off too: the page's own records (when each post came, when its badge did) grow with the feed,
 * so the extension's share is the growth on minus the growth off.
 */
async function chromiumHeap(extension) {
  const browser = await launchChromium({ dist: `${DIST}/chrome`, extension });
  try {
    browser.serveSite(SITE);
    const page = await frontPage(browser);
    const cdp = await browser.context.newCDPSession(page);
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };
    await page.goto('https://www.tiktok.com/foryou?posts=5000&pauseAt=500&batch=10&tick=20');
    await until(() => page.evaluate(() => window.__bench.paused), Boolean, 120_000);
    // Let the last badges of the first 500 arrive before measuring (bounded wait).
    if (extension) await until(() => page.evaluate(() => Object.keys(window.__bench.mh).every((id) => id in window.__bench.badged)), Boolean, 10_000);
    const at500 = await heap();
    const worker500 = extension ? await workerHeap(browser, cdp) : null;
    await page.evaluate(() => window.__bench.resume());
    await until(() => page.evaluate(() => window.__bench.done), Boolean, 600_000);
    if (extension) await until(() => page.evaluate(() => Object.keys(window.__bench.mh).every((id) => id in window.__bench.badged)), Boolean, 10_000);
    const at5000 = await heap();
    const worker5000 = extension ? await workerHeap(browser, cdp) : null;
    const mb = (x) => (x === null ? null : round(x / 1e6, 2));
    return {
      page_heap_500_mb: mb(at500),
      page_heap_5000_mb: mb(at5000),
      growth_mb: mb(at5000 - at500),
      worker_heap_500_mb: mb(worker500),
      worker_heap_5000_mb: mb(worker5000),
      worker_growth_mb: worker500 === null || worker5000 === null ? null : mb(worker5000 - worker500),
    };
  } finally {
    await browser.close();
  }
}

/**
 * Firefox rounds performance.now() to 1 ms (privacy.reduceTimerPrecision) in pages and extensions
 * alike, too coarse for a batch of ~1 ms; the benchmark's profiles turn that off (its tests' don't).
 */
const FIREFOX_PREFS = { 'privacy.reduceTimerPrecision': false };

/** Runs `script` (with `args`) as privileged JS in Firefox's parent process (the chrome context). */
async function inChrome(browser, script, ...args) {
  await browser.driver.setContext('chrome');
  try {
    return await browser.driver.executeAsyncScript(script, ...args);
  } finally {
    await browser.driver.setContext('content');
  }
}

/**
 * Firefox's memory reports, about:memory's, from every process: `getReportsExtended` with
 * `minimize` set has each process run its GC and cycle collector (three rounds, as about:memory's
 * "Minimize memory usage") before it reports, so this is the GC-forced reading Chromium's
 * `HeapProfiler.collectGarbage` gives. Only the explicit reports, as [process, path, bytes], with
 * the paths' URLs back to forward slashes.
 */
async function firefoxReports(browser) {
  return inChrome(browser, `
    const done = arguments[arguments.length - 1];
    const reports = [];
    Cc['@mozilla.org/memory-reporter-manager;1'].getService(Ci.nsIMemoryReporterManager).getReportsExtended(
      (process, path, kind, units, amount) => {
        if (units === Ci.nsIMemoryReporter.UNITS_BYTES && path.startsWith('explicit/')) reports.push([process, path.replaceAll('\\\\', '/'), amount]);
      }, null,
      () => done(reports), null,
      false /* anonymize */, true /* minimize: GC + CC in every process first */, '' /* no DMD */);`);
}

// Not live JS data: free cells inside GC arenas and their bookkeeping (they vary with how the
// last GC left the arenas), and the WebAssembly engine's linear memory and compiled code (outside
// the JS heap in V8 too; reported on their own).
const NOT_JS_HEAP = /\/(unused-gc-things|gc-heap-arena-admin)$|\/non-heap\/(elements|code)\/wasm$/;
const WASM_MEMORY = /\/non-heap\/elements\/wasm$/;
const sum = (rows) => rows.reduce((n, [, , bytes]) => n + bytes, 0);

/**
 * From the memory reports, in bytes:
 * - `page_js`: the feed tab's JavaScript heap, i.e. its zone: the page's realm, the content
 *   scripts' realms (ours and Firefox's built-in web-compat one, present on and off alike) and
 *   what they share (strings, shapes, wrappers), which is what V8's heap usage counts for a page;
 * - `content_script_js`: our content script's own realm alone (the zone's shared parts not in it);
 * - `page_total`: everything the tab's window reports (DOM nodes, including orphans kept alive,
 *   layout, style) plus the content scripts' realms;
 * - `background_js`, `background_wasm`, `background_total`, `background_window`: the same for the
 *   extension's background page (an event page in the extension process), its engine's
 *   WebAssembly memory apart, and the window id (a restarted event page gets a new one);
 * - `page_process_total`, `extension_process_total`: the two processes' explicit memory.
 */
function firefoxHeap(reports, extensionOrigin) {
  const feed = reports.filter(([, p]) => /^explicit\/window-objects\/top\(https:\/\/www\.tiktok\.com(:\d+)?\/foryou[?,]/.test(p));
  const tops = new Set(feed.map(([proc, p]) => `${proc} ${p.match(/^explicit\/window-objects\/top\([^)]*\)/)[0]}`));
  if (tops.size !== 1) throw new Error(`expected one feed tab in Firefox's memory reports, found ${tops.size}: ${[...tops].join('; ')}`);
  const [proc] = feed[0];
  const zone = feed.map(([, p]) => p.match(/\/js-zone\((0x[0-9a-f]+)\)\//)?.[1]).find(Boolean);
  if (!zone) throw new Error("no JS zone in the feed tab's memory reports");
  const nonWindow = reports.filter(([pr, p]) => pr === proc && p.startsWith(`explicit/js-non-window/zones/zone(${zone})/`));
  const isJs = ([, p]) => /\/js-(zone|realm)\(/.test(p) && !NOT_JS_HEAP.test(p);
  const result = {
    page_js: sum(feed.filter(isJs)) + sum(nonWindow.filter(([, p]) => !NOT_JS_HEAP.test(p))),
    content_script_js: sum(nonWindow.filter(([, p]) => p.includes(`, ${extensionOrigin}/]], Content Script`) && !NOT_JS_HEAP.test(p))),
    page_total: sum(feed) + sum(nonWindow),
    // The whole content process the feed tab has to itself (Fission: one per site), Firefox's own
    // privileged code there included: what our content script's messaging costs outside its realm.
    page_process_total: sum(reports.filter(([pr]) => pr === proc)),
  };
  if (!extensionOrigin) return result;
  const bgTop = `explicit/window-objects/top(${extensionOrigin}/_generated_background_page.html, id=`;
  const bg = reports.filter(([, p]) => p.startsWith(bgTop));
  if (bg.length === 0) return { ...result, background_js: null, background_wasm: null, background_total: null, extension_process_total: null, background_window: null };
  const bgWindows = new Set(bg.map(([, p]) => p.slice(bgTop.length).match(/^\d+/)[0]));
  if (bgWindows.size !== 1) throw new Error(`expected one background page, found windows ${[...bgWindows].join(', ')}`);
  return {
    ...result,
    background_js: sum(bg.filter(isJs)),
    background_wasm: sum(bg.filter(([, p]) => WASM_MEMORY.test(p))),
    background_total: sum(bg),
    // The extension process: every add-on's background page (Firefox's built-in ones too) and the
    // WebExtension machinery that carries our messages, which is not in the background's figures.
    extension_process_total: sum(reports.filter(([pr]) => pr.startsWith('extension '))),
    background_window: Number([...bgWindows][0]),
  };
}

/**
 * Firefox's heap after 500 and after 5,000 posts, the same protocol as chromiumHeap (and the same
 * feed URL): GC forced in every process before each reading, with the extension on and off.
 */
async function firefoxHeapRun(extension) {
  const browser = await launchFirefox({ dist: `${DIST}/firefox`, extension, prefs: FIREFOX_PREFS });
  try {
    browser.serveSite(SITE);
    const d = browser.driver;
    const origin = extension ? browser.extensionOrigin : null;
    const badgesIn = () => extension
      ? until(() => d.executeScript('return Object.keys(window.__bench.mh).every((id) => id in window.__bench.badged)'), Boolean, 10_000)
      : null;
    await browser.get('https://www.tiktok.com/foryou?posts=5000&pauseAt=500&batch=10&tick=20');
    await until(() => d.executeScript('return Boolean(window.__bench && window.__bench.paused)'), Boolean, 120_000);
    await badgesIn();
    const at500 = firefoxHeap(await firefoxReports(browser), origin);
    await d.executeScript('window.__bench.resume()');
    await until(() => d.executeScript('return window.__bench.done'), Boolean, 600_000);
    await badgesIn();
    const at5000 = firefoxHeap(await firefoxReports(browser), origin);
    const mb = (x) => (x === null || x === undefined ? null : round(x / 1e6, 2));
    const growth = (k) => (at500[k] === null || at5000[k] === null ? null : mb(at5000[k] - at500[k]));
    const out = {};
    for (const k of Object.keys(at500)) {
      if (k === 'background_window') continue;
      out[`${k}_500_mb`] = mb(at500[k]);
      out[`${k}_5000_mb`] = mb(at5000[k]);
      out[`${k}_growth_mb`] = growth(k);
    }
    // A background page restarted between the readings (event pages stop when idle) would make
    // its growth meaningless, as would one missing from the reports: say so rather than print it.
    if (extension) out.background_same_page = at500.background_window !== null && at500.background_window === at5000.background_window;
    return out;
  } finally {
    await browser.close();
  }
}

async function firefoxRun() {
  const browser = await launchFirefox({ dist: `${DIST}/firefox`, prefs: FIREFOX_PREFS });
  try {
    browser.serveSite(SITE);
    await browser.enableMeasures(); // the page sums the content script's cts:* measures
    // Stop the background page (an event page: Firefox stops it when idle, as Chrome does its
    // service worker), so the first batch pays its cold start, as in the Chromium runs.
    const stopped = await inChrome(browser, `
      const [id, done] = arguments;
      const { ExtensionParent } = ChromeUtils.importESModule('resource://gre/modules/ExtensionParent.sys.mjs');
      const extension = ExtensionParent.GlobalManager.getExtension(id);
      extension.promiseBackgroundStarted().then(() => extension.terminateBackground())
        .then(() => done(extension.backgroundState), (e) => done(String(e)));`, browser.geckoId);
    if (stopped !== 'stopped') throw new Error(`Firefox's background page did not stop: ${stopped}`);
    await browser.get(`https://www.tiktok.com/foryou?posts=${POSTS}`);
    const read = () => browser.driver.executeScript('return JSON.parse(JSON.stringify(window.__bench || {}))');
    await until(read, (b) => b.done, 600_000);
    const settled = await until(read, (b) => Object.keys(b.mh).every((id) => id in b.badged), 5_000);
    const result = summarise(settled);
    // The background's User Timing (background.js), read from an extension page: in Firefox it
    // shares the background page's process and reaches its window with runtime.getBackgroundPage().
    await browser.openExtensionPage('options/options.html');
    const measures = await browser.driver.executeAsyncScript(`
      const done = arguments[arguments.length - 1];
      browser.runtime.getBackgroundPage().then((w) => done({
        analyze: w.performance.getEntriesByName('cts:analyze').map((e) => e.duration),
        init: w.performance.getEntriesByName('cts:init').map((e) => e.duration),
      }), (e) => done({ error: String(e) }));`);
    if (measures.error) throw new Error(`Firefox background page's measures: ${measures.error}`);
    backgroundFigures(result, measures);
    return result;
  } finally {
    await browser.close();
  }
}

const on = [];
const off = [];
for (let i = 0; i < (SKIP.has('chromium') ? 0 : PAIRS); i++) {
  log(`chromium pair ${i + 1}/${PAIRS}: on`);
  on.push(await chromiumRun(true));
  log(`chromium pair ${i + 1}/${PAIRS}: off`);
  off.push(await chromiumRun(false));
}
let heap = null;
if (!SKIP.has('heap') && !SKIP.has('chromium')) {
  log('chromium heap, 500 → 5000 posts');
  const on = await chromiumHeap(true);
  log('chromium heap, extension off');
  const off = await chromiumHeap(false);
  heap = {
    ...on,
    page_heap_off_500_mb: off.page_heap_500_mb,
    page_heap_off_5000_mb: off.page_heap_5000_mb,
    growth_off_mb: off.growth_mb,
    // What the budget is judged on: the page's growth with the extension beyond its growth without.
    extension_growth_mb: round(on.growth_mb - off.growth_mb, 2),
  };
}
let firefox = null;
if (!SKIP.has('firefox')) {
  log('firefox');
  firefox = await firefoxRun();
  if (!SKIP.has('heap')) {
    log('firefox heap, 500 → 5000 posts');
    const on = await firefoxHeapRun(true);
    log('firefox heap, extension off');
    const off = await firefoxHeapRun(false);
    firefox.heap = {
      ...on,
      page_js_off_500_mb: off.page_js_500_mb,
      page_js_off_5000_mb: off.page_js_5000_mb,
      page_js_off_growth_mb: off.page_js_growth_mb,
      page_total_off_growth_mb: off.page_total_growth_mb,
      page_process_total_off_growth_mb: off.page_process_total_growth_mb,
      // As for Chromium: the page's growth with the extension beyond its growth without.
      extension_growth_mb: round(on.page_js_growth_mb - off.page_js_growth_mb, 2),
    };
  }
}

const med = (runs, key) => quantile(runs.map((r) => r[key]).filter(Number.isFinite), 0.5);
const chromium = SKIP.has('chromium') ? null : {
  runs_on: on,
  runs_off: off,
  script_ms_on: med(on, 'script_ms'),
  script_ms_off: med(off, 'script_ms'),
  script_ratio_on_off: round(med(on, 'script_ms') / med(off, 'script_ms'), 3),
  extension_ms_per_100_posts: round(((med(on, 'task_ms') - med(off, 'task_ms')) / POSTS) * 100, 2),
  extension_own_ms_per_100_posts: round((med(on, 'own_ms') / POSTS) * 100, 2),
  long_tasks_on: med(on, 'long_tasks'),
  long_tasks_off: med(off, 'long_tasks'),
  latency_p50_ms: med(on, 'latency_p50_ms'),
  latency_p95_ms: med(on, 'latency_p95_ms'),
  background_batch_p50_ms: med(on, 'background_batch_p50_ms'),
  background_batch_p95_ms: med(on, 'background_batch_p95_ms'),
  background_init_ms: med(on, 'background_init_ms'),
  background_first_batch_ms: med(on, 'background_first_batch_ms'),
  heap,
};
console.log(JSON.stringify({ posts: POSTS, pairs: PAIRS, chromium, firefox }));
