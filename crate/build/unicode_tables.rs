//! Generates the normaliser's Unicode tables (`$OUT_DIR/unicode_tables.rs`) from
//! `unicode-normalization` and the standard library, keeping only what matching can depend on.
//!
//! Included by `build.rs` (which calls [`write`]) and by the normaliser's tests (which compare the
//! generated tables with these definitions over every code point), so the scope and the folding
//! rules are written once.
//!
//! # Scope
//! Rules and keywords match Latin text (English, Spanish, Portuguese, German, French), digits and
//! ASCII punctuation; the look-alike pass also reads Greek and Cyrillic letters. So the tables
//! model exactly:
//! - the **target** chars ([`in_target`]): ASCII, Latin (Latin-1, Extended-A/B/C/D/E, IPA,
//!   phonetic extensions, Latin Extended Additional), Greek (and Greek Extended), Cyrillic (and its
//!   extensions), general punctuation, currency signs and the combining accent blocks;
//! - every char whose compatibility decomposition consists only of target chars: fullwidth
//!   letters, mathematical alphanumerics (𝐀𝐃𝐇𝐃), ligatures (ﬁ), circled and parenthesised letters
//!   and digits, superscripts and subscripts, letterlike symbols, roman numerals, squared Latin
//!   abbreviations (㎏), precomposed accented letters.
//!
//! Together these are the chars "in scope" ([`in_scope`]). For them the normaliser does what NFKC,
//! `char::to_lowercase` and the accent stripping did before (tests check it char by char and on
//! random text against the previous implementation). Every other char (CJK, Hangul, Arabic,
//! emoji, other cased scripts) passes through unchanged, is never lowercased, and counts as a
//! starter: no rule or keyword written in the scripts above can match it either way.

use std::fmt::Write as _;

/// Chars the normalised text may consist of, where the tables are exact.
pub fn in_target(c: char) -> bool {
    matches!(
        c as u32,
        0x0000..=0x036F         // ASCII, Latin-1, Latin Extended-A/B, IPA, modifiers, combining marks
            | 0x0370..=0x052F   // Greek and Coptic, Cyrillic, Cyrillic Supplement
            | 0x1AB0..=0x1AFF   // combining diacritical marks extended
            | 0x1C80..=0x1C8F   // Cyrillic Extended-C
            | 0x1D00..=0x1DFF   // phonetic extensions, combining marks supplement
            | 0x1E00..=0x1FFF   // Latin Extended Additional, Greek Extended
            | 0x2000..=0x206F   // general punctuation
            | 0x20A0..=0x20FF   // currency, combining marks for symbols
            | 0x2C60..=0x2C7F   // Latin Extended-C
            | 0x2DE0..=0x2DFF   // Cyrillic Extended-A
            | 0xA640..=0xA69F   // Cyrillic Extended-B
            | 0xA720..=0xA7FF   // Latin Extended-D
            | 0xAB30..=0xAB6F   // Latin Extended-E
            | 0xFE20..=0xFE2F // combining half marks
    ) && !(0xD800..=0xDFFF).contains(&(c as u32))
}

/// The full compatibility decomposition (NFKD) of one char.
pub fn nfkd(c: char) -> Vec<char> {
    let mut out = Vec::new();
    unicode_normalization::char::decompose_compatible(c, |d| out.push(d));
    out
}

/// Whether the normaliser models `c` exactly (see the module documentation).
pub fn in_scope(c: char) -> bool {
    in_target(c) || nfkd(c).into_iter().all(in_target)
}

/// Combining marks that are accents on Latin, Greek and Cyrillic letters: the folded text drops
/// them. Marks of other scripts (Devanagari vowel signs…) are letters in all but name and stay.
pub fn is_accent_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

/// `c` (lowercase already) without its accents: "é" → "e", "ø" → "o", "æ" → "ae"; only Latin,
/// Greek and Cyrillic letters are decomposed.
fn strip_accents(c: char, out: &mut String) {
    if is_accent_mark(c) {
        return;
    }
    match c {
        'ø' => out.push('o'),
        'đ' | 'ð' => out.push('d'),
        'ł' => out.push('l'),
        'ı' => out.push('i'),
        'ħ' => out.push('h'),
        'æ' => out.push_str("ae"),
        'œ' => out.push_str("oe"),
        '\u{00C0}'..='\u{024F}' | '\u{0370}'..='\u{04FF}' | '\u{1E00}'..='\u{1FFF}' => {
            unicode_normalization::char::decompose_canonical(c, |d| {
                if !is_accent_mark(d) {
                    out.push(d)
                }
            })
        }
        _ => out.push(c),
    }
}

