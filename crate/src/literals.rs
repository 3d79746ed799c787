//! Many literal strings found at once, overlapping: the Aho-Corasick automaton the matcher's anchor
//! pass and ignored phrases run on.
//!
//! Why our own and not the `aho-corasick` crate: the engine needs one thing from it (standard,
//! case-sensitive, overlapping matches through a full DFA), and the crate's generality (three
//! automaton kinds, leftmost semantics, prefilters, streams, its builders' and errors' formatting)
//! weighed 72 KB of the optimised `.wasm` (27 KB gzip), and its DFA took ~6x the instructions
//! to build and ~1.8x to search (BENCHMARKS.md). This module is that one thing, built the
//! textbook way: a trie with failure links, compiled into a DFA over byte classes, with each
//! state's matches flattened into one list. It reports exactly what
//! `aho_corasick::AhoCorasick::find_overlapping_iter` reports under `MatchKind::Standard`, in the
//! same order (at each end position, the pattern that ends at the deepest state first, the same
//! pattern added twice by its order of addition, then the shorter ones reached by failure links);
//! the tests below hold it to the crate, which stays a dev-dependency as the oracle.

/// A compiled set of literal byte strings. Immutable once built, `Send + Sync`.
pub struct Literals {
    /// Byte to equivalence class: every byte some pattern holds has its own class, every other
    /// byte shares one (no pattern can tell them apart).
    classes: [u8; 256],
    /// Row length of `trans`: the classes plus one column that holds, for a match state, where its
    /// matches start in `outputs`.
    stride: u32,
    /// The DFA: `trans[sid + class]` is the next state. State ids are premultiplied by `stride`
    /// (a row's offset), so a step is one add and one load; the match states come first, so "is
    /// this a match state" is `sid < match_limit`.
    trans: Vec<u32>,
    /// The first state id that is not a match state.
    match_limit: u32,
    /// The start state's id.
    start: u32,
    /// Per match state, its matches: a count, then that many pattern ids, in report order.
    outputs: Vec<u32>,
    /// Per pattern, its length in bytes (a match's start is its end minus this).
    lens: Vec<u32>,
    /// How to skip, eight bytes at a time, text that keeps the start state where it is, when few
    /// bytes can leave it (see [`Skip`]).
    skip: Option<Skip>,
}

/// The bytes that can leave the start state, as at most two ranges of ASCII values, tested eight
/// bytes at a time. Worth it only when those bytes are rare in text: the cased text's anchors
/// start with a capital or with `c`/`d` (90 % of its bytes find the automaton in its start
/// state, 82 % leave it there), the folded text's with almost any letter (14 %), so an automaton
/// gets one only when no byte above 0x7F and at most 32 ASCII values leave its start state.
#[derive(Clone, Copy)]
struct Skip {
    /// Per range `lo..=hi`, `128 - lo` in every byte: adding it to a byte's low seven bits sets
    /// the byte's top bit when the byte is at least `lo`. An unused range has 0 (never).
    at_least: [u64; 2],
    /// Per range, `127 - hi` in every byte: the sum's top bit is set when the byte is above `hi`.
    above: [u64; 2],
}

/// 0x01 in every byte of a word.
const ONES: u64 = u64::from_le_bytes([1; 8]);
/// The top bit of every byte of a word.
const TOPS: u64 = ONES * 0x80;

impl Skip {
    /// The skip for a start state that `leaves` (per byte value) can leave, if one is worth it.
    fn new(leaves: &[bool; 256]) -> Option<Skip> {
        if leaves[128..].iter().any(|&l| l) {
            return None;
        }
        // The ASCII values that leave, as two ranges split at the widest gap between two of
        // them (a wider range only stops the skip at a byte the automaton then reads itself).
        let mut first = None;
        let mut last = 0u8;
        let mut gap = (0u8, 0u8);
        for b in 0..128u8 {
            if leaves[b as usize] {
                if first.is_none() {
                    first = Some(b);
                } else if b - last > gap.1 - gap.0 {
                    gap = (last, b);
                }
                last = b;
            }
        }
        let mut skip = Skip {
            at_least: [0; 2],
            above: [0; 2],
        };
        let Some(lo) = first else {
            return Some(skip);
        };
        // One range when no value is missing between the first and the last (the second is
        // then the same one again).
        let ranges = if gap.1 - gap.0 > 1 {
            [(lo, gap.0), (gap.1, last)]
        } else {
            [(lo, last); 2]
        };
        let covered = u32::from(last - lo) + 1 - u32::from(gap.1 - gap.0).saturating_sub(1);
        if covered > 32 {
            return None;
        }
        for (i, &(lo, hi)) in ranges.iter().enumerate() {
            skip.at_least[i] = ONES * u64::from(128 - lo);
            skip.above[i] = ONES * u64::from(127 - hi);
        }
        Some(skip)
    }

