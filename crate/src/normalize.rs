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
//! (surrogate pairs) all map back exactly. Those ranges are stored only where the text changed
//! ([`spans`]): ASCII copied through is one piece however long.
//!
//! Unicode data (NFKC, lowercase, accents) comes from tables generated at build time with only
//! the chars matching can depend on: Latin, Greek, Cyrillic, digits, punctuation and everything
//! that NFKC turns into them (`crate/build/unicode_tables.rs` states the scope). Other chars pass
//! through unchanged.

mod chars;
#[cfg(test)]
mod oracle;
mod spans;
mod tables;
mod words;

use chars::{fold_punct, is_cyrillic_or_greek, is_invisible, leet, lookalike};
use spans::Spans;
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
    spans: Spans,
    /// `utf16_len` of the original.
    original_len: u32,
}

impl Normalized {
    /// Normalise `original` (one field: caption, name, bio, label).
    pub fn new(original: &str, fold: Fold) -> Normalized {
        let lower = fold == Fold::Lower;
        let mut buf = Buf::with_capacity(original.len() + 16, lower);
        let len = scan(original, lower, &mut buf);
        let buf = if lower {
            finish_lower(buf)
        } else {
            join_dotted_capitals(buf)
        };
        Normalized::from_buf(buf, len)
    }

    /// Both folds of one field, `(Lower, Keep)`, from one Unicode pass: the same as calling
    /// [`Normalized::new`] twice, cheaper. The char-by-char pass (NFKC segments, invisibles,
    /// whitespace) runs once for the cased text, and the folded text's first stage is derived from
    /// it by lowercasing and stripping accents per char, which is what that pass does with
    /// `lower` set (a test checks both ways agree on arbitrary text).
    pub fn both(original: &str) -> (Normalized, Normalized) {
        let mut cased = Buf::with_capacity(original.len() + 16, false);
        let len = scan(original, false, &mut cased);
        let lower = lower_copy(&cased);
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
        let (from, to) = if e > s {
            self.spans.range(s, e)
        } else if s < len {
            let from = self.spans.get(s).0;
            (from, from)
        } else {
            (self.original_len, self.original_len)
        };
        (from as usize, to.max(from) as usize)
    }

