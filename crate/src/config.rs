//! The person's configuration: rules switched off, their own keywords per category, phrases to
//! ignore, and a sensitivity. One versioned JSON document (ARCHITECTURE.md, "Configuration
//! schema"), stored by the extension and read by `check-source analyze --config`.
//!
//! Why parsed by hand: the options page shows the error next to the offending entry, so every
//! error names the exact field (`keywords.diagnostic[2]`), which serde's messages do not. A bad
//! document is rejected whole: nothing is half-applied.
//!
//! Why an own [`Value`] instead of `serde_json::Value`: the `.wasm` must not carry serde_json.
//! The command line parses JSON into [`Value`] with serde_json ([`Config::from_json`]), the
//! bindings build it from a JavaScript value (`wasm.rs`), and both end in
//! [`Config::from_document`], so a document gets the same answer and the same error either way.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::normalize::{Fold, Normalized};
use crate::rules;
use crate::verdict::Category;

/// The only configuration version this engine reads.
pub const VERSION: u64 = 1;
/// Longest keyword or ignored phrase, in characters.
pub const MAX_KEYWORD_CHARS: usize = 100;
/// Most keywords in one category.
pub const MAX_PER_CATEGORY: usize = 500;
/// Most keywords in all categories together.
pub const MAX_KEYWORDS: usize = 1000;
/// Most ignored phrases.
pub const MAX_IGNORED: usize = 500;

/// Which rules run: `low` only `strong` ones (and caution reads as info), `normal` also `normal`
/// ones, `high` also `weak` ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sensitivity {
    /// Fewest badges.
    Low,
    /// The default.
    #[default]
    Normal,
    /// Most badges, including weak signals.
    High,
}

/// JSON data: a configuration document as it arrives, and in the `.wasm` a post
/// ([`crate::post::Post::from_document`]). Objects keep their keys sorted and, for a key given
/// twice, the last value (as `serde_json::Value` does), so errors come in the same order on every
/// path.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Value {
    /// `null` (and, from JavaScript, `undefined`; a number that is not finite, as serde_json).
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number; `Some` holds it when it is a whole number from 0 to `u64::MAX`, the only numbers
    /// a document or a post can use (`version`).
    Number(Option<u64>),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(BTreeMap<String, Value>),
}

impl Value {
    /// The value of a whole number from 0 up.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => *n,
            _ => None,
        }
    }

    /// The text of a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The items of an array.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The entries of an object.
    pub fn as_object(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// An object's entry.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object().and_then(|o| o.get(key))
    }

    /// How an error names this value's type: "a string", "an array"…
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

/// Reads any self-describing data (JSON text through serde_json, a `serde_json::Value`) the way
/// `serde_json::Value` does: integers from 0 up keep their value, other numbers do not,
/// non-finite ones are `null`.
impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        struct ValueVisitor;

        impl<'de> Visitor<'de> for ValueVisitor {
            type Value = Value;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any valid JSON value")
            }
            fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
                Ok(Value::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
                Ok(Value::Number(u64::try_from(n).ok()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
                Ok(Value::Number(Some(n)))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
                Ok(if n.is_finite() {
                    Value::Number(None)
                } else {
                    Value::Null
                })
            }
            fn visit_str<E>(self, s: &str) -> Result<Value, E> {
                Ok(Value::String(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> Result<Value, E> {
                Ok(Value::String(s))
            }
            fn visit_none<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_unit<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
                Value::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Value::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
                let mut entries = BTreeMap::new();
                while let Some((key, value)) = map.next_entry::<String, Value>()? {
                    entries.insert(key, value);
                }
                Ok(Value::Object(entries))
            }
        }

        deserializer.deserialize_any(ValueVisitor)
    }
}

/// A configuration error, naming the field so the options page can point at it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigError {
    /// JSON path of the offending value, e.g. `keywords.diagnostic[2]`; "" for the whole document.
    pub field: String,
    /// What is wrong, in plain words.
    pub message: String,
}

