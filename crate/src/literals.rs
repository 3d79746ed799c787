//! Many literal strings found at once, overlapping: the Aho-Corasick automaton the matcher's anchor
//! pass and ignored phrases run on.
//!
//! Why our own and not the `aho-corasick` crate: the engine needs one thing from it (standard,
//! case-sensitive, overlapping matches through a full DFA), and the crate's generality (three
//! automaton kinds, leftmost semantics, prefilters, streams, its builders' and errors' formatting)
//! weighed 72 KB of the optimised `.wasm` (27 KB gzip), and its DFA took 4x the instructions to
//! build and ~1.6x to search (BENCHMARKS.md). This module is that one thing, built the
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
        order.push(0);
        let mut i = 0;
        while i < order.len() {
            let s = order[i] as usize;
            i += 1;
            let f = fail[s] as usize;
            for c in 0..width {
                let at = s * stride + c;
                let child = trans[at];
                if s == 0 {
                    if child != 0 {
                        order.push(child);
                    }
                    continue;
                }
                if child == 0 {
                    trans[at] = trans[f * stride + c];
                } else {
                    fail[child as usize] = trans[f * stride + c];
                    order.push(child);
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
        let mut table = vec![0u32; states * stride];
        for s in 0..states {
            let row = new_index[s] as usize * stride;
            for c in 0..width {
                table[row + c] = new_index[trans[s * stride + c] as usize] * stride as u32;
            }
            if out_at[s] != u32::MAX {
                table[row + width] = out_at[s];
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

impl Iterator for Overlapping<'_> {
    type Item = LiteralMatch;

    #[inline]
    fn next(&mut self) -> Option<LiteralMatch> {
        let lit = self.lit;
        if self.left == 0 {
            // The scan runs on locals (the table, the state, a byte iterator); the state is
            // stored back only when it stops.
            let trans = lit.trans.as_slice();
            let classes = &lit.classes;
            let limit = lit.match_limit;
            let mut sid = self.sid;
            let rest = &self.haystack[self.pos..];
            let step = |sid: u32, b: u8| trans[(sid + classes[b as usize] as u32) as usize];
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
            let Some(i) = found else {
                self.pos = self.haystack.len();
                return None;
            };
            self.pos += i + 1;
            let at = trans[(sid + lit.stride - 1) as usize] as usize;
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
    }
}
