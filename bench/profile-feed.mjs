// Where the content script spends the page's main thread: a CPU profile (CDP Profiler) of the
// benchmark feed with the extension on, summed by function and file (self time).
//   node bench/profile-feed.mjs [posts]
import { FEED_HTML, feedScript } from './feed-page.mjs';
import { launchChromium } from '../tests/harness/chromium.mjs';
import { DIST, frontPage } from './dist.mjs';

const posts = Number(process.argv[2] ?? 1000);
const browser = await launchChromium({ dist: `${DIST}/chrome` });
try {
  browser.serveSite({
    'https://www.tiktok.com/foryou': { html: FEED_HTML },
    'https://www.tiktok.com/__bench/feed.js': { body: feedScript(), contentType: 'text/javascript' },
  });
  const page = await frontPage(browser);
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await page.goto(`https://www.tiktok.com/foryou?posts=${posts}`);
  await cdp.send('Profiler.start');
  await page.waitForFunction(() => window.__bench?.done, null, { timeout: 600_000, polling: 200 });
  const { profile } = await cdp.send('Profiler.stop');
  const dt = new Map();
  const total = profile.timeDeltas.reduce((a, b) => a + b, 0);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + profile.timeDeltas[i]);
  for (const [id, us] of self) {
    const f = byId.get(id).callFrame;
    const key = `${f.functionName || '(anon)'} ${f.url.replace(/^.*\/\/[^/]+/, '')}:${f.lineNumber + 1}`;
    dt.set(key, (dt.get(key) ?? 0) + us);
  }
  const rows = [...dt].sort((a, b) => b[1] - a[1]).slice(0, 25);
  console.log(`total sampled ${(total / 1000).toFixed(0)} ms; self time:`);
  for (const [k, us] of rows) console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${k}`);
  // Inclusive time of the extension's functions (a sample counts once per function on its
  // stack), so native calls made from our code (postMessage, DOM calls) are charged to it; and
  // the extension's total: samples with any extension frame on the stack.
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const isOurs = (f) => f.url.startsWith('chrome-extension://');
  const inclusive = new Map();
  let ours = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const seen = new Set();
    for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id).callFrame;
      if (!isOurs(f)) continue;
      seen.add(`${f.functionName || '(anon)'} ${f.url.replace(/^.*\/\/[^/]+/, '')}:${f.lineNumber + 1}`);
    }
    if (seen.size) ours += profile.timeDeltas[i];
    for (const k of seen) inclusive.set(k, (inclusive.get(k) ?? 0) + profile.timeDeltas[i]);
  }
  console.log(`\nextension (any frame of ours on the stack): ${(ours / 1000).toFixed(1)} ms = ${((ours / 1000 / posts) * 100).toFixed(1)} ms per 100 posts; inclusive:`);
  for (const [k, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${k}`);
} finally {
  await browser.close();
}
