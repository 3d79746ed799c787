//! `check-source`: the same engine as the extension, on JSON lines.
//!
//! ```text
//! check-source analyze [FILE] [--config FILE]   one verdict per input line, in order
//! check-source rules                            every rule with category, languages, examples
//! ```
//! Every input line gets exactly one output line; a malformed line gets
//! `{"id": …, "line": N, "error": "…"}` and the run goes on. Exit status: 0 unless input or output
//! failed (1), 2 for bad usage or a bad `--config`.
//!
//! Native only: it reads files and stdin, and uses serde_json, which the `.wasm` does not carry.
//! `cargo test --target wasm32-unknown-unknown` still compiles every binary of the package, so
//! for that target this crate is empty (no `main`).
#![cfg_attr(target_arch = "wasm32", no_main)]
#![cfg(not(target_arch = "wasm32"))]

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::process::ExitCode;

use check_source::analyzer::Analyzer;
use check_source::config::Config;
use check_source::post::Post;
use check_source::rules;
use serde_json::{json, Value};

const USAGE: &str = "usage: check-source analyze [FILE] [--config FILE]\n       check-source rules";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("analyze") => analyze_command(&args[1..]),
        Some("rules") if args.len() == 1 => rules_command(),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// `analyze`'s arguments: an optional input file and an optional configuration file.
#[derive(Debug, Default, PartialEq)]
struct AnalyzeArgs {
    input: Option<String>,
    config: Option<String>,
}

fn parse_analyze_args(args: &[String]) -> Result<AnalyzeArgs, String> {
    let mut parsed = AnalyzeArgs::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if arg == "--config" {
            let path = it.next().ok_or("--config needs a file")?;
            if parsed.config.replace(path.clone()).is_some() {
                return Err("--config given twice".into());
            }
        } else if let Some(path) = arg.strip_prefix("--config=") {
            if parsed.config.replace(path.to_string()).is_some() {
                return Err("--config given twice".into());
            }
        } else if arg.starts_with("--") {
            return Err(format!("unknown option {arg}"));
        } else if parsed.input.replace(arg.clone()).is_some() {
            return Err("only one input FILE".into());
        }
    }
    Ok(parsed)
}

fn load_config(path: &str) -> Result<Config, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    Config::from_json(&text).map_err(|e| format!("{path}: {}: {}", e.field, e.message))
}

fn analyze_command(args: &[String]) -> ExitCode {
    let args = match parse_analyze_args(args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("check-source: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let analyzer = match args.config.as_deref().map(load_config).transpose() {
        Ok(config) => match Analyzer::new(&config.unwrap_or_default()) {
            Ok(a) => a,
            Err(e) => {
                eprintln!("check-source: config: {}: {}", e.field, e.message);
                return ExitCode::from(2);
            }
        },
        Err(e) => {
            eprintln!("check-source: config: {e}");
            return ExitCode::from(2);
        }
    };
    let input: Box<dyn BufRead> = match &args.input {
        None => Box::new(BufReader::with_capacity(1 << 16, io::stdin().lock())),
        Some(path) => match File::open(path) {
            Ok(f) => Box::new(BufReader::with_capacity(1 << 16, f)),
            Err(e) => {
                eprintln!("check-source: {path}: {e}");
                return ExitCode::from(1);
            }
        },
    };
    let stdout = io::stdout().lock();
    match run(&analyzer, input, BufWriter::with_capacity(1 << 16, stdout)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(1),
        Err(e) => {
            eprintln!("check-source: {e}");
            ExitCode::from(1)
        }
    }
}

/// Reads JSON lines from `input` and writes one verdict (or error object) per line to `output`.
fn run(analyzer: &Analyzer, mut input: impl BufRead, mut output: impl Write) -> io::Result<()> {
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    // One verdict's JSON, written by hand (`Verdict::write_json`, equal to serde_json's output)
    // and handed to the writer whole.
    let mut json = Vec::with_capacity(4096);
    // The post each line is read into when it has the plain shape: its strings are reused.
    let mut post = Post::default();
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        line_no += 1;
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        json.clear();
        match analyze_line(analyzer, &buf, &mut post) {
            Ok(verdict) => verdict.write_json(&mut json),
            Err((id, error)) => serde_json::to_writer(
                &mut json,
                &json!({"id": id, "line": line_no, "error": error}),
            )?,
        }
        json.push(b'\n');
        output.write_all(&json)?;
    }
    output.flush()
}

/// One line to one verdict; on failure, the id (when one could be read) and why. `scratch` is
/// the post plain lines are read into (its contents on entry do not matter).
fn analyze_line(
    analyzer: &Analyzer,
    line: &[u8],
    scratch: &mut Post,
) -> Result<check_source::verdict::Verdict, (Value, String)> {
    let text = std::str::from_utf8(line)
        .map_err(|e| (Value::Null, format!("line is not valid UTF-8: {e}")))?;
    if text.trim().is_empty() {
        return Err((Value::Null, "empty line: expected one JSON post".into()));
    }
    // Fastest path: the plain shape of a post, read by hand into the post the run reuses
    // (`Post::read_plain_json`, which refuses anything else).
    if scratch.read_plain_json(text) {
        return Ok(analyzer.analyze(scratch));
    }
    // Fast path: straight into `Post`, without building a `Value` tree for every line. Anything
    // it refuses (duplicate keys, wrong types) takes the path below, which reads the id and words
    // the error; an object either path accepts gives the same post. Lines with a `\u` escape
    // take the slow path too: skipping an unknown field does not check its escapes (a lone
    // surrogate), which the slow path reports as invalid JSON.
    if text.trim_start().starts_with('{') && !text.contains("\\u") {
        if let Ok(post) = serde_json::from_str::<Post>(text) {
            return Ok(analyzer.analyze(&post));
        }
    }
    let value: Value =
        serde_json::from_str(text).map_err(|e| (Value::Null, format!("invalid JSON: {e}")))?;
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    if !value.is_object() {
        return Err((id, "expected a JSON object (one post)".into()));
    }
    let post: Post =
        serde_json::from_value(value).map_err(|e| (id, format!("invalid post: {e}")))?;
    Ok(analyzer.analyze(&post))
}

