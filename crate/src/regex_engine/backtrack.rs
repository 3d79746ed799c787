//! Capture groups of a match already found: a backtracking search of the forward NFA anchored at
//! the match's start, in priority order, never reading past the match's end.
//!
//! Why a backtracker: it runs only for the few patterns that name a group (`m`), only on a span
//! the DFA found (a few dozen bytes), and reports the groups of the highest-priority path, which
//! is the path `regex` reports. Each (state, position) pair is explored at most once (a bit set),
//! so the work is bounded by states × span length, whatever the pattern.

use super::nfa::{is_word, Nfa, State, StateId};
use super::syntax::Look;

/// Reusable buffers.
#[derive(Default)]
pub(crate) struct Cache {
    visited: Vec<u64>,
    stack: Vec<Frame>,
}

enum Frame {
    Explore(StateId, usize),
    Restore(usize, Option<usize>),
}

/// The capture slots (two per group, group 0 first) of the highest-priority match of `nfa`
/// that starts at `start` and reads no byte at or after `end`; `hay` around the span still
/// decides the assertions. `None` when there is no such match.
pub(crate) fn captures(
    nfa: &Nfa,
    c: &mut Cache,
    hay: &[u8],
    start: usize,
    end: usize,
    groups: usize,
) -> Option<Vec<Option<usize>>> {
    let width = end - start + 1;
    let bits = nfa.states.len() * width;
    c.visited.clear();
    c.visited.resize(bits.div_ceil(64), 0);
    c.stack.clear();
    let mut slots = vec![None; groups * 2];
    c.stack.push(Frame::Explore(nfa.start, start));
    while let Some(frame) = c.stack.pop() {
        let (mut sid, mut at) = match frame {
            Frame::Restore(slot, old) => {
                slots[slot] = old;
                continue;
            }
            Frame::Explore(sid, at) => (sid, at),
        };
        loop {
            let bit = sid as usize * width + (at - start);
            if c.visited[bit / 64] >> (bit % 64) & 1 != 0 {
                break;
            }
            c.visited[bit / 64] |= 1 << (bit % 64);
            match &nfa.states[sid as usize] {
                State::Byte { set, next } => {
                    if at < end && nfa.contains(*set, hay[at]) {
                        sid = *next;
                        at += 1;
                    } else {
                        break;
                    }
                }
                State::Alt(targets) => {
                    let Some((&first, rest)) = targets.split_first() else {
                        break;
                    };
                    for &t in rest.iter().rev() {
                        c.stack.push(Frame::Explore(t, at));
                    }
                    sid = first;
                }
                State::Look { look, next } => {
                    let before = at.checked_sub(1).map(|i| hay[i]);
                    let after = hay.get(at).copied();
                    let holds = match look {
                        Look::Start => at == 0,
                        Look::End => at == hay.len(),
                        Look::Word => before.is_some_and(is_word) != after.is_some_and(is_word),
                        Look::NotWord => before.is_some_and(is_word) == after.is_some_and(is_word),
                    };
                    if !holds {
                        break;
                    }
                    sid = *next;
                }
                State::Save { slot, next } => {
                    let slot = *slot as usize;
                    if slot < slots.len() {
                        c.stack.push(Frame::Restore(slot, slots[slot]));
                        slots[slot] = Some(at);
                    }
                    sid = *next;
                }
                State::Match => {
                    slots[0] = Some(start);
                    slots[1] = Some(at);
                    return Some(slots);
                }
            }
        }
    }
    None
}
