//! Check the Source engine: reads one social-media post and decides what the "check the source"
//! badge says: whether it is about mental health, which diagnostic, treatment, sponsorship or crisis
//! language it uses (with UTF-16 spans into the original text), and which credential the creator
//! shows. Pure Rust: the browser bindings live in `wasm.rs` only.

pub mod analyzer;
pub mod config;
pub mod credentials;
pub mod level;
pub mod literals;
pub mod lookup;
pub mod matcher;
pub mod normalize;
pub mod post;
pub mod regex_engine;
pub mod rules;
pub mod verdict;
#[cfg(target_arch = "wasm32")]
pub mod wasm;
