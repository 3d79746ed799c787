// Instagram adapter: home feed, post page, post modal, Reels and the profile page. Instagram has
// no test ids and obfuscated classes, so posts are read by structure: the author link, the
// permalink's shortcode, and the span[dir="auto"] that follows the author link's block.
(() => {
  const CTS = (globalThis.CTS ??= {});
  const S = CTS.selectors.instagram;
  const dom = CTS.dom;
  const PLATFORM = 'instagram';

  const shortcodeFromHref = new RegExp(S.shortcodeFromHref);
  const userFromHref = new RegExp(S.userFromHref);
  const reserved = new Set(S.reservedPaths);
  const postPages = S.postPages.map((p) => new RegExp(p));

  /** The path of a same-site link, or null. */
  function pathOf(a) {
    const href = a.getAttribute('href');
    if (!href || href.startsWith('#')) return null;
    if (href.startsWith('/')) return href.split(/[?#]/)[0];
    try {
      const u = new URL(href);
      return u.hostname.endsWith('instagram.com') ? u.pathname : null;
    } catch {
      return null;
    }
  }

  function userOf(a) {
    const p = pathOf(a);
    const m = p ? userFromHref.exec(p) : null;
    return m && !reserved.has(m[1].toLowerCase()) ? m[1] : null;
  }

  function shortcodeOf(node, doc) {
    for (const a of dom.all(node, S.permalink)) {
      const m = shortcodeFromHref.exec(pathOf(a) ?? '');
      if (m) return m[1];
    }
    const m = shortcodeFromHref.exec(doc.defaultView?.location.pathname ?? '');
    return m ? m[1] : null;
  }

  function isLabel(t) {
    return S.sponsoredText.some((p) => t === p || t.startsWith(`${p} `));
  }

  /**
   * The caption: for each link to the author (document order, header first), climb a few levels;
   * the block whose next sibling is a span[dir="auto"] is the caption block. The header block is
   * followed by a div, so it never matches; an empty span or a label is passed over.
   */
  function captionOf(node, handle) {
    const want = `/${handle}/`;
    for (const a of node.querySelectorAll('a[href]')) {
      if (pathOf(a) !== want) continue;
      let x = a;
      for (let i = 0; x && x !== node && i < S.captionClimb; i++, x = x.parentElement) {
        const s = x.nextElementSibling;
        if (!s) continue;
        let cap;
        if (s.matches(S.captionSpan)) {
          cap = s.querySelector(S.captionSpan);
          if (!cap || cap.closest(S.expander)) cap = s;
        } else if (s.firstElementChild?.matches(S.captionHeading)) {
          cap = s.firstElementChild;
        } else {
          continue;
        }
        const text = dom.text(cap, (el) => el.matches(S.expander));
        if (text && !isLabel(text)) return { el: cap, block: s, text };
      }
    }
    return null;
  }

  function labelsOf(node, caption) {
    const labels = [];
    const walker = node.ownerDocument.createTreeWalker(node, 4 /* SHOW_TEXT */);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const s = t.data.trim();
      if (!s || !isLabel(s) || (caption && caption.contains(t))) continue;
      const full = dom.text(t.parentElement);
      const label = isLabel(full) ? full : s;
      if (!labels.includes(label)) labels.push(label);
    }
    return labels;
  }

  const stateCache = new WeakMap(); // parsed state object → its shortcode map
  /** The first-page feed state: shortcode → {caption, full name, paid partnership}. */
  function embedded(doc) {
    const map = new Map();
    for (const data of dom.embeddedJSON(doc, S.state)) {
      if (!data || typeof data !== 'object') continue;
      let part = stateCache.get(data);
      if (!part) {
        part = stateOf(data);
        stateCache.set(data, part);
      }
      for (const [k, v] of part) map.set(k, v);
    }
    return map;
  }

  /** The posts one parsed state holds (searched once per script: the state can be large). */
  function stateOf(data) {
    const map = new Map();
    for (const conn of dom.findKey(data, S.stateFeedKey)) {
      for (const edge of conn?.edges ?? []) {
        const m = edge?.node?.media;
        if (m?.code) {
          map.set(m.code, {
            caption: m.caption?.text ?? '',
            username: m.user?.username ?? '',
            fullName: m.user?.full_name ?? '',
            paid: m.is_paid_partnership === true,
          });
        }
      }
    }
    return map;
  }

  const squash = (s) => s.replace(/\s+/g, ' ').replace(/(\.\.\.|…)$/, '').trim();

  function readPost(node, doc, state) {
    let handle = null;
    for (const a of node.querySelectorAll('a[href]')) {
      handle = userOf(a);
      if (handle) break;
    }
    if (!handle) return null;
    const cap = captionOf(node, handle);
    if (!cap) return null; // a placeholder, or a post without words
    const code = shortcodeOf(node, doc);
    if (!code) return null;
    const key = `${PLATFORM}:${code}`;
    const author = { handle };
    let caption = cap.text;
    const labels = labelsOf(node, cap.block);
    const st = state.get(code);
    if (st && st.username === handle) {
      // The page shows a truncated caption behind "more"; the state holds all of it.
      if (st.caption && st.caption !== caption && squash(st.caption).startsWith(squash(caption))) caption = st.caption;
      if (st.fullName) author.name = st.fullName;
      if (st.paid && !labels.length) labels.push('Paid partnership');
    }
    return {
      node,
      anchor: cap.block,
      caption: cap.el,
      key,
      kind: 'post',
      post: { id: key, platform: PLATFORM, caption, author, labels },
    };
  }

  /** Profile header: handle (must match the address), display name and bio. */
  function readProfile(doc) {
    const loc = doc.defaultView?.location;
    const m = loc ? /^\/([A-Za-z0-9._]{1,30})\/?$/.exec(loc.pathname) : null;
    if (!m || reserved.has(m[1].toLowerCase())) return null;
    const header = dom.first(doc, S.profile.header);
    if (!header) return null;
    const hEl = dom.first(header, S.profile.handle);
    const handle = hEl ? dom.text(hEl) : '';
    if (handle.toLowerCase() !== m[1].toLowerCase()) return null;
    const spans = Array.from(header.querySelectorAll(S.profile.textSpan)).filter(
      (s) => !s.parentElement.closest(S.profile.textSpan) && !s.closest('a, ul, h1, h2, button'),
    );
    const texts = spans.map((s) => dom.text(s)).filter(Boolean);
    const author = { handle };
    if (texts.length) author.name = texts[0];
    if (texts.length > 1) author.bio = texts.slice(1).join('\n');
    const key = `${PLATFORM}:@${handle}`;
    const bioSpan = spans.length > 1 ? spans[spans.length - 1] : hEl;
    return {
      node: header,
      anchor: bioSpan,
      caption: null,
      key,
      kind: 'creator',
      post: { id: key, platform: PLATFORM, caption: '', author, labels: [] },
    };
  }

  /** A reel: a section with exactly one shortcode, outside any article and the profile header. */
  function isReel(sec) {
    if (sec.closest('article, header') || sec.querySelector('article')) return false;
    const codes = new Set();
    for (const a of sec.querySelectorAll('a[href]')) {
      const m = shortcodeFromHref.exec(pathOf(a) ?? '');
      if (m) codes.add(m[1]);
    }
    return codes.size === 1;
  }

  function findPosts(root) {
    const doc = root.ownerDocument ?? root;
    const el = root.nodeType === 1 ? root : null;
    const scope = (el && scopeOf(el)) ?? root;
    const nodes = new Set();
    if (scope.nodeType === 1 && scope.matches('article')) nodes.add(scope);
    for (const n of dom.all(scope, S.post)) nodes.add(n);
    const sections = dom.all(scope, S.reel);
    if (scope.nodeType === 1 && dom.matches(scope, S.reel)) sections.unshift(scope);
    for (const sec of sections) if (isReel(sec)) nodes.add(sec);
    // A post inside another candidate (a section within a reel) is the same post.
    for (const n of nodes) for (const o of nodes) if (o !== n && o.contains(n)) nodes.delete(n);
    const out = [];
    const state = nodes.size ? embedded(doc) : new Map();
    for (const node of nodes) {
      const entry = readPost(node, doc, state);
      if (entry) out.push(entry);
    }
    const header = dom.first(doc, S.profile.header);
    if (header && (scope === doc || scope.contains(header) || header.contains(scope))) {
      const creator = readProfile(doc);
      if (creator) out.push(creator);
    }
    return out;
  }

  const isPostPage = (loc) => postPages.some((re) => re.test(loc.pathname));

  /** The post around `el`: its article, or the outermost section around it (a reel). */
  function scopeOf(el) {
    const art = el.closest('article');
    if (art) return art;
    let best = null;
    for (let s = el.closest('section'); s; s = s.parentElement?.closest('section') ?? null) {
      if (!s.closest('header')) best = s;
    }
    return best ?? el;
  }

  CTS.adapters = CTS.adapters ?? {};
  CTS.adapters.instagram = Object.freeze({ platform: PLATFORM, findPosts, isPostPage, scopeOf });
})();
