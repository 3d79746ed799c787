//! The configuration document: every kind of mistake is rejected with the field it is in, and a
//! valid document changes what the analyzer reports.

use check_source::analyzer::Analyzer;
use check_source::config::{Config, ConfigError, Sensitivity};
use check_source::post::Post;
use check_source::rules::{self, Strength};
use check_source::verdict::{Category, Level};
use serde_json::{json, Value};

fn field_of(v: Value) -> String {
    match Config::from_value(&v) {
        Ok(_) => panic!("accepted {v}"),
        Err(ConfigError { field, message }) => {
            assert!(!message.is_empty());
            field
        }
    }
}

fn caption(text: &str) -> Post {
    Post {
        caption: text.into(),
        ..Post::default()
    }
}

#[test]
fn structural_errors_name_the_field() {
    assert_eq!(field_of(json!("hello")), "");
    assert_eq!(field_of(json!({"sensitivity": "low"})), "version");
    assert_eq!(field_of(json!({"version": 2})), "version");
    assert_eq!(field_of(json!({"version": 1.5})), "version");
    assert_eq!(field_of(json!({"version": 1, "extra": true})), "extra");
    assert_eq!(
        field_of(json!({"version": 1, "disabled_rules": "x"})),
        "disabled_rules"
    );
    assert_eq!(
        field_of(json!({"version": 1, "disabled_rules": [3]})),
        "disabled_rules[0]"
    );
    assert_eq!(field_of(json!({"version": 1, "keywords": []})), "keywords");
    assert_eq!(
        field_of(json!({"version": 1, "keywords": {"diagnostic": "x"}})),
        "keywords.diagnostic"
    );
    assert_eq!(
        field_of(json!({"version": 1, "keywords": {"moods": ["x"]}})),
        "keywords.moods"
    );
    assert_eq!(
        field_of(json!({"version": 1, "ignored_phrases": [null]})),
        "ignored_phrases[0]"
    );
    assert_eq!(
        field_of(json!({"version": 1, "sensitivity": 2})),
        "sensitivity"
    );
    assert_eq!(
        field_of(json!({"version": 1, "sensitivity": "extreme"})),
        "sensitivity"
    );
}

#[test]
fn invalid_json_is_an_error_not_a_panic() {
    let e = Config::from_json("{\"version\": 1,").unwrap_err();
    assert_eq!(e.field, "");
    assert!(e.message.contains("JSON"), "{e}");
}

#[test]
fn unknown_rule_id_names_its_index() {
    let known = rules::catalog()[0].id.clone();
    let v = json!({"version": 1, "disabled_rules": [known, "en.diag.no-such-rule"]});
    assert_eq!(field_of(v), "disabled_rules[1]");
}

#[test]
fn bad_keywords_name_the_entry() {
    let kw = |list: Value| json!({"version": 1, "keywords": {"sponsorship": list}});
    assert_eq!(field_of(kw(json!(["ok", ""]))), "keywords.sponsorship[1]");
    assert_eq!(field_of(kw(json!(["   "]))), "keywords.sponsorship[0]");
    assert_eq!(
        field_of(kw(json!(["a".repeat(101)]))),
        "keywords.sponsorship[0]"
    );
    assert_eq!(
        field_of(kw(json!(["Promo Code", "promo  code"]))),
        "keywords.sponsorship[1]"
    );
    // 100 characters is fine.
    Config::from_value(&kw(json!(["é".repeat(100)]))).unwrap();
    let many: Vec<String> = (0..501).map(|i| format!("phrase {i}")).collect();
    assert_eq!(field_of(kw(json!(many))), "keywords.sponsorship");
    let half: Vec<String> = (0..500).map(|i| format!("phrase {i}")).collect();
    let v = json!({"version": 1, "keywords": {"sponsorship": half, "diagnostic": half, "crisis": ["one more"]}});
    assert_eq!(field_of(v), "keywords");
    let ignored = json!({"version": 1, "ignored_phrases": ["signs of spring", ""]});
    assert_eq!(field_of(ignored), "ignored_phrases[1]");
}

