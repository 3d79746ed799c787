//! Measures whether build-time DFAs would fit in the `.wasm` (BENCHMARKS.md, Package, path (1)):
//! every regex the engine compiles (each rule pattern after `ascii_classes` and case expansion,
//! with `{condition}` as its placeholder; both `unless` forms; the anchored `{condition}` terms;
//! the credential regexes of credentials.rs) is determinised here into `regex-automata` dense DFAs
//! (minimised or not) and sparse ones, forward (unanchored, leftmost-first, for the match end)
//! and reverse (anchored, all matches, for its start) as `dfa::regex::Regex` builds them. For the
//! patterns with an `m` group, what a DFA-only search would add is measured as two anchored
//! forward DFAs: the pattern up to the group (its start) and up to the group's end (its end).
//!
//! `cargo run --release --example dfa_size -- [OUT_DIR]` prints one line per regex and the
//! totals, and writes each variant's serialised DFAs concatenated into OUT_DIR (default
//! /tmp/dfa) to be gzipped from the shell.

use std::time::Instant;

use check_source::matcher::ascii_classes;
use check_source::rules;
use regex_automata::dfa::{dense, StartKind};
use regex_automata::nfa::thompson;
use regex_automata::MatchKind;

/// Per-DFA cap on the determiniser's working memory and on the DFA itself, so one explosive
/// pattern fails instead of hanging the run.
const LIMIT: usize = 16 << 20;

/// The variants measured, in output order.
const VARIANTS: [&str; 4] = ["dense", "dense-min", "sparse", "sparse-min"];

/// One regex to measure.
struct Source {
    label: String,
    pattern: String,
    /// Has an `m` group: also measure the two prefixes that find its span.
    m_group: bool,
}

/// What one regex costs in one direction.
#[derive(Default, Clone)]
struct Cost {
    states: usize,
    /// Serialised bytes per variant (0 when that variant failed).
    bytes: [usize; 4],
    millis: [u128; 2],
    error: Option<String>,
}

/// The credentials.rs regexes, read from its source so this stays in step with it: every raw
/// string passed to `ascii_classes(`.
fn credential_patterns() -> Vec<String> {
    let src = include_str!("../src/credentials.rs");
    let mut out = Vec::new();
    let mut rest = src;
    while let Some(i) = rest.find("ascii_classes(") {
        rest = &rest[i + "ascii_classes(".len()..];
        let body = rest.trim_start();
        if let Some(raw) = body.strip_prefix("r\"") {
            if let Some(end) = raw.find("\",") {
                out.push(raw[..end].to_string());
            }
        }
    }
    out
}

/// Every regex the matcher and credentials compile, as they compile it.
fn sources() -> Vec<Source> {
    let mut out = Vec::new();
    for r in rules::catalog() {
        for (i, p) in r.patterns.iter().enumerate() {
            let pattern = ascii_classes(&p.regex);
            out.push(Source {
                label: format!("{}#{}", r.id, i),
                m_group: pattern.contains("(?P<m>"),
                pattern,
            });
        }
        if let Some(u) = &r.unless {
            out.push(Source {
                label: format!("{}:unless", r.id),
                pattern: ascii_classes(u),
                m_group: false,
            });
            out.push(Source {
                label: format!("{}:unless(?i)", r.id),
                pattern: ascii_classes(&format!("(?i:{u})")),
                m_group: false,
            });
        }
    }
    for (i, t) in rules::condition_terms().iter().enumerate() {
        out.push(Source {
            label: format!("term{i}"),
            pattern: format!("^(?:{})", ascii_classes(&t.regex)),
            m_group: false,
        });
    }
    for (i, c) in credential_patterns().into_iter().enumerate() {
        out.push(Source {
            label: format!("credentials#{i}"),
            pattern: ascii_classes(&c),
            m_group: false,
        });
    }
    out
}

