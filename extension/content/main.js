// Wires the content script: the watcher hands roots to the site adapter, new or changed posts go
// to the background in one `content/analyze` batch, verdicts come back as badges. A post node is
// sent again only when what it shows changed (feeds recycle nodes); verdicts are cached by what
// was sent, so a recycled node showing an earlier post gets its badge without a request. When the
// extension is reloaded or updated under the page, everything stops quietly.
(() => {
  const CTS = globalThis.CTS;
  const api = globalThis.browser ?? globalThis.chrome;
  const site = CTS?.dom.siteOf(location.hostname);
  if (!site || !api?.runtime?.id || CTS.running) return;
  CTS.running = true;

  const adapter = CTS.adapters[site];
  const status = CTS.status.create(site, adapter, window);

  /** A badge the page removes comes back this many times per post key, then no more. */
  const REINSERT_LIMIT = 1;
  /** Hard cap on badges placed for one key in this tab (guards against a page that loops). */
  const PLACE_LIMIT = 20;
  /**
   * Verdicts kept, oldest dropped first: enough for a person scrolling back a long way (a recycled
   * node showing an earlier post needs no request). 3,000 full verdicts were ~2 MB of the page's
   * heap (BENCHMARKS.md); posts that get no badge keep only their level (NO_BADGE).
   */
  const CACHE_LIMIT = 1000;
  /** The cached result of every post the engine found nothing in: one shared object. */
  const NO_BADGE = Object.freeze({ verdict: Object.freeze({ level: 'none' }), remembered: null, post: null });
  /** Posts per message, so one huge rescan does not become one huge message. */
  const BATCH_LIMIT = 100;

  const lastSent = new WeakMap(); // post node → signature of what was last sent or shown
  const verdicts = new Map(); // signature → {verdict, remembered, post}
  const waiting = new Map(); // signature → entries waiting for its verdict
  const nodeBadge = new WeakMap(); // post node → {host, sig, gaveUp}
  const badgeOwner = new WeakMap(); // badge host → post node
  const keyCounts = new Map(); // key → {reinserts, placements}
  const outbox = []; // {key, post} read but not yet sent
  const requested = new Map(); // request key → signature, until its verdict or failure
  let sending = false;
  const hostData = new WeakMap(); // badge host → what the panel shows
  let nextRequest = 1;
  let stopped = false;
  let watcher = null;
  /** Bumped when the person's settings change: verdicts from older settings are never reused. */
  let generation = 0;
  /** The person's display preferences (ARCHITECTURE.md, storage schema); defaults until read. */
  let display = { minLevel: 'info', enabled: true };

  /**
   * The content script's own main-thread work as User Timing measures, which bench/feed.mjs sums
   * from the page: `cts:observe` (the watcher's callback, with the posts it reads at once),
   * `cts:process` (posts read in an idle period), `cts:receive` (a reply: its badges placed).
   * Disjoint, one or two per batch (each measure costs the page ~5 µs; five per batch were ~1.7 ms
   * per 100 posts on the benchmark feed), and bounded: cleared every 300 entries, so a long
   * session keeps nothing. The split between reading and sending: bench/profile-feed.mjs.
   *
   * Off unless storage.local `debug:measures` is `true` (ARCHITECTURE.md, storage schema), set
   * only by the benchmark and the tests through the extension's own context: content scripts
   * share the page's performance timeline, so any page could read these entries and learn the
   * extension is installed. Read once at start; until the answer comes the timings wait in
   * `early` (bounded), then are recorded with their own times or dropped. Off: no User Timing call.
   */
  const MEASURES = ['cts:observe', 'cts:process', 'cts:receive'];
  const MEASURES_KEY = 'debug:measures';
  /** `null` until storage answered, then whether measures are on. */
  let measuring = null;
  let early = []; // [name, start, end] measured before storage answered (at most 100)
  let measured = 0;
  function record(name, start, end) {
    try {
      performance.measure(name, { start, end });
    } catch {
      return; // a page that replaced `performance` loses only our timings
    }
    if (++measured % 300 === 0) for (const n of MEASURES) performance.clearMeasures(n);
  }
  function measure(name, start) {
    if (measuring === false) return;
    if (measuring) record(name, start, performance.now());
    else if (early.length < 100) early.push([name, start, performance.now()]);
  }
  Promise.resolve()
    .then(() => api.storage.local.get(MEASURES_KEY))
    .then((got) => got?.[MEASURES_KEY] === true, () => false)
    .then((on) => {
      measuring = on;
      if (on) for (const [name, start, end] of early) record(name, start, end);
      early = null;
    });

  const signature = (e) => JSON.stringify([generation, e.key, e.post.caption, e.post.author, e.post.labels]);
  const LEVELS = ['none', 'info', 'caution', 'warning'];
  /** Whether the person asked to see this level: crisis support is always shown. */
  const wanted = (level) => level === 'support' || LEVELS.indexOf(level) >= Math.max(1, LEVELS.indexOf(display.minLevel));

  /** Reads `display` from the stored settings (sync first, else local), with safe defaults. */
  async function readDisplay() {
    let stored;
    try {
      stored = (await api.storage.sync.get('settings')).settings;
      if (!stored) stored = (await api.storage.local.get('settings')).settings;
    } catch {
      stored = undefined; // unreadable storage: keep the defaults, lose nothing
    }
    const d = stored && typeof stored === 'object' ? stored.display : undefined;
    const minLevel = LEVELS.includes(d?.min_level) && d.min_level !== 'none' ? d.min_level : 'info';
    const enabled = d?.sites?.[site] !== false;
    return { minLevel, enabled };
  }

  /**
   * How a settings change reaches this page: `storage.sync.onChanged` (only `settings` lives in
   * storage.sync), and for settings kept in storage.local (over the sync item quota) a
   * `background/settings` message from the background. Not `storage.onChanged`: that wakes the
   * page's main thread for every storage write, and the background writes a `seen:` record after
   * nearly every batch on a feed (one more task per batch, BENCHMARKS.md). Browsers without the
   * per-area event get `storage.onChanged`.
   */
  const settingsEvent = api.storage.sync?.onChanged ?? api.storage.onChanged;
  function onStorageChanged(changes, area) {
    if (area === undefined || area === 'sync' || area === 'local') settingsChanged(changes);
  }

  /** Settings changed in the options page: forget verdicts and badges, read the page again. */
  function settingsChanged(changes) {
    if (stopped || (changes && !('settings' in changes))) return;
    readDisplay().then((d) => {
      generation += 1;
      verdicts.clear();
      applyDisplay(d);
    });
  }

  /** Installs display preferences: every badge goes, and the page is read again under them. */
  function applyDisplay(d) {
    display = d;
    for (const host of document.querySelectorAll('[data-cts-badge]')) {
      const node = badgeOwner.get(host);
      if (node) removeBadge(node);
    }
    watcher?.rescan();
  }

  function invalidated(err) {
    return !api.runtime?.id || /context invalidated|Extension context/i.test(String(err?.message ?? err));
  }

  /**
   * The extension went away (reload, update, uninstall): stop observing, take our badges and
   * panel off the page (they could no longer open or answer), touch nothing more.
   */
  function stop() {
    if (stopped) return;
    stopped = true;
    watcher?.stop();
    outbox.length = 0;
    dropPort(new Error('Extension context invalidated.'));
    CTS.badge.sweep(document);
    try {
      CTS.panel.close();
    } catch {
      // nothing to close
    }
    try {
      api.runtime.onMessage.removeListener(onMessage);
      settingsEvent.removeListener(onStorageChanged);
    } catch {
      // the runtime is already gone
    }
  }

  /**
   * One long-lived port to the background (ARCHITECTURE.md, "Message protocol"): a
   * `runtime.sendMessage` per batch cost ~1 ms of this page's main thread in Chromium (a channel
   * opened and closed each time); a message on an open port costs a fraction of that. The port
   * closes when the service worker stops or the extension goes away; the next batch reconnects
   * (which starts the worker again), and requests in flight fail so `send` retries them once.
   */
  let port = null;
  const inFlight = new Map(); // request id → {resolve, reject, at}, oldest first
  let nextId = 1;
  /** A request with no reply by then is failed (and retried once): a lost port must not hang. */
  const REPLY_TIMEOUT_MS = 30_000;
  /**
   * A port left idle this long is closed (reopened by the next batch): an open port must not keep
   * the background (Chrome's service worker, Firefox's event page) from being stopped while the
   * tab sits still.
   */
  const PORT_IDLE_MS = 30_000;
  let lastUse = 0;
  let idleTimer = null;
  function closeWhenIdle() {
    if (idleTimer !== null) return;
    const check = () => {
      idleTimer = null;
      if (!port) return;
      const left = lastUse + PORT_IDLE_MS - performance.now();
      if (inFlight.size || left > 0) idleTimer = setTimeout(check, Math.max(left, 1000));
      else dropPort(new Error('idle')); // nothing in flight: nothing fails
    };
    idleTimer = setTimeout(check, PORT_IDLE_MS);
  }
  /** One timer watches the oldest request (a timer per request cost more than the request). */
  let watchdog = null;
  function watch() {
    if (watchdog !== null || !inFlight.size) return;
    const oldest = inFlight.values().next().value;
    watchdog = setTimeout(() => {
      watchdog = null;
      const first = inFlight.values().next().value;
      if (first && performance.now() - first.at >= REPLY_TIMEOUT_MS) dropPort(new Error('no reply from the background'));
      watch();
    }, Math.max(0, oldest.at + REPLY_TIMEOUT_MS - performance.now()));
  }

  function dropPort(err) {
    const old = port;
    port = null;
    try {
      old?.disconnect();
    } catch {
      // already closed
    }
    const failed = [...inFlight.values()];
    inFlight.clear();
    for (const w of failed) w.reject(err);
  }

  function connect() {
    if (port) return port;
    const p = api.runtime.connect({ name: 'content' });
    p.onMessage.addListener((reply) => {
      const w = inFlight.get(reply?.id);
      if (!w) return;
      inFlight.delete(reply.id);
      if (reply.ok && Array.isArray(reply.verdicts)) w.resolve(reply.verdicts);
      else w.reject(new Error(reply.error?.message ?? reply.error ?? 'no reply from the background'));
    });
    p.onDisconnect.addListener(() => {
      if (port !== p) return;
      // Read lastError so Chromium does not log it; the reason is the same either way.
      const reason = api.runtime?.lastError?.message ?? p.error?.message;
      dropPort(new Error(api.runtime?.id ? `port closed${reason ? `: ${reason}` : ''}` : 'Extension context invalidated.'));
      if (!api.runtime?.id) stop();
    });
    port = p;
    return p;
  }

  function request(batch) {
    return new Promise((resolve, reject) => {
      const p = connect(); // throws when the extension context is gone
      const id = nextId++;
      lastUse = performance.now();
      inFlight.set(id, { resolve, reject, at: lastUse });
      try {
        p.postMessage({ kind: 'content/analyze', id, batch });
      } catch (err) {
        // The port closed before its onDisconnect ran: fail everything on it now.
        if (port === p) dropPort(err);
        else {
          inFlight.delete(id);
          reject(err);
        }
        return;
      }
      watch();
      closeWhenIdle();
    });
  }

  async function send(batch) {
    for (let attempt = 0; attempt < 2; attempt++) {
      if (!api.runtime?.id) throw new Error('Extension context invalidated.');
      try {
        return await request(batch);
      } catch (err) {
        // The service worker may have been stopped mid-request: one retry on a new port.
        if (invalidated(err) || attempt === 1) throw err;
      }
    }
    return [];
  }

  function counts(key) {
    let c = keyCounts.get(key);
    if (!c) {
      keyCounts.set(key, (c = { reinserts: 0, placements: 0 }));
      // An endless feed must not grow this map forever: keep as many keys as verdicts (oldest
      // first out). A page that loops on one post keeps hitting PLACE_LIMIT long before that.
      if (keyCounts.size > CACHE_LIMIT) keyCounts.delete(keyCounts.keys().next().value);
    }
    return c;
  }

  function removeBadge(node) {
    const rec = nodeBadge.get(node);
    if (!rec) return;
    nodeBadge.delete(node);
    badgeOwner.delete(rec.host);
    rec.host.remove();
    // Only this badge's own panel closes: a feed scrolling behind an open panel leaves it open.
    if (CTS.panel.isOpenFor(rec.host)) CTS.panel.close();
  }

  /** Shows (or keeps, or re-inserts once) the badge for entry `e` with cached result `r`. */
  function place(e, sig, r) {
    if (e.kind !== 'post') return;
    const rec = nodeBadge.get(e.node);
    // Already showing this verdict (the common case when a post is read again): nothing to do.
    // A display change removes every badge first, so a kept badge always matches `display`.
    if (rec && rec.sig === sig && rec.host.isConnected && e.node.contains(rec.host)) return;
    // Given up on this post (the page keeps removing our badge): nothing to compute, every time.
    if (rec && rec.sig === sig && rec.gaveUp) return;
    const view = display.enabled && wanted(r.verdict.level) ? CTS.badge.view(r.verdict, r.remembered) : null;
    if (!view) {
      removeBadge(e.node);
      return;
    }
    const c = counts(e.key);
    if (rec && rec.sig === sig) {
      if (rec.host.isConnected && e.node.contains(rec.host)) return;
      if (rec.gaveUp) return;
      // The page's own re-render removed our badge.
      c.reinserts += 1;
      if (c.reinserts > REINSERT_LIMIT) {
        rec.gaveUp = true;
        return;
      }
    } else if (rec) {
      removeBadge(e.node);
    }
    if (c.placements >= PLACE_LIMIT) return;
    c.placements += 1;
    const host = CTS.badge.create(document, openPanel);
    CTS.badge.render(host, view);
    host.dataset.key = e.key;
    host.dataset.ctsBadge = '';
    hostData.set(host, { verdict: r.verdict, post: r.post, remembered: r.remembered, view });
    e.anchor.after(host);
    nodeBadge.set(e.node, { host, sig, gaveUp: false });
    badgeOwner.set(host, e.node);
  }

  function openPanel(host) {
    if (!api.runtime?.id) return stop(); // clicked after the extension went away
    const data = hostData.get(host);
    if (!data) return;
    CTS.panel.show(host, data);
    // The toolbar popup shows the last checklist opened (content/status.js, when it has the hook).
    const author = data.post.author ?? {};
    status.noteChecklist?.({ key: host.dataset.key, handle: author.handle ?? null, name: author.name ?? null, level: data.verdict.level, credential_status: data.verdict.credential_status });
  }

  /**
   * Reads the posts in `roots`, sends the new or changed ones, shows cached verdicts. With
   * `budgetMs` (the watcher reading a small mutation at once, in the page's task) it stops
   * reading after that long and returns the roots it did not read.
   */
  function process(roots, budgetMs) {
    // Switched off for this site in the options: read nothing, send nothing.
    if (stopped || !display.enabled) return undefined;
    if (!api.runtime?.id) return stop(); // the extension went away under the page
    const entries = [];
    const started = performance.now();
    const nodes = new Set();
    let left;
    for (let i = 0; i < roots.length; i++) {
      if (budgetMs !== undefined && i > 0 && performance.now() - started > budgetMs) {
        left = roots.slice(i);
        break;
      }
      for (const e of adapter.findPosts(roots[i])) {
        if (nodes.has(e.node)) continue;
        nodes.add(e.node);
        entries.push(e);
      }
    }
    if (entries.length) status.noteFound(entries.length);
    const before = outbox.length;
    for (const e of entries) {
      const sig = signature(e);
      const cached = verdicts.get(sig);
      if (lastSent.get(e.node) === sig) {
        if (cached) place(e, sig, cached);
        continue;
      }
      lastSent.set(e.node, sig);
      if (nodeBadge.get(e.node)?.sig !== sig) removeBadge(e.node);
      if (cached) {
        // Refresh its place in the cache (oldest-first eviction).
        verdicts.delete(sig);
        verdicts.set(sig, cached);
        status.noteVerdict(e.key, cached.verdict.level, e.kind);
        place(e, sig, cached);
        continue;
      }
      if (!waiting.has(sig)) {
        waiting.set(sig, []);
        const key = String(nextRequest++);
        requested.set(key, sig);
        outbox.push({ key, post: e.post });
      }
      waiting.get(sig).push(e);
    }
    if (outbox.length > before) pump();
    // A read at once is inside the watcher's own `cts:observe`.
    if (budgetMs === undefined) measure('cts:process', started);
    return left;
  }

  /**
   * Sends what waits in the outbox, at most one request in flight: posts read while one is out
   * go together in the next, so a fast feed makes fewer, larger messages (each costs the page's
   * main thread a fixed share, BENCHMARKS.md) and a slow one still sends at once.
   */
  function pump() {
    if (sending || stopped || !outbox.length) return;
    sending = true;
    const part = outbox.splice(0, BATCH_LIMIT);
    send(part)
      .then(
        (results) => receive(part, results),
        (err) => fail(part, err),
      )
      .finally(() => {
        sending = false;
        pump();
      });
  }

  function receive(part, results) {
    if (stopped) return;
    const started = performance.now();
    const byKey = new Map(results.map((r) => [r.key, r]));
    for (const { key, post } of part) {
      const sig = requested.get(key);
      requested.delete(key);
      const entries = waiting.get(sig) ?? [];
      waiting.delete(sig);
      const r = byKey.get(key);
      // The engine refused this one post (its own error): it is not sent again until what the
      // node shows changes, so one odd post cannot turn every page mutation into a request.
      if (!r?.verdict) continue;
      const result = r.verdict.level === 'none' ? NO_BADGE : { verdict: r.verdict, remembered: r.remembered ?? null, post };
      verdicts.set(sig, result);
      if (verdicts.size > CACHE_LIMIT) verdicts.delete(verdicts.keys().next().value);
      for (const e of entries) {
        status.noteVerdict(e.key, r.verdict.level, e.kind);
        if (lastSent.get(e.node) === sig && e.node.isConnected) place(e, sig, result);
      }
    }
    measure('cts:receive', started);
  }

  function fail(part, err) {
    for (const { key } of part) {
      const sig = requested.get(key);
      requested.delete(key);
      for (const e of waiting.get(sig) ?? []) if (lastSent.get(e.node) === sig) lastSent.delete(e.node);
      waiting.delete(sig);
    }
    if (invalidated(err)) stop();
  }

  function onMessage(msg, sender, sendResponse) {
    if (sender?.id !== api.runtime.id) return undefined;
    if (msg?.kind === 'background/settings') settingsChanged(null);
    if (msg?.kind !== 'popup/status') return undefined;
    sendResponse(status.snapshot());
    return undefined;
  }

  // Badges left by an earlier instance (Firefox injects the new version into open tabs after an
  // update or reload; the old one is gone and cannot remove its own).
  CTS.badge.sweep(document);
  api.runtime.onMessage.addListener(onMessage);
  settingsEvent.addListener(onStorageChanged);
  readDisplay().then((d) => {
    // Usually read before the first verdicts arrive; if not, badges placed meanwhile are redone.
    if (d.minLevel !== display.minLevel || d.enabled !== display.enabled) applyDisplay(d);
  });
  watcher = CTS.watcher.watch(window, {
    process,
    navigated: () => {
      status.navigated();
      CTS.panel.close();
    },
    ownerOf: (host) => badgeOwner.get(host) ?? null,
    measure,
    isPost: (node) => lastSent.has(node),
  });
})();