#[test]
fn configs_built_in_rust_are_checked_by_the_analyzer() {
    let mut c = Config::default();
    c.disabled_rules.push("nope".into());
    assert_eq!(Analyzer::new(&c).err().unwrap().field, "disabled_rules[0]");
    let c = Config {
        version: 3,
        ..Config::default()
    };
    assert_eq!(Analyzer::new(&c).err().unwrap().field, "version");
}

#[test]
fn config_round_trips_through_json() {
    let text = r#"{"version":1,"disabled_rules":[],"keywords":{"diagnostic":["zebra brain"]},"ignored_phrases":["signs of spring"],"sensitivity":"high"}"#;
    let c = Config::from_json(text).unwrap();
    assert_eq!(c.sensitivity, Sensitivity::High);
    let again = Config::from_value(&serde_json::to_value(&c).unwrap()).unwrap();
    assert_eq!(again, c);
}

#[test]
fn user_keyword_flags_as_a_whole_word_in_its_category() {
    let c =
        Config::from_value(&json!({"version": 1, "keywords": {"sponsorship": ["Link in Bio"]}}))
            .unwrap();
    let a = Analyzer::new(&c).unwrap();
    let v = a.analyze(&caption("grab it, LINK in bio 💸"));
    let f = v
        .findings
        .iter()
        .find(|f| f.rule == "user.sponsorship")
        .expect("keyword finding");
    assert_eq!(f.category, Category::Sponsorship);
    assert_eq!(f.kind, "user_keyword");
    assert_eq!(f.text, "LINK in bio");
    assert_eq!(f.note, "You asked to be told about this phrase.");
    let v = a.analyze(&caption("blinking in biology class"));
    assert!(
        v.findings.iter().all(|f| f.rule != "user.sponsorship"),
        "{v:?}"
    );
    // Literal, never a regex.
    let c =
        Config::from_value(&json!({"version": 1, "keywords": {"diagnostic": ["a.*b"]}})).unwrap();
    let v = Analyzer::new(&c).unwrap().analyze(&caption("a then b"));
    assert!(v.findings.iter().all(|f| f.rule != "user.diagnostic"));
}

#[test]
fn user_topic_keyword_marks_the_post_as_mental_health() {
    let c =
        Config::from_value(&json!({"version": 1, "keywords": {"topic": ["brain fog"]}})).unwrap();
    let v = Analyzer::new(&c)
        .unwrap()
        .analyze(&caption("brain fog again today"));
    assert!(v.mental_health);
    assert_eq!(v.topics[0].condition, "general");
    assert_eq!(v.level, Level::Info);
}

/// A rule, one of its examples, and a post made of it, for the tests below.
fn strong_caption_rule() -> (&'static rules::RuleInfo, Post) {
    let rule = rules::catalog()
        .iter()
        .find(|r| {
            r.category == Category::Diagnostic
                && r.strength == Strength::Strong
                && r.fields.contains(&check_source::post::Field::Caption)
                && !r.must_flag.is_empty()
        })
        .expect("a strong diagnostic rule");
    (rule, caption(&rule.must_flag[0]))
}

#[test]
fn disabled_rule_stops_flagging() {
    let (rule, post) = strong_caption_rule();
    let flagged = |a: &Analyzer| a.analyze(&post).findings.iter().any(|f| f.rule == rule.id);
    assert!(flagged(&Analyzer::default()));
    let c = Config::from_value(&json!({"version": 1, "disabled_rules": [rule.id]})).unwrap();
    assert!(!flagged(&Analyzer::new(&c).unwrap()));
}

#[test]
fn ignored_phrase_suppresses_overlapping_findings_only() {
    let (rule, post) = strong_caption_rule();
    let v = Analyzer::default().analyze(&post);
    let f = v.findings.iter().find(|f| f.rule == rule.id).unwrap();
    let c = Config::from_value(&json!({"version": 1, "ignored_phrases": [f.text]})).unwrap();
    let v = Analyzer::new(&c).unwrap().analyze(&post);
    assert!(v.findings.iter().all(|x| x.rule != rule.id), "{v:?}");
    // An ignored phrase elsewhere changes nothing.
    let c =
        Config::from_value(&json!({"version": 1, "ignored_phrases": ["signs of spring"]})).unwrap();
    let v = Analyzer::new(&c).unwrap().analyze(&post);
    assert!(v.findings.iter().any(|x| x.rule == rule.id));
}

