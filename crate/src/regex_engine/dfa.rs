//! The lazy DFA: NFA state sets turned into DFA states only as a text reaches them, one
//! transition table lookup per byte once built.
//!
//! Why lazy: the rules' bounded gaps (`[^\n]{0,80}?`) next to large alternations make full DFAs
//! huge (BENCHMARKS.md measured ~900 KB gzip for the shipped set), while the states a real
//! caption visits are few.
//!
//! A DFA state is the ordered list of NFA states reached right after a byte, plus what that byte
//! was (a word byte, another byte, or none: the edge of the text), which decides the assertions
//! (`\b`, `^`, `$`) when the next byte is known. Stepping on a byte first follows the empty
//! transitions in priority order, evaluating each assertion with the byte before and the byte
//! after, and notes whether a match state was reached: the match ends *before* that byte, so the
//! flag sits on the transition ([`MATCH`]); the column past the last byte class is the end of the
//! text. Leftmost-first (forward): once a match state is reached, every lower-priority NFA state
//! is dropped, the unanchored restart included, so the search runs on only as long as a
//! higher-priority (longer, for greedy) continuation lives. Reverse (finding a match's start):
//! nothing is dropped and the last match seen is the leftmost start.
//!
//! The cache of states and transitions is capped; when full it is cleared and refilled, so a
//! search never fails and memory stays bounded.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::nfa::{is_word, Nfa, State, StateId};
use super::syntax::Look;

/// A transition not computed yet.
const UNKNOWN: u32 = u32::MAX;
/// Flag on a transition: a match ends right before the byte it reads.
const MATCH: u32 = 1 << 31;
/// The dead state (premultiplied id 0): no match can follow.
const DEAD: u32 = 0;
/// What the byte before a state was, in a key's first slot.
const AFTER_OTHER: u32 = 0;
const AFTER_WORD: u32 = 1;
const AT_EDGE: u32 = 2;

/// One direction's automaton (immutable; searches use a [`Cache`]).
pub(crate) struct Dfa {
    pub nfa: Nfa,
    reverse: bool,
    /// Byte classes plus one column for the end of the text.
    stride: usize,
    /// A byte of each class (the assertions need a real byte).
    representatives: Vec<u8>,
    /// Whether `^` (forward) or `$` (reverse) occurs: only then is the text's edge told apart
    /// from a non-word byte.
    edge_matters: bool,
}

/// Fast hash for state keys (the standard SipHash is made for hostile keys; ours are not).
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// NFA state ids seen, clearable in O(1).
struct SparseSet {
    dense: Vec<StateId>,
    sparse: Vec<u32>,
}

impl SparseSet {
    fn new(n: usize) -> Self {
        SparseSet {
            dense: Vec::with_capacity(n),
            sparse: vec![0; n],
        }
    }

    fn insert(&mut self, id: StateId) -> bool {
        let i = self.sparse[id as usize] as usize;
        if i < self.dense.len() && self.dense[i] == id {
            return false;
        }
        self.sparse[id as usize] = self.dense.len() as u32;
        self.dense.push(id);
        true
    }
}

/// One direction's mutable search state: the states built so far and their transitions.
pub(crate) struct Cache {
    trans: Vec<u32>,
    keys: Vec<Box<[u32]>>,
    map: HashMap<Box<[u32]>, u32, BuildHasherDefault<KeyHasher>>,
    /// Start states by (anchored, what came before).
    starts: [u32; 6],
    memory: usize,
    capacity: usize,
    seen: SparseSet,
    stepped: SparseSet,
    stack: Vec<StateId>,
    list: Vec<StateId>,
    /// Times the cache was full and cleared (tests).
    pub clears: usize,
}

impl Dfa {
    /// Wraps an NFA compiled in the same direction (`reverse`).
    pub fn new(nfa: Nfa, reverse: bool) -> Dfa {
        let stride = nfa.class_count + 1;
        let mut representatives = vec![0u8; nfa.class_count];
        for b in (0..=255u8).rev() {
            representatives[usize::from(nfa.classes[usize::from(b)])] = b;
        }
        let edge_matters = if reverse { nfa.has_end } else { nfa.has_start };
        Dfa {
            nfa,
            reverse,
            stride,
            representatives,
            edge_matters,
        }
    }

    /// An empty cache holding at most about `capacity` bytes.
    pub fn cache(&self, capacity: usize) -> Cache {
        let n = self.nfa.states.len();
        let mut c = Cache {
            trans: Vec::new(),
            keys: Vec::new(),
            map: HashMap::default(),
            starts: [UNKNOWN; 6],
            memory: 0,
            capacity,
            seen: SparseSet::new(n),
            stepped: SparseSet::new(n),
            stack: Vec::new(),
            list: Vec::new(),
            clears: 0,
        };
        self.reset(&mut c);
        c
    }

