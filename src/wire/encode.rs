//! What the widget sends, written from the protocol's types (see the module above for why).
//! The merchant's context arrives from the page as JSON text and is passed through as is.

use tandem_protocol::{
    Author, CreateConversation, TranscriptEntry,
    conversation::{Identity, LeaveMessage, Rating},
    events::{AssistantEvent, EventBatch},
    live::ShopperFrame,
};

use super::json::{Object, quote};

/// A confidence as a JSON number with three decimals, without the float formatter.
fn confidence(value: f32) -> String {
    let permille = (value.clamp(0.0, 1.0) * 1000.0 + 0.5) as u32;
    if permille >= 1000 {
        "1".to_owned()
    } else {
        format!("0.{permille:03}")
    }
}

fn author(author: Author) -> &'static str {
    match author {
        Author::Shopper => "shopper",
        Author::Assistant => "assistant",
        Author::Agent => "agent",
        Author::System => "system",
    }
}

fn transcript(entries: &[TranscriptEntry]) -> impl Iterator<Item = String> + '_ {
    entries.iter().map(|entry| {
        let mut object = Object::new()
            .str("author", author(entry.author))
            .str("text", &entry.text);
        if let Some(c) = entry.confidence {
            object = object.raw("confidence", &confidence(c));
        }
        object.opt_str("entry", entry.entry.as_deref()).finish()
    })
}

fn identity(who: &Identity) -> String {
    Object::new()
        .str("id", &who.id)
        .opt_str("name", who.name.as_deref())
        .opt_str("email", who.email.as_deref())
        .opt_str("signature", who.signature.as_deref())
        .finish()
}

/// The handoff packet; its `context` member is ignored for `context_json` (an object's
/// JSON text, or `{}`).
pub fn packet(packet: &CreateConversation, context_json: &str) -> String {
    let mut object = Object::new()
        .str("site", &packet.site)
        .list("transcript", transcript(&packet.transcript))
        .str("reason", packet.reason.as_str())
        .raw("context", context_json);
    if let Some(who) = &packet.identity {
        object = object.raw("identity", &identity(who));
    }
    object
        .opt_str("language", packet.language.as_deref())
        .opt_str("key", packet.key.as_deref())
        .finish()
}

/// A frame for the live connection.
pub fn shopper_frame(frame: &ShopperFrame) -> String {
    match frame {
        ShopperFrame::Hello { token, last_seq } => {
            let body = Object::new()
                .str("token", token)
                .int("last_seq", i64::try_from(*last_seq).unwrap_or(i64::MAX));
            Object::new().raw("hello", &body.finish()).finish()
        }
        ShopperFrame::Send { client_id, text } => {
            let body = Object::new().str("client_id", client_id).str("text", text);
            Object::new().raw("send", &body.finish()).finish()
        }
        ShopperFrame::Typing { typing } => Object::new()
            .raw("typing", &Object::new().bool("typing", *typing).finish())
            .finish(),
        ShopperFrame::Context { context } => Object::new()
            .raw("context", &Object::new().str("context", context).finish())
            .finish(),
        ShopperFrame::Cancel => {
            let mut out = String::new();
            quote(&mut out, "cancel");
            out
        }
    }
}

/// A batch of the assistant's events.
pub fn events(batch: &EventBatch) -> String {
    let events = batch.events.iter().map(|event| match event {
        AssistantEvent::Answered { entry } => Object::new()
            .str("kind", "answered")
            .str("entry", entry)
            .finish(),
        AssistantEvent::Clarified => Object::new().str("kind", "clarified").finish(),
        AssistantEvent::HandedOver { reason } => Object::new()
            .str("kind", "handed_over")
            .str("reason", reason.as_str())
            .finish(),
        AssistantEvent::Feedback { entry, helpful } => Object::new()
            .str("kind", "feedback")
            .str("entry", entry)
            .bool("helpful", *helpful)
            .finish(),
    });
    Object::new().list("events", events).finish()
}

