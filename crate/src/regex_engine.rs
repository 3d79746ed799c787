//! The regex engine: our own, for the rules' pattern dialect, so that neither `regex` nor
//! `regex-automata` is linked into the `.wasm`.
//!
//! Why: the `.wasm` must stay under 250 KB gzip, and `regex-syntax` (52 KB of code), the Thompson
//! compiler (35 KB) and the lazy DFA with its drivers (~45 KB) were a third of it. The rules need a
//! small part of what those crates handle (`syntax` says which), so this module is a parser
//! ([`syntax`]), a Thompson NFA compiler over bytes ([`nfa`]), a lazy DFA ([`dfa`]: forward for
//! where the leftmost-first match ends, reverse for where it starts, as `regex` does) and, only for
//! patterns that name a group and only on a match found, a bounded backtracker for the groups
//! ([`backtrack`]). Same semantics as `regex`: leftmost-first, the same spans, and `find_iter`
//! skips an empty match right after the previous match and never splits a UTF-8 sequence, as
//! `regex` does. `tests/engines.rs` holds it to `regex` (a dev-dependency oracle) on every shipped
//! pattern over every corpus we have, and a property test below on random patterns and texts.
//!
//! The lazy DFA's cache is capped per regex (`dfa_size_limit`): a full cache is cleared and the
//! search goes on, so a search cannot fail.
//!
//! The API is the subset of `regex`'s that `matcher` and `credentials` use, with the same names,
//! so swapping engines (`lite-regex`) stays a one-line `use`.

mod backtrack;
mod dfa;
mod nfa;
mod syntax;

use std::fmt;
use std::sync::{Mutex, MutexGuard};

use syntax::{Ast, Look};

/// `regex`'s default limit on one compiled program (its `RegexBuilder::size_limit`).
const DEFAULT_SIZE_LIMIT: usize = 10 << 20;
/// `regex`'s default lazy DFA cache (its `RegexBuilder::dfa_size_limit`).
const DEFAULT_DFA_SIZE_LIMIT: usize = 2 << 20;
/// Bytes one NFA state is counted as against the size limit.
const STATE_BYTES: usize = 16;

/// Why a pattern did not compile (syntax error or the size limit).
#[derive(Debug, Clone)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// Compiles a [`Regex`] with limits, as `regex::RegexBuilder` does (only the knobs we set).
pub struct RegexBuilder {
    pattern: String,
    size_limit: usize,
    dfa_size_limit: usize,
}

impl RegexBuilder {
    /// A builder for `pattern` with `regex`'s default limits.
    pub fn new(pattern: &str) -> RegexBuilder {
        RegexBuilder {
            pattern: pattern.to_string(),
            size_limit: DEFAULT_SIZE_LIMIT,
            dfa_size_limit: DEFAULT_DFA_SIZE_LIMIT,
        }
    }

    /// Largest compiled NFA (bytes, counted as 16 per state) of the pattern; larger patterns
    /// fail to build.
    pub fn size_limit(&mut self, bytes: usize) -> &mut RegexBuilder {
        self.size_limit = bytes;
        self
    }

    /// Lazy DFA cache capacity (bytes) of each direction; a full cache is cleared and refilled.
    pub fn dfa_size_limit(&mut self, bytes: usize) -> &mut RegexBuilder {
        self.dfa_size_limit = bytes;
        self
    }

    /// Compiles the pattern: parsed once, then a forward NFA (with capture slots) and a reverse
    /// one, each behind a lazy DFA whose cache is made on first search.
    pub fn build(&self) -> Result<Regex, Error> {
        let parsed = syntax::parse(&self.pattern).map_err(Error)?;
        let max_states = (self.size_limit / STATE_BYTES).max(1);
        let forward = nfa::compile(&parsed.ast, false, max_states).map_err(Error)?;
        let reverse = nfa::compile(&parsed.ast, true, max_states).map_err(Error)?;
        Ok(Regex {
            pattern: self.pattern.clone(),
            anchored: starts_at_text_start(&parsed.ast),
            names: parsed.names,
            forward: dfa::Dfa::new(forward, false),
            reverse: dfa::Dfa::new(reverse, true),
            capacity: self.dfa_size_limit,
            cache: Mutex::new(None),
        })
    }
}

