//! Trying the knowledge base in the editor before saving it, as plain values: the questions
//! the admin typed (one per line) and the last try's outcome ([`Trial`], one per site's
//! editor, kept with its draft), and each reply told as the admin reads it ("Answers with
//! Returns, 97 % sure", the answer's text beside). Native tests cover it; `ui::kb_try` draws
//! it and makes the call.

use tandem_protocol::{
    HandoffReason,
    agent::{KbReply, KbTried, MAX_TRIED_QUESTIONS},
};

use crate::i18n::{t, t_args, t_with};

/// The questions typed, one per line (blank lines skipped), the first
/// [`MAX_TRIED_QUESTIONS`] of them, and how many more there were (left out).
pub fn questions(typed: &str) -> (Vec<String>, usize) {
    let all: Vec<String> = typed
        .lines()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_owned)
        .collect();
    let left_out = all.len().saturating_sub(MAX_TRIED_QUESTIONS);
    (
        all.into_iter().take(MAX_TRIED_QUESTIONS).collect(),
        left_out,
    )
}

/// A site editor's try: the questions typed and what the last try replied, kept while the
/// admin looks at another site or page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trial {
    pub typed: String,
    pub last: Option<Tried>,
    /// A try is on its way (the server runs one at a time).
    pub running: bool,
}

impl Trial {
    /// Whether there is anything to keep.
    pub fn is_empty(&self) -> bool {
        self.typed.trim().is_empty() && self.last.is_none() && !self.running
    }
}

/// A try's outcome: the questions asked, the text tried, how many questions were left out,
/// and the replies.
#[derive(Debug, Clone, PartialEq)]
pub struct Tried {
    pub asked: Vec<String>,
    pub text: String,
    pub left_out: usize,
    pub tried: KbTried,
}

/// One reply as the admin reads it: what the assistant does, and the text the shopper is
/// shown with it (an answer, or a sensitive topic's safety line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyLine {
    pub summary: String,
    pub shown: Option<String>,
}

/// `reason` words why a conversation was handed over (the console's one wording of it).
pub fn describe(reply: &KbReply, reason: impl Fn(HandoffReason) -> String) -> ReplyLine {
    let list = |entries: &[String]| entries.join(", ");
    match reply {
        KbReply::Answer {
            entry,
            confidence,
            answer,
        } => ReplyLine {
            summary: t_args(
                "kb_reply_answer",
                &[
                    ("entry", entry),
                    ("percent", &format!("{:.0}", confidence * 100.0)),
                ],
            ),
            shown: Some(answer.clone()),
        },
        KbReply::Clarify { entries } => ReplyLine {
            summary: t_with("kb_reply_clarify", "entries", &list(entries)),
            shown: None,
        },
        KbReply::Unsure { entries } if entries.is_empty() => ReplyLine {
            summary: t("kb_reply_rephrase"),
            shown: None,
        },
        KbReply::Unsure { entries } => ReplyLine {
            summary: t_with("kb_reply_unsure", "entries", &list(entries)),
            shown: None,
        },
        KbReply::Handoff {
            reason: why,
            safety_line,
        } => ReplyLine {
            summary: t_with("kb_reply_handoff", "reason", &reason(*why)),
            shown: safety_line.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn described(reply: KbReply) -> ReplyLine {
        describe(&reply, |r| format!("<{}>", r.as_str()))
    }

    #[test]
    fn one_question_a_line_blank_lines_skipped_and_too_many_counted() {
        let (asked, left_out) = questions("  where is my parcel \n\n\ncan I return shoes\n");
        assert_eq!(asked, ["where is my parcel", "can I return shoes"]);
        assert_eq!(left_out, 0);
        let many: String = (0..25).map(|i| format!("question {i}\n")).collect();
        let (asked, left_out) = questions(&many);
        assert_eq!((asked.len(), left_out), (MAX_TRIED_QUESTIONS, 5));
        assert_eq!(asked[0], "question 0", "the first ones, in order");
    }

    #[test]
    fn each_reply_says_what_the_shopper_would_get() {
        let answer = described(KbReply::Answer {
            entry: "Returns".into(),
            confidence: 0.974,
            answer: "30 days, free.".into(),
        });
        assert_eq!(answer.summary, "Answers with “Returns” (97 % sure)");
        assert_eq!(answer.shown.as_deref(), Some("30 days, free."));
        let clarify = described(KbReply::Clarify {
            entries: vec!["Size guide".into(), "Shoe sizes".into()],
        });
        assert_eq!(
            clarify.summary,
            "Asks which was meant: Size guide, Shoe sizes"
        );
        assert_eq!(
            described(KbReply::Unsure { entries: vec![] }).summary,
            "Not sure: asks the shopper to rephrase"
        );
        assert_eq!(
            described(KbReply::Unsure {
                entries: vec!["Promo codes".into()]
            })
            .summary,
            "Not sure: offers Promo codes"
        );
        let handoff = described(KbReply::Handoff {
            reason: HandoffReason::Sensitive,
            safety_line: Some("Do not type card numbers.".into()),
        });
        assert_eq!(handoff.summary, "Hands over to a person: <sensitive>");
        assert_eq!(handoff.shown.as_deref(), Some("Do not type card numbers."));
    }
}
