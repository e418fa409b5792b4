//! Trying a knowledge base before it is saved (`POST /v1/agent/admin/kb-try`): compiled as a
//! save would compile it (cross-validation and thresholds included), its `kb check` report,
//! and the admin's questions put to it in turn as one shopper's conversation, so a merchant
//! sees what shoppers will get before anything goes live. CPU-bound: the handler runs it off
//! the async threads, one try at a time.

use tandem_assistant::{
    KnowledgeBase,
    conversation::Conversation,
    decide::{Candidate, Decision, decide},
    model::Model,
};
use tandem_protocol::agent::{KbReply, KbTried};

use crate::knowledge;

/// Compiles `kb` and puts the questions to it, in order, as one conversation.
pub fn try_kb(kb: &KnowledgeBase, questions: &[String]) -> KbTried {
    let compiled = tandem_assistant::compile(kb);
    let model = &compiled.model;
    let mut conversation = Conversation::new();
    let replies = questions
        .iter()
        .map(|q| reply(model, decide(model, &mut conversation, q)))
        .collect();
    KbTried {
        report: knowledge::check_report(kb, &compiled.report),
        replies,
    }
}

/// A decision told with the entries' titles, as the admin knows them.
fn reply(model: &Model, decision: Decision) -> KbReply {
    let titles = |candidates: Vec<Candidate>| {
        candidates
            .into_iter()
            .map(|c| model.entry(c.entry).title.clone())
            .collect()
    };
    match decision {
        Decision::Answer { entry, confidence } => KbReply::Answer {
            entry: model.entry(entry).title.clone(),
            confidence,
            answer: model.entry(entry).answer.clone(),
        },
        Decision::Clarify { candidates } => KbReply::Clarify {
            entries: titles(candidates),
        },
        Decision::Unsure { candidates } => KbReply::Unsure {
            entries: titles(candidates),
        },
        Decision::Handoff {
            reason,
            safety_line,
            ..
        } => KbReply::Handoff {
            reason,
            safety_line,
        },
    }
}

#[cfg(test)]
mod tests {
    use tandem_protocol::HandoffReason;

    use super::*;

    #[test]
    fn questions_get_what_a_shopper_would_get_from_the_text_tried() {
        let kb = KnowledgeBase::parse(
            &tandem_assistant::fixture::KB.replace("30 days, free.", "60 days, free."),
        )
        .unwrap();
        let questions = [
            "how do I return an item",
            "I want to dispute a charge",
            "asdf qwerty",
            "zxcv uiop",
        ]
        .map(str::to_owned);
        let tried = try_kb(&kb, &questions);
        assert!(tried.report.contains("Test shop"), "{}", tried.report);
        assert_eq!(tried.replies.len(), 4);
        match &tried.replies[0] {
            KbReply::Answer { entry, answer, .. } => {
                assert_eq!(
                    (entry.as_str(), answer.as_str()),
                    ("Returns", "60 days, free.")
                )
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            tried.replies[1],
            KbReply::Handoff {
                reason: HandoffReason::Sensitive,
                ..
            }
        ));
        assert!(
            matches!(&tried.replies[2], KbReply::Unsure { .. }),
            "{:?}",
            tried.replies[2]
        );
        assert!(
            matches!(
                tried.replies[3],
                KbReply::Handoff {
                    reason: HandoffReason::LowConfidence,
                    ..
                }
            ),
            "one conversation: unsure twice in a row hands over, {:?}",
            tried.replies[3]
        );
    }
}