/// Whether every match must start at the start of the text (`^…`): such a pattern is searched
/// anchored, instead of trying it at every later position where it cannot match.
fn starts_at_text_start(ast: &Ast) -> bool {
    match ast {
        Ast::Look(Look::Start) => true,
        Ast::Group(_, inner) => starts_at_text_start(inner),
        Ast::Concat(items) => items.first().is_some_and(starts_at_text_start),
        Ast::Alt(alts) => alts.iter().all(starts_at_text_start),
        _ => false,
    }
}

/// One regex's search state: both DFA caches and the backtracker's buffers.
struct Cache {
    forward: dfa::Cache,
    reverse: dfa::Cache,
    groups: backtrack::Cache,
}

/// A compiled regex.
pub struct Regex {
    pattern: String,
    anchored: bool,
    /// Capture group names, group 0 first (`None` when unnamed).
    names: Vec<Option<String>>,
    forward: dfa::Dfa,
    reverse: dfa::Dfa,
    capacity: usize,
    /// Made on first search; a lock so one compiled regex serves every thread.
    cache: Mutex<Option<Cache>>,
}

impl fmt::Debug for Regex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Regex").field(&self.pattern).finish()
    }
}

/// One match: a byte span of the haystack, as `regex::Match`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match<'h> {
    haystack: &'h str,
    start: usize,
    end: usize,
}

impl<'h> Match<'h> {
    /// Byte offset of the first matched byte.
    pub fn start(&self) -> usize {
        self.start
    }

    /// Byte offset just past the last matched byte.
    pub fn end(&self) -> usize {
        self.end
    }

    /// The matched text.
    pub fn as_str(&self) -> &'h str {
        &self.haystack[self.start..self.end]
    }

    /// The span as a range.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

/// The groups of one match, as `regex::Captures`.
pub struct Captures<'h> {
    haystack: &'h str,
    /// Two slots per group; group 0 is the whole match.
    slots: Vec<Option<usize>>,
    names: &'h [Option<String>],
}

impl<'h> Captures<'h> {
    /// Group `i` (0 is the whole match), when it took part in the match.
    pub fn get(&self, i: usize) -> Option<Match<'h>> {
        let start = (*self.slots.get(i * 2)?)?;
        let end = (*self.slots.get(i * 2 + 1)?)?;
        Some(Match {
            haystack: self.haystack,
            start,
            end,
        })
    }

    /// The group called `name`, when it exists and took part in the match.
    pub fn name(&self, name: &str) -> Option<Match<'h>> {
        let i = self.names.iter().position(|n| n.as_deref() == Some(name))?;
        self.get(i)
    }
}

impl Regex {
    /// Compiles `pattern` with `regex`'s default limits.
    pub fn new(pattern: &str) -> Result<Regex, Error> {
        RegexBuilder::new(pattern).build()
    }

