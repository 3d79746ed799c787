//! Compiles the rule data (`rules/**/*.toml`, `data/*.toml`) into a compact binary catalogue
//! embedded in the library (`$OUT_DIR/catalog.bin`, read by `src/rules/blob.rs`), plus every
//! rule's examples for the native build and its tests (`$OUT_DIR/examples.bin`).
//!
//! Why at build time: the rules are data written by people, so every mistake (unknown or missing
//! field, bad value, duplicate id, a rule without anchors, an unknown `{macro}`) must stop the build
//! with a message naming the file and the rule, instead of shipping a rule that silently never
//! matches. Macros and `{condition}` are expanded here, credentials and conditions become ordinary
//! rules, so the runtime only reads one flat list.
//!
//! Why a binary blob and not JSON: the catalogue ships inside the `.wasm`, whose size the issue
//! caps; JSON needed serde_json's parser in the `.wasm` and its keys and quoting in the data
//! (80.5 KB gzip against 69.9 KB for this format, where strings are length-prefixed and names of
//! categories and strengths are indices into tables written once; `static` Rust structs of
//! `&str` would cost more, their pointer tables alone ~24 KB gzip). Only what the engine and the
//! options page use at run time goes into `catalog.bin`: of a rule's examples, the first three
//! texts that must flag (what the options page lists); all of them, and the texts that must
//! pass, go to `examples.bin`, which only the native build (tests, `check-source rules`) embeds.
//!
//! `CHECK_SOURCE_DATA_ROOT` (a folder holding `rules/` and `data/`) compiles another rule set;
//! it exists to try the validator on deliberately broken data by hand.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[path = "src/rules/expand.rs"]
mod expand;
use expand::{expand, is_macro_name};

const CATEGORIES: &[&str] = &[
    "diagnostic",
    "lived_experience",
    "treatment_claim",
    "certainty",
    "sponsorship",
    "self_promotion",
    "crisis",
    "credential",
    "non_clinical_title",
    "topic",
];
const STRENGTHS: &[&str] = &["strong", "normal", "weak"];
const FIELDS: &[&str] = &["caption", "name", "handle", "bio", "label"];
const TEXTS: &[&str] = &["folded", "cased"];
const LANGS: &[&str] = &["en", "es", "pt", "de", "fr", "any"];
const CREDENTIAL_KINDS: &[&str] = &[
    "licence",
    "supervised",
    "registration",
    "certification",
    "association",
    "degree",
    "title",
    "non_clinical",
];
const CREDENTIAL_STATUSES: &[&str] = &["licensed", "claimed_unverified", "non_clinical"];
const DEFAULT_WINDOW: u32 = 60;
const MAX_WINDOW: u32 = 400;

// ---------------------------------------------------------------------------------------------
// Input formats (TOML). `deny_unknown_fields` turns a typo into a build error.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleToml {
    id: String,
    category: String,
    kind: String,
    lang: String,
    #[serde(default)]
    strength: Option<String>,
    #[serde(default)]
    fields: Option<Vec<String>>,
    #[serde(default)]
    text: Option<String>,
    anchors: Vec<String>,
    pattern: String,
    #[serde(default)]
    unless: Option<String>,
    #[serde(default)]
    window: Option<u32>,
    description: String,
    note: String,
    must_flag: Vec<String>,
    #[serde(default)]
    must_pass: Vec<String>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct Link {
    label: String,
    url: String,
}

/// A credential's public look-up; `search` names a `[[search]]` template that prefills it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VerifyToml {
    label: String,
    url: String,
    #[serde(default)]
    search: Option<String>,
}

/// `[[search]]` in `credentials.toml`: a register search address that takes a person's name.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchToml {
    id: String,
    label: String,
    url: String,
}

