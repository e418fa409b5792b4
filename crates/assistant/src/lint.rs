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
use crate::text::{normalized, tokens};

/// Fewer phrasings than this and an entry is rarely recognised when asked in other words.
pub const MIN_PHRASINGS: usize = 5;

/// One warning, attached to where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lint {
    pub at: Option<Pos>,
    pub place: Place,
    pub kind: LintKind,
}

/// What a warning is about: an entry, or a line the widget shows beside the answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Entry(String),
    Greeting,
    /// A `[safety]` line, by its key.
    Safety(&'static str),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Entry(id) => write!(f, "entry \"{id}\""),
            Place::Greeting => write!(f, "greeting"),
            Place::Safety(key) => write!(f, "safety line `{key}`"),
        }
    }
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
    /// A phrasing with no words ("?!", an emoji): the assistant learns nothing from it.
    NoWords {
        phrasing: String,
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
        write!(f, "({}): ", self.place)?;
        match &self.kind {
            LintKind::DuplicatePhrasing { phrasing, other }
                if self.place == Place::Entry(other.clone()) =>
            {
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
            LintKind::NoWords { phrasing } => write!(
                f,
                "phrasing {phrasing:?} has no words; the assistant learns nothing from it"
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

/// All warnings: the greeting's and the safety lines' links, then each entry's, in order.
pub fn lint(kb: &KnowledgeBase) -> Vec<Lint> {
    let mut out = Vec::new();
    let safety = &kb.site.safety;
    for (place, text) in [
        (Place::Greeting, &kb.site.greeting),
        (Place::Safety("self_harm"), &safety.self_harm),
        (Place::Safety("fraud"), &safety.fraud),
        (Place::Safety("legal"), &safety.legal),
    ] {
        links(&mut out, None, &place, text);
    }
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for entry in &kb.entries {
        let place = Place::Entry(entry.id.clone());
        let warn = |at, kind| Lint {
            at,
            place: place.clone(),
            kind,
        };
        if entry.phrasings.len() < MIN_PHRASINGS {
            out.push(warn(
                entry.at,
                LintKind::TooFewPhrasings {
                    count: entry.phrasings.len(),
                },
            ));
        }
        for p in &entry.phrasings {
            let phrasing = p.text.clone();
            if tokens(&p.text).is_empty() {
                out.push(warn(p.at, LintKind::NoWords { phrasing }));
            } else if let Some(other) = seen.insert(normalized(&p.text), &entry.id) {
                out.push(warn(
                    p.at,
                    LintKind::DuplicatePhrasing {
                        phrasing,
                        other: other.to_owned(),
                    },
                ));
            }
        }
        links(&mut out, entry.at, &place, &entry.answer);
    }
    out
}

/// Warnings about the links in a text the widget shows.
fn links(out: &mut Vec<Lint>, at: Option<Pos>, place: &Place, text: &str) {
    let warn = |kind| Lint {
        at,
        place: place.clone(),
        kind,
    };
    for target in link_targets(text) {
        if !is_web_url(target) {
            out.push(warn(LintKind::NonWebLink {
                target: target.to_owned(),
            }));
        }
    }
    for shown in broken_links(text) {
        out.push(warn(LintKind::BrokenLink {
            text: shown.to_owned(),
        }));
    }
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
    fn phrasings_without_words_and_an_entry_reached_only_by_follow_up_are_warnings() {
        // An entry offered only as a follow-up needs no phrasings; "?!" teaches nothing. Both
        // load (a file that did must keep doing so) and compile, and the lint says why.
        let kb = kb(
            "[[entry]]\nid = \"a\"\ntitle = \"A\"\nphrasings = [\"one\", \"two\", \"three\", \"four\", \"five\", \"?!\"]\nanswer = \"A\"\nfollow_ups = [\"b\"]\n\
             [[entry]]\nid = \"b\"\ntitle = \"B\"\nphrasings = []\nanswer = \"B\"\n",
        );
        let text: Vec<String> = lint(&kb).iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "line 7, column 53 (entry \"a\"): phrasing \"?!\" has no words; the assistant learns nothing from it",
                "line 10, column 1 (entry \"b\"): only 0 phrasings; add at least 5, asked in different words",
            ]
        );
        let compiled = crate::compile(&kb);
        assert_eq!(compiled.model.entries.len(), 2);
    }

    #[test]
    fn links_in_the_greeting_and_safety_lines_are_checked_too() {
        let kb = KnowledgeBase::parse(&format!(
            "[site]\nname = \"A\"\ngreeting = \"Hi, see [hours](/hours)\"\n\
             [safety]\nfraud = \"Call [your bank](https://bank.example/a b)\"\n\
             [[entry]]\nid = \"a\"\ntitle = \"A\"\n{FIVE}\nanswer = \"A\"\n\
             [[entry]]\nid = \"b\"\ntitle = \"B\"\nphrasings = [\"six\", \"seven\", \"eight\", \"nine\", \"ten\"]\nanswer = \"B\"\n"
        ))
        .unwrap();
        let text: Vec<String> = lint(&kb).iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 2, "{text:?}");
        assert!(
            text[0].starts_with("(greeting): link target \"/hours\""),
            "{text:?}"
        );
        assert!(
            text[1].starts_with("(safety line `fraud`): \"[your bank](https://bank.example/a b)\""),
            "{text:?}"
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
