//! The regex engine: `regex-automata`'s lazy DFA directly, without the `regex` crate's meta layer.
//!
//! Why: the `regex` crate's meta engine chooses among many strategies (PikeVM, bounded
//! backtracker, one-pass DFA, reverse suffix/inner searches, prefilters…) per pattern, and all of
//! them are linked into the `.wasm` whether a pattern uses them or not (~100 KB of
//! `regex_automata::meta` alone, before the code it calls). Our patterns are ASCII-only
//! (`matcher::ascii_classes`) and were always searched with the lazy DFA (`perf-dfa`), so this
//! module keeps exactly that: a forward lazy DFA for the match end, a reverse one for its start
//! (`hybrid::regex::Regex`), and, only for the patterns that name a capture group (the `m` group
//! of the rules) and only once the DFA found a match, a PikeVM run anchored on that match's span
//! with the text around it still visible to `\b`. Same semantics as `regex`: leftmost-first, the
//! same spans, and `find_iter` skips an empty match right after the previous match as `regex`
//! does (both use `regex_automata::util::iter::Searcher`).
//!
//! The lazy DFA never gives up here (`minimum_cache_clear_count(None)`: a full cache is cleared
//! and the search goes on, where the `regex` crate would switch to its PikeVM) and has no quit
//! bytes (only Unicode `\b` needs them, and `ascii_classes` writes `(?-u:\b)`), so a search
//! cannot fail; should one ever report an error anyway, the same search runs on the PikeVM, so a
//! result is never lost.
//!
//! The API is the subset of `regex`'s that `matcher` and `credentials` use, with the same names,
//! so swapping engines (`lite-regex`) stays a one-line `use`.

use std::fmt;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::sync::{Arc, OnceLock};

use regex_automata::hybrid;
use regex_automata::nfa::thompson::{self, pikevm::PikeVM};
use regex_automata::util::captures::Captures as RawCaptures;
use regex_automata::util::iter::Searcher;
use regex_automata::util::pool::Pool;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, MatchError};

/// `regex`'s default limit on one compiled program (its `RegexBuilder::size_limit`).
const DEFAULT_SIZE_LIMIT: usize = 10 << 20;
/// `regex`'s default lazy DFA cache (its `RegexBuilder::dfa_size_limit`).
const DEFAULT_DFA_SIZE_LIMIT: usize = 2 << 20;

/// Makes a fresh search cache for one thread (the pools below hold one per thread).
type CacheFn<T> = Box<dyn Fn() -> T + Send + Sync + UnwindSafe + RefUnwindSafe>;

/// Why a pattern did not compile (syntax error or a size limit), as `regex::Error` reports it.
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
    /// Test only: a tiny cache that gives up at once, to exercise the PikeVM fallback.
    #[cfg(test)]
    give_up: bool,
}

impl RegexBuilder {
    /// A builder for `pattern` with `regex`'s default limits.
    pub fn new(pattern: &str) -> RegexBuilder {
        RegexBuilder {
            pattern: pattern.to_string(),
            size_limit: DEFAULT_SIZE_LIMIT,
            dfa_size_limit: DEFAULT_DFA_SIZE_LIMIT,
            #[cfg(test)]
            give_up: false,
        }
    }

    /// Largest compiled NFA (bytes) of the pattern; larger patterns fail to build.
    pub fn size_limit(&mut self, bytes: usize) -> &mut RegexBuilder {
        self.size_limit = bytes;
        self
    }

    /// Lazy DFA cache capacity (bytes) of each direction; a full cache is cleared and refilled.
    pub fn dfa_size_limit(&mut self, bytes: usize) -> &mut RegexBuilder {
        self.dfa_size_limit = bytes;
        self
    }

    fn syntax(&self) -> syntax::Config {
        syntax::Config::new()
    }

    fn thompson(&self) -> thompson::Config {
        thompson::Config::new().nfa_size_limit(Some(self.size_limit))
    }

