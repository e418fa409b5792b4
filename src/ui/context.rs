//! What the components read ([`View`]) and what they ask for ([`Intent`], through
//! [`Actions`]), handed by the `App` to the `Shell`.
//!
//! Two signals carry everything drawn: the chat, and the [`Screen`] around it. A single
//! callback carries everything the shopper asks for. Each signal, callback and effect costs
//! code of its own in the wasm, which has to fit the 100 KB first-open budget, so there are
//! as few of them as the widget needs.

use leptos::prelude::*;
use tandem_protocol::SiteInfo;

use crate::{
    chat::{Chat, ComposeError},
    i18n::Strings,
    live::Connection,
};

/// Whether the assistant can answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssistantState {
    Loading,
    Ready,
    /// The site has no knowledge base, or it could not be loaded: people only.
    Absent,
}

/// Everything drawn besides the chat.
#[derive(Debug, Clone, PartialEq)]
pub struct Screen {
    /// The site and the language are settled (or could not be): the widget shows.
    pub loaded: bool,
    pub site: Option<SiteInfo>,
    pub strings: Strings,
    pub connection: Connection,
    pub assistant: AssistantState,
    /// A sentence about the last action that failed (a message refused, a form that did not
    /// go through), shown where the shopper acts.
    pub problem: Option<String>,
    /// The star chosen in the rating form before it is sent, and the conversation it was
    /// chosen for (the next conversation's form starts with none).
    pub stars: Option<(String, u8)>,
}

impl Screen {
    /// The screen before the site is known: English, the assistant on its way.
    pub fn new() -> Screen {
        Screen {
            loaded: false,
            site: None,
            strings: Strings::english(),
            connection: Connection::Idle,
            assistant: AssistantState::Loading,
            problem: None,
            stars: None,
        }
    }
}

impl Screen {
    /// The star chosen for the chat's conversation, if any.
    pub fn stars_for(&self, chat: &Chat) -> Option<u8> {
        let ticket = chat.ticket()?;
        let (conversation, n) = self.stars.as_ref()?;
        (*conversation == ticket.id).then_some(*n)
    }
}

impl Default for Screen {
    fn default() -> Screen {
        Screen::new()
    }
}

/// The state the components draw.
#[derive(Clone, Copy)]
pub struct View {
    pub chat: RwSignal<Chat>,
    pub screen: RwSignal<Screen>,
}

/// The leave-a-message form's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfflineForm {
    pub email: String,
    pub name: String,
    pub message: String,
}

/// What the shopper asks for, with what they typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    /// "Talk to a human".
    Human,
    Close,
    /// A typed message; an error keeps the text in the box.
    Send(String),
    /// The shopper is typing.
    Typing,
    /// A topic button: (line, entry index).
    Choose(u32, usize),
    /// "Did this help?": (line, helpful).
    Feedback(u32, bool),
    Retry(u32),
    Confirm,
    Dismiss,
    LeaveQueue,
    /// Out of the queue, to the leave-a-message form.
    MessageInstead,
    /// (score, comment).
    Rate(u8, String),
    LeaveMessage(OfflineForm),
    Back,
    NewChat,
}

/// Carries out what the shopper asks for; only a message can be refused.
pub type Actions = Callback<Intent, Result<(), ComposeError>>;
