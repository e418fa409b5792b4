//! `POST /v1/sites/{site}/offline-messages`: when no one can answer live, the shopper leaves
//! a message and an email address; agents find it in their inbox.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::IntoResponse,
};
use tandem_protocol::conversation::{LeaveMessage, MessageLeft, TranscriptEntry};

use crate::{
    app::AppState,
    client::ClientAddress,
    error::{AppError, AppJson},
    handoff,
    http::conversations::check_origin,
    ids,
    metrics::Metrics,
    origin::RequestOrigin,
    relay::check_text,
    store::NewOfflineMessage,
};

/// The longest name a shopper may leave.
const MAX_NAME_CHARS: usize = 200;
/// The most of the chat before the message an offline message keeps: its last lines, as
/// many as fit. Every agent's inbox holds a page of unanswered messages with this, fetched
/// each minute; what the agent answers by email is the message itself.
const MAX_TRANSCRIPT_BYTES: usize = 16 * 1024;

/// The last lines of `transcript` whose texts fit [`MAX_TRANSCRIPT_BYTES`] together.
fn recent(mut transcript: Vec<TranscriptEntry>) -> Vec<TranscriptEntry> {
    let mut total = 0;
    let kept = transcript
        .iter()
        .rev()
        .take_while(|line| {
            total += line.text.len();
            total <= MAX_TRANSCRIPT_BYTES
        })
        .count();
    transcript.split_off(transcript.len() - kept)
}

/// A plausible email address: something@domain.tld, no spaces, not absurdly long.
fn plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    email.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.contains(char::is_whitespace)
        && !domain.contains('@')
        // The agent answers through a `mailto:` link: no headers (`?bcc=`, `&cc=`) or
        // escapes ride along in the address.
        && !local.contains(|c: char| "?&%#/\\<>\",;:".contains(c) || c.is_control())
        && domain.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '.')
}

pub async fn leave(
    State(state): State<AppState>,
    Path(site): Path<String>,
    from: RequestOrigin,
    ClientAddress(address): ClientAddress,
    AppJson(left): AppJson<LeaveMessage>,
) -> Result<impl IntoResponse, AppError> {
    let site = state.site(&site)?.clone();
    check_origin(&state, &site.id, &from)?;
    let email = left.email.trim();
    if !plausible_email(email) {
        return Err(AppError::Invalid(format!(
            "{email:?} does not look like an email address."
        )));
    }
    check_text("A message", &left.message)?;
    let name = left
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if name.is_some_and(|n| n.chars().count() > MAX_NAME_CHARS) {
        return Err(AppError::Invalid(format!(
            "A name is at most {MAX_NAME_CHARS} characters long."
        )));
    }
    let mut packet = tandem_protocol::CreateConversation::new(site.id.clone());
    packet.transcript = left.transcript;
    packet.context = left.context;
    let context = handoff::check(&packet)?.context;
    state
        .limits
        .offline
        .check(&address)
        .map_err(AppError::RateLimited)?;
    let mask = tandem_assistant::mask_card_numbers;
    packet.transcript = recent(packet.transcript);
    for line in &mut packet.transcript {
        line.text = mask(&line.text).into_owned();
    }
    let message = mask(left.message.trim());
    let new_id = ids::random_id();
    let id = state
        .db
        .leave_offline_message(NewOfflineMessage {
            id: &new_id,
            site: &site.id,
            email,
            // Typed by the shopper, like the message: masked like it.
            name: name.map(mask).as_deref(),
            message: &message,
            transcript: &serde_json::to_string(&packet.transcript).expect("transcripts serialise"),
            context: &context,
            dedupe: &ids::token_hash(&format!("{}\n{message}", email.to_lowercase())),
        })
        .await?;
    if id == new_id {
        Metrics::add(&state.metrics.offline_messages);
        tracing::info!(site = %site.id, message = %id, "offline message left");
    }
    Ok((StatusCode::CREATED, AppJson(MessageLeft { id })))
}

#[cfg(test)]
mod tests {
    use super::{MAX_TRANSCRIPT_BYTES, plausible_email, recent};
    use tandem_protocol::conversation::TranscriptEntry;

    #[test]
    fn a_long_chat_before_the_message_keeps_its_last_lines() {
        let line = |n: usize, len: usize| -> TranscriptEntry {
            serde_json::from_value(serde_json::json!({
                "author": "shopper",
                "text": format!("{n}:{}", "x".repeat(len)),
            }))
            .unwrap()
        };
        let short: Vec<_> = (0..3).map(|n| line(n, 10)).collect();
        assert_eq!(recent(short.clone()), short, "a short chat stays whole");
        let long: Vec<_> = (0..10).map(|n| line(n, 4000)).collect();
        let kept = recent(long);
        assert_eq!(kept.len(), 4);
        assert!(kept[0].text.starts_with("6:") && kept[3].text.starts_with("9:"));
        assert!(kept.iter().map(|l| l.text.len()).sum::<usize>() <= MAX_TRANSCRIPT_BYTES);
    }

    #[test]
    fn emails_are_checked_for_shape_only() {
        for good in [
            "ana@example.com",
            "a.b+tag@shop.example.co.uk",
            "o'neil@müller.example",
        ] {
            assert!(plausible_email(good), "{good}");
        }
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "ana @example.com",
            "a@b@c.com",
            "ana@.com",
            "jane@victim.example?bcc=thief%40evil.example",
            "jane?bcc=thief@evil.example",
            "jane@victim.example&cc=x",
            "jane@victim.example/path",
        ] {
            assert!(!plausible_email(bad), "{bad}");
        }
    }
}
