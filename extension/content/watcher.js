// One MutationObserver for the page. Its callback queues (added roots, changed caption text, a
// badge the page removed); a small mutation (a few posts appended) is read at once, in the
// callback, within a small time budget, so its request leaves before the page's next frame and
// the badge can land in that frame instead of one of its own; anything bigger waits for an idle
// period (or animation frame), as uBlock's domWatcher does. Above ~1000 queued roots the
// document is rescanned instead (Dark Reader does the same). Client-side navigation is noticed
// by a location check in each batch and on popstate.
(() => {
  const CTS = (globalThis.CTS ??= {});

  /** Above this many queued roots, one rescan of the document is cheaper than each root. */
  const RESCAN_ABOVE = 1000;
  /**
   * A mutation that queued at most this many roots is read in the observer's callback (the
   * page's own task) instead of an idle callback: read later, its request left after the page's
   * frame and its reply drew one more frame per batch (BENCHMARKS.md, the scripted feed).
   */
  const AT_ONCE_ROOTS = 20;
  /**
   * Milliseconds of the page's task a read at once may take; the roots left over wait for an
   * idle period. Two reads at once in a row that ran over send the next ones to the idle path
   * for SLOW_PAUSE_MS (a page whose posts are costly to read is read when the page is idle). Not
   * one: on a busy machine a read of five posts (~0.3 ms) now and then takes 3 ms of wall time
   * because the thread was descheduled, and then a third to half of the reads went idle.
   */
  const AT_ONCE_BUDGET_MS = 3;
  const SLOW_PAUSE_MS = 1000;
  const SLOW_IN_A_ROW = 2;

  /**
   * Starts watching `win.document`. `hooks.process(roots)` gets the roots to read (the document
   * itself after navigation or overflow); `hooks.navigated(href)` runs first when the address
   * changed; `hooks.ownerOf(el)` maps one of our badges the page removed to the node to recheck;
   * `hooks.measure(name, start)`, when given, records the observer's own time (User Timing;
   * a read at once included);
   * `hooks.isPost(node)` says whether a removed node is a whole post already read.
   * `hooks.process(roots, budgetMs)` may stop after `budgetMs` and return the roots it left.
   * Returns `{stop, rescan}`.
   */
  function watch(win, hooks) {
    const doc = win.document;
    const OWN = CTS.dom.OWN;
    let queue = new Set();
    let rescan = true; // the first batch reads the whole page
    let scheduled = false;
    let stopped = false;
    let href = win.location.href;
    let slowUntil = 0; // reads at once paused until then (SLOW_IN_A_ROW ran over their budget)
    let slowReads = 0; // reads at once in a row that ran over their budget

    const isOwn = (n) => n.nodeType === 1 && OWN.has(n.localName);

    const schedule = () => {
      if (scheduled || stopped) return;
      scheduled = true;
      if (typeof win.requestIdleCallback === 'function') win.requestIdleCallback(() => flush(), { timeout: 150 });
      else win.requestAnimationFrame(() => flush());
    };

    const add = (node) => {
      if (rescan || !node) return;
      queue.add(node);
      if (queue.size > RESCAN_ABOVE) {
        rescan = true;
        queue = new Set();
      }
    };

    const observer = new win.MutationObserver((mutations) => {
      const started = performance.now();
      if (rescan || mutations.length > RESCAN_ABOVE) {
        // The whole document is read next anyway, or this is a storm of records: one read of the
        // document is cheaper than looking at each record (every look is a call into the DOM;
        // 4,000 records cost ~70 ms of the page's main thread on a slow machine).
        rescan = true;
        queue = new Set();
        schedule();
        hooks.measure?.('cts:observe', started);
        return;
      }
      // Nodes this callback may look at: past that, one read of the document is cheaper. One
      // record can hold 20,000 nodes (a fragment of hashtag links appended at once); walking
      // them through Firefox's Xray wrappers on a busy machine once ran into its slow-script
      // limit ("Script terminated by timeout", the callback stopped half-way).
      let budget = RESCAN_ABOVE;
      for (const m of mutations) {
        if (rescan) break; // the queue overflowed: the whole document is read anyway
        if (m.type === 'characterData') {
          add(m.target.parentElement);
          continue;
        }
        const added = m.addedNodes;
        const removed = m.removedNodes;
        budget -= added.length + removed.length;
        if (budget < 0) {
          rescan = true;
          queue = new Set();
          break;
        }
        for (const n of added) {
          if (n.nodeType === 1) {
            if (!isOwn(n)) add(n);
          } else if (n.nodeType === 3) {
            add(n.parentElement);
          }
        }
        for (const n of removed) {
          if (isOwn(n)) add(hooks.ownerOf(n));
        }
        if (removed.length && m.target.nodeType === 1 && !isOwn(m.target)) {
          // Text removed from a caption (placeholder emptied, caption shortened) changes it too.
          // Whole posts removed (a feed dropping those scrolled past) change none that is left:
          // re-reading their container would read every remaining post again.
          if (!added.length && !Array.prototype.every.call(removed, (n) => hooks.isPost?.(n))) add(m.target);
        }
      }
      // Only our own badges came or went (or whole posts already read left): nothing to read,
      // no idle callback to ask for, nothing worth a measure (each costs more than this did).
      if (!rescan && !queue.size) return;
      if (!rescan && queue.size <= AT_ONCE_ROOTS && started >= slowUntil) flush(AT_ONCE_BUDGET_MS);
      else schedule();
      // The whole callback, a read at once included (`process` measures only its idle reads).
      hooks.measure?.('cts:observe', started);
    });

    /** Reads what is queued; `budgetMs`: read at once, leaving what does not fit to an idle period. */
    function flush(budgetMs) {
      if (budgetMs === undefined) scheduled = false;
      if (stopped) return;
      if (win.location.href !== href) {
        // A navigation reads the whole document: never in the page's task.
        if (budgetMs !== undefined) return schedule();
        href = win.location.href;
        rescan = true;
        hooks.navigated(href);
      }
      let roots;
      if (rescan) {
        roots = [doc];
        rescan = false;
        queue = new Set();
      } else {
        roots = Array.from(queue).filter((n) => n.isConnected);
        queue = new Set();
      }
      if (!roots.length) return;
      if (budgetMs === undefined) {
        hooks.process(roots);
        return;
      }
      const started = performance.now();
      const left = hooks.process(roots, budgetMs);
      if (performance.now() - started <= budgetMs) slowReads = 0;
      else if (++slowReads >= SLOW_IN_A_ROW) {
        slowReads = 0;
        slowUntil = performance.now() + SLOW_PAUSE_MS;
      }
      if (left?.length) {
        for (const n of left) add(n);
        schedule();
      }
    }

    const onPop = () => schedule();
    win.addEventListener('popstate', onPop);
    observer.observe(doc.documentElement, { childList: true, subtree: true, characterData: true });
    schedule();

    return {
      stop() {
        stopped = true;
        observer.disconnect();
        win.removeEventListener('popstate', onPop);
      },
      /** Queues a full rescan (e.g. after the extension's settings changed). */
      rescan() {
        rescan = true;
        schedule();
      },
    };
  }

  CTS.watcher = Object.freeze({ watch, RESCAN_ABOVE });
})();
