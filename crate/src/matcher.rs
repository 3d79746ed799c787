//! Finding rule matches in one normalised field text, fast.
//!
//! The obvious design tries every rule's regex on every text ([`Matcher::naive_scan`], kept as the
//! baseline the benchmarks compare against and as a test oracle). Most rules cannot match most
//! posts, so instead one Aho-Corasick pass over the folded text finds every rule anchor (and every
//! user keyword) that occurs, a second, smaller automaton does the same for the case-sensitive
//! anchors on the cased text, and only the regexes of rules whose anchors occurred run.
//!
//! Regexes never depend on configuration, so they are compiled once per process and shared by every
//! [`Matcher`] ([`OnceLock`] per regex, compiled on first use, which also keeps start-up cheap in the
//! browser). A `Matcher` holds only what configuration changes: which rules are enabled, the user's
//! keywords and ignored phrases, and the automata built from them.
//!
//! `{condition}`: the 234 condition terms are not part of any rule regex. build.rs replaces
//! `{condition}` (and `{condition_<lang>}`) by a placeholder, and [`mask_conditions`] gives the
//! patterns that use it (`PatternInfo::masked`) a copy of the folded text in which every term
//! occurrence keeps its first and last character and has the bytes between them replaced by one
//! marker byte (an ASCII control byte, one per set of term languages; see `build.rs`
//! `condition_placeholders`). The copy has the same length, so spans need no mapping, and the
//! edge characters keep `\b`, `\w*` and `\s+` around the placeholder meaning what they meant
//! around the terms. Which occurrences are masked: every position where a term matches (its
//! literal prefix found by the anchor pass, then the term's own regex, greedy, anchored there),
//! glued to a word or not, leftmost-longest across terms (overlaps go to the earlier start, then
//! the longer match). Differences from the old expanded alternation, on purpose: a term match
//! cannot be shortened to satisfy what follows (`asperger'` before a space no longer falls back
//! to `asperger` for a `\b`), and a rule of one language does not see a term of another language
//! that won the overlap. Topic rules (which condition was named, for the panel's reading links)
//! still match the terms themselves on the unmasked text.
//!
//! `unless`: a match is dropped when the rule's `unless` regex matches the text from `window`
//! characters before the match to `window` characters after it. An `unless` that uses `^` or `$` is
//! also tried on the text right before the match (where `$` is the match start, as in
//! `\bnot\s+an?\s+$`) and right after it (where `^` is the match end). On the cased text `unless`
//! is case-insensitive.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::literals::Literals;

/// The regex engine: [`crate::regex_engine`] (our own parser, NFA and lazy DFA for the rules'
/// dialect; no `regex` or `regex-automata` in the build), natively and in the `.wasm`.
/// `regex-lite` (no DFA, smaller) under the `lite-regex` feature: measured 40x slower per post in V8 even with `{condition}` as a
/// placeholder (its PikeVM steps every live NFA state at every byte, and the rules' big
/// alternations and bounded gaps keep many alive), so it is not shipped; the feature runs the
/// whole test suite on it, and `tests/engines.rs` holds both, and `regex` itself, to the same
/// answers. Every pattern goes through [`ascii_classes`], so all read the same ASCII-only syntax.
#[cfg(not(feature = "lite-regex"))]
pub use crate::regex_engine::{Regex, RegexBuilder};
/// The regex engine (see the other variant's note).
#[cfg(feature = "lite-regex")]
pub use regex_lite::{Regex, RegexBuilder};

use crate::post::Field;
use crate::rules::{self, PatternInfo, RuleInfo, TextKind};
use crate::verdict::Category;

/// Largest compiled program of one regex.
const REGEX_SIZE_LIMIT: usize = 1 << 22;

/// Cache of one regex's lazy DFA (not under `lite-regex`, which has none). Measured when `{condition}` was still expanded
/// into the rules: the crate's default (2 MiB) kept filling and being cleared on the rules that
/// combined the alternation with a bounded gap (4x slower); 4 MiB ran as many instructions as
/// 8 MiB. Memory grows only as states are actually built, so the limit only caps the worst case.
#[cfg(not(feature = "lite-regex"))]
fn dfa_cache_bytes() -> usize {
    4 << 20
}

/// A regex compiled on first use; `None` when it does not compile (a test checks that every
/// shipped regex compiles, so at run time a broken one simply never matches instead of panicking).
struct LazyRegex {
    source: String,
    cell: OnceLock<Option<Regex>>,
}

impl LazyRegex {
    fn new(source: String) -> Self {
        LazyRegex {
            source,
            cell: OnceLock::new(),
        }
    }

    fn get(&self) -> Option<&Regex> {
        self.cell
            .get_or_init(|| {
                let mut b = RegexBuilder::new(&self.source);
                b.size_limit(REGEX_SIZE_LIMIT);
                #[cfg(not(feature = "lite-regex"))]
                b.dfa_size_limit(dfa_cache_bytes());
                b.build().ok()
            })
            .as_ref()
    }
}

/// One pattern of one rule, with its compiled regex.
struct SharedPattern {
    rule: usize,
    info: &'static PatternInfo,
    regex: LazyRegex,
    /// Bit per [`Field`] the rule reads.
    fields: u8,
}

/// One `{condition}` term, compiled anchored (`^(?:term)`) to be tried where its prefix occurs.
struct Term {
    prefix: &'static str,
    marker: u8,
    regex: LazyRegex,
}

/// Per-process compiled state shared by every `Matcher`.
struct Shared {
    patterns: Vec<SharedPattern>,
    terms: Vec<Term>,
    /// Per rule: `unless` on the folded text and (case-insensitive) on the cased text.
    unless: Vec<Option<(LazyRegex, LazyRegex)>>,
}

fn field_bit(f: Field) -> u8 {
    match f {
        Field::Caption => 1,
        Field::Name => 2,
        Field::Handle => 4,
        Field::Bio => 8,
        Field::Label => 16,
    }
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let catalog = rules::catalog();
        let mut patterns = Vec::new();
        for (i, r) in catalog.iter().enumerate() {
            let fields = r.fields.iter().fold(0u8, |acc, f| acc | field_bit(*f));
            for p in &r.patterns {
                let source = ascii_classes(&p.regex);
                patterns.push(SharedPattern {
                    rule: i,
                    info: p,
                    regex: LazyRegex::new(source),
                    fields,
                });
            }
        }
        let unless = catalog
            .iter()
            .map(|r| {
                r.unless.as_ref().map(|u| {
                    (
                        LazyRegex::new(ascii_classes(u)),
                        LazyRegex::new(ascii_classes(&format!("(?i:{u})"))),
                    )
                })
            })
            .collect();
        let terms = rules::condition_terms()
            .iter()
            .map(|t| Term {
                prefix: &t.prefix,
                marker: t.marker,
                regex: LazyRegex::new(format!("^(?:{})", ascii_classes(&t.regex))),
            })
            .collect();
        Shared {
            patterns,
            terms,
            unless,
        }
    })
}

