//! Text normalisation shared by the classifier, the lint and the handoff triggers.
//!
//! Everything that compares what a shopper typed with what a merchant wrote goes through
//! [`tokens`]: lowercase, Latin diacritics folded (shoppers often type "manniska" for
//! "människa"), and split into runs of letters and digits. Punctuation, apostrophes and
//! whitespace only separate tokens.
//!
//! Lowercasing is [`lower`], not `char::to_lowercase`: the standard library's full Unicode
//! case table is 14 KB of the widget's wasm (7 KB gzip, a tenth of its whole budget), and
//! the cased scripts shoppers write in here (Latin, Greek, Cyrillic, Armenian) fold with a
//! few ranges. Uncased scripts (Arabic, Hebrew, CJK, ...) pass through unchanged.

/// Splits `text` into normalised tokens: lowercase, diacritics folded, letters and digits only.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars().map(lower) {
        if c.is_alphanumeric() {
            push_folded(&mut current, c);
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The tokens joined by single spaces: the canonical form used to compare two phrasings.
pub fn normalized(text: &str) -> String {
    tokens(text).join(" ")
}

/// The lowercase of `c` in the Latin, Greek, Cyrillic and Armenian scripts; any other
/// character unchanged.
pub fn lower(c: char) -> char {
    let code = c as u32;
    let lowered = match code {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE | 0x391..=0x3A1 | 0x3A3..=0x3AB | 0x410..=0x42F => {
            code + 32
        }
        0x400..=0x40F => code + 80,
        0x531..=0x556 => code + 48,
        0x178 => 0xFF,
        0x130 => 0x69,
        0x4C0 => 0x4CF,
        // Latin Extended-A and Cyrillic's extended letters come in upper/lower pairs.
        0x100..=0x12F
        | 0x132..=0x137
        | 0x14A..=0x177
        | 0x460..=0x481
        | 0x48A..=0x4BF
        | 0x4D0..=0x52F
            if code.is_multiple_of(2) =>
        {
            code + 1
        }
        0x139..=0x148 | 0x179..=0x17E | 0x4C1..=0x4CE if !code.is_multiple_of(2) => code + 1,
        _ => code,
    };
    char::from_u32(lowered).unwrap_or(c)
}

/// Appends the lowercase `c` without its diacritic (å → a, ß → ss, œ → oe).
fn push_folded(out: &mut String, c: char) {
    let folded = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => "a",
        'ç' | 'č' | 'ć' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ñ' | 'ń' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'ý' | 'ÿ' => "y",
        'š' | 'ś' => "s",
        'ž' | 'ź' | 'ż' => "z",
        'ł' => "l",
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        _ => {
            out.push(c);
            return;
        }
    };
    out.push_str(folded);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercases_folds_and_drops_punctuation() {
        assert_eq!(
            tokens("Kann ich mit einer MÄNNISKA sprechen?!"),
            ["kann", "ich", "mit", "einer", "manniska", "sprechen"]
        );
        assert_eq!(tokens("Straße, l'été"), ["strasse", "l", "ete"]);
    }

    #[test]
    fn lower_agrees_with_the_standard_library_on_the_scripts_it_covers() {
        // Basic Latin to Latin Extended-A, Greek capitals, Cyrillic, Armenian capitals.
        let covered = [0x0..0x180, 0x391..0x3AC, 0x400..0x530, 0x531..0x557];
        for c in covered.into_iter().flatten().filter_map(char::from_u32) {
            let mut std_lower = c.to_lowercase();
            if let (Some(expected), None) = (std_lower.next(), std_lower.next()) {
                assert_eq!(lower(c), expected, "{c} U+{:04X}", c as u32);
            }
        }
        assert_eq!(lower('İ'), 'i');
        assert_eq!(lower('ا'), 'ا');
    }

    #[test]
    fn phrasings_differing_only_in_case_and_punctuation_normalise_alike() {
        assert_eq!(
            normalized("Where is my ORDER?"),
            normalized("where is my order")
        );
        assert_ne!(
            normalized("where is my order"),
            normalized("where is my refund")
        );
    }
}