    /// The top bit of each byte of `x` (eight text bytes, the first lowest) that is in a range:
    /// for an ASCII byte `b`, `(b + 128 - lo)` reaches 128 when `b >= lo` and `(b + 127 - hi)`
    /// stays below 128 when `b <= hi`; no sum carries into the next byte; other bytes never hit.
    #[inline]
    fn hits(&self, x: u64) -> u64 {
        let low = x & !TOPS;
        let mut hit = 0;
        for i in 0..2 {
            hit |= low.wrapping_add(self.at_least[i]) & !low.wrapping_add(self.above[i]);
        }
        hit & !x & TOPS
    }

    /// The first position from `pos` whose byte may leave the start state, or the text's end.
    #[inline]
    fn next(&self, haystack: &[u8], pos: usize) -> usize {
        let rest = &haystack[pos..];
        let mut words = rest.chunks_exact(8);
        let mut at = pos;
        for w in words.by_ref() {
            let x = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
            let hit = self.hits(x);
            if hit != 0 {
                return at + (hit.trailing_zeros() / 8) as usize;
            }
            at += 8;
        }
        for &b in words.remainder() {
            if self.hits(u64::from(b)) != 0 {
                return at;
            }
            at += 1;
        }
        at
    }
}

/// One match: pattern `pattern` (its index in the list given to [`Literals::new`]) occupies
/// `haystack[start..end]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LiteralMatch {
    /// Index of the pattern in the list the automaton was built from.
    pub pattern: usize,
    /// Byte offset where the match starts.
    pub start: usize,
    /// Byte offset just past the match.
    pub end: usize,
}