/// `\s` in ASCII. The normaliser turns every Unicode whitespace char (`char::is_whitespace`) into
/// an ASCII space and every pattern runs on normalised text, so this is the same class there;
/// the written-out Unicode White_Space class cost 10 % more instructions on a cold first analysis.
const SPACE_CLASS: &str = r"\t\n\x0B\x0C\r ";

/// Rewrites every pattern so it compiles without the regex crate's Unicode tables (the crate is
/// built without `unicode-case` and `unicode-perl`, 34 KB less gzip in the `.wasm`):
/// `\b`, `\B`, `\w`, `\W`, `\d`, `\D`, `\s`, `\S` become their ASCII forms
/// ([`SPACE_CLASS`]), and `(?i)` / `(?i:…)` are expanded by hand (see [`expand_case`]).
///
/// Why ASCII: the folded text is ASCII apart from emoji and scripts no rule targets (accents are
/// gone, look-alikes mapped), so the ASCII classes mean the same there, while the Unicode ones make
/// the compiled automata hundreds of times larger (`{condition}` with `\w*` exceeded the size
/// limit) and a Unicode `\b` stops the fast DFA at the first emoji or accent (measured: a four-word
/// cased alternation took 50 µs on a 300-character caption with emoji, under 1 µs after). On the
/// cased text the only difference is that an accented letter next to a post-nominal counts as a
/// boundary, which no credential token relies on.
pub fn ascii_classes(pattern: &str) -> String {
    let expanded;
    let pattern = if has_case_flag(pattern) {
        expanded = expand_case(pattern);
        expanded.as_str()
    } else {
        pattern
    };
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut class_depth = 0usize;
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(n) = chars.next() else {
                    out.push(c);
                    break;
                };
                match (n, class_depth > 0) {
                    ('b', false) => out.push_str("(?-u:\\b)"),
                    ('B', false) => out.push_str("(?-u:\\B)"),
                    ('w', false) => out.push_str("[0-9A-Za-z_]"),
                    ('d', false) => out.push_str("[0-9]"),
                    ('w', true) => out.push_str("0-9A-Za-z_"),
                    ('d', true) => out.push_str("0-9"),
                    ('s', false) => {
                        out.push('[');
                        out.push_str(SPACE_CLASS);
                        out.push(']');
                    }
                    ('s', true) => out.push_str(SPACE_CLASS),
                    // Negated classes nest inside a class as a union member.
                    ('W', _) => out.push_str("[^0-9A-Za-z_]"),
                    ('D', _) => out.push_str("[^0-9]"),
                    ('S', _) => {
                        out.push_str("[^");
                        out.push_str(SPACE_CLASS);
                        out.push(']');
                    }
                    _ => {
                        out.push(c);
                        out.push(n);
                    }
                }
            }
            '[' => {
                // `[[:word:]]` style names and nested classes both open with `[`.
                if class_depth > 0 && chars.peek() == Some(&':') {
                    out.push(c);
                    for n in chars.by_ref() {
                        out.push(n);
                        if n == ']' {
                            break;
                        }
                    }
                    continue;
                }
                class_depth += 1;
                out.push(c);
                // A `]` right after `[` or `[^` is a literal.
                if chars.peek() == Some(&'^') {
                    out.push(chars.next().expect("peeked"));
                }
                if chars.peek() == Some(&']') {
                    out.push(chars.next().expect("peeked"));
                }
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    flatten_negated_members(out)
}

