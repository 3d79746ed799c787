//! Text normaliser: turns one field of a post (caption, name, bio, label) into the text the rules
//! match, and maps every match back to UTF-16 offsets of the original, so the panel can highlight
//! exactly what the creator wrote.
//!
//! Creators (and evaders) write "𝐀𝐃𝐇𝐃", "a.d.h.d", "аdhd" with a Cyrillic "а", "s1gns",
//! "#ADHDTikTok" or "ad\u{200B}hd"; rules are written once, in plain lowercase ASCII. The
//! folded text ([`Fold::Lower`]) undoes all of that; the cased text ([`Fold::Keep`]) only
//! cleans up Unicode, for case-sensitive post-nominals (LCSW, MD, DO).
//!
//! Every output char carries the UTF-16 range of the original chars that produced it, so
//! deletions, expansions (ligatures, "ß" → "ss"), insertions (hashtag spaces) and emoji
//! (surrogate pairs) all map back exactly.

mod chars;
mod words;

use chars::{fold_punct, is_cyrillic_or_greek, is_invisible, leet, lookalike, strip_accents};
use std::iter;
use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};
use words::{words, MAX_ACRONYM, MAX_TAG};

/// How much to fold: rules on the folded text are written lowercase without accents; rules for
/// case-sensitive tokens (LCSW vs "lcsw" in a word) need the case kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fold {
    /// NFKC, invisibles removed, ASCII punctuation, lowercase, no accents, look-alikes mapped,
    /// leetspeak undone, spaced acronyms joined, hashtags split.
    Lower,
    /// NFKC, invisibles removed, ASCII punctuation and dotted capitals joined ("M.D." → "MD").
    Keep,
}

/// One field, normalised, with the way back to the original.
#[derive(Debug, Clone)]
pub struct Normalized {
    text: String,
    /// For every byte of `text`: the UTF-16 range `[start, end)` of the original chars that
    /// produced the char this byte belongs to.
    spans: Vec<(u32, u32)>,
    /// `utf16_len` of the original.
    original_len: u32,
}

/// One char of the text being built, with its source range in UTF-16 units of the original.
#[derive(Debug, Clone, Copy)]
struct Unit {
    ch: char,
    start: u32,
    end: u32,
    /// The source char was a capital (used for camelCase hashtags and case-aware look-alikes).
    upper: bool,
}

impl Normalized {
    /// Normalise `original` (one field: caption, name, bio, label).
    pub fn new(original: &str, fold: Fold) -> Normalized {
        let mut units = Vec::with_capacity(original.len() + 8);
        scan(original, fold == Fold::Lower, &mut units);
        let mut out = Out {
            text: String::with_capacity(original.len() + 16),
            spans: Vec::with_capacity(original.len() + 16),
        };
        match fold {
            Fold::Lower => {
                if !original.is_ascii() && units.iter().any(|u| is_cyrillic_or_greek(u.ch)) {
                    map_lookalikes(&mut units);
                }
                fold_words(&mut units, &mut out);
            }
            Fold::Keep => join_dotted_capitals(&units, &mut out),
        }
        Normalized {
            text: out.text,
            spans: out.spans,
            original_len: utf16_len(original) as u32,
        }
    }

    /// The normalised text that rules match against.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Map a byte range of `text()` (char boundaries) to the UTF-16 code-unit range [start, end)
    /// of the ORIGINAL string that produced it (what JavaScript's String.slice needs).
    ///
    /// Out-of-range or reversed input is clamped rather than panicking: the result always lies
    /// within `0..=utf16_len(original)` with start <= end.
    pub fn to_original(&self, start: usize, end: usize) -> (usize, usize) {
        let len = self.spans.len();
        let s = start.min(len);
        let e = end.min(len).max(s);
        let from = if s < len {
            self.spans[s].0
        } else {
            self.original_len
        };
        let to = if e > s { self.spans[e - 1].1 } else { from };
        (from as usize, to.max(from) as usize)
    }
}

