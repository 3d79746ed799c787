//! The pattern parser: the rules' regex dialect (the subset of `regex`'s syntax that
//! `matcher::ascii_classes` writes) into a small syntax tree.
//!
//! Why our own: `regex-syntax` parses every Unicode class, flag and set operation `regex` knows
//! (~52 KB of the `.wasm`); the rules need literals, classes, groups, alternation, repetition
//! (greedy and lazy, counted), `^`, `$` and the ASCII word boundary. Anything else is an error
//! naming what was found, never a silent difference: `tests/engines.rs` holds the engine to
//! `regex` on every shipped pattern.
//!
//! Differences from `regex`, on purpose: `\b`, `\B`, `\w`, `\d` and `\s` are always their ASCII
//! forms (`ascii_classes` writes `(?-u:\b)` and spells the classes out anyway), and the flags `i`,
//! `m`, `x` and `U`, Unicode classes (`\p`), nested classes and class set operations are refused
//! (`ascii_classes` expands `(?i)` by hand; no rule uses the others).

use std::fmt::Write as _;

/// A zero-width assertion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Look {
    /// `^`: the start of the text.
    Start,
    /// `$`: the end of the text.
    End,
    /// `\b`: an ASCII word character on exactly one side.
    Word,
    /// `\B`: the same on both sides.
    NotWord,
}

/// One parsed pattern piece.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Ast {
    /// Matches the empty string.
    Empty,
    /// A set of code points as sorted, non-overlapping, non-adjacent ranges (a literal character
    /// is a one-character set).
    Class(Vec<(u32, u32)>),
    Look(Look),
    /// A group; `Some(i)` for capture group `i` (1-based, in order of the opening parenthesis).
    Group(Option<u32>, Box<Ast>),
    Concat(Vec<Ast>),
    /// Alternatives in priority order.
    Alt(Vec<Ast>),
    Repeat {
        ast: Box<Ast>,
        min: u32,
        max: Option<u32>,
        greedy: bool,
    },
}

/// What a parse yields: the tree and the capture group names (group 0 first, `None` when
/// unnamed).
pub(crate) struct Parsed {
    pub ast: Ast,
    pub names: Vec<Option<String>>,
}

/// Largest count in `{n,m}`, as `regex` limits it.
const MAX_COUNT: u32 = 1000;

/// Parses `pattern`, or says what is wrong and where.
pub(crate) fn parse(pattern: &str) -> Result<Parsed, String> {
    let mut p = Parser {
        chars: pattern.chars().collect(),
        at: 0,
        dot_nl: false,
        names: vec![None],
        depth: 0,
    };
    let ast = p.alternation()?;
    if p.at < p.chars.len() {
        return Err(p.error("unopened group"));
    }
    Ok(Parsed {
        ast,
        names: p.names,
    })
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    /// Flag `s`: `.` also matches `\n`.
    dot_nl: bool,
    names: Vec<Option<String>>,
    depth: usize,
}

