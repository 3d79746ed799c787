// End to end, in Chromium and Firefox: the checklist panel a badge opens (issue 4). Each post of
// the TikTok fixture feed gets the checklist its verdict calls for: the licensed creator's licence,
// board and where to verify it; the sponsored post's money trail; "No licence shown"; reading
// links for the condition named; support first for a crisis post. The person's own note on a
// creator is stored in the documented shape and shown again; the panel works by keyboard alone
// and axe-core finds no serious or critical problem in it.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { TIKTOK_POSTS, TIKTOK_PROFILE, tiktokId } from '../fixtures/data.mjs';
import { FIXTURE_NONCE } from '../harness/sites.mjs';
import { tiktokVideoUrl } from '../fixtures/sites.mjs';
import { BROWSERS, REPO, badgesIn, launch } from './lib/browsers.mjs';

const FEED = 'https://www.tiktok.com/foryou';
const AXE = readFileSync(path.join(REPO, 'node_modules/axe-core/axe.min.js'), 'utf8');
const roleIndex = (role) => TIKTOK_POSTS.findIndex((p) => p.role === role);
const articleSel = (i) => `article[data-scroll-index="${i}"]`;
/** The crisis number the shipped table (crate/data/crisis_lines.toml) has for a browser locale. */
const CRISIS_NUMBER = { 'en-US': '988', 'en-GB': '116 123', 'en-CA': '988', 'es-ES': '024' };

const LICENSED = roleIndex('licensed-creator');
const SPONSORED = roleIndex('sponsored');
const FLAGGED = roleIndex('flagged');
const CRISIS = roleIndex('crisis');

// ------------------------------------------------------------------ page-side (self-contained)

function badgeButton(selector) {
  return document.querySelector(`${selector} cts-badge`).shadowRoot.querySelector('button');
}

/** Everything the open panel shows, step by step (null while there is no panel). */
function panelState() {
  const root = document.querySelector('cts-panel')?.shadowRoot;
  const dlg = root?.querySelector('[role="dialog"]');
  if (!dlg) return null;
  const sec = (id) => root.querySelector(`section.step-${id}`);
  const text = (n) => (n ? n.textContent.replace(/\s+/g, ' ').trim() : null);
  const links = (scope) => Array.from(scope?.querySelectorAll('a') ?? []).map((a) => ({ text: a.textContent, href: a.getAttribute('href'), target: a.target, rel: a.rel }));
  const you = sec('you');
  return {
    state: dlg.dataset.state,
    modal: dlg.getAttribute('aria-modal'),
    label: root.getElementById(dlg.getAttribute('aria-labelledby'))?.textContent ?? null,
    firstSection: dlg.querySelector('section')?.className ?? null,
    steps: Array.from(root.querySelectorAll('section.step h3')).map((h) => ({ n: text(h.querySelector('.num')), title: text(h.querySelector('span:not(.num)')) })),
    qualifications: text(sec('qualifications')),
    credentials: Array.from(sec('qualifications')?.querySelectorAll('li.cred') ?? []).map((li) => ({
      text: text(li.querySelector('.cred-text')),
      title: text(li.querySelector('.cred-title')),
      status: li.className.replace('cred cred-', ''),
      all: text(li),
      verify: links(li),
    })),
    pays: text(sec('pays')),
    payItems: Array.from(sec('pays')?.querySelectorAll('li') ?? []).map(text),
    board: text(sec('board')),
    marks: Array.from(root.querySelectorAll('.caption mark')).map((m) => m.textContent),
    claims: Array.from(sec('accuracy')?.querySelectorAll('.claims li') ?? []).map((li) => ({ quote: text(li.querySelector('.quote')), note: text(li.querySelector('div')) })),
    reading: Array.from(sec('accuracy')?.querySelectorAll('.links') ?? []).map((ul) => ({ condition: ul.dataset.condition, links: links(ul) })),
    self: text(sec('self')),
    rating: you ? Object.fromEntries(Array.from(you.querySelectorAll('button[data-rating]')).map((b) => [b.dataset.rating, b.getAttribute('aria-pressed')])) : null,
    reasons: you ? Array.from(you.querySelectorAll('input[type="checkbox"]')).filter((c) => c.checked).map((c) => c.value) : null,
    noteStatus: text(you?.querySelector('[role="status"]')),
    saved: you?.querySelector('[role="status"]')?.dataset.saved ?? null,
    lines: Array.from(root.querySelectorAll('.support .line')).map((l) => ({ number: text(l.querySelector('.number')), name: text(l.querySelector('.name')), locale: l.dataset.locale, links: links(l) })),
    focused: root.activeElement?.textContent ?? null,
    text: text(dlg),
  };
}

