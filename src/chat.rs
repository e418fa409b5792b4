//! The conversation as a plain value: what the shopper wrote and where the request for a
//! person stands. Components draw it; these rules are tested natively.

use tandem_protocol::{Author, CreateConversation, MAX_MESSAGE_BYTES, TranscriptEntry};

use crate::strings::Strings;

/// One message the shopper wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub id: u32,
    pub text: String,
}

/// Where the request for a person stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Handoff {
    #[default]
    NotAsked,
    /// The request is on its way to the server.
    Connecting,
    /// In the queue, at this 1-based place.
    Queued(u32),
    /// The request did not go through; the sentence says why.
    Failed(String),
}

/// Why a message was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComposeError {
    Empty,
    TooLong,
}

/// The conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chat {
    lines: Vec<Line>,
    handoff: Handoff,
}

impl Chat {
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    pub fn handoff(&self) -> &Handoff {
        &self.handoff
    }

    /// Adds the shopper's message, as typed (surrounding blanks trimmed).
    pub fn send(&mut self, text: &str) -> Result<(), ComposeError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ComposeError::Empty);
        }
        if text.len() > MAX_MESSAGE_BYTES {
            return Err(ComposeError::TooLong);
        }
        let id = self.lines.len() as u32;
        self.lines.push(Line {
            id,
            text: text.to_owned(),
        });
        Ok(())
    }

    /// The shopper asked for a person. Returns false when a request is already under way or
    /// answered, so a double click asks once.
    pub fn start_handoff(&mut self) -> bool {
        if matches!(self.handoff, Handoff::Connecting | Handoff::Queued(_)) {
            return false;
        }
        self.handoff = Handoff::Connecting;
        true
    }

    pub fn queued(&mut self, position: u32) {
        self.handoff = Handoff::Queued(position);
    }

    pub fn handoff_failed(&mut self, reason: String) {
        self.handoff = Handoff::Failed(reason);
    }

    /// The status line: connecting, the place in line, or why the request failed.
    pub fn status(&self, strings: &Strings) -> String {
        match &self.handoff {
            Handoff::NotAsked => String::new(),
            Handoff::Connecting => strings.connecting.to_owned(),
            Handoff::Queued(position) => strings.place(*position),
            Handoff::Failed(reason) => reason.clone(),
        }
    }

    /// What the person will read: the shopper's messages, card numbers masked.
    pub fn packet(&self, site: &str) -> CreateConversation {
        let mut packet = CreateConversation::new(site);
        packet.transcript = self
            .lines
            .iter()
            .map(|line| TranscriptEntry {
                author: Author::Shopper,
                text: tandem_assistant::mask_card_numbers(&line.text).into_owned(),
                confidence: None,
                entry: None,
                at: None,
            })
            .collect();
        packet.language = Some("en".to_owned());
        packet
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strings::EN;

    #[test]
    fn messages_are_kept_as_typed_and_empty_or_huge_ones_refused() {
        let mut chat = Chat::default();
        assert_eq!(chat.send("   "), Err(ComposeError::Empty));
        assert_eq!(
            chat.send(&"x".repeat(MAX_MESSAGE_BYTES + 1)),
            Err(ComposeError::TooLong)
        );
        chat.send("  Can I pay <b>by invoice</b>? ").unwrap();
        assert_eq!(
            chat.lines(),
            [Line {
                id: 0,
                text: "Can I pay <b>by invoice</b>?".into()
            }]
        );
    }

    #[test]
    fn a_handoff_is_asked_once_and_its_status_is_told() {
        let mut chat = Chat::default();
        assert_eq!(chat.status(&EN), "");
        assert!(chat.start_handoff());
        assert!(!chat.start_handoff(), "a double click asks once");
        assert_eq!(chat.status(&EN), EN.connecting);
        chat.queued(2);
        assert_eq!(chat.status(&EN), "You are number 2 in line");
        chat.handoff_failed("Please check your connection.".into());
        assert_eq!(chat.status(&EN), "Please check your connection.");
        assert!(
            chat.start_handoff(),
            "after a failure the shopper can try again"
        );
    }

    #[test]
    fn card_numbers_never_reach_the_packet() {
        let mut chat = Chat::default();
        chat.send("My card 4242 4242 4242 4242 was charged twice")
            .unwrap();
        let packet = chat.packet("acme");
        assert_eq!(packet.site, "acme");
        assert!(
            !packet.transcript[0].text.contains("4242 4242 4242 4242"),
            "{}",
            packet.transcript[0].text
        );
        assert!(packet.transcript[0].text.contains("charged twice"));
    }
}
