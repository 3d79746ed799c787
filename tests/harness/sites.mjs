// What both browser harnesses serve: a map of real site URLs to responses, with the strict
// Content-Security-Policy TikTok and Instagram send (no 'unsafe-eval', no 'wasm-unsafe-eval', no
// inline script or style without the nonce), so the extension is tested under the page policy it
// will meet. Chromium applies that policy to WebAssembly in content scripts (toolchain.md).

/** The nonce fixture pages put on their own `<script>` and `<style>` elements. */
export const FIXTURE_NONCE = 'cts-fixture';

/** The page policy served with every HTML response unless the response sets its own. */
export const STRICT_CSP = [
  "default-src 'self'",
  `script-src 'self' 'nonce-${FIXTURE_NONCE}' 'strict-dynamic'`,
  `style-src 'self' 'nonce-${FIXTURE_NONCE}'`,
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'self'",
].join('; ');

/** The two sites the extension runs on; the Firefox harness resolves these to loopback. */
/**
 * The storage.local key that switches on the content script's User Timing measures (off by
 * default: they land in the page's timeline; ARCHITECTURE.md, storage schema). `enableMeasures()`
 * on either harness sets it from the extension's own context, before the page is loaded.
 */
export const MEASURES_KEY = 'debug:measures';

export const SITE_HOSTS = ['www.tiktok.com', 'www.instagram.com'];

/**
 * Finds the response for `url` in `sites` (a Map or object of full URL → response or
 * `(request) => response`), trying the exact URL, then without the query and fragment.
 * Returns `{status, headers, body, contentType}` or `null` when the URL is not served.
 */
export async function resolveResponse(sites, url, request) {
  const map = sites instanceof Map ? sites : new Map(Object.entries(sites));
  const bare = url.replace(/[?#].*$/, '');
  let entry = map.get(url) ?? map.get(bare);
  if (entry === undefined) return null;
  if (typeof entry === 'function') entry = await entry(request);
  if (entry == null) return null;
  return normaliseResponse(entry);
}

/** `{html}` or `{body, contentType}` plus optional `status` and `headers` → one full response. */
export function normaliseResponse(entry) {
  const isHtml = entry.html !== undefined;
  const body = isHtml ? entry.html : (entry.body ?? '');
  const contentType = entry.contentType ?? (isHtml ? 'text/html; charset=utf-8' : 'application/octet-stream');
  const headers = {};
  for (const [name, value] of Object.entries(entry.headers ?? {})) {
    if (value !== null && value !== undefined) headers[name.toLowerCase()] = String(value);
  }
  const setsCsp = Object.keys(entry.headers ?? {}).some((h) => h.toLowerCase() === 'content-security-policy');
  if (isHtml && !setsCsp) headers['content-security-policy'] = STRICT_CSP;
  headers['content-type'] = contentType;
  headers['cache-control'] ??= 'no-store';
  return { status: entry.status ?? 200, headers, body, contentType };
}
