//! The browser bindings: the only file with `#[wasm_bindgen]` items (ARCHITECTURE.md).
//!
//! Everything crosses the boundary as plain data serialised with
//! `Serializer::json_compatible()` (objects, arrays, strings, numbers, `null`), so JavaScript never
//! holds a Rust object that would need `.free()`, and a value survives `structuredClone` and
//! `runtime.sendMessage` unchanged. Offsets in verdicts are already UTF-16 (the engine converts
//! them), so they index JavaScript strings directly.
//!
//! What comes in (configurations, posts) is read by hand into [`Value`] ([`to_value`]), then by
//! [`Config::from_document`] and [`Post::from_document`]: no serde deserializer in the `.wasm`
//! (serde_json's parser and its `Value`, serde-wasm-bindgen's deserializer and the float
//! formatting their error messages link in were ~78 KB of code before gzip), and each post of a
//! batch is read on its own, so one bad post costs only its own slot.
//!
//! The extension's background keeps one current analyzer here: `configure` replaces it whole or
//! not at all, so a bad setting can never leave a half-applied engine behind.

use std::cell::RefCell;
use std::collections::BTreeMap;

use js_sys::{Array, Object, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::analyzer::Analyzer;
use crate::config::{Config, ConfigError, Value};
use crate::post::Post;
use crate::verdict::Verdict;

/// Deepest nesting [`to_value`] follows (serde_json's limit too): a cyclic or absurdly nested
/// object is an error, not a stack overflow.
const MAX_DEPTH: usize = 128;

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

/// A JavaScript value as JSON data, read as serde-wasm-bindgen and `serde_json::Value` read it
/// before: `null` and `undefined` are null, a number keeps its value when it is a safe integer
/// from 0 up (a non-finite one is null), arrays by index, other objects by their own enumerable
/// properties, unless they are iterable (a `Map`, a `Set`). Anything else (a function, a symbol,
/// a `BigInt`, an iterable) is refused: on `Err`, the path to it (`keywords.diagnostic[0]`, ""
/// for the value itself) and what it is.
fn to_value(js: &JsValue, depth: usize) -> Result<Value, (String, String)> {
    if js.is_null() || js.is_undefined() {
        return Ok(Value::Null);
    }
    if let Some(b) = js.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(n) = js.as_f64() {
        const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
        return Ok(if !n.is_finite() {
            Value::Null
        } else if n.fract() == 0.0 && (0.0..=MAX_SAFE).contains(&n) {
            Value::Number(Some(n as u64))
        } else {
            Value::Number(None)
        });
    }
    if let Some(s) = js.as_string() {
        return Ok(Value::String(s));
    }
    let refuse = |what: &str| Err((String::new(), format!("not plain JSON data ({what})")));
    if !js.is_object() {
        let kind = js.js_typeof().as_string().unwrap_or_default();
        return refuse(&format!("a {kind}"));
    }
    if depth >= MAX_DEPTH {
        return refuse(&format!("nested more than {MAX_DEPTH} levels deep"));
    }
    if Array::is_array(js) {
        let array: &Array = js.unchecked_ref();
        return array
            .iter()
            .enumerate()
            .map(|(i, item)| {
                to_value(&item, depth + 1).map_err(|(at, e)| (format!("[{i}]{}", dotted(&at)), e))
            })
            .collect::<Result<_, _>>()
            .map(Value::Array);
    }
    if js_sys::Symbol::iterator().js_in(js) {
        return refuse("an iterable object");
    }
    let mut entries = BTreeMap::new();
    for entry in Object::entries(js.unchecked_ref()).iter() {
        let entry: Array = entry.unchecked_into();
        let key = entry.get(0).as_string().unwrap_or_default();
        let value = to_value(&entry.get(1), depth + 1)
            .map_err(|(at, e)| (format!("{key}{}", dotted(&at)), e))?;
        entries.insert(key, value);
    }
    Ok(Value::Object(entries))
}

/// The rest of a path after a key or index: `.name` or `[0]` as it comes, "" for none.
fn dotted(at: &str) -> String {
    if at.is_empty() || at.starts_with('[') {
        at.to_string()
    } else {
        format!(".{at}")
    }
}

/// Parses a configuration document and compiles an analyzer from it, or says what is wrong.
fn build_analyzer(config: JsValue) -> Result<Analyzer, BindingError> {
    let value = to_value(&config, 0).map_err(|(field, message)| BindingError { field, message })?;
    let config = Config::from_document(&value)?;
    Ok(Analyzer::new(&config)?)
}

/// One post of a batch as data, or the error slot it gets (with its `id` when it has a string
/// one).
fn read_post(js: &JsValue) -> Result<Post, PostError> {
    let failed = |id: Option<String>, why: String| PostError {
        id,
        error: format!("malformed post: {why}"),
    };
    let value = to_value(js, 0).map_err(|(at, why)| {
        let id = js
            .is_object()
            .then(|| Reflect::get(js, &JsValue::from_str("id")).ok())
            .flatten()
            .and_then(|id| id.as_string());
        let at = if at.is_empty() {
            at
        } else {
            format!("`{at}`: ")
        };
        failed(id, format!("{at}{why}"))
    })?;
    let id = value.get("id").and_then(Value::as_str).map(str::to_string);
    Post::from_document(value).map_err(|why| failed(id, why))
}

/// Runs `f` with the current analyzer, building the shipped defaults on first use.
fn with_current<R>(f: impl FnOnce(&Analyzer) -> R) -> R {
    CURRENT.with(|cell| {
        let mut slot = cell.borrow_mut();
        let analyzer = slot.get_or_insert_with(Analyzer::default);
        f(analyzer)
    })
}

/// Analyses one read post, or passes its error slot through.
fn analyze_read(analyzer: &Analyzer, post: Result<Post, PostError>) -> Slot {
    match post {
        Ok(post) => Slot::Verdict(analyzer.analyze(&post)),
        Err(e) => Slot::Error(e),
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
/// order; a post that cannot be read (not an object, a field of the wrong type, data that is not
/// JSON-like) yields `{id, error}` in its slot instead. Throws `{field: "posts", message}` when
/// `posts` is not an array at all.
#[wasm_bindgen]
pub fn analyze(posts: JsValue) -> Result<JsValue, JsValue> {
    if !Array::is_array(&posts) {
        return Err(to_js(&BindingError {
            field: "posts".into(),
            message: "expected an array of posts".into(),
        }));
    }
    let posts: Vec<Result<Post, PostError>> = posts
        .unchecked_into::<Array>()
        .iter()
        .map(|item| read_post(&item))
        .collect();
    let slots: Vec<Slot> = with_current(|analyzer| {
        posts
            .into_iter()
            .map(|post| analyze_read(analyzer, post))
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
    let post = read_post(&post);
    if config.is_null() || config.is_undefined() {
        return Ok(to_js(&with_current(|analyzer| {
            analyze_read(analyzer, post)
        })));
    }
    let analyzer = build_analyzer(config).map_err(|e| to_js(&e))?;
    Ok(to_js(&analyze_read(&analyzer, post)))
}

/// The shipped rule catalogue (id, category, strength, description, `examples`: the first three
/// must-flag texts), for the options page's list of rules the person can turn off.
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