/// Rewrites a class holding negated members (`[\W_]` became `[[^0-9A-Za-z_]_]`) as an
/// alternation, `(?:[_]|[^0-9A-Za-z_])`: `regex-lite` has no nested classes. Classes without
/// one, and negated classes (which no pattern combines with a negated member), are left as
/// they are.
fn flatten_negated_members(pattern: String) -> String {
    if !pattern.contains("[[^") && !pattern.contains("][^") && !pattern.contains("[^0-9") {
        return pattern;
    }
    let b: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            '\\' => {
                out.push(b[i]);
                if let Some(&n) = b.get(i + 1) {
                    out.push(n);
                }
                i += 2;
            }
            '[' => {
                // One top-level class: its plain members and its negated `[^…]` members.
                let start = i;
                let negated = b.get(i + 1) == Some(&'^');
                let mut j = i + 1 + usize::from(negated);
                let mut plain = String::new();
                let mut members: Vec<String> = Vec::new();
                if b.get(j) == Some(&']') {
                    plain.push(']');
                    j += 1;
                }
                while j < b.len() && b[j] != ']' {
                    match b[j] {
                        '\\' => {
                            plain.push(b[j]);
                            if let Some(&n) = b.get(j + 1) {
                                plain.push(n);
                            }
                            j += 2;
                        }
                        '[' => {
                            let mut member = String::new();
                            while j < b.len() {
                                member.push(b[j]);
                                j += 1;
                                if b[j - 1] == ']' && member.len() > 2 {
                                    break;
                                }
                            }
                            if member.starts_with("[^") {
                                members.push(member);
                            } else {
                                plain.push_str(&member);
                            }
                        }
                        c => {
                            plain.push(c);
                            j += 1;
                        }
                    }
                }
                let end = j.min(b.len() - 1);
                if members.is_empty() || negated {
                    out.extend(&b[start..=end]);
                } else {
                    out.push_str("(?:");
                    if !plain.is_empty() {
                        out.push('[');
                        out.push_str(&plain);
                        out.push_str("]|");
                    }
                    out.push_str(&members.join("|"));
                    out.push(')');
                }
                i = end + 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Whether a flag group (`(?i)`, `(?i:`, `(?si:`…) sets the case-insensitive flag. Checked first
/// because [`expand_case`] walks the whole pattern, and most patterns carry the long
/// `{condition}` alternation and no flag at all.
fn has_case_flag(pattern: &str) -> bool {
    pattern.match_indices("(?").any(|(at, _)| {
        pattern[at + 2..]
            .chars()
            .take_while(|c| c.is_ascii_alphabetic() || *c == '-')
            .any(|c| c == 'i')
    })
}

/// The other case of a letter, when it has exactly one (`a` ↔ `A`, `ó` ↔ `Ó`), for the letters
/// rules are written in: ASCII, Latin-1 and Latin Extended-A (Spanish, Portuguese, French,
/// German…). Written out instead of std's `to_uppercase`/`to_lowercase`, whose Unicode tables
/// cost ~17 KB gzip in the `.wasm`; a test checks it agrees with std on all of these blocks and
/// that every letter of every shipped pattern and anchor is in them.
fn other_case(c: char) -> Option<char> {
    let u = c as u32;
    let other = match u {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE => u + 0x20,
        0x61..=0x7A | 0xE0..=0xF6 | 0xF8..=0xFE => u - 0x20,
        0xFF => 0x178,
        0x178 => 0xFF,
        // Pairs upper (even) / lower (odd), but for the dotted/dotless i and kra.
        0x100..=0x12F | 0x132..=0x137 | 0x14A..=0x177 => u ^ 1,
        // Pairs upper (odd) / lower (even).
        0x139..=0x148 | 0x179..=0x17E => {
            if u % 2 == 1 {
                u + 1
            } else {
                u - 1
            }
        }
        _ => return None,
    };
    char::from_u32(other)
}

/// Expands the case-insensitive flag by hand: inside `(?i)` / `(?i:…)` every letter `x` becomes
/// `[xX]` and every class gets the other case of its letters and letter ranges; the `i` flag is
/// removed. The result matches the same texts without the crate's Unicode case tables (simple
/// one-to-one case mappings; no rule relies on the rest, e.g. `ß` ↔ `ẞ` or the Kelvin sign).
fn expand_case(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() * 2);
    // Per open group: the flag in force inside it. The bottom entry is the whole pattern.
    let mut stack: Vec<bool> = vec![false];
    let mut i = 0;
    while i < chars.len() {
        let ci = *stack.last().expect("bottom entry");
        let c = chars[i];
        match c {
            '\\' => {
                out.push(c);
                i += 1;
                if let Some(&n) = chars.get(i) {
                    out.push(n);
                    i += 1;
                    // `\p{..}`, `\x{..}`: copy the braces whole.
                    if matches!(n, 'p' | 'P' | 'x' | 'u' | 'U') && chars.get(i) == Some(&'{') {
                        while let Some(&b) = chars.get(i) {
                            out.push(b);
                            i += 1;
                            if b == '}' {
                                break;
                            }
                        }
                    }
                }
            }
            '(' => {
                if chars.get(i + 1) != Some(&'?') {
                    stack.push(ci);
                    out.push(c);
                    i += 1;
                    continue;
                }
                // `(?P<name>` / `(?<name>`: copied verbatim.
                if matches!(chars.get(i + 2), Some('P') | Some('<')) {
                    while let Some(&b) = chars.get(i) {
                        out.push(b);
                        i += 1;
                        if b == '>' {
                            break;
                        }
                    }
                    stack.push(ci);
                    continue;
                }
                // Flags up to `:` (a group) or `)` (the rest of the enclosing group).
                let mut j = i + 2;
                let (mut flags, mut negated, mut flag_i) = (String::new(), false, ci);
                while let Some(&f) = chars.get(j) {
                    if f == ':' || f == ')' {
                        break;
                    }
                    match f {
                        '-' => {
                            negated = true;
                            flags.push(f);
                        }
                        'i' => flag_i = !negated,
                        _ => flags.push(f),
                    }
                    j += 1;
                }
                let flags = flags.trim_end_matches('-').to_string();
                let end = chars.get(j).copied().unwrap_or(')');
                if end == ':' {
                    stack.push(flag_i);
                    out.push_str("(?");
                    out.push_str(&flags);
                    out.push(':');
                } else {
                    *stack.last_mut().expect("bottom entry") = flag_i;
                    if !flags.is_empty() {
                        out.push_str("(?");
                        out.push_str(&flags);
                        out.push(')');
                    }
                }
                i = j + 1;
            }
            ')' => {
                if stack.len() > 1 {
                    stack.pop();
                }
                out.push(c);
                i += 1;
            }
            '[' => {
                // Copy the class, adding the other case of letters and ranges when `ci`.
                let mut depth = 0usize;
                while i < chars.len() {
                    let c = chars[i];
                    match c {
                        '\\' => {
                            out.push(c);
                            if let Some(&n) = chars.get(i + 1) {
                                out.push(n);
                            }
                            i += 2;
                            continue;
                        }
                        '[' => {
                            depth += 1;
                            out.push(c);
                            i += 1;
                            if chars.get(i) == Some(&'^') {
                                out.push('^');
                                i += 1;
                            }
                            if chars.get(i) == Some(&']') {
                                out.push(']');
                                i += 1;
                            }
                            continue;
                        }
                        ']' => {
                            out.push(c);
                            i += 1;
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                            continue;
                        }
                        _ => {}
                    }
                    let range_end = (chars.get(i + 1) == Some(&'-'))
                        .then(|| chars.get(i + 2).copied())
                        .flatten()
                        .filter(|&e| e != ']' && e != '\\' && e != '[');
                    match range_end {
                        Some(e) => {
                            out.push(c);
                            out.push('-');
                            out.push(e);
                            if ci {
                                if let (Some(a), Some(b)) = (other_case(c), other_case(e)) {
                                    if c.is_ascii_alphabetic() && e.is_ascii_alphabetic() {
                                        out.push(a);
                                        out.push('-');
                                        out.push(b);
                                    }
                                }
                            }
                            i += 3;
                        }
                        None => {
                            out.push(c);
                            if ci {
                                if let Some(o) = other_case(c) {
                                    out.push(o);
                                }
                            }
                            i += 1;
                        }
                    }
                }
            }
            _ => {
                match (ci, other_case(c)) {
                    (true, Some(o)) => {
                        out.push('[');
                        out.push(c);
                        out.push(o);
                        out.push(']');
                    }
                    _ => out.push(c),
                }
                i += 1;
            }
        }
    }
    out
}

/// Most letters an anchor of a case-insensitive cased pattern may have: [`case_spellings`] makes
/// 2^n spellings of it (the shipped ones have at most 6; a test checks the limit).
pub const MAX_ANY_CASE_LETTERS: usize = 10;

/// Every spelling of `anchor` with each letter in either case (`code`, `Code`, `cOde`, …, `CODE`),
/// as [`expand_case`] reads `(?i)`.
fn case_spellings(anchor: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    for c in anchor.chars() {
        match other_case(c) {
            Some(o) => {
                out = out
                    .into_iter()
                    .flat_map(|s| [format!("{s}{c}"), format!("{s}{o}")])
                    .collect();
            }
            None => out.iter_mut().for_each(|s| s.push(c)),
        }
    }
    out
}

/// Compiles every shipped regex now and returns the ones that fail, with the error. For tests and
/// for warming up before a benchmark.
pub fn compile_all() -> Vec<(String, String)> {
    let s = shared();
    let catalog = rules::catalog();
    let mut bad = Vec::new();
    let mut check = |rule: usize, re: &LazyRegex| {
        if re.get().is_none() {
            let err = RegexBuilder::new(&re.source)
                .size_limit(1 << 22)
                .build()
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            bad.push((catalog[rule].id.clone(), err));
        }
    };
    for p in &s.patterns {
        check(p.rule, &p.regex);
    }
    for (i, u) in s.unless.iter().enumerate() {
        if let Some((a, b)) = u {
            check(i, a);
            check(i, b);
        }
    }
    for t in &s.terms {
        if t.regex.get().is_none() {
            bad.push((format!("condition term {}", t.regex.source), String::new()));
        }
    }
    bad
}

/// A literal phrase the person asked for (a keyword) or asked to ignore, already folded.
#[derive(Debug, Clone)]
pub struct Phrase {
    /// The category a keyword reports under (unused for ignored phrases).
    pub category: Category,
    /// The folded form matched against the folded text.
    pub folded: String,
}

/// Where a hit came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// A shipped rule (index into [`rules::catalog`]).
    Rule(usize),
    /// A user keyword (index into the matcher's keywords).
    Keyword(usize),
}

