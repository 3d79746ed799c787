//! The input: one post as a site adapter reads it from the page (or as a JSON line).

use serde::{Deserialize, Serialize};

use crate::config::Value;

/// Which site the post came from; rules do not depend on it yet, but verdicts and stored creator
/// notes are keyed by it, so it is part of the input contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// www.tiktok.com
    #[default]
    Tiktok,
    /// www.instagram.com
    Instagram,
}

/// Who posted: every part may be missing, since feeds rarely show a bio.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Author {
    /// The @handle without the `@`.
    pub handle: Option<String>,
    /// Display name, where credentials such as ", LCSW" are most often written.
    pub name: Option<String>,
    /// Profile bio, when the page shows it or the extension remembered it.
    pub bio: Option<String>,
}

/// One post to analyse.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Post {
    /// Caller's key, echoed in the verdict so batches can be matched back to nodes.
    pub id: Option<String>,
    /// The site.
    pub platform: Platform,
    /// The creator's own words (never the platform's AI summary or a translation).
    pub caption: String,
    /// The creator.
    pub author: Author,
    /// What the platform itself shows, e.g. "Paid partnership".
    pub labels: Vec<String>,
}

impl Post {
    /// Reads a post from JSON data (the `.wasm`'s posts, built from JavaScript values by
    /// `wasm.rs`, which has no serde deserializer: see `config.rs`). It accepts what the serde
    /// derive accepts from a JSON object: every field optional, `null` only for `id` and the
    /// author's fields, unknown fields ignored except in `author`; the error names the field.
    /// Unlike serde it takes objects only, never the positional array form of a struct.
    pub fn from_document(value: Value) -> Result<Post, String> {
        let Value::Object(fields) = value else {
            return Err(format!(
                "a post must be an object, not {}",
                value.type_name()
            ));
        };
        let mut post = Post::default();
        for (key, value) in fields {
            match key.as_str() {
                "id" => post.id = optional_string(value, "id")?,
                "platform" => {
                    post.platform = match value.as_str() {
                        Some("tiktok") => Platform::Tiktok,
                        Some("instagram") => Platform::Instagram,
                        Some(other) => {
                            return Err(format!(
                        "`platform`: unknown platform `{other}`, expected `tiktok` or `instagram`"
                    ))
                        }
                        None => return Err(not_a("platform", "a string", &value)),
                    }
                }
                "caption" => post.caption = string(value, "caption")?,
                "author" => {
                    let Value::Object(author) = value else {
                        return Err(not_a("author", "an object", &value));
                    };
                    for (key, value) in author {
                        let slot = match key.as_str() {
                            "handle" => &mut post.author.handle,
                            "name" => &mut post.author.name,
                            "bio" => &mut post.author.bio,
                            _ => {
                                return Err(format!(
                                    "`author`: unknown field `{key}`, expected `handle`, `name` or `bio`"
                                ))
                            }
                        };
                        *slot = optional_string(value, &format!("author.{key}"))?;
                    }
                }
                "labels" => {
                    let Value::Array(items) = value else {
                        return Err(not_a("labels", "an array of strings", &value));
                    };
                    post.labels = items
                        .into_iter()
                        .enumerate()
                        .map(|(i, item)| string(item, &format!("labels[{i}]")))
                        .collect::<Result<_, _>>()?;
                }
                _ => {}
            }
        }
        Ok(post)
    }
}

impl Post {
    /// Reads one JSON line of the plainest shape straight into a post, or `None`: see
    /// [`Post::read_plain_json`], which the command line uses to reuse one post's buffers.
    pub fn from_plain_json(line: &str) -> Option<Post> {
        let mut post = Post::default();
        post.read_plain_json(line).then_some(post)
    }

    /// Reads one JSON line of the plainest shape into this post, reusing its strings, and says
    /// whether it could: the command line's fast path (no allocation once the buffers have
    /// grown, against serde's five strings per post). It takes an object whose keys are only `id`,
    /// `platform`, `caption`, `author` (`handle`, `name`, `bio`) and `labels`, each at most once,
    /// with the types the serde derive accepts (`null` for `id` and the author's fields), and
    /// strings without any backslash or control char. On `true` the post is exactly what serde
    /// reads from the line (tests hold it to that); on `false` (escapes, unknown or repeated keys,
    /// other types, anything malformed) its contents are unspecified, and the caller reads the
    /// line the general way, which answers or words the error as before.
    pub fn read_plain_json(&mut self, line: &str) -> bool {
        let mut p = Plain {
            text: line,
            bytes: line.as_bytes(),
            at: 0,
        };
        p.post(self).is_some()
    }
}

