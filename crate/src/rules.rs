//! The shipped rule catalogue: every rule, condition, credential and crisis line, compiled by
//! `build.rs` from `rules/**/*.toml` and `data/*.toml` into a compact binary blob embedded in the
//! binary (`catalog.bin`, read by [`blob`]).
//!
//! Why compiled at build time: the data is validated once when the crate builds (a broken rule
//! stops the build with a message naming it), and the runtime only decodes a flat list, once per
//! process ([`OnceLock`]). Why binary and not JSON: no JSON parser in the `.wasm`, and less data
//! (build.rs says how much). Patterns are shipped as written, with `{condition}` and the other
//! macros unexpanded (the `{condition}` alternation alone was ~580 KB when copied into every
//! rule), and expanded here once, with the same code `build.rs` validated them with ([`expand`]).
//! The regexes themselves are compiled lazily by `matcher.rs`.
//!
//! Examples: the `.wasm` keeps only what the options page shows of them (each rule's first three
//! must-flag texts, [`RuleInfo::examples`]); native builds embed every must-flag and must-pass
//! text as well (`examples.bin`), for the tests that run them and `check-source rules`.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::Serialize;

use crate::post::Field;
use crate::verdict::{Category, CredentialStatus, VerifyLink};

mod blob;
mod expand;

static CATALOG_BLOB: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/catalog.bin"));
#[cfg(not(target_arch = "wasm32"))]
static EXAMPLES_BLOB: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/examples.bin"));

/// How sure a rule is; the configured sensitivity decides which strengths run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Strength {
    /// Runs at every sensitivity.
    Strong,
    /// Runs at `normal` and `high` (the default).
    Normal,
    /// Runs only at `high`.
    Weak,
}

/// Which normalised form of a field a pattern reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TextKind {
    /// Lowercase, accents removed, leetspeak undone, look-alikes mapped, hashtags split.
    Folded,
    /// NFKC only, case kept: for case-sensitive post-nominals such as `LCSW`, `MD`, `DO`.
    Cased,
}

/// One regex of a rule with the literals that must occur for it to match.
#[derive(Debug, Clone)]
pub struct PatternInfo {
    /// Which text the regex runs on.
    pub text: TextKind,
    /// The regex (macros expanded when the catalogue loads). A group named `m`, when present, is
    /// the reported span.
    pub regex: String,
    /// Literal substrings, at least one of which occurs in every text the regex can match.
    pub anchors: Vec<String>,
    /// Counts only when the same field has another finding or topic (ambiguous condition terms).
    pub needs_company: bool,
    /// Dropped when the text around the match has no lowercase letter (an all-caps caption, where
    /// "ADD" or "DID" are ordinary words).
    pub not_in_caps: bool,
    /// Every match contains a `{condition}` term: the regex only needs to run when a condition
    /// anchor occurs too.
    pub requires_condition: bool,
    /// The pattern or its rule's `unless` uses `{condition}`: both run on the field's masked text
    /// (`matcher::mask_conditions`), where the placeholder matches a masked term.
    pub masked: bool,
}

/// One `{condition}` term: build.rs replaces `{condition}` in the patterns by a placeholder that
/// matches a masked term, and the matcher masks every occurrence of these terms in a field.
#[derive(Debug, Clone)]
pub struct ConditionTerm {
    /// The term as written in `data/conditions.toml` (a regex fragment on the folded text).
    pub regex: String,
    /// Literal characters every match of the term starts with.
    pub prefix: String,
    /// The control byte its occurrences are masked with (one per set of term languages).
    pub marker: u8,
}

/// A public page: a reading link for a condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// What the link is.
    pub label: String,
    /// Where it goes; opened only when the person clicks.
    pub url: String,
}