/// Length of a str in UTF-16 code units (what JavaScript's `length` counts).
pub fn utf16_len(s: &str) -> usize {
    if s.is_ascii() {
        return s.len();
    }
    // Every char has one leading byte; chars outside the BMP (4-byte UTF-8, leading byte
    // >= 0xF0) take two UTF-16 units.
    s.bytes()
        .map(|b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0))
        .sum()
}

/// The text being written, with the source range of each of its bytes.
struct Out {
    text: String,
    spans: Vec<(u32, u32)>,
}

impl Out {
    #[inline(always)]
    fn push(&mut self, u: Unit) {
        if u.ch.is_ascii() {
            self.text.push(u.ch);
            self.spans.push((u.start, u.end));
        } else {
            self.push_wide(u);
        }
    }

    #[inline(never)]
    fn push_wide(&mut self, u: Unit) {
        self.text.push(u.ch);
        for _ in 0..u.ch.len_utf8() {
            self.spans.push((u.start, u.end));
        }
    }

    fn extend(&mut self, units: &[Unit]) {
        for &u in units {
            self.push(u);
        }
    }

    /// Widens the last char's source range to `end` (to take in a dropped trailing dot).
    fn extend_last_end(&mut self, end: u32) {
        let width = self.text.chars().next_back().map_or(0, char::len_utf8);
        let len = self.spans.len();
        for span in &mut self.spans[len - width..] {
            span.1 = span.1.max(end);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Pass 1: Unicode clean-up, char by char (both folds).

/// Reads `original` into units: invisibles dropped, punctuation folded, NFKC, whitespace runs
/// collapsed to one space (none at either end) and, for `Lower`, lowercase without accents.
fn scan(original: &str, lower: bool, units: &mut Vec<Unit>) {
    if original.is_ascii() {
        // ASCII is already NFKC and has no invisibles, curly quotes or accents.
        for (i, &b) in original.as_bytes().iter().enumerate() {
            push_ascii(units, b, i as u32, lower);
        }
    } else {
        // NFKC runs per segment: a starter and the marks that may combine with it. All output
        // of a segment maps to the segment's whole source range. ASCII chars go straight out;
        // a combining mark after one takes it back into its segment ("e\u{301}" → "é").
        let mut seg: Vec<char> = Vec::new();
        let (mut seg_start, mut seg_end) = (0u32, 0u32);
        let mut last_ascii: Option<(u8, u32)> = None;
        let mut pos = 0u32;
        for c in original.chars() {
            let start = pos;
            pos += c.len_utf16() as u32;
            if c.is_ascii() {
                flush_segment(&mut seg, seg_start, seg_end, units, lower);
                push_ascii(units, c as u8, start, lower);
                last_ascii = (!is_ascii_space(c as u8)).then_some((c as u8, start));
                continue;
            }
            if is_invisible(c) {
                continue;
            }
            let c = fold_punct(c);
            if starts_segment(c) {
                flush_segment(&mut seg, seg_start, seg_end, units, lower);
                last_ascii = None;
            } else if seg.is_empty() {
                if let Some((b, at)) = last_ascii.take() {
                    units.pop();
                    seg.push(b as char);
                    seg_start = at;
                }
            }
            if seg.is_empty() {
                seg_start = start;
            }
            seg.push(c);
            seg_end = pos;
        }
        flush_segment(&mut seg, seg_start, seg_end, units, lower);
    }
    if units.last().is_some_and(|u| u.ch == ' ') {
        units.pop();
    }
}

/// ASCII whitespace as `char::is_whitespace` counts it.
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
}

/// Appends one ASCII char: whitespace joins the previous space; `lower` lowercases.
#[inline]
fn push_ascii(units: &mut Vec<Unit>, b: u8, start: u32, lower: bool) {
    if is_ascii_space(b) {
        push_space(units, start, start + 1);
        return;
    }
    units.push(Unit {
        ch: if lower { b.to_ascii_lowercase() } else { b } as char,
        start,
        end: start + 1,
        upper: lower && b.is_ascii_uppercase(),
    });
}

/// Whether `c` cannot combine with what precedes it under NFKC, so a new segment starts here.
fn starts_segment(c: char) -> bool {
    c.is_ascii()
        || (canonical_combining_class(c) == 0
            && is_nfkc_quick(iter::once(c)) != IsNormalized::Maybe)
}

fn flush_segment(seg: &mut Vec<char>, start: u32, end: u32, units: &mut Vec<Unit>, lower: bool) {
    match seg.as_slice() {
        [] => return,
        [c] if c.is_ascii() => push_ascii(units, *c as u8, start, lower),
        [c] if is_nfkc_quick(iter::once(*c)) == IsNormalized::Yes => {
            push_char(units, *c, start, end, lower)
        }
        _ => {
            for c in seg.iter().copied().nfkc() {
                push_char(units, c, start, end, lower);
            }
        }
    }
    seg.clear();
}

/// Appends one NFKC char: whitespace joins the previous space, and `lower` lowercases and
/// strips accents ("É" → "e", "ß" → "ss").
fn push_char(units: &mut Vec<Unit>, c: char, start: u32, end: u32, lower: bool) {
    let unit = |ch, upper| Unit {
        ch,
        start,
        end,
        upper,
    };
    if c.is_ascii() {
        if is_ascii_space(c as u8) {
            push_space(units, start, end);
        } else if lower {
            units.push(unit(c.to_ascii_lowercase(), c.is_ascii_uppercase()));
        } else {
            units.push(unit(c, false));
        }
        return;
    }
    let c = fold_punct(c);
    if c.is_whitespace() {
        push_space(units, start, end);
    } else if !lower {
        units.push(unit(c, false));
    } else if c == 'ß' || c == 'ẞ' {
        units.push(unit('s', c == 'ẞ'));
        units.push(unit('s', c == 'ẞ'));
    } else {
        let upper = c.is_uppercase();
        for l in c.to_lowercase() {
            if l.is_ascii() {
                units.push(unit(l, upper));
            } else {
                strip_accents(l, |d| units.push(unit(d, upper)));
            }
        }
    }
}

fn push_space(units: &mut Vec<Unit>, start: u32, end: u32) {
    match units.last_mut() {
        None => {}
        Some(last) if last.ch == ' ' => last.end = end,
        Some(_) => units.push(Unit {
            ch: ' ',
            start,
            end,
            upper: false,
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// Pass 2 (Lower): word-level folding.

/// Cyrillic and Greek look-alikes become Latin letters, but only in words that also hold a
/// Latin letter ("аdhd"): a word written wholly in Cyrillic or Greek is real text and stays.
fn map_lookalikes(units: &mut [Unit]) {
    let mut i = 0;
    while i < units.len() {
        if !units[i].ch.is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        let (mut latin, mut lookalikes) = (false, false);
        while i < units.len() && units[i].ch.is_alphanumeric() {
            let u = units[i];
            latin |= u.ch.is_ascii_alphabetic();
            lookalikes |= lookalike(u.ch, u.upper).is_some();
            i += 1;
        }
        if latin && lookalikes {
            for u in &mut units[start..i] {
                if let Some(l) = lookalike(u.ch, u.upper) {
                    u.ch = l;
                }
            }
        }
    }
}

/// Hashtags, spaced acronyms and leetspeak, left to right from `units` into `out`.
fn fold_words(units: &mut [Unit], out: &mut Out) {
    let n = units.len();
    let mut i = 0;
    while i < n {
        let u = units[i];
        let after_word = i > 0 && units[i - 1].ch.is_alphanumeric();
        if u.ch == '#' && !after_word && i + 1 < n && units[i + 1].ch.is_alphanumeric() {
            let end = (i + 1..n)
                .find(|&k| !(units[k].ch.is_alphanumeric() || units[k].ch == '_'))
                .unwrap_or(n);
            out.push(u);
            hashtag(&mut units[i + 1..end], out);
            i = end;
        } else if u.ch.is_alphanumeric() && !after_word {
            if let Some(next) = join_acronym(units, i, out) {
                i = next;
                continue;
            }
            let (end, maybe_leet) = word_end(units, i);
            if maybe_leet {
                undo_leet(&mut units[i..end]);
            }
            out.extend(&units[i..end]);
            i = end;
        } else {
            out.push(u);
            i += 1;
        }
    }
}

/// End of the word starting at `start`: letters and digits, continued across up to two leet
/// symbols between letters ("unal!ve"); and whether it holds a digit or symbol that leetspeak
/// could have put there.
fn word_end(units: &[Unit], start: usize) -> (usize, bool) {
    let n = units.len();
    let mut j = start;
    let mut maybe_leet = false;
    loop {
        while j < n && units[j].ch.is_alphanumeric() {
            maybe_leet |= units[j].ch.is_ascii_digit();
            j += 1;
        }
        if j > start && j < n && units[j - 1].ch.is_alphabetic() {
            let mut k = j;
            while k < n && k - j < 2 && matches!(units[k].ch, '@' | '$' | '!') {
                k += 1;
            }
            if k > j && k < n && units[k].ch.is_alphabetic() {
                j = k;
                maybe_leet = true;
                continue;
            }
        }
        return (j, maybe_leet);
    }
}

/// Replaces leetspeak inside one word: a run of one or two of `0 1 3 4 5 7 @ $ !` with a letter
/// on both sides ("d3pression", "su1c1de", "d00med"). Digits at a word's edge ("mp3", "b4") or
/// in longer runs ("2024") stay. Returns whether anything changed.
fn undo_leet(word: &mut [Unit]) -> bool {
    let n = word.len();
    let mut changed = false;
    let mut j = 1;
    while j + 1 < n {
        if !word[j - 1].ch.is_alphabetic() || leet(word[j].ch).is_none() {
            j += 1;
            continue;
        }
        let mut k = j;
        while k < n && k - j < 3 && leet(word[k].ch).is_some() {
            k += 1;
        }
        if k - j <= 2 && k < n && word[k].ch.is_alphabetic() {
            for u in &mut word[j..k] {
                if let Some(l) = leet(u.ch) {
                    u.ch = l;
                }
            }
            changed = true;
        }
        j = k.max(j + 1);
    }
    changed
}

/// Joins single letters separated by one consistent `.`, ` `, `-` or `_` when the joined word is
/// in the acronym list ("a.d.h.d" → "adhd", "p-t-s-d" → "ptsd"; "I A M" stays). Tries the
/// longest run first from the letter at `i`; returns the index after what it consumed, or `None`
/// when there is nothing to join here (the caller moves on, and retries at the next letter).
fn join_acronym(units: &[Unit], i: usize, out: &mut Out) -> Option<usize> {
    let n = units.len();
    let is_single = |k: usize| {
        units[k].ch.is_ascii_alphabetic() && (k + 1 >= n || !units[k + 1].ch.is_alphanumeric())
    };
    if i + 2 >= n || !is_single(i) {
        return None;
    }
    let sep = units[i + 1].ch;
    if !matches!(sep, '.' | ' ' | '-' | '_') {
        return None;
    }
    let mut letters = [0u8; MAX_ACRONYM];
    letters[0] = units[i].ch as u8;
    let mut count = 1;
    let mut k = i;
    while count < MAX_ACRONYM && k + 2 < n && units[k + 1].ch == sep && is_single(k + 2) {
        k += 2;
        letters[count] = units[k].ch as u8;
        count += 1;
    }
    let words = words();
    let len = (2..=count)
        .rev()
        .find(|&len| words.is_acronym(&letters[..len]))?;
    for m in 0..len {
        out.push(units[i + 2 * m]);
    }
    let mut next = i + 2 * (len - 1) + 1;
    // A dotted acronym's final dot ("a.d.h.d.") belongs to it, unless a word follows directly.
    if sep == '.'
        && next < n
        && units[next].ch == '.'
        && (next + 1 >= n || !units[next + 1].ch.is_alphanumeric())
    {
        out.extend_last_end(units[next].end);
        next += 1;
    }
    Some(next)
}

/// Splits one hashtag body (after the `#`) into words: underscores become spaces, each part is
/// segmented (see `Words::segment`), and a part that does not segment into known words is
/// de-leeted and tried again ("#d3pression"). Inserted spaces take the position of the char
/// that follows them, as an empty range.
fn hashtag(body: &mut [Unit], out: &mut Out) {
    let n = body.len();
    let mut j = 0;
    while j < n {
        let start = j;
        if body[j].ch == '_' {
            while j < n && body[j].ch == '_' {
                j += 1;
            }
            out.push(Unit {
                ch: ' ',
                start: body[start].start,
                end: body[j - 1].end,
                upper: false,
            });
            continue;
        }
        while j < n && body[j].ch != '_' {
            j += 1;
        }
        hashtag_part(&mut body[start..j], out);
    }
}

fn hashtag_part(part: &mut [Unit], out: &mut Out) {
    if part.len() > MAX_TAG {
        undo_leet(part);
        out.extend(part);
        return;
    }
    let mut chars = ['\0'; MAX_TAG];
    let mut upper = [false; MAX_TAG];
    let fill = |part: &[Unit], chars: &mut [char; MAX_TAG], upper: &mut [bool; MAX_TAG]| {
        for (k, u) in part.iter().enumerate() {
            chars[k] = u.ch;
            upper[k] = u.upper;
        }
    };
    let n = part.len();
    fill(part, &mut chars, &mut upper);
    let mut cuts = [0u8; MAX_TAG];
    let words = words();
    let (mut count, known) = words.segment(&chars[..n], &upper[..n], &mut cuts);
    if !known && undo_leet(part) {
        fill(part, &mut chars, &mut upper);
        count = words.segment(&chars[..n], &upper[..n], &mut cuts).0;
    }
    let mut next_cut = cuts[..count].iter().map(|&c| c as usize).peekable();
    for (k, u) in part.iter().enumerate() {
        if next_cut.next_if_eq(&k).is_some() {
            out.push(Unit {
                ch: ' ',
                start: u.start,
                end: u.start,
                upper: false,
            });
        }
        out.push(*u);
    }
}

// ---------------------------------------------------------------------------------------------
// Pass 2 (Keep): dotted capitals.

/// Joins dotted single capitals ("L.C.S.W." → "LCSW", "M.D." → "MD"), keeping "C.Psych",
/// "Ph.D." and "e.g." as written: only runs of two or more single capitals each followed by a dot
/// (the last dot optional).
fn join_dotted_capitals(units: &[Unit], out: &mut Out) {
    let n = units.len();
    let single_capital = |k: usize| {
        k < n
            && units[k].ch.is_ascii_uppercase()
            && (k == 0 || !units[k - 1].ch.is_alphanumeric())
            && (k + 1 >= n || !units[k + 1].ch.is_alphanumeric())
    };
    let mut i = 0;
    while i < n {
        if units[i].ch.is_ascii_uppercase()
            && i + 2 < n
            && units[i + 1].ch == '.'
            && single_capital(i)
            && single_capital(i + 2)
        {
            let mut k = i;
            while k + 2 < n && units[k + 1].ch == '.' && single_capital(k + 2) {
                k += 2;
            }
            for m in (i..=k).step_by(2) {
                out.push(units[m]);
            }
            let mut next = k + 1;
            if next < n
                && units[next].ch == '.'
                && (next + 1 >= n || !units[next + 1].ch.is_alphanumeric())
            {
                out.extend_last_end(units[next].end);
                next += 1;
            }
            i = next;
        } else {
            out.push(units[i]);
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests;