impl Literals {
    /// Builds the automaton for `patterns` (any bytes; duplicates allowed, each reported under
    /// its own index). The callers' patterns are anchors, keywords and ignored phrases, never
    /// empty: an empty pattern would match between every two bytes, so it is refused.
    ///
    /// # Panics
    /// On an empty pattern, or on more pattern bytes than a `u32` state id can address
    /// (~16 million with every byte value in use; the configuration caps keywords far below).
    pub fn new(patterns: &[&[u8]]) -> Literals {
        assert!(
            patterns.iter().all(|p| !p.is_empty()),
            "an empty literal would match everywhere"
        );
        // Byte classes: one per byte in use, one for all the others (if any).
        let mut used = [false; 256];
        for p in patterns {
            for &b in *p {
                used[b as usize] = true;
            }
        }
        let mut classes = [0u8; 256];
        let mut next = 0usize;
        let mut unused_class = None;
        for b in 0..256 {
            let class = if used[b] {
                next += 1;
                next - 1
            } else {
                *unused_class.get_or_insert_with(|| {
                    next += 1;
                    next - 1
                })
            };
            // At most 256 classes, numbered from 0: fits a byte.
            classes[b] = class as u8;
        }
        let width = next; // number of classes
        let stride = width + 1;
        let total: usize = patterns.iter().map(|p| p.len()).sum();
        assert!(
            (total + 1) * stride <= u32::MAX as usize,
            "too many literal bytes for 32-bit state ids"
        );

        // The trie, in a dense table of state indices (0 is the start state, which no edge leads
        // back to, so 0 also means "no edge" until the rows are completed below).
        let mut trans: Vec<u32> = vec![0; stride];
        // Per state, the first pattern that ends there (+1; 0 for none); per pattern, the next
        // one ending at the same state (+1), so each state's own patterns keep their order.
        let mut own_first: Vec<u32> = vec![0];
        let mut own_next: Vec<u32> = vec![0; patterns.len()];
        let mut lens = Vec::with_capacity(patterns.len());
        let mut ends = Vec::with_capacity(patterns.len());
        for p in patterns {
            let mut s = 0usize;
            for &b in *p {
                let at = s * stride + classes[b as usize] as usize;
                s = match trans[at] {
                    0 => {
                        let n = own_first.len();
                        trans[at] = n as u32;
                        trans.resize(trans.len() + stride, 0);
                        own_first.push(0);
                        n
                    }
                    t => t as usize,
                };
            }
            lens.push(p.len() as u32);
            ends.push(s as u32);
        }
        // Link each state's own patterns, last to first, so the lists come out in pattern order.
        for (pid, &s) in ends.iter().enumerate().rev() {
            own_next[pid] = own_first[s as usize];
            own_first[s as usize] = pid as u32 + 1;
        }
        let states = own_first.len();

        // Breadth first: failure links, every missing edge completed from the failure state's
        // (already complete) row, and each state's matches: its own patterns, then its failure
        // state's matches (all shorter suffixes), which is the order `aho-corasick` reports.
        let mut order: Vec<u32> = Vec::with_capacity(states);
        let mut fail: Vec<u32> = vec![0; states];
        // Per state, where its list starts in `outputs` (u32::MAX: no matches).
        let mut out_at: Vec<u32> = vec![u32::MAX; states];
        let mut outputs: Vec<u32> = Vec::new();
        // The start state: its missing edges stay at 0 (itself), its children fail to it, and
        // it has no matches (no pattern is empty).
        order.push(0);
        order.extend(trans[..width].iter().copied().filter(|&t| t != 0));
        // The failure state's row, copied out so that the state's own row can be written.
        let mut fail_row = vec![0u32; width];
        let mut i = 1;
        while i < order.len() {
            let s = order[i] as usize;
            i += 1;
            let f = fail[s] as usize;
            fail_row.copy_from_slice(&trans[f * stride..f * stride + width]);
            let row = &mut trans[s * stride..s * stride + width];
            for (next, &via_fail) in row.iter_mut().zip(&fail_row) {
                if *next == 0 {
                    *next = via_fail;
                } else {
                    fail[*next as usize] = via_fail;
                    order.push(*next);
                }
            }
            // Matches.
            let inherited = out_at[f];
            if own_first[s] != 0 || inherited != u32::MAX {
                let at = outputs.len();
                outputs.push(0);
                let mut pid = own_first[s];
                while pid != 0 {
                    outputs.push(pid - 1);
                    pid = own_next[pid as usize - 1];
                }
                if inherited != u32::MAX {
                    let from = inherited as usize;
                    let n = outputs[from] as usize;
                    outputs.extend_from_within(from + 1..from + 1 + n);
                }
                outputs[at] = (outputs.len() - at - 1) as u32;
                out_at[s] = at as u32;
            }
        }

        // Renumber: match states first (so one comparison tells a match state), each keeping
        // breadth-first order; ids premultiplied by the stride.
        let mut new_index = vec![0u32; states];
        let mut n = 0u32;
        for pass_matches in [true, false] {
            for &s in &order {
                if (out_at[s as usize] != u32::MAX) == pass_matches {
                    new_index[s as usize] = n;
                    n += 1;
                }
            }
        }
        let matches = order
            .iter()
            .filter(|&&s| out_at[s as usize] != u32::MAX)
            .count();
        let mut leaves = [false; 256];
        for (b, l) in leaves.iter_mut().enumerate() {
            *l = trans[classes[b] as usize] != 0;
        }
        let mut table = vec![0u32; states * stride];
        for (s, old) in trans.chunks_exact(stride).enumerate() {
            let row = &mut table[new_index[s] as usize * stride..][..stride];
            for (new, &t) in row.iter_mut().zip(&old[..width]) {
                *new = new_index[t as usize] * stride as u32;
            }
            if out_at[s] != u32::MAX {
                row[width] = out_at[s];
            }
        }
        Literals {
            classes,
            stride: stride as u32,
            trans: table,
            match_limit: (matches * stride) as u32,
            start: new_index[0] * stride as u32,
            outputs,
            lens,
            skip: Skip::new(&leaves),
        }
    }

    /// Every occurrence of every pattern in `haystack`, overlapping ones included: ordered by
    /// end, and at one end as `aho-corasick`'s `find_overlapping_iter` orders them (see the
    /// module's doc).
    pub fn find_overlapping<'a>(&'a self, haystack: &'a [u8]) -> Overlapping<'a> {
        Overlapping {
            lit: self,
            haystack,
            pos: 0,
            sid: self.start,
            next_out: 0,
            left: 0,
        }
    }
}

/// The iterator of [`Literals::find_overlapping`].
pub struct Overlapping<'a> {
    lit: &'a Literals,
    haystack: &'a [u8],
    /// Bytes consumed so far (the end of any match being reported).
    pos: usize,
    /// The current state.
    sid: u32,
    /// Where the next of the current state's matches is in `outputs`.
    next_out: usize,
    /// How many of the current state's matches are still to report.
    left: u32,
}

