// Where the built extension is: $CTS_DIST when set (several helpers or checkouts build side by
// side, as ./build.sh and tests/e2e allow), else the repository's dist/.
import path from 'node:path';

const REPO = new URL('..', import.meta.url).pathname;

/** Absolute path of the build output holding chrome/ and firefox/. */
export const DIST = process.env.CTS_DIST ? path.resolve(process.env.CTS_DIST) : path.join(REPO, 'dist');
