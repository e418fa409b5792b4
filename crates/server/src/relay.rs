//! Relaying messages and typing between a shopper and an agent.
//!
//! A message is checked (size, rate), has card numbers masked, is stored (the store checks
//! who may write), and only then acknowledged and published: an acknowledged message is on
//! disk. A retry with the same client id returns the stored message and publishes nothing.
//! Tandem's own lines ([`notice`]) are stored in English and as a [`Notice`], which the
//! widget shows in the shopper's language.

use tandem_protocol::{Author, ConversationState, MAX_CLIENT_ID_BYTES, MAX_MESSAGE_BYTES, Notice};

use crate::{
    app::AppState,
    assign,
    error::AppError,
    events::Event,
    metrics::Metrics,
    store::{Append, Appended, Conversation, Gate, Refused},
};

/// Who is writing.
#[derive(Debug, Clone, Copy)]
pub enum Writer<'a> {
    Shopper,
    /// An agent, with the name shoppers see.
    Agent {
        id: &'a str,
        name: &'a str,
    },
}

/// Checks a message's text and client id.
pub fn check_message(client_id: &str, text: &str) -> Result<(), AppError> {
    check_written("A message", client_id, text)
}

/// Checks what a person sent under a client id (`what`: "A message", "A note").
pub fn check_written(what: &'static str, client_id: &str, text: &str) -> Result<(), AppError> {
    if client_id.is_empty() || client_id.len() > MAX_CLIENT_ID_BYTES {
        return Err(AppError::Invalid(format!(
            "client_id must be 1 to {MAX_CLIENT_ID_BYTES} bytes."
        )));
    }
    check_text(what, text)
}

/// Checks the text of a message, transcript line or note (`what`: "A message").
pub fn check_text(what: &'static str, text: &str) -> Result<(), AppError> {
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(AppError::TooLarge {
            what,
            limit: format!("{MAX_MESSAGE_BYTES} bytes"),
        });
    }
    if text.trim().is_empty() {
        return Err(AppError::Invalid(format!("{what} needs some text.")));
    }
    Ok(())
}

/// Stores and relays a message. Whether the writer may write is checked by the store in
/// the same statement that numbers the message; only a refusal costs a second look, to say
/// precisely why.
pub async fn send(
    state: &AppState,
    conversation: &str,
    writer: Writer<'_>,
    client_id: &str,
    text: &str,
) -> Result<Appended, AppError> {
    check_message(client_id, text)?;
    // Each writer's own budget in each conversation: a shopper who writes fast never holds
    // up the agent's answers, and no one else's requests use up either.
    let budget = match writer {
        Writer::Shopper => format!("shopper:{conversation}"),
        Writer::Agent { id, .. } => format!("agent:{id}:{conversation}"),
    };
    state
        .limits
        .messages
        .check(&budget)
        .map_err(AppError::RateLimited)?;
    let masked = tandem_assistant::mask_card_numbers(text);
    let (author, gate, agent_name) = match writer {
        Writer::Shopper => (Author::Shopper, Gate::Shopper, None),
        Writer::Agent { id, name } => (Author::Agent, Gate::Agent(id), Some(name)),
    };
    let stored = state
        .db
        .append_message(Append {
            conversation,
            client_id: Some(client_id),
            author,
            gate,
            agent_name,
            text: masked.trim(),
            notice: None,
        })
        .await?;
    let appended = match stored {
        Ok(appended) => appended,
        Err(Refused::NotAllowed) => return Err(refusal(state, conversation, writer).await),
    };
    if !appended.duplicate {
        Metrics::add(&state.metrics.messages);
        publish(state, conversation, &appended).await;
        if appended.state == ConversationState::Queued.as_str() {
            // Agents' queue views show the shopper's latest words.
            state
                .bus
                .publish(Event::Queue {
                    site: appended.site.clone(),
                })
                .await;
        }
    }
    Ok(appended)
}

/// Why the store refused a message, for the writer.
async fn refusal(state: &AppState, conversation: &str, writer: Writer<'_>) -> AppError {
    match writer {
        Writer::Shopper => match state.db.conversation(conversation).await {
            Err(e) => e.into(),
            Ok(None) => AppError::UnknownConversation(conversation.to_owned()),
            Ok(Some(_)) => AppError::Conflict("This conversation has ended.".to_owned()),
        },
        // Another site's conversation is answered as if it did not exist.
        Writer::Agent { id, .. } => match assign::visible_to(state, id, conversation).await {
            Err(e) => e,
            Ok(_) => AppError::Forbidden(
                "Only the agent who has this conversation can write in it.".to_owned(),
            ),
        },
    }
}

/// Stores a line from Tandem itself ("Anna joined") and relays it.
pub async fn notice(
    state: &AppState,
    conversation: &Conversation,
    notice: Notice,
) -> Result<(), AppError> {
    let stored = state
        .db
        .append_message(Append {
            conversation: &conversation.id,
            client_id: None,
            author: Author::System,
            gate: Gate::System,
            agent_name: None,
            text: &notice.english(),
            notice: Some(&notice),
        })
        .await?;
    match stored {
        Ok(appended) => publish(state, &conversation.id, &appended).await,
        Err(Refused::NotAllowed) => {
            return Err(AppError::UnknownConversation(conversation.id.clone()));
        }
    }
    Ok(())
}

/// Relays a stored message to whoever follows its conversation.
pub async fn publish(state: &AppState, conversation: &str, appended: &Appended) {
    state
        .bus
        .publish(Event::Message {
            conversation: conversation.to_owned(),
            agent: appended.agent_id.clone(),
            seq: appended.message.seq,
            message: Some(appended.message.clone()),
        })
        .await;
}

/// Relays that someone started or stopped typing (not stored).
pub async fn typing(state: &AppState, conversation: &Conversation, author: Author, typing: bool) {
    // Each side's own budget, as large as its messages': past it, "typing" signals are
    // dropped, so a flood never backs up the other side's connection ("stopped" always goes).
    let side = if author == Author::Shopper {
        "shopper"
    } else {
        "agent"
    };
    let budget = format!("typing:{side}:{}", conversation.id);
    if typing && state.limits.messages.check(&budget).is_err() {
        return;
    }
    state
        .bus
        .publish(Event::Typing {
            conversation: conversation.id.clone(),
            agent: conversation.agent_id.clone(),
            author,
            typing,
        })
        .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_must_have_text_fit_the_limit_and_carry_a_client_id() {
        assert!(check_message("c1", "hello").is_ok());
        assert!(matches!(
            check_message("c1", "  \n"),
            Err(AppError::Invalid(_))
        ));
        assert!(matches!(
            check_message("", "hello"),
            Err(AppError::Invalid(_))
        ));
        assert!(matches!(
            check_message(&"x".repeat(65), "hello"),
            Err(AppError::Invalid(_))
        ));
        let long = "é".repeat(MAX_MESSAGE_BYTES / 2 + 1);
        assert!(matches!(
            check_message("c1", &long),
            Err(AppError::TooLarge { .. })
        ));
        assert!(check_message("c1", &"x".repeat(MAX_MESSAGE_BYTES)).is_ok());
    }
}