/// What a credential rule stands for, copied into each `CredentialFinding`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CredentialInfo {
    /// Credential id, e.g. `us.lcsw`.
    pub id: String,
    /// Full title.
    pub title: String,
    /// `licence`, `supervised`, `registration`, `certification`, `association`, `degree`,
    /// `title` or `non_clinical`.
    pub kind: String,
    /// What it counts as.
    pub status: CredentialStatus,
    /// ISO country code or "".
    pub country: String,
    /// The board or ethics code; "" when none.
    pub board: String,
    /// Public look-ups.
    pub verify: Vec<VerifyLink>,
    /// Register searches that take a person's name (`data/credentials.toml` `[[search]]`): the
    /// engine fills them in from the display name and puts them first in a finding's `verify`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub search: Vec<SearchTemplate>,
}

/// A register's own search address that accepts a name in the URL, e.g. the NPI Registry API.
/// `url` holds `{first}` and `{last}` exactly once each (checked by `build.rs` and a test);
/// `label` may name them too. Filled in by [`crate::lookup`], never fetched by the engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchTemplate {
    /// What the filled-in link says, e.g. "NPI Registry: search for {first} {last} …".
    pub label: String,
    /// The https address with `{first}` and `{last}`.
    pub url: String,
}

/// One rule as the command line, the options page and the tests see it.
///
/// Serialises to the public fields only; how it matches stays inside the engine.
#[derive(Debug, Clone, Serialize)]
pub struct RuleInfo {
    /// `<lang>.<short category>.<slug>`, `cred.<credential id>` or `topic.<condition id>`.
    pub id: String,
    /// Broad category.
    pub category: Category,
    /// Finer sub-type (for a credential, its kind; for a topic, the condition id).
    pub kind: String,
    /// `en`, `es`, `pt`, `de`, `fr` or `any`.
    pub lang: String,
    /// Which sensitivities run it.
    pub strength: Strength,
    /// Which texts of a post it reads.
    pub fields: Vec<Field>,
    /// What it looks for.
    pub description: String,
    /// What the panel says about a finding from it.
    pub note: String,
    /// Texts that must produce a finding from this rule (a test runs them). Native builds only:
    /// the `.wasm` ships [`RuleInfo::examples`] instead.
    #[cfg(not(target_arch = "wasm32"))]
    pub must_flag: Vec<String>,
    /// Texts that must not (native builds only, like `must_flag`).
    #[cfg(not(target_arch = "wasm32"))]
    pub must_pass: Vec<String>,
    /// In the `.wasm`: the first three `must_flag` texts, which the options page lists under the
    /// rule; the rest and `must_pass` are for tests, so they stay out of the shipped module.
    #[cfg(target_arch = "wasm32")]
    pub examples: Vec<String>,
    /// The regexes (one for most rules; credentials and conditions may have a cased and a folded one).
    #[serde(skip_serializing)]
    pub patterns: Vec<PatternInfo>,
    /// Drops a match when this matches near it.
    #[serde(skip_serializing)]
    pub unless: Option<String>,
    /// `unless` uses `^`/`$`, so it is also tried on the text right before and after the match.
    #[serde(skip_serializing)]
    pub unless_edges: bool,
    /// Characters either side of a match that `unless` reads.
    #[serde(skip_serializing)]
    pub window: usize,
    /// For credential rules, what the credential means.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<CredentialInfo>,
    /// For topic rules built from a condition, the condition id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
}

/// A condition the engine recognises, with reading links for the panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Condition {
    /// e.g. `adhd`.
    pub id: String,
    /// e.g. "ADHD".
    pub name: String,
    /// Trustworthy reading (health services, charities).
    pub links: Vec<Link>,
}

/// A crisis line the support badge can show, chosen by the browser's locale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CrisisLine {
    /// BCP 47 locale or region, e.g. `en-US`.
    pub locale: String,
    /// Service name.
    pub name: String,
    /// Phone number as dialled.
    pub number: String,
    /// Text-line instructions, or "".
    pub text: String,
    /// Website, or "".
    pub url: String,
}

