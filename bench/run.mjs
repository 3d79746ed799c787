// `./build.sh bench`: every benchmark figure in one run, printed as a table and written to
// dist/bench.json (BENCHMARKS.md carries the latest numbers and the machine they came from).
//
// Engine: criterion (native, full engine vs the naive one-regex-per-rule design, analyzer build),
// the command line's throughput on one core, and the WebAssembly build in V8. Package: sizes.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DIST } from './dist.mjs';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'target', 'bench');
mkdirSync(out, { recursive: true });
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28, ...opts });
const results = { machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown' }, date: new Date().toISOString() };

// 1. Criterion, native.
console.error('==> criterion (native)');
spawnSync('cargo', ['bench', '-p', 'check-source', '--bench', 'engine', '--', '--noplot'], { cwd: root, stdio: 'inherit' });
const estimate = (group, name) => {
  const file = join(root, 'target', 'criterion', group, name, 'new', 'estimates.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).median.point_estimate : NaN; // ns
};
const posts = 10_000;
const engineNs = estimate('analyze_10k_posts', 'engine');
const naiveNs = estimate('analyze_10k_posts', 'naive_regex_per_rule');
const buildNs = estimate('build_analyzer', 'full_rules_plus_500_keywords');

// 2. The corpora as JSON lines, and the command line's throughput (single-threaded).
console.error('==> corpus and command line');
run('cargo', ['build', '--release', '--bin', 'check-source', '--example', 'synth_corpus', '-p', 'check-source']);
const corpus10k = join(out, 'posts.jsonl');
const corpus50k = join(out, 'posts-50k.jsonl');
writeFileSync(corpus10k, run(join(root, 'target/release/examples/synth_corpus'), ['10000']));
writeFileSync(corpus50k, run(join(root, 'target/release/examples/synth_corpus'), ['50000']));
const corpusBytes = readFileSync(corpus10k, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
  .reduce((n, p) => n + Buffer.byteLength(p.caption + (p.author?.name ?? '') + (p.author?.handle ?? '') + (p.author?.bio ?? '') + (p.labels ?? []).join('')), 0);
const cliRuns = [];
for (let i = 0; i < 3; i++) {
  const sink = openSync('/dev/null', 'w');
  const t0 = performance.now();
  const r = spawnSync('taskset', ['-c', '0', join(root, 'target/release/check-source'), 'analyze', corpus50k], { stdio: ['ignore', sink, 'inherit'] });
  cliRuns.push(performance.now() - t0);
  closeSync(sink);
  if (r.status !== 0) throw new Error('check-source analyze failed');
}
const cliPostsPerS = 50_000 / (Math.min(...cliRuns) / 1000);

// 3. The WebAssembly build in V8.
console.error('==> wasm (V8)');
const engineDir = join(DIST, 'chrome', 'engine');
if (!existsSync(join(engineDir, 'check_source_bg.wasm'))) throw new Error('run ./build.sh first: dist/chrome/engine is missing');
const wasm = JSON.parse(run('node', [join(root, 'bench', 'wasm-engine.mjs'), engineDir, corpus10k]).toString());

// 4. Sizes.
const wasmBytes = readFileSync(join(engineDir, 'check_source_bg.wasm'));
const zips = readdirSync(DIST).filter((f) => f.endsWith('.zip'))
  .map((f) => ({ file: f, bytes: statSync(join(DIST, f)).size }));

// 5. The scripted feed in the browsers, extension on versus off.
console.error('==> scripted feed (Chromium on/off, Firefox)');
const feed = JSON.parse(execFileSync('node', [join(root, 'bench', 'feed.mjs')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 }).toString());
results.feed = feed;

results.engine = {
  native_per_post_us: +(engineNs / posts / 1000).toFixed(2),
  native_mb_per_s: +((corpusBytes / 1e6) / (engineNs / 1e9)).toFixed(1),
  naive_per_post_us: +(naiveNs / posts / 1000).toFixed(2),
  speedup_vs_naive: +(naiveNs / engineNs).toFixed(1),
  build_with_500_keywords_ms: +(buildNs / 1e6).toFixed(2),
  cli_posts_per_s_one_core: Math.round(cliPostsPerS),
  wasm_per_post_us: wasm.per_post_median_us,
  wasm_mb_per_s: wasm.mb_per_s,
  wasm_cold_instantiate_ms: wasm.cold_instantiate_ms,
  wasm_cold_first_analysis_ms: wasm.cold_first_analysis_ms,
};
results.size = {
  wasm_bytes: wasmBytes.length,
  wasm_gzip_bytes: gzipSync(wasmBytes, { level: 9 }).length,
  zips,
};

const ffHeap = feed.firefox.heap;
const budgets = [
  ['engine: per post, native', `${results.engine.native_per_post_us} µs`, results.engine.native_per_post_us < 10, '< 10 µs'],
  ['engine: vs one regex per rule', `${results.engine.speedup_vs_naive}×`, results.engine.speedup_vs_naive >= 5, '≥ 5×'],
  ['engine: build + 500 keywords', `${results.engine.build_with_500_keywords_ms} ms`, results.engine.build_with_500_keywords_ms < 20, '< 20 ms'],
  ['command line, one core', `${results.engine.cli_posts_per_s_one_core} posts/s`, results.engine.cli_posts_per_s_one_core >= 50_000, '≥ 50,000/s'],
  ['engine: per post, wasm (V8)', `${results.engine.wasm_per_post_us} µs`, null, ''],
  ['engine: MB/s native / wasm', `${results.engine.native_mb_per_s} / ${results.engine.wasm_mb_per_s}`, null, ''],
  ['wasm cold start (compile+instantiate / first post)', `${results.engine.wasm_cold_instantiate_ms} / ${results.engine.wasm_cold_first_analysis_ms} ms`, null, ''],
  ['feed: extension main-thread time per 100 posts (TaskDuration on − off: what the page pays)', `${feed.chromium.extension_ms_per_100_posts} ms`, feed.chromium.extension_ms_per_100_posts < 2, '< 2 ms'],
  ["feed: the content script's own script time per 100 posts (its User Timing)", `${feed.chromium.extension_own_ms_per_100_posts} ms`, null, ''],
  ['feed: page scripting time on / off', `${feed.chromium.script_ms_on} / ${feed.chromium.script_ms_off} ms (×${feed.chromium.script_ratio_on_off})`, feed.chromium.script_ratio_on_off <= 1.05, '≤ 1.05×'],
  ['feed: long tasks on / off', `${feed.chromium.long_tasks_on} / ${feed.chromium.long_tasks_off}`, feed.chromium.long_tasks_on <= feed.chromium.long_tasks_off, 'none added'],
  ['feed: post → badge p50 (Chromium, cold worker)', `${feed.chromium.latency_p50_ms} ms`, feed.chromium.latency_p50_ms < 30, '< 30 ms'],
  ['feed: post → badge p95 (Chromium, cold worker)', `${feed.chromium.latency_p95_ms} ms`, feed.chromium.latency_p95_ms < 100, '< 100 ms'],
  ['feed: post → badge p50 / p95 (Firefox, cold background page)', `${feed.firefox.latency_p50_ms} / ${feed.firefox.latency_p95_ms} ms`, null, ''],
  ['feed: Firefox background batch p50 / p95; engine instantiate; first batch (cold)', `${feed.firefox.background_batch_p50_ms} / ${feed.firefox.background_batch_p95_ms} ms; ${feed.firefox.background_init_ms} ms; first batch ${feed.firefox.background_first_batch_ms} ms`, null, ''],
  ["feed: Firefox page JS heap 500 → 5,000 posts (the tab's zone, extension on; growth beyond the page without it; our content script's realm alone)", `${ffHeap.page_js_500_mb} → ${ffHeap.page_js_5000_mb} MB (+${ffHeap.page_js_growth_mb}; +${ffHeap.extension_growth_mb}; realm +${ffHeap.content_script_js_growth_mb})`, ffHeap.page_js_growth_mb <= 2, '≤ +2 MB'],
  ['feed: Firefox page with DOM and layout 500 → 5,000 posts (on; off); its whole content process (on; off)', `${ffHeap.page_total_500_mb} → ${ffHeap.page_total_5000_mb} MB (+${ffHeap.page_total_growth_mb}; off +${ffHeap.page_total_off_growth_mb}); process +${ffHeap.page_process_total_growth_mb}; off +${ffHeap.page_process_total_off_growth_mb}`, null, ''],
  ['feed: Firefox background page JS heap 500 → 5,000 posts (engine WebAssembly memory apart)', ffHeap.background_same_page ? `${ffHeap.background_js_500_mb} → ${ffHeap.background_js_5000_mb} MB (+${ffHeap.background_js_growth_mb}); wasm ${ffHeap.background_wasm_500_mb} → ${ffHeap.background_wasm_5000_mb} MB; extension process +${ffHeap.extension_process_total_growth_mb} MB` : 'no figure: the background page was missing from the reports or restarted between them', ffHeap.background_same_page ? ffHeap.background_js_growth_mb <= 2 : false, '≤ +2 MB'],
  ['feed: background batch p50 / p95; engine instantiate; first batch (cold)', `${feed.chromium.background_batch_p50_ms} / ${feed.chromium.background_batch_p95_ms} ms; ${feed.chromium.background_init_ms} ms; first batch ${feed.chromium.background_first_batch_ms} ms`, null, ''],
  ['feed: page heap 500 → 5,000 posts (extension on; growth beyond the page without it)', `${feed.chromium.heap.page_heap_500_mb} → ${feed.chromium.heap.page_heap_5000_mb} MB (+${feed.chromium.heap.growth_mb}; +${feed.chromium.heap.extension_growth_mb})`, feed.chromium.heap.growth_mb <= 2, '≤ +2 MB'],
  ['feed: service worker heap 500 → 5,000 posts', `${feed.chromium.heap.worker_heap_500_mb} → ${feed.chromium.heap.worker_heap_5000_mb} MB (+${feed.chromium.heap.worker_growth_mb})`, feed.chromium.heap.worker_growth_mb <= 2, '≤ +2 MB'],
  ['.wasm gzip', `${(results.size.wasm_gzip_bytes / 1024).toFixed(1)} KiB`, results.size.wasm_gzip_bytes < 250 * 1024, '< 250 KB'],
  ...zips.map((z) => [`zip ${z.file}`, `${(z.bytes / 1024).toFixed(1)} KiB`, z.bytes < 600 * 1024, '< 600 KB']),
];
results.budgets = budgets.map(([name, value, met, goal]) => ({ name, value, goal, met }));
console.log('\n| figure | value | goal | met |\n|---|---|---|---|');
for (const [name, value, met, goal] of budgets) console.log(`| ${name} | ${value} | ${goal} | ${met === null ? '' : met ? 'yes' : 'NO'} |`);
mkdirSync(DIST, { recursive: true });
writeFileSync(join(DIST, 'bench.json'), JSON.stringify(results, null, 2) + '\n');
console.log(`\nwritten: ${join(DIST, 'bench.json')}`);
