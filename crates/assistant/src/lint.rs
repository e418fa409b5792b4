//! Warnings about a valid knowledge base that will answer worse than it could.
//!
//! [`lint`] looks for what a merchant can fix in minutes: the same phrasing under two entries
//! (the model cannot tell them apart), entries with too few phrasings to learn from, and links
//! that the widget will not render because they are not `http(s)` or do not parse. Phrasings
//! are compared in their normalised form, so "Where is my order?" and "where is my order" are
//! the same.

use std::collections::BTreeMap;
use std::fmt;

use crate::answer::{broken_links, is_web_url, link_targets};
use crate::kb::{KnowledgeBase, Pos};
use crate::text::normalized;

/// Fewer phrasings than this and an entry is rarely recognised when asked in other words.
pub const MIN_PHRASINGS: usize = 5;

/// One warning, attached to an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lint {
    pub at: Option<Pos>,
    pub entry: String,
    pub kind: LintKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LintKind {
    /// The phrasing also appears under `other` (or twice in this entry, when `other` is itself).
    DuplicatePhrasing {
        phrasing: String,
        other: String,
    },
    TooFewPhrasings {
        count: usize,
    },
    NonWebLink {
        target: String,
    },
    /// Link-shaped text that does not parse as a link.
    BrokenLink {
        text: String,
    },
}

impl fmt::Display for Lint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(at) = self.at {
            write!(f, "{at} ")?;
        }
        write!(f, "(entry \"{}\"): ", self.entry)?;
        match &self.kind {
            LintKind::DuplicatePhrasing { phrasing, other } if other == &self.entry => {
                write!(f, "phrasing {phrasing:?} is listed twice")
            }
            LintKind::DuplicatePhrasing { phrasing, other } => write!(
                f,
                "phrasing {phrasing:?} is also under entry \"{other}\"; keep it in one of them"
            ),
            LintKind::TooFewPhrasings { count } => write!(
                f,
                "only {count} phrasing{}; add at least {MIN_PHRASINGS}, asked in different words",
                if *count == 1 { "" } else { "s" }
            ),
            LintKind::NonWebLink { target } => write!(
                f,
                "link target {target:?} is not an http(s) address and will be shown as plain text"
            ),
            LintKind::BrokenLink { text } => write!(
                f,
                "{text:?} is not read as a link and will be shown as typed: a link needs text, and \
                 its address no spaces or parentheses (write %20, %28, %29)"
            ),
        }
    }
}

/// All warnings, in entry order.
pub fn lint(kb: &KnowledgeBase) -> Vec<Lint> {
    let mut out = Vec::new();
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for entry in &kb.entries {
        if entry.phrasings.len() < MIN_PHRASINGS {
            out.push(Lint {
                at: entry.at,
                entry: entry.id.clone(),
                kind: LintKind::TooFewPhrasings {
                    count: entry.phrasings.len(),
                },
            });
        }
        for p in &entry.phrasings {
            if let Some(other) = seen.insert(normalized(&p.text), &entry.id) {
                out.push(Lint {
                    at: p.at,
                    entry: entry.id.clone(),
                    kind: LintKind::DuplicatePhrasing {
                        phrasing: p.text.clone(),
                        other: other.to_owned(),
                    },
                });
            }
        }
        for target in link_targets(&entry.answer) {
            if !is_web_url(target) {
                out.push(Lint {
                    at: entry.at,
                    entry: entry.id.clone(),
                    kind: LintKind::NonWebLink {
                        target: target.to_owned(),
                    },
                });
            }
        }
        for text in broken_links(&entry.answer) {
            out.push(Lint {
                at: entry.at,
                entry: entry.id.clone(),
                kind: LintKind::BrokenLink {
                    text: text.to_owned(),
                },
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kb(entries: &str) -> KnowledgeBase {
        KnowledgeBase::parse(&format!(
            "[site]\nname = \"A\"\ngreeting = \"Hi\"\n{entries}"
        ))
        .unwrap()
    }

    const FIVE: &str = r#"phrasings = ["one", "two", "three", "four", "five"]"#;

    #[test]
    fn a_clean_knowledge_base_has_no_warnings() {
        let kb = kb(&format!(
            "[[entry]]\nid = \"a\"\ntitle = \"A\"\n{FIVE}\nanswer = \"See [x](https://a.example/x)\"\n\
             [[entry]]\nid = \"b\"\ntitle = \"B\"\nphrasings = [\"six\", \"seven\", \"eight\", \"nine\", \"ten\"]\nanswer = \"B\"\n"
        ));
        assert_eq!(lint(&kb), []);
    }

    #[test]
    fn reports_duplicates_across_and_within_entries() {
        let kb = kb(&format!(
            "[[entry]]\nid = \"a\"\ntitle = \"A\"\n{FIVE}\nanswer = \"A\"\n\
             [[entry]]\nid = \"b\"\ntitle = \"B\"\nphrasings = [\"Two!\", \"six\", \"seven\", \"eight\", \"Eight\"]\nanswer = \"B\"\n"
        ));
        let text: Vec<String> = lint(&kb).iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "line 12, column 14 (entry \"b\"): phrasing \"Two!\" is also under entry \"a\"; keep it in one of them",
                "line 12, column 47 (entry \"b\"): phrasing \"Eight\" is listed twice",
            ]
        );
    }

    #[test]
    fn reports_thin_entries_and_links_that_will_not_render() {
        let kb = kb(
            "[[entry]]\nid = \"a\"\ntitle = \"A\"\nphrasings = [\"one\", \"two\"]\nanswer = \"[x](https://a.example) [y](javascript:void) [z](/faq) [w](https://a.example/a b)\"\n\
             [[entry]]\nid = \"b\"\ntitle = \"B\"\nphrasings = [\"six\", \"seven\", \"eight\", \"nine\", \"ten\"]\nanswer = \"B\"\n",
        );
        let kinds: Vec<LintKind> = lint(&kb).into_iter().map(|l| l.kind).collect();
        assert_eq!(
            kinds,
            [
                LintKind::TooFewPhrasings { count: 2 },
                LintKind::NonWebLink {
                    target: "javascript:void".into()
                },
                LintKind::NonWebLink {
                    target: "/faq".into()
                },
                LintKind::BrokenLink {
                    text: "[w](https://a.example/a b)".into()
                },
            ]
        );
    }
}
