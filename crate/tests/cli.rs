//! The `check-source` command line as a person runs it: exit codes, order, error lines.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn check_source(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_check-source"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run check-source");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn temp_file(name: &str, contents: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("check-source-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

#[test]
fn analyze_reads_stdin_and_writes_one_verdict_per_line() {
    let out = check_source(
        &["analyze"],
        "{\"id\":\"p1\",\"platform\":\"tiktok\",\"caption\":\"5 signs you have undiagnosed ADHD\"}\n{\"id\":\"p2\",\"caption\":\"pasta night\"}\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "p1");
    assert_eq!(lines[0]["level"], "warning");
    assert_eq!(lines[0]["findings"][0]["category"], "diagnostic");
    assert_eq!(lines[1]["id"], "p2");
    assert_eq!(lines[1]["level"], "none");
}

#[test]
fn analyze_reads_a_file_argument() {
    let input = temp_file("posts.jsonl", "{\"id\":\"x\",\"caption\":\"hello\"}\n");
    let out = check_source(&["analyze", input.to_str().unwrap()], "");
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 1);
}

#[test]
fn a_bad_config_exits_2_naming_the_field() {
    let config = temp_file("bad.json", r#"{"version": 1, "sensitivity": "extreme"}"#);
    let out = check_source(&["analyze", "--config", config.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("sensitivity"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_config_is_applied() {
    let config = temp_file(
        "keywords.json",
        r#"{"version": 1, "keywords": {"diagnostic": ["zorbling disorder"]}}"#,
    );
    let out = check_source(
        &["analyze", "--config", config.to_str().unwrap()],
        "{\"id\":\"k\",\"caption\":\"you clearly have zorbling disorder\"}\n",
    );
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["rule"], "user.diagnostic");
    assert_eq!(v["findings"][0]["text"], "zorbling disorder");
}

#[test]
fn a_missing_input_file_exits_1() {
    let out = check_source(&["analyze", "/nonexistent/posts.jsonl"], "");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(check_source(&["frobnicate"], "").status.code(), Some(2));
    assert_eq!(
        check_source(&["analyze", "--bogus"], "").status.code(),
        Some(2)
    );
}

#[test]
fn rules_lists_every_rule_with_examples() {
    let out = check_source(&["rules"], "");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let rules: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(rules.len() > 50, "only {} rules", rules.len());
    for r in &rules {
        for key in ["id", "category", "lang", "description"] {
            assert!(r.get(key).is_some(), "rule without {key}: {r}");
        }
    }
    assert!(rules.iter().any(|r| r["id"] == "en.diag.signs-you-have"));
}