/// One match: byte offsets into the folded or the cased text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hit {
    /// Rule or keyword.
    pub source: Source,
    /// Which text the offsets are in.
    pub cased: bool,
    /// Byte offset.
    pub start: usize,
    /// Byte offset, exclusive.
    pub end: usize,
    /// From an ambiguous term that only counts next to another hit in the same field.
    pub needs_company: bool,
}

/// Anchors this short only count at the start of a word.
///
/// Why: a two- or three-letter anchor ("nd", "sh", "no", "all", "low") occurs inside half the words
/// of any caption ("and", "she", "know", "follow"), which made most posts run those rules'
/// regexes for nothing; every pattern in the data starts such a word with `\b` anyway. Longer
/// anchors stay plain substrings ("alive" must still find "unalive").
pub const WORD_START_MAX_CHARS: usize = 3;

fn needs_word_start(anchor: &str) -> bool {
    anchor.chars().count() <= WORD_START_MAX_CHARS
        && anchor
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
}

/// The fields a user keyword of a category is looked for in, as the shipped rules of that
/// category read them: credentials and titles in the profile (name, handle, bio), sponsorship and
/// self-promotion in the caption and the platform's labels, everything else in the caption only.
/// A keyword in a field the category does not belong to would report, say, a topic in a label.
pub fn keyword_fields(category: Category) -> u8 {
    match category {
        Category::Credential | Category::NonClinicalTitle => {
            field_bit(Field::Name) | field_bit(Field::Handle) | field_bit(Field::Bio)
        }
        Category::Sponsorship | Category::SelfPromotion => {
            field_bit(Field::Caption) | field_bit(Field::Label)
        }
        _ => field_bit(Field::Caption),
    }
}

/// Whether an ASCII word character comes right before byte `at`: the same test as the `\b` the
/// patterns use after [`ascii_classes`] (a Cyrillic letter before "not" is a boundary to them, so
/// it must be one here too; the fuzzer found "Яnot a counselor" flagged only by the naive scan).
fn glued_to_previous(text: &str, at: usize) -> bool {
    text.as_bytes()[..at]
        .last()
        .is_some_and(|&b| b.is_ascii_alphanumeric())
}

/// An Aho-Corasick automaton over anchors, with what each anchor leads to.
struct Automaton {
    ac: Option<Literals>,
    /// Per automaton pattern: what it leads to.
    targets: Vec<Slot>,
    /// Per automaton pattern: counts for rules only at the start of a word.
    word_start: Vec<bool>,
}

impl Automaton {
    fn build(anchors: Vec<String>, targets: Vec<Slot>) -> Automaton {
        let word_start = anchors.iter().map(|a| needs_word_start(a)).collect();
        // A full DFA (src/literals.rs): the `aho-corasick` crate's DFA took 12 % fewer
        // instructions per post than its default contiguous NFA (callgrind), and ours does as
        // well as that DFA without the crate's code in the `.wasm`.
        let ac = if anchors.is_empty() {
            None
        } else {
            Some(Literals::new(
                &anchors.iter().map(|a| a.as_bytes()).collect::<Vec<_>>(),
            ))
        };
        Automaton {
            ac,
            targets,
            word_start,
        }
    }
}

/// What one anchor leads to.
#[derive(Default)]
struct Slot {
    /// Shared pattern indices whose regex may match.
    patterns: Vec<u32>,
    /// User keywords equal to the anchor.
    keywords: Vec<u32>,
    /// The anchor of a `{condition}` term.
    condition: bool,
    /// `{condition}` terms that start with this anchor (their prefix).
    terms: Vec<u32>,
}

/// Collects anchors, merging duplicates, for one automaton.
#[derive(Default)]
struct AnchorSet {
    index: HashMap<String, usize>,
    anchors: Vec<String>,
    targets: Vec<Slot>,
}

impl AnchorSet {
    fn slot(&mut self, anchor: &str) -> &mut Slot {
        let i = match self.index.get(anchor) {
            Some(&i) => i,
            None => {
                let i = self.anchors.len();
                self.index.insert(anchor.to_string(), i);
                self.anchors.push(anchor.to_string());
                self.targets.push(Slot::default());
                i
            }
        };
        &mut self.targets[i]
    }

    fn build(self) -> Automaton {
        Automaton::build(self.anchors, self.targets)
    }
}

/// The anchors of the two automata (folded and cased text) for the rules `rule_enabled` selects
/// and the person's keywords, with which shared patterns run and which fields need the cased
/// text: [`Matcher::new`]'s first half, apart so the tests can build the oracle from the same
/// anchors.
fn anchor_sets(
    rule_enabled: &[bool],
    keywords: &[Phrase],
) -> (AnchorSet, AnchorSet, Vec<bool>, u8) {
    let s = shared();
    let mut folded = AnchorSet::default();
    let mut cased = AnchorSet::default();
    let mut enabled = vec![false; s.patterns.len()];
    let mut cased_fields = 0u8;
    for (pi, p) in s.patterns.iter().enumerate() {
        if !rule_enabled.get(p.rule).copied().unwrap_or(false) {
            continue;
        }
        enabled[pi] = true;
        let set = match p.info.text {
            TextKind::Folded => &mut folded,
            TextKind::Cased => {
                cased_fields |= p.fields;
                &mut cased
            }
        };
        // A case-insensitive pattern on the cased text ("Use coDe HEAL20") is found through
        // every spelling of its anchors: the automaton is case-sensitive (fuzz bug 6).
        let any_case = p.info.text == TextKind::Cased && has_case_flag(&p.info.regex);
        for a in &p.info.anchors {
            let spellings = if any_case {
                case_spellings(a)
            } else {
                vec![a.clone()]
            };
            for a in &spellings {
                let slot = set.slot(a);
                if slot.patterns.last() != Some(&(pi as u32)) {
                    slot.patterns.push(pi as u32);
                }
            }
        }
    }
    for (ki, k) in keywords.iter().enumerate() {
        folded.slot(&k.folded).keywords.push(ki as u32);
    }
    for a in rules::condition_anchors() {
        folded.slot(a).condition = true;
    }
    for (ti, t) in s.terms.iter().enumerate() {
        folded.slot(t.prefix).terms.push(ti as u32);
    }
    (folded, cased, enabled, cased_fields)
}

/// The configured matcher: which rules run, plus the person's keywords and ignored phrases.
/// Immutable once built, `Send + Sync`.
pub struct Matcher {
    folded: Automaton,
    cased: Automaton,
    /// Per shared pattern: does it run under this configuration?
    enabled: Vec<bool>,
    /// Fields that have at least one enabled cased pattern (so the cased text is needed).
    cased_fields: u8,
    keywords: Vec<Phrase>,
    ignored: Option<Literals>,
    ignored_phrases: Vec<String>,
}

