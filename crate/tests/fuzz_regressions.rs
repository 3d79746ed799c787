//! Fuzzing's findings, kept: every input the fuzz targets (`fuzz/`, FUZZING.md) ever crashed on is
//! a file under `tests/fuzz_inputs/<target>/`, replayed here in plain `cargo test` through exactly
//! the decoding and assertions of the target (`fuzz/src/lib.rs`, included by path), together with
//! the seed corpora in `fuzz/seeds/<target>/`.
//!
//! The seeds are replayed stepping over the open bugs (`harness::OPEN_BUGS`); found inputs strictly.
//! An input whose bug is not fixed yet is named `open-*`: the folder replay skips it and it has a
//! test of its own marked `#[ignore]` with the reason, listed in [`OPEN`]; when the bug is fixed,
//! drop the `open-` prefix, the test and the entry.

#[path = "../../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod harness;

use std::fs;
use std::panic;
use std::path::{Path, PathBuf};

/// Inputs of known, not yet fixed bugs (`<target>/<file>`), each with its own ignored test below.
const OPEN: &[&str] = &[];

/// What a target asserts about one input; panics on a failure.
type Check = fn(&[u8]);

/// The targets, with the check each replays.
const TARGETS: &[(&str, Check)] = &[
    ("analyze", harness::check_analyze),
    ("config", harness::check_config),
    ("normalize", harness::check_normalize),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// The files of one folder, sorted; an absent folder is empty.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = match fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.expect("readable directory entry").path())
            .filter(|p| p.is_file())
            .collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}

fn is_open(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("open-"))
}

/// Runs `check` on every file, collecting every failure (not just the first) with its file name.
fn replay(paths: &[PathBuf], check: Check) -> Vec<String> {
    let mut failures = Vec::new();
    for path in paths {
        let data = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if let Err(e) = panic::catch_unwind(|| check(&data)) {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "non-string panic".into());
            failures.push(format!("{}: {msg}", path.display()));
        }
    }
    failures
}

fn replay_target(target: &str) {
    let check = TARGETS
        .iter()
        .find(|(t, _)| *t == target)
        .map(|(_, c)| *c)
        .expect("a known target");
    let seeds = files(&root().join("../fuzz/seeds").join(target));
    assert!(!seeds.is_empty(), "no seed corpus for {target}");
    let found: Vec<PathBuf> = files(&root().join("tests/fuzz_inputs").join(target))
        .into_iter()
        .filter(|p| !is_open(p))
        .collect();
    // Seeds are realistic inputs, not findings: they may hit an open bug, which has its own
    // ignored test. Found inputs are replayed with every check strict.
    let mut failures = harness::stepping_over_open_bugs(|| replay(&seeds, check));
    failures.extend(replay(&found, check));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Replays one kept input of a known open bug (from its ignored test).
// Used by the ignored test of each open bug; none is open now.
#[allow(dead_code)]
fn replay_open(target_and_file: &str) {
    assert!(
        OPEN.contains(&target_and_file),
        "list {target_and_file} in OPEN"
    );
    let (target, _) = target_and_file.split_once('/').expect("<target>/<file>");
    let check = TARGETS
        .iter()
        .find(|(t, _)| *t == target)
        .map(|(_, c)| *c)
        .expect("a known target");
    let path = root().join("tests/fuzz_inputs").join(target_and_file);
    check(&fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())));
}

#[test]
fn analyze_inputs_pass() {
    replay_target("analyze");
}

#[test]
fn config_inputs_pass() {
    replay_target("config");
}

#[test]
fn normalize_inputs_pass() {
    replay_target("normalize");
}

#[test]
fn every_open_input_is_listed_and_present() {
    for (target, _) in TARGETS {
        for p in files(&root().join("tests/fuzz_inputs").join(target)) {
            if is_open(&p) {
                let name = format!("{target}/{}", p.file_name().unwrap().to_string_lossy());
                assert!(
                    OPEN.contains(&name.as_str()),
                    "{name} has no ignored test in OPEN"
                );
            }
        }
    }
    for name in OPEN {
        assert!(
            root().join("tests/fuzz_inputs").join(name).is_file(),
            "{name} listed in OPEN but missing"
        );
    }
}

#[test]
fn the_replay_reports_a_failing_input() {
    // The harness must be able to fail: a span outside its field is caught.
    let failures = replay(&[root().join("tests/fuzz_regressions.rs")], |_| {
        harness::check_span("probe", "ab", 1, 3, "b")
    });
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(failures[0].contains("outside a field"), "{failures:?}");
}

#[test]
fn analyze_inputs_decode_as_written() {
    use check_source::post::{Author, Post};
    let post = Post {
        id: Some("fuzz".into()),
        caption: "5 signs you have ADHD 🧠".into(),
        author: Author {
            name: None,
            handle: Some("dr.lee".into()),
            bio: Some("LCSW".into()),
        },
        labels: vec!["Paid partnership".into(), String::new()],
        ..Post::default()
    };
    let bytes = harness::encode_post(0x1A, &post);
    let decoded = harness::decode_post(&bytes);
    let mut expected = post.clone();
    expected.author.name = Some(String::new());
    assert_eq!(decoded.post, expected);
    assert_eq!(decoded.sensitivity, check_source::config::Sensitivity::High);
    assert!(decoded.naive && decoded.matches);
    assert_eq!(harness::decode_post(b"").post.author, Author::default());
}
