//! Reads the catalogue `build.rs` encodes (`write_catalog`, `write_examples`): the same order,
//! the same primitives. Numbers are unsigned LEB128; a string is its byte length then its UTF-8
//! bytes; a list is its length then its items; an optional value is a 0 or 1 byte then the value;
//! a closed name (category, strength, field, text kind, credential status) is an index into a
//! table of names the blob starts with, mapped here by name.
//!
//! Why by hand rather than serde: this is the whole parser the `.wasm` needs for its data (with
//! the macro expansion and the id index, ~11 KB of code before gzip, against serde_json's 51 KB
//! plus the derive code), and loading is faster (natively 3.3M instructions fewer than the JSON
//! parse). The blob is written by our own build script from data it validated, so a blob this
//! reader cannot follow is a bug in one of the two: it panics with what it expected, and the
//! crate's tests (which load the catalogue) catch it before anything ships.

use std::collections::BTreeMap;

use super::{
    Condition, ConditionTerm, CredentialInfo, CrisisLine, Link, PatternInfo, RuleInfo,
    SearchTemplate, Strength, TextKind, Translations,
};
use crate::post::Field;
use crate::verdict::{Category, CredentialStatus, VerifyLink};

/// The layout version `build.rs` writes first (`BLOB_VERSION`).
const VERSION: usize = 2;

/// A cursor over the blob.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        let mut r = Reader { bytes, at: 0 };
        let version = r.uint();
        assert_eq!(version, VERSION, "catalogue blob layout version");
        r
    }

    fn byte(&mut self) -> u8 {
        let b = *self
            .bytes
            .get(self.at)
            .expect("catalogue blob ends too early");
        self.at += 1;
        b
    }

    fn uint(&mut self) -> usize {
        let mut n = 0usize;
        let mut shift = 0;
        loop {
            let b = self.byte();
            n |= usize::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return n;
            }
            shift += 7;
        }
    }

    fn flag(&mut self) -> bool {
        match self.byte() {
            0 => false,
            1 => true,
            b => panic!("catalogue blob: {b} where a flag was expected"),
        }
    }

    fn str(&mut self) -> &'a str {
        let len = self.uint();
        let bytes = self
            .bytes
            .get(self.at..self.at + len)
            .expect("catalogue blob ends inside a string");
        self.at += len;
        std::str::from_utf8(bytes).expect("catalogue blob strings are UTF-8")
    }

    fn string(&mut self) -> String {
        self.str().to_string()
    }

    fn strings(&mut self) -> Vec<String> {
        (0..self.uint()).map(|_| self.string()).collect()
    }

    fn opt(&mut self) -> Option<String> {
        self.flag().then(|| self.string())
    }

    fn links(&mut self) -> Vec<(String, String)> {
        (0..self.uint())
            .map(|_| (self.string(), self.string()))
            .collect()
    }

    /// A table of names, each mapped to its value by `parse` (so the two sides agree by name).
    fn table<T>(&mut self, parse: impl Fn(&str) -> Option<T>) -> Vec<T> {
        (0..self.uint())
            .map(|_| {
                let name = self.str();
                parse(name).unwrap_or_else(|| panic!("catalogue blob: unknown name `{name}`"))
            })
            .collect()
    }

    /// An index into `table`.
    fn name<T: Copy>(&mut self, table: &[T]) -> T {
        table[self.uint()]
    }

    fn end(&self) {
        assert_eq!(
            self.at,
            self.bytes.len(),
            "catalogue blob has trailing bytes"
        );
    }
}

/// Everything `catalog.bin` holds, macros still unexpanded.
pub(super) struct Decoded {
    /// Every macro by name, `condition` included.
    pub macros: BTreeMap<String, String>,
    pub rules: Vec<RuleInfo>,
    pub condition_anchors: Vec<String>,
    pub condition_terms: Vec<ConditionTerm>,
    pub conditions: Vec<Condition>,
    pub crisis_lines: Vec<CrisisLine>,
    pub translations: BTreeMap<String, Translations>,
    /// Native tests: each rule's examples as `catalog.bin` keeps them (the `.wasm`'s `examples`).
    #[cfg(all(test, not(target_arch = "wasm32")))]
    pub shown: Vec<Vec<String>>,
}

fn strength(name: &str) -> Option<Strength> {
    Some(match name {
        "strong" => Strength::Strong,
        "normal" => Strength::Normal,
        "weak" => Strength::Weak,
        _ => return None,
    })
}

fn field(name: &str) -> Option<Field> {
    Some(match name {
        "caption" => Field::Caption,
        "name" => Field::Name,
        "handle" => Field::Handle,
        "bio" => Field::Bio,
        "label" => Field::Label,
        _ => return None,
    })
}

fn text_kind(name: &str) -> Option<TextKind> {
    Some(match name {
        "folded" => TextKind::Folded,
        "cased" => TextKind::Cased,
        _ => return None,
    })
}

