// TikTok adapter: finds posts (For You / Following feed, video page, search results) and the
// creator on a profile page, and reads each into the engine's `post` shape. Selectors come from
// selectors.js; this file holds only the reading logic.
(() => {
  const CTS = (globalThis.CTS ??= {});
  const S = CTS.selectors.tiktok;
  const dom = CTS.dom;
  const PLATFORM = 'tiktok';

  const videoIdFromId = new RegExp(S.videoIdFromId);
  const videoIdFromHref = new RegExp(S.videoIdFromHref);
  const handleFromHref = new RegExp(S.handleFromHref);
  const notCaption = S.notCaption.join(',');
  const postPages = S.postPages.map((p) => new RegExp(p));

  /** Not the creator's words: the AI summary, any container holding it, buttons ("more"). */
  const skipInCaption = (el) => el.matches(notCaption) || el.localName === 'button' || el.querySelector(notCaption) !== null;

  /** The first-load state: the opened video and the opened profile (only valid for them). */
  function embedded(doc) {
    const [data] = dom.embeddedJSON(doc, S.state);
    const scope = data?.__DEFAULT_SCOPE__ ?? {};
    return {
      item: scope['webapp.video-detail']?.itemInfo?.itemStruct ?? null,
      user: scope['webapp.user-detail']?.userInfo?.user ?? null,
    };
  }

  function videoIdOf(node, doc) {
    for (const el of dom.all(node, S.videoIdNode)) {
      const m = videoIdFromId.exec(el.id);
      if (m) return m[1];
    }
    for (const a of dom.all(node, S.videoLink)) {
      const m = videoIdFromHref.exec(a.getAttribute('href') ?? '');
      if (m) return m[1];
    }
    const loc = doc.defaultView?.location;
    const m = loc ? videoIdFromHref.exec(loc.pathname) : null;
    // The old video page has one caption and no link to itself: the address is the key.
    if (m && !dom.first(doc, S.item)) return m[1];
    return null;
  }

  function handleOf(node, caption) {
    for (const sel of S.author) {
      for (const el of node.querySelectorAll(sel)) {
        if (caption.contains(el) || el.closest(S.mention)) continue;
        const href = el.getAttribute('href');
        if (href) {
          const m = handleFromHref.exec(href);
          if (m) return m[1];
          continue;
        }
        const t = dom.text(el).replace(/^@/, '').trim();
        if (/^[A-Za-z0-9._]{2,24}$/.test(t)) return t;
      }
    }
    return null;
  }

  /** The post node for a caption: its feed item, else the nearest ancestor holding a video id. */
  function nodeFor(caption, doc) {
    const item = dom.closest(caption, S.item);
    if (item) return item;
    let el = caption.parentElement;
    for (let i = 0; el && i < 8; i++, el = el.parentElement) {
      if (el === doc.body) break;
      if (dom.first(el, S.videoIdNode) || dom.first(el, S.videoLink)) return el;
    }
    return caption.parentElement ?? caption;
  }

  function readPost(node, caption, doc) {
    const text = dom.text(caption, skipInCaption);
    if (!text) return null; // a virtualised placeholder or a video without words
    const handle = handleOf(node, caption);
    const id = videoIdOf(node, doc);
    const key = id ? `${PLATFORM}:${id}` : handle ? `${PLATFORM}:@${handle}:${text.slice(0, 80)}` : null;
    if (!key) return null;
    const author = {};
    if (handle) author.handle = handle;
    const nameEl = dom.first(node, S.authorName);
    if (nameEl) author.name = dom.text(nameEl);
    const st = embedded(doc).item;
    if (st && id && String(st.id) === id && st.author) {
      if (!author.handle && st.author.uniqueId) author.handle = st.author.uniqueId;
      if (!author.name && st.author.nickname) author.name = st.author.nickname;
      if (st.author.signature) author.bio = st.author.signature;
    }
    const labels = [];
    for (const el of dom.all(node, S.sponsored)) {
      const t = dom.text(el);
      if (t && !labels.includes(t)) labels.push(t);
    }
    const anchor = dom.closest(caption, S.badgeAfter);
    return {
      node,
      anchor: anchor && node.contains(anchor) ? anchor : caption,
      caption,
      key,
      kind: 'post',
      post: { id: key, platform: PLATFORM, caption: text, author, labels },
    };
  }

  /** The creator entry of a profile page: sent with an empty caption so the bio is remembered. */
  function readProfile(doc) {
    const handleEl = dom.first(doc, S.profile.handle);
    if (!handleEl) return null;
    const handle = dom.text(handleEl).replace(/^@/, '');
    if (!/^[A-Za-z0-9._]{2,24}$/.test(handle)) return null;
    const root = dom.closest(handleEl, S.profile.root) ?? handleEl.parentElement;
    const nameEl = dom.first(doc, S.profile.name);
    const bioEl = dom.first(doc, S.profile.bio);
    const author = { handle };
    const name = nameEl ? dom.text(nameEl) : '';
    if (name) author.name = name;
    let bio = bioEl ? dom.text(bioEl) : '';
    const st = embedded(doc).user;
    if (!bio && st && st.uniqueId === handle && st.signature) bio = st.signature;
    if (bio) author.bio = bio;
    const key = `${PLATFORM}:@${handle}`;
    return {
      node: root,
      anchor: bioEl ?? handleEl,
      caption: null,
      key,
      kind: 'creator',
      post: { id: key, platform: PLATFORM, caption: '', author, labels: [] },
    };
  }

  /**
   * Every post (and the profile's creator) in or around `root`. A root inside a feed item widens
   * to that item, so a caption text change re-reads the whole post.
   */
  function findPosts(root) {
    const doc = root.ownerDocument ?? root;
    const el = root.nodeType === 1 ? root : null;
    const scope = (el && (dom.closest(el, S.item) ?? dom.closest(el, S.caption))) ?? root;
    let captions = dom.all(scope, S.caption);
    if (scope.nodeType === 1 && dom.matches(scope, S.caption)) captions.unshift(scope);
    // Nested caption selectors (search card caption around its desc): keep the outermost.
    captions = captions.filter((c) => !captions.some((o) => o !== c && o.contains(c)));
    const out = [];
    const nodes = new Set();
    for (const caption of captions) {
      if (caption.closest(notCaption)) continue;
      const node = nodeFor(caption, doc);
      if (nodes.has(node)) continue;
      const entry = readPost(node, caption, doc);
      if (entry) {
        nodes.add(node);
        out.push(entry);
      }
    }
    const handleEl = dom.first(doc, S.profile.handle);
    if (handleEl && (scope === doc || scope.contains(handleEl) || dom.closest(handleEl, S.profile.root)?.contains(scope))) {
      const creator = readProfile(doc);
      if (creator) out.push(creator);
    }
    return out;
  }

  /** Whether the address is a page that should show posts or a profile. */
  const isPostPage = (loc) => postPages.some((re) => re.test(loc.pathname));

  /** Roots worth re-reading when `el` changed: its post node, or `el` itself. */
  const scopeOf = (el) => dom.closest(el, S.item) ?? dom.closest(el, S.caption) ?? el;

  CTS.adapters = CTS.adapters ?? {};
  CTS.adapters.tiktok = Object.freeze({ platform: PLATFORM, findPosts, isPostPage, scopeOf });
})();