/// What the folded text holds for one char of the cased text (NFKC output): lowercase without
/// accents ("É" → "e", "ß"/"ẞ" → "ss"), and whether it was a capital (for camelCase hashtags and
/// case-aware look-alikes). Out of scope: unchanged, not a capital.
pub fn fold(c: char) -> (String, bool) {
    if !in_scope(c) {
        return (c.to_string(), false);
    }
    if c == 'ß' || c == 'ẞ' {
        return ("ss".to_string(), c == 'ẞ');
    }
    let mut out = String::new();
    for l in c.to_lowercase() {
        if l.is_ascii() {
            out.push(l);
        } else {
            strip_accents(l, &mut out);
        }
    }
    (out, c.is_uppercase())
}

/// Canonical combining class, 0 outside the scope (where every char is a starter).
pub fn ccc(c: char) -> u8 {
    if in_scope(c) {
        unicode_normalization::char::canonical_combining_class(c)
    } else {
        0
    }
}

/// Run-length coded char map: `(start << 11 | (len - 1), value)` sorted by start. Value bit 31:
/// the chars are `POOL[offset..offset + count]` (`value & 0xFFFF` = offset, bits 16..21 =
/// count); else bit 29: every char of the run maps to `value & 0x1FFFFF`, else char `i` of the
/// run maps to `(value & 0x1FFFFF) + i`. Bit 30 carries a flag (the capital flag of `FOLD`).
struct RunTable {
    entries: Vec<(u32, u32)>,
}

const STRING: u32 = 1 << 31;
const FLAG: u32 = 1 << 30;
const CONST: u32 = 1 << 29;

fn build_runs(map: &[(char, Vec<char>, bool)], pool: &mut Vec<u16>) -> RunTable {
    let mut entries: Vec<(u32, u32)> = Vec::new();
    // The open run: (start, len, value).
    let mut open: Option<(u32, u32, u32)> = None;
    let flush = |open: &mut Option<(u32, u32, u32)>, entries: &mut Vec<(u32, u32)>| {
        if let Some((start, len, value)) = open.take() {
            entries.push((start << 11 | (len - 1), value));
        }
    };
    for (c, to, flag) in map {
        let cp = *c as u32;
        let flag = if *flag { FLAG } else { 0 };
        if to.len() == 1 {
            let t = to[0] as u32;
            if let Some((start, len, value)) = open.as_mut() {
                let contiguous = *start + *len == cp && *len < 2048 && *value & STRING == 0;
                let same_flag = *value & FLAG == flag;
                let base = *value & 0x1F_FFFF;
                if contiguous && same_flag {
                    if *value & CONST != 0 && base == t {
                        *len += 1;
                        continue;
                    }
                    if *value & CONST == 0 && base + *len == t {
                        *len += 1;
                        continue;
                    }
                    if *len == 1 && base == t {
                        *value |= CONST;
                        *len += 1;
                        continue;
                    }
                }
            }
            flush(&mut open, &mut entries);
            open = Some((cp, 1, t | flag));
        } else {
            flush(&mut open, &mut entries);
            assert!(to.len() < 32, "mapping of {c:?} too long");
            // Reuse an identical sequence already in the pool.
            let units: Vec<u16> = to
                .iter()
                .map(|&d| u16::try_from(d as u32).expect("targets are in the BMP"))
                .collect();
            let offset = pool
                .windows(units.len().max(1))
                .position(|w| w == units.as_slice())
                .unwrap_or_else(|| {
                    pool.extend_from_slice(&units);
                    pool.len() - units.len()
                });
            let offset = u32::try_from(offset).expect("pool offset");
            assert!(offset < 0x1_0000, "pool too large");
            entries.push((cp << 11, STRING | flag | (to.len() as u32) << 16 | offset));
        }
    }
    flush(&mut open, &mut entries);
    RunTable { entries }
}

/// Every mapping the tables hold, computed from `unicode-normalization` and std.
pub struct Tables {
    /// NFKD of every in-scope char whose NFKD differs from itself.
    pub decomp: Vec<(char, Vec<char>)>,
    /// The fold of every in-scope char it changes or flags as a capital.
    pub fold: Vec<(char, String, bool)>,
    /// Nonzero combining classes of in-scope chars.
    pub ccc: Vec<(char, u8)>,
    /// Canonical (primary) compositions of two in-scope chars into an in-scope char.
    pub compose: Vec<(char, char, char)>,
}

