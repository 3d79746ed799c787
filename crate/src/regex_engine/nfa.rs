//! The syntax tree compiled to a Thompson NFA over bytes, forward (with capture slots) or
//! reversed (to find where a match found forward starts).
//!
//! Why bytes: the texts are UTF-8 and the lazy DFA steps one byte at a time; a class with
//! characters beyond ASCII becomes alternatives of UTF-8 byte sequences. Byte sets are
//! deduplicated into one table, from which the DFA's byte equivalence classes are computed (bytes
//! no set tells apart share a column of the transition table).

use std::hash::BuildHasherDefault;

use super::dfa::KeyHasher;
use super::syntax::{Ast, Look};

/// Index of an NFA state.
pub(crate) type StateId = u32;

/// One NFA state.
#[derive(Clone, Debug)]
pub(crate) enum State {
    /// Consumes one byte in set `set` (an index into [`Nfa::sets`]).
    Byte {
        set: u32,
        next: StateId,
    },
    /// Tries each target in order (earlier ones have priority).
    Alt(Vec<StateId>),
    /// Goes on only where the assertion holds.
    Look {
        look: Look,
        next: StateId,
    },
    /// Records the position in capture slot `slot` (group `slot / 2`); ignored by the DFA.
    Save {
        slot: u32,
        next: StateId,
    },
    Match,
}

/// A compiled NFA.
pub(crate) struct Nfa {
    pub states: Vec<State>,
    /// Byte sets as 256-bit masks.
    pub sets: Vec<[u64; 4]>,
    /// Where an anchored search starts.
    pub start: StateId,
    /// Where an unanchored search starts: `start` first, else skip one byte and try again.
    pub start_unanchored: StateId,
    /// Byte to equivalence class, and the number of classes.
    pub classes: [u8; 256],
    pub class_count: usize,
    /// Whether the NFA has a `\b`/`\B`, and `^`, and `$`.
    pub has_word: bool,
    pub has_start: bool,
    pub has_end: bool,
}

impl Nfa {
    /// Whether byte `b` is in set `set`.
    #[inline]
    pub fn contains(&self, set: u32, b: u8) -> bool {
        self.sets[set as usize][usize::from(b >> 6)] >> (b & 63) & 1 != 0
    }
}

/// Whether `b` is an ASCII word byte (`[0-9A-Za-z_]`).
#[inline]
pub(crate) fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Compiles `ast`; `reverse` reads every concatenation backwards and leaves captures out.
/// Fails when the NFA would have more than `max_states` states.
pub(crate) fn compile(ast: &Ast, reverse: bool, max_states: usize) -> Result<Nfa, String> {
    let mut c = Compiler {
        states: Vec::new(),
        sets: Vec::new(),
        set_index: std::collections::HashMap::default(),
        reverse,
        max_states,
        has_word: false,
        has_start: false,
        has_end: false,
    };
    let done = c.push(State::Match)?;
    let start = c.node(ast, done)?;
    // The unanchored prefix `(?s-u:.)*?`: try the pattern here first, else skip a byte.
    let any = c.set([u64::MAX; 4]);
    let start_unanchored = c.push(State::Alt(Vec::new()))?;
    let skip = c.push(State::Byte {
        set: any,
        next: start_unanchored,
    })?;
    c.states[start_unanchored as usize] = State::Alt(vec![start, skip]);
    let (classes, class_count) = byte_classes(&c.sets, c.has_word);
    Ok(Nfa {
        states: c.states,
        sets: c.sets,
        start,
        start_unanchored,
        classes,
        class_count,
        has_word: c.has_word,
        has_start: c.has_start,
        has_end: c.has_end,
    })
}

struct Compiler {
    states: Vec<State>,
    sets: Vec<[u64; 4]>,
    set_index: std::collections::HashMap<[u64; 4], u32, BuildHasherDefault<KeyHasher>>,
    reverse: bool,
    max_states: usize,
    has_word: bool,
    has_start: bool,
    has_end: bool,
}

impl Compiler {
    fn push(&mut self, s: State) -> Result<StateId, String> {
        if self.states.len() >= self.max_states {
            return Err(format!(
                "compiled regex exceeds size limit of {} states",
                self.max_states
            ));
        }
        self.states.push(s);
        Ok((self.states.len() - 1) as StateId)
    }

    fn set(&mut self, mask: [u64; 4]) -> u32 {
        let next = self.sets.len() as u32;
        *self.set_index.entry(mask).or_insert_with(|| {
            self.sets.push(mask);
            next
        })
    }

