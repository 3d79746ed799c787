// The first-run page (opened by the background on install): what the extension does and does not
// do, and the way to its settings. The link is a real link to the options page, so it works with
// any input; a plain click opens the browser's own options view instead (runtime.openOptionsPage).
import { localize } from '../options/i18n.js';

const ext = globalThis.browser ?? globalThis.chrome;

localize();
const link = document.getElementById('open-options');
link.addEventListener('click', (event) => {
  if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  ext.runtime.openOptionsPage().catch(() => {
    window.location.href = link.href;
  });
});
document.body.dataset.ready = 'true';