/// A search template as the engine reads it (`{first}` and `{last}` filled in at run time).
#[derive(Clone)]
struct SearchOut {
    label: String,
    url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialToml {
    id: String,
    title: String,
    kind: String,
    status: String,
    country: String,
    board: String,
    #[serde(default)]
    verify: Vec<VerifyToml>,
    #[serde(default)]
    tokens: Vec<String>,
    #[serde(default)]
    phrases: Vec<String>,
    #[serde(default)]
    unless: Option<String>,
    #[serde(default)]
    window: Option<u32>,
    #[serde(default)]
    note: Option<String>,
    must_flag: Vec<String>,
    #[serde(default)]
    must_pass: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConditionToml {
    id: String,
    name: String,
    terms: Vec<String>,
    #[serde(default)]
    ambiguous_terms: Vec<String>,
    /// Terms that belong to one language (by language code); unlisted terms are neutral.
    #[serde(default)]
    term_langs: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    unless: Option<String>,
    #[serde(default)]
    window: Option<u32>,
    #[serde(default)]
    links: Vec<Link>,
    #[serde(default)]
    must_flag: Vec<String>,
    #[serde(default)]
    must_pass: Vec<String>,
}

/// `data/translations/<lang>.toml`: a language's text for the rules' notes and the conditions'
/// names, so the panel can speak the person's language without JavaScript inventing any text.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TranslationToml {
    /// Condition id → display name.
    #[serde(default)]
    condition: BTreeMap<String, String>,
    /// One entry per distinct English `note` of `rules/**/*.toml` and of the non-clinical titles.
    #[serde(default)]
    note: Vec<NoteToml>,
}

/// `[[note]]`: the exact English note a rule carries and its translation (the file's language is
/// the one other key; `read_translations` rejects any other).
#[derive(Deserialize)]
struct NoteToml {
    en: String,
    #[serde(flatten)]
    text: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CrisisLine {
    locale: String,
    name: String,
    number: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    url: String,
}

// ---------------------------------------------------------------------------------------------
// Output: what `write_catalog` and `write_examples` encode, mirrored by `src/rules.rs`.

struct Out {
    /// Every macro, `condition` included, unexpanded: patterns and `unless` are shipped as
    /// written and expanded once when the catalogue loads (`src/rules/expand.rs`, the same code
    /// that validated them here), so the `{condition}` alternation is stored once, not per rule.
    macros: BTreeMap<String, String>,
    rules: Vec<RuleOut>,
    /// Anchors of every `{condition}` term (see `requires_condition`).
    condition_anchors: Vec<String>,
    /// Every `{condition}` term, for the matcher's term pass (see [`condition_placeholders`]).
    condition_terms: Vec<ConditionTermOut>,
    conditions: Vec<ConditionOut>,
    crisis_lines: Vec<CrisisLine>,
    /// Language code → that language's notes (by rule id) and condition names (by condition id).
    translations: BTreeMap<String, TranslationOut>,
}

/// One language's text, mirrored by `rules::Translations`.
struct TranslationOut {
    /// Rule id → note, for every rule of `rules/**/*.toml` and every non-clinical title.
    notes: BTreeMap<String, String>,
    /// Condition id → display name, for every condition.
    conditions: BTreeMap<String, String>,
}

struct PatternOut {
    text: String,
    regex: String,
    anchors: Vec<String>,
    /// Counts only when the same field has another finding or topic (ambiguous terms).
    needs_company: bool,
    /// Dropped when the text around it has no lowercase letter (an all-caps caption).
    not_in_caps: bool,
    /// Every match contains a `{condition}` term, so the matcher can skip the regex when no
    /// condition anchor occurs either.
    requires_condition: bool,
    /// The pattern or its rule's `unless` uses `{condition}`: both run on the masked text.
    masked: bool,
}

/// One `{condition}` term as the matcher finds it: `prefix` (the literal letters every match
/// starts with) found by the Aho-Corasick pass, then `regex` tried anchored there; an occurrence
/// is masked with `marker`, the byte of the set of languages the term belongs to.
/// Written as a `[regex, prefix, marker]` array: 234 of them, keys would be a third of the bytes.
struct ConditionTermOut(String, String, u8);

struct CredentialOut {
    id: String,
    title: String,
    kind: String,
    status: String,
    country: String,
    board: String,
    verify: Vec<Link>,
    search: Vec<SearchOut>,
}

struct RuleOut {
    id: String,
    category: String,
    kind: String,
    lang: String,
    strength: String,
    fields: Vec<String>,
    description: String,
    note: String,
    must_flag: Vec<String>,
    must_pass: Vec<String>,
    patterns: Vec<PatternOut>,
    unless: Option<String>,
    unless_edges: bool,
    window: u32,
    credential: Option<CredentialOut>,
    condition: Option<String>,
}

struct ConditionOut {
    id: String,
    name: String,
    links: Vec<Link>,
}

// ---------------------------------------------------------------------------------------------
// The binary encoding, read back by `src/rules/blob.rs` in the same order. Numbers are unsigned
// LEB128; a string is its byte length then its UTF-8 bytes; a list is its length then its items;
// an optional value is a 0 or 1 byte then the value. Names from a closed set (category,
// strength, field, text kind, credential status) are indices into the tables written first, so
// the reader maps them by name and an order changed on one side only cannot go unnoticed.

/// How many of a rule's `must_flag` texts `catalog.bin` keeps: the options page lists three.
const SHOWN_EXAMPLES: usize = 3;
/// `src/rules/blob.rs` refuses any other version: bump both when the layout changes.
const BLOB_VERSION: usize = 2;

#[derive(Default)]
struct Writer(Vec<u8>);

impl Writer {
    fn uint(&mut self, mut n: usize) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }
    fn flag(&mut self, b: bool) {
        self.0.push(u8::from(b));
    }
    fn str(&mut self, s: &str) {
        self.uint(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
    fn strs(&mut self, list: &[String]) {
        self.uint(list.len());
        for s in list {
            self.str(s);
        }
    }
    fn opt(&mut self, s: Option<&str>) {
        self.flag(s.is_some());
        if let Some(s) = s {
            self.str(s);
        }
    }
    /// `name`'s index in `table` (a name `compile` accepted, so always present).
    fn name(&mut self, table: &[&str], name: &str) {
        let i = table.iter().position(|x| *x == name);
        self.uint(i.unwrap_or_else(|| panic!("`{name}` is not one of {table:?}")));
    }
    fn links<'a>(&mut self, links: impl ExactSizeIterator<Item = (&'a str, &'a str)>) {
        self.uint(links.len());
        for (label, url) in links {
            self.str(label);
            self.str(url);
        }
    }
}

/// Every name a closed field can take, the credential statuses with `none`.
const STATUSES: &[&str] = &["none", "licensed", "claimed_unverified", "non_clinical"];

/// `catalog.bin`: everything the engine reads at run time, in `Out`'s order.
fn write_catalog(out: &Out) -> Vec<u8> {
    let mut w = Writer::default();
    w.uint(BLOB_VERSION);
    for table in [CATEGORIES, STRENGTHS, FIELDS, TEXTS, STATUSES] {
        w.uint(table.len());
        for name in table {
            w.str(name);
        }
    }
    w.uint(out.macros.len());
    for (name, body) in &out.macros {
        w.str(name);
        w.str(body);
    }
    w.strs(&out.condition_anchors);
    w.uint(out.condition_terms.len());
    for ConditionTermOut(regex, prefix, marker) in &out.condition_terms {
        w.str(regex);
        w.str(prefix);
        w.uint(usize::from(*marker));
    }
    w.uint(out.rules.len());
    for r in &out.rules {
        w.str(&r.id);
        w.name(CATEGORIES, &r.category);
        w.str(&r.kind);
        w.str(&r.lang);
        w.name(STRENGTHS, &r.strength);
        w.uint(r.fields.len());
        for f in &r.fields {
            w.name(FIELDS, f);
        }
        w.str(&r.description);
        w.str(&r.note);
        w.strs(&r.must_flag[..r.must_flag.len().min(SHOWN_EXAMPLES)]);
        w.uint(r.patterns.len());
        for p in &r.patterns {
            w.name(TEXTS, &p.text);
            w.str(&p.regex);
            w.strs(&p.anchors);
            w.flag(p.needs_company);
            w.flag(p.not_in_caps);
            w.flag(p.requires_condition);
            w.flag(p.masked);
        }
        w.opt(r.unless.as_deref());
        w.flag(r.unless_edges);
        w.uint(r.window as usize);
        w.flag(r.credential.is_some());
        if let Some(c) = &r.credential {
            w.str(&c.id);
            w.str(&c.title);
            w.str(&c.kind);
            w.name(STATUSES, &c.status);
            w.str(&c.country);
            w.str(&c.board);
            w.links(c.verify.iter().map(|l| (l.label.as_str(), l.url.as_str())));
            w.links(c.search.iter().map(|l| (l.label.as_str(), l.url.as_str())));
        }
        w.opt(r.condition.as_deref());
    }
    w.uint(out.conditions.len());
    for c in &out.conditions {
        w.str(&c.id);
        w.str(&c.name);
        w.links(c.links.iter().map(|l| (l.label.as_str(), l.url.as_str())));
    }
    w.uint(out.crisis_lines.len());
    for l in &out.crisis_lines {
        for s in [&l.locale, &l.name, &l.number, &l.text, &l.url] {
            w.str(s);
        }
    }
    // Translations refer to rules and conditions by index: their ids are already written above.
    let rule_at: HashMap<&str, usize> = out
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let condition_at: HashMap<&str, usize> = out
        .conditions
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    w.uint(out.translations.len());
    for (lang, t) in &out.translations {
        w.str(lang);
        w.uint(t.notes.len());
        for (id, note) in &t.notes {
            w.uint(rule_at[id.as_str()]);
            w.str(note);
        }
        w.uint(t.conditions.len());
        for (id, name) in &t.conditions {
            w.uint(condition_at[id.as_str()]);
            w.str(name);
        }
    }
    w.0
}

/// `examples.bin`: every rule's `must_flag` and `must_pass`, in catalogue order (native only).
fn write_examples(out: &Out) -> Vec<u8> {
    let mut w = Writer::default();
    w.uint(BLOB_VERSION);
    w.uint(out.rules.len());
    for r in &out.rules {
        w.strs(&r.must_flag);
        w.strs(&r.must_pass);
    }
    w.0
}

// ---------------------------------------------------------------------------------------------

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    println!("cargo:rerun-if-env-changed=CHECK_SOURCE_DATA_ROOT");
    let root = std::env::var_os("CHECK_SOURCE_DATA_ROOT")
        .map(PathBuf::from)
        .unwrap_or(manifest);
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    {
        #[path = "build/unicode_tables.rs"]
        mod unicode_tables;
        unicode_tables::write(&out_dir)
    }
    match compile(&root) {
        Ok(out) => {
            std::fs::write(out_dir.join("catalog.bin"), write_catalog(&out))
                .expect("write catalog.bin");
            std::fs::write(out_dir.join("examples.bin"), write_examples(&out))
                .expect("write examples.bin");
        }
        Err(errors) => {
            eprintln!("rule data is invalid:\n{}", errors.join("\n"));
            std::process::exit(1);
        }
    }
}

/// Everything that went wrong, one line each: the build reports them all at once.
type Errors = Vec<String>;

fn compile(root: &Path) -> Result<Out, Errors> {
    let rules_dir = root.join("rules");
    let data_dir = root.join("data");
    println!("cargo:rerun-if-changed={}", rules_dir.display());
    println!("cargo:rerun-if-changed={}", data_dir.display());
    let mut errors = Errors::new();

    let mut rule_files = Vec::new();
    collect_toml(&rules_dir, &mut rule_files, &mut errors);
    rule_files.sort();
    for f in &rule_files {
        println!("cargo:rerun-if-changed={}", f.display());
    }
    let data_file = |name: &str| -> Option<(String, Result<toml::Table, String>)> {
        let path = data_dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        if !path.exists() {
            return None;
        }
        Some((rel(root, &path), path_table(&path)))
    };

    let mut macros: BTreeMap<String, String> = BTreeMap::new();
    if let Some((file, table)) = data_file("macros.toml") {
        read_macros(&file, table, &mut macros, &mut errors);
    }

    let mut conditions: Vec<ConditionToml> = Vec::new();
    let mut conditions_file = String::new();
    if let Some((file, table)) = data_file("conditions.toml") {
        conditions = read_array(&file, table, "condition", &mut errors);
        conditions_file = file;
    }
    // `{condition}`: every unambiguous term of every condition.
    let all_terms: Vec<String> = conditions
        .iter()
        .flat_map(|c| c.terms.iter().cloned())
        .collect();
    if macros
        .keys()
        .any(|k| k == "condition" || k.starts_with("condition_") || k.starts_with("term_"))
    {
        errors.push(
            "data/macros.toml: `condition`, `condition_*` and `term_*` are reserved: they are built from data/conditions.toml"
                .into(),
        );
    }
    // `{condition}` and `{condition_<lang>}` are placeholders: the matcher finds the terms once per
    // field and masks them (see `condition_terms`), and the macros match a masked occurrence.
    let (condition_terms, condition_macros) = condition_placeholders(&conditions, &mut errors);
    macros.extend(condition_macros);

    let mut ids: HashMap<String, String> = HashMap::new();
    let mut out = Out {
        macros: macros.clone(),
        condition_anchors: derive_anchors("data/conditions.toml", &all_terms, &mut Vec::new()),
        condition_terms,
        rules: Vec::new(),
        conditions: Vec::new(),
        crisis_lines: Vec::new(),
        translations: BTreeMap::new(),
    };

    for path in &rule_files {
        let file = rel(root, path);
        let table = path_table(path);
        let table = match table_or_error(&file, table, &mut errors) {
            Some(t) => t,
            None => continue,
        };
        let rules: Vec<RuleToml> = read_array(&file, table, "rule", &mut errors);
        for r in rules {
            if let Some(rule) = check_rule(&file, r, &macros, &mut errors) {
                claim_id(&mut ids, &rule.id, &file, &mut errors);
                out.rules.push(rule);
            }
        }
    }

    let mut condition_ids = HashSet::new();
    for c in conditions {
        let file = &conditions_file;
        if !condition_ids.insert(c.id.clone()) {
            errors.push(format!("{file}: condition {}: duplicate id", c.id));
        }
        if let Some(rule) = condition_rule(file, &c, &macros, &mut errors) {
            claim_id(&mut ids, &rule.id, file, &mut errors);
            out.rules.push(rule);
        }
        out.conditions.push(ConditionOut {
            id: c.id,
            name: c.name,
            links: c.links,
        });
    }

    if let Some((file, table)) = data_file("credentials.toml") {
        // `[[search]]` templates sit next to the `[[credential]]` tables.
        let (search_table, table) = match table {
            Ok(mut t) => {
                let mut s = toml::Table::new();
                if let Some(v) = t.remove("search") {
                    s.insert("search".into(), v);
                }
                (s, Ok(t))
            }
            Err(e) => (toml::Table::new(), Err(e)),
        };
        let searches: Vec<SearchToml> = read_array(&file, search_table, "search", &mut errors);
        let searches = check_searches(&file, searches, &mut errors);
        let mut used_searches = HashSet::new();
        let creds: Vec<CredentialToml> = read_array(&file, table, "credential", &mut errors);
        let mut cred_ids = HashSet::new();
        for c in creds {
            if !cred_ids.insert(c.id.clone()) {
                errors.push(format!("{file}: credential {}: duplicate id", c.id));
            }
            if let Some(rule) = credential_rule(
                &file,
                c,
                &macros,
                &searches,
                &mut used_searches,
                &mut errors,
            ) {
                claim_id(&mut ids, &rule.id, &file, &mut errors);
                out.rules.push(rule);
            }
        }
        for id in searches.keys() {
            if !used_searches.contains(id) {
                errors.push(format!(
                    "{file}: search {id}: no credential's verify link uses it"
                ));
            }
        }
    }

    if let Some((file, table)) = data_file("crisis_lines.toml") {
        let lines: Vec<CrisisLine> = read_array(&file, table, "line", &mut errors);
        for (i, l) in lines.into_iter().enumerate() {
            let who = format!("{file}: line[{i}] ({})", l.locale);
            if l.locale.trim().is_empty() || l.name.trim().is_empty() || l.number.trim().is_empty()
            {
                errors.push(format!("{who}: locale, name and number must not be empty"));
            }
            if !l.url.is_empty() && !l.url.starts_with("https://") {
                errors.push(format!("{who}: url must start with https://"));
            }
            out.crisis_lines.push(l);
        }
    }

    // The notes a person reads under a finding, which `data/translations/*.toml` must translate:
    // the rules written in `rules/` and the non-clinical titles (the panel lists those as
    // findings). Topic notes and clinical credentials' notes are not shown as such.
    let rule_notes: Vec<(String, String)> = out
        .rules
        .iter()
        .filter(|r| {
            r.condition.is_none() && (r.credential.is_none() || r.category == "non_clinical_title")
        })
        .map(|r| (r.id.clone(), r.note.clone()))
        .collect();
    // Ship only the `{term_…}` macros some rule uses (build.rs makes one per plain term).
    let used: Vec<String> = out
        .rules
        .iter()
        .flat_map(|r| {
            r.patterns
                .iter()
                .map(|p| p.regex.clone())
                .chain(r.unless.clone())
        })
        .chain(out.macros.values().cloned())
        .collect();
    out.macros.retain(|k, _| {
        !k.starts_with("term_") || used.iter().any(|u| u.contains(&format!("{{{k}}}")))
    });
    let condition_ids: Vec<String> = out.conditions.iter().map(|c| c.id.clone()).collect();
    out.translations = read_translations(root, &data_dir, &rule_notes, &condition_ids, &mut errors);

    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Reads every `data/translations/<lang>.toml` and checks it is complete and has nothing stale:
/// every note of a rule in `rules/` or of a non-clinical title has exactly one entry (keyed by its English text), every entry
/// is some rule's note, and every condition (and nothing else) has a non-empty name. A missing
/// entry would show English in the middle of a Spanish panel; an unused one is a note that was
/// reworded in English and no longer translated.
fn read_translations(
    root: &Path,
    data_dir: &Path,
    rule_notes: &[(String, String)],
    condition_ids: &[String],
    errors: &mut Errors,
) -> BTreeMap<String, TranslationOut> {
    let dir = data_dir.join("translations");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files = Vec::new();
    collect_toml(&dir, &mut files, errors);
    files.sort();
    let mut out = BTreeMap::new();
    for path in files {
        println!("cargo:rerun-if-changed={}", path.display());
        let file = rel(root, &path);
        let lang = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if !LANGS.contains(&lang.as_str()) || lang == "en" || lang == "any" {
            errors.push(format!(
                "{file}: the file name must be a language code other than en, one of {LANGS:?}"
            ));
            continue;
        }
        let Some(table) = table_or_error(&file, path_table(&path), errors) else {
            continue;
        };
        let data: TranslationToml = match table.try_into() {
            Ok(d) => d,
            Err(e) => {
                errors.push(format!("{file}: {}", one_line(&e.to_string())));
                continue;
            }
        };
        let mut by_english: BTreeMap<String, String> = BTreeMap::new();
        for (i, n) in data.note.into_iter().enumerate() {
            let who = format!("{file}: note[{i}] (\"{}\")", n.en);
            let keys: Vec<&String> = n.text.keys().collect();
            if keys != [&lang] {
                errors.push(format!(
                    "{who}: needs exactly the keys `en` and `{lang}`, besides `en` found {keys:?}"
                ));
                continue;
            }
            let text = n.text[&lang].clone();
            if n.en.trim().is_empty() || text.trim().is_empty() {
                errors.push(format!("{who}: `en` and `{lang}` must not be empty"));
            } else if by_english.insert(n.en.clone(), text).is_some() {
                errors.push(format!("{who}: duplicate entry for this English note"));
            }
        }
        let mut notes = BTreeMap::new();
        let mut used = HashSet::new();
        for (id, note) in rule_notes {
            match by_english.get(note) {
                Some(text) => {
                    used.insert(note.as_str());
                    notes.insert(id.clone(), text.clone());
                }
                None => errors.push(format!(
                    "{file}: rule {id}: no [[note]] entry for its note \"{note}\""
                )),
            }
        }
        for en in by_english.keys() {
            if !used.contains(en.as_str()) {
                errors.push(format!(
                    "{file}: [[note]] \"{en}\" is no rule's note (reworded or removed?)"
                ));
            }
        }
        for id in condition_ids {
            match data.condition.get(id) {
                Some(name) if !name.trim().is_empty() => {}
                Some(_) => errors.push(format!("{file}: condition {id}: empty name")),
                None => errors.push(format!("{file}: condition {id}: no name in [condition]")),
            }
        }
        for id in data.condition.keys() {
            if !condition_ids.contains(id) {
                errors.push(format!(
                    "{file}: [condition] {id} is not a condition of data/conditions.toml"
                ));
            }
        }
        out.insert(
            lang,
            TranslationOut {
                notes,
                conditions: data.condition,
            },
        );
    }
    out
}

fn rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn collect_toml(dir: &Path, out: &mut Vec<PathBuf>, errors: &mut Errors) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(_) => return,
    };
    for entry in entries {
        match entry {
            Ok(entry) => {
                let path = entry.path();
                if path.is_dir() {
                    collect_toml(&path, out, errors);
                } else if path.extension().is_some_and(|e| e == "toml") {
                    out.push(path);
                }
            }
            Err(e) => errors.push(format!("{}: {e}", dir.display())),
        }
    }
}

