//! Prefilled register look-ups: a person's first and last name read from the author's display
//! name, filled into the register searches of `data/credentials.toml` (`[[search]]`).
//!
//! The engine only builds the link; nothing is fetched. The panel shows it first in the
//! credential's `verify` list, before the register's plain page. When the name does not clearly
//! read as a person's name there is no prefilled link: the engine never guesses, and never reads a
//! name from the handle.
//!
//! Reading the name: the spans of every credential and title the engine found in it are blanked;
//! `,` `|` `/` `(` `)` `:` `;`, emoji and other symbols, and words with no letter ("-", "•") end a
//! segment; leading honorifics (Dr., Mx…) and trailing suffixes (Jr., III) are dropped. The first
//! segment that keeps a word must hold exactly two or three words of Latin letters (a hyphen or an
//! apostrophe inside a word, a middle initial "Q." allowed): first = first word, last = last word.
//! A name with markup characters, control or bidirectional formatting characters, a word in
//! another script, digits, an underscore, or over [`MAX_NAME_CHARS`] characters gives nothing.
//! Latin script only because the registers in the data (US, UK, Canada, Australia) hold names in
//! it; it also keeps right-to-left text out of the link label.

use crate::rules::CredentialInfo;
use crate::verdict::VerifyLink;

/// Longer display names are not a person's name (TikTok allows 30 characters, Instagram 64).
pub const MAX_NAME_CHARS: usize = 128;
/// The longest first or last name kept (the NPI registry stores last names of up to 35).
pub const MAX_WORD_CHARS: usize = 35;

/// A first and last name read from a display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName {
    /// The first word, e.g. "Jane".
    pub first: String,
    /// The last word, e.g. "Doe-Smith".
    pub last: String,
}

const HONORIFICS: &[&str] = &[
    "dr",
    "dra",
    "doctor",
    "mr",
    "mrs",
    "ms",
    "mx",
    "miss",
    "prof",
    "profa",
    "professor",
];
const SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv"];

fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || (c.is_alphabetic() && matches!(c as u32, 0xC0..=0x24F | 0x1E00..=0x1EFF))
}

/// Characters that make the whole display name unusable: markup, controls, bidirectional
/// formatting (an override can make a link label read differently from its address).
fn is_hostile(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '<' | '>' | '&' | '=' | '{' | '}' | '[' | ']' | '\\' | '"' | '`' | '_'
        )
        || matches!(c as u32, 0x200E | 0x200F | 0x202A..=0x202E | 0x2066..=0x2069 | 0x061C)
}

/// A word of letters, with `-`, `'` or `’` only between letters.
fn is_name_word(w: &str) -> bool {
    let chars: Vec<char> = w.chars().collect();
    if chars.is_empty() || chars.len() > MAX_WORD_CHARS {
        return false;
    }
    chars.iter().enumerate().all(|(i, &c)| {
        is_latin_letter(c)
            || (matches!(c, '-' | '\'' | '’')
                && i > 0
                && i + 1 < chars.len()
                && is_latin_letter(chars[i - 1])
                && is_latin_letter(chars[i + 1]))
    })
}

/// A middle initial such as "Q.".
fn is_initial(w: &str) -> bool {
    let mut it = w.chars();
    matches!((it.next(), it.next(), it.next()), (Some(c), Some('.'), None) if is_latin_letter(c))
}

/// `w` without its final dots, ASCII-lowercased: it is only compared with [`HONORIFICS`] and
/// [`SUFFIXES`], which are ASCII, so std's Unicode case tables (~17 KB gzip in the `.wasm`) would
/// change no answer.
fn bare_lower(w: &str) -> String {
    w.trim_end_matches('.').to_ascii_lowercase()
}