/// The pattern cut before `(?P<m>` and after that group's closing parenthesis (escapes and
/// classes skipped), each with the open groups before it closed.
fn m_prefixes(pattern: &str) -> Option<(String, String)> {
    let at = pattern.find("(?P<m>")?;
    let b = pattern.as_bytes();
    // Groups still open at a byte offset, and where the `m` group closes.
    let mut depth_at_m = 0;
    let mut depth = 0usize;
    let mut in_class = false;
    let mut i = 0;
    let mut m_close = None;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'[' if !in_class => {
                in_class = true;
                // A `]` right after `[` or `[^` is a literal.
                if b.get(i + 1) == Some(&b'^') {
                    i += 1;
                }
                if b.get(i + 1) == Some(&b']') {
                    i += 1;
                }
            }
            b']' if in_class => in_class = false,
            b'(' if !in_class => {
                if i == at {
                    depth_at_m = depth;
                }
                depth += 1;
            }
            b')' if !in_class => {
                depth -= 1;
                if i > at && depth == depth_at_m && m_close.is_none() {
                    m_close = Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    let close = |s: &str| {
        // Count the groups left open in `s` and close them.
        let mut d = 0i32;
        let sb = s.as_bytes();
        let mut in_class = false;
        let mut j = 0;
        while j < sb.len() {
            match sb[j] {
                b'\\' => j += 1,
                b'[' if !in_class => in_class = true,
                b']' if in_class => in_class = false,
                b'(' if !in_class => d += 1,
                b')' if !in_class => d -= 1,
                _ => {}
            }
            j += 1;
        }
        let mut t = s.to_string();
        // An alternation left open before the group would change meaning; good enough for size.
        for _ in 0..d.max(0) {
            t.push(')');
        }
        t
    };
    let end = m_close?;
    Some((close(&pattern[..at]), close(&pattern[..end])))
}

/// The pattern with every bounded gap made unbounded: `{0,80}?` → `*?`, `{1,60}?` → `+?` when
/// the bound is 20 or more, or when it repeats a word (`…\s+){0,5}?`). A proxy for the rewrite
/// that splits a pattern at its gaps into pieces joined in code (the code checks the distance
/// instead of the automaton counting it): the automaton then only has to remember that the part
/// before the gap was seen, not at which of the 80 positions. `None` when there is no such gap.
fn without_gaps(pattern: &str) -> Option<String> {
    let mut out = String::with_capacity(pattern.len());
    let mut changed = false;
    let mut rest = pattern;
    while let Some(i) = rest.find('{') {
        let (before, after) = rest.split_at(i);
        out.push_str(before);
        let close = after.find('}');
        let body = close.map(|c| &after[1..c]);
        let parsed = body.and_then(|b| {
            let (lo, hi) = b.split_once(',')?;
            Some((lo.parse::<u32>().ok()?, hi.parse::<u32>().ok()?))
        });
        let word_loop = out.ends_with("+)");
        match (close, parsed) {
            (Some(c), Some((lo, hi))) if lo <= 1 && (hi >= 20 || (word_loop && hi >= 2)) => {
                out.push(if lo == 0 { '*' } else { '+' });
                changed = true;
                rest = &after[c + 1..];
            }
            _ => {
                out.push('{');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// Builds one direction in every variant.
fn measure(pattern: &str, reverse: bool, anchored_forward: bool, write: bool) -> Cost {
    let mut cost = Cost::default();
    let syntax = regex_automata::util::syntax::Config::new();
    let nfa = thompson::Config::new()
        .which_captures(thompson::WhichCaptures::None)
        .reverse(reverse);
    for (k, minimize) in [false, true].into_iter().enumerate() {
        let mut cfg = dense::Config::new()
            .minimize(minimize)
            .dfa_size_limit(Some(LIMIT))
            .determinize_size_limit(Some(LIMIT));
        cfg = if reverse {
            cfg.prefilter(None)
                .specialize_start_states(false)
                .start_kind(StartKind::Anchored)
                .match_kind(MatchKind::All)
        } else if anchored_forward {
            cfg.start_kind(StartKind::Anchored)
        } else {
            cfg.start_kind(StartKind::Unanchored)
        };
        let t0 = Instant::now();
        let built = dense::Builder::new()
            .configure(cfg)
            .syntax(syntax)
            .thompson(nfa.clone())
            .build(pattern);
        cost.millis[k] = t0.elapsed().as_millis();
        match built {
            Ok(dfa) => {
                let (bytes, pad) = dfa.to_bytes_little_endian();
                cost.bytes[k] = bytes.len() - pad;
                if !minimize {
                    cost.states = dfa.memory_usage() / (dfa.stride() * 4);
                }
                match dfa.to_sparse() {
                    Ok(s) => cost.bytes[2 + k] = s.to_bytes_little_endian().len(),
                    Err(e) => cost.error = Some(format!("sparse: {e}")),
                }
                if write {
                    write_out(k, &bytes[pad..]);
                    if let Ok(s) = dfa.to_sparse() {
                        write_out(2 + k, &s.to_bytes_little_endian());
                    }
                }
            }
            Err(e) => {
                cost.error = Some(format!("{}: {e}", VARIANTS[k]));
            }
        }
    }
    cost
}

/// Appends one DFA's bytes to its variant's file.
fn write_out(variant: usize, bytes: &[u8]) {
    use std::io::Write;
    let dir = std::env::args().nth(1).unwrap_or_else(|| "/tmp/dfa".into());
    let path = format!("{dir}/{}.bin", VARIANTS[variant]);
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .unwrap_or_else(|e| panic!("cannot open {path}: {e}"));
    f.write_all(bytes)
        .unwrap_or_else(|e| panic!("cannot write {path}: {e}"));
}

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "/tmp/dfa".into());
    std::fs::create_dir_all(&dir).expect("output directory");
    for v in VARIANTS {
        let _ = std::fs::remove_file(format!("{dir}/{v}.bin"));
    }
    let mut rows: Vec<(String, usize, Cost, Cost, u128)> = Vec::new();
    let mut totals = [0usize; 4];
    let mut failures = Vec::new();
    let (mut anchored_total, mut anchored_failures) = (0usize, 0usize);
    let all = sources();
    println!(
        "label\tfwd_states\trev_states\tdense\tdense_min\tsparse\tsparse_min\tms\tpattern_len\tanch_fwd_states\tanch_fwd_sparse_min"
    );
    for s in &all {
        let mut jobs = vec![(s.label.clone(), s.pattern.clone(), false)];
        if s.m_group {
            if let Some((start, end)) = m_prefixes(&s.pattern) {
                jobs.push((format!("{}:m-start", s.label), start, true));
                jobs.push((format!("{}:m-end", s.label), end, true));
            }
        }
        for (label, pattern, anchored) in jobs {
            let fwd = measure(&pattern, false, anchored, true);
            // The m-group prefixes run forward from the match start only.
            let rev = if anchored {
                Cost::default()
            } else {
                measure(&pattern, true, false, true)
            };
            // What a rewrite that starts the forward search only where a candidate starts (an
            // anchored forward DFA, as the `m` prefixes) would weigh instead; not written out.
            let anch = if anchored {
                Cost::default()
            } else {
                measure(&pattern, false, true, false)
            };
            anchored_total += anch.bytes[3];
            if anch.error.is_some() {
                anchored_failures += 1;
            }
            let mut sum = [0usize; 4];
            for k in 0..4 {
                sum[k] = fwd.bytes[k] + rev.bytes[k];
                totals[k] += sum[k];
            }
            let ms = fwd.millis.iter().chain(rev.millis.iter()).sum::<u128>();
            for (dir, c) in [("fwd", &fwd), ("rev", &rev)] {
                if let Some(e) = &c.error {
                    failures.push(format!("{label} {dir}: {}", e.lines().next().unwrap_or("")));
                }
            }
            println!(
                "{label}\t{}\t{}\t{}\t{}\t{}\t{}\t{ms}\t{}\t{}\t{}",
                fwd.states,
                rev.states,
                sum[0],
                sum[1],
                sum[2],
                sum[3],
                pattern.len(),
                anch.states,
                anch.bytes[3]
            );
            rows.push((label, pattern.len(), fwd, rev, ms));
        }
    }
    println!("\nregexes: {} ({} DFA builds rows)", all.len(), rows.len());
    for k in 0..4 {
        println!("total {}: {} bytes", VARIANTS[k], totals[k]);
    }
    println!(
        "anchored forward instead (sparse-min, not in the totals): {anchored_total} bytes, {anchored_failures} failures"
    );
    println!("failures: {}", failures.len());
    for f in &failures {
        println!("  {f}");
    }
    // The gap proxy: the same regexes with their bounded gaps unbounded (not in the totals, not
    // written out).
    let (mut gap_before, mut gap_after, mut gap_n, mut gap_fail) = (0usize, 0usize, 0usize, 0usize);
    println!("\ngap-free proxy (sparse-min, fwd+rev): label\tbefore\tafter");
    for s in &all {
        let Some(free) = without_gaps(&s.pattern) else {
            continue;
        };
        let before = rows
            .iter()
            .find(|r| r.0 == s.label)
            .map_or(0, |r| r.2.bytes[3] + r.3.bytes[3]);
        let fwd = measure(&free, false, false, false);
        let rev = measure(&free, true, false, false);
        if fwd.error.is_some() || rev.error.is_some() {
            gap_fail += 1;
        }
        let after = fwd.bytes[3] + rev.bytes[3];
        println!("{}\t{before}\t{after}", s.label);
        gap_n += 1;
        gap_before += before;
        gap_after += after;
    }
    println!(
        "gap-free proxy: {gap_n} regexes with gaps, sparse-min {gap_before} bytes as shipped (failed directions count 0) -> {gap_after} bytes, {gap_fail} still failing"
    );

    rows.sort_by_key(|r| std::cmp::Reverse(r.2.bytes[2] + r.3.bytes[2]));
    println!("\nworst 10 by sparse bytes (fwd+rev):");
    for (label, len, fwd, rev, ms) in rows.iter().take(10) {
        let src = all
            .iter()
            .find(|s| label.starts_with(&s.label))
            .map(|s| s.pattern.as_str())
            .unwrap_or("");
        println!(
            "{label}: sparse {} dense {} states {}+{} {ms} ms, {len} chars: {}",
            fwd.bytes[2] + rev.bytes[2],
            fwd.bytes[0] + rev.bytes[0],
            fwd.states,
            rev.states,
            src.chars().take(300).collect::<String>()
        );
    }
}
