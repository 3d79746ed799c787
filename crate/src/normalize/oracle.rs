//! The normaliser as it was before its Unicode tables were generated (`unicode-normalization`'s
//! NFKC and std's case tables, per-byte spans): kept as the tests' oracle, so the rewrite is
//! checked to give the same text and the same spans on every in-scope input.
#![allow(dead_code)]

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

use super::chars::{fold_punct, is_cyrillic_or_greek, is_invisible, leet, lookalike};
use super::words::{words, MAX_ACRONYM, MAX_TAG};
use super::Fold;
use std::iter;
use unicode_normalization::char::{canonical_combining_class, decompose_canonical};
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// One field, normalised, with the way back to the original.
#[derive(Debug, Clone)]
pub struct Normalized {
    pub text: String,
    /// For every byte of `text`: the UTF-16 range `[start, end)` of the original chars that
    /// produced the char this byte belongs to.
    pub spans: Vec<(u32, u32)>,
    /// `utf16_len` of the original.
    original_len: u32,
}

impl Normalized {
    /// Normalise `original` (one field: caption, name, bio, label).
    pub fn new(original: &str, fold: Fold) -> Normalized {
        let lower = fold == Fold::Lower;
        let mut buf = Buf::with_capacity(original.len() + 16);
        scan(original, lower, &mut buf);
        let buf = if lower {
            finish_lower(buf)
        } else {
            join_dotted_capitals(buf)
        };
        Normalized::from_buf(buf, utf16_len(original))
    }

    /// Both folds of one field, `(Lower, Keep)`, from one Unicode pass: the same as calling
    /// [`Normalized::new`] twice, cheaper. The char-by-char pass (NFKC segments, invisibles,
    /// whitespace) runs once for the cased text, and the folded text's first stage is derived from
    /// it by lowercasing and stripping accents per char, which is what that pass does with
    /// `lower` set (a test checks both ways agree on arbitrary text).
    pub fn both(original: &str) -> (Normalized, Normalized) {
        let mut cased = Buf::with_capacity(original.len() + 16);
        scan(original, false, &mut cased);
        let lower = lower_copy(&cased);
        let len = utf16_len(original);
        (
            Normalized::from_buf(finish_lower(lower), len),
            Normalized::from_buf(join_dotted_capitals(cased), len),
        )
    }