    fn byte(&mut self, lo: u8, hi: u8, next: StateId) -> Result<StateId, String> {
        let mut mask = [0u64; 4];
        for b in lo..=hi {
            mask[usize::from(b >> 6)] |= 1 << (b & 63);
        }
        let set = self.set(mask);
        self.push(State::Byte { set, next })
    }

    /// Compiles `ast` so that it continues at `next`; returns its first state.
    fn node(&mut self, ast: &Ast, next: StateId) -> Result<StateId, String> {
        match ast {
            Ast::Empty => Ok(next),
            Ast::Class(ranges) => self.class(ranges, next),
            Ast::Look(look) => {
                match look {
                    Look::Word | Look::NotWord => self.has_word = true,
                    Look::Start => self.has_start = true,
                    Look::End => self.has_end = true,
                }
                self.push(State::Look { look: *look, next })
            }
            Ast::Group(Some(i), inner) if !self.reverse => {
                let close = self.push(State::Save {
                    slot: i * 2 + 1,
                    next,
                })?;
                let body = self.node(inner, close)?;
                self.push(State::Save {
                    slot: i * 2,
                    next: body,
                })
            }
            Ast::Group(_, inner) => self.node(inner, next),
            Ast::Concat(items) => {
                let mut at = next;
                if self.reverse {
                    for item in items {
                        at = self.node(item, at)?;
                    }
                } else {
                    for item in items.iter().rev() {
                        at = self.node(item, at)?;
                    }
                }
                Ok(at)
            }
            Ast::Alt(alts) => {
                let mut targets = Vec::with_capacity(alts.len());
                for a in alts {
                    targets.push(self.node(a, next)?);
                }
                self.push(State::Alt(targets))
            }
            Ast::Repeat {
                ast,
                min,
                max,
                greedy,
            } => {
                let order = |body: StateId, out: StateId| {
                    if *greedy {
                        vec![body, out]
                    } else {
                        vec![out, body]
                    }
                };
                match max {
                    // `x*` as `regex` compiles it: a loop when `x` cannot match the empty
                    // string, else `(?:x+)?`, which keeps the priority of an empty `x` right
                    // (rust-lang/regex#779).
                    None if *min == 0 => {
                        if min_len(ast).is_some_and(|n| n > 0) {
                            let head = self.push(State::Alt(Vec::new()))?;
                            let body = self.node(ast, head)?;
                            self.states[head as usize] = State::Alt(order(body, next));
                            Ok(head)
                        } else {
                            let body = self.plus(ast, next, &order)?;
                            self.push(State::Alt(order(body, next)))
                        }
                    }
                    // `x{n,}`: `x{n-1}` then `x+`.
                    None => {
                        let mut at = self.plus(ast, next, &order)?;
                        for _ in 1..*min {
                            at = self.node(ast, at)?;
                        }
                        Ok(at)
                    }
                    // `x{n,m}`: `x{n}`, then `m - n` nested optional copies.
                    Some(max) => {
                        let mut at = next;
                        for _ in *min..*max {
                            let body = self.node(ast, at)?;
                            at = self.push(State::Alt(order(body, next)))?;
                        }
                        for _ in 0..*min {
                            at = self.node(ast, at)?;
                        }
                        Ok(at)
                    }
                }
            }
        }
    }

    /// `x+`: `x`, then a choice between `x` again and `next` (in `order`); returns `x`'s start.
    fn plus(
        &mut self,
        ast: &Ast,
        next: StateId,
        order: &dyn Fn(StateId, StateId) -> Vec<StateId>,
    ) -> Result<StateId, String> {
        let again = self.push(State::Alt(Vec::new()))?;
        let body = self.node(ast, again)?;
        self.states[again as usize] = State::Alt(order(body, next));
        Ok(body)
    }

    /// A set of code points as UTF-8 byte sequences.
    fn class(&mut self, ranges: &[(u32, u32)], next: StateId) -> Result<StateId, String> {
        let mut ascii = [0u64; 4];
        let mut sequences: Vec<Vec<(u8, u8)>> = Vec::new();
        for &(lo, hi) in ranges {
            for b in lo..=hi.min(0x7F) {
                ascii[(b >> 6) as usize] |= 1 << (b & 63);
            }
        }
        // Every code point beyond ASCII (a negated class, `.`): the texts are valid UTF-8, so a
        // lead byte and its continuation bytes are enough.
        if covers_all_beyond_ascii(ranges) {
            sequences.push(vec![(0xC0, 0xDF), (0x80, 0xBF)]);
            sequences.push(vec![(0xE0, 0xEF), (0x80, 0xBF), (0x80, 0xBF)]);
            sequences.push(vec![(0xF0, 0xF7), (0x80, 0xBF), (0x80, 0xBF), (0x80, 0xBF)]);
        } else {
            for &(lo, hi) in ranges {
                if hi >= 0x80 {
                    utf8_sequences(lo.max(0x80), hi, &mut sequences);
                }
            }
        }
        let mut targets = Vec::new();
        if ascii != [0; 4] {
            let set = self.set(ascii);
            targets.push(self.push(State::Byte { set, next })?);
        }
        for seq in &sequences {
            let mut at = next;
            if self.reverse {
                for &(lo, hi) in seq {
                    at = self.byte(lo, hi, at)?;
                }
            } else {
                for &(lo, hi) in seq.iter().rev() {
                    at = self.byte(lo, hi, at)?;
                }
            }
            targets.push(at);
        }
        match targets.len() {
            // The empty class matches nothing.
            0 => self.push(State::Alt(Vec::new())),
            1 => Ok(targets[0]),
            _ => self.push(State::Alt(targets)),
        }
    }
}

