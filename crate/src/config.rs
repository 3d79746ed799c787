//! The person's configuration: rules switched off, their own keywords per category, phrases to
//! ignore, and a sensitivity. One versioned JSON document (ARCHITECTURE.md, "Configuration
//! schema"), stored by the extension and read by `check-source analyze --config`.
//!
//! Why parsed by hand: the options page shows the error next to the offending entry, so every
//! error names the exact field (`keywords.diagnostic[2]`), which serde's messages do not. A bad
//! document is rejected whole: nothing is half-applied.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

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
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
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
    /// Parses and validates a configuration document.
    pub fn from_json(text: &str) -> Result<Config, ConfigError> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| ConfigError::new("", format!("not valid JSON: {e}")))?;
        Config::from_value(&value)
    }

    /// Reads a configuration from parsed JSON; every error names its field.
    pub fn from_value(value: &Value) -> Result<Config, ConfigError> {
        let obj: &Map<String, Value> = value.as_object().ok_or_else(|| {
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

    fn err(v: Value) -> ConfigError {
        Config::from_value(&v).expect_err("should be rejected")
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