impl Matcher {
    /// Builds the automata for the rules `rule_enabled` selects (indexed like [`rules::catalog`])
    /// and the given keywords and ignored phrases (already folded).
    pub fn new(rule_enabled: &[bool], keywords: Vec<Phrase>, ignored: Vec<String>) -> Matcher {
        let (folded, cased, enabled, cased_fields) = anchor_sets(rule_enabled, &keywords);
        let ignored_ac = if ignored.is_empty() {
            None
        } else {
            Some(Literals::new(
                &ignored.iter().map(|a| a.as_bytes()).collect::<Vec<_>>(),
            ))
        };
        Matcher {
            folded: folded.build(),
            cased: cased.build(),
            enabled,
            cased_fields,
            keywords,
            ignored: ignored_ac,
            ignored_phrases: ignored,
        }
    }
    /// Whether `field` needs its cased text at all under this configuration.
    pub fn needs_cased(&self, field: Field) -> bool {
        self.cased_fields & field_bit(field) != 0
    }

    /// The person's keywords, indexed by [`Source::Keyword`].
    pub fn keywords(&self) -> &[Phrase] {
        &self.keywords
    }

    /// Every match in one field: `folded` is the folded text, `cased` the cased one (may be "" when
    /// [`Matcher::needs_cased`] is false). Hits are appended to `out` in no particular order.
    pub fn scan(&self, field: Field, folded: &str, cased: &str, out: &mut Vec<Hit>) {
        let s = shared();
        let bit = field_bit(field);
        let first = out.len();
        // Candidate patterns as a bit set: each regex runs at most once per text. On the stack
        // while the catalogue fits (it has ~320 patterns), so a field costs no allocation here.
        let words = s.patterns.len().div_ceil(64);
        let mut on_stack = [0u64; 16];
        let mut on_heap = Vec::new();
        let candidates: &mut [u64] = if words <= on_stack.len() {
            &mut on_stack[..words]
        } else {
            on_heap.resize(words, 0);
            &mut on_heap
        };
        let mut condition_seen = false;
        // Where a `{condition}` term may start (its prefix occurs), for the masked text.
        let mut term_starts: Vec<(usize, u32)> = Vec::new();
        if let Some(ac) = &self.folded.ac {
            for m in ac.find_overlapping(folded.as_bytes()) {
                let id = m.pattern;
                let slot = &self.folded.targets[id];
                term_starts.extend(slot.terms.iter().map(|&t| (m.start, t)));
                // A condition term counts wherever it occurs, glued or not: some rules put
                // `{condition}` after a gap with no `\b` before it ("5 signs haveocd"; fuzz bug 5).
                condition_seen |= slot.condition;
                if !(self.folded.word_start[id] && glued_to_previous(folded, m.start)) {
                    for &p in &slot.patterns {
                        candidates[p as usize / 64] |= 1 << (p % 64);
                    }
                }
                for &k in &slot.keywords {
                    let kw = &self.keywords[k as usize];
                    if keyword_fields(kw.category) & bit != 0 && whole_word(folded, m.start, m.end)
                    {
                        out.push(Hit {
                            source: Source::Keyword(k as usize),
                            cased: false,
                            start: m.start,
                            end: m.end,
                            needs_company: false,
                        });
                    }
                }
            }
        }
        if let (Some(ac), true) = (&self.cased.ac, !cased.is_empty()) {
            for m in ac.find_overlapping(cased.as_bytes()) {
                let id = m.pattern;
                if self.cased.word_start[id] && glued_to_previous(cased, m.start) {
                    continue;
                }
                for &p in &self.cased.targets[id].patterns {
                    candidates[p as usize / 64] |= 1 << (p % 64);
                }
            }
        }
        let mut masked: Option<String> = None;
        for (w, &word) in candidates.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let pi = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let p = &s.patterns[pi];
                if p.fields & bit == 0 || (p.info.requires_condition && !condition_seen) {
                    continue;
                }
                match p.info.text {
                    TextKind::Folded if p.info.masked => {
                        let m = masked
                            .get_or_insert_with(|| mask_conditions(folded, &term_starts))
                            .as_str();
                        run_masked(s, p, folded, m, out);
                    }
                    TextKind::Folded => run_pattern(s, p, folded, folded, out),
                    TextKind::Cased => run_pattern(s, p, cased, cased, out),
                }
            }
        }
        drop_lonely(first, out);
    }

    /// The baseline design: every enabled rule's regex tried in turn on the whole text, no
    /// anchors, no automaton. Same results as [`Matcher::scan`] for rules (keywords excluded);
    /// kept for the benchmarks' ratio and as the oracle that proves the anchors complete.
    ///
    /// The patterns that use `{condition}` read the masked text here too, so the oracle still
    /// runs one regex per rule; the mask is built from term starts found by trying every term's
    /// prefix at every position ([`naive_term_starts`]), not by the automaton, so it checks the
    /// anchor pass's term starts as well.
    pub fn naive_scan(&self, field: Field, folded: &str, cased: &str, out: &mut Vec<Hit>) {
        let s = shared();
        let bit = field_bit(field);
        let first = out.len();
        let masked = mask_conditions(folded, &naive_term_starts(folded));
        for (pi, p) in s.patterns.iter().enumerate() {
            if !self.enabled[pi] || p.fields & bit == 0 {
                continue;
            }
            match p.info.text {
                TextKind::Folded if p.info.masked => run_masked(s, p, folded, &masked, out),
                TextKind::Folded => run_pattern(s, p, folded, folded, out),
                TextKind::Cased => run_pattern(s, p, cased, cased, out),
            }
        }
        drop_lonely(first, out);
    }

    /// Byte ranges of the folded text covered by an ignored phrase (whole words).
    pub fn ignored_ranges(&self, folded: &str) -> Vec<(usize, usize)> {
        let Some(ac) = &self.ignored else {
            return Vec::new();
        };
        ac.find_overlapping(folded.as_bytes())
            .filter(|m| whole_word(folded, m.start, m.end))
            .map(|m| (m.start, m.end))
            .collect()
    }

    /// The ignored phrases, folded.
    pub fn ignored_phrases(&self) -> &[String] {
        &self.ignored_phrases
    }
}

/// Whether a byte marks a masked term, or would be mistaken for one: the control bytes that are
/// not whitespace (`build.rs` `MARKERS`).
fn is_marker(b: u8) -> bool {
    matches!(b, 0x01..=0x08 | 0x0E..=0x1F)
}

/// What a control byte already in the text becomes in the masked copy: another non-word,
/// non-space byte, so every pattern reads it as before but none mistakes it for a marker.
const NOT_A_MARKER: u8 = 0x7F;

/// Every position where some term's prefix occurs, found the obvious way (each prefix tried at
/// each position), for the naive oracle and the tests.
pub fn naive_term_starts(folded: &str) -> Vec<(usize, u32)> {
    let terms = &shared().terms;
    let mut out = Vec::new();
    for (p, _) in folded.char_indices() {
        for (ti, t) in terms.iter().enumerate() {
            if folded[p..].starts_with(t.prefix) {
                out.push((p, ti as u32));
            }
        }
    }
    out
}

