//! Where the chat is with respect to a person (see the lifecycle in `../shared/DESIGN.md`).

use tandem_protocol::HandoffReason;

/// Why the shopper is offered to leave a message instead of joining, or waiting in, a queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unavailable {
    AfterHours,
    NoAgents,
}

/// The chat's phase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// The assistant answers; no person involved.
    Assistant,
    /// About to hand over: the shopper is told a person will see the conversation.
    Confirming { reason: HandoffReason },
    /// The handoff request is on its way (kept with its reason: a reload sends it again).
    Connecting { reason: HandoffReason },
    /// In the queue; position and estimate as the server last said.
    Waiting {
        position: Option<u32>,
        wait_secs: Option<u32>,
        /// No one is available to take the conversation now: a message may be left instead.
        no_agents: bool,
    },
    /// A person has the conversation.
    WithAgent { agent: Option<String> },
    /// The person closed it; the shopper may rate it once.
    Closed { rating: Option<u8> },
    /// No one can answer live: the leave-a-message form, then its confirmation.
    Offline {
        why: Unavailable,
        sent_to: Option<String>,
    },
}

impl Phase {
    /// Whether a person's conversation is open (messages go to the server).
    pub fn is_live(&self) -> bool {
        matches!(self, Phase::Waiting { .. } | Phase::WithAgent { .. })
    }
}
