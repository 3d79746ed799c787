// Where `TaskDuration on − off` goes: a Chrome trace (CDP Tracing, devtools.timeline) of the
// benchmark feed with the extension on and then off, the renderer main thread's time summed by
// event (script, style, layout, paint, garbage collection, extension messaging, idle callbacks).
//   node bench/trace-feed.mjs [posts]      (extension from $CTS_DIST, else dist/)
// Only "complete" events with a duration are summed, each by its own name, so nested events are
// counted in their parent too (RunTask holds everything; FunctionCall holds the script it ran).
import { FEED_HTML, feedScript } from './feed-page.mjs';
import { launchChromium } from '../tests/harness/chromium.mjs';
import { DIST, frontPage } from './dist.mjs';

const posts = Number(process.argv[2] ?? 1000);
const SITE = {
  'https://www.tiktok.com/foryou': { html: FEED_HTML },
  'https://www.tiktok.com/__bench/feed.js': { body: feedScript(), contentType: 'text/javascript' },
};
const CATEGORIES = ['toplevel', 'devtools.timeline', 'blink.user_timing', 'extensions', 'ipc'];
/** The sum of `FunctionCall` events whose script is the extension's (added under this name). */
const EXT_CALL = 'FunctionCall (extension scripts)';

async function trace(extension) {
  const browser = await launchChromium({ dist: `${DIST}/chrome`, extension });
  try {
    browser.serveSite(SITE);
    const page = await frontPage(browser);
    const cdp = await browser.context.newCDPSession(page);
    const events = [];
    cdp.on('Tracing.dataCollected', ({ value }) => events.push(...value));
    const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await page.goto(`https://www.tiktok.com/foryou?posts=${posts}&pauseAt=0`);
    await cdp.send('Tracing.start', { traceConfig: { includedCategories: CATEGORIES, recordMode: 'recordAsMuchAsPossible' }, transferMode: 'ReportEvents' });
    await page.evaluate(() => window.__bench.resume());
    await page.waitForFunction(() => window.__bench?.done, null, { timeout: 600_000, polling: 200 });
    await cdp.send('Tracing.end');
    const { dataLossOccurred } = await complete;
    if (dataLossOccurred) console.error(`trace-feed: the trace buffer filled (extension ${extension ? 'on' : 'off'}): sums are short`);
    // The page's renderer main thread: the thread that ran the feed's own script.
    const threadNames = new Map(events.filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args.name]));
    const feed = events.find((e) => e.name === 'FunctionCall' && /__bench\/feed\.js/.test(e.args?.data?.url ?? ''));
    const main = feed ? `${feed.pid}:${feed.tid}` : [...threadNames].find(([, n]) => n === 'CrRendererMain')?.[0];
    const sums = new Map();
    const add = (name, e) => {
      const s = sums.get(name) ?? { n: 0, ms: 0, cpu: 0 };
      s.n += 1;
      s.ms += e.dur / 1000;
      s.cpu += (e.tdur ?? 0) / 1000;
      sums.set(name, s);
    };
    for (const e of events) {
      if (`${e.pid}:${e.tid}` !== main || e.ph !== 'X' || typeof e.dur !== 'number') continue;
      add(e.name, e);
      // The content script's own calls (its observer callback, port listener, idle callback),
      // wherever they run: in the page's tasks as much as in its own.
      if (e.name === 'FunctionCall' && /^chrome-extension:/.test(e.args?.data?.url ?? '')) add(EXT_CALL, e);
    }
    return sums;
  } finally {
    await browser.close();
  }
}

const on = await trace(true);
const off = await trace(false);
const names = new Set([...on.keys(), ...off.keys()]);
// Wall time (`dur`) and the thread's CPU time (`tdur`): on a shared machine the CPU time is the
// steadier of the two (a task descheduled by the OS keeps its wall time running).
const rows = [...names].map((k) => [k, on.get(k)?.ms ?? 0, off.get(k)?.ms ?? 0, on.get(k)?.n ?? 0, off.get(k)?.n ?? 0, on.get(k)?.cpu ?? 0, off.get(k)?.cpu ?? 0]);
rows.sort((a, b) => b[1] - b[2] - (a[1] - a[2]));
console.log(`renderer main thread, ${posts} posts: wall ms on, off, on − off per 100 posts | CPU ms on, off, on − off per 100 posts | events on/off`);
const KEY = ['RunTask', 'FireIdleCallback', 'Receive mojo message', 'FunctionCall', 'UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Commit', 'Layerize', 'MinorGC', 'MajorGC', 'UserTiming::Measure'];
const per100 = (x) => ((x / posts) * 100).toFixed(2).padStart(8);
for (const [k, a, b, na, nb, ca, cb] of [...rows.filter((r) => KEY.includes(r[0])), ...rows.filter((r) => !KEY.includes(r[0])).slice(0, 12)]) {
  console.log(`${a.toFixed(1).padStart(9)} ${b.toFixed(1).padStart(9)} ${per100(a - b)} | ${ca.toFixed(1).padStart(9)} ${cb.toFixed(1).padStart(9)} ${per100(ca - cb)} | ${String(na).padStart(6)}/${String(nb).padEnd(6)} ${k}`);
}
// The summary BENCHMARKS.md quotes: CPU ms per 100 posts, on − off, by kind of work.
const cpu = (m, names) => names.reduce((n, k) => n + (m.get(k)?.cpu ?? 0), 0);
const count = (m, k) => m.get(k)?.n ?? 0;
const SUMMARY = [
  ['every task on the main thread', ['ThreadControllerImpl::RunTask']],
  ['idle callbacks', ['FireIdleCallback']],
  ['extension messages received', ['Receive mojo message']],
  ["the extension's scripts (any task)", [EXT_CALL]],
  ['style recalculation', ['UpdateLayoutTree']],
  ['layout', ['Layout']],
  ['paint + pre-paint + layerize', ['Paint', 'PrePaint', 'Layerize']],
  ['User Timing measures', ['UserTiming::Measure']],
];
console.log(`\nsummary, CPU ms per 100 posts (${posts} posts), on − off:`);
for (const [label, names] of SUMMARY) console.log(`${per100(cpu(on, names) - cpu(off, names))}  ${label}`);
console.log(`frames (Paint events) on / off: ${count(on, 'Paint')} / ${count(off, 'Paint')}; PrePaint ${count(on, 'PrePaint')} / ${count(off, 'PrePaint')}; idle callbacks ${count(on, 'FireIdleCallback')}; messages received ${count(on, 'Receive mojo message')} / ${count(off, 'Receive mojo message')}`);
