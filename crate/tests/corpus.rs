//! The engine on labelled posts.
//!
//! - `tests/corpus/golden.jsonl` (the project's own labelled corpus): every row must get its labels
//!   right, and the full verdict of every row must equal `tests/golden/verdicts.jsonl` (regenerate
//!   with `UPDATE_GOLDEN=1 cargo test -p check-source --test corpus` after a deliberate change,
//!   and review the diff).
//! - `../shared/corpus/dev.jsonl` (outside the repository, when present): prints diagnostic
//!   precision / recall / F1 and credential-status accuracy, and holds the engine to F1 ≥ 0.9,
//!   credential accuracy ≥ 90 %, no diagnostic finding on a post that is not about mental health,
//!   crisis posts → `support`, non-mental-health posts → `mental_health: false`.
//!
//! Row format (as dev.jsonl): `id, platform, lang, caption, author {handle, name, bio}, labels,
//! expect {mh, diag, sponsor, cred, crisis}`.

use std::path::{Path, PathBuf};

use check_source::analyzer::Analyzer;
use check_source::post::Post;
use check_source::verdict::{Category, CredentialStatus, Level, Verdict};
use serde::Deserialize;

#[derive(Deserialize)]
struct Expect {
    mh: bool,
    diag: bool,
    sponsor: bool,
    cred: CredentialStatus,
    crisis: bool,
}

#[derive(Deserialize)]
struct Row {
    #[serde(flatten)]
    post: Post,
    expect: Expect,
}

impl Row {
    fn id(&self) -> &str {
        self.post.id.as_deref().unwrap_or("?")
    }
}

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_rows(path: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), i + 1))
        })
        .collect()
}

/// What the verdict says, in the corpus's terms.
struct Got {
    mh: bool,
    diag: bool,
    sponsor: bool,
    cred: CredentialStatus,
    crisis: bool,
}

fn got(v: &Verdict) -> Got {
    let has = |c: Category| v.findings.iter().any(|f| f.category == c);
    Got {
        mh: v.mental_health,
        diag: has(Category::Diagnostic),
        sponsor: has(Category::Sponsorship),
        cred: v.credential_status,
        crisis: v.level == Level::Support,
    }
}

#[derive(Default)]
struct Scores {
    tp: usize,
    fp: usize,
    fn_: usize,
    cred_right: usize,
    rows: usize,
    hard_failures: Vec<String>,
}

impl Scores {
    fn precision(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fp).max(1) as f64
    }
    fn recall(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fn_).max(1) as f64
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn cred_accuracy(&self) -> f64 {
        self.cred_right as f64 / self.rows.max(1) as f64
    }
}

/// Scores rows and collects the failures that no threshold excuses.
fn evaluate(rows: &[Row], analyzer: &Analyzer) -> (Scores, Vec<String>) {
    let mut s = Scores::default();
    let mut mismatches = Vec::new();
    for row in rows {
        let v = analyzer.analyze(&row.post);
        let g = got(&v);
        let e = &row.expect;
        s.rows += 1;
        match (e.diag, g.diag) {
            (true, true) => s.tp += 1,
            (false, true) => s.fp += 1,
            (true, false) => s.fn_ += 1,
            (false, false) => {}
        }
        if e.cred == g.cred {
            s.cred_right += 1;
        }
        if !e.mh && g.diag {
            s.hard_failures.push(format!(
                "{}: diagnostic finding on a non-mental-health post",
                row.id()
            ));
        }
        if !e.mh && g.mh {
            s.hard_failures.push(format!(
                "{}: mental_health true on a non-mental-health post",
                row.id()
            ));
        }
        if e.crisis && v.level != Level::Support {
            s.hard_failures
                .push(format!("{}: crisis post got level {:?}", row.id(), v.level));
        }
        let mut wrong = Vec::new();
        if e.mh != g.mh {
            wrong.push(format!("mh {} (expected {})", g.mh, e.mh));
        }
        if e.diag != g.diag {
            wrong.push(format!("diag {} (expected {})", g.diag, e.diag));
        }
        if e.sponsor != g.sponsor {
            wrong.push(format!("sponsor {} (expected {})", g.sponsor, e.sponsor));
        }
        if e.cred != g.cred {
            wrong.push(format!("cred {:?} (expected {:?})", g.cred, e.cred));
        }
        if e.crisis != g.crisis {
            wrong.push(format!("crisis {} (expected {})", g.crisis, e.crisis));
        }
        if !wrong.is_empty() {
            mismatches.push(format!(
                "{}: {} — {:?}",
                row.id(),
                wrong.join(", "),
                row.post.caption
            ));
        }
    }
    (s, mismatches)
}

fn report(name: &str, s: &Scores, mismatches: &[String]) {
    println!(
        "{name}: {} rows; diagnostic precision {:.3} recall {:.3} F1 {:.3} (tp {} fp {} fn {}); credential status right on {}/{} ({:.1} %)",
        s.rows,
        s.precision(),
        s.recall(),
        s.f1(),
        s.tp,
        s.fp,
        s.fn_,
        s.cred_right,
        s.rows,
        100.0 * s.cred_accuracy()
    );
    for m in mismatches {
        println!("  {m}");
    }
}

