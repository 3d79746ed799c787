// Chromium end-to-end harness: Debian's chromium driven by playwright-core, the built extension
// loaded unpacked, pages served AT the real site URLs through request interception with a strict
// Content-Security-Policy like the sites send, and nothing allowed off the machine.
// Recipe and the reasons behind each flag: /work/shared/notes/toolchain.md. API: README.md here.

import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { MEASURES_KEY, STRICT_CSP, resolveResponse } from './sites.mjs';

export { MEASURES_KEY, STRICT_CSP };

/** Chromium's own flags: keep it quiet on a machine without network (toolchain.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

const EXECUTABLE = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Per-context routing state, shared by `launchChromium` and `serveSite`. */
const routers = new WeakMap();

/**
 * Launches headless Chromium with the unpacked extension (none with `extension: false`) in a fresh profile.
 * Every request is routed: `chrome-extension://` continues, URLs registered with `serveSite` are
 * fulfilled, anything else is aborted and recorded in `aborted`.
 */
export async function launchChromium({ dist = 'dist/chrome', headless = true, args = [], extension = true } = {}) {
  const extensionDir = path.resolve(dist);
  if (extension && !existsSync(path.join(extensionDir, 'manifest.json'))) {
    throw new Error(`no built extension at ${extensionDir}: run ./build.sh first`);
  }
  const profile = await mkdtemp(path.join(tmpdir(), 'cts-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: EXECUTABLE,
    headless,
    // Playwright disables extensions by default; we need ours.
    ignoreDefaultArgs: ['--disable-extensions'],
    // `extension: false` is the same browser without the extension: the benchmark's "off" profile.
    args: [
      ...(extension ? [`--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`] : []),
      ...CHROMIUM_ARGS,
      ...args,
    ],
  });
  const router = { sites: new Map(), served: [], aborted: [], requests: [] };
  routers.set(context, router);
  await context.route('**/*', (route) => handleRoute(router, route));
  context.on('request', (request) => router.requests.push(request.url()));

  const worker = extension ? (context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'))) : null;
  const extensionId = worker ? new URL(worker.url()).host : null;

  let closed = false;
  const browser = {
    context,
    extensionId,
    /** Origin of the extension's pages, e.g. `chrome-extension://<id>`. */
    extensionOrigin: `chrome-extension://${extensionId}`,
    /** URLs fulfilled so far (the page's own requests included). */
    served: router.served,
    /** URLs aborted so far: each is a request that would have left the machine. */
    aborted: router.aborted,
    /** Every request URL the context saw, in order. */
    requests: router.requests,
    /**
     * Aborted requests that were not for the two sites (a site URL the map does not hold is
     * aborted too, but would not have left for anywhere new): what the no-network tests assert
     * is empty.
     */
    offSite: () => router.aborted.filter((u) => !/^https:\/\/www\.(tiktok|instagram)\.com\//.test(u)),
    /** Adds a Playwright route in front of the harness's own (later routes win). */
    route: (urlOrPredicate, handler) => context.route(urlOrPredicate, handler),
    /** A new tab. */
    page: () => context.newPage(),
    /** Serves these URLs; see `serveSite`. */
    serveSite: (sites) => serveSite(context, sites),
    /** The extension's running service worker, waiting for one to start if none runs. */
    serviceWorker: () => serviceWorker(context, extensionId),
    /**
     * Stops the extension's service worker, as Chrome does when idle; resolves once it has
     * stopped. Afterwards talk to it by messages (which restart it): Playwright's Worker object
     * for the old instance is stale and no new one is reported.
     */
    stopServiceWorker: () => stopServiceWorker(context, extensionId),
    /** Whether the extension's service worker is running now. */
    serviceWorkerRunning: () => serviceWorkerRunning(context, extensionId),
    /**
     * Runs `fn(arg)` in the extension's content-script world of `page` (where `chrome.runtime`
     * talks to the background as the content script does) and returns its JSON result.
     */
    evaluateInContentScript: (page, fn, arg) => evaluateInContentScript(context, page, extensionId, fn, arg),
    /**
     * Switches on the content script's User Timing measures (storage.local `debug:measures`,
     * written in the service worker). Content scripts read it when they start: call it before
     * loading the page (and before `stopServiceWorker()`, whose Worker object would be stale).
     */
    enableMeasures: async () => {
      if (!extensionId) throw new Error('enableMeasures: launched without the extension');
      const worker = await serviceWorker(context, extensionId);
      await worker.evaluate((key) => chrome.storage.local.set({ [key]: true }), MEASURES_KEY);
    },
    /** Opens `chrome-extension://<id>/<path>` in a new tab. */
    openExtensionPage: async (pagePath) => {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/${pagePath.replace(/^\//, '')}`);
      return page;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
  return browser;
}

/**
 * Fulfils requests to the given URLs. `sites` maps a full URL (`https://www.tiktok.com/foryou`)
 * to a response `{html | body, headers?, status?, contentType?}` or to a function
 * `(request) => response`. HTML responses get the strict CSP unless `headers` sets one. A URL
 * matches with or without its query string. Returns the router's `{served, aborted, requests}`.
 */
export function serveSite(context, sites) {
  const router = routers.get(context);
  if (!router) throw new Error('serveSite needs a context made by launchChromium');
  for (const [url, response] of Object.entries(sites)) router.sites.set(url, response);
  return router;
}

async function handleRoute(router, route) {
  const request = route.request();
  const url = request.url();
  if (url.startsWith('chrome-extension://')) {
    // Aborting the extension's own requests breaks it (toolchain.md).
    await route.continue();
    return;
  }
  const response = await resolveResponse(router.sites, url, request);
  if (response) {
    router.served.push(url);
    await route.fulfill(response);
    return;
  }
  router.aborted.push(url);
  await route.abort('blockedbyclient');
}

async function serviceWorker(context, extensionId) {
  const prefix = `chrome-extension://${extensionId}/`;
  const running = context.serviceWorkers().find((w) => w.url().startsWith(prefix));
  if (running) return running;
  return context.waitForEvent('serviceworker', { predicate: (w) => w.url().startsWith(prefix) });
}

async function stopServiceWorker(context, extensionId) {
  const prefix = `chrome-extension://${extensionId}/`;
  // Playwright keeps its Worker object after a stop and reports no restart, so the state comes
  // from CDP's ServiceWorker domain, reachable from any page's session; a blank page will do.
  const page = await context.newPage();
  try {
    const cdp = await context.newCDPSession(page);
    const { targetInfos } = await cdp.send('Target.getTargets');
    const running = targetInfos.some((t) => t.type === 'service_worker' && t.url.startsWith(prefix));
    if (!running) return;
    const status = new Map();
    const stopped = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`service worker did not stop: ${JSON.stringify([...status])}`)), 15_000);
      cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
        for (const v of versions) if (v.scriptURL.startsWith(prefix)) status.set(v.versionId, v.runningStatus);
        if (status.size > 0 && [...status.values()].every((s) => s === 'stopped')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await stopped;
  } finally {
    await page.close();
  }
}

async function evaluateInContentScript(context, page, extensionId, fn, arg) {
  const cdp = await context.newCDPSession(page);
  try {
    const origin = `chrome-extension://${extensionId}`;
    const mainFrame = page.mainFrame();
    const contexts = [];
    cdp.on('Runtime.executionContextCreated', ({ context: c }) => contexts.push(c));
    await cdp.send('Runtime.enable');
    const find = () => contexts.find((c) => c.origin === origin && c.auxData?.type === 'isolated' && c.auxData?.isDefault === false);
    const deadline = Date.now() + 10_000;
    while (!find()) {
      if (Date.now() > deadline) throw new Error(`no content-script world of ${origin} in ${mainFrame.url()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', {
      contextId: find().id,
      expression: `(${fn})(${JSON.stringify(arg ?? null)})`,
      awaitPromise: true,
      returnByValue: true,
    });
    if (exceptionDetails) throw new Error(`in the content script: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    return result.value;
  } finally {
    await cdp.detach().catch(() => {});
  }
}

/** Whether the extension's service worker is running now (CDP's view, not Playwright's). */
async function serviceWorkerRunning(context, extensionId) {
  const prefix = `chrome-extension://${extensionId}/`;
  const page = await context.newPage();
  try {
    const cdp = await context.newCDPSession(page);
    const { targetInfos } = await cdp.send('Target.getTargets');
    return targetInfos.some((t) => t.type === 'service_worker' && t.url.startsWith(prefix));
  } finally {
    await page.close();
  }
}
