//! The handoff packet: what a person receives when the shopper is handed over. The
//! conversation so far (the shopper's words and the assistant's answers with their
//! confidence), why, the page and checkout context the merchant set, and the identity the
//! merchant signed. Card numbers are masked here, before anything leaves the browser.

use tandem_assistant::mask_card_numbers;
use tandem_protocol::{
    Author, CreateConversation, HandoffReason, MAX_MESSAGE_BYTES, MAX_TRANSCRIPT_MESSAGES,
    TranscriptEntry, conversation::Identity,
};

use crate::chat::{Chat, Delivery, LineKind};

/// `text` within the server's limit on a line, cut at a character with `…` if it is longer
/// (a merchant's answer may be: the agent sees its start, and which entry it was).
fn fitted(text: &str) -> String {
    if text.len() <= MAX_MESSAGE_BYTES {
        return text.to_owned();
    }
    let room = MAX_MESSAGE_BYTES - '…'.len_utf8();
    let end = (0..=room)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    format!("{}…", &text[..end])
}

/// The transcript of the chat so far, masked, at most the last 200 lines, each within the
/// server's limit.
pub fn transcript(chat: &Chat) -> Vec<TranscriptEntry> {
    let line = |author, text: &str, confidence, entry: Option<&str>| TranscriptEntry {
        author,
        text: fitted(&mask_card_numbers(text)),
        confidence,
        entry: entry.map(str::to_owned),
        at: None,
    };
    let lines: Vec<TranscriptEntry> = chat
        .lines()
        .iter()
        .filter_map(|l| match &l.kind {
            // What is in the outbox (typed while connecting) goes live once connected.
            LineKind::Shopper { delivery, .. } if *delivery == Delivery::Sending => None,
            LineKind::Shopper { text, .. } => Some(line(Author::Shopper, text, None, None)),
            LineKind::Answer {
                topic,
                text,
                confidence,
                ..
            } => Some(line(
                Author::Assistant,
                text,
                Some(*confidence),
                Some(&topic.id),
            )),
            LineKind::Choices { topics, .. } if topics.is_empty() => Some(line(
                Author::Assistant,
                "Asked to rephrase (no topic was likely enough to offer)",
                None,
                None,
            )),
            LineKind::Choices { topics, .. } => {
                let titles: Vec<&str> = topics.iter().map(|t| t.title.as_str()).collect();
                Some(line(
                    Author::Assistant,
                    &format!("Offered: {}", titles.join(" / ")),
                    None,
                    None,
                ))
            }
            LineKind::Safety { text } => Some(line(Author::Assistant, text, None, None)),
            LineKind::Greeting { .. }
            | LineKind::Agent { .. }
            | LineKind::Notice { .. }
            | LineKind::Failure { .. }
            | LineKind::Announcement { .. } => None,
        })
        .filter(|entry| !entry.text.trim().is_empty())
        .collect();
    let skip = lines.len().saturating_sub(MAX_TRANSCRIPT_MESSAGES);
    lines.into_iter().skip(skip).collect()
}

