//! The bindings in a real browser (headless Chromium through wasm-bindgen's runner; see
//! `.cargo/config.toml` and build.sh): what the extension's background sees when it calls the
//! exported functions, including JavaScript-only inputs such as lone surrogates.
#![cfg(target_arch = "wasm32")]

use check_source::wasm::{analyze, analyze_with, check_config, configure, rules, version};
use serde::Serialize;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// JSON data → a plain JavaScript value, as the extension would pass it.
fn js(value: Value) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap()
}

/// A JavaScript value → JSON data, to assert on.
fn data(value: JsValue) -> Value {
    serde_wasm_bindgen::from_value(value).unwrap()
}

/// A JavaScript error thrown by a binding → its `{field, message}`.
fn thrown(result: Result<impl std::fmt::Debug, JsValue>) -> Value {
    data(result.expect_err("expected the binding to throw"))
}

/// The UTF-16 slice `start..end` of `text`, as JavaScript's `String.prototype.slice` gives it.
fn utf16_slice(text: &str, start: u64, end: u64) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    String::from_utf16(&units[start as usize..end as usize]).unwrap()
}

#[wasm_bindgen(inline_js = "
export function post_with_lone_surrogate() {
  return [{ id: 'lone', platform: 'tiktok', caption: '\\ud800 5 signs you have ADHD \\udfff' }];
}
export function not_json() { return [{ id: 'sym', caption: Symbol('x') }, { id: 'ok', caption: 'hi' }]; }
export function config_not_json() { return { version: 1, keywords: { diagnostic: ['a', () => 1] } }; }
export function cyclic() { const o = { version: 1 }; o.keywords = o; return o; }
export function undefined_fields() { return [{ id: 'u', caption: '5 signs you have ADHD', labels: undefined }]; }
")]
extern "C" {
    fn post_with_lone_surrogate() -> JsValue;
    fn not_json() -> JsValue;
    fn config_not_json() -> JsValue;
    fn cyclic() -> JsValue;
    fn undefined_fields() -> JsValue;
}