    /// Compiles the pattern: parsed once, then a forward NFA (with the capture groups when the
    /// pattern may name one, else only the implicit group 0, which is all a PikeVM fallback needs
    /// to report a match) and a reverse one, each turned into a lazy DFA. The PikeVM (captures,
    /// fallback) is made from the same forward NFA when first needed.
    pub fn build(&self) -> Result<Regex, Error> {
        let hir =
            syntax::parse_with(&self.pattern, &self.syntax()).map_err(|e| Error(e.to_string()))?;
        let named = may_name_groups(&self.pattern);
        let which = if named {
            thompson::WhichCaptures::All
        } else {
            thompson::WhichCaptures::Implicit
        };
        let nfa = thompson::Compiler::new()
            .configure(self.thompson().which_captures(which))
            .build_from_hir(&hir)
            .map_err(|e| Error(e.to_string()))?;
        let nfa_rev = thompson::Compiler::new()
            .configure(
                self.thompson()
                    .which_captures(thompson::WhichCaptures::None)
                    .reverse(true),
            )
            .build_from_hir(&hir)
            .map_err(|e| Error(e.to_string()))?;
        let mut dfa = hybrid::dfa::Config::new()
            .cache_capacity(self.dfa_size_limit)
            .minimum_cache_clear_count(None)
            .unicode_word_boundary(false);
        #[cfg(test)]
        if self.give_up {
            dfa = dfa
                .cache_capacity(0)
                .skip_cache_capacity_check(true)
                .minimum_cache_clear_count(Some(0));
        }
        #[cfg(not(test))]
        let _ = &mut dfa;
        let forward = hybrid::dfa::Builder::new()
            .configure(dfa.clone())
            .build_from_nfa(nfa.clone())
            .map_err(|e| Error(e.to_string()))?;
        // The reverse DFA only finds where a match found forward starts (as
        // `hybrid::regex::Builder` configures it).
        let reverse = hybrid::dfa::Builder::new()
            .configure(
                dfa.prefilter(None)
                    .specialize_start_states(false)
                    .match_kind(regex_automata::MatchKind::All),
            )
            .build_from_nfa(nfa_rev)
            .map_err(|e| Error(e.to_string()))?;
        let hybrid = Arc::new(hybrid::regex::Builder::new().build_from_dfas(forward, reverse));
        let for_cache = Arc::clone(&hybrid);
        let cache_fn: CacheFn<hybrid::regex::Cache> = Box::new(move || for_cache.create_cache());
        let re = Regex {
            hybrid,
            cache: Pool::new(cache_fn),
            pattern: self.pattern.clone(),
            nfa,
            pike: OnceLock::new(),
            names: OnceLock::new(),
        };
        if named {
            let pike = re.pike().ok_or_else(|| {
                // Cannot happen (the DFA compiled the same pattern), but report rather than panic.
                Error(format!(
                    "capture program of {:?} did not compile",
                    self.pattern
                ))
            })?;
            let names = pike
                .vm
                .get_nfa()
                .group_info()
                .pattern_names(regex_automata::PatternID::ZERO)
                .map(|n| n.map(str::to_string))
                .collect();
            let _ = re.names.set(names);
        } else {
            let _ = re.names.set(vec![None]);
        }
        Ok(re)
    }
}

/// Whether `pattern` may contain a named group (`(?P<name>` or `(?<name>`): a cheap textual
/// check that can only err towards yes.
fn may_name_groups(pattern: &str) -> bool {
    pattern.contains("(?P<") || pattern.contains("(?<")
}

/// The PikeVM with every capture group, and its per-thread caches.
struct Pike {
    vm: PikeVM,
    cache: Pool<regex_automata::nfa::thompson::pikevm::Cache, CacheFn<thompson::pikevm::Cache>>,
}

/// A compiled regex: the lazy DFA pair, plus the PikeVM when captures (or a fallback) need it.
pub struct Regex {
    hybrid: Arc<hybrid::regex::Regex>,
    cache: Pool<hybrid::regex::Cache, CacheFn<hybrid::regex::Cache>>,
    pattern: String,
    /// The forward NFA (shared, cheap to clone) the PikeVM is made from.
    nfa: thompson::NFA,
    pike: OnceLock<Option<Pike>>,
    names: OnceLock<Vec<Option<String>>>,
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
    raw: Option<RawCaptures>,
    whole: (usize, usize),
}

