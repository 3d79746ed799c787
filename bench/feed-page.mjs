// The benchmark's TikTok-like For You feed, served at https://www.tiktok.com/foryou: the page's
// own script appends posts in batches at a steady pace while scrolling, keeps only the last
// `KEEP` posts in the DOM (TikTok virtualises its feed the same way), and records in the page's
// world: when each post entered the DOM, when its badge appeared, every long task, and the
// extension's own User Timing measures (`cts:*`, summed by name).
// One post in five is about mental health (the generated captions below).

/** Captions: one in five about mental health, every one distinct (the index is in the text). */
const MH = [
  '5 signs you have undiagnosed ADHD that nobody talks about',
  "If you always apologise, that's a trauma response",
  'Your partner is a covert narcissist if they do this',
  'Take this quick autism quiz and comment your score',
  'This one supplement cured my anxiety in 3 days, code CALM20 #ad',
];
const OTHER = [
  'Easy weeknight pasta with roasted tomatoes and garlic',
  'Signs your car battery is dying and how to test it',
  'This beat is toxic, new drop out now',
  'Depression-era chocolate cake, no eggs no butter',
  'Leg day PR, feeling unstoppable',
  'Sunset hike with the dog, best day of the summer',
  'Thrift haul: vintage denim and a lamp I did not need',
  'OCD-satisfying restock of the pantry, all labelled',
];

/** The page script, as a string served from the same origin (the page's CSP allows its nonce). */
export function feedScript() {
  return `(() => {
  const MH = ${JSON.stringify(MH)};
  const OTHER = ${JSON.stringify(OTHER)};
  const params = new URLSearchParams(location.search);
  const TOTAL = Number(params.get('posts') ?? 2000);
  const PER_TICK = Number(params.get('batch') ?? 5);
  const TICK_MS = Number(params.get('tick') ?? 50);
  const PAUSE_AT = Number(params.get('pauseAt') ?? -1);
  const KEEP = 60;
  const bench = (window.__bench = { inserted: {}, badged: {}, mh: {}, longTasks: [], cts: {}, appended: 0, done: false, paused: false });
  // The runner measures the heap at PAUSE_AT posts, then calls resume().
  bench.resume = () => { bench.paused = false; setTimeout(tick, TICK_MS); };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) bench.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  // The extension's own User Timing measures (extension/content/main.js), summed by name: only
  // when the runner switched them on (enableMeasures(); a person's pages see none). The
  // content script clears its entries as it goes; an observer still sees every one.
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (!e.name.startsWith('cts:')) continue;
        const c = (bench.cts[e.name] ??= { n: 0, ms: 0, max: 0 });
        c.n += 1;
        c.ms += e.duration;
        c.max = Math.max(c.max, e.duration);
      }
    }).observe({ type: 'measure' });
  } catch {}
  const list = document.getElementById('column-list-container');
  // A badge is any element the extension adds whose tag starts with cts-; find its post.
  new MutationObserver((records) => {
    const now = performance.now();
    for (const r of records) for (const n of r.addedNodes) {
      if (n.nodeType !== 1 || !n.localName.startsWith('cts-')) continue;
      const id = n.closest('article')?.dataset.id;
      if (id && !(id in bench.badged)) bench.badged[id] = now;
    }
  }).observe(list, { childList: true, subtree: true });
  const el = (tag, attrs, ...kids) => {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    n.append(...kids);
    return n;
  };
  function article(i) {
    const mh = i % 5 === 0;
    const caption = (mh ? MH[(i / 5) % MH.length | 0] : OTHER[i % OTHER.length]) + ' (part ' + i + ')';
    const id = String(7400000000000000000n + BigInt(i));
    const handle = 'creator' + (i % 97);
    if (mh) bench.mh[id] = true;
    return el('article', { 'data-e2e': 'recommend-list-item-container', 'data-scroll-index': String(i), 'data-id': id },
      el('section', { 'data-e2e': 'feed-video' }, el('div', { id: 'xgwrapper-0-' + id }, el('div', { class: 'video' }))),
      el('div', { class: 'DivCreatorInfoContainer' }, el('a', { href: '/@' + handle }, el('p', {}, handle))),
      el('div', { 'data-e2e': 'video-desc' }, el('span', { 'data-e2e': 'desc-span-0_-1' }, caption + ' '),
        el('a', { 'data-e2e': 'search-common-link', href: '/tag/fyp' }, el('p', {}, '#fyp'))));
  }
  let next = 0;
  function tick() {
    const frag = document.createDocumentFragment();
    const now = performance.now();
    for (let k = 0; k < PER_TICK && next < TOTAL; k++, next++) {
      const a = article(next);
      bench.inserted[a.dataset.id] = now;
      frag.append(a);
    }
    list.append(frag);
    while (list.childElementCount > KEEP) list.firstElementChild.remove();
    window.scrollTo(0, document.body.scrollHeight);
    bench.appended = next;
    if (next === PAUSE_AT) bench.paused = true;
    else if (next < TOTAL) setTimeout(tick, TICK_MS);
    else bench.done = true;
  }
  // pauseAt=0: wait for the runner's resume() before the first post (e.g. to start a trace).
  if (PAUSE_AT === 0) bench.paused = true;
  else setTimeout(tick, TICK_MS);
})();`;
}

/** The page: TikTok's structure for a feed item, our own content. */
export const FEED_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TikTok - Make Your Day</title>
<style nonce="cts-fixture">article{display:block;height:120px;border-bottom:1px solid #ddd}.video{height:60px;background:#222}</style>
</head><body>
<main id="main-content-homepage_hot"><div id="column-list-container"></div></main>
<script nonce="cts-fixture" src="/__bench/feed.js"></script>
</body></html>`;