/// Parses a file, keeping the error for `table_or_error`.
fn path_table(path: &Path) -> Result<toml::Table, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    text.parse::<toml::Table>().map_err(|e| e.to_string())
}

fn table_or_error(
    file: &str,
    table: Result<toml::Table, String>,
    errors: &mut Errors,
) -> Option<toml::Table> {
    match table {
        Ok(t) => Some(t),
        Err(e) => {
            errors.push(format!("{file}: {}", e.trim()));
            None
        }
    }
}

/// Reads `[[key]]` tables one by one so an error can name the entry's `id`.
fn read_array<T: for<'de> Deserialize<'de>>(
    file: &str,
    table: impl Into<TableOrErr>,
    key: &str,
    errors: &mut Errors,
) -> Vec<T> {
    let table = match table.into().0 {
        Ok(t) => t,
        Err(e) => {
            errors.push(format!("{file}: {}", e.trim()));
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (k, v) in table {
        if k != key {
            errors.push(format!(
                "{file}: unknown top-level key `{k}` (expected [[{key}]] tables)"
            ));
            continue;
        }
        let items = match v {
            toml::Value::Array(items) => items,
            _ => {
                errors.push(format!(
                    "{file}: `{key}` must be an array of tables ([[{key}]])"
                ));
                continue;
            }
        };
        for (i, item) in items.into_iter().enumerate() {
            let name = item
                .get("id")
                .or_else(|| item.get("locale"))
                .and_then(|v| v.as_str())
                .map(|s| format!("{key} {s}"))
                .unwrap_or_else(|| format!("{key}[{i}]"));
            match item.try_into::<T>() {
                Ok(t) => out.push(t),
                Err(e) => errors.push(format!("{file}: {name}: {}", one_line(&e.to_string()))),
            }
        }
    }
    out
}

/// Lets `read_array` take either a parsed table or a parse error.
struct TableOrErr(Result<toml::Table, String>);
impl From<toml::Table> for TableOrErr {
    fn from(t: toml::Table) -> Self {
        TableOrErr(Ok(t))
    }
}
impl From<Result<toml::Table, String>> for TableOrErr {
    fn from(t: Result<toml::Table, String>) -> Self {
        TableOrErr(t)
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `macros.toml`: `name = '''fragment'''` pairs, at the top level or in a `[macros]` table, or
/// `[[macro]]` tables with `name` and `pattern` (and an optional `description`).
fn read_macros(
    file: &str,
    table: Result<toml::Table, String>,
    macros: &mut BTreeMap<String, String>,
    errors: &mut Errors,
) {
    let Some(table) = table_or_error(file, table, errors) else {
        return;
    };
    for (k, v) in table {
        match v {
            toml::Value::String(s) => {
                add_macro(file, k, s, macros, errors);
            }
            toml::Value::Table(inner) if k == "macros" => {
                for (name, v) in inner {
                    match v {
                        toml::Value::String(s) => add_macro(file, name, s, macros, errors),
                        _ => errors.push(format!("{file}: macros.{name}: a macro is a string")),
                    }
                }
            }
            toml::Value::Array(items) if k == "macro" => {
                for (i, item) in items.into_iter().enumerate() {
                    #[derive(Deserialize)]
                    #[serde(deny_unknown_fields)]
                    #[allow(dead_code)]
                    struct MacroToml {
                        name: String,
                        pattern: String,
                        #[serde(default)]
                        description: String,
                    }
                    match item.try_into::<MacroToml>() {
                        Ok(m) => add_macro(file, m.name, m.pattern, macros, errors),
                        Err(e) => {
                            errors.push(format!("{file}: macro[{i}]: {}", one_line(&e.to_string())))
                        }
                    }
                }
            }
            _ => errors.push(format!(
                "{file}: `{k}`: a macro is `name = 'regex fragment'` or a [[macro]] table"
            )),
        }
    }
}

fn add_macro(
    file: &str,
    name: String,
    pattern: String,
    macros: &mut BTreeMap<String, String>,
    errors: &mut Errors,
) {
    if !is_macro_name(&name) {
        errors.push(format!(
            "{file}: macro `{name}`: names are lowercase letters, digits and _"
        ));
    } else if pattern.trim().is_empty() {
        errors.push(format!("{file}: macro `{name}`: empty pattern"));
    } else if macros.insert(name.clone(), pattern).is_some() {
        errors.push(format!("{file}: macro `{name}`: defined twice"));
    }
}

fn claim_id(ids: &mut HashMap<String, String>, id: &str, file: &str, errors: &mut Errors) {
    if let Some(first) = ids.insert(id.to_string(), file.to_string()) {
        errors.push(format!("{file}: rule {id}: duplicate id (also in {first})"));
    }
}

fn one_of(value: &str, allowed: &[&str]) -> bool {
    allowed.contains(&value)
}

fn is_snake(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

/// Lowercase letters that normalisation folds away; a folded pattern containing one never matches.
fn folding_problem(s: &str) -> Option<String> {
    for c in s.chars() {
        if c.is_uppercase() {
            return Some(format!(
                "`{c}` is uppercase, but folded text is lowercase (use text = \"cased\" for case-sensitive matching)"
            ));
        }
        if "àáâãäåāçćčèéêëēęìíîïīñńòóôõöøōùúûüūýÿšžł".contains(c)
        {
            return Some(format!(
                "`{c}` has an accent, but folded text has none (write the letter without it)"
            ));
        }
    }
    None
}

fn check_window(window: Option<u32>, who: &str, errors: &mut Errors) -> u32 {
    let w = window.unwrap_or(DEFAULT_WINDOW);
    if w == 0 || w > MAX_WINDOW {
        errors.push(format!("{who}: window must be 1..={MAX_WINDOW}, got {w}"));
    }
    w
}

fn check_examples(who: &str, must_flag: &[String], must_pass: &[String], errors: &mut Errors) {
    if must_flag.is_empty() {
        errors.push(format!("{who}: must_flag needs at least one example"));
    }
    for e in must_flag.iter().chain(must_pass) {
        if e.trim().is_empty() {
            errors.push(format!("{who}: empty example"));
        }
    }
}

fn check_rule(
    file: &str,
    r: RuleToml,
    macros: &BTreeMap<String, String>,
    errors: &mut Errors,
) -> Option<RuleOut> {
    let who = format!("{file}: rule {}", r.id);
    let before = errors.len();
    let parts: Vec<&str> = r.id.split('.').collect();
    if parts.len() != 3
        || parts[0] != r.lang
        || !parts[1..].iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| matches!(c, 'a'..='z' | '0'..='9' | '-' | '_'))
        })
    {
        errors.push(format!(
            "{who}: id must be <lang>.<short category>.<slug> in lowercase, starting with its lang `{}`",
            r.lang
        ));
    }
    if !one_of(&r.category, CATEGORIES) {
        errors.push(format!(
            "{who}: category `{}` is not one of {CATEGORIES:?}",
            r.category
        ));
    }
    if !is_snake(&r.kind) {
        errors.push(format!("{who}: kind `{}` must be snake_case", r.kind));
    }
    if !one_of(&r.lang, LANGS) {
        errors.push(format!("{who}: lang `{}` is not one of {LANGS:?}", r.lang));
    }
    let strength = r.strength.unwrap_or_else(|| "normal".into());
    if !one_of(&strength, STRENGTHS) {
        errors.push(format!(
            "{who}: strength `{strength}` is not one of {STRENGTHS:?}"
        ));
    }
    let fields = r.fields.unwrap_or_else(|| vec!["caption".into()]);
    if fields.is_empty() {
        errors.push(format!("{who}: fields must not be empty"));
    }
    let mut seen = HashSet::new();
    for f in &fields {
        if !one_of(f, FIELDS) {
            errors.push(format!("{who}: field `{f}` is not one of {FIELDS:?}"));
        } else if !seen.insert(f) {
            errors.push(format!("{who}: field `{f}` listed twice"));
        }
    }
    let text = r.text.unwrap_or_else(|| "folded".into());
    if !one_of(&text, TEXTS) {
        errors.push(format!("{who}: text `{text}` is not one of {TEXTS:?}"));
    }
    if r.anchors.is_empty() {
        errors.push(format!("{who}: a rule needs at least one anchor"));
    }
    for a in &r.anchors {
        if a.chars().count() < 2 {
            errors.push(format!("{who}: anchor `{a}` is shorter than 2 characters"));
        }
        if text == "folded" {
            if let Some(p) = folding_problem(a) {
                errors.push(format!("{who}: anchor `{a}`: {p}"));
            }
        }
    }
    if r.description.trim().is_empty() || r.note.trim().is_empty() {
        errors.push(format!("{who}: description and note must not be empty"));
    }
    check_examples(&who, &r.must_flag, &r.must_pass, errors);
    let window = check_window(r.window, &who, errors);
    let shipped = lang_condition(&r.pattern, &r.lang);
    let pattern = match expand(&shipped, macros) {
        Ok(p) => p,
        Err(e) => {
            errors.push(format!("{who}: pattern: {e}"));
            String::new()
        }
    };
    if text == "folded" {
        // Only the rule's own text, not expanded macros (those are checked where written).
        if let Some(p) = folding_problem(&strip_escapes(&r.pattern)) {
            errors.push(format!("{who}: pattern: {p}"));
        }
    }
    let unless = match r.unless.as_deref().map(|u| expand(u, macros)).transpose() {
        Ok(u) => u,
        Err(e) => {
            errors.push(format!("{who}: unless: {e}"));
            None
        }
    };
    if pattern.trim().is_empty() && errors.len() == before {
        errors.push(format!("{who}: empty pattern"));
    }
    if errors.len() != before {
        return None;
    }
    let requires_condition = requires_token(&r.pattern, "{condition}");
    let masked = is_masked(&pattern) || unless.as_deref().is_some_and(is_masked);
    Some(RuleOut {
        unless_edges: unless.as_deref().is_some_and(has_edge_anchor),
        // Shipped unexpanded (see `Out::macros`); the expansion above only validated them.
        unless: r.unless,
        id: r.id,
        category: r.category,
        kind: r.kind,
        lang: r.lang,
        strength,
        fields,
        description: r.description,
        note: r.note,
        must_flag: r.must_flag,
        must_pass: r.must_pass,
        patterns: vec![PatternOut {
            text,
            regex: shipped,
            anchors: r.anchors,
            needs_company: false,
            not_in_caps: false,
            requires_condition,
            masked,
        }],
        window,
        credential: None,
        condition: None,
    })
}

/// Bytes that mark a masked `{condition}` term: ASCII control bytes that are neither word
/// characters nor `\s` (the normaliser turns every whitespace into a space). The matcher replaces
/// any of them already in a text by `\x7F` before masking, so a marker run is always one of ours.
const MARKERS: &[u8] = &[
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15,
    0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F,
];

/// What a masked term looks like to a pattern: its first character, a run of one marker byte,
/// its last character (`src/matcher.rs` keeps both edge characters, so `\b`, `\w*` and `\s+`
/// around `{condition}` read the same characters as before). Every term is ASCII and at least
/// three bytes long (checked in [`condition_placeholders`]).
fn sentinel_pattern(markers: &[u8]) -> String {
    let class: String = markers.iter().map(|m| format!("\\x{m:02X}")).collect();
    format!("[!-~][{class}]+[!-~]")
}

/// Whether an expanded pattern matches masked terms (holds a [`sentinel_pattern`] or a
/// `{term_…}` macro: a class of marker bytes, which no rule writes itself).
fn is_masked(expanded: &str) -> bool {
    expanded.contains("[\\x")
}

/// The literal characters every match of `term` starts with: up to the first regex
/// metacharacter, less the last one when a quantifier follows it (`adhders?` → `adhder`).
fn term_prefix(term: &str) -> String {
    let chars: Vec<char> = term.chars().collect();
    let mut n = 0;
    while n < chars.len()
        && (chars[n].is_ascii_alphanumeric() || matches!(chars[n], ' ' | '\'' | '-'))
    {
        n += 1;
    }
    if n > 0 && matches!(chars.get(n), Some('?' | '*' | '{')) {
        n -= 1;
    }
    chars[..n].iter().collect()
}

/// The `{condition}` placeholders: the term list the matcher masks with, and the `condition` /
/// `condition_<lang>` macros that match a masked term.
///
/// Why: expanded into every rule, the 234-term alternation inside bounded gaps made the largest
/// and slowest regexes of the catalogue (large lazy DFAs, a slow first post in the browser, and
/// 71x slower matching with `regex-lite`). Now the terms are found once per field and each rule
/// matches a placeholder. A term's languages pick its marker byte: one marker per distinct set of
/// `term_langs` (language-neutral terms have the empty set), and `{condition_<lang>}` accepts the
/// markers of the neutral set and of every set holding `<lang>`, so a Spanish rule still reads only
/// the neutral and Spanish terms.
fn condition_placeholders(
    conditions: &[ConditionToml],
    errors: &mut Errors,
) -> (Vec<ConditionTermOut>, BTreeMap<String, String>) {
    let file = "data/conditions.toml";
    // Term → the languages it is tagged with (union over the conditions listing it).
    let mut terms: Vec<(String, Vec<String>)> = Vec::new();
    for c in conditions {
        for t in &c.terms {
            let mut langs: Vec<String> = c
                .term_langs
                .iter()
                .filter(|(_, ts)| ts.contains(t))
                .map(|(l, _)| l.clone())
                .collect();
            match terms.iter_mut().find(|(x, _)| x == t) {
                Some((_, ls)) => {
                    ls.append(&mut langs);
                    ls.sort();
                    ls.dedup();
                }
                None => {
                    langs.sort();
                    terms.push((t.clone(), langs));
                }
            }
        }
    }
    let mut sets: Vec<Vec<String>> = terms.iter().map(|(_, l)| l.clone()).collect();
    sets.sort();
    sets.dedup();
    if sets.len() > MARKERS.len() {
        errors.push(format!(
            "{file}: {} distinct term_langs sets, but only {} marker bytes",
            sets.len(),
            MARKERS.len()
        ));
        return (Vec::new(), BTreeMap::new());
    }
    let marker_of =
        |langs: &Vec<String>| MARKERS[sets.iter().position(|s| s == langs).expect("listed")];
    let mut out = Vec::new();
    for (t, langs) in &terms {
        let prefix = term_prefix(t);
        let chars: Vec<char> = t.chars().collect();
        if prefix.chars().count() < 3 {
            errors.push(format!(
                "{file}: term `{t}`: must start with at least three literal characters (the matcher finds terms by them)"
            ));
        }
        if split_top(&chars).len() > 1 {
            errors.push(format!(
                "{file}: term `{t}`: no top-level `|` (list each alternative as a term)"
            ));
        }
        if !t.is_ascii() {
            errors.push(format!(
                "{file}: term `{t}`: must be ASCII (terms match the folded text)"
            ));
        }
        out.push(ConditionTermOut(t.clone(), prefix, marker_of(langs)));
    }
    let mut macros = BTreeMap::new();
    // `{term_<words>}`: one term as a rule may also spell it literally inside a pattern that uses
    // `{condition}` (a symptom that is itself a term: "adhd ... time blindness"), where the
    // masked text no longer holds the letters: the term's own spelling or its exact mask. Made
    // for plain terms, optionally with a plural `s?`.
    for ConditionTermOut(t, _, marker) in &out {
        let (word, plural) = match t.strip_suffix("s?") {
            Some(w) => (w, true),
            None => (t.as_str(), false),
        };
        if word.len() < 3 || !word.bytes().all(|b| b.is_ascii_lowercase() || b == b' ') {
            continue;
        }
        let name: String = format!("term_{}", word.replace(' ', "_"));
        let (first, last) = (&word[..1], &word[word.len() - 1..]);
        let n = word.len() - 2;
        let mut value = format!(
            "{}|{first}[\\x{marker:02X}]{{{n}}}{last}",
            t.replace(' ', "\\s+")
        );
        if plural {
            value.push_str(&format!("|{first}[\\x{marker:02X}]{{{}}}s", n + 1));
        }
        macros.insert(name, value);
    }
    if !out.is_empty() {
        let all: Vec<u8> = sets.iter().map(&marker_of).collect();
        macros.insert("condition".to_string(), sentinel_pattern(&all));
        for lang in LANGS.iter().filter(|&&l| l != "any") {
            let mine: Vec<u8> = sets
                .iter()
                .filter(|s| s.is_empty() || s.iter().any(|l| l == lang))
                .map(&marker_of)
                .collect();
            macros.insert(format!("condition_{lang}"), sentinel_pattern(&mine));
        }
    }
    (out, macros)
}

/// A rule of one language reads `{condition}` as `{condition_<lang>}`: the language-neutral terms
/// plus its own, so a Spanish rule does not carry the English terms (and vice versa). Rules of
/// `lang = "any"` keep every term.
fn lang_condition(pattern: &str, lang: &str) -> String {
    if lang == "any" {
        return pattern.to_string();
    }
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(at) = rest.find("{condition}") {
        let escaped = rest[..at].chars().rev().take_while(|&c| c == '\\').count() % 2 == 1;
        out.push_str(&rest[..at]);
        if escaped {
            out.push_str("{condition}");
        } else {
            out.push_str(&format!("{{condition_{lang}}}"));
        }
        rest = &rest[at + "{condition}".len()..];
    }
    out.push_str(rest);
    out
}

/// Removes `\X` escapes so `\S`, `\B`, `\W`, `\P{..}` are not read as uppercase letters.
fn strip_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            chars.next();
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether every match of `pattern` must contain `token` (e.g. `{condition}`): in every top-level
/// branch the token appears outside optional parts (a group followed by `?`, `*` or `{0`, or one
/// alternative of a group).
fn requires_token(pattern: &str, token: &str) -> bool {
    let chars: Vec<char> = pattern.chars().collect();
    let tok: Vec<char> = token.chars().collect();
    required_in(&chars, &tok)
}

fn required_in(s: &[char], tok: &[char]) -> bool {
    let branches = split_top(s);
    !branches.is_empty() && branches.iter().all(|b| branch_requires(b, tok))
}

/// Splits at `|` outside groups and classes.
fn split_top(s: &[char]) -> Vec<&[char]> {
    let mut out = Vec::new();
    let (mut depth, mut in_class, mut start, mut i) = (0i32, false, 0, 0);
    while i < s.len() {
        match s[i] {
            '\\' => i += 1,
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => depth -= 1,
            '|' if !in_class && depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&s[start..]);
    out
}

fn optional_after(s: &[char], at: usize) -> bool {
    match s.get(at) {
        Some('?') | Some('*') => true,
        Some('{') => s.get(at + 1) == Some(&'0'),
        _ => false,
    }
}

/// The index of the `)` closing the group that opens at `open` (classes and escapes skipped), or
/// `s.len()` when it is never closed.
fn group_end(s: &[char], open: usize) -> usize {
    let (mut depth, mut in_class, mut i) = (0i32, false, open);
    while i < s.len() {
        match s[i] {
            '\\' => i += 1,
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
        i += 1;
    }
    i
}

/// The index just past the `]` closing the class that opens at `open` (a leading `^` and a
/// leading literal `]` belong to the class).
fn class_end(s: &[char], open: usize) -> usize {
    let mut i = open + 1;
    if s.get(i) == Some(&'^') {
        i += 1;
    }
    if s.get(i) == Some(&']') {
        i += 1;
    }
    while i < s.len() && s[i] != ']' {
        if s[i] == '\\' {
            i += 1;
        }
        i += 1;
    }
    i + 1
}

fn branch_requires(b: &[char], tok: &[char]) -> bool {
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(tok) {
            if !optional_after(b, i + tok.len()) {
                return true;
            }
            i += tok.len();
            continue;
        }
        match b[i] {
            '\\' => i += 2,
            '[' => i = class_end(b, i),
            '(' => {
                let open = i;
                i = group_end(b, i);
                let mut inner = &b[(open + 1).min(b.len())..i.min(b.len())];
                // Skip `?:`, `?i:`, `?P<name>` prefixes.
                if inner.first() == Some(&'?') {
                    if let Some(p) = inner.iter().position(|&c| c == ':' || c == '>') {
                        inner = &inner[p + 1..];
                    }
                }
                i += 1;
                if !optional_after(b, i) && required_in(inner, tok) {
                    return true;
                }
            }
            _ => i += 1,
        }
    }
    false
}

/// An `unless` that uses `^` or `$` is also tried on the text right before the match (where `$`
/// is the match start) and right after it (where `^` is the match end).
fn has_edge_anchor(s: &str) -> bool {
    s.contains('$') || s.replace("[^", "").contains('^')
}

/// The `{name}` placeholders of a template in order, or why it is malformed (a lone brace).
fn placeholders(template: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        if rest[i..].starts_with('}') {
            return Err(format!("a `}}` without `{{` in `{template}`"));
        }
        let Some(j) = rest[i..].find('}') else {
            return Err(format!("a `{{` without `}}` in `{template}`"));
        };
        let name = &rest[i + 1..i + j];
        if name.contains('{') {
            return Err(format!("nested `{{` in `{template}`"));
        }
        out.push(name.to_string());
        rest = &rest[i + j + 1..];
    }
    Ok(out)
}

/// Checks every `[[search]]` template: an https address with `{first}` and `{last}` exactly once
/// each and no other placeholder, and a label that names only those (the engine fills in nothing
/// else). Returns them by id.
fn check_searches(
    file: &str,
    searches: Vec<SearchToml>,
    errors: &mut Errors,
) -> BTreeMap<String, SearchOut> {
    let mut out = BTreeMap::new();
    for s in searches {
        let who = format!("{file}: search {}", s.id);
        if s.id.trim().is_empty() || s.label.trim().is_empty() {
            errors.push(format!("{who}: id and label must not be empty"));
        }
        if !s.url.starts_with("https://") {
            errors.push(format!("{who}: url `{}` must start with https://", s.url));
        }
        match placeholders(&s.url) {
            Ok(mut p) => {
                p.sort();
                if p != ["first", "last"] {
                    errors.push(format!(
                        "{who}: url must use {{first}} and {{last}} exactly once each and no other placeholder, found {p:?}"
                    ));
                }
            }
            Err(e) => errors.push(format!("{who}: url: {e}")),
        }
        match placeholders(&s.label) {
            Ok(p) => {
                if p.iter().any(|n| n != "first" && n != "last") {
                    errors.push(format!(
                        "{who}: label may use only {{first}} and {{last}}, found {p:?}"
                    ));
                }
            }
            Err(e) => errors.push(format!("{who}: label: {e}")),
        }
        if out
            .insert(
                s.id.clone(),
                SearchOut {
                    label: s.label,
                    url: s.url,
                },
            )
            .is_some()
        {
            errors.push(format!("{who}: duplicate id"));
        }
    }
    out
}

fn check_links(who: &str, links: &[Link], errors: &mut Errors) {
    for l in links {
        if l.label.trim().is_empty() {
            errors.push(format!("{who}: a link has an empty label"));
        }
        if !l.url.starts_with("https://") {
            errors.push(format!("{who}: link `{}` must start with https://", l.url));
        }
    }
}

/// Splits a regex fragment at `|` outside groups and classes.
fn top_level_branches(frag: &str) -> Vec<String> {
    let chars: Vec<char> = frag.chars().collect();
    split_top(&chars)
        .into_iter()
        .map(|b| b.iter().collect())
        .collect()
}

/// The longest literal run that every match of this alternation-free branch must contain, or
/// `None` when there is none of at least two characters. Conservative: groups, classes and
/// escapes such as `\s` end a run; a character made optional by `?`, `*` or `{` is dropped.
fn required_literal(branch: &str) -> Option<String> {
    let chars: Vec<char> = branch.chars().collect();
    let mut best = String::new();
    let mut cur = String::new();
    let mut i = 0;
    let flush = |cur: &mut String, best: &mut String| {
        if cur.chars().count() > best.chars().count() {
            *best = cur.clone();
        }
        cur.clear();
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                let n = chars.get(i + 1).copied().unwrap_or('\\');
                i += 2;
                if n.is_ascii_alphanumeric() {
                    // \s \b \d \w \p{..}: not a literal character.
                    if n == 'p' || n == 'P' {
                        while i < chars.len() && chars[i - 1] != '}' {
                            i += 1;
                        }
                    }
                    flush(&mut cur, &mut best);
                } else {
                    cur.push(n);
                }
                continue;
            }
            '(' => {
                flush(&mut cur, &mut best);
                i = group_end(&chars, i) + 1;
                continue;
            }
            '[' => {
                flush(&mut cur, &mut best);
                i = class_end(&chars, i);
                continue;
            }
            '?' | '*' | '{' => {
                cur.pop();
                flush(&mut cur, &mut best);
                if c == '{' {
                    while i < chars.len() && chars[i] != '}' {
                        i += 1;
                    }
                }
            }
            '+' => {
                flush(&mut cur, &mut best);
            }
            '.' | '^' | '$' | ')' | '|' => flush(&mut cur, &mut best),
            _ => cur.push(c),
        }
        i += 1;
    }
    flush(&mut cur, &mut best);
    let best = best.trim().to_string();
    (best.chars().count() >= 2).then_some(best)
}