impl<'h> Captures<'h> {
    /// Group `i` (0 is the whole match), when it took part in the match.
    pub fn get(&self, i: usize) -> Option<Match<'h>> {
        let (start, end) = match &self.raw {
            Some(raw) => {
                let s = raw.get_group(i)?;
                (s.start, s.end)
            }
            None if i == 0 => self.whole,
            None => return None,
        };
        Some(Match {
            haystack: self.haystack,
            start,
            end,
        })
    }

    /// The group called `name`, when it exists and took part in the match.
    pub fn name(&self, name: &str) -> Option<Match<'h>> {
        let s = self.raw.as_ref()?.get_group_by_name(name)?;
        Some(Match {
            haystack: self.haystack,
            start: s.start,
            end: s.end,
        })
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

    /// The PikeVM, made from the forward NFA on first use; `None` only if that failed (it
    /// cannot for an NFA that compiled, but a miss beats a panic).
    fn pike(&self) -> Option<&Pike> {
        self.pike
            .get_or_init(|| {
                let vm = PikeVM::new_from_nfa(self.nfa.clone()).ok()?;
                let for_cache = vm.clone();
                let cache_fn: CacheFn<thompson::pikevm::Cache> =
                    Box::new(move || for_cache.create_cache());
                Some(Pike {
                    vm,
                    cache: Pool::new(cache_fn),
                })
            })
            .as_ref()
    }

    /// Leftmost-first match in `input`'s span: the lazy DFAs, or the PikeVM if they report an
    /// error (see the module note: they should not).
    fn search(&self, input: &Input<'_>) -> Option<regex_automata::Match> {
        let found = {
            let mut cache = self.cache.get();
            self.hybrid.try_search(&mut cache, input)
        };
        match found {
            Ok(m) => m,
            Err(e) => self.fallback(input, e),
        }
    }

    #[cold]
    fn fallback(&self, input: &Input<'_>, _why: MatchError) -> Option<regex_automata::Match> {
        let pike = self.pike()?;
        let mut cache = pike.cache.get();
        pike.vm.find(&mut cache, input.clone())
    }

    /// Whether the pattern matches anywhere in `haystack` (forward DFA only, stops at the first
    /// match state, as `regex` does).
    pub fn is_match(&self, haystack: &str) -> bool {
        let input = Input::new(haystack).earliest(true);
        let found = {
            let mut cache = self.cache.get();
            let (fwd, _) = cache.as_parts_mut();
            self.hybrid.forward().try_search_fwd(fwd, &input)
        };
        match found {
            Ok(m) => m.is_some(),
            Err(e) => self.fallback(&input, e).is_some(),
        }
    }

    /// The leftmost-first match in `haystack`.
    pub fn find<'h>(&self, haystack: &'h str) -> Option<Match<'h>> {
        self.search(&Input::new(haystack)).map(|m| Match {
            haystack,
            start: m.start(),
            end: m.end(),
        })
    }

    /// Every successive non-overlapping match, as `regex::Regex::find_iter`.
    pub fn find_iter<'r, 'h>(&'r self, haystack: &'h str) -> Matches<'r, 'h> {
        Matches {
            re: self,
            haystack,
            it: Searcher::new(Input::new(haystack)),
        }
    }

    /// The names of the capture groups, group 0 first (`None` for unnamed groups). A pattern
    /// without any named group reports group 0 only: nothing here reads unnamed groups.
    pub fn capture_names(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        self.names
            .get()
            .map(|v| v.as_slice())
            .unwrap_or(&[])
            .iter()
            .map(|n| n.as_deref())
    }

    /// The first match starting the search at byte `start` (the text before it still decides
    /// `\b` and `^`), with its groups, as `regex::Regex::captures_at`.
    pub fn captures_at<'h>(&self, haystack: &'h str, start: usize) -> Option<Captures<'h>> {
        let m = self.search(&Input::new(haystack).range(start..))?;
        let whole = (m.start(), m.end());
        if self.names.get().is_some_and(|n| n.len() <= 1) {
            return Some(Captures {
                haystack,
                raw: None,
                whole,
            });
        }
        // Groups: the PikeVM, anchored on the span the DFA found. The whole haystack stays
        // visible, so look-around at the span's edges reads the same characters.
        let raw = self.pike().and_then(|pike| {
            let mut cache = pike.cache.get();
            let mut caps = pike.vm.create_captures();
            let input = Input::new(haystack)
                .range(m.start()..m.end())
                .anchored(Anchored::Yes);
            pike.vm.search(&mut cache, &input, &mut caps);
            caps.get_match().is_some().then_some(caps)
        });
        debug_assert!(raw
            .as_ref()
            .map_or(true, |c| c.get_group(0).map(|s| (s.start, s.end))
                == Some(whole)));
        Some(Captures {
            haystack,
            raw,
            whole,
        })
    }
}

/// Iterator over successive matches ([`Regex::find_iter`]).
pub struct Matches<'r, 'h> {
    re: &'r Regex,
    haystack: &'h str,
    it: Searcher<'h>,
}

impl<'h> Iterator for Matches<'_, 'h> {
    type Item = Match<'h>;

    fn next(&mut self) -> Option<Match<'h>> {
        let re = self.re;
        let m = self.it.advance(|input| Ok(re.search(input)))?;
        Some(Match {
            haystack: self.haystack,
            start: m.start(),
            end: m.end(),
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
    fn giving_up_falls_back_to_the_pikevm() {
        let mut b = RegexBuilder::new(r"(?-u:\b)[a-z]+ (?P<m>[a-z]+)(?-u:\b)");
        b.give_up = true;
        let re = b.build().unwrap();
        let normal = Regex::new(r"(?-u:\b)[a-z]+ (?P<m>[a-z]+)(?-u:\b)").unwrap();
        let text = "éé five signs — you have adhd ".repeat(20);
        // The lazy DFA with no cache really does give up.
        let mut cache = re.hybrid.create_cache();
        assert!(re
            .hybrid
            .try_search(&mut cache, &Input::new(&text))
            .is_err());
        assert_eq!(spans(&re, &text), spans(&normal, &text));
        assert!(re.is_match(&text));
        assert!(!spans(&re, &text).is_empty());
    }

    #[test]
    fn errors_are_reported() {
        assert!(Regex::new("(").is_err());
        let mut b = RegexBuilder::new("[a-z]{1000}");
        b.size_limit(1000);
        let e = b.build().unwrap_err();
        assert!(!e.to_string().is_empty());
    }
}