impl Overlapping<'_> {
    /// Runs the automaton from `self.pos` to the next match state: true when there is one (then
    /// `self.pos` is just past the byte that reached it), false at the end of the text.
    #[inline]
    fn advance(&mut self) -> bool {
        let lit = self.lit;
        if let Some(skip) = lit.skip {
            return self.advance_skipping(skip);
        }
        // The scan runs on locals (the table, the state, the bytes); the state is stored back
        // only when it stops.
        let trans = lit.trans.as_slice();
        let classes = &lit.classes;
        let limit = lit.match_limit;
        let step = |sid: u32, b: u8| trans[(sid + classes[b as usize] as u32) as usize];
        let mut sid = self.sid;
        let rest = &self.haystack[self.pos..];
        // Two bytes a round (half the loop's own work), then the odd one.
        let mut found = None;
        let mut pairs = rest.chunks_exact(2);
        let mut i = 0;
        for pair in pairs.by_ref() {
            let first = step(sid, pair[0]);
            if first < limit {
                sid = first;
                found = Some(i);
                break;
            }
            sid = step(first, pair[1]);
            if sid < limit {
                found = Some(i + 1);
                break;
            }
            i += 2;
        }
        if found.is_none() {
            if let [b] = pairs.remainder() {
                sid = step(sid, *b);
                if sid < limit {
                    found = Some(i);
                }
            }
        }
        self.sid = sid;
        match found {
            Some(i) => {
                self.pos += i + 1;
                true
            }
            None => {
                self.pos = self.haystack.len();
                false
            }
        }
    }

    /// [`Overlapping::advance`] for an automaton with a [`Skip`]: a byte at a time, but text
    /// that leaves the start state where it is is skipped eight bytes at a time. Its own
    /// function, so that the other loop keeps its registers.
    #[inline(never)]
    fn advance_skipping(&mut self, skip: Skip) -> bool {
        let lit = self.lit;
        let trans = lit.trans.as_slice();
        let classes = &lit.classes;
        let limit = lit.match_limit;
        let haystack = self.haystack;
        let mut sid = self.sid;
        let mut pos = self.pos;
        let found = loop {
            if sid == lit.start {
                pos = skip.next(haystack, pos);
            }
            let Some(&b) = haystack.get(pos) else {
                break false;
            };
            pos += 1;
            sid = trans[(sid + classes[b as usize] as u32) as usize];
            if sid < limit {
                break true;
            }
        };
        self.sid = sid;
        self.pos = pos;
        found
    }
}