    /// The pattern this regex was compiled from.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    fn lock(&self) -> MutexGuard<'_, Option<Cache>> {
        // A panic elsewhere while the lock was held leaves a cache that is still consistent
        // (every write to it is complete before the next can start).
        let mut guard = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if guard.is_none() {
            *guard = Some(Cache {
                forward: self.forward.cache(self.capacity),
                reverse: self.reverse.cache(self.capacity),
                groups: backtrack::Cache::default(),
            });
        }
        guard
    }

    /// The leftmost-first match starting at or after `start`, as (start, end); an empty match
    /// inside a UTF-8 sequence is skipped, as `regex` does.
    fn search(&self, haystack: &str, mut start: usize) -> Option<(usize, usize)> {
        let hay = haystack.as_bytes();
        let mut guard = self.lock();
        let c = guard.as_mut()?;
        loop {
            let end = self
                .forward
                .find_end(&mut c.forward, hay, start, self.anchored, false)?;
            let begin = self.reverse.find_start(&mut c.reverse, hay, start, end);
            debug_assert!(begin.is_some(), "{:?} on {haystack:?}", self.pattern);
            let begin = begin?;
            if begin == end && !haystack.is_char_boundary(end) {
                start = end + 1;
                if start > hay.len() {
                    return None;
                }
                continue;
            }
            return Some((begin, end));
        }
    }

    /// Whether the pattern matches anywhere in `haystack` (forward DFA only, stopping at the
    /// first match it sees).
    pub fn is_match(&self, haystack: &str) -> bool {
        let end = {
            let mut guard = self.lock();
            let Some(c) = guard.as_mut() else {
                return false;
            };
            self.forward
                .find_end(&mut c.forward, haystack.as_bytes(), 0, self.anchored, true)
        };
        match end {
            None => false,
            Some(e) if haystack.is_char_boundary(e) => true,
            // Only an empty match can end inside a character, and `regex` reports none there:
            // the full search skips it and says whether another match exists.
            Some(_) => self.search(haystack, 0).is_some(),
        }
    }

    /// The leftmost-first match in `haystack`.
    pub fn find<'h>(&self, haystack: &'h str) -> Option<Match<'h>> {
        self.search(haystack, 0).map(|(start, end)| Match {
            haystack,
            start,
            end,
        })
    }

    /// Every successive non-overlapping match, as `regex::Regex::find_iter`.
    pub fn find_iter<'r, 'h>(&'r self, haystack: &'h str) -> Matches<'r, 'h> {
        Matches {
            re: self,
            haystack,
            at: 0,
            last_end: None,
        }
    }

    /// The names of the capture groups, group 0 first (`None` for unnamed groups).
    pub fn capture_names(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        self.names.iter().map(|n| n.as_deref())
    }

    /// The first match starting the search at byte `start` (the text before it still decides
    /// `\b` and `^`), with its groups, as `regex::Regex::captures_at`.
    pub fn captures_at<'h>(&'h self, haystack: &'h str, start: usize) -> Option<Captures<'h>> {
        let (begin, end) = self.search(haystack, start)?;
        let mut slots = vec![Some(begin), Some(end)];
        if self.names.len() > 1 {
            // Groups: the backtracker, anchored on the span found. The whole haystack stays
            // visible, so assertions at the span's edges read the same characters.
            let mut guard = self.lock();
            let found = guard.as_mut().and_then(|c| {
                backtrack::captures(
                    &self.forward.nfa,
                    &mut c.groups,
                    haystack.as_bytes(),
                    begin,
                    end,
                    self.names.len(),
                )
            });
            debug_assert_eq!(
                found.as_ref().map(|s| (s[0], s[1])),
                Some((Some(begin), Some(end)))
            );
            if let Some(found) = found {
                slots = found;
            }
        }
        Some(Captures {
            haystack,
            slots,
            names: &self.names,
        })
    }
}

/// Iterator over successive matches ([`Regex::find_iter`]).
pub struct Matches<'r, 'h> {
    re: &'r Regex,
    haystack: &'h str,
    at: usize,
    last_end: Option<usize>,
}