/// The engine's explanatory text in one language other than English, from
/// `data/translations/<lang>.toml`: the panel and the options page's tester show these instead of
/// the English `note` and `name`, so everything a person reads follows their browser's language.
///
/// Empty maps mean "use the engine's own (English) text"; build.rs guarantees that a language
/// that has a file has an entry for every rule of `rules/` and every condition.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Translations {
    /// Rule id → note, for the rules of `rules/` and the non-clinical titles: the findings the
    /// panel and the tester show with their note (topic and clinical-credential rules keep theirs).
    pub notes: BTreeMap<String, String>,
    /// Condition id → display name.
    pub conditions: BTreeMap<String, String>,
}

struct Catalog {
    blob: blob::Decoded,
    by_id: HashMap<String, usize>,
}

fn data() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        // build.rs wrote the blob in the order `blob` reads it; a disagreement panics there,
        // which the crate's own tests catch before anything ships.
        let mut blob = blob::read_catalog(CATALOG_BLOB);
        #[cfg(not(target_arch = "wasm32"))]
        blob::read_examples(EXAMPLES_BLOB, &mut blob.rules);
        expand_patterns(&mut blob);
        let by_id = blob
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        Catalog { blob, by_id }
    })
}

/// Expands the macros of every pattern and `unless` in place. `build.rs` expanded each one with
/// the same function and stopped the build on any error, so none fails here; were one to, it is
/// kept as written, does not compile as a regex, never matches, and the test that compiles every
/// shipped regex names it.
fn expand_patterns(blob: &mut blob::Decoded) {
    let macros = std::mem::take(&mut blob.macros);
    let expanded = |s: &mut String| {
        if s.contains('{') {
            if let Ok(e) = expand::expand(s, &macros) {
                *s = e;
            }
        }
    };
    for r in &mut blob.rules {
        for p in &mut r.patterns {
            expanded(&mut p.regex);
        }
        if let Some(u) = &mut r.unless {
            expanded(u);
        }
    }
}

/// Every shipped rule, in a fixed order (files sorted by path, then conditions, then credentials).
pub fn catalog() -> &'static [RuleInfo] {
    &data().blob.rules
}

/// The index of a rule in [`catalog`], for configuration (`disabled_rules`).
pub fn rule_index(id: &str) -> Option<usize> {
    data().by_id.get(id).copied()
}

/// Literals of which every `{condition}` term contains one.
pub fn condition_anchors() -> &'static [String] {
    &data().blob.condition_anchors
}

/// Every `{condition}` term, for the matcher's masking pass.
pub fn condition_terms() -> &'static [ConditionTerm] {
    &data().blob.condition_terms
}

/// The conditions with their reading links, for the panel.
pub fn conditions() -> &'static [Condition] {
    &data().blob.conditions
}

/// Crisis lines for the support badge.
pub fn crisis_lines() -> &'static [CrisisLine] {
    &data().blob.crisis_lines
}

/// The crisis lines to show for a browser locale (`en-US`, `pt_BR`, `fr`): the lines of that
/// exact locale, else of the language's home region (`fr` → `fr-FR`), else of the first region
/// listed for the language, else the international fallback (`*`). Never empty while the data
/// has a `*` line, so a support badge always has somewhere to point.
pub fn crisis_lines_for(locale: &str) -> Vec<&'static CrisisLine> {
    let wanted = locale.trim().replace('_', "-").to_ascii_lowercase();
    let lang = wanted.split('-').next().unwrap_or("").to_string();
    let lines = crisis_lines();
    let of = |loc: &str| -> Vec<&'static CrisisLine> {
        lines
            .iter()
            .filter(|l| l.locale.eq_ignore_ascii_case(loc))
            .collect()
    };
    let home = format!("{lang}-{lang}");
    let first_of_lang = lines
        .iter()
        .find(|l| {
            l.locale
                .to_ascii_lowercase()
                .split('-')
                .next()
                .is_some_and(|x| !lang.is_empty() && x == lang)
        })
        .map(|l| l.locale.clone())
        .unwrap_or_default();
    for candidate in [wanted.as_str(), home.as_str(), first_of_lang.as_str()] {
        if candidate.is_empty() {
            continue;
        }
        let found = of(candidate);
        if !found.is_empty() {
            return found;
        }
    }
    of("*")
}

