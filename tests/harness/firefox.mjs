// Firefox end-to-end harness: Debian's firefox-esr driven by selenium-webdriver through
// geckodriver, the built extension installed as a temporary add-on, and the real site hostnames
// resolved to loopback where a local HTTPS server answers (recipe: /work/shared/notes/toolchain.md).
// Everything else goes to a local recording proxy that refuses it, so no request leaves the
// machine and tests can assert that none was attempted. API: README.md here.

import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { Builder, until } from 'selenium-webdriver';
import firefox from 'selenium-webdriver/firefox.js';

import { MEASURES_KEY, SITE_HOSTS, STRICT_CSP, resolveResponse } from './sites.mjs';

export { MEASURES_KEY, STRICT_CSP };

/** The moz-extension host the harness pins, so tests know the extension's origin in advance. */
export const EXTENSION_UUID = '5c2f4e1a-7b3d-4c9e-8a61-0f3b2d9e4c17';

const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const GECKODRIVER = process.env.GECKODRIVER ?? path.join(os.homedir(), '.cargo/bin/geckodriver');
const run = promisify(execFile);

/**
 * Launches headless Firefox ESR with `dist` installed as a temporary add-on and the two sites
 * served locally. Returns the handle described in README.md. `extension: false` launches the same
 * browser without the add-on (the benchmark's "off" profile); `dist` is still read for its id.
 * `prefs`: more preferences for this launch only (none by default; the benchmark's timer precision).
 */
