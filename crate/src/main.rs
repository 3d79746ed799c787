//! `check-source`: the engine on JSON lines (see README.md).

fn main() {}