/// A message left while no one is available; `context` as for [`packet`].
pub fn leave_message(message: &LeaveMessage, context_json: &str) -> String {
    Object::new()
        .str("email", &message.email)
        .opt_str("name", message.name.as_deref())
        .str("message", &message.message)
        .list("transcript", transcript(&message.transcript))
        .raw("context", context_json)
        .finish()
}

/// A rating.
pub fn rating(rating: &Rating) -> String {
    Object::new()
        .int("score", i64::from(rating.score))
        .opt_str("comment", rating.comment.as_deref())
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::DeserializeOwned;
    use tandem_protocol::HandoffReason;

    fn read<T: DeserializeOwned>(json: &str) -> T {
        serde_json::from_str(json).unwrap_or_else(|e| panic!("serde cannot read {json}: {e}"))
    }

    fn transcript_fixture() -> Vec<TranscriptEntry> {
        vec![
            TranscriptEntry {
                author: Author::Shopper,
                text: "Where's my \"parcel\"?\n".into(),
                confidence: None,
                entry: None,
                at: None,
            },
            TranscriptEntry {
                author: Author::Assistant,
                text: "3–5 days.".into(),
                confidence: Some(0.62),
                entry: Some("delivery".into()),
                at: None,
            },
        ]
    }

    #[test]
    fn the_packet_is_what_the_server_reads() {
        let mut packet = CreateConversation::new("acme");
        packet.transcript = transcript_fixture();
        packet.reason = HandoffReason::LowConfidence;
        packet.identity = Some(Identity {
            id: "u1".into(),
            name: Some("Sam".into()),
            email: None,
            signature: Some("ab12".into()),
        });
        packet.language = Some("de".into());
        packet.key = Some("0123456789abcdef01234567".into());
        let context = r#"{"cart_value":224.5,"currency":"EUR","items":[{"sku":"TR2"}]}"#;
        let read_back: CreateConversation = read(&super::packet(&packet, context));
        packet.context = read(context);
        assert_eq!(read_back, packet);
    }

    #[test]
    fn every_frame_is_what_the_server_reads() {
        for frame in [
            ShopperFrame::Hello {
                token: "t0k".into(),
                last_seq: 42,
            },
            ShopperFrame::Send {
                client_id: "c1".into(),
                text: "Hi 😀 \"you\"".into(),
            },
            ShopperFrame::Typing { typing: true },
            ShopperFrame::Context {
                context: r#"{"page":"payment","note":"\"quoted\""}"#.into(),
            },
            ShopperFrame::Cancel,
        ] {
            assert_eq!(read::<ShopperFrame>(&shopper_frame(&frame)), frame);
        }
    }

    #[test]
    fn events_messages_and_ratings_are_what_the_server_reads() {
        let batch = EventBatch {
            events: vec![
                AssistantEvent::Answered {
                    entry: "returns".into(),
                },
                AssistantEvent::Clarified,
                AssistantEvent::HandedOver {
                    reason: HandoffReason::Sensitive,
                },
                AssistantEvent::Feedback {
                    entry: "returns".into(),
                    helpful: false,
                },
            ],
        };
        assert_eq!(read::<EventBatch>(&events(&batch)), batch);
        let message = LeaveMessage {
            email: "sam@example.com".into(),
            name: None,
            message: "Call me".into(),
            transcript: transcript_fixture(),
            context: Default::default(),
        };
        assert_eq!(
            read::<LeaveMessage>(&leave_message(&message, "{}")),
            message
        );
        let rated = Rating {
            score: 5,
            comment: Some("Great".into()),
        };
        assert_eq!(read::<Rating>(&rating(&rated)), rated);
    }

    #[test]
    fn confidences_keep_three_decimals() {
        assert_eq!(confidence(0.62), "0.620");
        assert_eq!(confidence(0.0004), "0.000");
        assert_eq!(confidence(0.9996), "1");
        assert_eq!(confidence(1.7), "1");
    }
}
