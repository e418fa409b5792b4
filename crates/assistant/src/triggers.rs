//! Reasons to hand a conversation to a person that do not depend on the classifier.
//!
//! Three detectors, each in its own module with its word lists (English, German, Swedish,
//! French and Spanish):
//! - [`asked_for_human`]: the shopper asks for a person in words;
//! - [`frustrated`]: insults, "useless", "not helpful", shouting, or the same question again;
//! - [`sensitive_topic`]: self-harm, a stolen card or fraud, a legal threat.
//!
//! They all work on normalised tokens (module `text`: lowercase, diacritics folded),
//! with the small pattern language below, so a list entry reads like what it matches.
//! A pattern is one or more words separated by spaces; a word ending in `*` matches any token
//! that starts with it (`idiot*` matches "idiots", "idiotic").

mod asked;
mod frustration;
mod sensitive;

pub use asked::asked_for_human;
pub use frustration::frustrated;
pub use sensitive::{SensitiveTopic, sensitive_topic};

/// Whether `token` matches one pattern word.
fn word_matches(token: &str, word: &str) -> bool {
    match word.strip_suffix('*') {
        Some(prefix) => token.starts_with(prefix),
        None => token == word,
    }
}

/// Whether any of `patterns` occurs in `tokens` as consecutive words.
fn contains_any(tokens: &[String], patterns: &[&str]) -> bool {
    patterns.iter().any(|p| position(tokens, p).is_some())
}

/// Where the pattern's first word is, if the whole pattern occurs in `tokens`.
fn position(tokens: &[String], pattern: &str) -> Option<usize> {
    let len = pattern.split(' ').count();
    tokens.windows(len).position(|w| {
        w.iter()
            .zip(pattern.split(' '))
            .all(|(t, p)| word_matches(t, p))
    })
}

/// Positions of the tokens matching any single-word pattern in `words`.
fn positions(tokens: &[String], words: &[&str]) -> Vec<usize> {
    tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| words.iter().any(|w| word_matches(t, w)))
        .map(|(i, _)| i)
        .collect()
}

/// Whether a token from `a` and one from `b` are at most `window` tokens apart, in either order.
fn near(tokens: &[String], a: &[&str], b: &[&str], window: usize) -> bool {
    let (pa, pb) = (positions(tokens, a), positions(tokens, b));
    pa.iter()
        .any(|&i| pb.iter().any(|&j| i != j && i.abs_diff(j) <= window))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokens;

    #[test]
    fn patterns_match_whole_words_prefixes_and_sequences() {
        let t = tokens("You are an idiotic bot, talk to me");
        assert!(contains_any(&t, &["idiot*"]));
        assert!(!contains_any(&t, &["idiot"]));
        assert!(contains_any(&t, &["talk to"]));
        assert!(!contains_any(&t, &["to talk"]));
        assert!(near(&t, &["talk"], &["bot"], 2));
        assert!(!near(&t, &["talk"], &["idiot*"], 1));
    }
}