/// The notes and condition names for a language tag (`es`, `es-419`, `ES_es`: only the first
/// subtag counts). English, a language without a translation file, or garbage get empty maps,
/// which tell the caller to keep the engine's English text.
pub fn translations(lang: &str) -> Translations {
    let primary = lang
        .trim()
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    data()
        .blob
        .translations
        .get(&primary)
        .cloned()
        .unwrap_or_default()
}

/// Every credential the engine reads, with its meaning and look-ups.
pub fn credentials() -> impl Iterator<Item = &'static CredentialInfo> {
    catalog().iter().filter_map(|r| r.credential.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crisis_lines_follow_locale_then_language_then_fallback() {
        let first = |loc: &str| crisis_lines_for(loc)[0].number.clone();
        assert_eq!(first("en-US"), "988");
        assert_eq!(first("en_GB"), "116 123");
        assert_eq!(crisis_lines_for("fr")[0].locale, "fr-FR");
        assert_eq!(crisis_lines_for("de")[0].locale, "de-DE");
        // A region we have no line for falls back to the language's first line.
        assert_eq!(crisis_lines_for("en-ZA")[0].locale, "en-US");
        // A language we have no line for, or garbage, gets the international fallback.
        for odd in ["ja-JP", "", "<img src=x>", "x-y-z"] {
            let lines = crisis_lines_for(odd);
            assert!(!lines.is_empty(), "{odd:?}");
            assert!(lines.iter().all(|l| l.locale == "*"), "{odd:?}");
        }
    }

    #[test]
    fn spanish_translates_every_written_rule_note_and_every_condition() {
        let es = translations("es");
        let written: Vec<&RuleInfo> = catalog()
            .iter()
            .filter(|r| {
                r.condition.is_none()
                    && (r.credential.is_none() || r.category == Category::NonClinicalTitle)
            })
            .collect();
        assert!(written.iter().any(|r| r.id == "cred.nc.coach"));
        assert!(!written.is_empty());
        for r in &written {
            let note = es.notes.get(&r.id);
            assert!(note.is_some_and(|n| !n.trim().is_empty()), "{}", r.id);
        }
        assert_eq!(es.notes.len(), written.len());
        for c in conditions() {
            assert!(
                es.conditions
                    .get(&c.id)
                    .is_some_and(|n| !n.trim().is_empty()),
                "{}",
                c.id
            );
        }
        assert_eq!(es.conditions.len(), conditions().len());
        assert_eq!(es.conditions["adhd"], "TDAH");
        // Rules that share an English note share its Spanish one.
        let general = |id: &str| es.notes[id].clone();
        assert_eq!(
            general("en.topic.mental-health"),
            general("es.topic.salud-mental")
        );
        assert_ne!(
            es.notes["en.topic.mental-health"],
            catalog()[rule_index("en.topic.mental-health").unwrap()].note
        );
    }

    #[test]
    fn translations_read_the_first_subtag_and_default_to_empty() {
        assert_eq!(translations("es-419"), translations("es"));
        assert_eq!(translations("ES_es"), translations("es"));
        for none in ["en", "en-US", "ja", "", "-es", "<es>"] {
            assert_eq!(translations(none), Translations::default(), "{none:?}");
        }
    }

    #[test]
    fn embedded_catalogue_loads_and_ids_are_unique() {
        let rules = catalog();
        assert_eq!(data().by_id.len(), rules.len(), "duplicate rule ids");
        for (i, r) in rules.iter().enumerate() {
            assert_eq!(rule_index(&r.id), Some(i));
            assert!(!r.patterns.is_empty(), "{} has no pattern", r.id);
            assert!(r.window > 0, "{}", r.id);
            for p in &r.patterns {
                assert!(
                    !p.anchors.is_empty(),
                    "{} has a pattern without anchors",
                    r.id
                );
            }
        }
    }

    #[test]
    fn condition_placeholder_per_language_takes_neutral_terms_everywhere() {
        // `{condition_<lang>}` accepts the marker of the language-neutral terms and the markers of
        // that language's terms, no other: a Spanish rule does not read "time blindness".
        let marker = |term: &str| -> String {
            let t = condition_terms()
                .iter()
                .find(|t| t.regex == term)
                .unwrap_or_else(|| panic!("term {term}"));
            format!("\\x{:02X}", t.marker)
        };
        let (neutral, en, es) = (
            marker("adhders?"),
            marker("time blindness"),
            marker("ansiedad"),
        );
        assert!(neutral != en && en != es && neutral != es);
        let with_condition = |lang: &str| -> Vec<&RuleInfo> {
            catalog()
                .iter()
                .filter(|r| r.lang == lang && r.patterns.iter().any(|p| p.requires_condition))
                .collect()
        };
        let has = |r: &RuleInfo, m: &str| r.patterns.iter().any(|p| p.regex.contains(m));
        let (en_rules, es_rules) = (with_condition("en"), with_condition("es"));
        assert!(!en_rules.is_empty() && !es_rules.is_empty());
        for r in &en_rules {
            assert!(r.patterns.iter().all(|p| p.masked), "{}", r.id);
            assert!(has(r, &neutral) && has(r, &en) && !has(r, &es), "{}", r.id);
        }
        for r in &es_rules {
            assert!(has(r, &neutral) && has(r, &es) && !has(r, &en), "{}", r.id);
            assert!(!has(r, "{condition"), "{} left a macro unexpanded", r.id);
        }
        // Topic rules (lang `any`) read every term of their condition, unmasked.
        let anxiety = &catalog()[rule_index("topic.anxiety").expect("topic.anxiety")];
        assert!(has(anxiety, "ansiedade") && has(anxiety, "anxiety"));
        assert!(anxiety.patterns.iter().all(|p| !p.masked));
    }

    /// What the `.wasm` keeps of the examples is what the options page shows: the first three
    /// must-flag texts of each rule (conditions may have none).
    #[test]
    fn the_catalogue_blob_keeps_the_first_three_must_flag_examples() {
        let decoded = blob::read_catalog(CATALOG_BLOB);
        assert_eq!(decoded.shown.len(), catalog().len());
        for (rule, shown) in catalog().iter().zip(&decoded.shown) {
            let n = rule.must_flag.len().min(3);
            assert_eq!(shown[..], rule.must_flag[..n], "{}", rule.id);
        }
        assert!(catalog().iter().any(|r| r.must_flag.len() > 3));
        assert!(catalog().iter().any(|r| !r.must_pass.is_empty()));
    }

    #[test]
    fn rule_info_serialises_public_fields_only() {
        let Some(rule) = catalog().first() else {
            return;
        };
        let v = serde_json::to_value(rule).unwrap();
        for key in [
            "id",
            "category",
            "kind",
            "lang",
            "strength",
            "fields",
            "description",
            "note",
        ] {
            assert!(v.get(key).is_some(), "missing {key}");
        }
        assert!(v.get("patterns").is_none());
        assert!(v.get("unless").is_none());
    }

    #[test]
    fn credential_and_topic_rules_carry_their_metadata() {
        for r in catalog() {
            match r.category {
                Category::Credential | Category::NonClinicalTitle if r.id.starts_with("cred.") => {
                    let c = r.credential.as_ref().expect("credential metadata");
                    assert_eq!(r.id, format!("cred.{}", c.id));
                    assert_eq!(
                        c.status == CredentialStatus::NonClinical,
                        r.category == Category::NonClinicalTitle,
                        "{}",
                        r.id
                    );
                }
                Category::Topic if r.id.starts_with("topic.") => {
                    let c = r.condition.as_deref().expect("condition id");
                    assert!(conditions().iter().any(|x| x.id == c), "{}", r.id);
                }
                _ => {}
            }
        }
    }
}
