//! Agents' notes on a conversation: what they checked, what they promised, why they passed
//! it on. The agent who has the conversation writes them; whoever takes it next sees them
//! with it (a transfer, a return to the queue), and so does the history afterwards. The
//! shopper never does: notes live in their own table, which nothing on the shopper's side
//! reads, and their [`Event::Note`] goes to agents' connections only.

use tandem_protocol::{ConversationState, agent::Note};

use crate::{app::AppState, assign, error::AppError, events::Event, ids, relay::check_text};

/// Adds `agent`'s note to a conversation they have, card numbers masked; the agent's other
/// connections (tabs, devices) are told.
pub async fn add(
    state: &AppState,
    agent: &str,
    conversation: &str,
    text: &str,
) -> Result<Note, AppError> {
    check_text("A note", text)?;
    let found = assign::visible_to(state, agent, conversation).await?;
    if found.state != ConversationState::WithAgent || found.agent_id.as_deref() != Some(agent) {
        return Err(AppError::Forbidden(
            "Only the agent who has this conversation can add notes to it.".to_owned(),
        ));
    }
    // Notes share the conversation's message budget under a key of their own, so a
    // runaway script cannot write them faster than messages.
    state
        .limits
        .messages
        .check(&format!("note:{conversation}"))
        .map_err(AppError::RateLimited)?;
    let masked = tandem_assistant::mask_card_numbers(text);
    let note = state
        .db
        .add_note(&ids::random_id(), conversation, agent, masked.trim())
        .await?;
    state
        .bus
        .publish(Event::Note {
            conversation: conversation.to_owned(),
            agent: agent.to_owned(),
        })
        .await;
    Ok(note)
}