/// `*slot = Some(value)` in the string already there, or `None`.
fn set_optional(slot: &mut Option<String>, value: Option<&str>) {
    match value {
        None => *slot = None,
        Some(v) => {
            let s = slot.get_or_insert_with(String::new);
            s.clear();
            s.push_str(v);
        }
    }
}

/// The cursor of [`Post::read_plain_json`].
struct Plain<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Plain<'a> {
    /// Skips JSON whitespace.
    fn skip_whitespace(&mut self) {
        while matches!(self.bytes.get(self.at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// Takes `b` after whitespace, if it is next.
    fn eat(&mut self, b: u8) -> bool {
        self.skip_whitespace();
        let next = self.bytes.get(self.at) == Some(&b);
        self.at += usize::from(next);
        next
    }

    fn expect(&mut self, b: u8) -> Option<()> {
        self.eat(b).then_some(())
    }

    /// A string with neither escapes nor control chars (the line is a `str`, so the slice
    /// between its quotes is one too).
    fn string(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        let start = self.at;
        let bytes = self.bytes;
        let mut i = start;
        // 8 bytes at a time up to the first `"`, `\` or control char.
        for chunk in bytes[start..].chunks_exact(8) {
            let word = u64::from_le_bytes(chunk.try_into().ok()?);
            let mask = crate::verdict::escape_mask8(word);
            if mask != 0 {
                i += mask.trailing_zeros() as usize / 8;
                break;
            }
            i += 8;
        }
        loop {
            match *bytes.get(i)? {
                b'"' => break,
                b'\\' | 0..=0x1F => return None,
                _ => i += 1,
            }
        }
        self.at = i + 1;
        // Both ends are ASCII quotes, so char boundaries: no second UTF-8 check.
        self.text.get(start..i)
    }

    /// A string or `null`.
    fn optional_string(&mut self) -> Option<Option<&'a str>> {
        self.skip_whitespace();
        if self.bytes.get(self.at..)?.starts_with(b"null") {
            self.at += 4;
            return Some(None);
        }
        self.string().map(Some)
    }

    /// The whole line into `post`; every field the line leaves out is reset to its default.
    fn post(&mut self, post: &mut Post) -> Option<()> {
        let mut seen = 0u8;
        self.expect(b'{')?;
        if !self.eat(b'}') {
            loop {
                let key = self.string()?;
                self.expect(b':')?;
                let bit = match key {
                    "id" => {
                        set_optional(&mut post.id, self.optional_string()?);
                        1
                    }
                    "platform" => {
                        post.platform = match self.string()? {
                            "tiktok" => Platform::Tiktok,
                            "instagram" => Platform::Instagram,
                            _ => return None,
                        };
                        2
                    }
                    "caption" => {
                        let caption = self.string()?;
                        post.caption.clear();
                        post.caption.push_str(caption);
                        4
                    }
                    "author" => {
                        self.author(&mut post.author)?;
                        8
                    }
                    "labels" => {
                        self.labels(&mut post.labels)?;
                        16
                    }
                    _ => return None,
                };
                if seen & bit != 0 {
                    return None;
                }
                seen |= bit;
                if self.eat(b'}') {
                    break;
                }
                self.expect(b',')?;
            }
        }
        self.skip_whitespace();
        if self.at != self.bytes.len() {
            return None;
        }
        if seen & 1 == 0 {
            post.id = None;
        }
        if seen & 2 == 0 {
            post.platform = Platform::default();
        }
        if seen & 4 == 0 {
            post.caption.clear();
        }
        if seen & 8 == 0 {
            post.author = Author::default();
        }
        if seen & 16 == 0 {
            post.labels.clear();
        }
        Some(())
    }

    /// An array of strings into `labels`, reusing the strings there.
    fn labels(&mut self, labels: &mut Vec<String>) -> Option<()> {
        self.expect(b'[')?;
        let mut count = 0;
        if !self.eat(b']') {
            loop {
                let label = self.string()?;
                match labels.get_mut(count) {
                    Some(slot) => {
                        slot.clear();
                        slot.push_str(label);
                    }
                    None => labels.push(label.to_string()),
                }
                count += 1;
                if self.eat(b']') {
                    break;
                }
                self.expect(b',')?;
            }
        }
        labels.truncate(count);
        Some(())
    }

    /// The `author` object; the fields it leaves out are reset.
    fn author(&mut self, author: &mut Author) -> Option<()> {
        self.expect(b'{')?;
        let mut seen = 0u8;
        if !self.eat(b'}') {
            loop {
                let key = self.string()?;
                self.expect(b':')?;
                let (slot, bit) = match key {
                    "handle" => (&mut author.handle, 1),
                    "name" => (&mut author.name, 2),
                    "bio" => (&mut author.bio, 4),
                    _ => return None,
                };
                if seen & bit != 0 {
                    return None;
                }
                seen |= bit;
                set_optional(slot, self.optional_string()?);
                if self.eat(b'}') {
                    break;
                }
                self.expect(b',')?;
            }
        }
        for (bit, slot) in [
            (1, &mut author.handle),
            (2, &mut author.name),
            (4, &mut author.bio),
        ] {
            if seen & bit == 0 {
                *slot = None;
            }
        }
        Some(())
    }
}

fn not_a(field: &str, expected: &str, value: &Value) -> String {
    format!("`{field}` must be {expected}, not {}", value.type_name())
}

fn string(value: Value, field: &str) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(not_a(field, "a string", &other)),
    }
}