    fn reset(&self, c: &mut Cache) {
        c.trans.clear();
        c.keys.clear();
        c.map.clear();
        c.starts = [UNKNOWN; 6];
        // The dead state: every transition leads back to it, none matches.
        c.trans.resize(self.stride, DEAD);
        c.keys.push(Box::new([]));
        c.memory = self.stride * 4;
    }

    /// What a byte (or the edge, `None`) before a position makes of that position.
    fn context(&self, before: Option<u8>) -> u32 {
        match before {
            Some(b) if self.nfa.has_word && is_word(b) => AFTER_WORD,
            Some(_) => AFTER_OTHER,
            None if self.edge_matters => AT_EDGE,
            None => AFTER_OTHER,
        }
    }

    fn start(&self, c: &mut Cache, anchored: bool, before: Option<u8>) -> u32 {
        let context = self.context(before);
        let slot = usize::from(anchored) * 3 + context as usize;
        if c.starts[slot] == UNKNOWN {
            let nfa_start = if anchored {
                self.nfa.start
            } else {
                self.nfa.start_unanchored
            };
            let id = self.intern(c, vec![context, nfa_start]);
            c.starts[slot] = id;
        }
        c.starts[slot]
    }

    /// The id of the state with `key`, made if new.
    fn intern(&self, c: &mut Cache, key: Vec<u32>) -> u32 {
        if let Some(&id) = c.map.get(key.as_slice()) {
            return id;
        }
        let id = c.trans.len() as u32;
        c.trans.resize(c.trans.len() + self.stride, UNKNOWN);
        let key: Box<[u32]> = key.into_boxed_slice();
        c.memory += self.stride * 4 + key.len() * 8 + 64;
        c.keys.push(key.clone());
        c.map.insert(key, id);
        id
    }

    /// Computes (and stores) the transition of state `from` on class `class`.
    #[cold]
    #[inline(never)]
    fn compute(&self, c: &mut Cache, from: u32, class: usize) -> u32 {
        let key = c.keys[from as usize / self.stride].clone();
        let unit = self.representatives.get(class).copied();
        let (next, matched) = self.step(c, &key, unit);
        let mut from = from;
        if c.memory > c.capacity {
            c.clears += 1;
            self.reset(c);
            from = self.intern(c, key.to_vec());
        }
        let to = match next {
            Some(k) => self.intern(c, k),
            None => DEAD,
        };
        let t = to | if matched { MATCH } else { 0 };
        c.trans[from as usize + class] = t;
        t
    }