export async function launchFirefox({ dist = 'dist/firefox', headless = true, extension = true, prefs = {} } = {}) {
  const extensionDir = path.resolve(dist);
  const manifestPath = path.join(extensionDir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`no built extension at ${extensionDir}: run ./build.sh first`);
  if (!existsSync(GECKODRIVER)) throw new Error(`geckodriver not found at ${GECKODRIVER}: run ./build.sh test`);
  const geckoId = JSON.parse(readFileSync(manifestPath, 'utf8')).browser_specific_settings?.gecko?.id;
  if (!geckoId) throw new Error(`${manifestPath} has no browser_specific_settings.gecko.id`);

  const tmp = await mkdtemp(path.join(os.tmpdir(), 'cts-firefox-'));
  const cleanups = [() => rm(tmp, { recursive: true, force: true })];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => {});
  };
  try {
    const sites = new Map();
    const served = [];
    const unserved = [];
    const { key, cert } = await selfSignedCertificate(tmp);
    const server = await startSiteServer({ key, cert, sites, served, unserved });
    cleanups.push(server.close);
    const proxy = await startRefusingProxy();
    cleanups.push(proxy.close);

    const options = new firefox.Options()
      .setBinary(FIREFOX)
      .setAcceptInsecureCerts(true)
      .setPreference('network.dns.localDomains', SITE_HOSTS.join(','))
      .setPreference('network.proxy.type', 2)
      .setPreference('network.proxy.autoconfig_url', pacUrl(proxy.port))
      .setPreference('network.proxy.allow_hijacking_localhost', false)
      .setPreference('network.trr.mode', 5)
      .setPreference('extensions.webextensions.uuids', JSON.stringify({ [geckoId]: EXTENSION_UUID }))
      // Background services that would otherwise knock on the refusing proxy all test long.
      .setPreference('browser.safebrowsing.update.enabled', false)
      .setPreference('browser.safebrowsing.downloads.remote.enabled', false)
      .setPreference('extensions.getAddons.cache.enabled', false)
      .setPreference('extensions.update.enabled', false)
      .setPreference('network.captive-portal-service.enabled', false)
      .setPreference('network.connectivity-service.enabled', false)
      .setPreference('datareporting.policy.dataSubmissionEnabled', false)
      .setPreference('toolkit.telemetry.enabled', false)
      .setPreference('app.normandy.enabled', false)
      // What Mozilla's own test harnesses point Remote Settings at, so it never polls the network
      // (release builds honour it only with MOZ_REMOTE_SETTINGS_DEVTOOLS set, below).
      .setPreference('services.settings.server', 'data:,#remote-settings-dummy/v1')
      .setPreference('browser.newtabpage.enabled', false)
      .setPreference('browser.startup.homepage', 'about:blank');
    for (const [name, value] of Object.entries(prefs)) options.setPreference(name, value);
    if (headless) options.addArguments('-headless');
    // Selenium Manager must not look anything up: paths are given, and these say so.
    process.env.SE_OFFLINE = 'true';
    process.env.SE_AVOID_STATS = 'true';
    // The chrome context (for opening moz-extension:// pages) needs system access.
    const service = new firefox.ServiceBuilder(GECKODRIVER)
      .addArguments('--allow-system-access')
      .setEnvironment({ ...process.env, MOZ_REMOTE_SETTINGS_DEVTOOLS: '1' });
    const driver = await new Builder()
      .forBrowser('firefox')
      .setFirefoxOptions(options)
      .setFirefoxService(service)
      .build();
    cleanups.push(() => driver.quit());
    if (extension) await driver.installAddon(extensionDir, true);

    const origin = (host) => `https://${host}${server.port === 443 ? '' : `:${server.port}`}`;
    /** Maps a real site URL to where the local server answers it (same URL when on port 443). */
    const url = (real) => {
      const u = new URL(real);
      if (!SITE_HOSTS.includes(u.hostname)) throw new Error(`not a served site: ${real}`);
      return `${origin(u.hostname)}${u.pathname}${u.search}${u.hash}`;
    };
    const extensionOrigin = `moz-extension://${EXTENSION_UUID}`;
    let closed = false;
    return {
      driver,
      geckoId,
      extensionOrigin,
      port: server.port,
      url,
      /** Requests answered from the site map, as real URLs. */
      served,
      /** Requests to the two sites for URLs the map does not hold (answered 404). */
      unserved,
      /** Requests that tried to leave the machine (refused by the proxy): `host:port` or URL. */
      blocked: proxy.blocked,
      /**
       * Blocked requests that were not Firefox's own services (remote settings, add-on metadata
       * knock on the refusing proxy whatever the extension does): what the no-network tests
       * assert is empty.
       */
      offSite: () => proxy.blocked.filter((h) => !/(^|\.)(mozilla\.(com|net|org)|firefox\.com)(:\d+)?(\/|$)/.test(h.replace(/^https?:\/\//, ''))),
      /** Serves these real URLs; same map format as the Chromium harness. */
      serveSite(map) {
        for (const [u, response] of Object.entries(map)) sites.set(u, response);
      },
      /** Navigates the current tab to a served real URL. */
      get: (real) => driver.get(url(real)),
      /** Opens `moz-extension://<uuid>/<path>` in a new tab and switches to it. */
      openExtensionPage: (pagePath) => openExtensionPage(driver, `${extensionOrigin}/${pagePath.replace(/^\//, '')}`),
      /**
       * Switches on the content script's User Timing measures (storage.local `debug:measures`),
       * written from an extension page opened for it, then closed; the current tab stays current.
       * Content scripts read it when they start: call it before loading the page.
       */
      enableMeasures: async () => {
        if (!extension) throw new Error('enableMeasures: launched without the add-on');
        const tab = await driver.getWindowHandle();
        await openExtensionPage(driver, `${extensionOrigin}/options/options.html`);
        try {
          const error = await driver.executeAsyncScript(
            `const done = arguments[arguments.length - 1];
             browser.storage.local.set({ [arguments[0]]: true }).then(() => done(null), (e) => done(String(e)));`,
            MEASURES_KEY,
          );
          if (error) throw new Error(`enableMeasures: storage.local.set failed: ${error}`);
        } finally {
          await driver.close();
          await driver.switchTo().window(tab);
        }
      },
      close: async () => {
        if (closed) return;
        closed = true;
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Everything but the two sites and loopback goes to the refusing proxy. */
function pacUrl(proxyPort) {
  const direct = [...SITE_HOSTS, 'localhost', '127.0.0.1', '::1'];
  const pac = `function FindProxyForURL(url, host) {
    var direct = ${JSON.stringify(direct)};
    for (var i = 0; i < direct.length; i++) if (host === direct[i]) return "DIRECT";
    return "PROXY 127.0.0.1:${proxyPort}";
  }`;
  return `data:application/x-ns-proxy-autoconfig;charset=utf-8,${encodeURIComponent(pac)}`;
}

/** A throw-away certificate for both hostnames, made with openssl for this run only. */
async function selfSignedCertificate(dir) {
  const keyPath = path.join(dir, 'key.pem');
  const certPath = path.join(dir, 'cert.pem');
  const san = [...SITE_HOSTS.map((h) => `DNS:${h}`), 'DNS:localhost', 'IP:127.0.0.1', 'IP:::1'].join(',');
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=www.tiktok.com',
    '-addext', `subjectAltName=${san}`,
  ]);
  return { key: await readFile(keyPath), cert: await readFile(certPath) };
}

/** HTTPS on 127.0.0.1 and ::1, port 443 when allowed (so URLs are exactly the real ones). */
async function startSiteServer({ key, cert, sites, served, unserved }) {
  const handler = async (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const real = `https://${host}${req.url}`;
    try {
      const response = SITE_HOSTS.includes(host) ? await resolveResponse(sites, real, req) : null;
      if (!response) {
        unserved.push(real);
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not served by the test');
        return;
      }
      served.push(real);
      res.writeHead(response.status, response.headers).end(response.body);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error?.stack ?? error));
    }
  };
  const servers = [];
  const listen = (host, port) =>
    new Promise((resolve, reject) => {
      const server = https.createServer({ key, cert }, handler);
      server.once('error', reject);
      server.listen(port, host, () => {
        servers.push(server);
        resolve(server.address().port);
      });
    });
  let port;
  try {
    port = await listen('127.0.0.1', 443);
  } catch {
    port = await listen('127.0.0.1', 0);
  }
  // localDomains may resolve to either loopback address; serve ::1 too when the machine has it.
  await listen('::1', port).catch(() => {});
  return {
    port,
    close: () => Promise.all(servers.map((s) => new Promise((r) => {
      s.closeAllConnections?.();
      s.close(() => r());
    }))),
  };
}

/** A proxy that records what tried to leave the machine and refuses it. */
async function startRefusingProxy() {
  const blocked = [];
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('data', (chunk) => {
      const [method, target] = chunk.toString('latin1').split('\r\n')[0].split(' ');
      if (method && target) blocked.push(method === 'CONNECT' ? target : target);
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    socket.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    blocked,
    close: () => new Promise((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

/** WebDriver refuses to navigate to moz-extension://, so the chrome context opens the tab. */
async function openExtensionPage(driver, url) {
  const before = new Set(await driver.getAllWindowHandles());
  await driver.setContext('chrome');
  try {
    await driver.executeScript(
      `const tab = gBrowser.addTab(arguments[0], {
         triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal() });
       gBrowser.selectedTab = tab;`,
      url,
    );
  } finally {
    await driver.setContext('content');
  }
  let handle;
  await driver.wait(async () => {
    handle = (await driver.getAllWindowHandles()).find((h) => !before.has(h));
    return Boolean(handle);
  }, 10_000, `no tab opened for ${url}`);
  await driver.switchTo().window(handle);
  await driver.wait(async () => (await driver.getCurrentUrl()).startsWith(url.replace(/[?#].*$/, '')), 10_000);
  await driver.wait(async () => (await driver.executeScript('return document.readyState')) === 'complete', 10_000);
  return handle;
}

export { until };