#[wasm_bindgen_test]
fn version_is_the_crate_version() {
    assert_eq!(version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn flags_a_diagnostic_caption_with_utf16_spans() {
    let caption = "🧠👩🏽‍⚕️ 5 signs you have ADHD";
    let out = data(
        analyze(js(
            json!([{"id": "k1", "platform": "tiktok", "caption": caption}]),
        ))
        .unwrap(),
    );
    let verdicts = out.as_array().expect("an array of verdicts");
    assert_eq!(verdicts.len(), 1);
    let verdict = &verdicts[0];
    assert_eq!(verdict["id"], "k1");
    assert_eq!(verdict["mental_health"], true);
    assert_ne!(verdict["level"], "none");
    let findings = verdict["findings"].as_array().unwrap();
    assert!(!findings.is_empty(), "{verdict}");
    for finding in findings.iter().filter(|f| f["field"] == "caption") {
        let (start, end) = (
            finding["start"].as_u64().unwrap(),
            finding["end"].as_u64().unwrap(),
        );
        assert_eq!(
            utf16_slice(caption, start, end),
            finding["text"],
            "{finding}"
        );
    }
}

#[wasm_bindgen_test]
fn a_malformed_post_gets_its_own_error_slot() {
    let out = data(
        analyze(js(json!([
            {"id": "a", "caption": "5 signs you have ADHD"},
            {"id": "bad", "caption": 42},
            {"id": "c", "caption": "creamy garlic pasta in 15 minutes"}
        ])))
        .unwrap(),
    );
    let slots = out.as_array().unwrap();
    assert_eq!(slots.len(), 3);
    assert_eq!(slots[0]["mental_health"], true);
    assert_eq!(slots[1]["id"], "bad");
    assert!(slots[1]["error"]
        .as_str()
        .unwrap()
        .contains("malformed post"));
    assert_eq!(slots[2]["id"], "c");
    assert_eq!(slots[2]["mental_health"], false);
    assert_eq!(slots[2]["level"], "none");
}

#[wasm_bindgen_test]
fn not_an_array_throws_a_field_error() {
    let error = thrown(analyze(js(json!({"caption": "x"}))));
    assert_eq!(error["field"], "posts");
    let error = thrown(analyze(JsValue::UNDEFINED));
    assert_eq!(error["field"], "posts");
}

#[wasm_bindgen_test]
fn a_post_that_is_not_data_gets_its_own_error_slot() {
    let out = data(analyze(not_json()).unwrap());
    assert_eq!(out[0]["id"], "sym");
    let error = out[0]["error"].as_str().unwrap();
    assert!(
        error.starts_with("malformed post: `caption`: not plain JSON data"),
        "{error}"
    );
    assert_eq!(out[1]["id"], "ok");
    assert_eq!(out[1]["level"], "none");
    // A post that is not an object, and fields of the wrong type, name what is wrong.
    let out = data(analyze(js(json!([7, {"id": "l", "labels": ["a", 2]}]))).unwrap());
    assert_eq!(
        out[0]["error"],
        "malformed post: a post must be an object, not a number"
    );
    assert_eq!(out[1]["id"], "l");
    assert_eq!(
        out[1]["error"],
        "malformed post: `labels[1]` must be a string, not a number"
    );
    // `undefined` reads as null, which `labels` does not take (as before).
    let out = data(analyze(undefined_fields()).unwrap());
    assert_eq!(out[0]["id"], "u");
    assert!(out[0]["error"].as_str().unwrap().contains("`labels`"));
}

#[wasm_bindgen_test]
fn a_configuration_that_is_not_data_names_where() {
    let error = data(check_config(config_not_json()));
    assert_eq!(error["field"], "keywords.diagnostic[1]", "{error}");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("not plain JSON data"));
    let error = data(check_config(cyclic()));
    assert!(
        error["message"].as_str().unwrap().contains("levels deep"),
        "{error}"
    );
    // Numbers: only a whole 1 is version 1.
    assert!(check_config(js(json!({"version": 1.0}))).is_null());
    let error = data(check_config(js(json!({"version": 1.5}))));
    assert_eq!(error["field"], "version");
    assert_eq!(error["message"], "must be the number 1, not a number");
    let error = data(check_config(JsValue::UNDEFINED));
    assert_eq!(error["field"], "");
}

#[wasm_bindgen_test]
fn lone_surrogates_from_javascript_do_not_break_analysis() {
    let out = data(analyze(post_with_lone_surrogate()).unwrap());
    assert_eq!(out[0]["id"], "lone");
    assert_eq!(out[0]["mental_health"], true);
}

#[wasm_bindgen_test]
fn check_config_names_the_bad_field() {
    assert!(check_config(js(json!({"version": 1}))).is_null());
    assert!(check_config(js(json!({"version": 1, "sensitivity": "high"}))).is_null());
    let error = data(check_config(js(
        json!({"version": 1, "keywords": {"diagnostic": ["ok phrase", ""]}}),
    )));
    assert_eq!(error["field"], "keywords.diagnostic[1]", "{error}");
    assert!(!error["message"].as_str().unwrap().is_empty());
    let error = data(check_config(js(json!({"version": 1, "colour": "blue"}))));
    assert!(
        !error["field"].as_str().unwrap().is_empty()
            || error["message"].as_str().unwrap().contains("colour")
    );
}

#[wasm_bindgen_test]
fn configure_replaces_the_analyzer_whole_or_not_at_all() {
    let post = js(json!([{"caption": "5 signs you have ADHD"}]));
    let before = data(analyze(post.clone()).unwrap());
    let rule = before[0]["findings"][0]["rule"]
        .as_str()
        .expect("a rule fired")
        .to_string();

    configure(js(json!({"version": 1, "disabled_rules": [rule]}))).unwrap();
    let disabled = data(analyze(post.clone()).unwrap());
    let fired = |v: &Value| {
        v[0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == rule.as_str())
    };
    assert!(!fired(&disabled), "{disabled}");

    // A bad document throws and leaves the disabled rule disabled.
    let error = thrown(configure(js(
        json!({"version": 1, "disabled_rules": ["no.such.rule"]}),
    )));
    assert!(
        error["field"]
            .as_str()
            .unwrap()
            .starts_with("disabled_rules"),
        "{error}"
    );
    assert!(!fired(&data(analyze(post.clone()).unwrap())));

    // Back to the shipped defaults for the other tests.
    configure(js(json!({"version": 1}))).unwrap();
    assert!(fired(&data(analyze(post).unwrap())));
}

#[wasm_bindgen_test]
fn analyze_with_tries_a_configuration_without_installing_it() {
    let post = js(json!({"id": "t", "caption": "time to frobnicate the gizmo again"}));
    let config = js(json!({"version": 1, "keywords": {"diagnostic": ["frobnicate the gizmo"]}}));
    let tried = data(analyze_with(config, post.clone()).unwrap());
    let user_rule = |v: &Value| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "user.diagnostic")
    };
    assert!(user_rule(&tried), "{tried}");
    assert_eq!(tried["id"], "t");
    let current = data(analyze_with(JsValue::NULL, post).unwrap());
    assert!(!user_rule(&current), "{current}");

    let error = thrown(analyze_with(
        js(json!({"version": 1, "keywords": {"crisis": [""]}})),
        js(json!({"caption": "x"})),
    ));
    assert_eq!(error["field"], "keywords.crisis[0]");
}

