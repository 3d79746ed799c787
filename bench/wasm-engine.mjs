// The engine's WebAssembly build, timed in V8 (the engine Chrome runs it in): per-post time and
// MB/s over the same 10,000 generated posts as the native criterion benchmark, batch by batch as
// the background receives them, plus the cold start (compile + instantiate + first analysis).
//
//   node bench/wasm-engine.mjs dist/chrome/engine posts.jsonl [batch]
//
// `./build.sh bench` writes posts.jsonl with `cargo run --release --example synth_corpus`.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const [engineDir = 'dist/chrome/engine', corpusPath = 'target/bench/posts.jsonl', batchArg = '25'] =
  process.argv.slice(2);
const batchSize = Number(batchArg);
const glue = await import(pathToFileURL(resolve(engineDir, 'check_source.js')).href);
const bytes = readFileSync(join(engineDir, 'check_source_bg.wasm'));
const posts = readFileSync(corpusPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const totalBytes = posts.reduce((n, p) => n + Buffer.byteLength(
  p.caption + (p.author?.name ?? '') + (p.author?.handle ?? '') + (p.author?.bio ?? '') + (p.labels ?? []).join(''),
), 0);

// Cold start: compile and instantiate the module, build the default analyzer, first batch.
let t0 = performance.now();
const module = new WebAssembly.Module(bytes);
glue.initSync({ module });
const instantiateMs = performance.now() - t0;
t0 = performance.now();
glue.analyze(posts.slice(0, 1));
const firstAnalysisMs = performance.now() - t0;

function pass() {
  const perPost = [];
  const start = performance.now();
  for (let i = 0; i < posts.length; i += batchSize) {
    const batch = posts.slice(i, i + batchSize);
    const b0 = performance.now();
    const verdicts = glue.analyze(batch);
    perPost.push((performance.now() - b0) / batch.length);
    if (verdicts.length !== batch.length) throw new Error('one verdict per post expected');
  }
  return { perPost, totalMs: performance.now() - start };
}

pass(); // warm-up (JIT of the glue, the analyzer's lazy state)
const runs = [pass(), pass(), pass()];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const perPostUs = median(runs.flatMap((r) => r.perPost)) * 1000;
const bestMs = Math.min(...runs.map((r) => r.totalMs));
const result = {
  posts: posts.length,
  batch: batchSize,
  per_post_median_us: +perPostUs.toFixed(2),
  mb_per_s: +((totalBytes / 1e6) / (bestMs / 1000)).toFixed(1),
  cold_instantiate_ms: +instantiateMs.toFixed(1),
  cold_first_analysis_ms: +firstAnalysisMs.toFixed(1),
};
console.log(JSON.stringify(result));
