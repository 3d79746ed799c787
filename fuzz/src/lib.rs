//! What the fuzz targets feed the engine and what they check, in one place.
//!
//! Why a library: `crate/tests/fuzz_regressions.rs` includes this very file by path, so every
//! input kept under `crate/tests/fuzz_inputs/<target>/` is replayed in plain `cargo test` through
//! exactly the decoding and the assertions that found it. It depends on nothing but the engine and
//! `serde_json` (a dependency of the engine too), so it compiles in both places.
//!
//! Inputs are plain bytes so that seeds stay readable and libFuzzer's mutations stay cheap:
//! - `analyze`: byte 0 holds options (bits 0–1 sensitivity, bit 2 Instagram, bit 3 also compare
//!   with the naive analyzer, bit 4 also check [`Analyzer::matches`]); the rest is split at
//!   [`SEPARATOR`] (0xFF, a byte that never occurs in UTF-8) into caption, name, handle, bio and up
//!   to [`MAX_LABELS`] labels. A missing part is `None` (no labels); each part is read as UTF-8
//!   with invalid bytes replaced by U+FFFD.
//! - `config`: the bytes are the configuration document (JSON text, invalid UTF-8 replaced).
//! - `normalize`: the bytes are the text (invalid UTF-8 replaced).

use std::cell::Cell;
use std::sync::OnceLock;

use check_source::analyzer::{Analyzer, RuleMatch};
use check_source::config::{Config, Sensitivity};
use check_source::normalize::{utf16_len, Fold, Normalized};
use check_source::post::{Author, Field, Platform, Post};
use check_source::verdict::Verdict;

/// Separates the parts of an `analyze` input.
pub const SEPARATOR: u8 = 0xFF;

/// Most labels an `analyze` input yields; the rest of the input is ignored.
pub const MAX_LABELS: usize = 8;

/// Longest normalised text whose every pair of char boundaries the `normalize` check maps;
/// longer texts are checked on every boundary with its next [`WINDOW`] boundaries, which keeps a
/// run linear in the input.
pub const ALL_PAIRS_UP_TO: usize = 96;

/// How many following boundaries each boundary is paired with on long texts.
pub const WINDOW: usize = 12;

/// Every open bug by name; each has an `open-*` input and an ignored test in
/// `crate/tests/fuzz_regressions.rs`. None is open (FUZZING.md lists the fixed ones).
pub const OPEN_BUGS: &[&str] = &[];

