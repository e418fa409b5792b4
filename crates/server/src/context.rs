//! The shop's context of a conversation (`Tandem.setContext`: cart, order, page): checked and
//! stored with the handoff, and updated while a person is involved, when the shopper goes on
//! to another page of the shop or the cart changes, so the agent sees where the shopper is
//! now, card numbers masked. It is stored as JSON text whose keys serde orders, so the same context always reads
//! the same and a page that says it again changes nothing. Agents are told of a change by
//! [`Event::Context`], which carries no context (an event must stay small enough for
//! PostgreSQL's `NOTIFY`): their connections read it from the database.

use std::borrow::Cow;

use serde_json::{Map, Value};
use tandem_assistant::mask_card_numbers;
use tandem_protocol::ConversationState;

use crate::{app::AppState, error::AppError, events::Event, store::Conversation};

/// The most bytes of context a conversation may carry (as JSON).
pub const MAX_CONTEXT_BYTES: usize = 16 * 1024;

fn too_large() -> AppError {
    AppError::TooLarge {
        what: "The context",
        limit: format!("{MAX_CONTEXT_BYTES} bytes of JSON"),
    }
}

/// The context as stored, if it fits.
pub fn stored(context: &Map<String, Value>) -> Result<String, AppError> {
    // As every text shoppers and shops send: whatever sent it, no card number is stored.
    let text = serde_json::to_string(&masked(Value::Object(context.clone())))
        .expect("JSON values serialise");
    if text.len() > MAX_CONTEXT_BYTES {
        return Err(too_large());
    }
    Ok(text)
}

/// `value` with card numbers masked in every text, and a whole number that is one made the
/// masked text. Only numbers of 15 digits or more: shorter ones (times in milliseconds,
/// shops' ids) are far likelier to be what they seem, and a card is rarely a JSON number.
fn masked(value: Value) -> Value {
    match value {
        Value::String(text) => Value::String(mask_card_numbers(&text).into_owned()),
        Value::Number(n) if n.is_u64() && n.to_string().len() >= 15 => {
            match mask_card_numbers(&n.to_string()) {
                Cow::Owned(text) => Value::String(text),
                Cow::Borrowed(_) => Value::Number(n),
            }
        }
        Value::Array(items) => Value::Array(items.into_iter().map(masked).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, masked(v))).collect()),
        other => other,
    }
}

/// The context a shop's page sent as JSON text: an object that fits.
fn parse(text: &str) -> Result<Map<String, Value>, AppError> {
    if text.len() > MAX_CONTEXT_BYTES {
        return Err(too_large());
    }
    serde_json::from_str(text)
        .map_err(|_| AppError::Invalid("The context must be a JSON object.".to_owned()))
}

/// The context a conversation was stored with (an empty one if unreadable).
pub fn read(conversation: &Conversation) -> Map<String, Value> {
    serde_json::from_str(&conversation.context).unwrap_or_default()
}

/// Replaces the context of a conversation that is queued or with an agent with what the
/// shop's page sent (JSON text); the agent who has it is told when it changed.
pub async fn update(
    state: &AppState,
    conversation: &Conversation,
    text: &str,
) -> Result<(), AppError> {
    let text = stored(&parse(text)?)?;
    let open = matches!(
        conversation.state,
        ConversationState::Queued | ConversationState::WithAgent
    );
    if !open {
        return Err(AppError::Conflict(
            "The conversation is over: its context no longer changes.".to_owned(),
        ));
    }
    // Every page of the shop says its context again: that costs nothing.
    if text == conversation.context {
        return Ok(());
    }
    // A page that changes its context in a loop costs writes and events: as many changes
    // as messages, in a budget of their own, so the agent's messages never wait for them.
    state
        .limits
        .messages
        .check(&format!("context:{}", conversation.id))
        .map_err(AppError::RateLimited)?;
    if state.db.set_context(&conversation.id, &text).await? {
        state
            .bus
            .publish(Event::Context {
                conversation: conversation.id.clone(),
                agent: conversation.agent_id.clone(),
            })
            .await;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn card_numbers_are_masked_in_texts_and_long_whole_numbers_only() {
        let Value::Object(context) = json!({
            "note": "paid with 4242 4242 4242 4242\nthanks",
            "lines": [{ "pan": 4111111111111111_u64 }],
            "negative": -4242424242424242_i64,
            "price": 5.0000000000026,
            "placed_at_ms": 1764590400000_u64,
            "order": 100023456,
        }) else {
            unreachable!()
        };
        let stored: Value = serde_json::from_str(&stored(&context).unwrap()).unwrap();
        assert_eq!(stored["note"], "paid with •••• 4242\nthanks");
        assert_eq!(stored["lines"][0]["pan"], "•••• 1111");
        for unchanged in ["negative", "price", "placed_at_ms", "order"] {
            assert_eq!(stored[unchanged], context[unchanged], "{unchanged}");
        }
    }

    #[test]
    fn contexts_must_be_objects_that_fit() {
        let context = parse(r#"{"page": "payment", "cart_value": 224.5}"#).unwrap();
        assert_eq!(
            stored(&context).unwrap(),
            r#"{"cart_value":224.5,"page":"payment"}"#,
            "keys in order, so the same context reads the same"
        );
        for not_an_object in ["[1, 2]", "\"checkout\"", "{\"page\": ", ""] {
            assert!(
                matches!(parse(not_an_object), Err(AppError::Invalid(_))),
                "{not_an_object}"
            );
        }
        let mut huge = Map::new();
        huge.insert("cart".into(), "x".repeat(MAX_CONTEXT_BYTES).into());
        assert!(matches!(stored(&huge), Err(AppError::TooLarge { .. })));
        let huge_text = serde_json::to_string(&huge).unwrap();
        assert!(matches!(parse(&huge_text), Err(AppError::TooLarge { .. })));
    }
}