/// The folded text with every `{condition}` term occurrence masked (see the module note): from
/// `starts` (where a term's prefix occurs, in any order, duplicates allowed), each term's
/// anchored regex gives the occurrence; overlaps are resolved leftmost-longest; an occurrence
/// keeps its first and last byte and the bytes between become the term's marker. Occurrences
/// shorter than 3 bytes, not all ASCII, or with a space or control byte at an edge are left as
/// they are (the data has none: every term starts with three literal letters). Marker bytes
/// already in the text become [`NOT_A_MARKER`]. Same length as `folded`, so offsets carry over.
pub fn mask_conditions(folded: &str, starts: &[(usize, u32)]) -> String {
    let terms = &shared().terms;
    let mut found: Vec<(usize, usize, u8)> = Vec::with_capacity(starts.len());
    for &(p, ti) in starts {
        let t = &terms[ti as usize];
        if let Some(m) = t.regex.get().and_then(|re| re.find(&folded[p..])) {
            found.push((p, p + m.end(), t.marker));
        }
    }
    // By start, then longest first. An insertion sort: a field has a handful of terms, and the
    // library sort's code would add ~10 KB to the `.wasm` for this one use.
    for i in 1..found.len() {
        let mut j = i;
        while j > 0
            && (found[j].0, usize::MAX - found[j].1) < (found[j - 1].0, usize::MAX - found[j - 1].1)
        {
            found.swap(j, j - 1);
            j -= 1;
        }
    }
    let mut bytes = folded.as_bytes().to_vec();
    // Text almost never holds a marker byte: a test that vectorises (no early exit) first.
    if bytes.iter().fold(false, |any, &b| any | is_marker(b)) {
        for b in bytes.iter_mut().filter(|b| is_marker(**b)) {
            *b = NOT_A_MARKER;
        }
    }
    let mut taken_to = 0;
    for (start, end, marker) in found {
        if start < taken_to {
            continue;
        }
        let run = &folded.as_bytes()[start..end];
        let edge = |b: u8| (b'!'..=b'~').contains(&b);
        if run.len() < 3 || !run.is_ascii() || !edge(run[0]) || !edge(run[run.len() - 1]) {
            continue;
        }
        bytes[start + 1..end - 1].fill(marker);
        taken_to = end;
    }
    // Only ASCII bytes were replaced, by ASCII bytes: still UTF-8 (the fallback cannot happen).
    String::from_utf8(bytes).unwrap_or_else(|_| folded.to_string())
}

/// Runs a pattern that uses `{condition}` on the masked text and, when some of its matches need no
/// condition term (`requires_condition` is false: "release stored trauma" in a pattern that is
/// otherwise about conditions), also on the unmasked text, where the literal words a mask would
/// have hidden are still there; `unless` reads the masked text for both. The masked run decides
/// where it found something: a span of the unmasked run is kept only where it overlaps none of
/// the masked run's.
fn run_masked(s: &Shared, p: &SharedPattern, folded: &str, masked: &str, out: &mut Vec<Hit>) {
    let first = out.len();
    run_pattern(s, p, masked, masked, out);
    if !p.info.requires_condition {
        let from_masked = out.len();
        run_pattern(s, p, folded, masked, out);
        let mut i = from_masked;
        while i < out.len() {
            let (a, b) = (out[i].start, out[i].end);
            if out[first..from_masked]
                .iter()
                .any(|h| h.start < b && a < h.end)
            {
                out.swap_remove(i);
            } else {
                i += 1;
            }
        }
    }
}

/// Runs one pattern over `text`, applying `unless` (on `unless_text`, the same text or its masked
/// copy: same length, same offsets) and the all-caps guard.
fn run_pattern(s: &Shared, p: &SharedPattern, text: &str, unless_text: &str, out: &mut Vec<Hit>) {
    let Some(re) = p.regex.get() else {
        return;
    };
    let rule: &RuleInfo = &rules::catalog()[p.rule];
    let cased = p.info.text == TextKind::Cased;
    let mut push = |start: usize, end: usize| {
        if start == end {
            return;
        }
        if p.info.not_in_caps && !has_lowercase_near(text, start, end, rule.window) {
            return;
        }
        if let Some((folded_unless, cased_unless)) = &s.unless[p.rule] {
            let u = if cased { cased_unless } else { folded_unless };
            if let Some(u) = u.get() {
                if unless_matches(u, rule, unless_text, start, end) {
                    return;
                }
            }
        }
        out.push(Hit {
            source: Source::Rule(p.rule),
            cased,
            start,
            end,
            needs_company: p.info.needs_company,
        });
    };
    if re.capture_names().any(|n| n == Some("m")) {
        // The span is group `m`; the search resumes at its end so a boundary character consumed
        // after one match can start the next ("LCSW,LMFT").
        let mut pos = 0;
        while pos <= text.len() {
            let Some(caps) = re.captures_at(text, pos) else {
                break;
            };
            let whole = caps.get(0).expect("group 0");
            let span = caps.name("m").unwrap_or(whole);
            push(span.start(), span.end());
            let next = if span.end() > pos {
                span.end()
            } else {
                whole.end()
            };
            pos = if next > pos {
                next
            } else {
                next + text[next..].chars().next().map_or(1, char::len_utf8)
            };
        }
    } else {
        for m in re.find_iter(text) {
            push(m.start(), m.end());
        }
    }
}

/// Drops hits of `needs_company` patterns (ambiguous terms) when nothing else in the field matched.
fn drop_lonely(first: usize, out: &mut Vec<Hit>) {
    if out[first..].iter().all(|h| h.needs_company) {
        out.truncate(first);
    }
}

/// `\b` semantics for a literal: a word character at either edge must not continue into the text.
pub fn whole_word(text: &str, start: usize, end: usize) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let first = text[start..end].chars().next();
    let last = text[start..end].chars().next_back();
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let glued_before = first.is_some_and(is_word) && before.is_some_and(is_word);
    let glued_after = last.is_some_and(is_word) && after.is_some_and(is_word);
    !glued_before && !glued_after
}