impl Parser {
    fn error(&self, what: &str) -> String {
        let mut s = String::new();
        let _ = write!(s, "regex parse error at character {}: {what}", self.at);
        s
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn next(&mut self) -> Result<char, String> {
        let c = self
            .peek()
            .ok_or_else(|| self.error("unexpected end of pattern"))?;
        self.at += 1;
        Ok(c)
    }

    fn alternation(&mut self) -> Result<Ast, String> {
        let saved = self.dot_nl;
        let mut alts = vec![self.concat()?];
        while self.eat('|') {
            alts.push(self.concat()?);
        }
        self.dot_nl = saved;
        Ok(if alts.len() == 1 {
            alts.pop().unwrap_or(Ast::Empty)
        } else {
            Ast::Alt(alts)
        })
    }

    fn concat(&mut self) -> Result<Ast, String> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let Some(atom) = self.atom()? else {
                continue;
            };
            let atom = self.repetitions(atom)?;
            items.push(atom);
        }
        Ok(match items.len() {
            0 => Ast::Empty,
            1 => items.pop().unwrap_or(Ast::Empty),
            _ => Ast::Concat(items),
        })
    }

    /// One atom, or `None` for a flag group `(?s)` that only changes what follows.
    fn atom(&mut self) -> Result<Option<Ast>, String> {
        let c = self.next()?;
        Ok(Some(match c {
            '(' => return self.group(),
            '[' => Ast::Class(self.class()?),
            '.' => Ast::Class(if self.dot_nl {
                vec![(0, 0x10FFFF)]
            } else {
                vec![(0, 9), (11, 0x10FFFF)]
            }),
            '^' => Ast::Look(Look::Start),
            '$' => Ast::Look(Look::End),
            '\\' => self.escape()?,
            '*' | '+' | '?' | '{' => {
                self.at -= 1;
                return Err(self.error("repetition operator missing expression"));
            }
            c => char_class(c),
        }))
    }

    fn group(&mut self) -> Result<Option<Ast>, String> {
        self.depth += 1;
        if self.depth > 250 {
            return Err(self.error("groups nested too deeply"));
        }
        let mut capture = None;
        if self.eat('?') {
            if self.eat('P') && self.peek() != Some('<') {
                return Err(self.error("expected '<' after '(?P'"));
            }
            if self.eat('<') {
                let name = self.group_name()?;
                if self.names.contains(&name) {
                    return Err(self.error("duplicate capture group name"));
                }
                capture = Some(name);
            } else if self.peek() != Some(':') {
                // Flags: `(?s-u)` for the rest of the enclosing group, `(?s-u:…)` for its own.
                let mut on = true;
                loop {
                    match self.next()? {
                        '-' => on = false,
                        's' => self.dot_nl = on,
                        'u' => {}
                        ')' => {
                            self.depth -= 1;
                            return Ok(None);
                        }
                        ':' => {
                            self.at -= 1;
                            break;
                        }
                        f => {
                            self.at -= 1;
                            return Err(self.error(&format!("unsupported flag '{f}'")));
                        }
                    }
                }
            }
            if capture.is_none() && !self.eat(':') {
                return Err(self.error("expected ':'"));
            }
        } else {
            capture = Some(None);
        }
        let index = capture.map(|name| {
            self.names.push(name);
            (self.names.len() - 1) as u32
        });
        let inner = self.alternation()?;
        if !self.eat(')') {
            return Err(self.error("unclosed group"));
        }
        self.depth -= 1;
        Ok(Some(Ast::Group(index, Box::new(inner))))
    }

    fn group_name(&mut self) -> Result<Option<String>, String> {
        let mut name = String::new();
        loop {
            match self.next()? {
                '>' if !name.is_empty() => return Ok(Some(name)),
                c if c == '_' || c.is_ascii_alphanumeric() => name.push(c),
                _ => {
                    self.at -= 1;
                    return Err(self.error("invalid capture group name"));
                }
            }
        }
    }

    fn repetitions(&mut self, mut atom: Ast) -> Result<Ast, String> {
        loop {
            let (min, max) = match self.peek() {
                Some('*') => (0, None),
                Some('+') => (1, None),
                Some('?') => (0, Some(1)),
                Some('{') => {
                    self.at += 1;
                    // Leaves the cursor on the `}`, which the `+= 1` below passes.
                    self.counted()?
                }
                _ => return Ok(atom),
            };
            self.at += 1;
            if matches!(atom, Ast::Look(_) | Ast::Empty) {
                return Err(self.error("repetition of an empty expression"));
            }
            let greedy = !self.eat('?');
            atom = Ast::Repeat {
                ast: Box::new(atom),
                min,
                max,
                greedy,
            };
        }
    }

    /// `{n}`, `{n,}` or `{n,m}` after the `{`; leaves the cursor on the `}`.
    fn counted(&mut self) -> Result<(u32, Option<u32>), String> {
        let min = self.number()?;
        let max = if self.eat(',') {
            if self.peek() == Some('}') {
                None
            } else {
                Some(self.number()?)
            }
        } else {
            Some(min)
        };
        if self.peek() != Some('}') {
            return Err(self.error("unclosed counted repetition"));
        }
        if max.is_some_and(|m| m < min) {
            return Err(self.error("invalid counted repetition: min > max"));
        }
        Ok((min, max))
    }

    fn number(&mut self) -> Result<u32, String> {
        let mut n: u32 = 0;
        let from = self.at;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            self.at += 1;
            n = n.saturating_mul(10).saturating_add(d);
        }
        if self.at == from {
            return Err(self.error("expected a number in counted repetition"));
        }
        if n > MAX_COUNT {
            return Err(self.error("counted repetition too large"));
        }
        Ok(n)
    }

    /// After a `\` outside a class.
    fn escape(&mut self) -> Result<Ast, String> {
        let c = self.next()?;
        Ok(match c {
            'b' => Ast::Look(Look::Word),
            'B' => Ast::Look(Look::NotWord),
            'A' => Ast::Look(Look::Start),
            'z' => Ast::Look(Look::End),
            _ => Ast::Class(self.escape_set(c)?),
        })
    }

    /// The set an escape stands for (after the `\`), inside a class or out.
    fn escape_set(&mut self, c: char) -> Result<Vec<(u32, u32)>, String> {
        let set = match c {
            'd' => vec![(48, 57)],
            'w' => WORD.to_vec(),
            's' => vec![(9, 13), (32, 32)],
            'D' => negate(vec![(48, 57)]),
            'W' => negate(WORD.to_vec()),
            'S' => negate(vec![(9, 13), (32, 32)]),
            't' => vec![(9, 9)],
            'n' => vec![(10, 10)],
            'v' => vec![(11, 11)],
            'f' => vec![(12, 12)],
            'r' => vec![(13, 13)],
            'a' => vec![(7, 7)],
            'x' => {
                let cp = self.hex()?;
                vec![(cp, cp)]
            }
            c if c.is_ascii() && !c.is_ascii_alphanumeric() && !c.is_ascii_whitespace() => {
                vec![(c as u32, c as u32)]
            }
            _ => {
                self.at -= 1;
                return Err(self.error(&format!("unsupported escape '\\{c}'")));
            }
        };
        Ok(set)
    }

    /// `\xHH` or `\x{H…}` after the `x`.
    fn hex(&mut self) -> Result<u32, String> {
        let braced = self.eat('{');
        let mut n: u32 = 0;
        let mut digits = 0;
        loop {
            match self.peek() {
                Some('}') if braced => {
                    self.at += 1;
                    break;
                }
                Some(c) if c.is_ascii_hexdigit() && (braced || digits < 2) => {
                    self.at += 1;
                    digits += 1;
                    n = n
                        .saturating_mul(16)
                        .saturating_add(c.to_digit(16).unwrap_or(0));
                }
                _ if !braced && digits == 2 => break,
                _ => return Err(self.error("invalid hexadecimal escape")),
            }
        }
        if digits == 0 || char::from_u32(n).is_none() {
            return Err(self.error("invalid hexadecimal escape"));
        }
        Ok(n)
    }

    /// A bracketed class after the `[`.
    fn class(&mut self) -> Result<Vec<(u32, u32)>, String> {
        let negated = self.eat('^');
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let c = self
                .next()
                .map_err(|_| self.error("unclosed character class"))?;
            if c == ']' && !first {
                break;
            }
            first = false;
            if c == '[' {
                self.at -= 1;
                return Err(self.error("nested classes are not supported"));
            }
            if (c == '&' || c == '~') && self.peek() == Some(c) {
                self.at -= 1;
                return Err(self.error("class set operations are not supported"));
            }
            let lo = if c == '\\' {
                let e = self.next()?;
                let set = self.escape_set(e)?;
                match set.as_slice() {
                    [(a, b)] if a == b => *a,
                    _ => {
                        ranges.extend(set);
                        continue;
                    }
                }
            } else {
                c as u32
            };
            // A range `a-z`, unless the `-` is the last thing in the class.
            if self.peek() == Some('-') && self.chars.get(self.at + 1) != Some(&']') {
                self.at += 1;
                let h = self.next()?;
                let hi = if h == '\\' {
                    let e = self.next()?;
                    match self.escape_set(e)?.as_slice() {
                        [(a, b)] if a == b => *a,
                        _ => return Err(self.error("invalid range end")),
                    }
                } else {
                    h as u32
                };
                if hi < lo {
                    return Err(self.error("invalid class range: end before start"));
                }
                ranges.push((lo, hi));
            } else {
                ranges.push((lo, lo));
            }
        }
        let ranges = canonical(ranges);
        Ok(if negated { negate(ranges) } else { ranges })
    }
}

