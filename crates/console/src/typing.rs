//! When to tell a shopper that their agent is typing, and that it stopped. The widget shows
//! "Anna is typing…" from the first signal until told otherwise or a message comes, so the
//! console says it again at most every few seconds while keys are pressed, and says it
//! stopped after a quiet spell or when the agent types in another conversation, again until
//! it goes out. Native tests cover it; the app sends what it returns on the live connection.

/// At most one "typing" signal per conversation in this many milliseconds.
pub const EVERY_MS: i64 = 3000;
/// Without a key pressed for this many milliseconds, the agent stopped typing.
pub const QUIET_MS: i64 = 5000;

/// A signal to send: the conversation, and whether the agent is typing in it.
pub type Tell = (String, bool);

#[derive(Debug, Default)]
pub struct Typing {
    on: Option<On>,
    /// A conversation whose "stopped" did not go out (the connection was down): said again
    /// at the next tick, since the shopper's side shows typing until told.
    unsent: Option<String>,
}

/// The conversation the shopper was told the agent types in.
#[derive(Debug)]
struct On {
    conversation: String,
    told_at: i64,
    typed_at: i64,
}

impl Typing {
    /// The agent pressed a key in a conversation's reply at `now` (Unix milliseconds).
    pub fn typed(&mut self, conversation: &str, now: i64) -> Vec<Tell> {
        if self.unsent.as_deref() == Some(conversation) {
            self.unsent = None;
        }
        let mut tell = Vec::new();
        match &mut self.on {
            Some(on) if on.conversation == conversation => {
                on.typed_at = now;
                if now - on.told_at < EVERY_MS {
                    return tell;
                }
                on.told_at = now;
            }
            _ => {
                tell.extend(self.stopped());
                self.on = Some(On {
                    conversation: conversation.to_owned(),
                    told_at: now,
                    typed_at: now,
                });
            }
        }
        tell.push((conversation.to_owned(), true));
        tell
    }

    /// The agent sent their reply: the message itself ends typing on the shopper's side.
    pub fn sent(&mut self, conversation: &str) {
        if self
            .on
            .as_ref()
            .is_some_and(|on| on.conversation == conversation)
        {
            self.on = None;
        }
    }

    /// A "stopped" could not be sent: it is said again at the next tick.
    pub fn unsent(&mut self, tell: Tell) {
        if !tell.1 {
            self.unsent = Some(tell.0);
        }
    }

    /// The clock ticked: a "stopped" that did not go out, or that the agent stopped, once
    /// they were quiet long enough.
    pub fn tick(&mut self, now: i64) -> Option<Tell> {
        if let Some(conversation) = self.unsent.take() {
            return Some((conversation, false));
        }
        if self.on.as_ref()?.typed_at + QUIET_MS > now {
            return None;
        }
        self.stopped()
    }

    fn stopped(&mut self) -> Option<Tell> {
        self.on.take().map(|on| (on.conversation, false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(c: &str) -> Tell {
        (c.to_owned(), true)
    }

    fn off(c: &str) -> Tell {
        (c.to_owned(), false)
    }

    #[test]
    fn typing_is_told_every_few_seconds_and_its_end_after_a_quiet_spell() {
        let mut typing = Typing::default();
        assert_eq!(typing.typed("c1", 0), [on("c1")]);
        assert!(typing.typed("c1", 1000).is_empty(), "not at every key");
        assert_eq!(typing.tick(5000), None, "typed a second later");
        assert_eq!(typing.typed("c1", EVERY_MS), [on("c1")]);
        assert_eq!(typing.tick(EVERY_MS + QUIET_MS - 1), None);
        assert_eq!(typing.tick(EVERY_MS + QUIET_MS), Some(off("c1")));
        assert_eq!(typing.tick(60_000), None, "told once");
        assert_eq!(typing.typed("c1", 60_000), [on("c1")], "typing again");
    }

    #[test]
    fn another_conversation_ends_typing_in_the_first_and_a_reply_ends_it_by_itself() {
        let mut typing = Typing::default();
        typing.typed("c1", 0);
        assert_eq!(typing.typed("c2", 100), [off("c1"), on("c2")]);
        typing.sent("c1");
        assert_eq!(typing.tick(100 + QUIET_MS), Some(off("c2")), "c2's stays");
        typing.typed("c2", 20_000);
        typing.sent("c2");
        assert_eq!(typing.tick(60_000), None, "the reply said it");
        assert_eq!(typing.typed("c2", 60_001), [on("c2")]);
    }

    #[test]
    fn a_stop_that_did_not_go_out_is_said_again() {
        let mut typing = Typing::default();
        typing.typed("c1", 0);
        let stopped = typing.tick(QUIET_MS).unwrap();
        typing.unsent(stopped);
        assert_eq!(typing.tick(QUIET_MS + 1000), Some(off("c1")), "said again");
        assert_eq!(typing.tick(QUIET_MS + 2000), None, "once it went out");
        typing.unsent(on("c1"));
        assert_eq!(
            typing.tick(QUIET_MS + 3000),
            None,
            "a start is not said again"
        );
        typing.unsent(off("c1"));
        assert_eq!(
            typing.typed("c1", 20_000),
            [on("c1")],
            "typing again instead"
        );
        assert_eq!(typing.tick(20_001), None);
    }
}
