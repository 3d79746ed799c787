//! Fuzz target `analyze` (see FUZZING.md): arbitrary posts (caption, name, handle, bio, labels,
//! sensitivity) through the analyzer: never a panic, every span on UTF-16 boundaries inside its
//! field and equal to its text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| check_source_fuzz::check_analyze(data));
