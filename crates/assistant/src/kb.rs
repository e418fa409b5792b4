//! The merchant's knowledge base: what the assistant may say, and how shoppers ask for it.
//!
//! A knowledge base is a TOML file (see the crate documentation for a full example): a
//! `[site]` table, an optional `[safety]` table and one `[[entry]]` per topic.
//! [`KnowledgeBase::parse`] (in the `parse` submodule) turns the text into a [`KnowledgeBase`], or into [`KbErrors`]
//! listing every problem with its line, column and entry at once, so a merchant fixes the
//! file in one go. Positions are kept on the parsed values so the [lint](crate::lint) can point
//! at them too.

mod parse;

use std::fmt;

/// A parsed, valid knowledge base.
#[derive(Debug, Clone, PartialEq)]
pub struct KnowledgeBase {
    pub site: Site,
    pub entries: Vec<Entry>,
}

impl KnowledgeBase {
    /// Parses the TOML source of a knowledge base, reporting every error found.
    pub fn parse(src: &str) -> Result<KnowledgeBase, KbErrors> {
        parse::parse(src)
    }
}

/// Site-wide settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub name: String,
    /// BCP 47 language tag of the answers, e.g. `en` or `de-CH`.
    pub language: String,
    /// The first message of the widget.
    pub greeting: String,
    /// Share of answers that must be right; the compiler picks the confidence threshold for it.
    pub target_precision: f64,
    pub safety: SafetyLines,
}

/// Short lines shown with a handoff on a sensitive topic, written (or accepted) by the merchant.
#[derive(Debug, Clone, PartialEq)]
pub struct SafetyLines {
    pub self_harm: String,
    pub fraud: String,
    pub legal: String,
}

impl Default for SafetyLines {
    fn default() -> Self {
        SafetyLines {
            self_harm: "If you are in danger or thinking about hurting yourself, please call your \
                        local emergency number (112 in the EU) now. A person from our team is joining."
                .into(),
            fraud: "Please do not type full card numbers here. If your card was stolen or used \
                    without you, call your bank to block it. A person from our team is joining."
                .into(),
            legal: "A person from our team is joining to help with this.".into(),
        }
    }
}

/// Default precision target: answer only where 19 of 20 answers are right.
pub const DEFAULT_TARGET_PRECISION: f64 = 0.95;

/// One topic the merchant answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: String,
    pub title: String,
    /// Ways shoppers ask about this topic: the training data.
    pub phrasings: Vec<Phrasing>,
    /// The merchant's answer: plain text with `[text](https://...)` links only.
    pub answer: String,
    /// Ids of entries offered as next questions after this answer.
    pub follow_ups: Vec<String>,
    /// Topics that always go to a person (disputes, fraud, account takeover).
    pub always_human: bool,
    /// Where the entry starts in the source, if it came from a file.
    pub at: Option<Pos>,
}

/// A phrasing and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Phrasing {
    pub text: String,
    pub at: Option<Pos>,
}

/// A 1-based line and column (in characters) in the knowledge base source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    /// The position of byte `offset` in `src`.
    pub fn of_offset(src: &str, offset: usize) -> Pos {
        let before = &src[..offset.min(src.len())];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Pos {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// One problem in a knowledge base source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbError {
    pub at: Pos,
    /// The id of the entry the problem is in, when it is in one that has an id.
    pub entry: Option<String>,
    pub message: String,
}

impl fmt::Display for KbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.at)?;
        if let Some(id) = &self.entry {
            write!(f, " (entry \"{id}\")")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found in a knowledge base source, in source order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct KbErrors(pub Vec<KbError>);

impl fmt::Display for KbErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let src = "a = 1\nnäme = 2\n";
        assert_eq!(Pos::of_offset(src, 0), Pos { line: 1, column: 1 });
        let offset = src.find('=').unwrap();
        assert_eq!(Pos::of_offset(src, offset), Pos { line: 1, column: 3 });
        let offset = src.rfind('=').unwrap();
        assert_eq!(Pos::of_offset(src, offset), Pos { line: 2, column: 6 });
    }
}