const panelReady = () => ['ready', 'failed'].includes(document.querySelector('cts-panel')?.shadowRoot?.querySelector('[role="dialog"]')?.dataset.state);

/** Tags every control Tab should reach in the panel, in order; returns their names. */
function tagPanelStops() {
  const root = document.querySelector('cts-panel').shadowRoot;
  const stops = Array.from(root.querySelectorAll('button, a[href], input')).filter((el) => !el.disabled && !el.closest('[hidden]'));
  stops.forEach((el, i) => {
    el.dataset.probe = String(i);
  });
  return stops.map((el) => (el.localName === 'input' ? `checkbox:${el.value}` : el.dataset.rating ? `rating:${el.dataset.rating}` : `${el.localName}:${el.textContent}`));
}

/**
 * Whether the feed around post `top` is rendered and every post on it has the badges it should
 * (the fixture recycles six articles as the page scrolls; a recycled node loses its badge, and a
 * badge removed under an open panel closes it, so the panel is opened only on a settled feed).
 */
function feedSettled({ index, flags }) {
  if (Number(document.body.dataset.top) !== Math.max(0, index - 1)) return false;
  const arts = Array.from(document.querySelectorAll('article[data-e2e="recommend-list-item-container"]')).filter((a) => a.querySelector('[data-e2e="video-desc"]'));
  if (!arts.some((a) => Number(a.dataset.scrollIndex) === index)) return false;
  return arts.every((a) => a.querySelectorAll('cts-badge').length === (flags[Number(a.dataset.scrollIndex) % flags.length] ? 1 : 0));
}

const focusedProbe = () => document.querySelector('cts-panel')?.shadowRoot?.activeElement?.dataset.probe ?? null;

// ------------------------------------------------------------------------------------ tests