#[test]
fn sensitivity_changes_which_rules_run() {
    let find = |strength: Strength| {
        rules::catalog().iter().find(|r| {
            r.strength == strength
                && r.fields.contains(&check_source::post::Field::Caption)
                && !matches!(
                    r.category,
                    Category::Topic | Category::Credential | Category::NonClinicalTitle
                )
        })
    };
    let with = |s: &str| {
        Analyzer::new(&Config::from_value(&json!({"version": 1, "sensitivity": s})).unwrap())
            .unwrap()
    };
    let flags = |a: &Analyzer, r: &rules::RuleInfo| {
        r.must_flag.iter().any(|e| {
            a.analyze(&caption(e))
                .findings
                .iter()
                .any(|f| f.rule == r.id)
        })
    };
    let normal = find(Strength::Normal).expect("a normal-strength caption rule");
    assert!(flags(&with("normal"), normal), "{}", normal.id);
    assert!(!flags(&with("low"), normal), "{} ran at low", normal.id);
    if let Some(weak) = find(Strength::Weak) {
        assert!(flags(&with("high"), weak), "{}", weak.id);
        assert!(!flags(&with("normal"), weak), "{} ran at normal", weak.id);
    }
}

#[test]
fn low_sensitivity_turns_caution_into_info() {
    // A sponsored mental-health post with no claims is caution at normal, info at low.
    let c =
        json!({"version": 1, "keywords": {"sponsorship": ["zz sponsor"], "topic": ["zz topic"]}});
    let post = caption("zz topic and zz sponsor");
    let normal = Analyzer::new(&Config::from_value(&c).unwrap())
        .unwrap()
        .analyze(&post);
    assert_eq!(normal.level, Level::Caution, "{normal:?}");
    let mut c = c;
    c["sensitivity"] = json!("low");
    let low = Analyzer::new(&Config::from_value(&c).unwrap())
        .unwrap()
        .analyze(&post);
    assert_eq!(low.level, Level::Info);
}

#[test]
fn building_with_500_keywords_is_fast() {
    let many: Vec<String> = (0..500)
        .map(|i| format!("custom phrase number {i}"))
        .collect();
    let c = Config::from_value(&json!({"version": 1, "keywords": {"diagnostic": many}})).unwrap();
    let _ = Analyzer::default(); // warm the shared catalogue
    let start = std::time::Instant::now();
    let a = Analyzer::new(&c).unwrap();
    let took = start.elapsed();
    eprintln!("Analyzer::new with 500 keywords: {took:?}");
    let v = a.analyze(&caption("and custom phrase number 499 here"));
    assert!(v.findings.iter().any(|f| f.rule == "user.diagnostic"));
}

#[test]
fn user_keywords_read_the_fields_of_their_category() {
    use check_source::post::{Author, Field};
    let c = Config::from_value(&json!({"version": 1, "keywords": {
        "topic": ["zz topic"], "sponsorship": ["zz sponsor"], "credential": ["ZZ Cert"]}}))
    .unwrap();
    let a = Analyzer::new(&c).unwrap();
    let everywhere = "zz topic zz sponsor ZZ Cert";
    let v = a.analyze(&Post {
        caption: everywhere.into(),
        author: Author {
            handle: None,
            name: Some(everywhere.into()),
            bio: Some(everywhere.into()),
        },
        labels: vec![everywhere.into()],
        ..Post::default()
    });
    // Topics only in the caption (a label has no place for a topic mention).
    assert!(v.topics.iter().all(|t| t.field == Field::Caption), "{v:?}");
    assert_eq!(v.topics.len(), 1);
    // Sponsorship in the caption and the labels.
    let spon: Vec<Field> = v
        .findings
        .iter()
        .filter(|f| f.rule == "user.sponsorship")
        .map(|f| f.field)
        .collect();
    assert_eq!(spon, [Field::Caption, Field::Label]);
    // Credentials in the profile, once, as a title nothing can check.
    assert_eq!(v.credentials.len(), 1, "{v:?}");
    assert_eq!(v.credentials[0].id, "user.credential");
    assert_eq!(v.credentials[0].field, Field::Name);
    assert_eq!(
        v.credential_status,
        check_source::verdict::CredentialStatus::ClaimedUnverified
    );
}