    fn from_buf(buf: Buf, original_len: usize) -> Normalized {
        let (text, spans) = buf.into_text();
        Normalized {
            text,
            spans,
            original_len: original_len as u32,
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
fn utf16_len(s: &str) -> usize {
    if s.is_ascii() {
        return s.len();
    }
    // Every char has one leading byte; chars outside the BMP (4-byte UTF-8, leading byte
    // >= 0xF0) take two UTF-16 units.
    s.bytes()
        .map(|b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0))
        .sum()
}

/// The text under construction: UTF-8 bytes (whole chars only), the UTF-16 source range of each
/// byte, and per byte whether its source char was a capital (for camelCase hashtags and
/// case-aware look-alikes; always false for `Keep`). Parallel byte arrays keep the common case,
/// ASCII copied through unchanged, to a few instructions per char.
struct Buf {
    text: Vec<u8>,
    spans: Vec<(u32, u32)>,
    upper: Vec<bool>,
}

impl Buf {
    fn with_capacity(bytes: usize) -> Buf {
        Buf {
            text: Vec::with_capacity(bytes),
            spans: Vec::with_capacity(bytes),
            upper: Vec::with_capacity(bytes),
        }
    }

    #[inline(always)]
    fn push_byte(&mut self, b: u8, span: (u32, u32), upper: bool) {
        self.text.push(b);
        self.spans.push(span);
        self.upper.push(upper);
    }

    fn push_char(&mut self, c: char, span: (u32, u32), upper: bool) {
        let mut bytes = [0u8; 4];
        for &b in c.encode_utf8(&mut bytes).as_bytes() {
            self.push_byte(b, span, upper);
        }
    }

    /// Whitespace: nothing at the start, and a run joins into one space covering all of it.
    fn push_space(&mut self, start: u32, end: u32) {
        match self.text.last() {
            None => {}
            Some(b' ') => {
                if let Some(span) = self.spans.last_mut() {
                    span.1 = end;
                }
            }
            Some(_) => self.push_byte(b' ', (start, end), false),
        }
    }

    /// Removes the last byte (only ever called after an ASCII char).
    fn pop_byte(&mut self) {
        self.text.pop();
        self.spans.pop();
        self.upper.pop();
    }

    /// Appends `src[range]` unchanged.
    fn copy_from(&mut self, src: &Buf, range: std::ops::Range<usize>) {
        self.text.extend_from_slice(&src.text[range.clone()]);
        self.spans.extend_from_slice(&src.spans[range.clone()]);
        self.upper.extend_from_slice(&src.upper[range]);
    }

    /// Widens the last char's source range to `end` (to take in a dropped trailing dot).
    fn widen_last(&mut self, end: u32) {
        let len = self.text.len();
        let first = (0..len)
            .rev()
            .find(|&k| self.text[k] & 0xC0 != 0x80)
            .unwrap_or(len);
        for span in &mut self.spans[first..] {
            span.1 = span.1.max(end);
        }
    }

    /// The finished text and spans. Only whole chars were written, so the bytes are valid
    /// UTF-8; the lossy fallback exists only so that nothing here can panic.
    fn into_text(self) -> (String, Vec<(u32, u32)>) {
        let text = String::from_utf8(self.text)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        (text, self.spans)
    }
}

/// The char starting at byte `i` of `text` (which holds whole UTF-8 chars) and its width.
#[inline(always)]
fn char_at(text: &[u8], i: usize) -> (char, usize) {
    let b = text[i];
    if b < 0x80 {
        return (b as char, 1);
    }
    let width = match b {
        0xF0.. => 4,
        0xE0.. => 3,
        _ => 2,
    };
    let c = text
        .get(i..i + width)
        .and_then(|bytes| std::str::from_utf8(bytes).ok())
        .and_then(|s| s.chars().next())
        .unwrap_or(char::REPLACEMENT_CHARACTER);
    (c, width)
}

/// The char that ends at byte `i` of `text`, if any.
#[inline]
fn char_before(text: &[u8], i: usize) -> Option<char> {
    if i == 0 {
        return None;
    }
    let b = text[i - 1];
    if b < 0x80 {
        return Some(b as char);
    }
    let mut k = i - 1;
    while k > 0 && text[k] & 0xC0 == 0x80 {
        k -= 1;
    }
    Some(char_at(text, k).0)
}

/// `char::is_alphanumeric` with the ASCII case answered first.
#[inline(always)]
fn is_alnum(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric()
    }
}

/// Whether the char at byte `i` is alphanumeric (false past the end).
#[inline(always)]
fn alnum_at(text: &[u8], i: usize) -> bool {
    i < text.len() && is_alnum(char_at(text, i).0)
}

/// Writes a copy of `src` with some stretches replaced, without copying anything until the
/// first replacement: most fields need none, and then `src` itself is the result.
struct Rewrite {
    out: Option<Buf>,
    /// Bytes of `src` already accounted for in `out`.
    copied: usize,
}

impl Rewrite {
    fn new() -> Rewrite {
        Rewrite {
            out: None,
            copied: 0,
        }
    }

    /// The output, with `src` copied up to byte `upto`; the caller then writes the replacement
    /// for `upto..` and calls `skip_to` with the end of what it replaced.
    fn out_upto(&mut self, src: &Buf, upto: usize) -> &mut Buf {
        let copied = self.copied;
        self.copied = upto;
        let out = self
            .out
            .get_or_insert_with(|| Buf::with_capacity(src.text.len() + 16));
        out.copy_from(src, copied..upto);
        out
    }

    fn skip_to(&mut self, end: usize) {
        self.copied = end;
    }