    /// Every byte's source range, for the tests.
    #[cfg(test)]
    fn byte_spans(&self) -> Vec<(u32, u32)> {
        self.spans.per_byte()
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

/// The text under construction: UTF-8 bytes (whole chars only), the UTF-16 source range of each
/// byte ([`Spans`]) and, for the folded text only, per byte whether its source char was a capital
/// (for camelCase hashtags and case-aware look-alikes).
struct Buf {
    text: Vec<u8>,
    spans: Spans,
    /// Empty unless `track_upper`.
    upper: Vec<bool>,
    track_upper: bool,
}

impl Buf {
    fn with_capacity(bytes: usize, track_upper: bool) -> Buf {
        Buf {
            text: Vec::with_capacity(bytes),
            spans: Spans::with_capacity(32),
            upper: Vec::with_capacity(if track_upper { bytes } else { 0 }),
            track_upper,
        }
    }

    #[inline(always)]
    fn push_byte(&mut self, b: u8, span: (u32, u32), upper: bool) {
        self.text.push(b);
        self.spans.push(span, 1);
        if self.track_upper {
            self.upper.push(upper);
        }
    }

    fn push_char(&mut self, c: char, span: (u32, u32), upper: bool) {
        let mut bytes = [0u8; 4];
        let bytes = c.encode_utf8(&mut bytes).as_bytes();
        self.text.extend_from_slice(bytes);
        self.spans.push(span, bytes.len() as u32);
        if self.track_upper {
            self.upper.extend(bytes.iter().map(|_| upper));
        }
    }

    /// Whitespace: nothing at the start, and a run joins into one space covering all of it.
    fn push_space(&mut self, start: u32, end: u32) {
        match self.text.last() {
            None => {}
            Some(b' ') => self.spans.widen_tail(1, end),
            Some(_) => self.push_byte(b' ', (start, end), false),
        }
    }

    /// Removes the last byte (only ever called after an ASCII char).
    fn pop_byte(&mut self) {
        self.text.pop();
        self.spans.truncate(self.text.len());
        self.upper.truncate(self.text.len());
    }

    /// Appends `src[range]` unchanged.
    fn copy_from(&mut self, src: &Buf, range: std::ops::Range<usize>) {
        self.text.extend_from_slice(&src.text[range.clone()]);
        self.spans.extend_from(&src.spans, range.start, range.end);
        if self.track_upper {
            self.upper.extend_from_slice(&src.upper[range]);
        }
    }

    /// Widens the last char's source range to `end` (to take in a dropped trailing dot).
    fn widen_last(&mut self, end: u32) {
        let len = self.text.len();
        let first = (0..len)
            .rev()
            .find(|&k| self.text[k] & 0xC0 != 0x80)
            .unwrap_or(len);
        self.spans.widen_tail(len - first, end);
    }

    /// The finished text and spans. Only whole chars were written, so the bytes are valid
    /// UTF-8; the lossy fallback exists only so that nothing here can panic.
    fn into_text(self) -> (String, Spans) {
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
    // Decoded by hand (the text is valid UTF-8 by construction); a cut char reads as U+FFFD.
    let Some(bytes) = text.get(i..i + width) else {
        return (char::REPLACEMENT_CHARACTER, width);
    };
    let lead = u32::from(b) & (0x7F >> width);
    let cp = bytes[1..]
        .iter()
        .fold(lead, |cp, &c| cp << 6 | u32::from(c & 0x3F));
    (
        char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER),
        width,
    )
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

/// `char::is_alphanumeric` with the ASCII case answered first, and emoji and symbols
/// ([`SYMBOL_BLOCKS`]: no letters or digits there; a test checks) without a table search.
#[inline(always)]
fn is_alnum(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        !SYMBOL_BLOCKS.iter().any(|b| b.contains(&(c as u32))) && c.is_alphanumeric()
    }
}

/// Emoji and symbol blocks, the commonest non-ASCII chars in captions (✨ ❤ ✅ ☀ ⭐ → ←):
/// emoji and pictographs (U+1F300..U+1FAFF), arrows to miscellaneous technical
/// (U+2190..U+23FF), box drawing to the dingbats before their circled digits (U+2500..U+2775),
/// miscellaneous symbols and arrows (U+2B00..U+2BFF).
const SYMBOL_BLOCKS: [std::ops::RangeInclusive<u32>; 4] = [
    0x1F300..=0x1FAFF,
    0x2190..=0x23FF,
    0x2500..=0x2775,
    0x2B00..=0x2BFF,
];

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
            .get_or_insert_with(|| Buf::with_capacity(src.text.len() + 16, src.track_upper));
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
/// Returns the original's length in UTF-16 units (counted on the way).
fn scan(original: &str, lower: bool, buf: &mut Buf) -> usize {
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
        let run = ascii_prefix_len(&bytes[b..]);
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
    pos as usize
}

/// How many bytes `bytes` starts with that are ASCII (all of them when none is not), looked at
/// 8 at a time: the scans that copy ASCII runs in bulk call it once per run.
#[inline]
fn ascii_prefix_len(bytes: &[u8]) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = 0;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let high = u64::from_le_bytes(chunk.try_into().expect("8 bytes")) & HIGH;
        if high != 0 {
            return i + high.trailing_zeros() as usize / 8;
        }
        i += 8;
    }
    while i < bytes.len() && bytes[i] < 0x80 {
        i += 1;
    }
    i
}

/// ASCII whitespace as `char::is_whitespace` counts it.
#[inline(always)]
fn is_ascii_space(b: u8) -> bool {
    b <= b' ' && matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
}

