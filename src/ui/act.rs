//! Which control asks for what: every button of the widget carries `data-act` (and, for
//! lines, `data-line` and `data-n`), and the root's single listener turns it into an
//! [`Act`], then into a call of the [`super::Actions`].

/// What a control asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Human,
    Close,
    Send,
    /// A topic button on a line: (line, entry index).
    Choose(u32, usize),
    /// "Did this help?" on a line.
    Helpful(u32, bool),
    Retry(u32),
    Confirm,
    Dismiss,
    LeaveQueue,
    /// Out of the queue, to leave a message: no one is available.
    MessageInstead,
    /// A star of the rating, 1 to 5.
    Star(u8),
    Rate,
    LeaveMessage,
    Back,
    NewChat,
}

impl Act {
    /// The act of a control's `data-act`, `data-line` and `data-n`.
    pub fn parse(act: &str, line: Option<u32>, n: Option<u32>) -> Option<Act> {
        Some(match act {
            "human" => Act::Human,
            "close" => Act::Close,
            "send" => Act::Send,
            "choose" => Act::Choose(line?, usize::try_from(n?).ok()?),
            "yes" => Act::Helpful(line?, true),
            "no" => Act::Helpful(line?, false),
            "retry" => Act::Retry(line?),
            "confirm" => Act::Confirm,
            "dismiss" => Act::Dismiss,
            "leave-queue" => Act::LeaveQueue,
            "message-instead" => Act::MessageInstead,
            "star" => Act::Star(u8::try_from(n?).ok().filter(|s| (1..=5).contains(s))?),
            "rate" => Act::Rate,
            "leave-message" => Act::LeaveMessage,
            "back" => Act::Back,
            "new-chat" => Act::NewChat,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Act;

    #[test]
    fn controls_name_their_act() {
        assert_eq!(Act::parse("human", None, None), Some(Act::Human));
        assert_eq!(
            Act::parse("choose", Some(4), Some(12)),
            Some(Act::Choose(4, 12))
        );
        assert_eq!(
            Act::parse("yes", Some(7), None),
            Some(Act::Helpful(7, true))
        );
        assert_eq!(Act::parse("star", None, Some(5)), Some(Act::Star(5)));
        assert_eq!(Act::parse("star", None, Some(6)), None, "no sixth star");
        assert_eq!(
            Act::parse("choose", None, Some(1)),
            None,
            "a topic needs its line"
        );
        assert_eq!(Act::parse("launch-missiles", None, None), None);
    }
}