fn optional_string(value: Value, field: &str) -> Result<Option<String>, String> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        other => Err(not_a(field, "a string or null", &other)),
    }
}

/// Which text of a post a finding points into; offsets are relative to that text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    /// `caption`
    Caption,
    /// `author.name`
    Name,
    /// `author.handle`
    Handle,
    /// `author.bio`
    Bio,
    /// `labels[i]`; the finding carries the label index.
    Label,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `from_document` and the serde derive (what the command line uses) agree on every JSON
    /// object: the same post, or both an error.
    #[test]
    fn from_document_reads_objects_like_the_serde_derive() {
        for text in [
            r#"{}"#,
            r#"{"id":"a","platform":"instagram","caption":"x","labels":["Paid partnership"],"author":{"handle":"h","name":null,"bio":"b"}}"#,
            r#"{"id":null,"caption":"x","extra":{"anything":[1,2]}}"#,
            r#"{"author":{}}"#,
            r#"{"id":5}"#,
            r#"{"platform":"myspace"}"#,
            r#"{"platform":null}"#,
            r#"{"platform":1}"#,
            r#"{"caption":null}"#,
            r#"{"caption":42}"#,
            r#"{"author":null}"#,
            r#"{"author":"h"}"#,
            r#"{"author":{"nick":"x"}}"#,
            r#"{"author":{"name":7}}"#,
            r#"{"labels":null}"#,
            r#"{"labels":"Paid partnership"}"#,
            r#"{"labels":["a",2]}"#,
        ] {
            let ours = Post::from_document(serde_json::from_str::<Value>(text).unwrap());
            let theirs = serde_json::from_str::<Post>(text);
            match (&ours, &theirs) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
                (Err(_), Err(_)) => {}
                _ => panic!("{text}: {ours:?} vs {theirs:?}"),
            }
        }
    }

    /// What `from_plain_json` reads, serde reads as the same post; what it refuses goes the
    /// general way (so it may refuse anything, but must refuse what serde refuses).
    fn plain_agrees_with_serde(line: &str) -> bool {
        let plain = Post::from_plain_json(line);
        if let Some(post) = &plain {
            assert_eq!(
                serde_json::from_str::<Post>(line).ok().as_ref(),
                Some(post),
                "{line}"
            );
        }
        plain.is_some()
    }

    #[test]
    fn plain_json_reads_posts_like_serde() {
        for line in [
            r#"{}"#,
            r#"  { "id" : "a" , "platform":"instagram","caption":"x é 😀","labels":["Paid partnership", ""],"author":{"handle":"h","name":null,"bio":"b"}}  "#,
            r#"{"id":null,"caption":"","author":{},"labels":[]}"#,
            r#"{"author":{"bio":"only"},"id":"z"}"#,
        ] {
            assert!(plain_agrees_with_serde(line), "refused {line}");
        }
        for line in [
            r#"{"id":"a","id":"b"}"#,
            r#"{"caption":"x","caption":"y"}"#,
            r#"{"author":{"name":"a","name":"b"}}"#,
            r#"{"caption":"a \"quote\""}"#,
            r#"{"caption":"\u0041"}"#,
            r#"{"caption":"x","extra":1}"#,
            r#"{"author":{"nick":"x"}}"#,
            r#"{"author":null}"#,
            r#"{"id":5}"#,
            r#"{"platform":"myspace"}"#,
            r#"{"platform":null}"#,
            r#"{"caption":null}"#,
            r#"{"labels":null}"#,
            r#"{"labels":["a",2]}"#,
            r#"{"labels":["a",]}"#,
            r#"{"caption":"x",}"#,
            r#"{"caption":"x"} {}"#,
            r#"{"caption":"x""#,
            r#"{"caption":"x"#,
            r#"{"id":nul}"#,
            r#"{"id":nullx}"#,
            r#"["p1","tiktok","x"]"#,
            "\u{feff}{}",
            // serde_json refuses raw control chars in strings.
            "{\"caption\":\"tab\tinside\"}",
            "",
            "{",
        ] {
            assert!(!plain_agrees_with_serde(line), "accepted {line}");
        }
    }

    /// One post read line after line (what the command line does) holds each line's post alone:
    /// nothing left over from the lines before (fields missing, fewer labels, `null`s).
    #[test]
    fn plain_json_reused_post_holds_only_the_last_line() {
        let mut post = Post::default();
        for line in [
            r#"{"id":"a","platform":"instagram","caption":"long caption","author":{"handle":"h","name":"n","bio":"b"},"labels":["x","y","z"]}"#,
            r#"{"caption":"c"}"#,
            r#"{"id":"b","author":{"bio":"only bio"},"labels":["one"]}"#,
            r#"{"id":null,"author":{"handle":null,"name":"N"},"labels":[]}"#,
            r#"{"labels":["p","q"],"platform":"tiktok","caption":""}"#,
            r#"{}"#,
        ] {
            assert!(post.read_plain_json(line), "{line}");
            assert_eq!(post, serde_json::from_str::<Post>(line).unwrap(), "{line}");
            // A refused line in between leaves the next one unaffected.
            assert!(!post.read_plain_json(r#"{"id":"z","caption":"half"#));
        }
    }

    /// Every row of the golden corpus (the shapes posts really come in) goes the fast way and
    /// reads as serde reads it.
    #[test]
    fn plain_json_reads_the_golden_corpus() {
        let corpus = include_str!("../tests/corpus/golden.jsonl");
        let mut plain = 0;
        for line in corpus.lines() {
            let mut row: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(line).unwrap();
            row.retain(|k, _| {
                ["id", "platform", "caption", "author", "labels"].contains(&k.as_str())
            });
            let post = serde_json::to_string(&row).unwrap();
            plain += usize::from(plain_agrees_with_serde(&post));
        }
        assert_eq!(plain, corpus.lines().count());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// JSON-like text built from the pieces of a post, in any order, repeated, cut short or
        /// with stray chars: never accepted differently from serde.
        #[test]
        fn plain_json_never_disagrees_with_serde(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("{".to_string()),
                    proptest::strategy::Just("}".to_string()),
                    proptest::strategy::Just("[".to_string()),
                    proptest::strategy::Just("]".to_string()),
                    proptest::strategy::Just(",".to_string()),
                    proptest::strategy::Just(":".to_string()),
                    proptest::strategy::Just(" ".to_string()),
                    proptest::strategy::Just("null".to_string()),
                    proptest::strategy::Just("1".to_string()),
                    "\"(id|platform|caption|author|labels|handle|name|bio|tiktok|instagram|x)\"",
                    "\"[a-z é😀\\\\\"\t]{0,12}\"",
                ],
                0..24,
            )
        ) {
            plain_agrees_with_serde(&parts.concat());
        }
    }

    #[test]
    fn errors_name_the_field() {
        let err = |text: &str| {
            Post::from_document(serde_json::from_str::<Value>(text).unwrap()).unwrap_err()
        };
        assert_eq!(
            err(r#"{"caption":42}"#),
            "`caption` must be a string, not a number"
        );
        assert_eq!(
            err(r#"{"labels":["a",2]}"#),
            "`labels[1]` must be a string, not a number"
        );
        assert_eq!(
            err(r#"{"author":{"name":[]}}"#),
            "`author.name` must be a string or null, not an array"
        );
        assert!(err(r#"{"author":{"nick":"x"}}"#).contains("`nick`"));
        assert_eq!(err("[1]"), "a post must be an object, not an array");
    }
}