/// Appends a run of ASCII chars whose first is at UTF-16 offset `base`: whitespace runs become
/// one space (none at the start of the text), other chars are copied (lowercased for `lower`).
fn push_ascii_run(buf: &mut Buf, run: &[u8], base: u32, lower: bool) {
    // Copy in bulk the stretches that need no repair (no whitespace but single ' ' after a
    // non-space): most text is one such stretch.
    let mut after_space = buf.text.last().map_or(true, |&b| b == b' ');
    // Most runs need no repair at all: no control chars or whitespace other than ' ', no two
    // spaces together, no space where the text starts or after a space. Checked with loops
    // that vectorise (no early exit).
    let controls = run.iter().fold(false, |acc, &b| acc | (b < b' '));
    let doubled = run
        .iter()
        .zip(run.get(1..).unwrap_or_default())
        .fold(false, |acc, (&a, &b)| acc | ((a == b' ') & (b == b' ')));
    let leading = after_space && run.first() == Some(&b' ');
    if !(controls || doubled || leading) {
        if lower {
            extend_lowered(buf, run);
        } else {
            buf.text.extend_from_slice(run);
        }
        buf.spans.push_step(base, run.len() as u32);
        return;
    }
    let mut i = 0;
    while i < run.len() {
        let mut j = i;
        while j < run.len() {
            let b = run[j];
            if b > b' ' {
                after_space = false;
                j += 1;
                continue;
            }
            if is_ascii_space(b) {
                if b != b' ' || after_space {
                    break;
                }
                after_space = true;
            } else {
                after_space = false;
            }
            j += 1;
        }
        let part = &run[i..j];
        if lower {
            extend_lowered(buf, part);
        } else {
            buf.text.extend_from_slice(part);
        }
        buf.spans.push_step(base + i as u32, part.len() as u32);
        if j < run.len() {
            let at = base + j as u32;
            // Now the text is empty or ends with a space: either way the next space joins.
            buf.push_space(at, at + 1);
            after_space = true;
            j += 1;
        }
        i = j;
    }
}

/// Appends ASCII `bytes` lowercased, with their capital flags (no spans): written as loops over
/// slices so that they vectorise.
fn extend_lowered(buf: &mut Buf, bytes: &[u8]) {
    let start = buf.text.len();
    buf.text.extend_from_slice(bytes);
    buf.text[start..].make_ascii_lowercase();
    if buf.track_upper {
        let start = buf.upper.len();
        buf.upper.resize(start + bytes.len(), false);
        for (u, b) in buf.upper[start..].iter_mut().zip(bytes) {
            *u = b.is_ascii_uppercase();
        }
    }
}

/// Appends one ASCII char (from a segment that NFKC left alone).
fn push_ascii(buf: &mut Buf, b: u8, start: u32, lower: bool) {
    push_ascii_run(buf, &[b], start, lower);
}

/// Whether `c` cannot combine with what precedes it under NFKC, so a new segment starts here
/// (every char out of the tables' scope counts as a starter).
fn starts_segment(c: char) -> bool {
    c.is_ascii() || tables::ccc(c) == 0
}