/// The shortest string `ast` matches, in bytes; `None` when it matches nothing.
fn min_len(ast: &Ast) -> Option<u32> {
    match ast {
        Ast::Empty | Ast::Look(_) => Some(0),
        Ast::Class(ranges) => {
            let lo = ranges.iter().map(|r| r.0).min()?;
            Some(char::from_u32(lo).map_or(1, |c| c.len_utf8() as u32))
        }
        Ast::Group(_, inner) => min_len(inner),
        Ast::Concat(items) => items
            .iter()
            .try_fold(0u32, |sum, a| Some(sum.saturating_add(min_len(a)?))),
        Ast::Alt(alts) => alts.iter().filter_map(min_len).min(),
        Ast::Repeat { min: 0, .. } => Some(0),
        Ast::Repeat { ast, min, .. } => min_len(ast).map(|n| n.saturating_mul(*min)),
    }
}

/// Whether `ranges` (canonical) hold every code point from U+0080 up, surrogates aside.
fn covers_all_beyond_ascii(ranges: &[(u32, u32)]) -> bool {
    let mut next = 0x80;
    for &(lo, hi) in ranges {
        if hi < next {
            continue;
        }
        if lo > next && !(next == 0xD800 && lo <= 0xE000) {
            return false;
        }
        next = hi + 1;
    }
    next > 0x10FFFF
}

/// Splits the code points `lo..=hi` (all ≥ U+0080) into UTF-8 byte-range sequences, each
/// matching exactly the encodings of a sub-range (RE2's and `regex-syntax`'s construction).
fn utf8_sequences(lo: u32, hi: u32, out: &mut Vec<Vec<(u8, u8)>>) {
    if lo > hi {
        return;
    }
    // Surrogates are not characters.
    if lo < 0xE000 && hi >= 0xD800 {
        if lo < 0xD800 {
            utf8_sequences(lo, 0xD7FF, out);
        }
        if hi > 0xDFFF {
            utf8_sequences(0xE000, hi, out);
        }
        return;
    }
    // One encoded length at a time.
    for max in [0x7F, 0x7FF, 0xFFFF] {
        if lo <= max && hi > max {
            utf8_sequences(lo, max, out);
            utf8_sequences(max + 1, hi, out);
            return;
        }
    }
    let len = encode(lo).len();
    for i in 1..len {
        let m: u32 = (1 << (6 * i)) - 1;
        if lo & !m != hi & !m {
            if lo & m != 0 {
                utf8_sequences(lo, lo | m, out);
                utf8_sequences((lo | m) + 1, hi, out);
                return;
            }
            if hi & m != m {
                utf8_sequences(lo, (hi & !m) - 1, out);
                utf8_sequences(hi & !m, hi, out);
                return;
            }
        }
    }
    let (a, b) = (encode(lo), encode(hi));
    out.push(a.iter().zip(b.iter()).map(|(&x, &y)| (x, y)).collect());
}

fn encode(cp: u32) -> Vec<u8> {
    let mut buf = [0u8; 4];
    char::from_u32(cp)
        .map(|c| c.encode_utf8(&mut buf).as_bytes().to_vec())
        .unwrap_or_default()
}

