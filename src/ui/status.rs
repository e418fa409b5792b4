//! The status line under the conversation: connecting, the place in line and the estimated
//! wait (with the way out of the queue, and, while no one is available, to leave a message
//! instead), the agent typing, the assistant getting ready. It is an ARIA status region, so
//! changes are announced without taking focus. Its markup is the shell's; the queue's own
//! controls carry `data-part="waiting"` (see `footer`).

use web_sys::Element;

use super::{
    context::{AssistantState, Screen},
    dom,
};
use crate::{
    chat::{Chat, Phase},
    i18n::{Strings, T},
};

/// "You are number 2 in line. Estimated wait: about 4 min.", and, when `no_agents`, that no
/// one from the team is available right now.
pub fn waiting_text(
    strings: &Strings,
    position: Option<u32>,
    wait_secs: Option<u32>,
    no_agents: bool,
) -> String {
    let place = match position {
        Some(0 | 1) => strings.get(T::PositionNext).to_owned(),
        Some(n) => strings.fill(T::Position, &[("n", &n.to_string())]),
        None => String::new(),
    };
    let wait = match wait_secs {
        Some(secs) if secs < 60 => strings.get(T::WaitSoon).to_owned(),
        Some(secs) => strings.fill(T::WaitMinutes, &[("n", &secs.div_ceil(60).to_string())]),
        None => String::new(),
    };
    let alone = if no_agents {
        strings.get(T::OfflineNoAgents).to_owned()
    } else {
        String::new()
    };
    [place, wait, alone]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Brings the status line (`.status .place`) in step with the chat.
pub fn draw(root: &Element, chat: &Chat, screen: &Screen) {
    let strings = &screen.strings;
    let line = match chat.phase() {
        Phase::Connecting { .. } => strings.get(T::Connecting).to_owned(),
        Phase::Waiting {
            position,
            wait_secs,
            no_agents,
        } => waiting_text(strings, *position, *wait_secs, *no_agents),
        Phase::WithAgent { agent } if chat.agent_typing() => strings.fill(
            T::AgentTyping,
            &[("name", agent.as_deref().unwrap_or_default())],
        ),
        Phase::Assistant if screen.assistant == AssistantState::Loading => {
            strings.get(T::AssistantLoading).to_owned()
        }
        Phase::Assistant if screen.assistant == AssistantState::Absent => {
            strings.get(T::NoAssistant).to_owned()
        }
        _ => String::new(),
    };
    dom::set_text(root, ".place", &line);
    if let Some(instead) = dom::find(root, "[data-act=message-instead]") {
        let offered = matches!(
            chat.phase(),
            Phase::Waiting {
                no_agents: true,
                ..
            }
        );
        dom::toggle(&instead, "hidden", !offered);
    }
}
