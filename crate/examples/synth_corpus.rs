//! Writes the benchmark corpus as JSON lines, for timing the command line:
//! `cargo run --release --example synth_corpus -- 10000 > /tmp/posts.jsonl`.

#[path = "../benches/synth.rs"]
mod synth;

use std::io::{BufWriter, Write};

fn main() -> std::io::Result<()> {
    let n = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let mut out = BufWriter::new(std::io::stdout().lock());
    for post in synth::corpus(n) {
        serde_json::to_writer(&mut out, &post)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
