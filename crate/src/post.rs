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
