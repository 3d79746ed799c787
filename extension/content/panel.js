// The panel a badge opens: the questions a therapist would ask about a post, filled in from the
// engine's verdict (issue 4). 1 Qualifications, 2 Who pays?, 3 Board or ethics code, 4 Accuracy
// and context (the caption with the flagged words highlighted: text nodes and <mark> elements
// built from the engine's UTF-16 offsets, never HTML), 5 Don't self-diagnose, 6 Helpful or harmful
// for you? (the person's own note on the creator, saved on the device by the background). Crisis
// posts get support instead: the local crisis lines first, no checklist.
// A dialog in a shadow root: focus moves in, Tab stays inside, Esc or Close returns focus to the
// badge. What the verdict does not carry (reading links, crisis lines, the stored note) comes from
// the background in one `content/panel-data` message; the panel shows at once and fills those in.
(() => {
  const CTS = (globalThis.CTS ??= {});
  const api = globalThis.browser ?? globalThis.chrome;
  const t = CTS.t;

  const CSS = `
:host { all: initial; position: fixed; inset: 16px 16px auto auto; z-index: 2147483647; display: block; }
.dlg {
  box-sizing: border-box; width: min(440px, calc(100vw - 32px)); max-height: calc(100vh - 32px); overflow: auto;
  padding: 16px 18px; border-radius: 12px; border: 1px solid #cbd5e1; background: #ffffff; color: #111827;
  box-shadow: 0 10px 30px rgba(0,0,0,.25); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
.top { display: flex; align-items: flex-start; justify-content: space-between; gap: 12px; }
h2 { font-size: 17px; margin: 0 0 2px; }
section { margin: 14px 0 0; padding-top: 10px; border-top: 1px solid #e2e8f0; }
h3 { font-size: 14px; margin: 0 0 6px; display: flex; gap: 8px; align-items: baseline; }
.num {
  flex: none; display: inline-grid; place-items: center; width: 20px; height: 20px; border-radius: 50%;
  font-size: 12px; background: #e2e8f0; color: #1f2937;
}
p, ul { margin: 4px 0; }
ul { padding-left: 18px; }
li { margin: 6px 0; }
.caption { white-space: pre-wrap; overflow-wrap: anywhere; padding: 8px 10px; border-radius: 8px; background: #f1f5f9; }
mark { background: #fde68a; color: inherit; border-radius: 3px; padding: 0 1px; }
.quote { font-weight: 600; }
.muted { color: #475569; }
.plain { font-weight: 600; }
a { color: #1d4ed8; overflow-wrap: anywhere; }
button {
  font: inherit; border-radius: 8px; border: 1px solid #64748b; background: #f8fafc; color: inherit;
  padding: 4px 12px; cursor: pointer; flex: none;
}
button[aria-pressed="true"] { background: #1d4ed8; border-color: #1d4ed8; color: #ffffff; }
.rating { display: flex; gap: 8px; margin: 6px 0 10px; }
fieldset { border: 0; margin: 0; padding: 0; }
legend { padding: 0; margin: 0 0 4px; }
.reasons { display: flex; flex-wrap: wrap; gap: 6px 16px; }
label { display: inline-flex; gap: 6px; align-items: center; cursor: pointer; }
input { margin: 0; width: 16px; height: 16px; accent-color: #1d4ed8; }
.support { margin: 12px 0 0; padding: 12px; border-radius: 10px; background: #ecfdf5; border: 1px solid #a7f3d0; }
.support .line { margin: 10px 0 0; }
.support .number { display: block; font-size: 22px; font-weight: 700; letter-spacing: .02em; }
.support .name { font-weight: 600; }
.error { color: #b91c1c; }
button:focus-visible, a:focus-visible, input:focus-visible, .dlg:focus-visible { outline: 3px solid #2563eb; outline-offset: 2px; }
@media (prefers-color-scheme: dark) {
  .dlg { background: #111827; color: #f1f5f9; border-color: #334155; }
  section { border-top-color: #334155; }
  .num { background: #334155; color: #f1f5f9; }
  .muted { color: #a8b3c4; }
  .caption { background: #1f2937; }
  mark { background: #854d0e; }
  a { color: #93c5fd; }
  button { background: #1f2937; border-color: #64748b; }
  button[aria-pressed="true"] { background: #93c5fd; border-color: #93c5fd; color: #0b1220; }
  input { accent-color: #93c5fd; }
  .support { background: #0f2e25; border-color: #276749; }
  .error { color: #fca5a5; }
  button:focus-visible, a:focus-visible, input:focus-visible, .dlg:focus-visible { outline-color: #93c5fd; }
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

  /** A link the person may open themselves: https only, new tab, no referrer, never fetched. */
  const link = (doc, url, label) => el(doc, 'a', { href: url, target: '_blank', rel: 'noopener noreferrer', text: label });
  const isHttps = (url) => typeof url === 'string' && /^https:\/\/[^\s]+$/.test(url);

  const FIELD = { name: 'panel_field_name', handle: 'panel_field_handle', bio: 'panel_field_bio', label: 'panel_field_label' };
  /** Findings listed in step 4 (what the words claim); money is step 2, titles step 1. */
  const CLAIMS = new Set(['diagnostic', 'lived_experience', 'treatment_claim', 'certainty', 'crisis']);
  const MONEY = new Set(['sponsorship', 'self_promotion']);
  const HIGHLIGHT = new Set([...CLAIMS, ...MONEY, 'non_clinical_title']);
  /** Step 6 choices; the background checks the same lists (background/notes.js). */
  const RATINGS = ['helpful', 'harmful'];
  const REASONS = ['entertainment', 'information', 'memes', 'growth'];

  let open = null; // {host, badge}

  function close() {
    if (!open) return;
    const { host, badge } = open;
    open = null;
    host.remove();
    if (badge?.isConnected) CTS.badge.focus(badge);
  }

  /** A country code as the person's language names it ("US" → "United States"), else the code. */
  function countryName(code) {
    try {
      const names = new Intl.DisplayNames([api?.i18n?.getUILanguage?.() || 'en'], { type: 'region' });
      return names.of(code) ?? code;
    } catch {
      return code;
    }
  }

  /** One numbered step: `<section aria-labelledby>` with its heading; returns the section. */
  function step(doc, n, id, titleKey) {
    const headingId = `cts-step-${id}`;
    const section = el(doc, 'section', { class: `step step-${id}`, 'aria-labelledby': headingId });
    section.append(el(doc, 'h3', { id: headingId }, el(doc, 'span', { class: 'num', 'aria-hidden': 'true', text: String(n) }), el(doc, 'span', { text: t(titleKey) })));
    return section;
  }

  /**
   * A finding as a list item: the words in quotes, where they were if not the caption, the note
   * (the engine's English first; `fillNotes` swaps in the UI language's when panel-data arrives).
   */
  function findingItem(doc, f) {
    const li = el(doc, 'li');
    li.append(el(doc, 'span', { class: 'quote', text: `“${f.text.trim()}”` }));
    if (f.field !== 'caption' && FIELD[f.field]) li.append(' ', el(doc, 'span', { class: 'muted', text: t(FIELD[f.field]) }));
    if (f.note) li.append(el(doc, 'div', { class: 'finding-note', 'data-rule': String(f.rule ?? ''), text: f.note }));
    return li;
  }

  /** Replaces each finding's note with the background's `notes[rule]` (UI language), when given. */
  function fillNotes(dlg, notes) {
    if (typeof notes !== 'object' || notes === null) return;
    for (const node of dlg.querySelectorAll('.finding-note[data-rule]')) {
      const text = Object.hasOwn(notes, node.dataset.rule) ? notes[node.dataset.rule] : null;
      if (typeof text === 'string' && text.trim()) node.textContent = text;
    }
  }

  // ---------------------------------------------------------------------------------- steps

  /** 1. Qualifications: each credential, where it was seen, what it means, and where to check it. */
  function qualifications(doc, verdict, data) {
    const s = step(doc, 1, 'qualifications', 'panel_step_qualifications');
    const creds = Array.isArray(verdict.credentials) ? verdict.credentials : [];
    if (!creds.length) {
      s.append(el(doc, 'p', { class: 'plain', text: t('panel_no_licence') }));
      s.append(el(doc, 'p', { class: 'muted', text: t('panel_no_licence_detail') }));
      return s;
    }
    const list = el(doc, 'ul', { class: 'creds' });
    for (const c of creds) {
      const li = el(doc, 'li', { class: `cred cred-${c.status}` });
      const head = el(doc, 'p', {}, el(doc, 'strong', { class: 'cred-text', text: c.text }));
      if (c.title && c.title !== c.text) head.append(` — `, el(doc, 'span', { class: 'cred-title', text: c.title }));
      // Where it was seen: "(in their bio)", or for a bio remembered from the profile, when.
      const when = c.field === 'bio' && data.remembered?.seen ? CTS.badge.ago(data.remembered.seen, Date.now()) : null;
      if (FIELD[c.field] && !when) head.append(' ', el(doc, 'span', { class: 'muted', text: t(FIELD[c.field]) }));
      li.append(head);
      const facts = [];
      if (when) facts.push(t('panel_seen_in_bio', [when]));
      if (c.country) facts.push(t('panel_country', [countryName(c.country)]));
      if (facts.length) li.append(el(doc, 'p', { class: 'muted', text: facts.join(' · ') }));
      const meaning = { licensed: 'panel_cred_licensed', claimed_unverified: 'panel_cred_claimed', non_clinical: 'panel_cred_non_clinical' }[c.status];
      if (meaning) li.append(el(doc, 'p', { class: 'meaning', text: t(meaning) }));
      // A coach's "verify" link (a coaching federation's directory) is no licence check: shown
      // only for what could be a clinical qualification.
      const links = c.status === 'non_clinical' ? [] : (c.verify ?? []).filter((v) => isHttps(v?.url) && typeof v.label === 'string');
      if (links.length) {
        li.append(el(doc, 'p', { class: 'muted', text: t('panel_verify_intro') }));
        li.append(el(doc, 'ul', { class: 'verify' }, ...links.map((v) => el(doc, 'li', {}, link(doc, v.url, v.label)))));
      }
      list.append(li);
    }
    s.append(list);
    const titles = (verdict.findings ?? []).filter((f) => f.category === 'non_clinical_title');
    if (titles.length) s.append(el(doc, 'ul', {}, ...titles.map((f) => findingItem(doc, f))));
    return s;
  }

  /** 2. Who pays?: platform labels, #ad, codes, affiliate links, the creator's own courses. */
  function whoPays(doc, verdict, post) {
    const s = step(doc, 2, 'pays', 'panel_step_pays');
    // The platform's own label first: it is the plainest sign.
    const money = (verdict.findings ?? []).filter((f) => MONEY.has(f.category)).sort((a, b) => (b.field === 'label') - (a.field === 'label'));
    const labelled = new Set(money.filter((f) => f.field === 'label').map((f) => f.label_index));
    const items = [];
    (Array.isArray(post.labels) ? post.labels : []).forEach((label, i) => {
      if (typeof label === 'string' && label.trim() && !labelled.has(i)) {
        items.push(el(doc, 'li', {}, el(doc, 'span', { class: 'quote', text: `“${label.trim()}”` }), ' ', el(doc, 'span', { class: 'muted', text: t('panel_field_label') })));
      }
    });
    for (const f of money) items.push(findingItem(doc, f));
    if (!items.length) {
      s.append(el(doc, 'p', { class: 'plain', text: t('panel_pays_none') }));
      return s;
    }
    s.append(el(doc, 'p', { text: t('panel_pays_intro') }));
    s.append(el(doc, 'ul', { class: 'money' }, ...items));
    return s;
  }

  /** 3. Which board or ethics code: from the credentials; none for coaches, said plainly. */
  function board(doc, verdict) {
    const s = step(doc, 3, 'board', 'panel_step_board');
    const creds = Array.isArray(verdict.credentials) ? verdict.credentials : [];
    const withBoard = creds.filter((c) => c.status !== 'non_clinical' && typeof c.board === 'string' && c.board.trim());
    const seen = new Set();
    const items = [];
    for (const c of withBoard) {
      if (seen.has(c.board)) continue;
      seen.add(c.board);
      items.push(el(doc, 'li', { text: t('panel_board_item', [c.text, c.board]) }));
    }
    if (items.length) {
      s.append(el(doc, 'ul', { class: 'boards' }, ...items));
      s.append(el(doc, 'p', { class: 'muted', text: t('panel_board_hint') }));
    }
    const unregulated = creds.filter((c) => c.status === 'claimed_unverified' && !(c.board ?? '').trim());
    for (const c of unregulated) s.append(el(doc, 'p', { text: t('panel_board_unregulated', [c.text]) }));
    if (!items.length) {
      const status = verdict.credential_status ?? 'none';
      if (status === 'non_clinical') s.append(el(doc, 'p', { class: 'plain', text: t('panel_board_non_clinical') }));
      else if (!unregulated.length) s.append(el(doc, 'p', { class: 'plain', text: t('panel_board_none') }));
    }
    return s;
  }

  /** 4. Accuracy and context: the caption with highlights, each claim's note, reading links. */
  function accuracy(doc, verdict, post) {
    const s = step(doc, 4, 'accuracy', 'panel_step_accuracy');
    const findings = Array.isArray(verdict.findings) ? verdict.findings : [];
    if (post.caption) {
      s.append(el(doc, 'p', { class: 'muted', text: t('panel_caption_intro') }));
      const cap = el(doc, 'p', { class: 'caption' });
      cap.append(highlighted(doc, post.caption, findings.filter((f) => f.field === 'caption' && HIGHLIGHT.has(f.category))));
      s.append(cap);
    }
    const claims = findings.filter((f) => CLAIMS.has(f.category));
    if (claims.length) s.append(el(doc, 'ul', { class: 'claims' }, ...claims.map((f) => findingItem(doc, f))));
    else s.append(el(doc, 'p', { text: t('panel_claims_none') }));
    const reading = el(doc, 'div', { class: 'reading' });
    s.append(reading);
    return { section: s, reading };
  }

  /** Fills step 4's reading links once the background sent the conditions. */
  function fillReading(doc, reading, conditions) {
    for (const c of conditions) {
      const links = (c.links ?? []).filter((l) => isHttps(l?.url) && typeof l.label === 'string');
      if (!links.length) continue;
      reading.append(el(doc, 'p', { text: t('panel_reading', [c.name]) }));
      reading.append(el(doc, 'ul', { class: 'links', 'data-condition': c.id }, ...links.map((l) => el(doc, 'li', {}, link(doc, l.url, l.label)))));
    }
  }

  /** 5. Don't self-diagnose: a reminder and how to find a licensed professional. */
  function selfDiagnose(doc) {
    const s = step(doc, 5, 'self', 'panel_step_self');
    s.append(el(doc, 'p', { text: t('panel_self_reminder') }));
    s.append(el(doc, 'p', { class: 'plain', text: t('panel_self_professional') }));
    s.append(el(doc, 'p', { class: 'muted', text: t('panel_self_find') }));
    return s;
  }

  /** 6. Helpful or harmful for you? Why do you follow them? Saved per creator on the device. */
  function forYou(doc, post) {
    const s = step(doc, 6, 'you', 'panel_step_you');
    const handle = typeof post.author?.handle === 'string' && post.author.handle.trim() ? post.author.handle.trim().replace(/^@/, '') : null;
    if (!handle) {
      s.append(el(doc, 'p', { text: t('panel_note_no_handle') }));
      return { section: s, controls: null };
    }
    const questionId = 'cts-rate-q';
    s.append(el(doc, 'p', { id: questionId, text: t('panel_rate_question') }));
    // Hidden until the stored note has arrived, so a click can never be undone by the load.
    const rating = el(doc, 'div', { class: 'rating', role: 'group', 'aria-labelledby': questionId, hidden: '' });
    const buttons = {};
    for (const r of RATINGS) {
      buttons[r] = el(doc, 'button', { type: 'button', 'aria-pressed': 'false', 'data-rating': r, text: t(`panel_rate_${r}`) });
      rating.append(buttons[r]);
    }
    s.append(rating);
    const legend = el(doc, 'legend', { text: t('panel_reasons_legend') });
    const boxes = {};
    const reasons = el(doc, 'div', { class: 'reasons' });
    for (const r of REASONS) {
      boxes[r] = el(doc, 'input', { type: 'checkbox', value: r });
      reasons.append(el(doc, 'label', {}, boxes[r], el(doc, 'span', { text: t(`panel_reason_${r}`) })));
    }
    const fieldset = el(doc, 'fieldset', { hidden: '' }, legend, reasons);
    s.append(fieldset);
    const status = el(doc, 'p', { class: 'muted note-status', role: 'status', text: t('panel_loading') });
    s.append(status);
    return { section: s, controls: { handle, buttons, boxes, status, parts: [rating, fieldset] } };
  }

  /** Crisis posts: support first (the local lines), a gentle note, no checklist. */
  function support(doc) {
    const box = el(doc, 'section', { class: 'support', 'aria-labelledby': 'cts-support-title' });
    box.append(el(doc, 'h3', { id: 'cts-support-title', text: t('panel_support_heading') }));
    box.append(el(doc, 'p', { text: t('panel_support_intro') }));
    const lines = el(doc, 'div', { class: 'lines' });
    box.append(lines);
    box.append(el(doc, 'p', { text: t('panel_support_emergency') }));
    return { box, lines };
  }

  function fillLines(doc, lines, list) {
    for (const l of list) {
      if (typeof l?.name !== 'string' || typeof l.number !== 'string') continue;
      const line = el(doc, 'div', { class: 'line', 'data-locale': String(l.locale ?? '') });
      line.append(el(doc, 'span', { class: 'number', text: l.number }), el(doc, 'span', { class: 'name', text: l.name }));
      if (typeof l.text === 'string' && l.text) line.append(el(doc, 'p', { text: l.text }));
      if (isHttps(l.url)) line.append(el(doc, 'p', {}, link(doc, l.url, t('panel_support_site', [l.name]))));
      lines.append(line);
    }
    if (!lines.childElementCount) lines.append(el(doc, 'p', { class: 'plain', text: t('panel_support_unavailable') }));
  }

  // ---------------------------------------------------------------------------- the note

  /** Wires step 6 to the background: shows the stored note, saves every change, one at a time. */
  function wireNote(controls, platform, stored, isCurrent) {
    const { handle, buttons, boxes, status, parts } = controls;
    for (const part of parts) part.hidden = false;
    status.textContent = t('panel_note_private', [handle]);
    let saved = { rating: stored?.rating ?? null, reasons: Array.isArray(stored?.reasons) ? stored.reasons.filter((r) => REASONS.includes(r)) : [] };
    const show = (note) => {
      for (const r of RATINGS) buttons[r].setAttribute('aria-pressed', String(note.rating === r));
      for (const r of REASONS) boxes[r].checked = note.reasons.includes(r);
    };
    const current = () => ({
      rating: RATINGS.find((r) => buttons[r].getAttribute('aria-pressed') === 'true') ?? null,
      reasons: REASONS.filter((r) => boxes[r].checked),
    });
    show(saved);
    let queue = Promise.resolve();
    const save = () => {
      const note = current();
      queue = queue.then(async () => {
        let reply;
        try {
          reply = await api.runtime.sendMessage({ kind: 'content/note', platform, handle, note });
        } catch (err) {
          reply = { ok: false, error: String(err?.message ?? err) };
        }
        if (!isCurrent()) return;
        if (reply?.ok) {
          saved = { rating: reply.note?.rating ?? null, reasons: reply.note?.reasons ?? [] };
          status.className = 'muted note-status';
          status.textContent = t(reply.note ? 'panel_note_saved' : 'panel_note_removed');
          status.dataset.saved = JSON.stringify(saved);
        } else {
          // Nothing is lost: the controls go back to what is stored, and the person is told why.
          show(saved);
          status.className = 'error note-status';
          status.textContent = t('panel_note_failed', [String(reply?.error ?? t('panel_no_reply'))]);
        }
      });
    };
    for (const r of RATINGS) {
      buttons[r].addEventListener('click', () => {
        const pressed = buttons[r].getAttribute('aria-pressed') === 'true';
        for (const other of RATINGS) buttons[other].setAttribute('aria-pressed', String(other === r && !pressed));
        save();
      });
    }
    for (const r of REASONS) boxes[r].addEventListener('change', save);
  }

  // ------------------------------------------------------------------------------- the panel

  /**
   * Opens the panel for `badge` showing `data` = `{verdict, post, remembered, view}`; an open
   * panel is replaced. Returns the panel's host element.
   */
  function show(badge, data) {
    close();
    const doc = badge.ownerDocument;
    const { verdict, post, view } = data;
    let host = doc.createElement(panelTag(doc));
    let root;
    try {
      root = host.attachShadow({ mode: 'open' });
    } catch {
      // The page defined our name after we chose it (its element has a shadow root already).
      host = doc.createElement(CTS.dom.retag('cts-panel'));
      root = host.attachShadow({ mode: 'open' });
    }
    root.adoptedStyleSheets = [CTS.dom.sheet(doc, CSS)];
    const titleId = 'cts-panel-title';
    const crisis = verdict.level === 'support';
    const dlg = el(doc, 'div', { class: 'dlg', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId, tabindex: '-1', 'data-state': 'loading' });
    if (crisis) dlg.classList.add('crisis');
    const closeBtn = el(doc, 'button', { type: 'button', class: 'close', text: t('panel_close') });
    closeBtn.addEventListener('click', close);
    dlg.append(el(doc, 'div', { class: 'top' }, el(doc, 'h2', { id: titleId, text: view?.primary ?? t('content_badge_check') }), closeBtn));

    let lines = null;
    let reading = null;
    let you = null;
    if (crisis) {
      const sup = support(doc);
      lines = sup.lines;
      dlg.append(sup.box);
      dlg.append(el(doc, 'p', { class: 'gentle', text: t('panel_support_note') }));
    } else {
      dlg.append(el(doc, 'p', { class: 'muted intro', text: t('panel_intro') }));
      dlg.append(qualifications(doc, verdict, data), whoPays(doc, verdict, post), board(doc, verdict));
      const acc = accuracy(doc, verdict, post);
      reading = acc.reading;
      dlg.append(acc.section, selfDiagnose(doc));
      you = forYou(doc, post);
      dlg.append(you.section);
    }
    dlg.append(el(doc, 'p', { class: 'muted disclaimer', text: t('panel_disclaimer') }));
    root.append(dlg);

    const onKey = (ev) => {
      if (ev.key === 'Escape') {
        ev.preventDefault();
        ev.stopPropagation();
        close();
        return;
      }
      if (ev.key === 'Tab') {
        const items = Array.from(root.querySelectorAll('button:not([disabled]), a[href], input:not([disabled])')).filter((x) => !x.closest('[hidden]'));
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
    const mine = { host, badge };
    open = mine;
    closeBtn.focus();

    // What the verdict does not carry: reading links, crisis lines, the stored note.
    const platform = post.platform === 'instagram' ? 'instagram' : 'tiktok';
    const ids = [...new Set((verdict.topics ?? []).map((x) => x.condition).filter((id) => typeof id === 'string' && /^[a-z0-9_.-]{1,64}$/.test(id)))];
    // The specific conditions first, "mental health" in general last.
    ids.sort((a, b) => (a === 'general') - (b === 'general'));
    const locale = /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,4}$/.test(navigator.language ?? '') ? navigator.language : 'en';
    // The findings' rules, for their notes in the UI language.
    const rules = [...new Set((verdict.findings ?? []).map((f) => f.rule).filter((id) => typeof id === 'string' && /^[a-z0-9_.-]{1,100}$/.test(id)))].slice(0, 200);
    const isCurrent = () => open === mine;
    Promise.resolve()
      .then(() => api.runtime.sendMessage({ kind: 'content/panel-data', platform, handle: you?.controls?.handle ?? null, conditions: crisis ? [] : ids.slice(0, 50), locale, rules }))
      .catch((err) => ({ ok: false, error: String(err?.message ?? err) }))
      .then((reply) => {
        if (!isCurrent()) return;
        const ok = reply?.ok === true;
        if (ok) fillNotes(dlg, reply.notes);
        if (lines) fillLines(doc, lines, ok && Array.isArray(reply.crisis_lines) ? reply.crisis_lines : []);
        if (reading && ok && Array.isArray(reply.conditions)) fillReading(doc, reading, reply.conditions);
        if (reading && !ok) reading.append(el(doc, 'p', { class: 'muted', text: t('panel_reading_unavailable') }));
        // Without the stored note the controls stay hidden: saving blind could overwrite it.
        if (you?.controls && ok) wireNote(you.controls, platform, reply.note, isCurrent);
        else if (you?.controls) you.controls.status.textContent = t('panel_note_unavailable');
        dlg.dataset.state = ok ? 'ready' : 'failed';
      });
    return host;
  }

  /** `cts-panel`, or a suffixed name when the page owns that one (CTS.dom.ownTag, as the badge). */
  const panelTag = (doc) => CTS.dom.ownTag(doc, 'cts-panel');

  CTS.panel = Object.freeze({
    show,
    close,
    highlighted,
    isOpen: () => open !== null,
    /** Whether the open panel belongs to this badge (removing another badge must not close it). */
    isOpenFor: (badge) => open !== null && open.badge === badge,
    tagName: panelTag,
  });
})();
