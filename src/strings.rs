//! Every text the widget shows, in one place (English; more languages come with the
//! shopper widget issue).

/// The widget's texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Strings {
    pub talk_to_human: &'static str,
    pub close_chat: &'static str,
    pub message_label: &'static str,
    pub message_placeholder: &'static str,
    pub send: &'static str,
    pub conversation_label: &'static str,
    pub you: &'static str,
    pub empty_message: &'static str,
    pub too_long: &'static str,
    pub connecting: &'static str,
    /// "You are number {n} in line".
    pub position: &'static str,
    pub position_next: &'static str,
}

/// English.
pub const EN: Strings = Strings {
    talk_to_human: "Talk to a human",
    close_chat: "Close chat",
    message_label: "Your message",
    message_placeholder: "Type your question…",
    send: "Send",
    conversation_label: "Conversation",
    you: "You",
    empty_message: "Please type a message first.",
    too_long: "That message is too long; please shorten it.",
    connecting: "Connecting you with a person…",
    position: "You are number {n} in line",
    position_next: "You are next in line",
};

impl Strings {
    /// The shopper's place in the queue, as a sentence.
    pub fn place(&self, position: u32) -> String {
        if position <= 1 {
            self.position_next.to_owned()
        } else {
            self.position.replace("{n}", &position.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::EN;

    #[test]
    fn the_place_in_line_reads_naturally() {
        assert_eq!(EN.place(1), "You are next in line");
        assert_eq!(EN.place(2), "You are number 2 in line");
    }
}