impl ConfigError {
    fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

impl std::error::Error for ConfigError {}

/// The configuration document. Build it with [`Config::from_json`] / [`Config::from_value`], or in
/// Rust; [`crate::analyzer::Analyzer::new`] validates it either way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Config {
    /// Always 1.
    pub version: u64,
    /// Rule ids that never run.
    pub disabled_rules: Vec<String>,
    /// The person's literal phrases per category.
    pub keywords: BTreeMap<Category, Vec<String>>,
    /// Phrases whose findings are dropped ("signs of spring").
    pub ignored_phrases: Vec<String>,
    /// Which rule strengths run.
    pub sensitivity: Sensitivity,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            version: VERSION,
            disabled_rules: Vec::new(),
            keywords: BTreeMap::new(),
            ignored_phrases: Vec::new(),
            sensitivity: Sensitivity::Normal,
        }
    }
}

/// A keyword ready for matching.
#[derive(Debug, Clone)]
pub(crate) struct FoldedKeyword {
    pub category: Category,
    pub folded: String,
}

const CATEGORY_NAMES: &[(&str, Category)] = &[
    ("diagnostic", Category::Diagnostic),
    ("lived_experience", Category::LivedExperience),
    ("treatment_claim", Category::TreatmentClaim),
    ("certainty", Category::Certainty),
    ("sponsorship", Category::Sponsorship),
    ("self_promotion", Category::SelfPromotion),
    ("crisis", Category::Crisis),
    ("credential", Category::Credential),
    ("non_clinical_title", Category::NonClinicalTitle),
    ("topic", Category::Topic),
];

/// The JSON name of a category.
pub fn category_name(c: Category) -> &'static str {
    CATEGORY_NAMES
        .iter()
        .find(|(_, x)| *x == c)
        .map(|(n, _)| *n)
        .expect("every category is listed")
}

/// The category a JSON name stands for (the configuration's keys, the catalogue's table).
pub(crate) fn category_from_name(s: &str) -> Option<Category> {
    CATEGORY_NAMES
        .iter()
        .find(|(n, _)| *n == s)
        .map(|(_, c)| *c)
}

fn type_name(v: &Value) -> &'static str {
    v.type_name()
}

fn expect_array<'a>(v: &'a Value, field: &str, what: &str) -> Result<&'a Vec<Value>, ConfigError> {
    v.as_array().ok_or_else(|| {
        ConfigError::new(
            field,
            format!("must be an array of {what}, not {}", type_name(v)),
        )
    })
}

fn expect_string<'a>(v: &'a Value, field: &str) -> Result<&'a str, ConfigError> {
    v.as_str()
        .ok_or_else(|| ConfigError::new(field, format!("must be a string, not {}", type_name(v))))
}

