//! The generated tables against their definitions (`unicode-normalization` and std), over every
//! code point: cheap enough to be exhaustive.

use super::*;
use std::iter;
use unicode_normalization::char::{canonical_combining_class, compose as oracle_compose};
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

#[path = "../../../build/unicode_tables.rs"]
#[allow(dead_code)]
mod generator;

pub(super) use generator::in_scope;

fn all_chars() -> impl Iterator<Item = char> {
    (0..=0x10FFFFu32).filter_map(char::from_u32)
}

#[test]
fn every_code_point_matches_nfkc_lowercase_and_ccc() {
    let mut in_scope_count = 0;
    for c in all_chars() {
        let mut got = Vec::new();
        let decomposed = decompose(c, |d| got.push(d));
        let mut folded = String::new();
        let mut capital = None;
        fold(c, |d, up| {
            folded.push(d);
            capital = Some(up);
        });
        if !in_scope(c) {
            assert!(!decomposed, "{c:?} out of scope but decomposed");
            assert_eq!(folded, c.to_string(), "{c:?} out of scope but folded");
            assert_eq!(capital, Some(false));
            assert_eq!(ccc(c), 0, "{c:?} out of scope is a starter");
            continue;
        }
        in_scope_count += 1;
        // NFKD.
        let nfkd: Vec<char> = iter::once(c).nfkd().collect();
        if nfkd == [c] {
            assert!(!decomposed, "{c:?} decomposed to {got:?}");
        } else {
            assert_eq!(got, nfkd, "NFKD of {c:?} (U+{:04X})", c as u32);
        }
        // NFKC of the char alone, through decomposition and composition.
        let mut nfkc = Vec::new();
        nfkc_segment(&[c], &mut nfkc);
        let want: Vec<char> = iter::once(c).nfkc().collect();
        assert_eq!(nfkc, want, "NFKC of {c:?} (U+{:04X})", c as u32);
        // Combining class, and the segment boundary the previous normaliser used.
        assert_eq!(ccc(c), canonical_combining_class(c), "ccc of {c:?}");
        let starter = canonical_combining_class(c) == 0
            && is_nfkc_quick(iter::once(c)) != IsNormalized::Maybe;
        assert_eq!(ccc(c) == 0, starter, "segment start at {c:?}");
        // Lowercase without accents, and the capital flag.
        let (want_fold, want_upper) = generator::fold(c);
        assert_eq!(folded, want_fold, "fold of {c:?}");
        if !folded.is_empty() {
            assert_eq!(capital, Some(want_upper), "capital flag of {c:?}");
            assert_eq!(want_upper, c.is_uppercase(), "capital flag of {c:?}");
        }
        if c != 'ß' && c != 'ẞ' {
            // Independent of the generator: std's lowercase, then each char's canonical
            // decomposition without accent marks (for Latin, Greek, Cyrillic letters).
            let lower: String = c.to_lowercase().collect();
            let bare: String = lower
                .nfd()
                .filter(|d| !generator::is_accent_mark(*d))
                .collect();
            let special = lower.chars().any(|l| "øđðłıħæœ".contains(l))
                || lower.chars().any(|l| {
                    !l.is_ascii()
                        && !matches!(l as u32, 0xC0..=0x24F | 0x370..=0x4FF | 0x1E00..=0x1FFF)
                });
            if !special {
                assert_eq!(
                    folded, bare,
                    "fold of {c:?} vs lowercase + NFD without accents"
                );
            }
        }
    }
    assert!(in_scope_count > 4_000, "scope holds {in_scope_count} chars");
}

#[test]
fn compositions_match_unicode_normalization() {
    let marks: Vec<char> = all_chars()
        .filter(|&c| in_scope(c) && ccc(c) != 0)
        .collect();
    let mut n = 0;
    for a in all_chars().filter(|&a| in_scope(a) && (a as u32) < 0x1_0000) {
        for &b in &marks {
            let want = oracle_compose(a, b).filter(|&x| in_scope(x));
            assert_eq!(compose(a, b), want, "compose({a:?}, {b:?})");
            n += usize::from(want.is_some());
        }
    }
    assert!(n > 500, "only {n} compositions");
}

#[test]
fn scope_holds_what_evaders_write() {
    // Styled letters and digits people paste from "font generators", fullwidth forms,
    // ligatures, enclosed letters, super- and subscripts, small capitals' compatibility forms.
    for s in [
        "𝐀𝐃𝐇𝐃𝒂𝒅𝒉𝒅𝔞𝔡𝔥𝔡𝕒𝕕𝕙𝕕𝖆𝖉𝖍𝖉𝗮𝗱𝗵𝗱𝘢𝘥𝘩𝘥𝙖𝙙𝙝𝙙𝚊𝚍𝚑𝚍𝟏𝟐𝟑",
        "ＡＤＨＤａｄｈｄ１２３！？",
        "ﬁﬂﬀﬃﬄﬅﬆ",
        "ⒶⒹⒽⒹⓐⓓⓗⓓ①②③⑴⑵⒜⒝🄰🄳🄷🄳",
        "ᴬᴰᴴᴰᵃᵈʰᵈ¹²³₁₂₃ⁿ",
        "ℌℍℎℓ№™ⅠⅡⅢⅰⅱ㎏㎒",
        "éÉñÑçÇüÜßẞøØœŒąĄșȘệỆάΆёЁ",
    ] {
        for c in s.chars() {
            assert!(in_scope(c), "{c:?} (U+{:04X}) out of scope", c as u32);
        }
    }
    for c in ['한', '中', '😀', 'ﷺ', 'ｶ', 'Ա', '\u{0915}'] {
        assert!(!in_scope(c), "{c:?} in scope");
    }
}

#[test]
fn long_runs_of_marks_are_ordered_like_nfkc() {
    // Alternating classes (230, 220) are the worst case for an insertion sort: quadratic, this
    // would not finish.
    let mut seg = vec!['a'];
    for k in 0..50_000 {
        seg.push(if k % 2 == 0 { '\u{301}' } else { '\u{323}' });
    }
    let mut out = Vec::new();
    nfkc_segment(&seg, &mut out);
    let want: Vec<char> = seg.iter().copied().nfkc().collect();
    assert_eq!(out, want);
}

#[test]
fn mark_runs_of_every_length_sort_like_nfkc() {
    // Both sides of the insertion/counting sort boundary, with several classes in reverse order.
    let marks = [
        '\u{301}', '\u{323}', '\u{334}', '\u{345}', '\u{31B}', '\u{302}',
    ];
    for len in [2, 3, 31, 32, 33, 64, 200] {
        let mut seg = vec!['o'];
        seg.extend((0..len).map(|k| marks[(k * 5 + len) % marks.len()]));
        let mut out = Vec::new();
        nfkc_segment(&seg, &mut out);
        let want: Vec<char> = seg.iter().copied().nfkc().collect();
        assert_eq!(out, want, "{len} marks");
    }
}