impl Iterator for Overlapping<'_> {
    type Item = LiteralMatch;

    #[inline]
    fn next(&mut self) -> Option<LiteralMatch> {
        let lit = self.lit;
        if self.left == 0 {
            if !self.advance() {
                return None;
            }
            let at = lit.trans[(self.sid + lit.stride - 1) as usize] as usize;
            self.left = lit.outputs[at];
            self.next_out = at + 1;
        }
        let pattern = lit.outputs[self.next_out] as usize;
        self.next_out += 1;
        self.left -= 1;
        Some(LiteralMatch {
            pattern,
            start: self.pos - lit.lens[pattern] as usize,
            end: self.pos,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasickBuilder, AhoCorasickKind, MatchKind};
    use proptest::prelude::*;

    /// What the `aho-corasick` crate reports, as the engine used to build it (full DFA, standard
    /// semantics) and as it built the ignored phrases' automaton (its default kind).
    fn oracle(patterns: &[&[u8]], haystack: &[u8]) -> Vec<LiteralMatch> {
        let mut runs = Vec::new();
        for kind in [Some(AhoCorasickKind::DFA), None] {
            let ac = AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .kind(kind)
                .build(patterns)
                .unwrap();
            runs.push(
                ac.find_overlapping_iter(haystack)
                    .map(|m| LiteralMatch {
                        pattern: m.pattern().as_usize(),
                        start: m.start(),
                        end: m.end(),
                    })
                    .collect::<Vec<_>>(),
            );
        }
        assert_eq!(runs[0], runs[1], "the oracle's kinds disagree");
        runs.pop().unwrap()
    }

    fn ours(patterns: &[&[u8]], haystack: &[u8]) -> Vec<LiteralMatch> {
        Literals::new(patterns).find_overlapping(haystack).collect()
    }

    fn check(patterns: &[&[u8]], haystack: &[u8]) {
        assert_eq!(
            ours(patterns, haystack),
            oracle(patterns, haystack),
            "patterns {patterns:?} haystack {haystack:?}"
        );
    }

    fn m(pattern: usize, start: usize, end: usize) -> LiteralMatch {
        LiteralMatch {
            pattern,
            start,
            end,
        }
    }

    #[test]
    fn reports_overlapping_matches_longest_first_at_each_end() {
        let pats: &[&[u8]] = &[b"he", b"she", b"his", b"hers", b"e"];
        let got = ours(pats, b"ushers");
        assert_eq!(
            got,
            vec![m(1, 1, 4), m(0, 2, 4), m(4, 3, 4), m(3, 2, 6)],
            "{got:?}"
        );
        check(pats, b"ushers");
        check(pats, b"hishershe");
    }

    #[test]
    fn edge_cases_agree_with_aho_corasick() {
        let cases: &[(&[&[u8]], &[u8])] = &[
            // The empty set: nothing, on any text.
            (&[], b""),
            (&[], b"anything"),
            // Empty text.
            (&[b"a"], b""),
            // A pattern that is a prefix, a suffix, the middle of another.
            (&[b"ab", b"abc", b"bc", b"b", b"c"], b"abcabc"),
            (&[b"abc", b"ab", b"b"], b"xxabcab"),
            // Duplicates: each reported under its own index, in index order.
            (&[b"x", b"xy", b"x", b"y", b"xy"], b"xyxxy"),
            // A match at the very end and at the very start; the whole text.
            (&[b"end", b"st"], b"start and end"),
            (&[b"whole"], b"whole"),
            // Non-ASCII bytes and bytes no pattern holds.
            (
                &["é".as_bytes(), "dé".as_bytes(), &[0xFF, 0x00]],
                "dédé\u{0}".as_bytes(),
            ),
            (
                &[&[0xFF, 0x00], &[0x00]],
                &[0xFF, 0x00, 0x00, 0xFF, 0xFF, 0x00],
            ),
            // Every byte value in use (no "other" class).
            (
                &[&(0..=255u8).collect::<Vec<_>>(), &[255, 0], &[7]],
                &[255, 0, 1, 7, 255, 0],
            ),
            // Repetitions (long output lists through failure links).
            (&[b"a", b"aa", b"aaa", b"aaaa"], b"aaaaaaa"),
        ];
        for (pats, hay) in cases {
            check(pats, hay);
        }
        assert!(ours(&[], b"abc").is_empty());
    }

    #[test]
    #[should_panic(expected = "empty literal")]
    fn refuses_an_empty_pattern() {
        Literals::new(&[b"a", b""]);
    }

    #[test]
    fn the_iterator_can_be_resumed_after_each_match() {
        let pats: &[&[u8]] = &[b"ab", b"b", b"bab"];
        let lit = Literals::new(pats);
        let mut it = lit.find_overlapping(b"abab");
        let mut got = Vec::new();
        for x in it.by_ref() {
            got.push(x);
        }
        assert_eq!(it.next(), None);
        assert_eq!(got, oracle(pats, b"abab"));
    }

    /// Whether byte `b` is one [`Skip::hits`] flags, read from the lane it is put in.
    fn flagged(skip: &Skip, b: u8) -> bool {
        skip.hits(u64::from(b)) != 0
    }

    #[test]
    fn the_word_test_flags_exactly_its_ranges_in_every_lane() {
        let mut leaves = [false; 256];
        for b in (b'A'..=b'Z').chain([b'c', b'd']) {
            leaves[b as usize] = true;
        }
        let skip = Skip::new(&leaves).expect("capitals and c, d: two ranges, 28 values");
        for b in 0..=255u8 {
            assert_eq!(flagged(&skip, b), leaves[b as usize], "{b:#x}");
        }
        // Every byte value in every lane, next to neighbours that hit and that do not (a carry
        // between lanes would show as a wrong bit).
        let fillers = [b'a', b'Z', 0x00, 0x7F, 0x80, 0xFF, b'c', b'e'];
        for lane in 0..8 {
            for b in 0..=255u8 {
                for f in fillers {
                    let mut bytes = [f; 8];
                    bytes[(lane + 3) % 8] = fillers[lane];
                    bytes[lane] = b;
                    let want = bytes
                        .iter()
                        .enumerate()
                        .filter(|(_, &x)| leaves[x as usize])
                        .fold(0u64, |m, (i, _)| m | 0x80 << (8 * i));
                    assert_eq!(skip.hits(u64::from_le_bytes(bytes)), want, "{bytes:?}");
                }
            }
        }
        // The next position that may leave, from any start, against the obvious scan.
        let text = b"hello there, Doctor Who: use code ABC now, or a coupon? zzzzzzzzzzzzzzzzzzzzQ";
        for from in 0..=text.len() {
            let want = (from..text.len())
                .find(|&i| leaves[text[i] as usize])
                .unwrap_or(text.len());
            assert_eq!(skip.next(text, from), want, "{from}");
        }
    }

    #[test]
    fn a_skip_only_when_few_ascii_bytes_leave_the_start_state() {
        let set = |bytes: &[u8]| {
            let mut leaves = [false; 256];
            for &b in bytes {
                leaves[b as usize] = true;
            }
            leaves
        };
        // Scattered values merge into two ranges, a superset: the skip stops at the gaps too.
        let skip = Skip::new(&set(b"ACEx")).expect("A..E and x: 6 values");
        assert!(flagged(&skip, b'B') && flagged(&skip, b'x') && !flagged(&skip, b'a'));
        assert!(Skip::new(&set(b"abcdefghijklmnopqrstuvwxyz#0123456789")).is_none());
        assert!(Skip::new(&set(&[b'A', 0xC3])).is_none());
        let capitals_and: Vec<u8> = (b'A'..=b'Z').chain(b'a'..=b'f').collect();
        assert!(Skip::new(&set(&capitals_and)).is_some(), "32 values");
        let with_g: Vec<u8> = capitals_and.iter().copied().chain([b'g']).collect();
        assert!(Skip::new(&set(&with_g)).is_none(), "33 values");
        assert!(Skip::new(&set(b"")).is_some());
        // Both loops (with and without a skip) give the oracle's answer on the same text.
        let text = "Use CODE heal20, Dr. Smith, PhD; cupom e código; ADHD or adhd? ".repeat(3);
        for pats in [
            &[b"CODE" as &[u8], b"Dr", b"PhD", b"cupom", b"ADHD"][..],
            &[b"code" as &[u8], b"dr", b"phd", b"adhd", b"e"][..],
            &["código".as_bytes(), b"C" as &[u8], b"D"][..],
        ] {
            check(pats, text.as_bytes());
        }
        assert!(Literals::new(&[b"CODE", b"Dr"]).skip.is_some());
        assert!(Literals::new(&[b"code", b"adhd", b"e", b"#"])
            .skip
            .is_some());
        assert!(Literals::new(&[b"code", b"adhd", b"e", b"x", b"#", b"1"])
            .skip
            .is_none());
        assert!(Literals::new(&["código".as_bytes(), "é".as_bytes()])
            .skip
            .is_none());
    }

    /// Bytes from a small alphabet (so patterns overlap and repeat), with a few non-ASCII ones.
    fn small_bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(
            prop_oneof![
                6 => prop::sample::select(b"abc ".to_vec()),
                1 => prop::sample::select(vec![0xC3u8, 0xA9, 0x00, 0xFF]),
            ],
            0..max,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn random_sets_agree_with_aho_corasick(
            pats in prop::collection::vec(small_bytes(6), 0..12),
            hay in small_bytes(64),
        ) {
            let pats: Vec<&[u8]> = pats.iter().map(|p| p.as_slice()).filter(|p| !p.is_empty()).collect();
            prop_assert_eq!(ours(&pats, &hay), oracle(&pats, &hay));
        }

        #[test]
        fn random_strings_agree_with_aho_corasick(
            pats in prop::collection::vec("[a-eé ]{1,5}", 0..30),
            hay in "[a-fé \u{0}-\u{2}]{0,80}",
        ) {
            let pats: Vec<&[u8]> = pats.iter().map(|p| p.as_bytes()).collect();
            prop_assert_eq!(ours(&pats, hay.as_bytes()), oracle(&pats, hay.as_bytes()));
        }

        /// Sets whose patterns start with few byte values (capitals, `c`, `d`), as the cased
        /// text's anchors do: the automaton skips text, long runs of it.
        #[test]
        fn sets_that_skip_agree_with_aho_corasick(
            pats in prop::collection::vec("[A-Dcd][A-Da-e.]{0,4}", 1..20),
            hay in "[A-Ea-f .é]{0,200}",
        ) {
            let pats: Vec<&[u8]> = pats.iter().map(|p| p.as_bytes()).collect();
            prop_assert!(Literals::new(&pats).skip.is_some());
            prop_assert_eq!(ours(&pats, hay.as_bytes()), oracle(&pats, hay.as_bytes()));
        }
    }
}
