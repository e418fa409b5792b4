//! How a conversation looks to the agent who works it.

use tandem_protocol::{agent::ConversationDetail, conversation::Identity};

use crate::{app::AppState, context, error::AppError, store::Conversation};

/// Everything about a conversation: context, identity, every message so far, and the
/// agents' notes.
pub async fn detail(
    state: &AppState,
    conversation: &Conversation,
) -> Result<ConversationDetail, AppError> {
    Ok(ConversationDetail {
        id: conversation.id.clone(),
        site: conversation.site.clone(),
        state: conversation.state,
        reason: conversation.reason,
        priority: conversation.priority,
        context: context::read(conversation),
        context_changed_at: conversation.context_changed_at,
        identity: conversation
            .identity
            .as_deref()
            .and_then(|text| serde_json::from_str(text).ok())
            // Stored by an older server with its signature.
            .map(Identity::unsigned),
        identity_verified: conversation.identity_verified,
        language: conversation.language.clone(),
        agent_id: conversation.agent_id.clone(),
        messages: state.db.messages_since(&conversation.id, 0).await?,
        queued_at: conversation.queued_at,
        assigned_at: conversation.assigned_at,
        closed_at: conversation.closed_at,
        resolution: conversation.resolution,
        rating: conversation.rating.and_then(|r| u8::try_from(r).ok()),
        rating_comment: conversation.rating_comment.clone(),
        notes: state.db.notes(&conversation.id).await?,
    })
}
