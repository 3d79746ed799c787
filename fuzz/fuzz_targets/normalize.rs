//! Fuzz target `normalize` (see FUZZING.md): arbitrary text through both folds of the
//! normaliser; every char-boundary range of the normalised text maps back to an ordered,
//! in-range, surrogate-safe UTF-16 range of the original.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| check_source_fuzz::check_normalize(data));
