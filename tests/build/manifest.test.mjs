// Least privilege, checked on what ships: the built manifests ask for `storage` and the two sites
// only, expose nothing to pages, load nothing remote, and each browser gets only its own keys.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { browserManifest, checkAgainst, referencedFiles } from '../../scripts/manifest.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SITES = ['https://www.tiktok.com/*', 'https://www.instagram.com/*'];
const CSP = "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'";
const BASE = JSON.parse(readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));

function built(browser) {
  const file = path.join(ROOT, 'dist', browser, 'manifest.json');
  assert.ok(existsSync(file), `${file} missing: run ./build.sh`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

for (const browser of ['chrome', 'firefox']) {
  test(`${browser}: permissions are storage and the two sites, nothing more`, () => {
    const m = built(browser);
    assert.deepEqual(m.permissions, ['storage']);
    assert.deepEqual([...m.host_permissions].sort(), [...SITES].sort());
    for (const key of ['optional_permissions', 'optional_host_permissions', 'web_accessible_resources',
      'externally_connectable', 'content_security_policy_sandbox', 'sandbox', 'declarative_net_request',
      'update_url', 'key', 'oauth2', 'chrome_url_overrides', 'devtools_page']) {
      assert.equal(m[key], undefined, `unexpected ${key}`);
    }
    for (const cs of m.content_scripts) {
      assert.deepEqual([...cs.matches].sort(), [...SITES].sort());
      assert.notEqual(cs.all_frames, true);
      assert.equal(cs.world, undefined, 'content scripts stay in the isolated world');
    }
  });

  test(`${browser}: extension pages allow only packaged code and WebAssembly`, () => {
    const m = built(browser);
    assert.deepEqual(m.content_security_policy, { extension_pages: CSP });
  });

  test(`${browser}: no remote URL anywhere in the manifest except the two site patterns`, () => {
    const urls = JSON.stringify(built(browser)).match(/[a-z][a-z0-9+.-]*:\/\/[^"]*/gi) ?? [];
    for (const url of urls) assert.ok(SITES.includes(url), `remote URL in manifest: ${url}`);
  });

  test(`${browser}: every file the manifest names is in the package`, () => {
    const m = built(browser);
    assert.deepEqual(checkAgainst(m, path.join(ROOT, 'dist', browser)), []);
    assert.ok(referencedFiles(m).includes('background/background.js'));
    assert.ok(existsSync(path.join(ROOT, 'dist', browser, 'engine', 'check_source_bg.wasm')));
    assert.ok(existsSync(path.join(ROOT, 'dist', browser, 'engine', 'check_source.js')));
    assert.ok(existsSync(path.join(ROOT, 'dist', `check-the-source-${browser}-${m.version}.zip`)), 'store zip');
  });
}

test('chrome gets a module service worker and no Firefox keys', () => {
  const m = built('chrome');
  assert.deepEqual(m.background, { service_worker: 'background/background.js', type: 'module' });
  assert.equal(m.browser_specific_settings, undefined);
});

test('firefox gets a module background script and its gecko settings', () => {
  const m = built('firefox');
  assert.deepEqual(m.background, { scripts: ['background/background.js'], type: 'module' });
  const gecko = m.browser_specific_settings.gecko;
  assert.match(gecko.id, /^\{[0-9a-f-]{36}\}$/);
  assert.equal(gecko.strict_min_version, '142.0');
  assert.deepEqual(gecko.data_collection_permissions, { required: ['none'] });
  assert.equal(m.minimum_chrome_version, undefined);
});

test('the per-browser manifests are the base with only the documented differences', () => {
  for (const browser of ['chrome', 'firefox']) {
    const expected = browserManifest(BASE, browser);
    assert.deepEqual(built(browser), expected);
    const { background, browser_specific_settings, minimum_chrome_version, ...shared } = expected;
    const { background: b, browser_specific_settings: s, minimum_chrome_version: v, ...baseShared } = BASE;
    assert.deepEqual(shared, baseShared);
  }
  assert.throws(() => browserManifest(BASE, 'safari'), /unknown browser/);
  assert.throws(() => browserManifest({ ...BASE, browser_specific_settings: undefined }, 'firefox'), /gecko\.id/);
  assert.throws(() => browserManifest({ ...BASE, background: {} }, 'chrome'), /background/);
});

test('a manifest naming a file the package lacks is refused', () => {
  const m = browserManifest(BASE, 'chrome');
  m.content_scripts = [{ ...m.content_scripts[0], js: [...m.content_scripts[0].js, 'content/not-there.js'] }];
  assert.deepEqual(checkAgainst(m, path.join(ROOT, 'dist', 'chrome')), ['missing file: content/not-there.js']);
});

test('every content script file in extension/content/ is loaded by the manifest, once', () => {
  const dir = path.join(ROOT, 'extension', 'content');
  const onDisk = readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith('.js'))
    .map((f) => `content/${f.split(path.sep).join('/')}`)
    .sort();
  const listed = BASE.content_scripts.flatMap((cs) => cs.js);
  assert.equal(new Set(listed).size, listed.length, 'a file is listed twice');
  assert.deepEqual([...listed].sort(), onDisk);
  assert.equal(listed.at(-1), 'content/main.js', 'main.js wires the others, so it loads last');
});
