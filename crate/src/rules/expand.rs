//! Macro expansion for rule patterns (`{name}` → `(?:fragment)`), shared by `build.rs` (which
//! validates every pattern with it) and the runtime (which expands the shipped, unexpanded
//! patterns once when the catalogue loads).
//!
//! Why both: shipping the patterns with `{condition}` and the other macros unexpanded keeps the
//! embedded rule data small (the `{condition}` alternation alone is ~4 KB and was copied into
//! every rule that uses it), while one function guarantees the runtime expands exactly what the
//! build checked.

use std::collections::BTreeMap;

/// Whether `s` is a macro name (`{name}`): lowercase letters, digits and `_`, not starting with a
/// digit, so repetition counts such as `{2,3}` are never read as macros.
pub fn is_macro_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z' | '_'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

/// Replaces every `{name}` by `(?:fragment)`; repetition counts such as `{2,3}` start with a
/// digit and are left alone, and an escaped `\{` is a literal. Macros may use other macros, up to
/// 8 deep.
pub fn expand(pattern: &str, macros: &BTreeMap<String, String>) -> Result<String, String> {
    expand_at(pattern, macros, 0)
}

fn expand_at(
    pattern: &str,
    macros: &BTreeMap<String, String>,
    depth: u32,
) -> Result<String, String> {
    if depth > 8 {
        return Err("macros nest more than 8 deep (a macro that uses itself?)".into());
    }
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        // An escaped brace `\{` is a literal.
        let escaped = rest[..open]
            .chars()
            .rev()
            .take_while(|&c| c == '\\')
            .count()
            % 2
            == 1;
        let after = &rest[open + 1..];
        let close = after.find('}');
        match close {
            Some(close) if !escaped && is_macro_name(&after[..close]) => {
                let name = &after[..close];
                let frag = macros
                    .get(name)
                    .ok_or_else(|| format!("unknown macro {{{name}}}"))?;
                out.push_str(&rest[..open]);
                out.push_str("(?:");
                out.push_str(&expand_at(frag, macros, depth + 1)?);
                out.push(')');
                rest = &after[close + 1..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn macros() -> BTreeMap<String, String> {
        [
            ("n", r"\d{1,2}|one"),
            ("sign", "signs?|{n} clues"),
            ("me", "{me}"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn expands_nested_macros_and_leaves_counts_and_escapes() {
        let m = macros();
        assert_eq!(
            expand(r"{sign}\s+x{2,3}\{n}", &m).unwrap(),
            r"(?:signs?|(?:\d{1,2}|one) clues)\s+x{2,3}\{n}"
        );
        assert_eq!(expand("no macros", &m).unwrap(), "no macros");
    }

    #[test]
    fn unknown_and_self_referencing_macros_are_errors() {
        let m = macros();
        assert!(expand("{nope}", &m).unwrap_err().contains("{nope}"));
        assert!(expand("{me}", &m).unwrap_err().contains("8 deep"));
    }
}
