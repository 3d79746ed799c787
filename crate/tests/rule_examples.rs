//! Every rule carries examples that must flag and examples that must not; this runs all of them
//! (at sensitivity `high`, where every rule runs) and lists every failure with its rule id, so a
//! data author sees the whole picture at once.

use check_source::analyzer::Analyzer;
use check_source::config::{Config, Sensitivity};
use check_source::post::{Author, Field, Post};
use check_source::rules::{self, RuleInfo};
use check_source::verdict::{Category, Verdict};

fn high() -> Analyzer {
    Analyzer::new(&Config {
        sensitivity: Sensitivity::High,
        ..Config::default()
    })
    .expect("valid config")
}

/// The example as a post with the text in `field`.
fn post_with(field: Field, text: &str) -> Post {
    let mut post = Post::default();
    match field {
        Field::Caption => post.caption = text.into(),
        Field::Name => post.author.name = Some(text.into()),
        Field::Handle => post.author.handle = Some(text.into()),
        Field::Bio => post.author.bio = Some(text.into()),
        Field::Label => post.labels = vec![text.into()],
    }
    post
}

/// Whether `rule` matched in the post: a finding of its own, or a match that a longer finding of
/// the same category covers (the verdict keeps one of overlapping findings; the rule still fired).
fn fired(analyzer: &Analyzer, rule: &RuleInfo, post: &Post) -> bool {
    match rule.category {
        Category::Topic | Category::Credential | Category::NonClinicalTitle => {
            produced_by(rule, &analyzer.analyze(post))
        }
        _ => analyzer.matches(post).iter().any(|m| m.rule == rule.id),
    }
}

/// Whether the verdict shows something produced by `rule`.
fn produced_by(rule: &RuleInfo, v: &Verdict) -> bool {
    match rule.category {
        Category::Topic => {
            let condition = rule.condition.clone().unwrap_or_else(|| {
                if rules::conditions().iter().any(|c| c.id == rule.kind) {
                    rule.kind.clone()
                } else {
                    "general".into()
                }
            });
            v.topics.iter().any(|t| t.condition == condition)
        }
        Category::Credential | Category::NonClinicalTitle => {
            let id = rule
                .credential
                .as_ref()
                .map_or(rule.id.as_str(), |c| c.id.as_str());
            v.credentials.iter().any(|c| c.id == id)
        }
        _ => v.findings.iter().any(|f| f.rule == rule.id),
    }
}

/// Fields an example is tried in: every field the rule reads, except the handle for
/// multi-word examples (handles have no spaces).
fn example_fields(rule: &RuleInfo, example: &str) -> Vec<Field> {
    rule.fields
        .iter()
        .copied()
        .filter(|f| *f != Field::Handle || !example.contains(' ') || rule.fields.len() == 1)
        .collect()
}

#[test]
fn every_rule_flags_its_must_flag_and_passes_its_must_pass() {
    let analyzer = high();
    let mut failures = Vec::new();
    let mut checked = 0;
    for rule in rules::catalog() {
        for example in &rule.must_flag {
            checked += 1;
            let fields = example_fields(rule, example);
            let flagged = fields
                .iter()
                .any(|f| fired(&analyzer, rule, &post_with(*f, example)));
            if !flagged {
                let v = analyzer.analyze(&post_with(fields[0], example));
                let got: Vec<&str> = v.findings.iter().map(|f| f.rule.as_str()).collect();
                failures.push(format!(
                    "{}: must flag {example:?} (in {:?}); got findings {got:?}",
                    rule.id, fields[0]
                ));
            }
        }
        for example in &rule.must_pass {
            checked += 1;
            for f in example_fields(rule, example) {
                if fired(&analyzer, rule, &post_with(f, example)) {
                    failures.push(format!("{}: must pass {example:?} (in {f:?})", rule.id));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} rule examples failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn credential_examples_read_as_name_or_bio() {
    let analyzer = high();
    let mut failures = Vec::new();
    for rule in rules::catalog() {
        let Some(cred) = &rule.credential else {
            continue;
        };
        for example in &rule.must_flag {
            let found = [Field::Name, Field::Bio].iter().any(|f| {
                analyzer
                    .analyze(&post_with(*f, example))
                    .credentials
                    .iter()
                    .any(|c| c.id == cred.id && c.status == cred.status)
            });
            if !found {
                failures.push(format!(
                    "{}: {example:?} does not read as {}",
                    rule.id, cred.id
                ));
            }
        }
        for example in &rule.must_pass {
            for f in [Field::Name, Field::Bio] {
                let v = analyzer.analyze(&post_with(f, example));
                if v.credentials.iter().any(|c| c.id == cred.id) {
                    failures.push(format!(
                        "{}: {example:?} in {f:?} must not read as {}",
                        rule.id, cred.id
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The anchor pass must never lose a match: on every example, the fast analyzer and the naive
/// one (every regex tried on every text) give the same verdict. A difference means a rule's
/// anchors miss something its pattern matches.
#[test]
fn anchors_are_complete_on_every_example() {
    let analyzer = high();
    let mut failures = Vec::new();
    for rule in rules::catalog() {
        for example in rule.must_flag.iter().chain(&rule.must_pass) {
            for f in &rule.fields {
                let post = post_with(*f, example);
                let fast = analyzer.analyze(&post);
                let naive = analyzer.analyze_naive(&post);
                if fast != naive {
                    failures.push(format!(
                        "{}: {example:?} in {f:?}: anchors miss {:?}",
                        rule.id,
                        naive
                            .findings
                            .iter()
                            .filter(|n| !fast.findings.contains(n))
                            .map(|n| n.rule.as_str())
                            .collect::<Vec<_>>()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn profile_rules_read_profile_fields_only() {
    // A credential in the caption is not the creator's credential.
    let v = high().analyze(&Post {
        caption: "Dee Lawson, LCSW".into(),
        author: Author::default(),
        ..Post::default()
    });
    assert!(v.credentials.is_empty(), "{v:?}");
}
