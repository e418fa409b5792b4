//! Agents' notes on a conversation: what they checked, what they promised, why they passed
//! it on. The agent who has the conversation writes them; whoever takes it next sees them
//! with it (a transfer, a return to the queue), and so does the history afterwards, where
//! any agent of the site can add one (a wrap-up: the refund went through, the shopper was
//! called back). The shopper never does: notes live in their own table, which nothing on
//! the shopper's side reads, and their [`Event::Note`] goes to agents' connections only.

use crate::{
    app::AppState,
    assign,
    error::AppError,
    events::Event,
    ids,
    relay::check_written,
    store::{AddedNote, NewNote},
};

/// Adds `agent`'s note to a conversation they have or a closed one of their sites, card
/// numbers masked, and tells the agent's other connections (tabs, devices). A retry under
/// the same client id answers the note stored the first time.
pub async fn add(
    state: &AppState,
    agent: &str,
    conversation: &str,
    client_id: &str,
    text: &str,
) -> Result<AddedNote, AppError> {
    check_written("A note", client_id, text)?;
    // Not one of the agent's sites: as if it did not exist.
    assign::visible_to(state, agent, conversation).await?;
    // A budget of its own, as large as the messages', so that notes never hold up what
    // the agent writes to the shopper.
    state
        .limits
        .messages
        .check(&format!("note:{agent}:{conversation}"))
        .map_err(AppError::RateLimited)?;
    let masked = tandem_assistant::mask_card_numbers(text);
    let added = state
        .db
        .add_note(NewNote {
            id: &ids::random_id(),
            conversation,
            client_id,
            agent,
            text: masked.trim(),
        })
        .await?
        .ok_or_else(|| {
            AppError::Forbidden(
                "Notes go on a conversation while you have it, or once it is closed.".to_owned(),
            )
        })?;
    if !added.duplicate {
        state
            .bus
            .publish(Event::Note {
                conversation: conversation.to_owned(),
                agent: agent.to_owned(),
            })
            .await;
    }
    Ok(added)
}