impl Config {
    /// Parses and validates a configuration document (the command line's `--config`; native
    /// builds only, the `.wasm` has no JSON parser and gets its documents as JavaScript values).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_json(text: &str) -> Result<Config, ConfigError> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| ConfigError::new("", format!("not valid JSON: {e}")))?;
        Config::from_document(&value)
    }

    /// Reads a configuration from parsed JSON; every error names its field (native builds only,
    /// like serde_json).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_value(value: &serde_json::Value) -> Result<Config, ConfigError> {
        // Every JSON value has a form in `Value`, so this conversion does not fail.
        let value = Value::deserialize(value)
            .map_err(|e| ConfigError::new("", format!("not plain JSON data: {e}")))?;
        Config::from_document(&value)
    }

    /// Reads a configuration from a [`Value`]; every error names its field.
    pub fn from_document(value: &Value) -> Result<Config, ConfigError> {
        let obj: &BTreeMap<String, Value> = value.as_object().ok_or_else(|| {
            ConfigError::new(
                "",
                format!(
                    "the configuration must be a JSON object, not {}",
                    type_name(value)
                ),
            )
        })?;
        let mut config = Config::default();
        for key in obj.keys() {
            if !matches!(
                key.as_str(),
                "version" | "disabled_rules" | "keywords" | "ignored_phrases" | "sensitivity"
            ) {
                return Err(ConfigError::new(
                    key.as_str(),
                    "unknown field (expected version, disabled_rules, keywords, ignored_phrases, sensitivity)",
                ));
            }
        }
        match obj.get("version") {
            None => return Err(ConfigError::new("version", "required (use 1)")),
            Some(v) => match v.as_u64() {
                Some(n) => config.version = n,
                None => {
                    return Err(ConfigError::new(
                        "version",
                        format!("must be the number 1, not {}", type_name(v)),
                    ))
                }
            },
        }
        if let Some(v) = obj.get("disabled_rules") {
            for (i, item) in expect_array(v, "disabled_rules", "rule ids")?
                .iter()
                .enumerate()
            {
                let id = expect_string(item, &format!("disabled_rules[{i}]"))?;
                config.disabled_rules.push(id.to_string());
            }
        }
        if let Some(v) = obj.get("keywords") {
            let map = v.as_object().ok_or_else(|| {
                ConfigError::new(
                    "keywords",
                    format!(
                        "must be an object of category → phrases, not {}",
                        type_name(v)
                    ),
                )
            })?;
            for (cat, list) in map {
                let field = format!("keywords.{cat}");
                let category = category_from_name(cat).ok_or_else(|| {
                    let names: Vec<&str> = CATEGORY_NAMES.iter().map(|(n, _)| *n).collect();
                    ConfigError::new(
                        field.as_str(),
                        format!("unknown category (expected one of {})", names.join(", ")),
                    )
                })?;
                let mut phrases = Vec::new();
                for (i, item) in expect_array(list, &field, "phrases")?.iter().enumerate() {
                    phrases.push(expect_string(item, &format!("{field}[{i}]"))?.to_string());
                }
                config.keywords.insert(category, phrases);
            }
        }
        if let Some(v) = obj.get("ignored_phrases") {
            for (i, item) in expect_array(v, "ignored_phrases", "phrases")?
                .iter()
                .enumerate()
            {
                let p = expect_string(item, &format!("ignored_phrases[{i}]"))?;
                config.ignored_phrases.push(p.to_string());
            }
        }
        if let Some(v) = obj.get("sensitivity") {
            config.sensitivity = match v.as_str() {
                Some("low") => Sensitivity::Low,
                Some("normal") => Sensitivity::Normal,
                Some("high") => Sensitivity::High,
                Some(other) => {
                    return Err(ConfigError::new(
                        "sensitivity",
                        format!("`{other}` is not one of low, normal, high"),
                    ))
                }
                None => {
                    return Err(ConfigError::new(
                        "sensitivity",
                        format!(
                            "must be \"low\", \"normal\" or \"high\", not {}",
                            type_name(v)
                        ),
                    ))
                }
            };
        }
        config.validate()?;
        Ok(config)
    }

    /// Checks everything the types do not: the version, rule ids, keyword sizes and duplicates.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.prepare().map(|_| ())
    }

    /// Validates and folds keywords and ignored phrases for the matcher.
    pub(crate) fn prepare(&self) -> Result<(Vec<FoldedKeyword>, Vec<String>), ConfigError> {
        if self.version != VERSION {
            return Err(ConfigError::new(
                "version",
                format!(
                    "unsupported version {}; this engine reads version {VERSION}",
                    self.version
                ),
            ));
        }
        for (i, id) in self.disabled_rules.iter().enumerate() {
            if rules::rule_index(id).is_none() {
                return Err(ConfigError::new(
                    format!("disabled_rules[{i}]"),
                    format!("unknown rule id `{id}` (`check-source rules` lists them)"),
                ));
            }
        }
        let mut keywords = Vec::new();
        let mut total = 0;
        for (category, list) in &self.keywords {
            let field = format!("keywords.{}", category_name(*category));
            if list.len() > MAX_PER_CATEGORY {
                return Err(ConfigError::new(
                    field,
                    format!(
                        "{} keywords; at most {MAX_PER_CATEGORY} per category",
                        list.len()
                    ),
                ));
            }
            total += list.len();
            let folded = fold_phrases(list, &field)?;
            keywords.extend(folded.into_iter().map(|folded| FoldedKeyword {
                category: *category,
                folded,
            }));
        }
        if total > MAX_KEYWORDS {
            return Err(ConfigError::new(
                "keywords",
                format!("{total} keywords; at most {MAX_KEYWORDS} in all"),
            ));
        }
        if self.ignored_phrases.len() > MAX_IGNORED {
            return Err(ConfigError::new(
                "ignored_phrases",
                format!(
                    "{} phrases; at most {MAX_IGNORED}",
                    self.ignored_phrases.len()
                ),
            ));
        }
        let ignored = fold_phrases(&self.ignored_phrases, "ignored_phrases")?;
        Ok((keywords, ignored))
    }
}