#[wasm_bindgen_test]
fn rules_lists_the_catalogue_as_plain_data() {
    let catalogue = data(rules());
    let list = catalogue.as_array().unwrap();
    assert!(!list.is_empty());
    assert!(list
        .iter()
        .all(|r| r["id"].as_str().is_some_and(|id| !id.is_empty())));
    // What the options page lists: up to three examples a rule; the tests' examples stay out.
    let examples = |r: &Value| r["examples"].as_array().expect("examples").len();
    assert!(list.iter().all(|r| examples(r) <= 3));
    assert!(list.iter().any(|r| examples(r) == 3));
    assert!(list
        .iter()
        .all(|r| r.get("must_flag").is_none() && r.get("must_pass").is_none()));
}

#[wasm_bindgen_test]
fn hostile_sizes_are_analysed_without_failing() {
    let long = "5 signs you have ADHD 🧠 ".repeat(1 << 20 >> 5);
    let hashtags = (0..10_000)
        .map(|i| format!("#tag{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let zero_width = "\u{200b}\u{200d}\u{feff}".repeat(10_000);
    let out = data(
        analyze(js(json!([
            {"id": "long", "caption": long},
            {"id": "tags", "caption": hashtags},
            {"id": "zw", "caption": zero_width},
            {"id": "html", "caption": "<img src=x onerror=alert(1)> 5 signs you have ADHD"}
        ])))
        .unwrap(),
    );
    let slots = out.as_array().unwrap();
    assert_eq!(slots.len(), 4);
    assert_eq!(slots[0]["id"], "long");
    assert_eq!(slots[0]["mental_health"], true);
    assert_eq!(slots[1]["id"], "tags");
    assert_eq!(slots[2]["id"], "zw");
    assert_eq!(slots[2]["level"], "none");
    let html = &slots[3];
    assert_eq!(html["mental_health"], true);
    let caption = "<img src=x onerror=alert(1)> 5 signs you have ADHD";
    for finding in html["findings"].as_array().unwrap() {
        let (start, end) = (
            finding["start"].as_u64().unwrap(),
            finding["end"].as_u64().unwrap(),
        );
        assert_eq!(utf16_slice(caption, start, end), finding["text"]);
    }
}

#[wasm_bindgen_test]
fn conditions_and_crisis_lines_are_plain_data_for_the_panel() {
    let conditions = data(check_source::wasm::conditions());
    let adhd = conditions
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "adhd")
        .expect("adhd condition");
    assert_eq!(adhd["name"], "ADHD");
    assert!(adhd["links"][0]["url"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    let uk = data(check_source::wasm::crisis_lines("en-GB"));
    assert_eq!(uk[0]["number"], "116 123");
    let unknown = data(check_source::wasm::crisis_lines("ja-JP"));
    assert_eq!(unknown[0]["locale"], "*");
}

#[wasm_bindgen_test]
fn translations_are_plain_maps_by_rule_and_condition_id() {
    let es = data(check_source::wasm::translations("es-ES"));
    assert_eq!(es["conditions"]["adhd"], "TDAH");
    let rules = data(rules());
    let first = &rules[0];
    let note = es["notes"][first["id"].as_str().unwrap()].as_str().unwrap();
    assert!(!note.is_empty());
    assert_ne!(note, first["note"].as_str().unwrap());
    for lang in ["en", "en-GB", "ja", ""] {
        assert_eq!(
            data(check_source::wasm::translations(lang)),
            json!({"notes": {}, "conditions": {}}),
            "{lang:?}"
        );
    }
}