/// The first and last name in `display`, where `spans` are the UTF-16 spans of the credentials and
/// titles the engine read in it; `None` when it does not clearly read as a person's name.
pub fn person_name(display: &str, spans: &[(usize, usize)]) -> Option<PersonName> {
    if display.chars().count() > MAX_NAME_CHARS || display.chars().any(is_hostile) {
        return None;
    }
    // Blank what the engine read as a credential or title; split into segments of words.
    let mut segments: Vec<Vec<String>> = vec![Vec::new()];
    let mut word = String::new();
    let mut at = 0usize;
    let end_word = |word: &mut String, segments: &mut Vec<Vec<String>>| {
        if word.is_empty() {
            return;
        }
        let w = std::mem::take(word);
        if w.chars().any(char::is_alphanumeric) {
            segments.last_mut().expect("one segment").push(w);
        } else {
            // "-", "•", "..." between words end a segment like a comma does.
            segments.push(Vec::new());
        }
    };
    for c in display.chars() {
        let len = c.len_utf16();
        let masked = spans.iter().any(|&(s, e)| s < at + len && at < e);
        at += len;
        if masked || c.is_whitespace() {
            end_word(&mut word, &mut segments);
        } else if c.is_alphanumeric() || matches!(c, '-' | '\'' | '’' | '.') {
            word.push(c);
        } else {
            // , | / ( ) : ; emoji, other symbols and joiners.
            end_word(&mut word, &mut segments);
            segments.push(Vec::new());
        }
    }
    end_word(&mut word, &mut segments);

    for mut words in segments {
        while words
            .first()
            .is_some_and(|w| HONORIFICS.contains(&bare_lower(w).as_str()))
        {
            words.remove(0);
        }
        while words.len() > 1
            && words
                .last()
                .is_some_and(|w| SUFFIXES.contains(&bare_lower(w).as_str()))
        {
            words.pop();
        }
        if words.is_empty() {
            continue;
        }
        return from_words(&words);
    }
    None
}

fn from_words(words: &[String]) -> Option<PersonName> {
    if !(2..=3).contains(&words.len()) {
        return None;
    }
    let (first, last) = (&words[0], &words[words.len() - 1]);
    if !is_name_word(first) || !is_name_word(last) {
        return None;
    }
    if words.len() == 3 && !(is_name_word(&words[1]) || is_initial(&words[1])) {
        return None;
    }
    // "Jane Doe MA": a capitalised name followed by an all-capitals word looks like a
    // post-nominal the engine does not know; no guess.
    let has_lower = words.iter().any(|w| w.chars().any(char::is_lowercase));
    let caps_after_first = words[1..].iter().any(|w| {
        w.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !w.chars().any(char::is_lowercase)
    });
    if has_lower && caps_after_first {
        return None;
    }
    Some(PersonName {
        first: first.clone(),
        last: last.clone(),
    })
}

/// Percent-encodes `s` for a URL query value: every byte of its UTF-8 except the unreserved
/// `A-Z a-z 0-9 - . _ ~` becomes `%XX`.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b >> 4)]));
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b & 15)]));
        }
    }
    out
}