fn flush_segment(seg: &mut Vec<char>, start: u32, end: u32, buf: &mut Buf, lower: bool) {
    match seg.as_slice() {
        [] => return,
        [c] if c.is_ascii() => push_ascii(buf, *c as u8, start, lower),
        [c] if !tables::decompose(*c, |_| {}) => push_char(buf, *c, start, end, lower),
        _ => {
            let mut out = Vec::with_capacity(seg.len() + 4);
            tables::nfkc_segment(seg, &mut out);
            for c in out {
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
    } else {
        tables::fold(c, |d, upper| buf.push_char(d, span, upper));
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
    let mut out = Buf::with_capacity(n + 16, true);
    let mut i = 0;
    while i < n {
        let run = ascii_prefix_len(&t[i..]);
        if run > 0 {
            let bytes = &t[i..i + run];
            // After a dropped char the run may start with a space that must join.
            let after_space = !matches!(out.text.last(), Some(&b) if b != b' ');
            let (first, rest) = if bytes[0] == b' ' && after_space {
                let span = src.spans.get(i);
                out.push_space(span.0, span.1);
                (1, &bytes[1..])
            } else {
                (0, bytes)
            };
            extend_lowered(&mut out, rest);
            out.spans.extend_from(&src.spans, i + first, i + run);
            i += run;
            continue;
        }
        let (c, width) = char_at(t, i);
        let span = src.spans.get(i);
        tables::fold(c, |d, upper| out.push_char(d, span, upper));
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
    let lead = buf
        .text
        .iter()
        .fold(false, |acc, &b| acc | (b.wrapping_sub(0xCD) <= 0xD4 - 0xCD));
    let buf = if lead { map_lookalikes(buf) } else { buf };
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
                    Some(l) => out.push_byte(l as u8, buf.spans.get(k), buf.upper[k]),
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
    // Below this byte every step takes the general path below; at or past it, 8 bytes at a time
    // are first tried as a stretch in which that path would change nothing (`quiet_block`).
    let mut general_until = 0;
    while i < n {
        if i >= general_until {
            if let Some(block) = buf.text.get(i..i + 8) {
                match quiet_block(u64::from_le_bytes(block.try_into().expect("8 bytes"))) {
                    Quiet::Skip(k) => {
                        i += k;
                        continue;
                    }
                    Quiet::General(k) => general_until = i + k + 1,
                }
            }
        }
        let b = buf.text[i];
        // ASCII that starts neither a word nor a hashtag: the common case between words.
        if b < 0x80 && b != b'#' && ASCII_CLASS[usize::from(b)] == 0 {
            i += 1;
            continue;
        }
        let (c, width) = char_at(&buf.text, i);
        // Words are consumed whole, so an alphanumeric char here always starts one.
        if is_alnum(c) {
            // An acronym starts with a single letter and a separator (see `find_acronym`).
            let acronym = if i + 2 < n && matches!(buf.text[i + 1], b'.' | b' ' | b'-' | b'_') {
                find_acronym(&buf.text, i)
            } else {
                None
            };
            if let Some(acronym) = acronym {
                let out = rewrite.out_upto(&buf, i);
                for m in 0..acronym.letters {
                    let k = i + 2 * m;
                    out.push_byte(buf.text[k], buf.spans.get(k), buf.upper[k]);
                }
                if let Some(dot) = acronym.dot {
                    out.widen_last(buf.spans.get(dot).1);
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
                let b = buf.text[end];
                if ASCII_CLASS[usize::from(b)] != 0 || b == b'_' {
                    end += 1;
                    continue;
                }
                let (c, width) = char_at(&buf.text, end);
                if !is_alnum(c) {
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

/// What [`quiet_block`] found in 8 bytes of the folded text.
#[derive(Debug, PartialEq, Eq)]
enum Quiet {
    /// The general path would change nothing in the first `k` bytes (1..=8), and byte `k` (if
    /// `k < 8`) starts a word: go there.
    Skip(usize),
    /// Byte `k` of the block (or a word that starts there) may need the general path: take it
    /// up to and including that byte.
    General(usize),
}

/// Whether [`fold_words`] can step over 8 bytes (`block`, little-endian, starting where its loop
/// stands: at a word's start or outside a word) without looking at them one by one: most of a
/// caption is plain words and spaces, and only hashtags, words with digits or `@$!`, single
/// letters followed by a separator (spaced acronyms) and non-ASCII chars can change. A stretch of
/// ASCII with none of those is left as it is; the word that runs into the next block is left to
/// the next step, from its start. Each byte is tested with the carry-free SWAR tricks for ASCII
/// (exact per byte when no byte has its high bit set, which is checked first).
#[inline(always)]
fn quiet_block(block: u64) -> Quiet {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    let first = |mask: u64| mask.trailing_zeros() as usize / 8;
    if block & HIGH != 0 {
        return Quiet::General(first(block & HIGH));
    }
    // Per byte, the high bit set when the byte is `>= lo` (every byte is below 0x80, so adding
    // never carries into the next byte), or within `lo..=hi`.
    let at_least = |word: u64, lo: u8| word.wrapping_add(ONES * u64::from(0x80 - lo)) & HIGH;
    let within = |word: u64, lo: u8, hi: u8| at_least(word, lo) & !at_least(word, hi + 1);
    // `| 0x20` turns A-Z into a-z and nothing else into a-z.
    let letters = within(block | (ONES * 0x20), b'a', b'z');
    // Digits, `! " # $` (the quote needlessly, it is rare) and `@`.
    let at = !((block ^ (ONES * u64::from(b'@'))).wrapping_add(ONES * 0x7F)) & HIGH;
    let special = within(block, b'0', b'9') | within(block, b'!', b'$') | at;
    if special != 0 {
        return Quiet::General(first(special));
    }
    // Word starts: a letter after a non-letter (the block's first byte is at a word's start or
    // outside a word, so a letter there starts one).
    let starts = letters & !(letters << 8);
    // A single letter followed by a separator may begin a spaced acronym ("a.d.h.d"); taken as
    // any non-letter after it (a word of one letter is rare, the general path sorts it out).
    let singles = starts & ((!letters & HIGH) >> 8);
    if singles != 0 {
        return Quiet::General(first(singles));
    }
    if letters >> 63 == 0 {
        return Quiet::Skip(8);
    }
    // The last byte is in a word that may go on: stop at its start.
    match (63 - starts.leading_zeros() as usize) / 8 {
        0 => Quiet::General(0),
        k => Quiet::Skip(k),
    }
}

/// [`ASCII_CLASS`] of an ASCII letter.
const LETTER: u8 = 1;
/// [`ASCII_CLASS`] of an ASCII digit.
const DIGIT: u8 = 2;

/// Per byte: `LETTER`, `DIGIT` or 0 (anything else, non-ASCII bytes included): one load instead
/// of range tests in the loops that walk words.
static ASCII_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = if (b as u8).is_ascii_alphabetic() {
            LETTER
        } else if (b as u8).is_ascii_digit() {
            DIGIT
        } else {
            0
        };
        b += 1;
    }
    t
};

/// End of the word starting at byte `start`: letters and digits, continued across up to two
/// leet symbols between letters ("unal!ve"); and whether it holds a digit or symbol that
/// leetspeak could have put there.
fn word_end(text: &[u8], start: usize) -> (usize, bool) {
    let n = text.len();
    let mut j = start;
    // `classes` collects the ASCII classes seen (a digit may be leetspeak).
    let mut classes = 0u8;
    let mut maybe_leet = false;
    loop {
        loop {
            // ASCII letters and digits, one table load each; then a non-ASCII letter or digit
            // continues the word.
            while let Some(&b) = text.get(j) {
                let class = ASCII_CLASS[usize::from(b)];
                if class == 0 {
                    break;
                }
                classes |= class;
                j += 1;
            }
            if j < n && text[j] >= 0x80 {
                let (c, width) = char_at(text, j);
                if is_alnum(c) {
                    j += width;
                    continue;
                }
            }
            break;
        }
        maybe_leet |= classes & DIGIT != 0;
        if j > start
            && j < n
            && matches!(text[j], b'@' | b'$' | b'!')
            && char_before(text, j).is_some_and(char::is_alphabetic)
        {
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
                out.widen_last(buf.spans.get(j - 1).1);
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
        words.segment_remembered(&buf.text[start..end], &buf.upper[start..end], cuts)
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
        let pos = buf.spans.get(at).0;
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
    // A join needs a capital, a dot and a capital in a row; most text has none, which a loop
    // that vectorises (no early exit) tells at a fraction of the cost of the walk below.
    let pair = text
        .iter()
        .zip(text.get(1..).unwrap_or_default())
        .zip(text.get(2..).unwrap_or_default())
        .fold(false, |any, ((&a, &dot), &b)| {
            any | ((dot == b'.') & a.is_ascii_uppercase() & b.is_ascii_uppercase())
        });
    if !pair {
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
        // A run starts at a capital followed by a dot: go to the byte before the next dot.
        let Some(off) = text
            .get(i + 1..)
            .and_then(|t| t.iter().position(|&b| b == b'.'))
        else {
            break;
        };
        i += off;
        if !(text[i].is_ascii_uppercase()
            && i + 2 < n
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
            out.push_byte(text[m], buf.spans.get(m), false);
        }
        let mut next = k + 1;
        if next < n && text[next] == b'.' && !alnum_at(text, next + 1) {
            out.widen_last(buf.spans.get(next).1);
            next += 1;
        }
        rewrite.skip_to(next);
        i = next;
    }
    rewrite.finish(buf)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod ascii_prefix_tests {
    use super::ascii_prefix_len;

    #[test]
    fn ascii_prefix_len_finds_the_first_non_ascii_byte_at_every_offset() {
        for len in 0..40 {
            let ascii = vec![b'a'; len];
            assert_eq!(ascii_prefix_len(&ascii), len);
            for at in 0..len {
                let mut bytes = ascii.clone();
                bytes[at] = 0xC3;
                assert_eq!(ascii_prefix_len(&bytes), at, "{len} {at}");
            }
        }
    }
}