    /// Follows the empty transitions of `key`'s NFA states with `unit` as the next byte, then
    /// steps over it: the next state's key (`None` when no NFA state is left, or at the end),
    /// and whether a match state was reached.
    fn step(&self, c: &mut Cache, key: &[u32], unit: Option<u8>) -> (Option<Vec<u32>>, bool) {
        let Some((&context, states)) = key.split_first() else {
            return (None, false);
        };
        c.seen.dense.clear();
        c.list.clear();
        let before_word = context == AFTER_WORD;
        let at_edge = context == AT_EDGE;
        let after_word = unit.is_some_and(is_word);
        let mut matched = false;
        'all: for &s in states {
            c.stack.push(s);
            while let Some(s) = c.stack.pop() {
                if !c.seen.insert(s) {
                    continue;
                }
                match &self.nfa.states[s as usize] {
                    State::Byte { .. } => c.list.push(s),
                    State::Alt(targets) => c.stack.extend(targets.iter().rev()),
                    State::Look { look, next } => {
                        let holds = match look {
                            Look::Word => before_word != after_word,
                            Look::NotWord => before_word == after_word,
                            Look::Start if self.reverse => unit.is_none(),
                            Look::Start => at_edge,
                            Look::End if self.reverse => at_edge,
                            Look::End => unit.is_none(),
                        };
                        if holds {
                            c.stack.push(*next);
                        }
                    }
                    State::Save { next, .. } => c.stack.push(*next),
                    State::Match => {
                        matched = true;
                        if !self.reverse {
                            // Leftmost-first: nothing of lower priority survives a match.
                            c.stack.clear();
                            break 'all;
                        }
                    }
                }
            }
        }
        let Some(b) = unit else {
            return (None, matched);
        };
        let mut next = vec![self.context(Some(b))];
        c.stepped.dense.clear();
        for &s in &c.list {
            if let State::Byte { set, next: to } = self.nfa.states[s as usize] {
                if self.nfa.contains(set, b) && c.stepped.insert(to) {
                    next.push(to);
                }
            }
        }
        ((next.len() > 1).then_some(next), matched)
    }

    /// Forward search from `start`: the end of the leftmost-first match (the first match end
    /// when `earliest`). `anchored`: the match must start at `start`.
    pub fn find_end(
        &self,
        c: &mut Cache,
        hay: &[u8],
        start: usize,
        anchored: bool,
        earliest: bool,
    ) -> Option<usize> {
        let before = start.checked_sub(1).map(|i| hay[i]);
        let mut s = self.start(c, anchored, before);
        let mut last = None;
        let classes = &self.nfa.classes;
        let mut i = start;
        while i < hay.len() {
            // The hot loop: ordinary transitions only, two bytes a round; the dead state (0), a
            // match flag and an unknown transition (both ≥ MATCH) all leave it with one
            // comparison each.
            let trans = c.trans.as_slice();
            let special = |t: u32| t.wrapping_sub(1) >= MATCH - 1;
            let mut t = s;
            loop {
                if i + 1 < hay.len() {
                    let a = trans[s as usize + usize::from(classes[usize::from(hay[i])])];
                    if special(a) {
                        t = a;
                        break;
                    }
                    let b = trans[a as usize + usize::from(classes[usize::from(hay[i + 1])])];
                    if special(b) {
                        s = a;
                        i += 1;
                        t = b;
                        break;
                    }
                    s = b;
                    i += 2;
                } else if i < hay.len() {
                    t = trans[s as usize + usize::from(classes[usize::from(hay[i])])];
                    if special(t) {
                        break;
                    }
                    s = t;
                    i += 1;
                } else {
                    break;
                }
            }
            if i == hay.len() {
                break;
            }
            if t == UNKNOWN {
                let class = usize::from(classes[usize::from(hay[i])]);
                t = self.compute(c, s, class);
            }
            if t & MATCH != 0 {
                last = Some(i);
                if earliest {
                    return last;
                }
            }
            s = t & !MATCH;
            if s == DEAD {
                return last;
            }
            i += 1;
        }
        let eoi = self.stride - 1;
        let mut t = c.trans[s as usize + eoi];
        if t == UNKNOWN {
            t = self.compute(c, s, eoi);
        }
        if t & MATCH != 0 {
            last = Some(hay.len());
        }
        last
    }

    /// Reverse search (this DFA must be the reverse one) from `end` back to `start`: the
    /// smallest position ≥ `start` where a match ending at `end` begins.
    pub fn find_start(&self, c: &mut Cache, hay: &[u8], start: usize, end: usize) -> Option<usize> {
        let mut s = self.start(c, true, hay.get(end).copied());
        let mut last = None;
        let classes = &self.nfa.classes;
        let mut i = end;
        // Each step reads the byte before position `i`; its flag says a match starts at `i`.
        loop {
            let (class, unit_left) = if i > 0 {
                (usize::from(classes[usize::from(hay[i - 1])]), true)
            } else {
                (self.stride - 1, false)
            };
            let mut t = c.trans[s as usize + class];
            if t == UNKNOWN {
                t = self.compute(c, s, class);
            }
            if t & MATCH != 0 {
                last = Some(i);
            }
            s = t & !MATCH;
            if i == start || s == DEAD || !unit_left {
                return last;
            }
            i -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{nfa, syntax};
    use super::*;

    fn dfas(pattern: &str) -> (Dfa, Dfa) {
        let p = syntax::parse(pattern).unwrap();
        (
            Dfa::new(nfa::compile(&p.ast, false, 100_000).unwrap(), false),
            Dfa::new(nfa::compile(&p.ast, true, 100_000).unwrap(), true),
        )
    }

    #[test]
    fn ends_and_starts() {
        let (f, r) = dfas(r"(?-u:\b)signs?(?-u:\b)");
        let (mut cf, mut cr) = (f.cache(1 << 20), r.cache(1 << 20));
        let hay = b"5 signs you have";
        assert_eq!(f.find_end(&mut cf, hay, 0, false, false), Some(7));
        assert_eq!(r.find_start(&mut cr, hay, 0, 7), Some(2));
        assert_eq!(f.find_end(&mut cf, b"designs", 0, false, false), None);
        let (f, r) = dfas("a+");
        let (mut cf, mut cr) = (f.cache(1 << 20), r.cache(1 << 20));
        assert_eq!(f.find_end(&mut cf, b"xaaay", 0, false, false), Some(4));
        assert_eq!(r.find_start(&mut cr, b"xaaay", 0, 4), Some(1));
        // The search start bounds the start found in reverse.
        assert_eq!(r.find_start(&mut cr, b"xaaay", 2, 4), Some(2));
        assert_eq!(f.find_end(&mut cf, b"xaaay", 0, false, true), Some(2));
    }

    #[test]
    fn a_full_cache_is_cleared_and_the_search_goes_on() {
        let (f, _) = dfas("[a-z]{0,20}x[a-z]{0,20}y");
        let mut small = f.cache(1);
        let mut big = f.cache(1 << 24);
        let hay = b"abxcdefghxijklmnopy qrs";
        let want = f.find_end(&mut big, hay, 0, false, false);
        assert_eq!(want, Some(19));
        assert_eq!(f.find_end(&mut small, hay, 0, false, false), want);
        assert!(small.clears > 0);
        assert_eq!(big.clears, 0);
    }
}