/// `template` with `{first}` and `{last}` replaced in one left-to-right pass (a value is never
/// read again as a template), percent-encoded when `encode`.
pub fn fill(template: &str, name: &PersonName, encode: bool) -> String {
    let value = |v: &str| {
        if encode {
            percent_encode(v)
        } else {
            v.to_string()
        }
    };
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(r) = tail.strip_prefix("{first}") {
            out.push_str(&value(&name.first));
            rest = r;
        } else if let Some(r) = tail.strip_prefix("{last}") {
            out.push_str(&value(&name.last));
            rest = r;
        } else {
            out.push('{');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// A credential's `verify` list: the register searches filled in with `name` first (https only),
/// then its plain look-ups.
pub(crate) fn verify_links(info: &CredentialInfo, name: Option<&PersonName>) -> Vec<VerifyLink> {
    let mut out = Vec::with_capacity(info.search.len() + info.verify.len());
    if let Some(name) = name {
        for s in &info.search {
            let url = fill(&s.url, name, true);
            if url.starts_with("https://") {
                out.push(VerifyLink {
                    label: fill(&s.label, name, false),
                    url,
                });
            }
        }
    }
    out.extend(info.verify.iter().cloned());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyzer::Analyzer;
    use crate::config::Config;
    use crate::post::{Author, Post};

    fn name(first: &str, last: &str) -> Option<PersonName> {
        Some(PersonName {
            first: first.into(),
            last: last.into(),
        })
    }

    /// UTF-16 span of `needle` in `hay`.
    fn span(hay: &str, needle: &str) -> (usize, usize) {
        let b = hay.find(needle).expect("needle");
        let s = hay[..b].encode_utf16().count();
        (s, s + needle.encode_utf16().count())
    }

    #[test]
    fn plain_names_split_into_first_and_last() {
        assert_eq!(person_name("Jane Doe", &[]), name("Jane", "Doe"));
        assert_eq!(person_name("Jane Q. Doe", &[]), name("Jane", "Doe"));
        assert_eq!(
            person_name("Mary Ann O'Brien", &[]),
            name("Mary", "O'Brien")
        );
        assert_eq!(
            person_name("  José García-Márquez ", &[]),
            name("José", "García-Márquez")
        );
        assert_eq!(person_name("jane doe", &[]), name("jane", "doe"));
        assert_eq!(person_name("JANE DOE", &[]), name("JANE", "DOE"));
        assert_eq!(person_name("Jane Doe Jr.", &[]), name("Jane", "Doe"));
    }

    #[test]
    fn credentials_titles_and_descriptors_are_dropped() {
        let n = "Dr. Jane Doe, LCSW";
        assert_eq!(person_name(n, &[span(n, "LCSW")]), name("Jane", "Doe"));
        // Even without the engine's spans, the comma ends the name and "Dr." is dropped.
        assert_eq!(person_name(n, &[]), name("Jane", "Doe"));
        assert_eq!(
            person_name("Jane Doe | Therapist", &[]),
            name("Jane", "Doe")
        );
        assert_eq!(
            person_name("Jane Doe - Therapist", &[]),
            name("Jane", "Doe")
        );
        assert_eq!(
            person_name("Jane Doe • trauma therapist", &[]),
            name("Jane", "Doe")
        );
        let n = "Jane Doe LCSW PhD";
        assert_eq!(
            person_name(n, &[span(n, "LCSW"), span(n, "PhD")]),
            name("Jane", "Doe")
        );
        let n = "LCSW | Jane Doe";
        assert_eq!(person_name(n, &[span(n, "LCSW")]), name("Jane", "Doe"));
        assert_eq!(person_name("🌿 Jane Doe 🌿", &[]), name("Jane", "Doe"));
        assert_eq!(
            person_name("Jane Doe🧠 mental health", &[]),
            name("Jane", "Doe")
        );
        assert_eq!(
            person_name("👩\u{200D}⚕\u{FE0F} Jane Doe", &[]),
            name("Jane", "Doe")
        );
    }

    #[test]
    fn anything_unclear_gives_no_name() {
        for bad in [
            "",
            "Jane",
            "Dr. Jane",
            "Jane, LCSW",
            "jane_doe",
            "janetalks",
            "Jane Doe MA",
            "Jane Alice Beth Doe",
            "Jane Doe 2",
            "J. Doe",
            "Jane Doe'",
            "-Jane Doe",
            "<b>Jane</b> Doe",
            "Jane <script>alert(1)</script> Doe",
            "Jane&amp;Doe",
            "Jane \u{202E}eoD",
            "\u{2067}Jane Doe\u{2069}",
            "Jane\u{0}Doe",
            "Jane\nDoe",
            "يوسف أحمد",
            "Jane אבי",
            "山田 太郎",
            "Jаne Doe", // Cyrillic а
            "Jane\u{00D7}Doe",
            "Jane🌿Doe",
        ] {
            assert_eq!(person_name(bad, &[]), None, "{bad:?}");
        }
        let long = format!("Jane {} Doe", "a".repeat(200));
        assert_eq!(person_name(&long, &[]), None);
        assert_eq!(person_name(&"Ab ".repeat(67), &[]), None);
        let word = format!("Jane {}", "D".repeat(MAX_WORD_CHARS + 1).to_lowercase());
        assert_eq!(person_name(&word, &[]), None);
        // Every word read as a credential: nothing left.
        let n = "Dr LCSW";
        assert_eq!(person_name(n, &[span(n, "LCSW")]), None);
    }

    #[test]
    fn spans_count_utf16_units() {
        // The emoji is two UTF-16 units: the span after it still blanks exactly "LCSW".
        let n = "😀 Jane Doe LCSW";
        assert_eq!(person_name(n, &[span(n, "LCSW")]), name("Jane", "Doe"));
        let n = "😀 Jane LCSW";
        assert_eq!(person_name(n, &[span(n, "LCSW")]), None);
    }

    #[test]
    fn percent_encoding_is_utf8_and_leaves_only_unreserved() {
        assert_eq!(percent_encode("Jane"), "Jane");
        assert_eq!(percent_encode("O'Brien"), "O%27Brien");
        assert_eq!(percent_encode("García"), "Garc%C3%ADa");
        assert_eq!(
            percent_encode("a b&c=d#e?f/g+h%"),
            "a%20b%26c%3Dd%23e%3Ff%2Fg%2Bh%25"
        );
        assert_eq!(percent_encode("Doe-Smith_x.y~"), "Doe-Smith_x.y~");
        assert_eq!(percent_encode("’"), "%E2%80%99");
    }

    #[test]
    fn fill_replaces_each_placeholder_once_and_nothing_else() {
        let n = PersonName {
            first: "{last}".into(),
            last: "Doe".into(),
        };
        assert_eq!(
            fill("a={first}&b={last}&c={x}", &n, false),
            "a={last}&b=Doe&c={x}"
        );
        assert_eq!(fill("a={first}", &n, true), "a=%7Blast%7D");
    }

    fn placeholders(t: &str) -> Vec<&str> {
        t.split('{')
            .skip(1)
            .map(|p| p.split('}').next().unwrap_or(""))
            .collect()
    }

    #[test]
    fn every_shipped_search_template_uses_exactly_first_and_last() {
        let mut seen = 0;
        for rule in crate::rules::catalog() {
            let Some(c) = &rule.credential else { continue };
            for s in &c.search {
                seen += 1;
                let mut p = placeholders(&s.url);
                p.sort_unstable();
                assert_eq!(p, ["first", "last"], "{}: {}", c.id, s.url);
                assert_eq!(s.url.matches('{').count(), 2, "{}", s.url);
                assert_eq!(s.url.matches('}').count(), 2, "{}", s.url);
                assert!(
                    placeholders(&s.label)
                        .iter()
                        .all(|p| ["first", "last"].contains(p)),
                    "{}: {}",
                    c.id,
                    s.label
                );
                assert!(s.url.starts_with("https://"), "{}", s.url);
                let filled = verify_links(c, name("Jane", "O'Brien").as_ref());
                assert!(
                    !filled[0].url.contains(['{', '}', ' ', '\'']),
                    "{}",
                    filled[0].url
                );
                assert!(!filled[0].label.contains(['{', '}']), "{}", filled[0].label);
                assert_eq!(filled.len(), c.search.len() + c.verify.len());
                assert_eq!(&filled[c.search.len()..], &c.verify[..]);
            }
        }
        assert!(seen > 0, "the shipped data has register searches");
    }

    fn lcsw_verify(author_name: &str) -> Vec<VerifyLink> {
        let a = Analyzer::new(&Config::default()).expect("default config");
        let post = Post {
            caption: "that's a trauma response".into(),
            author: Author {
                handle: Some("jane_doe".into()),
                name: Some(author_name.into()),
                bio: Some("Licensed clinical social worker • LCSW #12345".into()),
            },
            ..Post::default()
        };
        let v = a.analyze(&post);
        assert_eq!(v, a.analyze_naive(&post));
        v.credentials
            .into_iter()
            .find(|c| c.id == "us.lcsw")
            .expect("LCSW read")
            .verify
    }

    #[test]
    fn the_analyzer_puts_the_prefilled_npi_search_first() {
        let v = lcsw_verify("Dr. Jane Doe, LCSW");
        assert_eq!(
            v[0].url,
            "https://npiregistry.cms.hhs.gov/api/?version=2.1&enumeration_type=NPI-1&first_name=Jane&last_name=Doe&limit=20"
        );
        assert!(v[0].label.contains("search for Jane Doe"), "{}", v[0].label);
        assert!(
            v[0].label.contains("registry's own search"),
            "{}",
            v[0].label
        );
        assert_eq!(v[1].url, "https://npiregistry.cms.hhs.gov/search");
        let v = lcsw_verify("María José Núñez LCSW");
        assert!(
            v[0].url
                .contains("first_name=Mar%C3%ADa&last_name=N%C3%BA%C3%B1ez&"),
            "{}",
            v[0].url
        );
        // No name to read: only the plain look-ups, never a guess from the handle.
        for n in ["LCSW", "janedoe | LCSW", "<b>Jane</b> Doe"] {
            let v = lcsw_verify(n);
            assert_eq!(v[0].url, "https://npiregistry.cms.hhs.gov/search", "{n}");
        }
    }
}