/// Byte offset `n` characters before `at` (or 0).
fn back_chars(text: &str, at: usize, n: usize) -> usize {
    text[..at]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

/// Byte offset `n` characters after `at` (or the end).
fn fwd_chars(text: &str, at: usize, n: usize) -> usize {
    text[at..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| at + i)
}

fn unless_matches(u: &Regex, rule: &RuleInfo, text: &str, start: usize, end: usize) -> bool {
    let ws = back_chars(text, start, rule.window);
    let we = fwd_chars(text, end, rule.window);
    u.is_match(&text[ws..we])
        || (rule.unless_edges && (u.is_match(&text[ws..start]) || u.is_match(&text[end..we])))
}

fn has_lowercase_near(text: &str, start: usize, end: usize, window: usize) -> bool {
    let ws = back_chars(text, start, window);
    let we = fwd_chars(text, end, window);
    text[ws..we].chars().any(char::is_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_regex_compiles() {
        let bad = compile_all();
        assert!(bad.is_empty(), "regexes that do not compile: {bad:#?}");
    }

    /// std's answer for [`other_case`]: the other case when there is exactly one char of it.
    fn std_other_case(c: char) -> Option<char> {
        let one = |s: String| {
            let mut it = s.chars();
            let first = it.next()?;
            it.next().is_none().then_some(first)
        };
        let other = if c.is_lowercase() {
            one(c.to_uppercase().collect())
        } else if c.is_uppercase() {
            one(c.to_lowercase().collect())
        } else {
            None
        };
        other.filter(|&o| o != c)
    }

    #[test]
    fn other_case_agrees_with_std_where_rules_are_written() {
        for c in (0u32..0x180).filter_map(char::from_u32) {
            // One-way mappings (`µ` → Greek `Μ`, dotless `ı` → `I`, long `ſ` → `S`) are left
            // out on purpose; the loop below checks no rule uses them.
            let round_trip = std_other_case(c).filter(|&o| std_other_case(o) == Some(c));
            assert_eq!(other_case(c), round_trip, "{c:?} U+{:04X}", c as u32);
        }
        // Every letter of every shipped pattern, `unless` and anchor is one `other_case` knows.
        for r in rules::catalog() {
            let mut texts: Vec<&str> = r.unless.iter().map(String::as_str).collect();
            for p in &r.patterns {
                texts.push(&p.regex);
                texts.extend(p.anchors.iter().map(String::as_str));
            }
            for c in texts.iter().flat_map(|t| t.chars()) {
                assert_eq!(other_case(c), std_other_case(c), "{}: {c:?}", r.id);
            }
        }
    }

    #[test]
    fn ascii_classes_rewrites_outside_and_inside_classes() {
        assert_eq!(ascii_classes(r"\bsigns?\b"), r"(?-u:\b)signs?(?-u:\b)");
        assert_eq!(ascii_classes(r"autis\w*"), r"autis[0-9A-Za-z_]*");
        assert_eq!(ascii_classes(r"[\w-]+\d"), r"[0-9A-Za-z_-]+[0-9]");
        assert_eq!(ascii_classes(r"[\W_]"), "(?:[_]|[^0-9A-Za-z_])");
        assert_eq!(ascii_classes(r"[\S]x"), format!("(?:[^{SPACE_CLASS}])x"));
        assert_eq!(
            ascii_classes(r"[^\]\w]\s\W"),
            format!(r"[^\]0-9A-Za-z_][{SPACE_CLASS}][^0-9A-Za-z_]")
        );
        assert_eq!(ascii_classes(r"[]b]\b"), r"[]b](?-u:\b)");
        assert_eq!(ascii_classes(r"[[:alpha:]\d]"), r"[[:alpha:]0-9]");
        let re = Regex::new(&ascii_classes(r"\bad\w*\b")).unwrap();
        assert!(re.is_match("🧠adhd🧠"));
        assert!(!re.is_match("bad"));
    }

    #[test]
    fn case_insensitivity_is_expanded_by_hand() {
        assert_eq!(expand_case("(?i:ab)c"), "(?:[aA][bB])c");
        assert_eq!(expand_case("(?i)x[a-c_ó]"), "[xX][a-cA-C_óÓ]");
        assert_eq!(
            expand_case(r"(?i:\bq\s)(?P<m>Zz)"),
            r"(?:\b[qQ]\s)(?P<m>Zz)"
        );
        assert_eq!(expand_case("(?i:a(?-i:b)c)d"), "(?:[aA](?:b)[cC])d");
        assert_eq!(expand_case("(?s:.)"), "(?s:.)");
        for (pattern, yes, no) in [
            (r"(?i:\bc[oó]digo)\s+[A-Z]+", "CÓDIGO ABC", "código abc"),
            (r"(?i)\bnot\s+a\s+$", "NOT A ", "no a "),
            (r"(?i:[^a-z]x)", "1X", "aX"),
        ] {
            let re = Regex::new(&ascii_classes(pattern)).unwrap();
            assert!(re.is_match(yes), "{pattern} on {yes}");
            assert!(!re.is_match(no), "{pattern} on {no}");
        }
    }

    #[test]
    fn only_case_flags_trigger_the_expansion() {
        assert!(has_case_flag("a(?i:b)"));
        assert!(has_case_flag("(?si:b)"));
        assert!(has_case_flag("(?i)b"));
        assert!(!has_case_flag("(?:ib)(?P<m>i)"));
        assert!(!has_case_flag("(?s:.)"));
    }

    #[test]
    fn perl_classes_need_no_unicode_tables() {
        let re = Regex::new(&ascii_classes(r"a\sb\S[\W_]\D")).unwrap();
        assert!(re.is_match("a\tbx-y"));
        assert!(re.is_match("a bé_y"));
        assert!(!re.is_match("a bxay"));
        assert!(!re.is_match("a  b-_7"));
        // Normalised text holds no other whitespace, which is why ASCII `\s` is enough.
        let n = crate::normalize::Normalized::new(
            "a\u{A0}b\u{3000}c\u{2028}d\u{85}e",
            crate::normalize::Fold::Keep,
        );
        assert_eq!(n.text(), "a b c d e");
    }

    #[test]
    fn short_anchors_need_an_ascii_word_start() {
        assert!(needs_word_start("nd"));
        assert!(needs_word_start("all"));
        assert!(!needs_word_start("sign"));
        assert!(!needs_word_start("#ad"));
        assert!(glued_to_previous("and", 1));
        assert!(!glued_to_previous("x nd", 2));
        // Non-ASCII letters are boundaries, as for the ASCII `\b` of the patterns.
        let t = "Яnot";
        assert!(!glued_to_previous(t, t.find("not").unwrap()));
        assert!(!glued_to_previous("🧠not", "🧠".len()));
    }

    #[test]
    fn case_insensitive_cased_anchors_get_every_spelling() {
        let mut spellings = case_spellings("Co1");
        spellings.sort();
        assert_eq!(spellings, ["CO1", "Co1", "cO1", "co1"]);
        assert_eq!(case_spellings("código").len(), 64);
        for p in &shared().patterns {
            if p.info.text == TextKind::Cased && has_case_flag(&p.info.regex) {
                for a in &p.info.anchors {
                    let letters = a.chars().filter(|&c| other_case(c).is_some()).count();
                    assert!(
                        letters <= MAX_ANY_CASE_LETTERS,
                        "anchor {a:?} has {letters} letters"
                    );
                }
            }
        }
    }

    fn masked(text: &str) -> String {
        mask_conditions(text, &naive_term_starts(text))
    }

    #[test]
    fn condition_terms_are_masked_in_place_keeping_their_edges() {
        let text = "5 signs you have adhd, not autism!";
        let m = masked(text);
        assert_eq!(m.len(), text.len());
        let at = text.find("adhd").unwrap();
        let b = m.as_bytes();
        assert_eq!((b[at], b[at + 3]), (b'a', b'd'));
        assert!(is_marker(b[at + 1]) && b[at + 1] == b[at + 2]);
        let at = text.find("autism").unwrap();
        assert_eq!(&m[at..at + 1], "a");
        assert!(b[at + 1..at + 5]
            .iter()
            .all(|&x| x == b[at + 1] && is_marker(x)));
        assert_eq!(&m[..at - 5], &masked(&text[..at - 5])[..]);
        assert_eq!(&m[at + 6..], "!");
        // Text with no term is only copied.
        assert_eq!(masked("pasta for dinner"), "pasta for dinner");
    }

    #[test]
    fn overlapping_terms_are_masked_leftmost_longest() {
        // `trauma\w*` and `trauma bond\w*` both start here; the longer wins.
        let m = masked("a trauma bond, really");
        let b = m.as_bytes();
        assert_eq!(&m[..3], "a t");
        assert!(b[3..12].iter().all(|&x| is_marker(x)));
        assert_eq!(&m[12..], "d, really");
        // A term glued to the word before it is masked too: `\b` before it still fails there.
        let m = masked("haveocd");
        assert_eq!(&m[..5], "haveo");
        assert!(is_marker(m.as_bytes()[5]));
        let re = Regex::new(&ascii_classes(r"\b[!-~][\x01-\x08\x0E-\x1F]+[!-~]")).unwrap();
        assert!(!re.is_match(&m));
        assert!(re.is_match(&masked("have ocd")));
    }

    #[test]
    fn marker_bytes_already_in_a_text_are_never_read_as_a_masked_term() {
        let text = "a\u{1}\u{1}d x\u{1F}";
        let m = masked(text);
        assert_eq!(m, "a\u{7F}\u{7F}d x\u{7F}");
        let cond = &rules::catalog()
            .iter()
            .flat_map(|r| &r.patterns)
            .find(|p| p.masked && p.requires_condition)
            .expect("a rule with {condition}")
            .regex;
        assert!(cond.contains("[!-~][\\x"), "{cond}");
    }

    #[test]
    fn the_anchor_pass_finds_the_same_term_starts_as_the_naive_search() {
        let matcher = Matcher::new(&vec![true; rules::catalog().len()], Vec::new(), Vec::new());
        for text in [
            "my adhders and autistic friends, bipolar disorder vs trauma bonding",
            "tdah y ansiedad: estilos de apego, narcissistic, narcisista",
            "ptsd cptsd ocd, depressive episode, haveocd",
        ] {
            let ac = matcher.folded.ac.as_ref().unwrap();
            let mut fast: Vec<(usize, u32)> = ac
                .find_overlapping(text.as_bytes())
                .flat_map(|m| {
                    matcher.folded.targets[m.pattern]
                        .terms
                        .iter()
                        .map(move |&t| (m.start, t))
                })
                .collect();
            let mut naive = naive_term_starts(text);
            fast.sort_unstable();
            naive.sort_unstable();
            assert_eq!(fast, naive, "{text}");
            assert_eq!(mask_conditions(text, &fast), masked(text));
        }
    }

    /// Every field of the golden corpus (and of `../shared/corpus/dev.jsonl` when present),
    /// in both folds.
    fn corpus_fields() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts = Vec::new();
        for file in ["tests/corpus/golden.jsonl", "../../shared/corpus/dev.jsonl"] {
            let Ok(lines) = std::fs::read_to_string(dir.join(file)) else {
                assert!(file.contains("shared"), "{file} is missing");
                continue;
            };
            for line in lines.lines().filter(|l| !l.trim().is_empty()) {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                let mut fields = vec![&v["caption"]];
                fields.extend(["handle", "name", "bio"].map(|k| &v["author"][k]));
                fields.extend(v["labels"].as_array().into_iter().flatten());
                for f in fields.into_iter().filter_map(|f| f.as_str()) {
                    let (folded, cased) = crate::normalize::Normalized::both(f);
                    texts.push(folded.text().to_string());
                    texts.push(cased.text().to_string());
                }
            }
        }
        assert!(texts.len() > 1000, "{}", texts.len());
        texts
    }

    #[test]
    fn the_real_anchor_sets_match_as_aho_corasick_did_on_the_corpus() {
        use aho_corasick::{AhoCorasickBuilder, AhoCorasickKind, MatchKind};
        // Keywords and ignored phrases that overlap the anchors, are prefixes of them or
        // repeat each other once folded (as a person's list may).
        let phrases: Vec<String> = [
            "ADHD",
            "signs",
            "signs you have",
            "my therapist",
            "ad",
            "#ad",
            "trauma",
            "narcisista",
            "é",
            "dr",
            "toxic",
            "code",
            "you",
        ]
        .iter()
        .map(|p| crate::config::fold_phrase(p))
        .collect();
        let keywords: Vec<Phrase> = phrases
            .iter()
            .map(|p| Phrase {
                category: Category::Diagnostic,
                folded: p.clone(),
            })
            .collect();
        let (folded, cased, _, _) = anchor_sets(&vec![true; rules::catalog().len()], &keywords);
        let texts = corpus_fields();
        let mut total = 0;
        for anchors in [folded.anchors, cased.anchors, phrases] {
            let bytes: Vec<&[u8]> = anchors.iter().map(|a| a.as_bytes()).collect();
            let ours = Literals::new(&bytes);
            let oracle = AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::DFA))
                .build(&bytes)
                .unwrap();
            for text in &texts {
                let got: Vec<(usize, usize, usize)> = ours
                    .find_overlapping(text.as_bytes())
                    .map(|m| (m.pattern, m.start, m.end))
                    .collect();
                let want: Vec<(usize, usize, usize)> = oracle
                    .find_overlapping_iter(text)
                    .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
                    .collect();
                assert_eq!(got, want, "{text}");
                total += got.len();
            }
        }
        assert!(
            total > 10_000,
            "{total} matches: the comparison saw too little"
        );
    }

    #[test]
    fn whole_word_respects_edges() {
        assert!(whole_word("a signs b", 2, 7));
        assert!(!whole_word("designs", 2, 7));
        assert!(!whole_word("signsx", 0, 5));
        assert!(whole_word("#ad!", 0, 3));
        assert!(whole_word("x #ad", 2, 5));
    }

    #[test]
    fn window_helpers_count_characters_not_bytes() {
        let t = "ééé abc ééé";
        let s = t.find("abc").unwrap();
        assert_eq!(
            back_chars(t, s, 2),
            t.find("é ").unwrap() + 'é'.len_utf8() - 'é'.len_utf8()
        );
        assert_eq!(&t[back_chars(t, s, 2)..s], "é ");
        assert_eq!(&t[s + 3..fwd_chars(t, s + 3, 2)], " é");
        assert_eq!(back_chars(t, s, 100), 0);
        assert_eq!(fwd_chars(t, s, 100), t.len());
    }
}
