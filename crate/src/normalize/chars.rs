//! Character tables of the normaliser: what is invisible, which punctuation folds to ASCII, which
//! Cyrillic and Greek letters pass for Latin ones, and which symbols stand for letters in
//! leetspeak. Kept as `match` tables: no data files, no allocation. (NFKC and the lowercase
//! without accents are generated tables: `tables.rs`.)

/// Characters that render as nothing (zero-width, joiners, bidi controls, variation selectors,
/// soft hyphen, tag characters): dropped so "ad\u{200B}hd" reads "adhd".
pub(super) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Curly and typographic quotes become `'` and `"`, dashes and minus become `-`, so patterns
/// only ever need the ASCII forms. Applied before NFKC (which would turn "´" into a space and a
/// combining accent, and "″" into two primes) and again after it (NFKC yields U+2014 for U+FE58).
pub(super) fn fold_punct(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{2035}'
        | '\u{02B9}' | '\u{02BB}' | '\u{02BC}' | '\u{02BD}' | '\u{00B4}' | '\u{2039}'
        | '\u{203A}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{2036}'
        | '\u{00AB}' | '\u{00BB}' => '"',
        '\u{2010}'..='\u{2015}'
        | '\u{2043}'
        | '\u{2212}'
        | '\u{FE58}'
        | '\u{FE63}'
        | '\u{FF0D}' => '-',
        _ => c,
    }
}

/// Whether `c` is a Cyrillic or Greek letter (where look-alikes live); a cheap pre-check.
pub(super) fn is_cyrillic_or_greek(c: char) -> bool {
    matches!(c, '\u{0370}'..='\u{052F}')
}

/// The Latin letter a lowercase Cyrillic or Greek letter passes for. `upper` says whether the
/// source letter was a capital, because the look differs by case: capital "Ν" reads as "N" but
/// small "ν" as "v"; capital "Η" as "H" but small "η" as "n".
pub(super) fn lookalike(c: char, upper: bool) -> Option<char> {
    let latin = match c {
        // Cyrillic
        'а' => 'a',
        'в' => 'b',
        'е' => 'e',
        'к' => 'k',
        'м' => 'm',
        'н' => 'h',
        'о' => 'o',
        'р' => 'p',
        'с' => 'c',
        'т' => 't',
        'у' => 'y',
        'х' => 'x',
        'і' => 'i',
        'ј' => 'j',
        'ѕ' => 's',
        'һ' => 'h',
        'ԁ' => 'd',
        'ԛ' => 'q',
        'ԝ' => 'w',
        'ӏ' => 'l',
        'ү' => 'y',
        // Greek
        'α' => 'a',
        'β' => 'b',
        'ε' => 'e',
        'ζ' if upper => 'z',
        'η' => {
            if upper {
                'h'
            } else {
                'n'
            }
        }
        'ι' => 'i',
        'κ' => 'k',
        'μ' => {
            if upper {
                'm'
            } else {
                'u'
            }
        }
        'ν' => {
            if upper {
                'n'
            } else {
                'v'
            }
        }
        'ο' => 'o',
        'ρ' => 'p',
        'τ' => 't',
        'υ' => {
            if upper {
                'y'
            } else {
                'u'
            }
        }
        'χ' => 'x',
        'γ' if !upper => 'y',
        'ω' if !upper => 'w',
        'ϲ' => 'c',
        _ => return None,
    };
    Some(latin)
}

/// The letter a leetspeak symbol stands for between two letters ("d3pression", "s1gns",
/// "unal!ve"). Digits elsewhere ("3 signs", "mp3", "2024") are left alone by the caller.
pub(super) fn leet(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' | '!' => 'i',
        '3' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' => 't',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_folds_to_ascii() {
        assert_eq!(fold_punct('’'), '\'');
        assert_eq!(fold_punct('“'), '"');
        assert_eq!(fold_punct('—'), '-');
        assert_eq!(fold_punct('−'), '-');
        assert_eq!(fold_punct('x'), 'x');
    }

    #[test]
    fn lookalikes_depend_on_case() {
        assert_eq!(lookalike('ν', true), Some('n'));
        assert_eq!(lookalike('ν', false), Some('v'));
        assert_eq!(lookalike('а', false), Some('a'));
        assert_eq!(lookalike('ж', false), None);
    }
}
