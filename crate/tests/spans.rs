//! Spans are UTF-16 offsets into the ORIGINAL field (what JavaScript's `String.slice` takes), and
//! must cover exactly the matched words even when normalisation changed the text around or inside
//! them: emoji, combining accents, Cyrillic look-alikes, leetspeak, variation selectors.

use check_source::analyzer::Analyzer;
use check_source::config::Config;
use check_source::post::{Author, Field, Post};
use check_source::rules;
use check_source::verdict::Verdict;
use serde_json::json;

/// `s.slice(start, end)` as JavaScript would do it.
fn js_slice(s: &str, start: usize, end: usize) -> String {
    let units: Vec<u16> = s.encode_utf16().collect();
    String::from_utf16(&units[start..end]).expect("span on UTF-16 boundaries")
}

fn with_keywords(diagnostic: &[&str]) -> Analyzer {
    let c =
        Config::from_value(&json!({"version": 1, "keywords": {"diagnostic": diagnostic}})).unwrap();
    Analyzer::new(&c).unwrap()
}

/// The user-keyword finding's span, sliced from the caption as JavaScript would.
fn keyword_span(a: &Analyzer, caption: &str) -> String {
    let v = a.analyze(&Post {
        caption: caption.into(),
        ..Post::default()
    });
    let f = v
        .findings
        .iter()
        .find(|f| f.rule == "user.diagnostic")
        .unwrap_or_else(|| panic!("no keyword finding in {caption:?}: {v:?}"));
    let sliced = js_slice(caption, f.start, f.end);
    assert_eq!(sliced, f.text, "finding text must be the original slice");
    sliced
}

#[test]
fn emoji_before_the_match() {
    let a = with_keywords(&["zebra brain"]);
    assert_eq!(
        keyword_span(&a, "🧠🦓👩‍👩‍👧 my zebra brain today"),
        "zebra brain"
    );
    assert_eq!(keyword_span(&a, "🧠zebra brain🧠"), "zebra brain");
}

#[test]
fn emoji_inside_the_match() {
    let a = with_keywords(&["i ❤ zebras"]);
    // The heart carries a variation selector (U+FE0F) in the original: it stays in the span.
    assert_eq!(keyword_span(&a, "😀 I ❤️ ZEBRAS so much"), "I ❤️ ZEBRAS");
}

#[test]
fn combining_marks_stay_with_their_letter() {
    let a = with_keywords(&["depression era"]);
    let caption = "🎂 my De\u{301}pression Era cake";
    assert_eq!(keyword_span(&a, caption), "De\u{301}pression Era");
}

#[test]
fn precomposed_accents_fold() {
    let a = with_keywords(&["senales de"]);
    assert_eq!(keyword_span(&a, "5 SEÑALES de que"), "SEÑALES de");
}

#[test]
fn cyrillic_lookalike_maps_back() {
    let a = with_keywords(&["adhd brain"]);
    // "а" is U+0430 CYRILLIC SMALL LETTER A.
    assert_eq!(
        keyword_span(&a, "💭 my \u{430}dhd brain"),
        "\u{430}dhd brain"
    );
}

#[test]
fn leetspeak_maps_back() {
    let a = with_keywords(&["depression"]);
    assert_eq!(keyword_span(&a, "😶 d3pr3ssion hits"), "d3pr3ssion");
}

#[test]
fn spaced_acronym_and_hashtag_map_back() {
    let a = with_keywords(&["adhd"]);
    assert_eq!(keyword_span(&a, "🌀 living with A.D.H.D lol"), "A.D.H.D");
    let a = with_keywords(&["trauma response"]);
    assert_eq!(keyword_span(&a, "🫠 #TraumaResponse"), "TraumaResponse");
}

/// Every span of every verdict slices the original field to its `text`: over all rule examples,
/// with emoji and a surrogate-pair prefix added.
#[test]
fn every_span_slices_its_original_field() {
    let a = Analyzer::new(&Config {
        sensitivity: check_source::config::Sensitivity::High,
        ..Config::default()
    })
    .unwrap();
    let field_text = |p: &Post, f: Field, label: Option<usize>| -> String {
        match f {
            Field::Caption => p.caption.clone(),
            Field::Name => p.author.name.clone().unwrap_or_default(),
            Field::Handle => p.author.handle.clone().unwrap_or_default(),
            Field::Bio => p.author.bio.clone().unwrap_or_default(),
            Field::Label => p.labels[label.unwrap()].clone(),
        }
    };
    let check = |p: &Post, v: &Verdict| {
        for f in &v.findings {
            assert_eq!(
                js_slice(&field_text(p, f.field, f.label_index), f.start, f.end),
                f.text,
                "{f:?}"
            );
        }
        for t in &v.topics {
            assert_eq!(
                js_slice(&field_text(p, t.field, None), t.start, t.end),
                t.text,
                "{t:?}"
            );
        }
        for c in &v.credentials {
            assert_eq!(
                js_slice(&field_text(p, c.field, None), c.start, c.end),
                c.text,
                "{c:?}"
            );
        }
    };
    let mut spans = 0;
    for rule in rules::catalog() {
        for e in &rule.must_flag {
            let text = format!("👩🏽‍💻 ✨{e} 🧵");
            let p = Post {
                caption: text.clone(),
                author: Author {
                    handle: Some("some.one".into()),
                    name: Some(text.clone()),
                    bio: Some(text.clone()),
                },
                labels: vec![text],
                ..Post::default()
            };
            let v = a.analyze(&p);
            spans += v.findings.len() + v.topics.len() + v.credentials.len();
            check(&p, &v);
        }
    }
    assert!(spans > 0);
}