/// Checks and folds a list of literal phrases; duplicates are compared after folding ("ADHD" and
/// "adhd" are the same phrase to the matcher).
fn fold_phrases(list: &[String], field: &str) -> Result<Vec<String>, ConfigError> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(list.len());
    for (i, phrase) in list.iter().enumerate() {
        let at = format!("{field}[{i}]");
        if phrase.trim().is_empty() {
            return Err(ConfigError::new(at, "empty (or only spaces)"));
        }
        let n = phrase.chars().count();
        if n > MAX_KEYWORD_CHARS {
            return Err(ConfigError::new(
                at,
                format!("{n} characters; at most {MAX_KEYWORD_CHARS}"),
            ));
        }
        let folded = fold_phrase(phrase);
        if folded.is_empty() {
            return Err(ConfigError::new(
                at,
                "nothing left to match after normalisation",
            ));
        }
        if let Some(first) = seen.insert(folded.clone(), i) {
            return Err(ConfigError::new(
                at,
                format!("duplicates {field}[{first}] (\"{}\")", list[first]),
            ));
        }
        out.push(folded);
    }
    Ok(out)
}

/// A literal phrase as the folded text would spell it, spaces collapsed.
pub(crate) fn fold_phrase(phrase: &str) -> String {
    let n = Normalized::new(phrase, Fold::Lower);
    n.text().split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(v: serde_json::Value) -> ConfigError {
        let error = Config::from_value(&v).expect_err("should be rejected");
        // The same document as the bindings build it gives the same error.
        assert_eq!(Config::from_document(&to_value(&v)), Err(error.clone()));
        error
    }

    /// A `serde_json::Value` as [`Value`], built by hand (not through `Deserialize`), the way
    /// `wasm.rs` builds one from a JavaScript value.
    fn to_value(v: &serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.as_u64()),
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(a) => Value::Array(a.iter().map(to_value).collect()),
            serde_json::Value::Object(o) => {
                Value::Object(o.iter().map(|(k, v)| (k.clone(), to_value(v))).collect())
            }
        }
    }

    #[test]
    fn values_read_like_serde_json_values() {
        for text in [
            r#"{"b": [1, -1, 1.5, 1e300, 18446744073709551615, true, null, "x"], "a": {}}"#,
            r#"{"k": 1, "k": "last wins"}"#,
            "[]",
            r#""\ud83e\udde0""#,
            "0",
        ] {
            let ours: Value = serde_json::from_str(text).unwrap();
            let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(ours, to_value(&theirs), "{text}");
            assert_eq!(Value::deserialize(&theirs).unwrap(), ours, "{text}");
        }
        for bad in ["", "[1,", "{\"a\" 1}", "1e400", "nul"] {
            let ours = serde_json::from_str::<Value>(bad).unwrap_err().to_string();
            let theirs = serde_json::from_str::<serde_json::Value>(bad)
                .unwrap_err()
                .to_string();
            assert_eq!(ours, theirs, "{bad:?}");
        }
    }

    #[test]
    fn minimal_document_is_the_default() {
        assert_eq!(
            Config::from_json(r#"{"version": 1}"#).unwrap(),
            Config::default()
        );
    }

    #[test]
    fn errors_name_their_field() {
        assert_eq!(err(json!({})).field, "version");
        assert_eq!(err(json!({"version": 2})).field, "version");
        assert_eq!(err(json!({"version": "1"})).field, "version");
        assert_eq!(err(json!({"version": 1, "colour": 1})).field, "colour");
        assert_eq!(
            err(json!({"version": 1, "sensitivity": "max"})).field,
            "sensitivity"
        );
        assert_eq!(
            err(json!({"version": 1, "keywords": {"diagnostic": ["a", 3]}})).field,
            "keywords.diagnostic[1]"
        );
        assert_eq!(
            err(json!({"version": 1, "keywords": {"mood": []}})).field,
            "keywords.mood"
        );
        assert_eq!(
            err(json!({"version": 1, "disabled_rules": ["no.such.rule"]})).field,
            "disabled_rules[0]"
        );
        assert_eq!(err(json!([1])).field, "");
    }

    #[test]
    fn display_joins_field_and_message() {
        let e = ConfigError::new("keywords.diagnostic[2]", "empty (or only spaces)");
        assert_eq!(
            e.to_string(),
            "keywords.diagnostic[2]: empty (or only spaces)"
        );
    }
}