/// Computes [`Tables`] over every code point.
pub fn compute() -> Tables {
    let mut decomp = Vec::new();
    let mut fold_map = Vec::new();
    let mut ccc_map = Vec::new();
    let mut seconds = Vec::new();
    for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
        if !in_scope(c) {
            continue;
        }
        let d = nfkd(c);
        if d != [c] {
            decomp.push((c, d));
        }
        let (f, upper) = fold(c);
        if f != c.to_string() || upper {
            fold_map.push((c, f, upper));
        }
        let class = ccc(c);
        if class != 0 {
            ccc_map.push((c, class));
        }
        let mut canon = Vec::new();
        unicode_normalization::char::decompose_canonical(c, |x| canon.push(x));
        if canon.len() >= 2 {
            seconds.extend(canon[1..].iter().copied());
        }
    }
    // Composition pairs: a first element is a starter or an intermediate composite, so try
    // every in-scope char against every char that occurs as a non-first element.
    seconds.sort_unstable();
    seconds.dedup();
    let mut compose = Vec::new();
    for a in (0..=0xFFFFu32)
        .filter_map(char::from_u32)
        .filter(|&a| in_scope(a))
    {
        for &b in &seconds {
            if let Some(x) = unicode_normalization::char::compose(a, b) {
                if in_scope(x) && (x as u32) < 0x1_0000 {
                    compose.push((a, b, x));
                }
            }
        }
    }
    Tables {
        decomp,
        fold: fold_map,
        ccc: ccc_map,
        compose,
    }
}

/// Writes `unicode_tables.rs` into `out_dir` (the hook `build.rs` calls).
pub fn write(out_dir: &std::path::Path) {
    let t = compute();
    let mut pool = Vec::new();
    let decomp: Vec<(char, Vec<char>, bool)> = t
        .decomp
        .iter()
        .map(|(c, d)| (*c, d.clone(), false))
        .collect();
    let decomp = build_runs(&decomp, &mut pool);
    let fold: Vec<(char, Vec<char>, bool)> = t
        .fold
        .iter()
        .map(|(c, f, u)| (*c, f.chars().collect(), *u))
        .collect();
    let fold = build_runs(&fold, &mut pool);
    let mut s = String::new();
    s.push_str("// Generated by crate/build/unicode_tables.rs; do not edit.\n");
    let runs = |s: &mut String, name: &str, doc: &str, r: &RunTable| {
        let _ = writeln!(s, "/// {doc}");
        let _ = write!(s, "static {name}: [(u32, u32); {}] = [", r.entries.len());
        for (k, v) in &r.entries {
            let _ = write!(s, "({k:#x},{v:#x}),");
        }
        s.push_str("];\n");
    };
    runs(
        &mut s,
        "DECOMP",
        "NFKD of in-scope chars, run-length coded.",
        &decomp,
    );
    runs(
        &mut s,
        "FOLD",
        "Lowercase without accents, capital flag; run-length coded.",
        &fold,
    );
    let _ = write!(
        s,
        "/// Chars of multi-char mappings.\nstatic POOL: [u16; {}] = [",
        pool.len()
    );
    for u in &pool {
        let _ = write!(s, "{u:#x},");
    }
    s.push_str("];\n");
    let _ = write!(
        s,
        "/// `cp << 8 | class` for nonzero combining classes.\nstatic CCC: [u32; {}] = [",
        t.ccc.len()
    );
    for (c, k) in &t.ccc {
        let _ = write!(s, "{:#x},", (*c as u32) << 8 | u32::from(*k));
    }
    s.push_str("];\n");
    let mut compose: Vec<(u32, u16)> = t
        .compose
        .iter()
        .map(|(a, b, x)| ((*a as u32) << 16 | (*b as u32), *x as u32 as u16))
        .collect();
    compose.sort_unstable();
    let _ = write!(
        s,
        "/// `(first << 16 | second, composite)`.\nstatic COMPOSE: [(u32, u16); {}] = [",
        compose.len()
    );
    for (k, x) in &compose {
        let _ = write!(s, "({k:#x},{x:#x}),");
    }
    s.push_str("];\n");
    std::fs::write(out_dir.join("unicode_tables.rs"), s).expect("write unicode_tables.rs");
    println!("cargo:rerun-if-changed=build/unicode_tables.rs");
}
