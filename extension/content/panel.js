// The panel a badge opens: what was found and why, with the flagged words highlighted in the
// caption (text nodes and <mark> elements built from the engine's UTF-16 offsets, never HTML),
// the credential and where to check it, and sponsorship. A dialog in a shadow root: focus moves
// in, Tab stays inside, Esc or Close returns focus to the badge. The full checklist is issue 4.
(() => {
  const CTS = (globalThis.CTS ??= {});
  const t = CTS.t;

  const CSS = `
:host { all: initial; position: fixed; inset: 16px 16px auto auto; z-index: 2147483647; display: block; }
.dlg {
  box-sizing: border-box; width: min(420px, calc(100vw - 32px)); max-height: calc(100vh - 32px); overflow: auto;
  padding: 16px 18px; border-radius: 12px; border: 1px solid #cbd5e1; background: #ffffff; color: #111827;
  box-shadow: 0 10px 30px rgba(0,0,0,.25); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
.top { display: flex; align-items: flex-start; justify-content: space-between; gap: 12px; }
h2 { font-size: 16px; margin: 0 0 4px; }
h3 { font-size: 13px; margin: 14px 0 4px; text-transform: uppercase; letter-spacing: .04em; color: #475569; }
p, ul { margin: 4px 0; }
ul { padding-left: 18px; }
li { margin: 6px 0; }
.caption { white-space: pre-wrap; overflow-wrap: anywhere; padding: 8px 10px; border-radius: 8px; background: #f1f5f9; }
mark { background: #fde68a; color: inherit; border-radius: 3px; padding: 0 1px; }
.quote { font-weight: 600; }
.muted { color: #475569; }
a { color: #1d4ed8; }
button {
  font: inherit; border-radius: 8px; border: 1px solid #94a3b8; background: #f8fafc; color: inherit;
  padding: 4px 10px; cursor: pointer; flex: none;
}
button:focus-visible, a:focus-visible, .dlg:focus-visible { outline: 2px solid #2563eb; outline-offset: 2px; }
@media (prefers-color-scheme: dark) {
  .dlg { background: #111827; color: #f1f5f9; border-color: #334155; }
  h3, .muted { color: #94a3b8; }
  .caption { background: #1f2937; }
  mark { background: #854d0e; }
  a { color: #93c5fd; }
  button { background: #1f2937; border-color: #475569; }
}
@media (prefers-reduced-motion: no-preference) { .dlg { animation: in .15s ease-out; } }
@keyframes in { from { opacity: 0; transform: translateY(-4px); } to { opacity: 1; transform: none; } }
`;


  /**
   * `text` as nodes, with every valid [start, end) span (UTF-16 offsets) wrapped in <mark>.
   * Overlapping spans merge; spans outside the text are ignored (the text may have changed).
   */
  function highlighted(doc, text, spans) {
    const valid = spans
      .filter((s) => Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.start < s.end && s.end <= text.length)
      .map((s) => [s.start, s.end])
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const merged = [];
    for (const [s, e] of valid) {
      const last = merged[merged.length - 1];
      if (last && s <= last[1]) last[1] = Math.max(last[1], e);
      else merged.push([s, e]);
    }
    const frag = doc.createDocumentFragment();
    let at = 0;
    for (const [s, e] of merged) {
      if (s > at) frag.append(doc.createTextNode(text.slice(at, s)));
      const mark = doc.createElement('mark');
      mark.textContent = text.slice(s, e);
      frag.append(mark);
      at = e;
    }
    if (at < text.length) frag.append(doc.createTextNode(text.slice(at)));
    return frag;
  }

  const el = (doc, name, props = {}, ...children) => {
    const node = doc.createElement(name);
    for (const [k, v] of Object.entries(props)) {
      if (k === 'text') node.textContent = v;
      else node.setAttribute(k, v);
    }
    node.append(...children);
    return node;
  };

  const FIELD = { name: 'content_field_name', handle: 'content_field_handle', bio: 'content_field_bio', label: 'content_field_label' };
  const SHOWN = new Set(['diagnostic', 'lived_experience', 'treatment_claim', 'certainty', 'sponsorship', 'self_promotion', 'crisis', 'non_clinical_title']);

  let open = null; // {host, badge, onKey}

  function close() {
    if (!open) return;
    const { host, badge } = open;
    open = null;
    host.remove();
    if (badge?.isConnected) CTS.badge.focus(badge);
  }

  /**
   * Opens the panel for `badge` showing `data` = `{verdict, post, remembered, view}`; an open
   * panel is replaced.
   */
  function show(badge, data) {
    close();
    const doc = badge.ownerDocument;
    const { verdict, post, view } = data;
    const host = doc.createElement(panelTag(doc));
    const root = host.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [CTS.dom.sheet(doc, CSS)];
    const titleId = 'cts-panel-title';
    const dlg = el(doc, 'div', { class: 'dlg', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId, tabindex: '-1' });
    const closeBtn = el(doc, 'button', { type: 'button', text: t('content_panel_close') });
    closeBtn.addEventListener('click', close);
    dlg.append(el(doc, 'div', { class: 'top' }, el(doc, 'h2', { id: titleId, text: view?.primary ?? t('content_badge_check') }), closeBtn));

    const findings = (verdict.findings ?? []).filter((f) => SHOWN.has(f.category));
    if (verdict.level === 'support') {
      dlg.append(el(doc, 'p', { text: t('content_panel_support') }));
    }

    // The caption with every flagged phrase highlighted.
    const captionSpans = findings.filter((f) => f.field === 'caption');
    if (post.caption) {
      dlg.append(el(doc, 'h3', { text: t('content_panel_caption') }));
      const cap = el(doc, 'p', { class: 'caption' });
      cap.append(highlighted(doc, post.caption, captionSpans));
      dlg.append(cap);
    }

    // Each finding: the words and why they matter.
    if (findings.length) {
      dlg.append(el(doc, 'h3', { text: t('content_panel_findings') }));
      const list = el(doc, 'ul');
      for (const f of findings) {
        const li = el(doc, 'li');
        li.append(el(doc, 'span', { class: 'quote', text: `“${f.text}”` }));
        if (f.field !== 'caption' && FIELD[f.field]) li.append(' ', el(doc, 'span', { class: 'muted', text: t(FIELD[f.field]) }));
        li.append(el(doc, 'div', { text: f.note }));
        list.append(li);
      }
      dlg.append(list);
    }

    // Qualifications.
    dlg.append(el(doc, 'h3', { text: t('content_panel_credentials') }));
    const creds = verdict.credentials ?? [];
    if (!creds.length) dlg.append(el(doc, 'p', { text: t('content_panel_no_credentials') }));
    for (const c of creds) {
      const block = el(doc, 'div');
      block.append(el(doc, 'p', {}, el(doc, 'strong', { text: c.text }), ` — ${c.title}`));
      const facts = [];
      if (c.country) facts.push(t('content_panel_country', [c.country]));
      if (c.board) facts.push(t('content_panel_board', [c.board]));
      if (FIELD[c.field]) facts.push(t(FIELD[c.field]));
      if (c.field === 'bio' && data.remembered?.seen) {
        const when = CTS.badge.ago(data.remembered.seen, Date.now());
        if (when) facts.push(t('content_badge_seen_in_bio', [when]));
      }
      if (facts.length) block.append(el(doc, 'p', { class: 'muted', text: facts.join(' · ') }));
      const links = (c.verify ?? []).filter((v) => /^https:\/\//.test(v.url ?? ''));
      if (links.length) {
        const ul = el(doc, 'ul');
        for (const v of links) {
          ul.append(el(doc, 'li', {}, el(doc, 'a', { href: v.url, target: '_blank', rel: 'noopener noreferrer', text: v.label })));
        }
        block.append(ul);
      }
      dlg.append(block);
    }

    // Who pays.
    dlg.append(el(doc, 'h3', { text: t('content_panel_sponsorship') }));
    const paid = [...(post.labels ?? []), ...findings.filter((f) => f.category === 'sponsorship' && f.field !== 'label').map((f) => f.text)];
    dlg.append(el(doc, 'p', { text: paid.length ? t('content_panel_sponsored', [[...new Set(paid)].join(', ')]) : t('content_panel_not_sponsored') }));

    dlg.append(el(doc, 'p', { class: 'muted', text: t('content_panel_disclaimer') }));
    root.append(dlg);

    const onKey = (ev) => {
      if (ev.key === 'Escape') {
        ev.preventDefault();
        ev.stopPropagation();
        close();
        return;
      }
      if (ev.key === 'Tab') {
        const items = Array.from(root.querySelectorAll('button, a[href]'));
        if (!items.length) return;
        const first = items[0];
        const last = items[items.length - 1];
        const active = root.activeElement;
        if (ev.shiftKey && (active === first || active === dlg)) {
          ev.preventDefault();
          last.focus();
        } else if (!ev.shiftKey && active === last) {
          ev.preventDefault();
          first.focus();
        }
      }
      ev.stopPropagation(); // the page's own shortcuts (arrow keys scroll the feed) stay out
    };
    dlg.addEventListener('keydown', onKey);
    (doc.body ?? doc.documentElement).append(host);
    open = { host, badge };
    closeBtn.focus();
    return host;
  }

  let tag = null;
  function panelTag(doc) {
    if (tag) return tag;
    let name = 'cts-panel';
    try {
      if (globalThis.customElements?.get(name) || doc.createElement(name).shadowRoot) throw new Error('taken');
    } catch {
      name = `cts-panel-${Math.random().toString(36).slice(2, 10)}`;
    }
    tag = name;
    CTS.dom.OWN.add(name);
    return name;
  }

  CTS.panel = Object.freeze({ show, close, highlighted, isOpen: () => open !== null, tagName: panelTag });
})();