/// Anchors for a list of regex fragments: the required literal of every top-level branch.
fn derive_anchors(who: &str, terms: &[String], errors: &mut Errors) -> Vec<String> {
    let mut anchors = Vec::new();
    for t in terms {
        for b in top_level_branches(t) {
            match required_literal(&b) {
                Some(a) => {
                    if !anchors.contains(&a) {
                        anchors.push(a)
                    }
                }
                None => errors.push(format!(
                    "{who}: term `{t}`: no literal of 2+ characters that every match contains \
                     (write it outside groups, or split the alternatives into separate terms)"
                )),
            }
        }
    }
    anchors
}

/// ASCII letters upper-cased outside escapes, for ambiguous terms that only count in capitals.
fn upper_outside_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.push(c);
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c.to_ascii_uppercase());
        }
    }
    out
}

fn condition_rule(
    file: &str,
    c: &ConditionToml,
    macros: &BTreeMap<String, String>,
    errors: &mut Errors,
) -> Option<RuleOut> {
    let who = format!("{file}: condition {}", c.id);
    let before = errors.len();
    if !is_snake(&c.id) {
        errors.push(format!("{who}: id must be snake_case"));
    }
    if c.name.trim().is_empty() {
        errors.push(format!("{who}: empty name"));
    }
    if c.terms.is_empty() {
        errors.push(format!("{who}: needs at least one term"));
    }
    for t in c.terms.iter().chain(&c.ambiguous_terms) {
        if t.trim().is_empty() {
            errors.push(format!("{who}: empty term"));
        } else if let Some(p) = folding_problem(&strip_escapes(t)) {
            errors.push(format!("{who}: term `{t}`: {p}"));
        }
        if expand(t, &BTreeMap::new()).is_err() {
            errors.push(format!("{who}: term `{t}`: terms cannot use macros"));
        }
    }
    for (lang, terms) in &c.term_langs {
        if lang == "any" || !one_of(lang, LANGS) {
            errors.push(format!(
                "{who}: term_langs: `{lang}` is not one of {:?}",
                &LANGS[..LANGS.len() - 1]
            ));
        }
        for t in terms {
            if !c.terms.contains(t) {
                errors.push(format!(
                    "{who}: term_langs.{lang}: `{t}` is not one of this condition's terms"
                ));
            }
        }
    }
    check_links(&who, &c.links, errors);
    let window = check_window(c.window, &who, errors);
    let mut patterns = Vec::new();
    let anchors = derive_anchors(&who, &c.terms, errors);
    patterns.push(PatternOut {
        text: "folded".into(),
        regex: format!(r"\b(?:{})\b", c.terms.join("|")),
        anchors,
        needs_company: false,
        not_in_caps: false,
        requires_condition: false,
        masked: false,
    });
    if !c.ambiguous_terms.is_empty() {
        // Ambiguous terms ("ADD", "ED", "DID") count in capitals outside an all-caps text, or in
        // any case next to another mention or finding (lexicon.md §1.1).
        let upper: Vec<String> = c
            .ambiguous_terms
            .iter()
            .map(|t| upper_outside_escapes(t))
            .collect();
        let anchors = derive_anchors(&who, &upper, errors);
        patterns.push(PatternOut {
            text: "cased".into(),
            regex: format!(r"\b(?:{})\b", upper.join("|")),
            anchors,
            needs_company: false,
            not_in_caps: true,
            requires_condition: false,
            masked: false,
        });
        let anchors = derive_anchors(&who, &c.ambiguous_terms, errors);
        patterns.push(PatternOut {
            text: "folded".into(),
            regex: format!(r"\b(?:{})\b", c.ambiguous_terms.join("|")),
            anchors,
            needs_company: true,
            not_in_caps: false,
            requires_condition: false,
            masked: false,
        });
    }
    let unless = match c.unless.as_deref().map(|u| expand(u, macros)).transpose() {
        Ok(u) => u,
        Err(e) => {
            errors.push(format!("{who}: unless: {e}"));
            None
        }
    };
    if unless.as_deref().is_some_and(is_masked) {
        // Topic patterns read the unmasked text, where a `{condition}` placeholder never matches.
        errors.push(format!("{who}: unless: cannot use `{{condition}}`"));
    }
    if errors.len() != before {
        return None;
    }
    Some(RuleOut {
        id: format!("topic.{}", c.id),
        category: "topic".into(),
        kind: c.id.clone(),
        lang: "any".into(),
        strength: "strong".into(),
        fields: vec!["caption".into()],
        description: format!("Names {}.", c.name),
        note: format!("Mentions {}.", c.name),
        must_flag: c.must_flag.clone(),
        must_pass: c.must_pass.clone(),
        patterns,
        unless_edges: unless.as_deref().is_some_and(has_edge_anchor),
        unless: c.unless.clone(),
        window,
        credential: None,
        condition: Some(c.id.clone()),
    })
}

