// Small DOM helpers the adapters share: fallback selector lists, the visible text of a node, and
// the page's embedded JSON state. Read-only: nothing here changes the page.
(() => {
  const CTS = (globalThis.CTS ??= {});

  /** Tag names of the extension's own elements; adapters never read inside them. */
  const OWN = new Set();

  /**
   * The first element matching the first selector of `list` that matches anything under `root`
   * (root itself excluded). Newest-first lists make this "newest layout wins".
   */
  function first(root, list) {
    for (const sel of list) {
      const el = root.querySelector(sel);
      if (el) return el;
    }
    return null;
  }

  /** Every element matching any selector of `list` under `root`, in document order, once each. */
  function all(root, list) {
    const found = root.querySelectorAll(list.join(','));
    return Array.from(found);
  }

  /** The nearest ancestor-or-self matching any selector of `list`, preferring earlier ones. */
  function closest(el, list) {
    for (const sel of list) {
      const hit = el.closest(sel);
      if (hit) return hit;
    }
    return null;
  }

  /** Whether `el` matches any selector of `list`. */
  function matches(el, list) {
    return list.some((sel) => el.matches(sel));
  }

  /**
   * At most this many UTF-16 code units of any text are read. The sites cap what a person can
   * write well below it (a TikTok caption at 4,000 characters, an Instagram one at 2,200, bios
   * and names far shorter) and the engine itself reads only the first 32 KiB of a field
   * (crate/src/analyzer.rs, MAX_FIELD_BYTES), so only a page that fights back gets cut: a 1 MB
   * caption or one with 10,000 hashtag links is read up to here and no further (walking all of
   * the latter cost the page ~60 ms in one task).
   */
  const TEXT_MAX = 8 * 1024;

  /**
   * The text a person reads in `el`: text nodes in order, `<br>` as a newline, skipping scripts,
   * the extension's own elements and any element `skip(el)` rejects; at most TEXT_MAX code units
   * (never ending in half a surrogate pair). Trimmed at both ends only, so the engine's offsets
   * point into exactly this string.
   */
  function text(el, skip) {
    let out = '';
    const walk = (node) => {
      for (let c = node.firstChild; c && out.length < TEXT_MAX; c = c.nextSibling) {
        if (c.nodeType === 3) {
          out += c.data;
        } else if (c.nodeType === 1) {
          const name = c.localName;
          if (name === 'br') {
            out += '\n';
            continue;
          }
          if (name === 'script' || name === 'style' || name === 'template' || name === 'noscript') continue;
          if (OWN.has(name)) continue;
          if (skip && skip(c)) continue;
          walk(c);
        }
      }
    };
    walk(el);
    if (out.length > TEXT_MAX) {
      out = out.slice(0, TEXT_MAX);
      const last = out.charCodeAt(TEXT_MAX - 1);
      if (last >= 0xd800 && last <= 0xdbff) out = out.slice(0, -1);
    }
    return out.trim();
  }

  const jsonCache = new WeakMap(); // script element → parsed value (or undefined when not JSON)
  /**
   * The parsed JSON of every `<script>` matching `selector`, each parsed once per script element
   * (the states are hundreds of kilobytes; the sites write them once and add new elements rather
   * than rewrite old ones). Bad JSON is skipped: it is the page's.
   */
  function embeddedJSON(doc, selector) {
    const out = [];
    for (const s of doc.querySelectorAll(selector)) {
      if (!jsonCache.has(s)) {
        let value;
        try {
          value = JSON.parse(s.textContent);
        } catch {
          value = undefined;
        }
        jsonCache.set(s, value);
      }
      const value = jsonCache.get(s);
      if (value !== undefined) out.push(value);
    }
    return out;
  }

  /** Depth-first search of a JSON value for objects under key `key` (bounded depth). */
  function findKey(value, key, limit = 40) {
    const hits = [];
    const stack = [[value, 0]];
    while (stack.length) {
      const [v, depth] = stack.pop();
      if (!v || typeof v !== 'object' || depth > limit) continue;
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], depth + 1]);
        continue;
      }
      for (const k of Object.keys(v)) {
        if (k === key) hits.push(v[k]);
        else stack.push([v[k], depth + 1]);
      }
    }
    return hits;
  }

  /** Per document, per CSS text: one constructable stylesheet shared by every shadow root. */
  const sheets = new WeakMap();
  /**
   * A constructable stylesheet for `css` in `doc` (made once). Shadow roots adopt it: an inline
   * <style> in a shadow root is blocked by the page's style-src in Firefox (notes/toolchain.md).
   */
  function sheet(doc, css) {
    let byCss = sheets.get(doc);
    if (!byCss) sheets.set(doc, (byCss = new Map()));
    let s = byCss.get(css);
    if (!s) {
      const Sheet = doc.defaultView?.CSSStyleSheet ?? CSSStyleSheet;
      s = new Sheet();
      s.replaceSync(css);
      byCss.set(css, s);
    }
    return s;
  }

  /**
   * Whether `el` (just made by `createElement` in the page's document, with a custom-element
   * name: built-in elements always count as defined) is the page's own custom element rather
   * than a plain undefined one: the page defined that name (`:defined`; the page's class and
   * callbacks would run for it and the page's CSS for that tag would style it), or the page's
   * constructor threw (the element is left an HTMLUnknownElement). Anything odd counts as the
   * page's. Neither browser lets a content script read the page's registry (Chromium's isolated
   * world has no `customElements`), so asking the element is the only way to know.
   */
  function pageOwns(el) {
    try {
      return el.matches(':defined') || Object.prototype.toString.call(el) === '[object HTMLUnknownElement]';
    } catch {
      return true;
    }
  }

  const tagNames = new Map(); // base name → the name in use
  /**
   * The tag name for one of the extension's elements: `base` (e.g. `cts-badge`), unless the page
   * owns that name (`pageOwns`, or its element comes with a shadow root), then
   * `base-<random letters>`. Decided once per base; `retag(base)` picks a fresh name when the
   * page defines ours later. Every name used is added to OWN.
   */
  function ownTag(doc, base) {
    let name = tagNames.get(base);
    if (name) return name;
    name = base;
    let taken;
    try {
      const probe = doc.createElement(name);
      taken = pageOwns(probe) || !!probe.shadowRoot;
    } catch {
      taken = true;
    }
    if (taken) name = `${base}-${Math.random().toString(36).slice(2, 10)}`;
    tagNames.set(base, name);
    OWN.add(name);
    return name;
  }
  /** A fresh, suffixed name for `base` (the page took the one in use). */
  function retag(base) {
    const name = `${base}-${Math.random().toString(36).slice(2, 10)}`;
    tagNames.set(base, name);
    OWN.add(name);
    return name;
  }

  /** Which supported site a hostname is, or null. */
  function siteOf(hostname) {
    if (hostname === 'www.tiktok.com' || hostname === 'tiktok.com' || hostname === 'm.tiktok.com') return 'tiktok';
    if (hostname === 'www.instagram.com' || hostname === 'instagram.com') return 'instagram';
    return null;
  }

  CTS.dom = Object.freeze({ TEXT_MAX, OWN, first, all, closest, matches, text, embeddedJSON, findKey, siteOf, sheet, pageOwns, ownTag, retag });
})();
