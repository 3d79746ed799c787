// The badge: a small `<cts-badge>` element beside a caption. Shadow root (the page's CSS cannot
// reach in, ours cannot leak out), one constructable stylesheet (an inline <style> is blocked by
// the page's style-src in Firefox: toolchain.md), text only ever set with textContent, and a real
// <button> inside so it is keyboard focusable and has an accessible name.
(() => {
  const CTS = (globalThis.CTS ??= {});
  const api = globalThis.browser ?? globalThis.chrome;

  /**
   * A message from _locales; the key itself when missing, so a gap shows up in tests. Looked up
   * once per key and substitutions: each `i18n.getMessage` is a call into the browser's bindings
   * (a measurable share of placing a badge), and messages cannot change while the page lives.
   */
  const said = new Map();
  function t(key, subs) {
    const id = subs === undefined ? key : `${key}\u0000${[].concat(subs).join('\u0001')}`;
    let s = said.get(id);
    if (s === undefined) {
      s = api?.i18n?.getMessage(key, subs) || key;
      if (said.size >= 500) said.clear(); // bounded: substitutions include creators' titles
      said.set(id, s);
    }
    return s;
  }
  CTS.t = t;

  // No fade-in: on a feed where a badge arrives every few frames, a 180 ms animation kept the page
  // rendering frames without pause (twice the frames of the page alone; BENCHMARKS.md).
  const CSS = `
:host { all: initial; display: block; margin: 6px 0 2px; max-width: 100%; contain: layout style; }
:host([hidden]) { display: none; }
button {
  all: unset; box-sizing: border-box; display: inline-flex; flex-wrap: wrap; align-items: center;
  gap: 4px 6px; max-width: 100%; padding: 3px 10px 3px 8px; border-radius: 999px; cursor: pointer;
  font: 600 12px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  border: 1px solid var(--edge); background: var(--bg); color: var(--fg);
  box-shadow: 0 1px 2px rgba(0,0,0,.18);
}
button:hover { filter: brightness(0.97); }
button:focus-visible { outline: 2px solid var(--ring); outline-offset: 2px; }
.dot { width: 8px; height: 8px; border-radius: 50%; background: var(--edge); flex: none; }
.sep { opacity: .55; }
.secondary { font-weight: 500; }
.where { font-weight: 400; opacity: .85; }
.chip { font-weight: 600; padding: 0 6px; border-radius: 6px; background: var(--chip-bg); color: var(--chip-fg); }
[hidden] { display: none !important; }
.warning { --bg: #fff1e6; --fg: #5a1e00; --edge: #c2410c; --ring: #9a3412; }
.caution { --bg: #fffbe6; --fg: #4a3500; --edge: #b7791f; --ring: #8a5a00; }
.info    { --bg: #eef2f7; --fg: #1f2a37; --edge: #64748b; --ring: #334155; }
.support { --bg: #e8f6f1; --fg: #0f3d31; --edge: #2f855a; --ring: #276749; }
button { --chip-bg: #1f2937; --chip-fg: #ffffff; }
@media (prefers-color-scheme: dark) {
  .warning { --bg: #3a1a08; --fg: #ffd9c2; --edge: #fb923c; --ring: #fdba74; }
  .caution { --bg: #352a06; --fg: #fde9a8; --edge: #eab308; --ring: #facc15; }
  .info    { --bg: #1e2733; --fg: #e2e8f0; --edge: #94a3b8; --ring: #cbd5e1; }
  .support { --bg: #0f2e25; --fg: #c6f0df; --edge: #4ade80; --ring: #86efac; }
  button { --chip-bg: #e5e7eb; --chip-fg: #111827; }
}
`;


  // The tag: `cts-badge`, unless the page owns that name (it defined a custom element by it:
  // then a suffixed one, CTS.dom.ownTag). The name is never defined from here: Chrome's isolated
  // world has no `customElements` at all, and in Firefox an element defined by a content script
  // belongs to the script's compartment, so the page's own code (React reconciling its children,
  // or a test) gets "Permission denied" when it touches it. An undefined element with a valid
  // custom-element name still takes a shadow root.
  const tagName = (doc) => CTS.dom.ownTag(doc, 'cts-badge');

  const parts = new WeakMap(); // host → {button, dot, primary, ...}

  const templates = new WeakMap(); // document → the badge's <button> subtree, empty
  function template(doc) {
    let button = templates.get(doc);
    if (button) return button;
    button = doc.createElement('button');
    button.type = 'button';
    button.setAttribute('aria-haspopup', 'dialog');
    const span = (className, hidden) => {
      const el = doc.createElement('span');
      el.className = className;
      if (hidden) el.setAttribute('aria-hidden', 'true');
      return el;
    };
    const sep = span('sep', true);
    sep.textContent = '·';
    button.append(span('dot', true), span('primary'), sep, span('secondary'), span('where'), span('chip'));
    templates.set(doc, button);
    return button;
  }

  /** A new, empty badge for `doc`; `onActivate(host)` runs on click or keyboard activation. */
  function create(doc, onActivate) {
    let host = doc.createElement(tagName(doc));
    let root = null;
    if (!CTS.dom.pageOwns(host)) {
      try {
        root = host.attachShadow({ mode: 'open' });
      } catch {
        // the page's element already has a shadow root
      }
    }
    if (!root) {
      // The page defined our name after we chose it: a fresh name from now on.
      host = doc.createElement(CTS.dom.retag('cts-badge'));
      root = host.attachShadow({ mode: 'open' });
    }
    root.adoptedStyleSheets = [CTS.dom.sheet(doc, CSS)];
    // One clone of a template per badge rather than a dozen DOM calls (a feed places hundreds).
    const button = template(doc).cloneNode(true);
    const [, primary, sep, secondary, where, chip] = button.children;
    root.append(button);
    button.addEventListener('click', (ev) => {
      // The badge sits inside clickable feed cards: keep the click ours.
      ev.preventDefault();
      ev.stopPropagation();
      onActivate?.(host);
    });
    for (const type of ['mousedown', 'pointerdown', 'touchstart', 'keydown']) {
      button.addEventListener(type, (ev) => ev.stopPropagation());
    }
    parts.set(host, { button, primary, sep, secondary, where, chip });
    return host;
  }

  const capitalise = (s) => (s ? s[0].toLocaleUpperCase() + s.slice(1) : s);

  /** "today", "yesterday", "3 days ago" in the browser's language. */
  function ago(iso, now) {
    const seen = Date.parse(iso);
    if (!Number.isFinite(seen)) return null;
    const days = Math.max(0, Math.floor((now - seen) / 86400000));
    const lang = api?.i18n?.getUILanguage?.() || undefined;
    const rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
    return days < 60 ? rtf.format(-days, 'day') : rtf.format(-Math.floor(days / 30), 'month');
  }

  const REASONS = {
    diagnostic: 'content_reason_diagnostic',
    treatment_claim: 'content_reason_treatment',
    certainty: 'content_reason_certainty',
    self_promotion: 'content_reason_self_promotion',
    lived_experience: 'content_reason_lived_experience',
  };

  /**
   * What a badge says for a verdict: `{tone, primary, secondary, where, sponsored, label}`, or
   * null when the post gets no badge. Pure, so tests and the panel use the same wording.
   */
  function view(verdict, remembered, now = Date.now()) {
    const level = verdict?.level;
    if (!level || level === 'none') return null;
    const findings = Array.isArray(verdict.findings) ? verdict.findings : [];
    const creds = Array.isArray(verdict.credentials) ? verdict.credentials : [];
    const sponsored = findings.some((f) => f.category === 'sponsorship');
    if (level === 'support') {
      const primary = t('content_badge_support');
      return { tone: 'support', primary, secondary: '', where: '', sponsored: false, label: primary };
    }
    const status = verdict.credential_status ?? 'none';
    // The same licence often shows twice ("Licensed clinical social worker • LCSW"): the badge
    // names it by its post-nominal (no spaces) when there is one, the panel lists both.
    const same = creds.filter((c) => c.status === status);
    const cred = same.find((c) => !/\s/.test(c.text ?? '')) ?? same[0] ?? creds[0];
    let secondary = '';
    if (status === 'licensed' && cred) {
      // "Licensed: LCSW"; a spelled-out title that already says so is shown as it is.
      secondary = /^licen[cs]ed\s/i.test(cred.text) ? capitalise(cred.text) : t('content_badge_licensed', [cred.text]);
    }
    else if (level !== 'info') {
      if (status === 'claimed_unverified') secondary = t('content_badge_claimed');
      else if (status === 'non_clinical' && cred) secondary = t('content_badge_non_clinical', [capitalise(cred.text)]);
      else secondary = t('content_badge_no_credentials');
    }
    let where = '';
    if (secondary && cred && cred.field === 'bio' && remembered?.seen) {
      const when = ago(remembered.seen, now);
      if (when) where = t('content_badge_seen_in_bio', [when]);
    }
    const tone = level === 'info' ? 'info' : level;
    const primary = level === 'info' ? t('content_badge_info') : t('content_badge_check');
    const reasons = [];
    for (const f of findings) {
      const key = REASONS[f.category];
      if (key && !reasons.includes(t(key))) reasons.push(t(key));
    }
    const said = [...reasons, secondary, where, sponsored ? t('content_badge_sponsored') : ''].filter(Boolean);
    const label = said.length ? t('content_badge_label', [primary, said.join(', ')]) : primary;
    return { tone, primary, secondary, where, sponsored, label };
  }

  /** Shows `v` (from `view`) in the badge `host`. */
  function render(host, v) {
    const p = parts.get(host);
    if (!p) return;
    p.button.className = v.tone;
    p.button.setAttribute('aria-label', v.label);
    p.primary.textContent = v.primary;
    p.secondary.textContent = v.secondary;
    p.secondary.hidden = !v.secondary;
    p.sep.hidden = !v.secondary;
    p.where.textContent = v.where;
    p.where.hidden = !v.where;
    p.chip.textContent = v.sponsored ? t('content_badge_sponsored_chip') : '';
    p.chip.hidden = !v.sponsored;
    host.dataset.level = v.tone;
  }

  /**
   * Removes every badge of this extension from `doc`: ours when the extension goes away, or ones
   * an earlier instance left (after an update Firefox runs the new content script in open tabs,
   * and the old one can no longer remove its own). Badges are known by their tag (ours are
   * `cts-badge` or `cts-badge-…`) and the `data-cts-badge` and `data-key` attributes we set.
   */
  function sweep(doc) {
    for (const el of doc.querySelectorAll('[data-cts-badge][data-key]')) {
      if (el.localName === 'cts-badge' || el.localName.startsWith('cts-badge-')) el.remove();
    }
  }

  /** Moves keyboard focus to the badge's button (after the panel closes). */
  function focus(host) {
    parts.get(host)?.button.focus();
  }

  CTS.badge = Object.freeze({ create, render, view, focus, ago, tagName, sweep });
})();
