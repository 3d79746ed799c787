// The scripted feed in real browsers (issue 5): the extension on versus off on the same generated
// TikTok-like feed at the real URL, alternating runs so the ratio holds on a noisy machine.
//
//   node bench/feed.mjs [--pairs 3] [--posts 2000]     (run by ./build.sh bench after ./build.sh)
//   (the extension comes from $CTS_DIST when set, else dist/, as ./build.sh writes it)
//
// Prints JSON with, per browser: main-thread script and task time on vs off (CDP Performance
// metrics), long tasks, post-to-badge latency p50/p95 (the service worker stopped before each run,
// so the first batch pays its cold start), background per-batch analysis time, and heap after
// 500 and 5,000 posts.
import { FEED_HTML, feedScript } from './feed-page.mjs';
import { launchChromium } from '../tests/harness/chromium.mjs';
import { launchFirefox } from '../tests/harness/firefox.mjs';
import { DIST, frontPage } from './dist.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const PAIRS = arg('pairs', 3);
/** `--skip heap,firefox`: leave parts out while iterating (./build.sh bench runs everything). */
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
    // The content script's own script time (its User Timing measures; cts:read is inside cts:process).
    own_ms: round(['cts:observe', 'cts:process', 'cts:receive'].reduce((n, k) => n + (bench.cts?.[k]?.ms ?? 0), 0)),
    own_measures: Object.fromEntries(Object.entries(bench.cts ?? {}).map(([k, c]) => [k, { n: c.n, ms: round(c.ms), max_ms: round(c.max, 2) }])),
    long_task_ms: round(bench.longTasks.reduce((n, t) => n + t.duration, 0)),
  };
}

async function chromiumRun(extension) {
  const browser = await launchChromium({ dist: `${DIST}/chrome`, extension });
  try {
    browser.serveSite(SITE);
    if (extension) await browser.stopServiceWorker();
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
      result.background_batches = measures.analyze.length;
      result.background_batch_p50_ms = round(quantile(measures.analyze, 0.5), 2);
      result.background_batch_p95_ms = round(quantile(measures.analyze, 0.95), 2);
      result.background_init_ms = round(measures.init[0], 1);
      // The first batch after a cold start also compiles the regexes it needs.
      result.background_first_batch_ms = round(measures.analyze[0], 1);
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

async function firefoxRun() {
  const browser = await launchFirefox({ dist: `${DIST}/firefox` });
  try {
    browser.serveSite(SITE);
    await browser.get(`https://www.tiktok.com/foryou?posts=${POSTS}`);
    const read = () => browser.driver.executeScript('return JSON.parse(JSON.stringify(window.__bench || {}))');
    await until(read, (b) => b.done, 600_000);
    const settled = await until(read, (b) => Object.keys(b.mh).every((id) => id in b.badged), 5_000);
    return summarise(settled);
  } finally {
    await browser.close();
  }
}

const on = [];
const off = [];
for (let i = 0; i < PAIRS; i++) {
  log(`chromium pair ${i + 1}/${PAIRS}: on`);
  on.push(await chromiumRun(true));
  log(`chromium pair ${i + 1}/${PAIRS}: off`);
  off.push(await chromiumRun(false));
}
log('chromium heap, 500 → 5000 posts');
let heap = null;
if (!SKIP.has('heap')) {
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
log('firefox');
const firefox = SKIP.has('firefox') ? null : await firefoxRun();

const med = (runs, key) => quantile(runs.map((r) => r[key]).filter(Number.isFinite), 0.5);
const chromium = {
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