test('every string the panel names exists in English and Spanish, with the same placeholders', () => {
  const src = readFileSync(path.join(REPO, 'extension/content/panel.js'), 'utf8');
  const locale = (lang) => JSON.parse(readFileSync(path.join(REPO, `extension/_locales/${lang}/messages.json`), 'utf8'));
  const list = (name) => JSON.parse(src.match(new RegExp(`const ${name} = (\\[[^\\]]*\\])`))[1].replace(/'/g, '"'));
  const keys = new Set([...src.matchAll(/'(panel_[a-z_]+)'/g)].map((m) => m[1]));
  for (const r of list('RATINGS')) keys.add(`panel_rate_${r}`);
  for (const r of list('REASONS')) keys.add(`panel_reason_${r}`);
  assert.ok(keys.size > 40, `${keys.size} keys`);
  const en = locale('en');
  const es = locale('es');
  for (const k of keys) {
    assert.ok(en[k]?.message && es[k]?.message, `${k} in en and es`);
    assert.deepEqual(Object.keys(es[k].placeholders ?? {}), Object.keys(en[k].placeholders ?? {}), k);
  }
});


for (const name of BROWSERS) {
  describe(`The checklist panel in ${name}`, () => {
    let br;
    before(async () => {
      br = await launch(name);
      // The licensed creator's credential is learned on their profile page (their feed post shows
      // no bio), as a person would see it.
      await br.open(`https://www.tiktok.com/@${TIKTOK_PROFILE.handle}`);
      await br.storedValue(`creator:tiktok:${TIKTOK_PROFILE.handle}`);
      await br.newTab();
      await br.open(FEED);
      await br.waitFor(
        (sels) => sels.every((s) => document.querySelector(`${s} cts-badge`)),
        [LICENSED, SPONSORED, FLAGGED, CRISIS].map(articleSel),
        'badges on the feed',
      );
    });
    after(async () => {
      await br?.close();
    });

    async function openPanelOf(index) {
      if (await br.evaluate(() => !!document.querySelector('cts-panel'))) {
        await br.press('Escape');
        await br.waitFor(() => !document.querySelector('cts-panel'), null, 'the previous panel closed');
      }
      await br.evaluate((y) => window.scrollTo(0, y), index * 700);
      await br.waitFor(feedSettled, { index, flags: TIKTOK_POSTS.map((p) => p.expect.badge !== null) }, `the feed settled around post ${index}`);
      await br.click(badgeButton, articleSel(index));
      await br.waitFor(panelReady, null, `the panel of post ${index} with its data`);
      return br.evaluate(panelState);
    }

    test('a licensed creator: credential, where it was seen, board, verify links, highlighted phrase, reading links', async () => {
      const [badge] = await br.evaluate(badgesIn, articleSel(LICENSED));
      assert.equal(badge.secondary, 'Licensed: LCSW', 'the feed post knows the credential from the profile');
      const p = await openPanelOf(LICENSED);
      assert.equal(p.state, 'ready');
      assert.equal(p.modal, 'true');
      assert.equal(p.label, 'Check the source');
      assert.deepEqual(
        p.steps,
        ['Qualifications', 'Who pays?', 'Which board or ethics code do they answer to?', 'Accuracy and context', "Don't self-diagnose", 'Helpful or harmful for you?'].map((title, i) => ({ n: String(i + 1), title })),
      );

      // 1. Qualifications.
      const lcsw = p.credentials.find((c) => c.text === 'LCSW');
      assert.ok(lcsw, `LCSW listed: ${JSON.stringify(p.credentials)}`);
      assert.equal(lcsw.title, 'Licensed Clinical Social Worker');
      assert.equal(lcsw.status, 'licensed');
      assert.match(lcsw.all, /Country: United States/);
      assert.match(lcsw.all, /in their bio, seen (today|yesterday|\d+ days ago) · Country: United States/, 'where and when it was seen');
      assert.match(lcsw.all, /can be checked in a public register/);
      const npi = lcsw.verify.find((l) => l.text === 'NPI Registry (US)');
      assert.deepEqual(npi, { text: 'NPI Registry (US)', href: 'https://npiregistry.cms.hhs.gov/search', target: '_blank', rel: 'noopener noreferrer' });
      // The feed shows no display name: no prefilled search, never one guessed from the handle.
      assert.equal(lcsw.verify[0].href, 'https://npiregistry.cms.hhs.gov/search');
      for (const l of lcsw.verify) assert.match(l.href, /^https:\/\//);
      assert.doesNotMatch(p.qualifications, /No licence shown/);

      // 2. Who pays? 3. Board.
      assert.match(p.pays, /No sponsorship disclosed \(that doesn't mean there is none\)\./);
      assert.match(p.board, /LCSW: State social work board; NASW Code of Ethics/);

      // 4. Accuracy and context: the phrase highlighted, its note, the condition's reading links.
      assert.deepEqual(p.marks, ["That's a trauma response"]);
      assert.equal(p.claims.length, 1);
      assert.equal(p.claims[0].quote, "“That's a trauma response”");
      assert.match(p.claims[0].note, /conversation with a professional/);
      const trauma = p.reading.find((r) => r.condition === 'trauma');
      assert.ok(trauma, `reading links for trauma: ${JSON.stringify(p.reading)}`);
      assert.ok(trauma.links.some((l) => l.href === 'https://www.nimh.nih.gov/health/topics/coping-with-traumatic-events' && l.target === '_blank' && l.rel === 'noopener noreferrer'));

      // 5. and 6.
      assert.match(p.self, /talk to a licensed professional/);
      assert.deepEqual(p.rating, { helpful: 'false', harmful: 'false' });
      assert.deepEqual(p.reasons, []);
      assert.match(p.noteStatus, /@janetalks stays on this device/);
      assert.equal(p.focused, 'Close', 'focus moved into the panel');
    });

    test('axe-core finds no serious or critical problem in the open panel', async () => {
      if (!(await br.evaluate(panelReady))) await openPanelOf(LICENSED);
      await br.evaluate(
        ({ src, nonce }) => {
          delete document.documentElement.dataset.ctsAxe;
          // The page's CSP allows its own nonce: axe runs in the page, over the panel's shadow tree.
          const lib = document.createElement('script');
          lib.nonce = nonce;
          lib.textContent = src;
          document.head.append(lib);
          const run = document.createElement('script');
          run.nonce = nonce;
          run.textContent = `axe.run(document.querySelector('cts-panel'), { resultTypes: ['violations'] }).then(
            (r) => { document.documentElement.dataset.ctsAxe = JSON.stringify({
              checked: r.passes.filter((x) => x.nodes.some((n) => n.target.join(' ').startsWith('cts-panel'))).map((x) => x.id),
              violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) })) }); },
            (e) => { document.documentElement.dataset.ctsAxe = JSON.stringify({ error: String(e) }); });`;
          document.head.append(run);
        },
        { src: AXE, nonce: FIXTURE_NONCE },
      );
      await br.waitFor(() => document.documentElement.dataset.ctsAxe, null, 'axe results', 60000);
      const result = JSON.parse(await br.evaluate(() => document.documentElement.dataset.ctsAxe));
      assert.equal(result.error, undefined, result.error);
      // axe really looked inside the panel's shadow root.
      for (const rule of ['aria-dialog-name', 'button-name', 'link-name', 'color-contrast']) assert.ok(result.checked.includes(rule), `${rule} checked: ${result.checked}`);
      const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(bad, [], JSON.stringify(bad, null, 2));
    });

    test('a sponsored post by a coach: who pays, a title nobody regulates', async () => {
      const p = await openPanelOf(SPONSORED);
      assert.match(p.pays, /Signs that money is involved/);
      assert.doesNotMatch(p.pays, /No sponsorship disclosed/);
      const items = p.payItems.join('\n');
      assert.match(items, /“Paid partnership” \(platform label\)/);
      assert.match(items, /“Use my code CALM20”/);
      assert.match(items, /“#ad”/);
      assert.match(items, /earns from sales/, 'each sign with its note');
      const coach = p.credentials.find((c) => c.status === 'non_clinical');
      assert.ok(coach, JSON.stringify(p.credentials));
      assert.equal(coach.text, 'coach');
      assert.match(coach.all, /\(in their handle\)/);
      assert.match(coach.all, /Not a clinical qualification/);
      assert.deepEqual(coach.verify, [], 'no "verify" for a title that is no licence');
      assert.match(p.board, /Nobody regulates coaches/);
      assert.ok(p.marks.includes('Use my code CALM20') && p.marks.some((m) => /3 signs you have anxiety/.test(m)), `marks: ${p.marks}`);
      assert.ok(p.reading.some((r) => r.condition === 'anxiety' && r.links.length > 0), JSON.stringify(p.reading));
    });

    test('a post with no credential says "No licence shown" and links reading on the condition named', async () => {
      const p = await openPanelOf(FLAGGED);
      assert.match(p.qualifications, /No licence shown\./);
      assert.deepEqual(p.credentials, []);
      assert.match(p.board, /no board or ethics code/);
      assert.ok(p.marks.some((m) => /signs you have undiagnosed ADHD/.test(m)), `marks: ${p.marks}`);
      const adhd = p.reading.find((r) => r.condition === 'adhd');
      assert.ok(adhd?.links.some((l) => l.href === 'https://www.nimh.nih.gov/health/topics/attention-deficit-hyperactivity-disorder-adhd'), JSON.stringify(p.reading));
      assert.equal(p.reading[p.reading.length - 1].condition, 'general', 'the specific condition before "mental health" in general');
    });

    test('a crisis post leads with the local crisis line, without the checklist', async () => {
      const locale = await br.evaluate(() => navigator.language);
      const number = CRISIS_NUMBER[locale];
      assert.ok(number, `a known crisis number for the browser's locale ${locale}`);
      const p = await openPanelOf(CRISIS);
      assert.equal(p.label, 'Support is available');
      assert.equal(p.firstSection, 'support', 'support comes first');
      assert.ok(p.lines.length >= 1, 'a crisis line is shown');
      assert.equal(p.lines[0].number, number);
      assert.equal(p.lines[0].locale, locale);
      assert.ok(p.lines[0].links.every((l) => l.href.startsWith('https://') && l.target === '_blank'));
      assert.ok(p.text.indexOf(number) < p.text.indexOf('This post talks about suicide'), 'the line before the note');
      assert.deepEqual(p.steps, [], 'no checklist');
      assert.equal(p.rating, null, 'no rating of the creator');
      assert.doesNotMatch(p.text, /warning|check the source:/i);
    });

    test('rating a creator is saved on the device in the documented shape and shown again', async () => {
      const key = `note:tiktok:${TIKTOK_PROFILE.handle}`;
      await openPanelOf(LICENSED);
      const inYou = (sel) => document.querySelector('cts-panel').shadowRoot.querySelector(`section.step-you ${sel}`);
      await br.click(inYou, 'button[data-rating="helpful"]');
      await br.click(inYou, 'input[value="growth"]');
      await br.click(inYou, 'input[value="information"]');
      await br.waitFor(
        () => document.querySelector('cts-panel').shadowRoot.querySelector('section.step-you [role="status"]').dataset.saved === JSON.stringify({ rating: 'helpful', reasons: ['information', 'growth'] }),
        null,
        'the note saved',
      );
      const stored = await br.storedValue(key);
      assert.deepEqual(Object.keys(stored).sort(), ['rating', 'reasons', 'updated']);
      assert.equal(stored.rating, 'helpful');
      assert.deepEqual(stored.reasons, ['information', 'growth']);
      assert.ok(Math.abs(Date.parse(stored.updated) - Date.now()) < 10 * 60 * 1000, stored.updated);
      assert.equal(new Date(stored.updated).toISOString(), stored.updated, 'an ISO date');

      // A fresh tab: the panel reads the note back from storage.
      await br.newTab();
      await br.open(FEED);
      await br.waitFor((s) => document.querySelector(`${s} cts-badge`), articleSel(LICENSED), 'the badge again');
      let p = await openPanelOf(LICENSED);
      assert.deepEqual(p.rating, { helpful: 'true', harmful: 'false' });
      assert.deepEqual(p.reasons, ['information', 'growth']);

      // The two ratings exclude each other.
      await br.click(inYou, 'button[data-rating="harmful"]');
      await br.waitFor(
        () => JSON.parse(document.querySelector('cts-panel').shadowRoot.querySelector('section.step-you [role="status"]').dataset.saved ?? 'null')?.rating === 'harmful',
        null,
        'the new rating saved',
      );
      p = await br.evaluate(panelState);
      assert.deepEqual(p.rating, { helpful: 'false', harmful: 'true' });
      assert.equal((await br.storedValue(key)).rating, 'harmful');
    });

    test('keyboard only: Enter on the badge, Tab through every control in order, Shift+Tab wraps, Esc returns to the badge', async () => {
      if (await br.evaluate(() => !!document.querySelector('cts-panel'))) {
        await br.press('Escape');
        await br.waitFor(() => !document.querySelector('cts-panel'), null, 'no panel');
      }
      await br.evaluate((y) => window.scrollTo(0, y), LICENSED * 700);
      await br.waitFor(feedSettled, { index: LICENSED, flags: TIKTOK_POSTS.map((p) => p.expect.badge !== null) }, 'the feed settled');
      await br.evaluate((s) => document.querySelector(`${s} cts-badge`).shadowRoot.querySelector('button').focus(), articleSel(LICENSED));
      await br.press('Enter');
      await br.waitFor(panelReady, null, 'the panel from the keyboard');
      const stops = await br.evaluate(tagPanelStops);
      // Close first, the step 1 verify links, the reading links, then step 6's controls in order.
      assert.equal(stops[0], 'button:Close');
      assert.deepEqual(stops.slice(-6), ['rating:helpful', 'rating:harmful', 'checkbox:entertainment', 'checkbox:information', 'checkbox:memes', 'checkbox:growth']);
      assert.ok(stops.includes('a:NPI Registry (US)'), stops.join(', '));
      assert.ok(stops.some((s) => s.startsWith('a:NIMH')), stops.join(', '));
      assert.equal(await br.evaluate(focusedProbe), '0', 'focus starts on Close');
      for (let i = 1; i < stops.length; i++) {
        await br.press('Tab');
        await br.waitFor((want) => document.querySelector('cts-panel')?.shadowRoot?.activeElement?.dataset.probe === want, String(i), `Tab reaches ${stops[i]}`);
      }
      await br.press('Tab');
      await br.waitFor(() => document.querySelector('cts-panel').shadowRoot.activeElement?.dataset.probe === '0', null, 'Tab from the last control wraps to Close');
      await br.press('Shift+Tab');
      await br.waitFor((want) => document.querySelector('cts-panel').shadowRoot.activeElement?.dataset.probe === want, String(stops.length - 1), 'Shift+Tab from Close wraps to the last control');
      // Space toggles the focused checkbox ("growth"), and the change is saved.
      const wasChecked = await br.evaluate(() => document.querySelector('cts-panel').shadowRoot.activeElement.checked);
      await br.press('Space');
      await br.waitFor(
        (was) => {
          const root = document.querySelector('cts-panel').shadowRoot;
          const saved = JSON.parse(root.querySelector('section.step-you [role="status"]').dataset.saved ?? 'null');
          return root.activeElement.checked === !was && saved?.reasons.includes('growth') === !was;
        },
        wasChecked,
        'Space toggled and saved the focused reason',
      );
      await br.press('Escape');
      await br.waitFor(() => !document.querySelector('cts-panel'), null, 'Esc closes the panel');
      const focus = await br.evaluate(() => ({ host: document.activeElement?.localName, inner: document.activeElement?.shadowRoot?.activeElement?.localName, key: document.activeElement?.dataset?.key }));
      assert.deepEqual(focus, { host: 'cts-badge', inner: 'button', key: `tiktok:${tiktokId(LICENSED)}` });
    });

    // Last: the video page's own bio replaces the remembered one for this creator.
    test("the licensed creator's video page: the NPI search prefilled from the display name comes first", async () => {
      await br.newTab();
      await br.open(tiktokVideoUrl(LICENSED));
      await br.waitFor((s) => document.querySelector(`${s} cts-badge`), articleSel(LICENSED), 'badge on the video page');
      await br.click(badgeButton, articleSel(LICENSED));
      await br.waitFor(panelReady, null, 'the panel on the video page');
      const p = await br.evaluate(panelState);
      const lcsw = p.credentials.find((c) => c.text === 'LCSW');
      assert.ok(lcsw, `LCSW read from the name "${TIKTOK_POSTS[LICENSED].name}": ${JSON.stringify(p.credentials)}`);
      assert.deepEqual(lcsw.verify.slice(0, 2), [
        {
          text: "NPI Registry: search for Jane Rivera (opens the registry's own search results)",
          href: 'https://npiregistry.cms.hhs.gov/api/?version=2.1&enumeration_type=NPI-1&first_name=Jane&last_name=Rivera&limit=20',
          target: '_blank',
          rel: 'noopener noreferrer',
        },
        { text: 'NPI Registry (US)', href: 'https://npiregistry.cms.hhs.gov/search', target: '_blank', rel: 'noopener noreferrer' },
      ]);
    });
  });
}
