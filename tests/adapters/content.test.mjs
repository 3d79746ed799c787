// The content script's pure parts in a real browser page (headless Chromium, no extension): the
// badge's wording for every level and credential status, the panel's highlighting from UTF-16
// offsets (emoji, combining marks, overlaps, offsets past the end), and text reading with <br>.
// Strings come from the shipped English _locales through a stand-in for chrome.i18n.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FILES = ['selectors.js', 'dom.js', 'adapters/tiktok.js', 'adapters/instagram.js', 'badge.js', 'panel.js', 'status.js', 'watcher.js'];
const source = FILES.map((f) => readFileSync(path.join(repo, 'extension/content', f), 'utf8')).join('\n;\n');
const messages = JSON.parse(readFileSync(path.join(repo, 'extension/_locales/en/messages.json'), 'utf8'));

const DAY = 86400000;

/**
 * A stand-in for `chrome.runtime.connect` (the content script's port to the background):
 * `__standInConnect(answer)` returns a `connect` whose port passes each posted message to
 * `answer(msg, port)` and posts back `{id, ...reply}` when it returns a reply (null: none).
 * `port.closeFromBackground()` fires onDisconnect, as Chrome does when the other end goes.
 */
const PORT_STANDIN = `globalThis.__standInConnect = (answer) => () => {
  const onMessage = [];
  const onDisconnect = [];
  const port = {
    name: 'content',
    onMessage: { addListener: (l) => onMessage.push(l) },
    onDisconnect: { addListener: (l) => onDisconnect.push(l) },
    disconnect() {},
    postMessage(msg) {
      Promise.resolve(answer(msg, port)).then((reply) => {
        if (reply) for (const l of onMessage) l({ id: msg.id, ...reply }, port);
      });
    },
    closeFromBackground() {
      for (const l of onDisconnect) l(port);
    },
  };
  return port;
};`;

