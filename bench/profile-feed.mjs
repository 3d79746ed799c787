// Where the content script spends the page's main thread: a CPU profile (CDP Profiler) of the
// benchmark feed with the extension on, summed by function and file (self time).
//   node bench/profile-feed.mjs [posts]
import { FEED_HTML, feedScript } from './feed-page.mjs';
import { launchChromium } from '../tests/harness/chromium.mjs';
import { DIST } from './dist.mjs';

const posts = Number(process.argv[2] ?? 1000);
const browser = await launchChromium({ dist: `${DIST}/chrome` });
try {
  browser.serveSite({
    'https://www.tiktok.com/foryou': { html: FEED_HTML },
    'https://www.tiktok.com/__bench/feed.js': { body: feedScript(), contentType: 'text/javascript' },
  });
  const page = await browser.page();
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
  console.log(`total sampled ${(total / 1000).toFixed(0)} ms`);
  for (const [k, us] of rows) console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${k}`);
} finally {
  await browser.close();
}
