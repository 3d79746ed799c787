//! `regex` (the oracle), `regex-lite` (the `lite-regex` feature) and our own
//! `check_source::regex_engine` (the lazy DFA without `regex`'s meta layer, what the command line
//! and the `.wasm` run) give the same matches for every shipped pattern.
//!
//! Why: all three read the same ASCII-only syntax (`matcher::ascii_classes`), so they should agree
//! to the byte; this test holds them to it on every text we
//! have: the rule examples, the golden corpus, `../shared/corpus/dev.jsonl` (when present) and the
//! first 300 generated bench posts (all 10,000 under `cargo test --release`), each field folded, masked (`{condition}`) and cased, every
//! pattern and every `unless` run on the text it reads, comparing every match and its `m` group.
//! (`cargo test --features lite-regex` additionally runs the whole suite on `regex-lite`.)

#![cfg(not(target_arch = "wasm32"))]

#[path = "../benches/synth.rs"]
mod synth;

use std::path::PathBuf;

use check_source::matcher::{ascii_classes, mask_conditions, naive_term_starts};
use check_source::normalize::Normalized;
use check_source::regex_engine;
use check_source::rules::{self, TextKind};

/// Every match as (whole span, `m` span) pairs.
type Spans = Vec<((usize, usize), Option<(usize, usize)>)>;

/// `regex` and `regex-lite` have the same captures API but no common trait: one body for both.
macro_rules! captured_spans {
    ($re:expr, $text:expr) => {
        $re.captures_iter($text)
            .map(|c| {
                let w = c.get(0).expect("group 0");
                (
                    (w.start(), w.end()),
                    c.name("m").map(|m| (m.start(), m.end())),
                )
            })
            .collect()
    };
}

fn with_regex(re: &regex::Regex, text: &str) -> Spans {
    captured_spans!(re, text)
}

fn with_lite(re: &regex_lite::Regex, text: &str) -> Spans {
    captured_spans!(re, text)
}

/// Our engine's matches: `find_iter` for the spans, `captures_at` at each start for the groups
/// (how `matcher` reads them); `is_match` must agree.
fn with_ours(re: &regex_engine::Regex, text: &str) -> Spans {
    let out: Spans = re
        .find_iter(text)
        .map(|m| {
            let c = re.captures_at(text, m.start()).expect("the match again");
            let w = c.get(0).expect("group 0");
            assert_eq!((w.start(), w.end()), (m.start(), m.end()), "{text:?}");
            (
                (m.start(), m.end()),
                c.name("m").map(|m| (m.start(), m.end())),
            )
        })
        .collect();
    assert_eq!(re.is_match(text), !out.is_empty(), "is_match on {text:?}");
    out
}

/// The `m`-group loop of `matcher::scan_pattern`, on `regex`'s or our `captures_at`.
fn group_loop(
    text: &str,
    mut at: impl FnMut(usize) -> Option<((usize, usize), Option<(usize, usize)>)>,
) -> Spans {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos <= text.len() {
        let Some((whole, m)) = at(pos) else { break };
        out.push((whole, m));
        let span = m.unwrap_or(whole);
        let next = if span.1 > pos { span.1 } else { whole.1 };
        pos = if next > pos {
            next
        } else {
            next + text[next..].chars().next().map_or(1, char::len_utf8)
        };
    }
    out
}

/// Field texts from every source we have.
fn texts() -> Vec<String> {
    let mut out = Vec::new();
    for r in rules::catalog() {
        out.extend(r.must_flag.iter().cloned());
        out.extend(r.must_pass.iter().cloned());
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for path in [
        root.join("tests/corpus/golden.jsonl"),
        root.join("../../shared/corpus/dev.jsonl"),
    ] {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).expect("corpus line is JSON");
            for key in ["caption"] {
                if let Some(s) = v[key].as_str() {
                    out.push(s.to_string());
                }
            }
            for key in ["handle", "name", "bio"] {
                if let Some(s) = v["author"][key].as_str() {
                    out.push(s.to_string());
                }
            }
        }
    }
    let bench_posts = if cfg!(debug_assertions) { 300 } else { 10_000 };
    for post in synth::corpus(bench_posts) {
        out.push(post.caption.clone());
        out.extend(post.author.bio.clone());
        out.extend(post.author.name.clone());
    }
    out
}

struct Pair {
    what: String,
    text: TextKind,
    masked: bool,
    /// Lowercase anchors: a pattern runs on a text holding one (the engine's own rule, which the
    /// naive oracle in `properties.rs` proves complete); an `unless` runs where its rule's do.
    anchors: Vec<String>,
    full: regex::Regex,
    lite: regex_lite::Regex,
    ours: regex_engine::Regex,
}

