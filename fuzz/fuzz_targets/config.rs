//! Fuzz target `config` (see FUZZING.md): arbitrary configuration documents. `Config::from_json`
//! never panics, and a document it accepts always builds an analyzer, round-trips through its
//! JSON and analyses its own phrases with good spans.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| check_source_fuzz::check_config(data));