describe('content script parts', () => {
  let browser;
  let page;

  before(async () => {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    page = await browser.newPage();
    await page.setContent('<!doctype html><html><body></body></html>');
    // chrome.i18n as the browser implements it: named placeholders filled from $1, $2….
    await page.evaluate((msgs) => {
      globalThis.chrome = {
        i18n: {
          getUILanguage: () => 'en',
          getMessage(key, subs) {
            const m = msgs[key];
            if (!m) return '';
            const list = subs === undefined ? [] : Array.isArray(subs) ? subs : [subs];
            let s = m.message;
            for (const [name, ph] of Object.entries(m.placeholders ?? {})) {
              const value = ph.content.replace(/\$(\d)/g, (_, d) => list[Number(d) - 1] ?? '');
              s = s.replace(new RegExp(`\\$${name}\\$`, 'gi'), value);
            }
            return s;
          },
        },
      };
    }, messages);
    await page.evaluate(source);
  });

  after(async () => {
    await browser?.close();
  });

  const view = (verdict, remembered, now) => page.evaluate(([v, r, n]) => globalThis.CTS.badge.view(v, r, n), [verdict, remembered, now]);
  const finding = (category, text = 'x') => ({ category, kind: 'k', rule: 'r', field: 'caption', start: 0, end: text.length, text, note: 'n' });
  const lcsw = { id: 'us.lcsw', text: 'LCSW', field: 'bio', start: 0, end: 4, title: 'Licensed Clinical Social Worker', kind: 'licence', country: 'US', board: 'b', verify: [], status: 'licensed' };

  test('no badge for level none', async () => {
    assert.equal(await view({ level: 'none', findings: [], credentials: [] }), null);
  });

  test('warning without credentials', async () => {
    const v = await view({ level: 'warning', credential_status: 'none', findings: [finding('diagnostic')], credentials: [] });
    assert.equal(v.tone, 'warning');
    assert.equal(v.primary, 'Check the source');
    assert.equal(v.secondary, 'No credentials shown');
    assert.equal(v.label, 'Check the source: diagnostic language, No credentials shown');
    assert.equal(v.sponsored, false);
  });

  test('caution, sponsored, claimed title, non-clinical title', async () => {
    const sponsored = await view({ level: 'caution', credential_status: 'claimed_unverified', findings: [finding('treatment_claim'), finding('sponsorship')], credentials: [{ ...lcsw, text: 'therapist', status: 'claimed_unverified', field: 'name' }] });
    assert.equal(sponsored.tone, 'caution');
    assert.equal(sponsored.secondary, 'Claimed title, not verified');
    assert.equal(sponsored.sponsored, true);
    assert.equal(sponsored.label, 'Check the source: treatment claims, Claimed title, not verified, sponsored');
    const coach = await view({ level: 'warning', credential_status: 'non_clinical', findings: [finding('diagnostic')], credentials: [{ ...lcsw, text: 'life coach', status: 'non_clinical', field: 'bio' }] });
    assert.equal(coach.secondary, 'Life coach, not a clinician');
  });

  test('licensed, remembered from the bio three days ago', async () => {
    const now = Date.parse('2026-11-26T12:00:00Z');
    const v = await view(
      { level: 'caution', credential_status: 'licensed', findings: [finding('diagnostic')], credentials: [lcsw] },
      { field: 'bio', seen: new Date(now - 3 * DAY).toISOString() },
      now,
    );
    assert.equal(v.secondary, 'Licensed: LCSW');
    assert.equal(v.where, 'in their bio, seen 3 days ago');
    assert.match(v.label, /Licensed: LCSW, in their bio, seen 3 days ago$/);
    const fresh = await view({ level: 'caution', credential_status: 'licensed', findings: [], credentials: [lcsw] }, { field: 'bio', seen: new Date(now).toISOString() }, now);
    assert.equal(fresh.where, 'in their bio, seen today');
    // Not remembered (the bio was on the page): no "seen".
    const shown = await view({ level: 'caution', credential_status: 'licensed', findings: [], credentials: [lcsw] }, null, now);
    assert.equal(shown.where, '');
  });

  test('info is neutral; support is calm and says nothing else', async () => {
    const info = await view({ level: 'info', credential_status: 'none', findings: [finding('lived_experience')], credentials: [] });
    assert.deepEqual([info.tone, info.primary, info.secondary], ['info', 'Mental health', '']);
    const support = await view({ level: 'support', credential_status: 'none', findings: [finding('crisis'), finding('sponsorship')], credentials: [] });
    assert.deepEqual([support.tone, support.primary, support.secondary, support.sponsored, support.label], ['support', 'Support is available', '', false, 'Support is available']);
  });

  /** The highlighted caption as [text, marked] runs. */
  const runs = (text, spans) =>
    page.evaluate(([t, s]) => {
      const frag = globalThis.CTS.panel.highlighted(document, t, s);
      return Array.from(frag.childNodes).map((n) => [n.textContent, n.nodeName === 'MARK']);
    }, [text, spans]);

  test('highlights use UTF-16 offsets: emoji and combining marks stay whole', async () => {
    const text = '🧠 5 signs you have ADHD, cafe\u0301 talk';
    const start = text.indexOf('signs');
    const end = text.indexOf(',');
    assert.deepEqual(await runs(text, [{ start, end }]), [
      ['🧠 5 ', false],
      ['signs you have ADHD', true],
      [', cafe\u0301 talk', false],
    ]);
    const s2 = text.indexOf('cafe');
    assert.deepEqual((await runs(text, [{ start: s2, end: s2 + 5 }]))[1], ['cafe\u0301', true]);
  });

  test('overlapping spans merge; spans outside the text are ignored', async () => {
    assert.deepEqual(await runs('abcdefgh', [{ start: 1, end: 4 }, { start: 3, end: 6 }, { start: 6, end: 99 }, { start: -1, end: 2 }, { start: 5, end: 5 }]), [
      ['a', false],
      ['bcdef', true],
      ['gh', false],
    ]);
  });

  test('when the extension is reloaded under the page, the content script stops quietly', async () => {
    const tab = await browser.newPage();
    const errors = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    await tab.route('https://www.tiktok.com/foryou', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><main><article data-e2e="recommend-list-item-container"><div id="xgwrapper-0-7400000000000000001"></div>
          <a href="/@someone">someone</a><div data-e2e="video-desc"><span data-e2e="desc-span-0_-1">5 signs you have ADHD</span></div></article></main>`,
      }),
    );
    await tab.goto('https://www.tiktok.com/foryou');
    await tab.evaluate(PORT_STANDIN);
    await tab.evaluate(() => {
      globalThis.__sends = 0;
      globalThis.chrome = {
        i18n: { getMessage: (k) => k, getUILanguage: () => 'en' },
        runtime: {
          id: 'test-extension',
          connect: globalThis.__standInConnect((msg, port) => {
            globalThis.__sends += 1;
            // What Chrome does once the extension was reloaded: the id goes and the port closes
            // (its onDisconnect runs in a later task). Reads of the id are counted: a script
            // still at work would look at it again.
            globalThis.__idReads = 0;
            Object.defineProperty(globalThis.chrome.runtime, 'id', {
              get: () => {
                globalThis.__idReads += 1;
                return undefined;
              },
            });
            queueMicrotask(() => port.closeFromBackground());
            return null;
          }),
          onMessage: { addListener() {}, removeListener() {} },
        },
        // No stored settings: the defaults apply.
        storage: {
          onChanged: { addListener() {}, removeListener() {} },
          sync: { get: async () => ({}) },
          local: { get: async () => ({}) },
        },
      };
    });
    await tab.evaluate(`${source}\n;\n${readFileSync(path.join(repo, 'extension/content/main.js'), 'utf8')}`);
    await tab.waitForFunction(() => globalThis.__sends === 1);
    // Settle the failed send (its handler runs in a later task), then note the id reads so far.
    await tab.evaluate(() => new Promise((r) => requestIdleCallback(() => requestAnimationFrame(r), { timeout: 500 })));
    const reads = await tab.evaluate(() => globalThis.__idReads);
    // A new post after the stop: nothing is read or sent. Two idle periods and a frame let any
    // still-running watcher flush.
    await tab.evaluate(async () => {
      document.querySelector('[data-e2e="desc-span-0_-1"]').textContent = 'That is a trauma response';
      const idle = () => new Promise((r) => requestIdleCallback(() => requestAnimationFrame(r), { timeout: 500 }));
      await idle();
      await idle();
    });
    assert.equal(await tab.evaluate(() => globalThis.__sends), 1);
    assert.equal(await tab.evaluate(() => globalThis.__idReads), reads, 'the watcher no longer runs');
    assert.equal(await tab.evaluate(() => document.querySelectorAll('cts-badge').length), 0);
    assert.deepEqual(errors, []);
    await tab.close();
  });

  test('a recycled node showing an earlier post again gets its badge without a new request', async () => {
    const tab = await browser.newPage();
    await tab.route('https://www.tiktok.com/foryou', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><main><article data-e2e="recommend-list-item-container"><div id="xgwrapper-0-7400000000000000001"></div>
          <a href="/@someone">someone</a><div data-e2e="video-desc"><span data-e2e="desc-span-0_-1">5 signs you have ADHD</span></div></article></main>`,
      }),
    );
    await tab.goto('https://www.tiktok.com/foryou');
    await tab.evaluate(PORT_STANDIN);
    await tab.evaluate((msgs) => {
      globalThis.__posts = [];
      globalThis.chrome = {
        i18n: { getMessage: (k, subs) => (msgs[k]?.message ?? '').replace(/\$[A-Z]+\$/, subs?.[0] ?? ''), getUILanguage: () => 'en' },
        runtime: {
          id: 'test-extension',
          // A stand-in background: flags captions with "signs", records every post it is sent.
          connect: globalThis.__standInConnect((msg) => {
            globalThis.__posts.push(...msg.batch.map((b) => b.post.id + ' ' + b.post.caption));
            return {
              ok: true,
              verdicts: msg.batch.map(({ key, post }) => ({
                key,
                verdict: { id: post.id, level: /signs/.test(post.caption) ? 'warning' : 'none', credential_status: 'none', findings: [], credentials: [], topics: [] },
              })),
            };
          }),
          onMessage: { addListener() {}, removeListener() {} },
        },
        // No stored settings: the defaults apply.
        storage: {
          onChanged: { addListener() {}, removeListener() {} },
          sync: { get: async () => ({}) },
          local: { get: async () => ({}) },
        },
      };
    }, messages);
    await tab.evaluate(`${source}\n;\n${readFileSync(path.join(repo, 'extension/content/main.js'), 'utf8')}`);
    const show = (id, caption) =>
      tab.evaluate(([i, c]) => {
        document.querySelector('[id^="xgwrapper-"]').id = `xgwrapper-0-${i}`;
        document.querySelector('[data-e2e="desc-span-0_-1"]').firstChild.data = c;
      }, [id, caption]);
    const badges = () => tab.evaluate(() => Array.from(document.querySelectorAll('cts-badge')).map((b) => b.dataset.key));
    await tab.waitForFunction(() => document.querySelectorAll('cts-badge').length === 1);
    await show('7400000000000000002', 'Pasta night');
    await tab.waitForFunction(() => globalThis.__posts.length === 2 && document.querySelectorAll('cts-badge').length === 0);
    // Back to the first post, in the same node: the badge returns from the cache.
    await show('7400000000000000001', '5 signs you have ADHD');
    await tab.waitForFunction(() => document.querySelectorAll('cts-badge').length === 1);
    assert.deepEqual(await badges(), ['tiktok:7400000000000000001']);
    assert.deepEqual(await tab.evaluate(() => globalThis.__posts), ['tiktok:7400000000000000001 5 signs you have ADHD', 'tiktok:7400000000000000002 Pasta night']);
    await tab.close();
  });

  test('one request at a time on the port: posts read meanwhile go together in the next; a closed port is retried once', async () => {
    const tab = await browser.newPage();
    const item = (i, caption) => `<article data-e2e="recommend-list-item-container"><div id="xgwrapper-0-74000000000000000${i}"></div>
          <a href="/@someone">someone</a><div data-e2e="video-desc"><span data-e2e="desc-span-0_-1">${caption}</span></div></article>`;
    await tab.route('https://www.tiktok.com/foryou', (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html><main id="feed">${item(10, '5 signs you have ADHD')}</main>` }));
    await tab.goto('https://www.tiktok.com/foryou');
    await tab.evaluate(PORT_STANDIN);
    await tab.evaluate((msgs) => {
      globalThis.__messages = [];
      globalThis.__ports = 0;
      globalThis.__held = []; // replies the test releases
      const answer = (msg) => ({
        ok: true,
        verdicts: msg.batch.map(({ key, post }) => ({
          key,
          verdict: { id: post.id, level: /signs/.test(post.caption) ? 'warning' : 'none', credential_status: 'none', findings: [], credentials: [], topics: [] },
        })),
      });
      const connect = globalThis.__standInConnect((msg, port) => {
        globalThis.__messages.push(msg.batch.map((b) => b.post.caption));
        if (globalThis.__closeNext) {
          // The worker stops with this request in flight: the port closes, no reply.
          globalThis.__closeNext = false;
          queueMicrotask(() => port.closeFromBackground());
          return null;
        }
        return new Promise((resolve) => globalThis.__held.push(() => resolve(answer(msg))));
      });
      globalThis.chrome = {
        i18n: { getMessage: (k, subs) => (msgs[k]?.message ?? '').replace(/\$[A-Z]+\$/, subs?.[0] ?? ''), getUILanguage: () => 'en' },
        runtime: {
          id: 'test-extension',
          connect: (...args) => {
            globalThis.__ports += 1;
            return connect(...args);
          },
          onMessage: { addListener() {}, removeListener() {} },
        },
        storage: { onChanged: { addListener() {}, removeListener() {} }, sync: { get: async () => ({}) }, local: { get: async () => ({}) } },
      };
    }, messages);
    await tab.evaluate(`${source}\n;\n${readFileSync(path.join(repo, 'extension/content/main.js'), 'utf8')}`);
    await tab.waitForFunction(() => globalThis.__messages.length === 1 && globalThis.__held.length === 1);
    // Two more posts arrive, one per idle period, while the first request is still out.
    // A new feed item: a copy of the first with its own id and caption.
    const append = (i, caption) =>
      tab.evaluate(([n, c]) => {
        const a = document.querySelector('article').cloneNode(true);
        a.querySelector('cts-badge')?.remove();
        a.querySelector('[id^="xgwrapper-"]').id = `xgwrapper-0-74000000000000000${n}`;
        a.querySelector('[data-e2e="desc-span-0_-1"]').textContent = c;
        document.getElementById('feed').append(a);
      }, [i, caption]);
    await append(11, 'Pasta night');
    await tab.evaluate(() => new Promise((r) => requestIdleCallback(() => requestAnimationFrame(r), { timeout: 500 })));
    await append(12, '3 signs your car battery is dying');
    await tab.evaluate(() => new Promise((r) => requestIdleCallback(() => requestAnimationFrame(r), { timeout: 500 })));
    assert.equal(await tab.evaluate(() => globalThis.__messages.length), 1, 'nothing more sent while one request is out');
    await tab.evaluate(() => globalThis.__held.shift()());
    await tab.waitForFunction(() => globalThis.__messages.length === 2 && globalThis.__held.length === 1);
    assert.deepEqual(await tab.evaluate(() => globalThis.__messages[1]), ['Pasta night', '3 signs your car battery is dying']);
    await tab.evaluate(() => globalThis.__held.shift()());
    await tab.waitForFunction(() => document.querySelectorAll('cts-badge').length === 2);
    // The port closes under a request: the batch goes again, once, on a new port.
    await tab.evaluate(() => (globalThis.__closeNext = true));
    await append(13, 'Tell me you have ADHD: 5 signs');
    await tab.waitForFunction(() => globalThis.__messages.length === 4 && globalThis.__held.length === 1);
    assert.equal(await tab.evaluate(() => globalThis.__ports), 2);
    assert.deepEqual(await tab.evaluate(() => globalThis.__messages.slice(2)), [['Tell me you have ADHD: 5 signs'], ['Tell me you have ADHD: 5 signs']]);
    await tab.evaluate(() => globalThis.__held.shift()());
    await tab.waitForFunction(() => document.querySelectorAll('cts-badge').length === 3);
    await tab.close();
  });

  test('display preferences: a level below the chosen one gets no badge, a site switched off is not read, a change applies live', async () => {
    const tab = await browser.newPage();
    await tab.route('https://www.tiktok.com/foryou', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><main>
          <article data-e2e="recommend-list-item-container"><div id="xgwrapper-0-7400000000000000001"></div>
          <a href="/@someone">someone</a><div data-e2e="video-desc"><span data-e2e="desc-span-0_-1">caution: signs of spring</span></div></article>
          <article data-e2e="recommend-list-item-container"><div id="xgwrapper-0-7400000000000000002"></div>
          <a href="/@someone">someone</a><div data-e2e="video-desc"><span data-e2e="desc-span-0_-1">warning: 5 signs you have ADHD</span></div></article></main>`,
      }),
    );
    await tab.goto('https://www.tiktok.com/foryou');
    await tab.evaluate(PORT_STANDIN);
    await tab.evaluate((msgs) => {
      globalThis.__sends = 0;
      const listeners = [];
      // Stored settings as the options page writes them: only warnings get a badge.
      globalThis.__settings = { schema: 1, config: { version: 1 }, display: { min_level: 'warning', sites: { tiktok: true, instagram: true } } };
      const messageListeners = [];
      globalThis.__local = undefined;
      // A change as the browser reports it: storage.sync.onChanged for the synced copy; for a
      // copy in storage.local (too big for sync) the background's `background/settings` message.
      globalThis.__change = (settings) => {
        const old = globalThis.__settings;
        globalThis.__settings = settings;
        if (old !== undefined || settings !== undefined) for (const l of listeners) l({ settings: { oldValue: old, newValue: settings } });
      };
      globalThis.__changeLocal = (settings) => {
        globalThis.__local = settings;
        for (const l of messageListeners) l({ kind: 'background/settings' }, { id: 'test-extension' }, () => {});
      };
      globalThis.chrome = {
        i18n: { getMessage: (k, subs) => (msgs[k]?.message ?? '').replace(/\$[A-Z]+\$/, subs?.[0] ?? ''), getUILanguage: () => 'en' },
        runtime: {
          id: 'test-extension',
          // A stand-in background: the level is the caption's first word.
          connect: globalThis.__standInConnect((msg) => {
            globalThis.__sends += 1;
            return {
              ok: true,
              verdicts: msg.batch.map(({ key, post }) => ({
                key,
                verdict: { id: post.id, level: post.caption.split(':')[0], credential_status: 'none', findings: [], credentials: [], topics: [] },
              })),
            };
          }),
          onMessage: { addListener: (l) => messageListeners.push(l), removeListener() {} },
        },
        storage: {
          // Every storage write would wake the page (the background writes after each batch).
          onChanged: {
            addListener() {
              throw new Error('the content script listens to storage.onChanged');
            },
            removeListener() {},
          },
          sync: { get: async () => (globalThis.__settings === undefined ? {} : { settings: globalThis.__settings }), onChanged: { addListener: (l) => listeners.push(l), removeListener() {} } },
          local: {
            get: async () => (globalThis.__local === undefined ? {} : { settings: globalThis.__local }),
            onChanged: {
              addListener() {
                throw new Error('the content script listens to storage.local.onChanged');
              },
              removeListener() {},
            },
          },
        },
      };
    }, messages);
    await tab.evaluate(`${source}\n;\n${readFileSync(path.join(repo, 'extension/content/main.js'), 'utf8')}`);
    const badged = () => tab.evaluate(() => Array.from(document.querySelectorAll('cts-badge')).map((b) => b.dataset.key).sort());
    await tab.waitForFunction(() => document.querySelectorAll('cts-badge').length === 1);
    assert.deepEqual(await badged(), ['tiktok:7400000000000000002']);
    // Lower the threshold in the options: both badges, without a reload.
    await tab.evaluate(() => globalThis.__change({ ...globalThis.__settings, display: { min_level: 'caution', sites: { tiktok: true } } }));
    await tab.waitForFunction(() => document.querySelectorAll('cts-badge').length === 2);
    // Settings too big for a sync item move to storage.local (the sync copy removed): read there.
    await tab.evaluate(() => {
      const big = { ...globalThis.__settings, display: { min_level: 'warning', sites: { tiktok: true } } };
      globalThis.__local = big;
      globalThis.__change(undefined);
    });
    await tab.waitForFunction(() => document.querySelectorAll('cts-badge').length === 1);
    // A change to the local copy comes as the background's message.
    await tab.evaluate(() => globalThis.__changeLocal({ ...globalThis.__local, display: { min_level: 'caution', sites: { tiktok: true } } }));
    await tab.waitForFunction(() => document.querySelectorAll('cts-badge').length === 2);
    // Back in storage.sync. Switch TikTok off: every badge goes and nothing more is sent.
    await tab.evaluate(() => {
      globalThis.__local = undefined;
    });
    await tab.evaluate(() => globalThis.__change({ ...globalThis.__settings, display: { min_level: 'info', sites: { tiktok: false } } }));
    await tab.waitForFunction(() => document.querySelectorAll('cts-badge').length === 0);
    const sends = await tab.evaluate(() => globalThis.__sends);
    await tab.evaluate(() => {
      document.querySelector('[data-e2e="desc-span-0_-1"]').firstChild.data = 'warning: signs you are a narcissist';
    });
    await tab.evaluate(() => new Promise((r) => requestIdleCallback(() => requestAnimationFrame(r), { timeout: 500 })));
    await tab.evaluate(() => new Promise((r) => requestIdleCallback(() => requestAnimationFrame(r), { timeout: 500 })));
    assert.equal(await tab.evaluate(() => globalThis.__sends), sends);
    assert.deepEqual(await badged(), []);
    await tab.close();
  });

  test('page text reads <br> as a newline and skips the extension’s own elements', async () => {
    const text = await page.evaluate(() => {
      const div = document.createElement('div');
      div.append('one', document.createElement('br'), 'two ');
      const own = document.createElement(globalThis.CTS.badge.tagName(document));
      own.textContent = 'BADGE';
      div.append(own);
      return globalThis.CTS.dom.text(div);
    });
    assert.equal(text, 'one\ntwo');
  });
});