impl<'h> Iterator for Matches<'_, 'h> {
    type Item = Match<'h>;

    fn next(&mut self) -> Option<Match<'h>> {
        if self.at > self.haystack.len() {
            return None;
        }
        let mut found = self.re.search(self.haystack, self.at);
        // No empty match right where the previous match ended: try one byte further.
        if let Some((s, e)) = found {
            if s == e && Some(e) == self.last_end {
                found = if e < self.haystack.len() {
                    self.re.search(self.haystack, e + 1)
                } else {
                    None
                };
            }
        }
        let Some((start, end)) = found else {
            self.at = self.haystack.len() + 1;
            return None;
        };
        self.at = end;
        self.last_end = Some(end);
        Some(Match {
            haystack: self.haystack,
            start,
            end,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (whole span, `m` span) of each match.
    type Spans = Vec<((usize, usize), Option<(usize, usize)>)>;

    /// Every match (whole span, `m` span) the way `matcher` reads them, with `find_iter` for the
    /// whole spans and `captures_at` for the groups.
    fn spans(re: &Regex, text: &str) -> Spans {
        let mut out = Vec::new();
        for m in re.find_iter(text) {
            let caps = re.captures_at(text, m.start()).expect("match again");
            let w = caps.get(0).unwrap();
            assert_eq!((w.start(), w.end()), (m.start(), m.end()), "{text:?}");
            out.push((
                (m.start(), m.end()),
                caps.name("m").map(|g| (g.start(), g.end())),
            ));
        }
        out
    }

    #[test]
    fn leftmost_first_spans() {
        let re = Regex::new("a|ab|abc").unwrap();
        assert_eq!(re.find("xabc").map(|m| m.range()), Some(1..2));
        let re = Regex::new("abc|ab|a").unwrap();
        assert_eq!(re.find("xabc").map(|m| m.as_str()), Some("abc"));
        let re = Regex::new("[0-9]+").unwrap();
        let all: Vec<&str> = re.find_iter("a1 22 333b").map(|m| m.as_str()).collect();
        assert_eq!(all, ["1", "22", "333"]);
        assert!(re.is_match("x9"));
        assert!(!re.is_match("xy"));
    }

    #[test]
    fn empty_matches_like_regex() {
        // `regex` yields an empty match at every char boundary, never inside a UTF-8 sequence,
        // and none right after a non-empty match.
        let re = Regex::new("a*").unwrap();
        let got: Vec<(usize, usize)> = re.find_iter("baaé").map(|m| (m.start(), m.end())).collect();
        assert_eq!(got, [(0, 0), (1, 3), (5, 5)]);
        let empty: Vec<(usize, usize)> = Regex::new("")
            .unwrap()
            .find_iter("é🧠")
            .map(|m| (m.start(), m.end()))
            .collect();
        assert_eq!(empty, [(0, 0), (2, 2), (6, 6)]);
    }

    #[test]
    fn captures_at_sees_text_before_start_and_after_span() {
        // `m` is preceded by a word boundary the text before `start` decides.
        let re = Regex::new(r"(?-u:\b)(?P<m>lcsw)(?-u:\b)").unwrap();
        assert_eq!(re.capture_names().collect::<Vec<_>>(), [None, Some("m")]);
        let t = "xlcsw lcsw";
        let c = re.captures_at(t, 1).expect("second");
        assert_eq!(c.name("m").map(|m| m.range()), Some(6..10));
        // A lookbehind-like group: a boundary character consumed before `m`.
        let re = Regex::new(r"(?:^|[ ,])(?P<m>[A-Z]{4})(?:$|[ ,])").unwrap();
        let t = "LCSW,LMFT";
        let first = re.captures_at(t, 0).unwrap();
        assert_eq!(first.name("m").map(|m| m.as_str()), Some("LCSW"));
        assert_eq!(first.get(0).map(|m| m.range()), Some(0..5));
        // Resuming at the end of `m` lets the comma start the next match.
        let second = re.captures_at(t, 4).unwrap();
        assert_eq!(second.name("m").map(|m| m.as_str()), Some("LMFT"));
        assert!(re.captures_at(t, 9).is_none());
        // `\b` at the span's end reads the character after the span.
        let re = Regex::new(r"(?P<m>ad)(?-u:\b)").unwrap();
        assert!(re.captures_at("adhd", 0).is_none());
        assert_eq!(
            re.captures_at("bad ad", 0)
                .and_then(|c| c.name("m"))
                .map(|m| m.range()),
            Some(1..3)
        );
    }

    #[test]
    fn unicode_text_around_ascii_patterns() {
        let re = Regex::new(r"(?-u:\b)ad[0-9A-Za-z_]*(?-u:\b)").unwrap();
        assert_eq!(re.find("🧠adhd🧠").map(|m| m.as_str()), Some("adhd"));
        assert!(!re.is_match("bad"));
        // ASCII `\b`: a non-ASCII letter is not a word character.
        assert_eq!(re.find("éadhd").map(|m| m.range()), Some(2..6));
        let re = Regex::new(r"[^0-9]+").unwrap();
        assert_eq!(re.find("1ñ🧠2").map(|m| m.as_str()), Some("ñ🧠"));
        let re = Regex::new(r"(?P<m>terapia)").unwrap();
        assert_eq!(
            spans(&re, "Terapia — terapia ✨ terapia"),
            [((12, 19), Some((12, 19))), ((24, 31), Some((24, 31)))]
        );
    }

    #[test]
    fn group_that_does_not_take_part() {
        let re = Regex::new(r"x(?P<m>y)?").unwrap();
        let c = re.captures_at("xz", 0).unwrap();
        assert_eq!(c.get(0).map(|m| m.range()), Some(0..1));
        assert!(c.name("m").is_none());
        assert!(c.name("nope").is_none());
    }

    #[test]
    fn a_tiny_dfa_cache_gives_the_same_answers() {
        let pattern = r"(?-u:\b)[a-z]+ (?P<m>[a-z]+)(?-u:\b)";
        let mut b = RegexBuilder::new(pattern);
        b.dfa_size_limit(1);
        let tiny = b.build().unwrap();
        let normal = Regex::new(pattern).unwrap();
        let text = "éé five signs — you have adhd ".repeat(20);
        assert_eq!(spans(&tiny, &text), spans(&normal, &text));
        assert!(tiny.is_match(&text));
        assert!(!spans(&tiny, &text).is_empty());
        let cache = tiny.lock();
        assert!(cache.as_ref().unwrap().forward.clears > 0);
    }

    #[test]
    fn errors_are_reported() {
        assert!(Regex::new("(").is_err());
        let mut b = RegexBuilder::new("[a-z]{1000}");
        b.size_limit(1000);
        let e = b.build().unwrap_err();
        assert!(!e.to_string().is_empty());
    }

    /// Random patterns in the rules' dialect over a small alphabet (so that matches, overlaps,
    /// lazy and greedy choices and empty matches are common), on random texts with multi-byte
    /// characters: every match, every `m` group and `is_match` as `regex` (the oracle) has them.
    #[cfg(not(target_arch = "wasm32"))]
    mod against_regex {
        use super::spans;
        use proptest::prelude::*;

        fn atom() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("a".to_string()),
                Just("b".to_string()),
                Just(" ".to_string()),
                Just("é".to_string()),
                Just("[ab]".to_string()),
                Just("[^a ]".to_string()),
                Just("[a-cé]".to_string()),
                Just("[\\t\\n\\x0B\\x0C\\r ]".to_string()),
                Just("[0-9A-Za-z_]".to_string()),
                Just("(?-u:\\b)".to_string()),
                Just("(?-u:\\B)".to_string()),
                Just("^".to_string()),
                Just("$".to_string()),
                Just("(?s:.)".to_string()),
            ]
        }

        fn pattern() -> impl Strategy<Value = String> {
            atom().prop_recursive(4, 24, 4, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 1..4).prop_map(|v| v.concat()),
                    prop::collection::vec(inner.clone(), 2..4)
                        .prop_map(|v| format!("(?:{})", v.join("|"))),
                    (inner.clone(), 0..7usize).prop_map(|(x, q)| {
                        let op = ["*", "+", "?", "{0,2}", "{1,3}", "{2}", "{1,}"][q];
                        format!("(?:{x}){op}")
                    }),
                    (inner.clone(), 0..4usize).prop_map(|(x, q)| {
                        let op = ["*?", "+?", "??", "{0,3}?"][q];
                        format!("(?:{x}){op}")
                    }),
                    inner.prop_map(|x| format!("(?P<m>{x})")),
                ]
            })
        }

        fn text() -> impl Strategy<Value = String> {
            prop::collection::vec(
                prop_oneof![
                    Just('a'),
                    Just('b'),
                    Just('c'),
                    Just(' '),
                    Just('\n'),
                    Just('é'),
                    Just('🧠'),
                    Just('_'),
                    Just('1'),
                ],
                0..14,
            )
            .prop_map(|v| v.into_iter().collect())
        }

        fn oracle(re: &regex::Regex, text: &str) -> super::Spans {
            let mut out = Vec::new();
            for m in re.find_iter(text) {
                let c = re.captures_at(text, m.start()).expect("match again");
                let w = c.get(0).expect("group 0");
                assert_eq!((w.start(), w.end()), (m.start(), m.end()));
                out.push((
                    (m.start(), m.end()),
                    c.name("m").map(|g| (g.start(), g.end())),
                ));
            }
            out
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]
            #[test]
            fn same_matches_as_regex(pattern in pattern(), texts in prop::collection::vec(text(), 1..6)) {
                let Ok(want) = regex::Regex::new(&pattern) else {
                    // Only a duplicate group name makes the generator's patterns invalid.
                    prop_assert!(super::Regex::new(&pattern).is_err(), "{}", pattern);
                    return Ok(());
                };
                let ours = super::Regex::new(&pattern).expect("ours compiles");
                for t in &texts {
                    prop_assert_eq!(spans(&ours, t), oracle(&want, t), "{} on {:?}", pattern, t);
                    // Against `find`, not `regex`'s `is_match`: that one can miss a match when
                    // an empty match inside a character comes first (`(?:é|(?-u:\B))` on "aé_":
                    // `is_match` false, `find` "é").
                    prop_assert_eq!(ours.is_match(t), want.find(t).is_some(), "{} on {:?}", pattern, t);
                    for at in (0..=t.len()).filter(|&i| t.is_char_boundary(i)) {
                        let a = ours.captures_at(t, at).map(|c| {
                            (c.get(0).map(|m| m.range()), c.name("m").map(|m| m.range()))
                        });
                        let b = want.captures_at(t, at).map(|c| {
                            (c.get(0).map(|m| m.range()), c.name("m").map(|m| m.range()))
                        });
                        prop_assert_eq!(a, b, "{} on {:?} at {}", pattern, t, at);
                    }
                }
            }
        }
    }
}