thread_local! {
    static STEP_OVER: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` stepping over every open bug on this thread: how the regression tests replay the
/// seed corpora, whose realistic inputs may hit a bug that already has its own ignored test.
pub fn stepping_over_open_bugs<R>(f: impl FnOnce() -> R) -> R {
    STEP_OVER.with(|s| s.set(true));
    let result = f();
    STEP_OVER.with(|s| s.set(false));
    result
}

/// Whether the run steps over a known open bug: inside [`stepping_over_open_bugs`], or when
/// `CHECK_SOURCE_FUZZ_KNOWN=<name>,<name>` is set, so that a long fuzzing run can look for other
/// bugs past one already kept as an `open-*` regression input. Found inputs are replayed by
/// `cargo test` with every check strict.
pub fn tolerated(bug: &str) -> bool {
    static KNOWN: OnceLock<Vec<String>> = OnceLock::new();
    if STEP_OVER.with(Cell::get) {
        return OPEN_BUGS.contains(&bug);
    }
    KNOWN
        .get_or_init(|| {
            std::env::var("CHECK_SOURCE_FUZZ_KNOWN")
                .unwrap_or_default()
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .iter()
        .any(|k| k == bug)
}

/// One decoded `analyze` input.
#[derive(Debug, Clone)]
pub struct AnalyzeInput {
    /// The post to analyse.
    pub post: Post,
    /// Which of the three shipped-rule analyzers reads it.
    pub sensitivity: Sensitivity,
    /// Also require `analyze_naive` to give the same verdict.
    pub naive: bool,
    /// Also check the spans of `Analyzer::matches`.
    pub matches: bool,
}

/// Decodes an `analyze` input (format in the module documentation). Never fails: every byte
/// string is some post.
pub fn decode_post(data: &[u8]) -> AnalyzeInput {
    let (flags, rest) = match data.split_first() {
        Some((f, rest)) => (*f, rest),
        None => (0, &[][..]),
    };
    let sensitivity = match flags & 3 {
        0 => Sensitivity::Low,
        2 => Sensitivity::High,
        _ => Sensitivity::Normal,
    };
    let mut parts = rest
        .split(|&b| b == SEPARATOR)
        .map(|p| String::from_utf8_lossy(p).into_owned());
    let caption = parts.next().unwrap_or_default();
    let name = parts.next();
    let handle = parts.next();
    let bio = parts.next();
    let labels = parts.take(MAX_LABELS).collect();
    AnalyzeInput {
        post: Post {
            id: Some("fuzz".into()),
            platform: if flags & 4 != 0 {
                Platform::Instagram
            } else {
                Platform::Tiktok
            },
            caption,
            author: Author { handle, name, bio },
            labels,
        },
        sensitivity,
        naive: flags & 8 != 0,
        matches: flags & 16 != 0,
    }
}

/// The inverse of [`decode_post`] for posts without 0xFF bytes (any `String`): how the seed
/// corpus is written.
pub fn encode_post(flags: u8, post: &Post) -> Vec<u8> {
    let mut out = vec![flags];
    out.extend_from_slice(post.caption.as_bytes());
    let a = &post.author;
    let mut optional = vec![a.name.as_deref(), a.handle.as_deref(), a.bio.as_deref()];
    optional.extend(post.labels.iter().map(|l| Some(l.as_str())));
    // Trailing `None`s are simply left out; a `None` before a present part becomes "".
    while optional.last() == Some(&None) {
        optional.pop();
    }
    for part in optional {
        out.push(SEPARATOR);
        out.extend_from_slice(part.unwrap_or("").as_bytes());
    }
    out
}

/// The shipped-rule analyzer for a sensitivity, built once per process.
pub fn analyzer(sensitivity: Sensitivity) -> &'static Analyzer {
    static LOW: OnceLock<Analyzer> = OnceLock::new();
    static NORMAL: OnceLock<Analyzer> = OnceLock::new();
    static HIGH: OnceLock<Analyzer> = OnceLock::new();
    let cell = match sensitivity {
        Sensitivity::Low => &LOW,
        Sensitivity::Normal => &NORMAL,
        Sensitivity::High => &HIGH,
    };
    cell.get_or_init(|| {
        let config = Config {
            sensitivity,
            ..Config::default()
        };
        Analyzer::new(&config).expect("the shipped configuration at every sensitivity is valid")
    })
}

/// The text a span points into; `None` when the field is absent (a span there is itself a bug).
fn field_text(post: &Post, field: Field, label: Option<usize>) -> Option<&str> {
    match field {
        Field::Caption => Some(post.caption.as_str()),
        Field::Name => post.author.name.as_deref(),
        Field::Handle => post.author.handle.as_deref(),
        Field::Bio => post.author.bio.as_deref(),
        Field::Label => post.labels.get(label?).map(String::as_str),
    }
}

/// What is wrong with a span, if anything: `start..end` must be ordered UTF-16 offsets inside
/// `text`, neither splitting a surrogate pair, and the UTF-16 slice must be exactly `reported`
/// (what the panel highlights with JavaScript's `String.slice`).
pub fn span_error(text: &str, start: usize, end: usize, reported: &str) -> Option<String> {
    let units: Vec<u16> = text.encode_utf16().collect();
    if start > end || end > units.len() {
        return Some(format!(
            "span {start}..{end} outside a field of {} UTF-16 units ({text:?})",
            units.len()
        ));
    }
    let low = |i: usize| i < units.len() && (0xDC00..0xE000).contains(&units[i]);
    if low(start) || low(end) {
        return Some(format!(
            "span {start}..{end} splits a surrogate pair in {text:?}"
        ));
    }
    match String::from_utf16(&units[start..end]) {
        Ok(slice) if slice == reported => None,
        Ok(slice) => Some(format!(
            "text {reported:?} is not the UTF-16 slice {start}..{end} ({slice:?}) of {text:?}"
        )),
        Err(e) => Some(format!(
            "span {start}..{end} of {text:?} does not decode: {e}"
        )),
    }
}

/// Panics, naming `what`, when [`span_error`] finds something wrong.
pub fn check_span(what: &str, text: &str, start: usize, end: usize, reported: &str) {
    if let Some(e) = span_error(text, start, end, reported) {
        panic!("{what}: {e}");
    }
}

/// Checks every span of a verdict against the post it came from.
pub fn check_verdict(post: &Post, verdict: &Verdict) {
    assert_eq!(verdict.id, post.id, "the verdict echoes the post id");
    for f in &verdict.findings {
        assert_eq!(
            f.label_index.is_some(),
            f.field == Field::Label,
            "finding {f:?}: a label index exactly when the field is a label"
        );
        let text = field_text(post, f.field, f.label_index)
            .unwrap_or_else(|| panic!("finding {f:?} points into a field the post lacks"));
        check_span(
            &format!("finding {}", f.rule),
            text,
            f.start,
            f.end,
            &f.text,
        );
    }
    for c in &verdict.credentials {
        assert!(
            matches!(c.field, Field::Name | Field::Handle | Field::Bio),
            "credential {c:?} outside the profile fields"
        );
        let text = field_text(post, c.field, None)
            .unwrap_or_else(|| panic!("credential {c:?} points into a field the post lacks"));
        check_span(
            &format!("credential {}", c.id),
            text,
            c.start,
            c.end,
            &c.text,
        );
    }
    for t in &verdict.topics {
        // A topic mention carries no label index, so one in a label could not be shown.
        let text = field_text(post, t.field, None).unwrap_or_else(|| {
            panic!("topic {t:?} points into a field it cannot name (a label, or an absent field)")
        });
        check_span(
            &format!("topic {}", t.condition),
            text,
            t.start,
            t.end,
            &t.text,
        );
    }
}

/// Checks the spans of [`Analyzer::matches`].
pub fn check_matches(post: &Post, matches: &[RuleMatch]) {
    for m in matches {
        let text = field_text(post, m.field, m.label_index)
            .unwrap_or_else(|| panic!("match {m:?} points into a field the post lacks"));
        check_span(&format!("match {}", m.rule), text, m.start, m.end, &m.text);
    }
}

/// The `analyze` target: any post, analysed, has every span on UTF-16 boundaries of its field
/// with `text` equal to the slice; optionally the naive analyzer agrees and the raw matches
/// have good spans too.
pub fn check_analyze(data: &[u8]) {
    let input = decode_post(data);
    let a = analyzer(input.sensitivity);
    let verdict = a.analyze(&input.post);
    check_verdict(&input.post, &verdict);
    if input.naive {
        assert_eq!(
            a.analyze_naive(&input.post),
            verdict,
            "the naive analyzer (every regex, no anchors) disagrees"
        );
    }
    if input.matches {
        check_matches(&input.post, &a.matches(&input.post));
    }
}

/// The `config` target: any document either is refused with an error or builds an analyzer;
/// a valid document survives a round trip through its own JSON, and the analyzer it builds
/// reads a post made of its own phrases with good spans.
pub fn check_config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let config = match Config::from_json(&text) {
        Ok(config) => config,
        Err(e) => {
            // The message is shown to the person: it must render.
            let _ = e.to_string();
            return;
        }
    };
    let analyzer = match Analyzer::new(&config) {
        Ok(a) => a,
        Err(e) => panic!("Config::from_json accepted a document Analyzer::new refuses: {e}"),
    };
    let json = serde_json::to_string(&config).expect("a configuration serialises");
    assert_eq!(
        Config::from_json(&json).as_ref(),
        Ok(&config),
        "a valid configuration does not survive its own JSON: {json}"
    );
    // A post that says every phrase of the configuration, in every field.
    let mut phrases: Vec<&str> = config
        .keywords
        .values()
        .flatten()
        .map(String::as_str)
        .collect();
    phrases.extend(config.ignored_phrases.iter().map(String::as_str));
    let said = phrases.join(" · ");
    let post = Post {
        id: Some("fuzz-config".into()),
        caption: said.clone(),
        author: Author {
            handle: Some(said.clone()),
            name: Some(said.clone()),
            bio: Some(said.clone()),
        },
        labels: phrases.iter().map(|p| p.to_string()).collect(),
        ..Post::default()
    };
    let verdict = analyzer.analyze(&post);
    check_verdict(&post, &verdict);
    check_matches(&post, &analyzer.matches(&post));
}

/// Asserts what [`Normalized::to_original`] promises for one byte range of the normalised text.
fn check_mapping(original: &[u16], n: &Normalized, fold: Fold, start: usize, end: usize) {
    let (s, e) = n.to_original(start, end);
    let low = |i: usize| i < original.len() && (0xDC00..0xE000).contains(&original[i]);
    assert!(
        s <= e && e <= original.len(),
        "{fold:?}: {start}..{end} of {:?} maps to {s}..{e}, outside 0..{}",
        n.text(),
        original.len()
    );
    assert!(
        !low(s) && !low(e),
        "{fold:?}: {start}..{end} of {:?} maps to {s}..{e}, splitting a surrogate pair",
        n.text()
    );
}

/// The `normalize` target: both folds of any text; every range between char boundaries of the
/// normalised text maps to an ordered, in-range, surrogate-safe UTF-16 range of the original, and
/// out-of-range or reversed ranges are clamped, not a panic.
pub fn check_normalize(data: &[u8]) {
    let original = String::from_utf8_lossy(data);
    let units: Vec<u16> = original.encode_utf16().collect();
    assert_eq!(
        utf16_len(&original),
        units.len(),
        "utf16_len disagrees with encode_utf16"
    );
    for fold in [Fold::Lower, Fold::Keep] {
        let n = Normalized::new(&original, fold);
        let text = n.text();
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(text.len()))
            .collect();
        for (i, &s) in bounds.iter().enumerate() {
            let upto = if text.len() <= ALL_PAIRS_UP_TO {
                bounds.len()
            } else {
                (i + WINDOW + 1).min(bounds.len())
            };
            for &e in &bounds[i..upto] {
                check_mapping(&units, &n, fold, s, e);
            }
        }
        let len = text.len();
        for (s, e) in [
            (0, len),
            (len, 0),
            (len, len + 7),
            (len + 3, len + 1),
            (usize::MAX, 0),
        ] {
            check_mapping(&units, &n, fold, s, e);
        }
    }
    // The analyzer normalises through `Normalized::both` (one Unicode pass for both folds): it
    // must give each fold exactly as `Normalized::new` does, text and every mapped span.
    let (lower, keep) = Normalized::both(&original);
    for (both, fold) in [(&lower, Fold::Lower), (&keep, Fold::Keep)] {
        let alone = Normalized::new(&original, fold);
        assert_eq!(both.text(), alone.text(), "Normalized::both, {fold:?} text");
        // Every byte's source range: `to_original(s, s + 1)` reads exactly that entry.
        for s in 0..=alone.text().len() {
            for e in [s, s + 1] {
                assert_eq!(
                    both.to_original(s, e),
                    alone.to_original(s, e),
                    "Normalized::both, {fold:?} span {s}..{e}"
                );
            }
        }
    }
}