fn status(name: &str) -> Option<CredentialStatus> {
    Some(match name {
        "none" => CredentialStatus::None,
        "non_clinical" => CredentialStatus::NonClinical,
        "claimed_unverified" => CredentialStatus::ClaimedUnverified,
        "licensed" => CredentialStatus::Licensed,
        _ => return None,
    })
}

/// Decodes `catalog.bin`. A rule's `examples` (wasm32) are the first must-flag texts the blob
/// keeps; natively they are skipped here and [`read_examples`] fills in all of them.
pub(super) fn read_catalog(bytes: &[u8]) -> Decoded {
    let mut r = Reader::new(bytes);
    let categories = r.table(crate::config::category_from_name);
    let strengths = r.table(strength);
    let fields = r.table(field);
    let texts = r.table(text_kind);
    let statuses = r.table(status);
    let macros = (0..r.uint()).map(|_| (r.string(), r.string())).collect();
    let condition_anchors = r.strings();
    let condition_terms = (0..r.uint())
        .map(|_| ConditionTerm {
            regex: r.string(),
            prefix: r.string(),
            marker: u8::try_from(r.uint()).expect("a marker is a byte"),
        })
        .collect();
    #[cfg(all(test, not(target_arch = "wasm32")))]
    let mut shown = Vec::new();
    let rules = (0..r.uint())
        .map(|_| {
            let id = r.string();
            let category: Category = r.name(&categories);
            let kind = r.string();
            let lang = r.string();
            let strength = r.name(&strengths);
            let rule_fields = (0..r.uint()).map(|_| r.name(&fields)).collect();
            let description = r.string();
            let note = r.string();
            #[cfg_attr(not(target_arch = "wasm32"), allow(unused_variables))]
            let examples = r.strings();
            #[cfg(all(test, not(target_arch = "wasm32")))]
            shown.push(examples);
            let patterns = (0..r.uint())
                .map(|_| PatternInfo {
                    text: r.name(&texts),
                    regex: r.string(),
                    anchors: r.strings(),
                    needs_company: r.flag(),
                    not_in_caps: r.flag(),
                    requires_condition: r.flag(),
                    masked: r.flag(),
                })
                .collect();
            let unless = r.opt();
            let unless_edges = r.flag();
            let window = r.uint();
            let credential = r.flag().then(|| CredentialInfo {
                id: r.string(),
                title: r.string(),
                kind: r.string(),
                status: r.name(&statuses),
                country: r.string(),
                board: r.string(),
                verify: r
                    .links()
                    .into_iter()
                    .map(|(label, url)| VerifyLink { label, url })
                    .collect(),
                search: r
                    .links()
                    .into_iter()
                    .map(|(label, url)| SearchTemplate { label, url })
                    .collect(),
            });
            let condition = r.opt();
            RuleInfo {
                id,
                category,
                kind,
                lang,
                strength,
                fields: rule_fields,
                description,
                note,
                #[cfg(target_arch = "wasm32")]
                examples,
                #[cfg(not(target_arch = "wasm32"))]
                must_flag: Vec::new(),
                #[cfg(not(target_arch = "wasm32"))]
                must_pass: Vec::new(),
                patterns,
                unless,
                unless_edges,
                window,
                credential,
                condition,
            }
        })
        .collect::<Vec<_>>();
    let conditions: Vec<Condition> = (0..r.uint())
        .map(|_| Condition {
            id: r.string(),
            name: r.string(),
            links: r
                .links()
                .into_iter()
                .map(|(label, url)| Link { label, url })
                .collect(),
        })
        .collect();
    let crisis_lines = (0..r.uint())
        .map(|_| CrisisLine {
            locale: r.string(),
            name: r.string(),
            number: r.string(),
            text: r.string(),
            url: r.string(),
        })
        .collect();
    let translations = (0..r.uint())
        .map(|_| {
            let lang = r.string();
            let notes = (0..r.uint())
                .map(|_| (rules[r.uint()].id.clone(), r.string()))
                .collect();
            let names = (0..r.uint())
                .map(|_| (conditions[r.uint()].id.clone(), r.string()))
                .collect();
            (
                lang,
                Translations {
                    notes,
                    conditions: names,
                },
            )
        })
        .collect();
    r.end();
    Decoded {
        macros,
        rules,
        condition_anchors,
        condition_terms,
        conditions,
        crisis_lines,
        translations,
        #[cfg(all(test, not(target_arch = "wasm32")))]
        shown,
    }
}

/// Fills every rule's `must_flag` and `must_pass` from `examples.bin` (native builds only).
#[cfg(not(target_arch = "wasm32"))]
pub(super) fn read_examples(bytes: &[u8], rules: &mut [RuleInfo]) {
    let mut r = Reader::new(bytes);
    assert_eq!(
        r.uint(),
        rules.len(),
        "examples.bin and catalog.bin disagree"
    );
    for rule in rules {
        rule.must_flag = r.strings();
        rule.must_pass = r.strings();
    }
    r.end();
}
