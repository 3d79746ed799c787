// What ships contains no way to run code that is not in the package, and never writes page text
// as HTML (common brief: textContent only). Scans every shipped script and page.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(import.meta.dirname, '../..');

function files(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}

/** Comments removed, so a "why" comment may name what the code must not do. */
function code(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

const FORBIDDEN_JS = [
  [/\beval\s*\(/, 'eval'],
  [/\bnew\s+Function\s*\(/, 'new Function'],
  [/\bimport\s*\(/, 'dynamic import'],
  [/\.innerHTML\s*[+]?=/, 'innerHTML assignment'],
  [/\.outerHTML\s*[+]?=/, 'outerHTML assignment'],
  [/\binsertAdjacentHTML\s*\(/, 'insertAdjacentHTML'],
  [/\bdocument\.write(ln)?\s*\(/, 'document.write'],
  [/\bsetTimeout\s*\(\s*['"`]/, 'setTimeout with a string'],
  [/\bnew\s+WebSocket\s*\(/, 'WebSocket'],
  [/\bnew\s+EventSource\s*\(/, 'EventSource'],
  [/\bXMLHttpRequest\b/, 'XMLHttpRequest'],
  [/\bsendBeacon\s*\(/, 'sendBeacon'],
  [/\bimportScripts\s*\(/, 'importScripts'],
];

for (const browser of ['chrome', 'firefox']) {
  const dist = path.join(ROOT, 'dist', browser);

  test(`${browser}: shipped scripts use no eval, remote code, network API or HTML sinks`, () => {
    assert.ok(existsSync(dist), 'run ./build.sh first');
    const scripts = files(dist).filter((f) => f.endsWith('.js'));
    assert.ok(scripts.length > 0);
    for (const file of scripts) {
      const text = code(readFileSync(file, 'utf8'));
      for (const [pattern, what] of FORBIDDEN_JS) {
        assert.doesNotMatch(text, pattern, `${path.relative(dist, file)} uses ${what}`);
      }
      // The engine glue fetches the packaged .wasm by the extension URL it is given; nothing else fetches.
      if (!file.endsWith(path.join('engine', 'check_source.js'))) {
        assert.doesNotMatch(text, /\bfetch\s*\(/, `${path.relative(dist, file)} uses fetch`);
      }
      assert.doesNotMatch(text, /\bfrom\s+['"]https?:/, `${path.relative(dist, file)} imports remote code`);
    }
  });

  test(`${browser}: shipped pages load only packaged scripts and styles`, () => {
    for (const file of files(dist).filter((f) => f.endsWith('.html'))) {
      const html = readFileSync(file, 'utf8');
      for (const m of html.matchAll(/<(script|link)\b[^>]*>/gi)) {
        const tag = m[0];
        assert.doesNotMatch(tag, /\b(src|href)\s*=\s*["']?(https?:)?\/\//i, `${path.relative(dist, file)}: ${tag}`);
      }
      assert.doesNotMatch(html, /<script\b(?![^>]*\bsrc=)[^>]*>\s*\S/i, `${path.relative(dist, file)} has an inline script`);
      assert.doesNotMatch(html, /\son[a-z]+\s*=/i, `${path.relative(dist, file)} has an inline event handler`);
    }
  });
}
