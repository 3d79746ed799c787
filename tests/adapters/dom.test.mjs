// content/dom.js and badge.js against pages that fight back, in a real browser page (headless
// Chromium, no extension): text reading stops at TEXT_MAX (a 1 MB caption, 10,000 hashtag links)
// without splitting a surrogate pair; the page's own custom elements are recognised (pageOwns) so
// our tags take another name (ownTag); sweep removes only our badges. End to end:
// tests/e2e/hostile.test.mjs.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const source = ['dom.js', 'badge.js'].map((f) => readFileSync(path.join(repo, 'extension/content', f), 'utf8')).join('\n;\n');

describe('dom.js against hostile pages', () => {
  let browser;
  let page;

  before(async () => {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    page = await browser.newPage();
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ content: source });
  });
  after(async () => {
    await browser?.close();
  });

  test('text() reads at most TEXT_MAX code units of a huge caption', async () => {
    const r = await page.evaluate(() => {
      const { text, TEXT_MAX } = globalThis.CTS.dom;
      const big = document.createElement('div');
      big.append('5 signs you have ADHD. ' + 'x'.repeat(1024 * 1024));
      const tags = document.createElement('div');
      tags.append("That's a trauma response ");
      for (let k = 0; k < 10000; k++) {
        const a = document.createElement('a');
        a.textContent = `#t${k}`;
        tags.append(a, ' ');
      }
      const small = document.createElement('div');
      small.append('short ', document.createElement('br'), 'caption');
      return { max: TEXT_MAX, big: text(big), tags: text(tags), small: text(small) };
    });
    assert.equal(r.max, 8192);
    assert.equal(r.big.length, r.max);
    assert.ok(r.big.startsWith('5 signs you have ADHD. xxx'));
    assert.equal(r.tags.length, r.max);
    assert.ok(r.tags.startsWith("That's a trauma response #t0 #t1 "));
    assert.equal(r.small, 'short \ncaption');
  });

  test('text() never ends in half a surrogate pair at the cut', async () => {
    const r = await page.evaluate(() => {
      const { text, TEXT_MAX } = globalThis.CTS.dom;
      const el = document.createElement('div');
      // 'a' then emoji pairs: the pair straddling TEXT_MAX is dropped whole.
      el.append('a' + '🧠'.repeat(TEXT_MAX));
      const s = text(el);
      const lone = document.createElement('div');
      lone.append('\uD800 signs \uDC00');
      return { length: s.length, last: s.charCodeAt(s.length - 1), lone: text(lone) };
    });
    assert.equal(r.length, 8191);
    assert.ok(r.last >= 0xdc00 && r.last <= 0xdfff, 'ends on a low surrogate (a whole pair)');
    assert.equal(r.lone, '\uD800 signs \uDC00', 'lone surrogates from the page are kept as they are');
  });

  test('pageOwns and ownTag: a name the page defined, or whose constructor throws, is not ours', async () => {
    const r = await page.evaluate(() => {
      const { pageOwns, ownTag, retag, OWN } = globalThis.CTS.dom;
      customElements.define('page-light', class extends HTMLElement {});
      customElements.define('page-throws', class extends HTMLElement {
        constructor() {
          super();
          throw new Error('hostile constructor');
        }
      });
      customElements.define('page-shadow', class extends HTMLElement {
        constructor() {
          super();
          this.attachShadow({ mode: 'closed' });
        }
      });
      const errors = [];
      const onError = (e) => {
        errors.push(e.message);
        e.preventDefault();
      };
      window.addEventListener('error', onError);
      const owns = {
        undefinedName: pageOwns(document.createElement('free-name')),
        light: pageOwns(document.createElement('page-light')),
        throws: pageOwns(document.createElement('page-throws')),
      };
      window.removeEventListener('error', onError);
      const tags = {
        free: ownTag(document, 'free-name'),
        light: ownTag(document, 'page-light'),
        shadow: ownTag(document, 'page-shadow'),
        again: ownTag(document, 'page-light'),
      };
      const fresh = retag('free-name');
      return { owns, errors, tags, fresh, now: ownTag(document, 'free-name'), own: [...OWN] };
    });
    assert.deepEqual(r.owns, { undefinedName: false, light: true, throws: true });
    assert.deepEqual(r.errors, ['Uncaught Error: hostile constructor']);
    assert.equal(r.tags.free, 'free-name');
    assert.match(r.tags.light, /^page-light-[a-z0-9]+$/);
    assert.match(r.tags.shadow, /^page-shadow-[a-z0-9]+$/);
    assert.equal(r.tags.again, r.tags.light, 'decided once per name');
    assert.match(r.fresh, /^free-name-[a-z0-9]+$/);
    assert.equal(r.now, r.fresh);
    for (const n of [r.tags.free, r.tags.light, r.tags.shadow, r.fresh]) assert.ok(r.own.includes(n), `${n} in OWN`);
  });

  test('badge.sweep removes only our badges', async () => {
    const r = await page.evaluate(() => {
      document.body.replaceChildren();
      const make = (tag, attrs) => {
        const el = document.createElement(tag);
        for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
        el.id = `${tag}-${Object.keys(attrs).join('-') || 'plain'}`;
        document.body.append(el);
        return el;
      };
      make('cts-badge', { 'data-cts-badge': '', 'data-key': 'tiktok:1' });
      make('cts-badge-ab12cd34', { 'data-cts-badge': '', 'data-key': 'tiktok:2' });
      make('cts-badge', {}); // the page's own element by our name
      make('div', { 'data-cts-badge': '', 'data-key': 'x' }); // the page's look-alike
      globalThis.CTS.badge.sweep(document);
      return Array.from(document.body.children).map((el) => el.localName + (el.hasAttribute('data-key') ? '[key]' : ''));
    });
    assert.deepEqual(r, ['cts-badge', 'div[key]']);
  });
});
