//! Property tests: analysis never panics on any text, and every span the engine reports lies on
//! UTF-16 boundaries inside its field and slices exactly the reported text.

use check_source::analyzer::Analyzer;
use check_source::post::{Author, Field, Post};
use check_source::verdict::Verdict;
use proptest::prelude::*;
use std::sync::OnceLock;

/// Built once: the analyzer is immutable and shared.
fn analyzer() -> &'static Analyzer {
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    ANALYZER.get_or_init(Analyzer::default)
}

/// Pieces that exercise the normaliser and the rules; mixed with arbitrary strings.
const PIECES: &[&str] = &[
    "5 signs you have ADHD",
    "s1gns",
    "a.d.h.d",
    "A D H D",
    "#TraumaResponse",
    "#adhdtiktok",
    "that's a trauma response",
    "unal1ve",
    "LCSW",
    "L.C.S.W.",
    "Dr.",
    "not a therapist",
    "\u{0430}dhd",
    "ad\u{200B}hd",
    "\u{FEFF}",
    "e\u{301}",
    "\u{0301}",
    "🧠",
    "👩‍👩‍👧",
    "🇺🇸",
    "𝐀𝐃𝐇𝐃",
    "ﬁx your anxiety",
    "\u{202E}",
    "مرحبا",
    " ",
    "\n",
    "#",
    "@",
    "señales de que tienes TDAH",
    "ß",
    "İ",
];

fn text_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(PIECES).prop_map(str::to_string),
            any::<String>(),
            "[a-zA-Z0-9 .#@'_-]{0,12}",
        ],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

fn field_text(post: &Post, field: Field, label: Option<usize>) -> &str {
    match field {
        Field::Caption => &post.caption,
        Field::Name => post.author.name.as_deref().unwrap_or(""),
        Field::Handle => post.author.handle.as_deref().unwrap_or(""),
        Field::Bio => post.author.bio.as_deref().unwrap_or(""),
        Field::Label => post.labels[label.expect("label findings carry an index")].as_str(),
    }
}

/// `start`/`end` must not split a surrogate pair, must be ordered and in range, and the UTF-16
/// slice must decode to the reported text.
fn check_span(text: &str, start: usize, end: usize, reported: &str) -> Result<(), TestCaseError> {
    let units: Vec<u16> = text.encode_utf16().collect();
    prop_assert!(
        start <= end && end <= units.len(),
        "{start}..{end} of {}",
        units.len()
    );
    let is_low = |i: usize| i < units.len() && (0xDC00..0xE000).contains(&units[i]);
    prop_assert!(!is_low(start), "start {start} splits a surrogate pair");
    prop_assert!(!is_low(end), "end {end} splits a surrogate pair");
    let slice = String::from_utf16(&units[start..end]).expect("slice decodes");
    prop_assert_eq!(slice.as_str(), reported);
    Ok(())
}

fn check_verdict(post: &Post, verdict: &Verdict) -> Result<(), TestCaseError> {
    for f in &verdict.findings {
        check_span(
            field_text(post, f.field, f.label_index),
            f.start,
            f.end,
            &f.text,
        )?;
    }
    for c in &verdict.credentials {
        check_span(field_text(post, c.field, None), c.start, c.end, &c.text)?;
    }
    for t in &verdict.topics {
        check_span(field_text(post, t.field, None), t.start, t.end, &t.text)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn spans_lie_on_utf16_boundaries_inside_their_field(
        caption in text_strategy(),
        name in text_strategy(),
        bio in text_strategy(),
        label in text_strategy(),
    ) {
        let post = Post {
            caption,
            author: Author { handle: None, name: Some(name), bio: Some(bio) },
            labels: vec![label],
            ..Post::default()
        };
        let verdict = analyzer().analyze(&post);
        check_verdict(&post, &verdict)?;
    }

    #[test]
    fn analysis_never_panics_on_any_string(caption in any::<String>(), bio in any::<String>()) {
        let post = Post {
            caption,
            author: Author { bio: Some(bio), ..Author::default() },
            ..Post::default()
        };
        let verdict = analyzer().analyze(&post);
        check_verdict(&post, &verdict)?;
    }
}
