//! The browser bindings: the only file with `#[wasm_bindgen]` items (ARCHITECTURE.md).
//!
//! Everything crosses the boundary as plain data serialised with
//! `Serializer::json_compatible()` (objects, arrays, strings, numbers, `null`), so JavaScript never
//! holds a Rust object that would need `.free()`, and a value survives `structuredClone` and
//! `runtime.sendMessage` unchanged. Offsets in verdicts are already UTF-16 (the engine converts
//! them), so they index JavaScript strings directly.
//!
//! The extension's background keeps one current analyzer here: `configure` replaces it whole or
//! not at all, so a bad setting can never leave a half-applied engine behind.

use std::cell::RefCell;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::analyzer::Analyzer;
use crate::config::{Config, ConfigError};
use crate::post::Post;
use crate::verdict::Verdict;

thread_local! {
    /// The analyzer `analyze` uses; `None` until first use or `configure`, then the shipped
    /// defaults are built lazily so that merely loading the module stays cheap.
    static CURRENT: RefCell<Option<Analyzer>> = const { RefCell::new(None) };
}

/// The error shape every binding throws or returns: which field is wrong and why, in words a
/// person can act on (the options page shows it beside the field).
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct BindingError {
    /// Dotted path of the offending field, e.g. `keywords.diagnostic[2]`; `""` for the whole value.
    pub field: String,
    /// What is wrong, in plain words.
    pub message: String,
}

impl From<ConfigError> for BindingError {
    fn from(e: ConfigError) -> Self {
        BindingError {
            field: e.field,
            message: e.message,
        }
    }
}

/// One slot of a batch's answer: the verdict, or why that post could not be read.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Slot {
    /// The post was read and analysed.
    Verdict(Verdict),
    /// The post was malformed; the rest of the batch is unaffected.
    Error(PostError),
}

/// A malformed post in a batch: reported in its own slot so the rest of the batch still gets
/// verdicts.
#[derive(Debug, Serialize)]
struct PostError {
    /// The post's `id` when one could be read, so the caller can match the slot.
    id: Option<String>,
    /// Why the post could not be read.
    error: String,
}

/// Serialises any result as plain JavaScript data (objects, not `Map`s).
fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    // Only our own serde types reach here; they serialise infallibly to JSON-compatible data.
    value
        .serialize(&serializer)
        .unwrap_or_else(|e| JsValue::from_str(&e.to_string()))
}

/// Reads an arbitrary JavaScript value as JSON data; `field` names it in the error.
fn from_js(value: JsValue, field: &str) -> Result<serde_json::Value, BindingError> {
    if value.is_undefined() {
        return Ok(serde_json::Value::Null);
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| BindingError {
        field: field.to_string(),
        message: format!("not plain JSON data: {e}"),
    })
}

/// Parses a configuration document and compiles an analyzer from it, or says what is wrong.
fn build_analyzer(config: JsValue) -> Result<Analyzer, BindingError> {
    let value = from_js(config, "")?;
    let config = Config::from_value(&value)?;
    Ok(Analyzer::new(&config)?)
}

/// Runs `f` with the current analyzer, building the shipped defaults on first use.
fn with_current<R>(f: impl FnOnce(&Analyzer) -> R) -> R {
    CURRENT.with(|cell| {
        let mut slot = cell.borrow_mut();
        let analyzer = slot.get_or_insert_with(Analyzer::default);
        f(analyzer)
    })
}

/// Analyses one already-parsed JSON post, turning a malformed one into its error slot.
fn analyze_value(analyzer: &Analyzer, value: serde_json::Value) -> Slot {
    let id = value
        .get("id")
        .and_then(serde_json::Value::as_str)
        .map(str::to_string);
    match serde_json::from_value::<Post>(value) {
        Ok(post) => Slot::Verdict(analyzer.analyze(&post)),
        Err(e) => Slot::Error(PostError {
            id,
            error: format!("malformed post: {e}"),
        }),
    }
}

/// Installs the person's configuration as the current analyzer. Throws `{field, message}` and
/// keeps the previous analyzer when the document is invalid, so settings are never half-applied.
#[wasm_bindgen]
pub fn configure(config: JsValue) -> Result<(), JsValue> {
    let analyzer = build_analyzer(config).map_err(|e| to_js(&e))?;
    CURRENT.with(|cell| *cell.borrow_mut() = Some(analyzer));
    Ok(())
}

/// Validates a configuration document without installing it: `null` when it is valid, else
/// `{field, message}`. The options page calls this as the person types.
#[wasm_bindgen]
pub fn check_config(config: JsValue) -> JsValue {
    match build_analyzer(config) {
        Ok(_) => JsValue::NULL,
        Err(e) => to_js(&e),
    }
}

/// Analyses a batch of posts with the current analyzer and returns one verdict per post, in
/// order; a post that cannot be read yields `{id, error}` in its slot instead. Throws
/// `{field: "posts", message}` when `posts` is not an array at all.
#[wasm_bindgen]
pub fn analyze(posts: JsValue) -> Result<JsValue, JsValue> {
    let value = from_js(posts, "posts").map_err(|e| to_js(&e))?;
    let serde_json::Value::Array(items) = value else {
        return Err(to_js(&BindingError {
            field: "posts".into(),
            message: "expected an array of posts".into(),
        }));
    };
    let slots: Vec<Slot> = with_current(|analyzer| {
        items
            .into_iter()
            .map(|item| analyze_value(analyzer, item))
            .collect()
    });
    Ok(to_js(&slots))
}

/// Analyses one post with a configuration that is not installed (the options page's tester:
/// "what would this post get with these settings?"). `config` `null`/`undefined` means the current
/// analyzer. Throws `{field, message}` for a bad configuration; a malformed post yields
/// `{id, error}` like `analyze`.
#[wasm_bindgen]
pub fn analyze_with(config: JsValue, post: JsValue) -> Result<JsValue, JsValue> {
    let post = from_js(post, "post").map_err(|e| to_js(&e))?;
    if config.is_null() || config.is_undefined() {
        return Ok(to_js(&with_current(|analyzer| {
            analyze_value(analyzer, post)
        })));
    }
    let analyzer = build_analyzer(config).map_err(|e| to_js(&e))?;
    Ok(to_js(&analyze_value(&analyzer, post)))
}

/// The shipped rule catalogue (id, category, strength, description, examples), for the options
/// page's list of rules the person can turn off.
#[wasm_bindgen]
pub fn rules() -> JsValue {
    to_js(crate::rules::catalog())
}

/// Every condition the engine names (`verdict.topics[].condition`), with its display name and
/// reading links (NIMH, NHS…), for the panel's "accuracy and context" step.
#[wasm_bindgen]
pub fn conditions() -> JsValue {
    to_js(crate::rules::conditions())
}

/// The crisis lines for a browser locale (`navigator.language`, e.g. `en-GB`): exact locale, then
/// the language, then the international fallback. The support panel leads with these.
#[wasm_bindgen]
pub fn crisis_lines(locale: &str) -> JsValue {
    to_js(&crate::rules::crisis_lines_for(locale))
}

/// The engine's explanatory text in the person's language (the extension's strings' language,
/// e.g. `es` or `es-419`): `{notes: {<rule id>: text}, conditions: {<condition id>: name}}`.
/// Empty maps for English or a language without translations, meaning "show the engine's own
/// text"; the background swaps these into what the panel and the options tester show.
#[wasm_bindgen]
pub fn translations(lang: &str) -> JsValue {
    to_js(&crate::rules::translations(lang))
}

/// The engine's version, shown in the options page and in bug reports.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