/// The byte equivalence classes: bytes that every set (and, when the NFA reads word
/// boundaries, the word-character test) treats alike share a class.
fn byte_classes(sets: &[[u64; 4]], word: bool) -> ([u8; 256], usize) {
    let mut word_mask = [0u64; 4];
    if word {
        for b in 0..=255u8 {
            if is_word(b) {
                word_mask[usize::from(b >> 6)] |= 1 << (b & 63);
            }
        }
    }
    let masks = || std::iter::once(&word_mask).filter(|_| word).chain(sets);
    // First the runs of bytes between two places where any set starts or stops (a 256-bit
    // `m ^ (m >> 1)` per set); then those runs are grouped by membership, one run each instead
    // of one byte each.
    let mut boundary = [0u64; 4];
    for m in masks() {
        for w in 0..4 {
            let carry = if w < 3 { m[w + 1] << 63 } else { 0 };
            boundary[w] |= m[w] ^ ((m[w] >> 1) | carry);
        }
    }
    boundary[3] &= !(1 << 63);
    let mut run_of = [0u8; 256];
    let mut runs = vec![0u8];
    for b in 0..=255u8 {
        run_of[usize::from(b)] = (runs.len() - 1) as u8;
        if boundary[usize::from(b >> 6)] >> (b & 63) & 1 != 0 {
            runs.push(b + 1);
        }
    }
    let mut class = vec![0u16; runs.len()];
    let mut count = 1usize;
    let mut map = Vec::new();
    for m in masks() {
        // New class for (old class, member) pairs, numbered in byte order.
        map.clear();
        map.resize(count * 2, u16::MAX);
        let mut n = 0u16;
        for (c, &first) in class.iter_mut().zip(&runs) {
            let member = m[usize::from(first >> 6)] >> (first & 63) & 1;
            let key = usize::from(*c) * 2 + member as usize;
            if map[key] == u16::MAX {
                map[key] = n;
                n += 1;
            }
            *c = map[key];
        }
        count = usize::from(n);
    }
    let mut out = [0u8; 256];
    for (o, r) in out.iter_mut().zip(run_of) {
        *o = class[usize::from(r)] as u8;
    }
    (out, count)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code point in a range is encoded by exactly one sequence, and nothing else is.
    #[test]
    fn utf8_sequences_cover_exactly() {
        for (lo, hi) in [
            (0x80, 0x10FFFF),
            (0xE9, 0xE9),
            (0x7FF, 0x800),
            (0xD000, 0xE100),
        ] {
            let mut seqs = Vec::new();
            utf8_sequences(lo, hi, &mut seqs);
            for cp in (lo..=hi).step_by(7).chain([lo, hi]) {
                let e = encode(cp);
                let n = seqs
                    .iter()
                    .filter(|s| {
                        s.len() == e.len() && s.iter().zip(&e).all(|(&(a, b), &x)| a <= x && x <= b)
                    })
                    .count();
                assert_eq!(n, usize::from(!e.is_empty()), "U+{cp:X}");
            }
        }
    }

    #[test]
    fn classes_split_only_where_needed() {
        let p = super::super::syntax::parse(r"[a-z]+(?-u:\b)").unwrap();
        let nfa = compile(&p.ast, false, 1000).unwrap();
        // a-z (word), other word bytes, non-word bytes.
        assert_eq!(nfa.class_count, 3);
        assert_eq!(nfa.classes[b'a' as usize], nfa.classes[b'q' as usize]);
        assert_ne!(nfa.classes[b'a' as usize], nfa.classes[b'A' as usize]);
        assert_ne!(nfa.classes[b'A' as usize], nfa.classes[b' ' as usize]);
    }

    /// The run-based computation gives exactly the byte-by-byte partition (bytes alike in every
    /// set share a class), numbered in byte order.
    #[test]
    fn byte_classes_are_the_coarsest_partition() {
        for pattern in [
            r"(?-u:\b)(?:self[- ]?harm[0-9A-Za-z_]*|cut(?:ting)?)[\t\n\x0B\x0C\r ]+[^.!?\n]{0,40}?é",
            "[a-cx-z]+[^b]",
            "",
        ] {
            let p = super::super::syntax::parse(pattern).unwrap();
            let nfa = compile(&p.ast, false, 100_000).unwrap();
            let mut seen: Vec<Vec<bool>> = Vec::new();
            for b in 0..=255u8 {
                let mut sig: Vec<bool> = nfa
                    .sets
                    .iter()
                    .map(|s| s[usize::from(b >> 6)] >> (b & 63) & 1 != 0)
                    .collect();
                sig.push(nfa.has_word && is_word(b));
                let id = seen.iter().position(|x| *x == sig).unwrap_or_else(|| {
                    seen.push(sig);
                    seen.len() - 1
                });
                assert_eq!(
                    usize::from(nfa.classes[usize::from(b)]),
                    id,
                    "{pattern}: byte {b}"
                );
            }
            assert_eq!(nfa.class_count, seen.len());
        }
    }

    #[test]
    fn size_limit() {
        let p = super::super::syntax::parse("[a-z]{1000}").unwrap();
        assert!(compile(&p.ast, false, 500)
            .err()
            .unwrap()
            .contains("size limit"));
    }
}
