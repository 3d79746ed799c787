// Where the built extension is: $CTS_DIST when set (several helpers or checkouts build side by
// side, as ./build.sh and tests/e2e allow), else the repository's dist/.
import path from 'node:path';

const REPO = new URL('..', import.meta.url).pathname;

/** Absolute path of the build output holding chrome/ and firefox/. */
export const DIST = process.env.CTS_DIST ? path.resolve(process.env.CTS_DIST) : path.join(REPO, 'dist');

/**
 * A tab for the benchmark page, in front. A fresh profile with the extension opens its welcome
 * page on install (extension/welcome/); if that tab comes up after the benchmark's, it covers it
 * and Chromium stops producing frames for the covered page (no paint, no idle callbacks), which
 * makes an "on" run cheaper than it is. So: wait for the welcome tab (bounded), close it, and
 * bring the benchmark's tab to the front.
 */
export async function frontPage(browser) {
  if (browser.extensionId) {
    const isWelcome = (p) => p.url().startsWith(`${browser.extensionOrigin}/welcome/`);
    if (!browser.context.pages().some(isWelcome)) {
      await browser.context.waitForEvent('page', { predicate: isWelcome, timeout: 10_000 }).catch(() => {});
    }
    for (const p of browser.context.pages()) if (isWelcome(p)) await p.close();
  }
  const page = await browser.page();
  await page.bringToFront();
  return page;
}