/// The whole packet; the merchant's context travels beside it as JSON text (see
/// `crate::wire::encode::packet`).
pub fn packet(
    site: &str,
    chat: &Chat,
    reason: HandoffReason,
    identity: Option<Identity>,
    language: &str,
) -> CreateConversation {
    CreateConversation {
        transcript: transcript(chat),
        reason,
        identity,
        language: Some(language.to_owned()),
        ..CreateConversation::new(site)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        api::ApiError,
        chat::{Reply, Topic},
    };

    #[test]
    fn the_agent_reads_what_the_assistant_offered_or_that_it_asked_to_rephrase() {
        let mut chat = Chat::new("Hi!");
        chat.shopper_says("qwerty zxcv", "c1".into()).unwrap();
        chat.assistant_says(Reply::Choices {
            topics: Vec::new(),
            unsure: true,
        });
        chat.shopper_says("how do I get a discount", "c2".into())
            .unwrap();
        chat.assistant_says(Reply::Handoff {
            reason: HandoffReason::LowConfidence,
            safety: None,
            guesses: vec![Topic {
                index: 2,
                id: "promo-code".into(),
                title: "Using a promo code".into(),
            }],
        });
        let packet = packet("acme", &chat, HandoffReason::LowConfidence, None, "en");
        let texts: Vec<&str> = packet.transcript.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "qwerty zxcv",
                "Asked to rephrase (no topic was likely enough to offer)",
                "how do I get a discount",
                "Offered: Using a promo code",
            ]
        );
    }

    #[test]
    fn the_packet_carries_the_conversation_with_card_numbers_masked() {
        let mut chat = Chat::new("Hi!");
        chat.shopper_says("My card 4242 4242 4242 4242 was charged twice", "c1".into())
            .unwrap();
        let topic = Topic {
            index: 4,
            id: "double-charge".into(),
            title: "Charged twice".into(),
        };
        chat.assistant_says(Reply::Answer {
            topic,
            text: "Refunds take 5 days.".into(),
            confidence: 0.71,
        });
        let packet = packet("acme", &chat, HandoffReason::NegativeFeedback, None, "de");
        assert_eq!(packet.transcript.len(), 2, "the greeting is not part of it");
        assert_eq!(
            packet.transcript[0].text,
            "My card •••• 4242 was charged twice"
        );
        assert_eq!(packet.transcript[0].author, Author::Shopper);
        assert_eq!(packet.transcript[1].entry.as_deref(), Some("double-charge"));
        assert_eq!(packet.transcript[1].confidence, Some(0.71));
        assert_eq!(packet.reason, HandoffReason::NegativeFeedback);
        assert_eq!(packet.language.as_deref(), Some("de"));
    }

    #[test]
    fn a_long_answer_goes_shortened_to_what_the_server_takes() {
        let mut chat = Chat::new("Hi!");
        chat.shopper_says("What is your returns policy?", "c1".into())
            .unwrap();
        // A merchant's long answer, in a script of two-byte letters.
        let long = "سياسة الإرجاع ".repeat(400);
        chat.assistant_says(Reply::Answer {
            topic: Topic {
                index: 1,
                id: "returns".into(),
                title: "Returns".into(),
            },
            text: long.clone(),
            confidence: 0.9,
        });
        let sent = &transcript(&chat)[1];
        assert!(sent.text.len() <= MAX_MESSAGE_BYTES, "{}", sent.text.len());
        assert!(sent.text.len() > MAX_MESSAGE_BYTES - 8, "as much as fits");
        let kept = sent.text.strip_suffix('…').expect("marked as cut");
        assert!(long.starts_with(kept));
        assert_eq!(sent.entry.as_deref(), Some("returns"));
        assert_eq!(fitted("short"), "short");
    }

    #[test]
    fn what_is_typed_while_connecting_goes_once_and_stays_if_the_handoff_fails() {
        let texts =
            |chat: &Chat| -> Vec<String> { transcript(chat).into_iter().map(|e| e.text).collect() };
        let mut chat = Chat::new("Hi!");
        chat.shopper_says("Where is my parcel?", "c1".into())
            .unwrap();
        chat.ask_for_person(HandoffReason::Asked);
        chat.start_handoff();
        chat.shopper_says("It is order 1234", "c2".into()).unwrap();
        assert_eq!(
            texts(&chat),
            ["Where is my parcel?"],
            "not also in the packet"
        );
        assert_eq!(
            chat.outbox(),
            [("c2".to_owned(), "It is order 1234".to_owned())],
            "it goes live once connected"
        );
        chat.handoff_failed(ApiError::offline());
        assert_eq!(
            chat.outbox(),
            [],
            "nothing stays \"sending\" with no one there"
        );
        assert_eq!(texts(&chat), ["Where is my parcel?", "It is order 1234"]);
    }

    #[test]
    fn only_the_last_200_lines_go() {
        let mut chat = Chat::new("Hi!");
        for i in 0..250 {
            chat.shopper_says(&format!("message {i}"), format!("c{i}"))
                .unwrap();
        }
        let lines = transcript(&chat);
        assert_eq!(lines.len(), MAX_TRANSCRIPT_MESSAGES);
        assert_eq!(lines[0].text, "message 50");
    }
}
