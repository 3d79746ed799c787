// Counts, the layout self-check and the last checklist opened, which the toolbar popup shows. A supported page where no post or
// profile can be found is reported as "layout not recognised" instead of failing silently
// (platforms.md: layouts change every few months and roll out in stages).
(() => {
  const CTS = (globalThis.CTS ??= {});

  /** How long a post page may take to show its first post before it counts as unrecognised. */
  const GRACE_MS = 3000;

  /**
   * Post keys remembered for counting each post once. An endless feed must not grow the page's
   * heap forever: beyond this many, the oldest key is forgotten but stays counted (a post seen
   * again after that many others counts twice, a small price in a count).
   */
  const KEYS_LIMIT = 1000;

  function create(site, adapter, win) {
    const checked = new Set();
    const flagged = new Set();
    let checkedBefore = 0; // keys forgotten, still counted
    let flaggedBefore = 0;
    let found = 0;
    let since = win.performance.now();
    /** The last checklist (panel) opened in this tab, for the popup; kept across navigations. */
    let lastChecklist = null;

    return {
      /** A navigation started a new page: the self-check starts over; counts stay per tab. */
      navigated() {
        found = 0;
        since = win.performance.now();
      },
      /** `n` posts or profiles were read on this page. */
      noteFound(n) {
        found += n;
      },
      /** A verdict arrived for a post (creator entries are not posts and are not counted). */
      noteVerdict(key, level, kind) {
        if (kind !== 'post') return;
        checked.delete(key); // re-added last: the most recent keys are kept
        checked.add(key);
        if (level && level !== 'none') flagged.add(key);
        else flagged.delete(key);
        if (checked.size > KEYS_LIMIT) {
          const oldest = checked.values().next().value;
          checked.delete(oldest);
          checkedBefore += 1;
          if (flagged.delete(oldest)) flaggedBefore += 1;
        }
      },
      /**
       * The panel opened for a post: `info` = `{key, handle, name, level, credential_status}`.
       * A copy is kept (each field a bounded string, anything else read as empty) with `at`, the
       * time it opened as an ISO date.
       */
      noteChecklist(info) {
        const str = (v, max) => (typeof v === 'string' ? v.slice(0, max) : '');
        lastChecklist = {
          key: str(info?.key, 256),
          handle: str(info?.handle, 64).replace(/^@/, ''),
          name: str(info?.name, 200),
          level: str(info?.level, 16),
          credential_status: str(info?.credential_status, 32),
          at: new Date().toISOString(),
        };
      },
      /**
       * The reply to `popup/status`: `recognised` is true once anything was read, false when a
       * page that should show posts has content but none was read after the grace period, and
       * null while still waiting (or on pages that show no posts, with `postPage` false).
       */
      snapshot() {
        const doc = win.document;
        const postPage = adapter.isPostPage(win.location);
        let recognised = null;
        if (found > 0) recognised = true;
        else if (postPage && win.performance.now() - since >= GRACE_MS && (doc.body?.textContent ?? '').trim().length > 0) {
          recognised = false;
        }
        return { site, postPage, recognised, checked: checkedBefore + checked.size, flagged: flaggedBefore + flagged.size, lastChecklist: lastChecklist && { ...lastChecklist } };
      },
    };
  }

  CTS.status = Object.freeze({ create, GRACE_MS, KEYS_LIMIT });
})();