#[test]
fn dev_corpus_meets_the_issue_targets() {
    let path = manifest().join("../../shared/corpus/dev.jsonl");
    if !path.exists() {
        println!(
            "skipped: {} not found (it lives outside the repository)",
            path.display()
        );
        return;
    }
    let rows = read_rows(&path);
    let (s, mismatches) = evaluate(&rows, &Analyzer::default());
    report("dev.jsonl", &s, &mismatches);
    assert!(s.hard_failures.is_empty(), "{}", s.hard_failures.join("\n"));
    assert!(s.f1() >= 0.9, "diagnostic F1 {:.3} < 0.9", s.f1());
    assert!(
        s.cred_accuracy() >= 0.9,
        "credential accuracy {:.3} < 0.9",
        s.cred_accuracy()
    );
}

fn golden_rows() -> Option<Vec<Row>> {
    let path = manifest().join("tests/corpus/golden.jsonl");
    path.exists().then(|| read_rows(&path))
}

#[test]
fn golden_corpus_rows_are_all_right() {
    let Some(rows) = golden_rows() else {
        println!("skipped: tests/corpus/golden.jsonl not written yet");
        return;
    };
    let (s, mismatches) = evaluate(&rows, &Analyzer::default());
    report("golden.jsonl", &s, &mismatches);
    assert!(s.hard_failures.is_empty(), "{}", s.hard_failures.join("\n"));
    assert!(
        mismatches.is_empty(),
        "{} of {} golden rows disagree with their labels:\n{}",
        mismatches.len(),
        rows.len(),
        mismatches.join("\n")
    );
}

#[test]
fn golden_verdicts_are_unchanged() {
    let Some(rows) = golden_rows() else {
        println!("skipped: tests/corpus/golden.jsonl not written yet");
        return;
    };
    let analyzer = Analyzer::default();
    let actual: Vec<String> = rows
        .iter()
        .map(|r| serde_json::to_string(&analyzer.analyze(&r.post)).expect("verdict serialises"))
        .collect();
    let path = manifest().join("tests/golden/verdicts.jsonl");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual.join("\n") + "\n").unwrap();
        println!("wrote {}", path.display());
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; create it with UPDATE_GOLDEN=1 cargo test -p check-source --test corpus",
            path.display()
        )
    });
    let expected: Vec<&str> = expected.lines().collect();
    let mut diffs = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let want = expected.get(i).copied().unwrap_or("<missing>");
        if want != actual[i] {
            diffs.push(format!(
                "{}:\n  expected {want}\n  actual   {}",
                row.id(),
                actual[i]
            ));
        }
    }
    if expected.len() != actual.len() {
        diffs.push(format!(
            "{} golden verdicts for {} rows",
            expected.len(),
            actual.len()
        ));
    }
    assert!(
        diffs.is_empty(),
        "verdicts changed (UPDATE_GOLDEN=1 to accept after review):\n{}",
        diffs.join("\n")
    );
}

#[test]
fn fast_and_naive_agree_on_every_corpus_row() {
    let analyzer = Analyzer::default();
    let mut rows = golden_rows().unwrap_or_default();
    let dev = manifest().join("../../shared/corpus/dev.jsonl");
    if dev.exists() {
        rows.extend(read_rows(&dev));
    }
    for row in &rows {
        assert_eq!(
            analyzer.analyze(&row.post),
            analyzer.analyze_naive(&row.post),
            "{}: the anchor pass lost a match",
            row.id()
        );
    }
}

/// The command line writes verdicts by hand (`Verdict::write_json`); it must write exactly what
/// serde_json writes (what the wasm's callers and the golden file were made from) for every row
/// of the golden corpus and of dev.jsonl, under the shipped configuration and a high-sensitivity
/// one with user keywords (more findings, `user.*` rules).
#[test]
fn hand_written_json_equals_serde_json_on_every_corpus_row() {
    let mut rows = golden_rows().unwrap_or_default();
    let dev = manifest().join("../../shared/corpus/dev.jsonl");
    if dev.exists() {
        rows.extend(read_rows(&dev));
    }
    assert!(!rows.is_empty(), "no corpus rows found");
    let mut config = check_source::config::Config {
        sensitivity: check_source::config::Sensitivity::High,
        ..Default::default()
    };
    config
        .keywords
        .insert(Category::Diagnostic, vec!["brain".into()]);
    config
        .keywords
        .insert(Category::Sponsorship, vec!["link".into()]);
    let mut written = 0;
    for analyzer in [Analyzer::default(), Analyzer::new(&config).unwrap()] {
        for row in &rows {
            let verdict = analyzer.analyze(&row.post);
            let mut ours = Vec::new();
            verdict.write_json(&mut ours);
            let theirs = serde_json::to_string(&verdict).expect("verdict serialises");
            assert_eq!(String::from_utf8(ours).unwrap(), theirs, "{}", row.id());
            written += verdict.findings.len() + verdict.credentials.len();
        }
    }
    assert!(written > 100, "the corpus yields too few findings to test");
}