    fn finish(self, src: Buf) -> Buf {
        match self.out {
            None => src,
            Some(mut out) => {
                out.copy_from(&src, self.copied..src.text.len());
                out
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Pass 1: Unicode clean-up, char by char (both folds).

/// Reads `original` into `buf`: invisibles dropped, punctuation folded, NFKC, whitespace runs
/// collapsed to one space (none at either end) and, for `Lower`, lowercase without accents.
fn scan(original: &str, lower: bool, buf: &mut Buf) {
    let bytes = original.as_bytes();
    let n = bytes.len();
    // NFKC runs per segment: a starter and the marks that may combine with it. All output of a
    // segment maps to the segment's whole source range. ASCII runs go straight out (ASCII is
    // already NFKC, with no invisibles, curly quotes or accents); a combining mark right after
    // one takes its last char back into a segment ("e\u{301}" → "é").
    let mut seg: Vec<char> = Vec::new();
    let (mut seg_start, mut seg_end) = (0u32, 0u32);
    let mut last_ascii: Option<(u8, u32)> = None;
    let mut pos = 0u32;
    let mut b = 0;
    while b < n {
        let run = bytes[b..].iter().position(|&x| x >= 0x80).unwrap_or(n - b);
        if run > 0 {
            if !seg.is_empty() {
                flush_segment(&mut seg, seg_start, seg_end, buf, lower);
            }
            push_ascii_run(buf, &bytes[b..b + run], pos, lower);
            let last = bytes[b + run - 1];
            pos += run as u32;
            b += run;
            last_ascii = (!is_ascii_space(last)).then_some((last, pos - 1));
            continue;
        }
        let Some(c) = original[b..].chars().next() else {
            break;
        };
        let start = pos;
        b += c.len_utf8();
        pos += c.len_utf16() as u32;
        if is_invisible(c) {
            continue;
        }
        let c = fold_punct(c);
        if starts_segment(c) {
            if !seg.is_empty() {
                flush_segment(&mut seg, seg_start, seg_end, buf, lower);
            }
            last_ascii = None;
        } else if seg.is_empty() {
            if let Some((b, at)) = last_ascii.take() {
                buf.pop_byte();
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
    if !seg.is_empty() {
        flush_segment(&mut seg, seg_start, seg_end, buf, lower);
    }
    if buf.text.last() == Some(&b' ') {
        buf.pop_byte();
    }
}

/// ASCII whitespace as `char::is_whitespace` counts it.
#[inline(always)]
fn is_ascii_space(b: u8) -> bool {
    b <= b' ' && matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
}

/// Appends a run of ASCII chars whose first is at UTF-16 offset `base`: whitespace runs become
/// one space (none at the start of the text), other chars are copied (lowercased for `lower`).
fn push_ascii_run(buf: &mut Buf, run: &[u8], base: u32, lower: bool) {
    // Copy in bulk (the compiler vectorises these), then repair whitespace only if some is not
    // already a single ' ' after a non-space: most text needs no repair.
    let old = buf.text.len();
    if lower {
        buf.text.extend(run.iter().map(u8::to_ascii_lowercase));
        buf.upper.extend(run.iter().map(u8::is_ascii_uppercase));
    } else {
        buf.text.extend_from_slice(run);
        buf.upper.resize(buf.text.len(), false);
    }
    buf.spans
        .extend((base..base + run.len() as u32).map(|k| (k, k + 1)));
    let mut after_space = old == 0 || buf.text[old - 1] == b' ';
    let clean = run.iter().all(|&b| {
        let space = is_ascii_space(b);
        let ok = !space || (b == b' ' && !after_space);
        after_space = space;
        ok
    });
    if clean {
        return;
    }
    let mut w = old;
    for r in old..buf.text.len() {
        let b = buf.text[r];
        if is_ascii_space(b) {
            if w == 0 {
                continue;
            }
            if buf.text[w - 1] == b' ' {
                buf.spans[w - 1].1 = buf.spans[r].1;
                continue;
            }
            buf.text[w] = b' ';
        } else {
            buf.text[w] = b;
        }
        buf.upper[w] = buf.upper[r];
        buf.spans[w] = buf.spans[r];
        w += 1;
    }
    buf.text.truncate(w);
    buf.spans.truncate(w);
    buf.upper.truncate(w);
}

/// Appends one ASCII char (from a segment that NFKC left alone).
fn push_ascii(buf: &mut Buf, b: u8, start: u32, lower: bool) {
    push_ascii_run(buf, &[b], start, lower);
}

/// Whether `c` cannot combine with what precedes it under NFKC, so a new segment starts here.
fn starts_segment(c: char) -> bool {
    c.is_ascii()
        || (canonical_combining_class(c) == 0
            && is_nfkc_quick(iter::once(c)) != IsNormalized::Maybe)
}

fn flush_segment(seg: &mut Vec<char>, start: u32, end: u32, buf: &mut Buf, lower: bool) {
    match seg.as_slice() {
        [] => return,
        [c] if c.is_ascii() => push_ascii(buf, *c as u8, start, lower),
        [c] if is_nfkc_quick(iter::once(*c)) == IsNormalized::Yes => {
            push_char(buf, *c, start, end, lower)
        }
        _ => {
            for c in seg.iter().copied().nfkc() {
                push_char(buf, c, start, end, lower);
            }
        }
    }
    seg.clear();
}

/// Appends one NFKC char: whitespace joins the previous space, and `lower` lowercases and
/// strips accents ("É" → "e", "ß" → "ss").
fn push_char(buf: &mut Buf, c: char, start: u32, end: u32, lower: bool) {
    let span = (start, end);
    if c.is_ascii() {
        if is_ascii_space(c as u8) {
            buf.push_space(start, end);
        } else if lower {
            buf.push_byte(c.to_ascii_lowercase() as u8, span, c.is_ascii_uppercase());
        } else {
            buf.push_byte(c as u8, span, false);
        }
        return;
    }
    let c = fold_punct(c);
    if c.is_whitespace() {
        buf.push_space(start, end);
    } else if !lower {
        buf.push_char(c, span, false);
    } else if c == 'ß' || c == 'ẞ' {
        buf.push_byte(b's', span, c == 'ẞ');
        buf.push_byte(b's', span, c == 'ẞ');
    } else {
        let upper = c.is_uppercase();
        for l in c.to_lowercase() {
            if l.is_ascii() {
                buf.push_byte(l as u8, span, upper);
            } else {
                strip_accents(l, |d| buf.push_char(d, span, upper));
            }
        }
    }
}

/// The folded first stage from the cased one: what [`scan`] writes with `lower` set, char by
/// char (see [`push_char`]): ASCII lowercased, `ß` → `ss`, other letters lowercased without
/// accents, each output byte keeping its char's source range. A char that folds to nothing (a
/// lone combining mark) can leave two spaces side by side or one at either end: they join as
/// [`Buf::push_space`] joins them.
fn lower_copy(src: &Buf) -> Buf {
    let t = &src.text;
    let n = t.len();
    let mut out = Buf::with_capacity(n + 16);
    let mut i = 0;
    while i < n {
        let run = t[i..].iter().position(|&b| b >= 0x80).unwrap_or(n - i);
        if run > 0 {
            let bytes = &t[i..i + run];
            let spans = &src.spans[i..i + run];
            // After a dropped char the run may start with a space that must join.
            let after_space = !matches!(out.text.last(), Some(&b) if b != b' ');
            let (first, rest) = if bytes[0] == b' ' && after_space {
                out.push_space(spans[0].0, spans[0].1);
                (1, &bytes[1..])
            } else {
                (0, bytes)
            };
            out.text.extend(rest.iter().map(u8::to_ascii_lowercase));
            out.upper.extend(rest.iter().map(u8::is_ascii_uppercase));
            out.spans.extend_from_slice(&spans[first..]);
            i += run;
            continue;
        }
        let (c, width) = char_at(t, i);
        let span = src.spans[i];
        if c == 'ß' || c == 'ẞ' {
            out.push_byte(b's', span, c == 'ẞ');
            out.push_byte(b's', span, c == 'ẞ');
        } else {
            let upper = c.is_uppercase();
            for l in c.to_lowercase() {
                if l.is_ascii() {
                    out.push_byte(l as u8, span, upper);
                } else {
                    strip_accents(l, |d| out.push_char(d, span, upper));
                }
            }
        }
        i += width;
    }
    if out.text.last() == Some(&b' ') {
        out.pop_byte();
    }
    out
}

/// The folded text's word-level stages after the first.
fn finish_lower(buf: Buf) -> Buf {
    // Every Cyrillic and Greek letter (U+0370..U+052F) has a UTF-8 lead byte in
    // 0xCD..=0xD4: without one, no look-alike can be present and the pass is skipped.
    let buf = if buf.text.iter().any(|b| (0xCD..=0xD4).contains(b)) {
        map_lookalikes(buf)
    } else {
        buf
    };
    fold_words(buf)
}

// ---------------------------------------------------------------------------------------------
// Pass 2 (Lower): word-level folding.

/// Cyrillic and Greek look-alikes become Latin letters, but only in words that also hold a
/// Latin letter ("аdhd"): a word written wholly in Cyrillic or Greek is real text and stays.
fn map_lookalikes(buf: Buf) -> Buf {
    let text = &buf.text;
    let n = text.len();
    let mut rewrite = Rewrite::new();
    let mut i = 0;
    while i < n {
        let (c, width) = char_at(text, i);
        if !is_alnum(c) {
            i += width;
            continue;
        }
        let start = i;
        let (mut latin, mut lookalikes) = (false, false);
        while i < n {
            let (c, width) = char_at(text, i);
            if !is_alnum(c) {
                break;
            }
            latin |= c.is_ascii_alphabetic();
            lookalikes |= is_cyrillic_or_greek(c) && lookalike(c, buf.upper[i]).is_some();
            i += width;
        }
        if latin && lookalikes {
            let out = rewrite.out_upto(&buf, start);
            let mut k = start;
            while k < i {
                let (c, width) = char_at(text, k);
                match lookalike(c, buf.upper[k]) {
                    Some(l) => out.push_byte(l as u8, buf.spans[k], buf.upper[k]),
                    None => out.copy_from(&buf, k..k + width),
                }
                k += width;
            }
            rewrite.skip_to(i);
        }
    }
    rewrite.finish(buf)
}

/// Hashtags, spaced acronyms and leetspeak, left to right.
fn fold_words(mut buf: Buf) -> Buf {
    let n = buf.text.len();
    let mut rewrite = Rewrite::new();
    let mut i = 0;
    while i < n {
        let (c, width) = char_at(&buf.text, i);
        // Words are consumed whole, so an alphanumeric char here always starts one.
        if is_alnum(c) {
            if let Some(acronym) = find_acronym(&buf.text, i) {
                let out = rewrite.out_upto(&buf, i);
                for m in 0..acronym.letters {
                    let k = i + 2 * m;
                    out.push_byte(buf.text[k], buf.spans[k], buf.upper[k]);
                }
                if let Some(dot) = acronym.dot {
                    out.widen_last(buf.spans[dot].1);
                }
                rewrite.skip_to(acronym.next);
                i = acronym.next;
                continue;
            }
            let (end, maybe_leet) = word_end(&buf.text, i);
            if maybe_leet {
                undo_leet(&mut buf.text, i, end);
            }
            i = end;
        } else if c == '#'
            && alnum_at(&buf.text, i + 1)
            && !char_before(&buf.text, i).is_some_and(is_alnum)
        {
            let mut end = i + 1;
            while end < n {
                let (c, width) = char_at(&buf.text, end);
                if !(is_alnum(c) || c == '_') {
                    break;
                }
                end += width;
            }
            hashtag(&mut buf, i + 1, end, &mut rewrite);
            i = end;
        } else {
            i += width;
        }
    }
    rewrite.finish(buf)
}

/// End of the word starting at byte `start`: letters and digits, continued across up to two
/// leet symbols between letters ("unal!ve"); and whether it holds a digit or symbol that
/// leetspeak could have put there.
fn word_end(text: &[u8], start: usize) -> (usize, bool) {
    let n = text.len();
    let mut j = start;
    let mut maybe_leet = false;
    loop {
        while j < n {
            let b = text[j];
            if b.is_ascii_alphanumeric() {
                maybe_leet |= b <= b'9';
                j += 1;
            } else if b >= 0x80 {
                let (c, width) = char_at(text, j);
                if !is_alnum(c) {
                    break;
                }
                j += width;
            } else {
                break;
            }
        }
        if j > start && j < n && char_before(text, j).is_some_and(char::is_alphabetic) {
            let mut k = j;
            while k < n && k - j < 2 && matches!(text[k], b'@' | b'$' | b'!') {
                k += 1;
            }
            if k > j && k < n && char_at(text, k).0.is_alphabetic() {
                j = k;
                maybe_leet = true;
                continue;
            }
        }
        return (j, maybe_leet);
    }
}

/// Replaces leetspeak inside the word `text[start..end]`: a run of one or two of
/// `0 1 3 4 5 7 @ $ !` with a letter on both sides ("d3pression", "su1c1de", "d00med"). Digits
/// at a word's edge ("mp3", "b4") or in longer runs ("2024") stay. Returns whether anything
/// changed. Leet chars and their letters are ASCII, so the text keeps its length.
fn undo_leet(text: &mut [u8], start: usize, end: usize) -> bool {
    let is_leet = |b: u8| b.is_ascii() && leet(b as char).is_some();
    let mut changed = false;
    let mut j = start;
    while j < end {
        if !is_leet(text[j]) {
            j += 1;
            continue;
        }
        let mut k = j;
        while k < end && k - j < 3 && is_leet(text[k]) {
            k += 1;
        }
        if j > start
            && k - j <= 2
            && k < end
            && char_before(text, j).is_some_and(char::is_alphabetic)
            && char_at(text, k).0.is_alphabetic()
        {
            for b in &mut text[j..k] {
                if let Some(l) = leet(*b as char) {
                    *b = l as u8;
                }
            }
            changed = true;
        }
        j = k;
    }
    changed
}

/// A run of spaced single letters to join: `letters` letters at `i, i+2, …`, the byte of a
/// final dot that belongs to it, and where to continue.
struct Acronym {
    letters: usize,
    dot: Option<usize>,
    next: usize,
}

/// Finds single letters separated by one consistent `.`, ` `, `-` or `_` starting at byte `i`
/// whose joined word is in the acronym list ("a.d.h.d" → "adhd", "p-t-s-d" → "ptsd"; "I A M"
/// stays), longest first. `None` when there is nothing to join from here (the caller moves on
/// and tries again at the next letter).
fn find_acronym(text: &[u8], i: usize) -> Option<Acronym> {
    let n = text.len();
    let is_single = |k: usize| k < n && text[k].is_ascii_alphabetic() && !alnum_at(text, k + 1);
    if i + 2 >= n || !is_single(i) {
        return None;
    }
    let sep = text[i + 1];
    if !matches!(sep, b'.' | b' ' | b'-' | b'_') {
        return None;
    }
    let mut letters = [0u8; MAX_ACRONYM];
    letters[0] = text[i];
    let mut count = 1;
    let mut k = i;
    while count < MAX_ACRONYM && k + 2 < n && text[k + 1] == sep && is_single(k + 2) {
        k += 2;
        letters[count] = text[k];
        count += 1;
    }
    let words = words();
    let len = (2..=count)
        .rev()
        .find(|&len| words.is_acronym(&letters[..len]))?;
    let mut next = i + 2 * (len - 1) + 1;
    let mut dot = None;
    // A dotted acronym's final dot ("a.d.h.d.") belongs to it, unless a word follows directly.
    if sep == b'.' && next < n && text[next] == b'.' && !alnum_at(text, next + 1) {
        dot = Some(next);
        next += 1;
    }
    Some(Acronym {
        letters: len,
        dot,
        next,
    })
}

/// Splits the hashtag body `buf.text[start..end]` (after the `#`) into words: underscores become
/// spaces, each part is segmented (see `Words::segment`), and a part that does not segment into
/// known words is de-leeted and tried again ("#d3pression"). Inserted spaces take the position
/// of the char that follows them, as an empty range.
fn hashtag(buf: &mut Buf, start: usize, end: usize, rewrite: &mut Rewrite) {
    let mut j = start;
    while j < end {
        if buf.text[j] == b'_' {
            // A run of underscores becomes one space covering the run.
            let run = j;
            while j < end && buf.text[j] == b'_' {
                j += 1;
            }
            buf.text[run] = b' ';
            if j - run > 1 {
                let out = rewrite.out_upto(buf, run + 1);
                out.widen_last(buf.spans[j - 1].1);
                rewrite.skip_to(j);
            }
            continue;
        }
        let part = j;
        while j < end && buf.text[j] != b'_' {
            j += 1;
        }
        hashtag_part(buf, part, j, rewrite);
    }
}

/// Segments one underscore-free part of a hashtag. Parts with non-ASCII letters (the word list
/// is ASCII) or longer than `MAX_TAG` are only de-leeted, never split.
fn hashtag_part(buf: &mut Buf, start: usize, end: usize, rewrite: &mut Rewrite) {
    let ascii = buf.text[start..end].is_ascii();
    if !ascii || end - start > MAX_TAG {
        undo_leet(&mut buf.text, start, end);
        return;
    }
    let words = words();
    let mut cuts = [0u8; MAX_TAG];
    let segment = |buf: &Buf, cuts: &mut [u8; MAX_TAG]| {
        words.segment(&buf.text[start..end], &buf.upper[start..end], cuts)
    };
    let (mut count, known) = segment(buf, &mut cuts);
    if !known && undo_leet(&mut buf.text, start, end) {
        count = segment(buf, &mut cuts).0;
    }
    if count == 0 {
        return;
    }
    let out = rewrite.out_upto(buf, start);
    let mut from = start;
    for &cut in &cuts[..count] {
        let at = start + usize::from(cut);
        out.copy_from(buf, from..at);
        let pos = buf.spans[at].0;
        out.push_byte(b' ', (pos, pos), false);
        from = at;
    }
    out.copy_from(buf, from..end);
    rewrite.skip_to(end);
}

// ---------------------------------------------------------------------------------------------
// Pass 2 (Keep): dotted capitals.

/// Joins dotted single capitals ("L.C.S.W." → "LCSW", "M.D." → "MD"), keeping "C.Psych",
/// "Ph.D." and "e.g." as written: only runs of two or more single capitals each followed by a dot
/// (the last dot optional).
fn join_dotted_capitals(buf: Buf) -> Buf {
    let text = &buf.text;
    let n = text.len();
    if !text.contains(&b'.') {
        return buf;
    }
    let single_capital = |k: usize| {
        k < n
            && text[k].is_ascii_uppercase()
            && !char_before(text, k).is_some_and(is_alnum)
            && !alnum_at(text, k + 1)
    };
    let mut rewrite = Rewrite::new();
    let mut i = 0;
    while i < n {
        if !(text[i].is_ascii_uppercase()
            && i + 2 < n
            && text[i + 1] == b'.'
            && single_capital(i)
            && single_capital(i + 2))
        {
            i += 1;
            continue;
        }
        let mut k = i;
        while k + 2 < n && text[k + 1] == b'.' && single_capital(k + 2) {
            k += 2;
        }
        let out = rewrite.out_upto(&buf, i);
        for m in (i..=k).step_by(2) {
            out.push_byte(text[m], buf.spans[m], false);
        }
        let mut next = k + 1;
        if next < n && text[next] == b'.' && !alnum_at(text, next + 1) {
            out.widen_last(buf.spans[next].1);
            next += 1;
        }
        rewrite.skip_to(next);
        i = next;
    }
    rewrite.finish(buf)
}

/// Combining marks that are accents on Latin, Greek and Cyrillic letters (the diacritical-mark
/// blocks). Marks of other scripts (Devanagari vowel signs…) are letters in all but name and stay.
fn is_accent_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

/// Emits `c` (already lowercase, not ASCII) without its accents: "é" → "e", "ñ" → "n",
/// "ø" → "o", "æ" → "ae". Only Latin, Greek and Cyrillic letters are decomposed, so Hangul
/// syllables and other scripts pass unchanged.
fn strip_accents(c: char, mut emit: impl FnMut(char)) {
    if is_accent_mark(c) {
        return;
    }
    match c {
        'ø' => emit('o'),
        'đ' | 'ð' => emit('d'),
        'ł' => emit('l'),
        'ı' => emit('i'),
        'ħ' => emit('h'),
        'æ' => {
            emit('a');
            emit('e');
        }
        'œ' => {
            emit('o');
            emit('e');
        }
        '\u{00C0}'..='\u{024F}' | '\u{0370}'..='\u{04FF}' | '\u{1E00}'..='\u{1FFF}' => {
            decompose_canonical(c, |d| {
                if !is_accent_mark(d) {
                    emit(d)
                }
            })
        }
        _ => emit(c),
    }
}