/// `\w` in ASCII.
const WORD: [(u32, u32); 4] = [(48, 57), (65, 90), (95, 95), (97, 122)];

fn char_class(c: char) -> Ast {
    Ast::Class(vec![(c as u32, c as u32)])
}

/// Sorts and merges ranges (overlapping or adjacent).
fn canonical(mut ranges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    ranges.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
    for (lo, hi) in ranges {
        match out.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

/// Every code point not in `ranges` (which may be unsorted).
fn negate(ranges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut next = 0u32;
    for (lo, hi) in canonical(ranges) {
        if lo > next {
            out.push((next, lo - 1));
        }
        next = hi + 1;
    }
    if next <= 0x10FFFF {
        out.push((next, 0x10FFFF));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(s: &str) -> Vec<(u32, u32)> {
        match parse(s).unwrap().ast {
            Ast::Class(c) => c,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn classes() {
        assert_eq!(class("[a-c_x]"), [(95, 95), (97, 99), (120, 120)]);
        assert_eq!(class(r"[\t\n\x0B\x0C\r ]"), [(9, 13), (32, 32)]);
        assert_eq!(class("[]a]"), [(93, 93), (97, 97)]);
        assert_eq!(class("[a-]"), [(45, 45), (97, 97)]);
        assert_eq!(class(r"[^\x00-\x{10FFFF}]"), []);
        assert_eq!(class("[^b]"), [(0, 97), (99, 0x10FFFF)]);
        assert_eq!(class("[óÓ]"), [(0xD3, 0xD3), (0xF3, 0xF3)]);
        assert_eq!(class(r"\."), [(46, 46)]);
    }

    #[test]
    fn structure() {
        let p = parse(r"(?:a|b)(?P<m>c)?(d){2,3}?(?-u:\b)$").unwrap();
        assert_eq!(p.names, [None, Some("m".to_string()), None]);
        let Ast::Concat(items) = p.ast else { panic!() };
        assert_eq!(items.len(), 5);
        assert!(matches!(
            items[2],
            Ast::Repeat {
                min: 2,
                max: Some(3),
                greedy: false,
                ..
            }
        ));
        assert_eq!(items[3], Ast::Group(None, Box::new(Ast::Look(Look::Word))));
        assert_eq!(items[4], Ast::Look(Look::End));
    }

    #[test]
    fn errors_name_what_is_wrong() {
        for (pattern, what) in [
            ("(", "unclosed group"),
            ("a)", "unopened group"),
            ("[a", "unclosed character class"),
            ("*a", "missing expression"),
            ("a{2", "unclosed counted"),
            ("a{3,2}", "min > max"),
            ("(?i)a", "unsupported flag 'i'"),
            (r"\p{L}", "unsupported escape"),
            ("[a[b]]", "nested classes"),
            ("[a&&b]", "set operations"),
            ("a{1001}", "too large"),
            ("(?P<>a)", "group name"),
            ("(?P<m>a)(?P<m>b)", "duplicate capture group name"),
            (r"\xZZ", "hexadecimal"),
        ] {
            let e = parse(pattern).err().unwrap_or_default();
            assert!(e.contains(what), "{pattern}: {e}");
        }
    }
}