fn rules_command() -> ExitCode {
    let stdout = io::stdout().lock();
    let mut out = BufWriter::new(stdout);
    for rule in rules::catalog() {
        if serde_json::to_writer(&mut out, rule).is_err() || out.write_all(b"\n").is_err() {
            return ExitCode::from(1);
        }
    }
    if out.flush().is_err() {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;
    use check_source::verdict::Verdict;

    fn run_lines(input: &str) -> Vec<Value> {
        let mut out = Vec::new();
        run(&Analyzer::default(), input.as_bytes(), &mut out).unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn one_output_line_per_input_line_in_order_with_errors_in_place() {
        let input = concat!(
            r#"{"id":"a","platform":"tiktok","caption":"5 signs you have ADHD"}"#,
            "\n",
            "not json\n",
            "\n",
            r#"{"id":"d","platform":"myspace","caption":"x"}"#,
            "\n",
            r#"[1,2]"#,
            "\n",
            r#"{"id":"f","platform":"instagram","caption":"pasta night 🍝"}"#,
            "\n"
        );
        let out = run_lines(input);
        assert_eq!(out.len(), 6);
        assert_eq!(out[0]["id"], "a");
        assert_eq!(out[0]["mental_health"], true);
        assert_eq!(out[1]["line"], 2);
        assert!(out[1]["error"].as_str().unwrap().contains("invalid JSON"));
        assert_eq!(out[2]["line"], 3);
        assert_eq!(out[3]["id"], "d");
        assert!(out[3]["error"].as_str().unwrap().contains("invalid post"));
        assert_eq!(out[4]["line"], 5);
        assert_eq!(out[5]["id"], "f");
        assert_eq!(out[5]["mental_health"], false);
    }

    /// The fast path (straight into `Post`) and the `Value` path answer every line alike:
    /// duplicate keys (the last wins), arrays, wrong types, escapes in unknown fields.
    #[test]
    fn fast_and_slow_paths_agree() {
        let slow = |text: &str| -> Result<Verdict, (Value, String)> {
            let value: Value = serde_json::from_str(text)
                .map_err(|e| (Value::Null, format!("invalid JSON: {e}")))?;
            let id = value.get("id").cloned().unwrap_or(Value::Null);
            if !value.is_object() {
                return Err((id, "expected a JSON object (one post)".into()));
            }
            let post: Post =
                serde_json::from_value(value).map_err(|e| (id, format!("invalid post: {e}")))?;
            Ok(Analyzer::default().analyze(&post))
        };
        for line in [
            r#"{"id":"a","caption":"x","caption":"5 signs you have ADHD"}"#,
            r#"{"id":"b","labels":null}"#,
            r#"{"id":"c","caption":"signs you have adhd","zz":"\ud800"}"#,
            r#"{"id":"d","caption":"signs you have \u0041DHD","author":{"name":"Dee, LCSW"}}"#,
            r#"{"id":"e","author":["h","Dee, LCSW","bio"],"caption":"ok"}"#,
            r#"{"id":"f","author":{"nick":"x"}}"#,
            r#"  {"id":"g","platform":"instagram","labels":["Paid partnership"]}  "#,
            r#"["p1","tiktok","5 signs you have ADHD"]"#,
        ] {
            let fast = analyze_line(&Analyzer::default(), line.as_bytes(), &mut Post::default());
            assert_eq!(fast, slow(line), "{line}");
        }
    }

    #[test]
    fn invalid_utf8_line_is_reported_and_the_run_goes_on() {
        let mut input = b"\xff\xfe\n".to_vec();
        input.extend_from_slice(br#"{"id":"ok","caption":"hello"}"#);
        let mut out = Vec::new();
        run(&Analyzer::default(), &input[..], &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0]["error"].as_str().unwrap().contains("UTF-8"));
        assert_eq!(lines[1]["id"], "ok");
    }

    #[test]
    fn a_five_megabyte_caption_is_analysed_and_marked_truncated() {
        let caption = "signs you have ADHD ".repeat(5 * 1024 * 1024 / 20);
        let line = serde_json::to_string(&json!({"id": "big", "caption": caption})).unwrap();
        let out = run_lines(&line);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0]["truncated"], true);
        assert_eq!(out[0]["mental_health"], true);
    }

    #[test]
    fn arguments() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            parse_analyze_args(&s(&["in.jsonl", "--config", "c.json"])).unwrap(),
            AnalyzeArgs {
                input: Some("in.jsonl".into()),
                config: Some("c.json".into())
            }
        );
        assert!(parse_analyze_args(&s(&["--config"])).is_err());
        assert!(parse_analyze_args(&s(&["a", "b"])).is_err());
        assert!(parse_analyze_args(&s(&["--verbose"])).is_err());
    }
}