fn pair(what: String, source: &str, text: TextKind, masked: bool, anchors: &[String]) -> Pair {
    let full = regex::RegexBuilder::new(source)
        .size_limit(1 << 22)
        .build()
        .unwrap_or_else(|e| panic!("{what}: regex: {e}"));
    let lite = regex_lite::RegexBuilder::new(source)
        .size_limit(1 << 22)
        .build()
        .unwrap_or_else(|e| panic!("{what}: regex-lite: {e}"));
    let ours = regex_engine::RegexBuilder::new(source)
        .size_limit(1 << 22)
        .dfa_size_limit(4 << 20)
        .build()
        .unwrap_or_else(|e| panic!("{what}: regex_engine: {e}"));
    assert_eq!(
        ours.capture_names().any(|n| n == Some("m")),
        full.capture_names().any(|n| n == Some("m")),
        "{what}: group m"
    );
    Pair {
        what,
        text,
        masked,
        anchors: anchors.iter().map(|a| a.to_lowercase()).collect(),
        full,
        lite,
        ours,
    }
}

#[test]
fn all_regex_engines_agree_on_every_pattern_and_text() {
    let mut pairs = Vec::new();
    for r in rules::catalog() {
        for (i, p) in r.patterns.iter().enumerate() {
            let what = format!("{} pattern {i}", r.id);
            pairs.push(pair(
                what,
                &ascii_classes(&p.regex),
                p.text,
                p.masked,
                &p.anchors,
            ));
        }
        if let Some(u) = &r.unless {
            let masked = r.patterns.iter().any(|p| p.masked);
            let anchors: Vec<String> = r.patterns.iter().flat_map(|p| p.anchors.clone()).collect();
            let what = format!("{} unless", r.id);
            pairs.push(pair(
                what.clone(),
                &ascii_classes(u),
                TextKind::Folded,
                masked,
                &anchors,
            ));
            pairs.push(pair(
                what + " (cased)",
                &ascii_classes(&format!("(?i:{u})")),
                TextKind::Cased,
                false,
                &anchors,
            ));
        }
    }
    let texts = texts();
    assert!(texts.len() > 3_000, "only {} texts", texts.len());
    let mut runs = 0usize;
    let mut matched = 0usize;
    let mut diffs = Vec::new();
    for original in &texts {
        let (folded, cased) = Normalized::both(original);
        let (folded, cased) = (folded.text(), cased.text());
        let masked = mask_conditions(folded, &naive_term_starts(folded));
        let (lower_folded, lower_cased) = (folded.to_lowercase(), cased.to_lowercase());
        for p in &pairs {
            let lower = match p.text {
                TextKind::Folded => &lower_folded,
                TextKind::Cased => &lower_cased,
            };
            if !p.anchors.is_empty() && !p.anchors.iter().any(|a| lower.contains(a.as_str())) {
                continue;
            }
            let text = match (p.text, p.masked) {
                (TextKind::Folded, true) => masked.as_str(),
                (TextKind::Folded, false) => folded,
                (TextKind::Cased, _) => cased,
            };
            let (a, b) = (with_regex(&p.full, text), with_lite(&p.lite, text));
            let c = with_ours(&p.ours, text);
            if a != c && diffs.len() < 20 {
                diffs.push(format!(
                    "{} on {text:?}: regex {a:?}, regex_engine {c:?}",
                    p.what
                ));
            }
            if a.iter().any(|(_, m)| m.is_some()) {
                let span = |m: regex::Match| (m.start(), m.end());
                let x = group_loop(text, |pos| {
                    let c = p.full.captures_at(text, pos)?;
                    Some((span(c.get(0)?), c.name("m").map(span)))
                });
                let y = group_loop(text, |pos| {
                    let c = p.ours.captures_at(text, pos)?;
                    let w = c.get(0)?;
                    Some((
                        (w.start(), w.end()),
                        c.name("m").map(|m| (m.start(), m.end())),
                    ))
                });
                if x != y && diffs.len() < 20 {
                    diffs.push(format!(
                        "{} (group loop) on {text:?}: regex {x:?}, regex_engine {y:?}",
                        p.what
                    ));
                }
            }
            runs += 1;
            matched += usize::from(!a.is_empty());
            if a != b && diffs.len() < 20 {
                diffs.push(format!(
                    "{} on {text:?}: regex {a:?}, regex-lite {b:?}",
                    p.what
                ));
            }
        }
    }
    assert!(
        diffs.is_empty(),
        "the engines disagree:\n{}",
        diffs.join("\n")
    );
    // The comparison means something only if patterns actually matched.
    assert!(matched > 1_000, "{matched} of {runs} runs matched");
}