fn credential_rule(
    file: &str,
    mut c: CredentialToml,
    macros: &BTreeMap<String, String>,
    searches: &BTreeMap<String, SearchOut>,
    used_searches: &mut HashSet<String>,
    errors: &mut Errors,
) -> Option<RuleOut> {
    let who = format!("{file}: credential {}", c.id);
    let before = errors.len();
    // Prefilled searches come first in `verify` at run time, in the order of their links.
    let mut verify = Vec::new();
    let mut search = Vec::new();
    for v in std::mem::take(&mut c.verify) {
        if let Some(id) = v.search {
            match searches.get(&id) {
                Some(s) => {
                    used_searches.insert(id);
                    search.push(s.clone());
                }
                None => errors.push(format!(
                    "{who}: link `{}` names search `{id}`, which no [[search]] table defines",
                    v.url
                )),
            }
        }
        verify.push(Link {
            label: v.label,
            url: v.url,
        });
    }
    if c.id.is_empty()
        || !c
            .id
            .chars()
            .all(|ch| matches!(ch, 'a'..='z' | '0'..='9' | '.' | '_' | '-'))
    {
        errors.push(format!(
            "{who}: id must be lowercase letters, digits, `.`, `_`, `-`"
        ));
    }
    if c.title.trim().is_empty() {
        errors.push(format!("{who}: empty title"));
    }
    if !one_of(&c.kind, CREDENTIAL_KINDS) {
        errors.push(format!(
            "{who}: kind `{}` is not one of {CREDENTIAL_KINDS:?}",
            c.kind
        ));
    }
    if !one_of(&c.status, CREDENTIAL_STATUSES) {
        errors.push(format!(
            "{who}: status `{}` is not one of {CREDENTIAL_STATUSES:?}",
            c.status
        ));
    }
    if !(c.country.is_empty()
        || (c.country.len() == 2 && c.country.chars().all(|ch| ch.is_ascii_uppercase())))
    {
        errors.push(format!(
            "{who}: country `{}` must be an ISO code such as US, or \"\"",
            c.country
        ));
    }
    check_links(&who, &verify, errors);
    if c.tokens.is_empty() && c.phrases.is_empty() {
        errors.push(format!(
            "{who}: needs tokens or phrases (a credential without anchors)"
        ));
    }
    for t in &c.tokens {
        if t.trim().is_empty() || t.trim() != t {
            errors.push(format!(
                "{who}: token `{t}` is empty or has spaces around it"
            ));
        }
    }
    for p in &c.phrases {
        if p.trim().is_empty() {
            errors.push(format!("{who}: empty phrase"));
        } else if let Some(problem) = folding_problem(p) {
            errors.push(format!("{who}: phrase `{p}`: {problem}"));
        }
    }
    check_examples(&who, &c.must_flag, &c.must_pass, errors);
    let window = check_window(c.window, &who, errors);
    let unless = match c.unless.as_deref().map(|u| expand(u, macros)).transpose() {
        Ok(u) => u,
        Err(e) => {
            errors.push(format!("{who}: unless: {e}"));
            None
        }
    };
    if errors.len() != before {
        return None;
    }
    let mut patterns = Vec::new();
    if !c.tokens.is_empty() {
        let mut tokens = c.tokens.clone();
        // Longest first so `LCSW-C` wins over `LCSW` at the same place.
        tokens.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        let alts: Vec<String> = tokens.iter().map(|t| regex_escape(t)).collect();
        // Boundaries are "not a letter or digit" (so `RP(Q)` and `Psy.D.` work); the span is
        // group `m`, without the boundary characters.
        patterns.push(PatternOut {
            text: "cased".into(),
            regex: format!(r"(?:^|[\W_])(?P<m>{})(?:[\W_]|$)", alts.join("|")),
            anchors: tokens,
            needs_company: false,
            not_in_caps: false,
            requires_condition: false,
            masked: false,
        });
    }
    if !c.phrases.is_empty() {
        let mut phrases = c.phrases.clone();
        phrases.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        let alts: Vec<String> = phrases
            .iter()
            .map(|p| {
                let words: Vec<String> = p.split_whitespace().map(regex_escape).collect();
                let body = words.join(r"\s+");
                let first_word = p.chars().next().is_some_and(is_word_char);
                let last_word = p.chars().last().is_some_and(is_word_char);
                format!(
                    "{}{}{}",
                    if first_word { r"\b" } else { "" },
                    body,
                    if last_word { r"\b" } else { "" }
                )
            })
            .collect();
        let mut anchors: Vec<String> = Vec::new();
        for p in &phrases {
            let first = p.split_whitespace().next().unwrap_or(p).to_string();
            if !anchors.contains(&first) {
                anchors.push(first);
            }
        }
        patterns.push(PatternOut {
            text: "folded".into(),
            regex: format!("(?:{})", alts.join("|")),
            anchors,
            needs_company: false,
            not_in_caps: false,
            requires_condition: false,
            masked: false,
        });
    }
    let category = if c.status == "non_clinical" {
        "non_clinical_title"
    } else {
        "credential"
    };
    let mut note = c.note.clone().unwrap_or_default();
    if note.is_empty() {
        let _ = write!(note, "{}", c.title);
        if !c.country.is_empty() {
            let _ = write!(note, " ({})", c.country);
        }
        note.push_str(match c.status.as_str() {
            "licensed" => ": a licence or statutory registration that can be checked.",
            "claimed_unverified" => ": sounds clinical, but nothing here can be checked.",
            _ => ": not a clinical qualification.",
        });
    }
    Some(RuleOut {
        id: format!("cred.{}", c.id),
        category: category.into(),
        kind: c.kind.clone(),
        lang: "any".into(),
        strength: "strong".into(),
        fields: vec!["name".into(), "handle".into(), "bio".into()],
        description: c.title.clone(),
        note,
        must_flag: c.must_flag,
        must_pass: c.must_pass,
        patterns,
        unless_edges: unless.as_deref().is_some_and(has_edge_anchor),
        unless: c.unless,
        window,
        credential: Some(CredentialOut {
            id: c.id,
            title: c.title,
            kind: c.kind,
            status: c.status,
            country: c.country,
            board: c.board,
            verify,
            search,
        }),
        condition: None,
    })
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The `regex` crate's escaping rules (build scripts cannot use the crate itself).
fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
