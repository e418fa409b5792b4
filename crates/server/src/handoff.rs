//! The handoff: turning the widget's packet into a queued conversation an agent can pick up
//! without asking the shopper to repeat anything.
//!
//! The packet is checked (transcript length, sizes, authors; what the shop's page sent and
//! does not fit is left out, saying so), card numbers are masked in every line, the
//! merchant's identity signature is verified, and the transcript is stored
//! with a marker line saying why the shopper was handed over. Sensitive topics go ahead of
//! the rest of the queue. A packet sent again with the same key (the page reloaded before
//! the answer came) gets the conversation the first one made, with a new token, and the
//! lines its transcript has beyond the first one's.

use tandem_protocol::{
    Author, Availability, ConversationCreated, ConversationState, CreateConversation,
    HandoffReason, MAX_TRANSCRIPT_MESSAGES, TranscriptEntry, conversation::Identity,
};

use crate::{
    app::AppState,
    config::SiteConfig,
    context,
    error::AppError,
    events::Event,
    identity, ids,
    metrics::Metrics,
    queue,
    relay::{self, check_text},
    store::{Created, NewConversation, NewMessage},
};

/// The longest a language tag may be ("zh-Hant-TW" is 10; BCP 47 allows 35 in practice).
const MAX_LANGUAGE_BYTES: usize = 35;
/// The longest a shop's identity field or a knowledge base entry's id may be.
const MAX_FIELD_BYTES: usize = 256;
/// A handoff's key is a secret (it gets the conversation's token): long enough not to be
/// guessed, short enough to store.
const MIN_KEY_BYTES: usize = 16;
const MAX_KEY_BYTES: usize = 64;

/// The hash of the packet's key, if it is one that may stand for a conversation: 16 to 64
/// letters, digits, `-` or `_`. Another is left out (logged): the handoff goes through, it
/// just cannot be resumed by a retry. The shopper cannot fix a key their browser kept
/// damaged, and a guessable one must not get a conversation's token.
fn key_hash(packet: &CreateConversation) -> Option<String> {
    let key = packet.key.as_deref()?;
    let usable = (MIN_KEY_BYTES..=MAX_KEY_BYTES).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !usable {
        tracing::warn!(site = %packet.site, "a handoff's key was left out: it must be {MIN_KEY_BYTES} to {MAX_KEY_BYTES} letters, digits, `-` or `_`");
    }
    usable.then(|| ids::token_hash(key))
}

/// A short field of the packet, if it is one: at most [`MAX_FIELD_BYTES`].
fn check_field(name: &str, value: Option<&str>) -> Result<(), AppError> {
    match value {
        Some(value) if value.len() > MAX_FIELD_BYTES => Err(AppError::Invalid(format!(
            "{name} is at most {MAX_FIELD_BYTES} bytes long."
        ))),
        _ => Ok(()),
    }
}

/// What the shop's page sent with a handoff (`setContext`, `identify`), as it is stored.
#[derive(Debug)]
pub struct FromShop {
    /// The context as stored (see `context::stored`).
    pub context: String,
    pub identity: Option<Identity>,
}

/// The key under which the context tells the agent what the shop's page sent that was left
/// out.
pub const LEFT_OUT: &str = "tandem_left_out";

/// Checks a handoff packet before anything is stored. What the widget wrote (the language,
/// the transcript) must be right; what the shop's page sent and does not fit is left out,
/// saying so in the context the agent reads, and logged for the merchant: the shopper, who
/// cannot fix it, still reaches a person. Every field is bounded, since agents' queues and
/// offers carry some of them.
pub fn check(packet: &CreateConversation) -> Result<FromShop, AppError> {
    if let Some(language) = &packet.language
        && (language.len() > MAX_LANGUAGE_BYTES
            || !language
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    {
        return Err(AppError::Invalid(
            "language must be a language tag such as \"de\" or \"pt-BR\".".to_owned(),
        ));
    }
    if packet.transcript.len() > MAX_TRANSCRIPT_MESSAGES {
        return Err(AppError::Invalid(format!(
            "The transcript has {} messages; at most {MAX_TRANSCRIPT_MESSAGES} are accepted.",
            packet.transcript.len()
        )));
    }
    for (line, entry) in (1..).zip(&packet.transcript) {
        if !matches!(entry.author, Author::Shopper | Author::Assistant) {
            return Err(AppError::Invalid(format!(
                "Transcript line {line}: only shopper and assistant lines come before a handoff."
            )));
        }
        check_text("A transcript line", &entry.text).map_err(|e| match e {
            AppError::Invalid(_) => AppError::Invalid(format!("Transcript line {line} is empty.")),
            other => other,
        })?;
        check_field(
            &format!("Transcript line {line}'s entry"),
            entry.entry.as_deref(),
        )?;
    }
    Ok(from_shop(packet))
}

/// The context and identity of a handoff, without what does not fit (see [`check`]).
fn from_shop(packet: &CreateConversation) -> FromShop {
    let mut left_out = Vec::new();
    let identity = packet.identity.clone().filter(|who| {
        let fields = [
            ("identity.id", Some(who.id.as_str())),
            ("identity.name", who.name.as_deref()),
            ("identity.email", who.email.as_deref()),
            ("identity.signature", who.signature.as_deref()),
        ];
        let problems: Vec<String> = fields
            .into_iter()
            .filter_map(|(name, value)| check_field(name, value).err())
            .map(|e| e.to_string())
            .collect();
        left_out.extend(problems.iter().map(|p| format!("the identity ({p})")));
        problems.is_empty()
    });
    let mut context = packet.context.clone();
    // Stored as it came when all of it fits: the common case, masked and written once.
    match context::stored(&context) {
        Ok(stored) if left_out.is_empty() => {
            return FromShop {
                context: stored,
                identity,
            };
        }
        Ok(_) => {}
        Err(error) => {
            left_out.push(format!("the context ({error})"));
            context.clear();
        }
    }
    let said = format!(
        "The shop's page sent what was left out: {}.",
        left_out.join("; ")
    );
    tracing::warn!(site = %packet.site, "{said}");
    context.insert(LEFT_OUT.to_owned(), said.clone().into());
    // A context that fitted just may not with the note: then the note alone.
    let context = context::stored(&context).unwrap_or_else(|_| {
        let said = format!("{said} The context too: it did not fit with this note.");
        let note = [(LEFT_OUT.to_owned(), said.into())].into_iter().collect();
        context::stored(&note).expect("a note alone fits")
    });
    FromShop { context, identity }
}

/// The line stored at the moment of handoff, so the agent sees where the assistant stopped.
fn marker(reason: HandoffReason) -> &'static str {
    match reason {
        HandoffReason::Asked => "Handed over to a person: the shopper asked for one.",
        HandoffReason::LowConfidence => {
            "Handed over to a person: the assistant was not sure twice in a row."
        }
        HandoffReason::Frustration => "Handed over to a person: the shopper seemed frustrated.",
        HandoffReason::Sensitive => {
            "Handed over to a person: a topic that always goes to a person."
        }
        HandoffReason::NegativeFeedback => "Handed over to a person: an answer did not help.",
    }
}

/// Puts the shopper in the site's queue.
pub async fn create(
    state: &AppState,
    site: &SiteConfig,
    packet: CreateConversation,
) -> Result<ConversationCreated, AppError> {
    let FromShop { context, identity } = check(&packet)?;
    let availability = queue::availability(state, site).await?;
    let token = ids::random_token();
    let key_hash = key_hash(&packet);
    // A retry gets its conversation whatever the hours: it is in the queue already.
    if let Some(key_hash) = &key_hash
        && let Some(id) = (state.db)
            .resume_handoff(&site.id, key_hash, &ids::token_hash(&token))
            .await?
    {
        return resumed(state, site, id, token, availability, &packet.transcript).await;
    }
    if availability == Availability::AfterHours {
        return Err(AppError::AfterHours);
    }
    let identity_verified = match (&identity, &site.identity_secret) {
        (Some(who), Some(secret)) => who
            .signature
            .as_deref()
            .is_some_and(|signature| identity::verify(secret, &who.id, signature)),
        _ => false,
    };
    let mut messages = lines(&packet.transcript);
    messages.push(NewMessage {
        author: Author::System,
        text: marker(packet.reason).to_owned(),
        confidence: None,
        entry: None,
    });
    let transcript_seq = u64::try_from(messages.len()).expect("at most 201 messages");
    let new = NewConversation {
        id: ids::random_id(),
        site: site.id.clone(),
        token_hash: ids::token_hash(&token),
        reason: packet.reason,
        priority: i64::from(packet.reason == HandoffReason::Sensitive),
        context,
        identity: identity.as_ref().map(|who| {
            serde_json::to_string(&who.clone().unsigned()).expect("identities serialise")
        }),
        identity_verified,
        shopper_id: identity
            .as_ref()
            .filter(|_| identity_verified)
            .map(|who| who.id.clone()),
        language: packet.language.clone(),
        key_hash,
        messages,
    };
    match state.db.create_conversation(&new).await? {
        Created::New => {
            Metrics::add(&state.metrics.conversations_created);
            tracing::info!(site = %site.id, conversation = %new.id, reason = new.reason.as_str(), "conversation queued");
            state
                .bus
                .publish(Event::Queue {
                    site: site.id.clone(),
                })
                .await;
            state.bus.publish(Event::Dispatch).await;
            let at = Now {
                state: ConversationState::Queued,
                transcript_seq,
                availability,
            };
            answer(state, site, new.id, token, at).await
        }
        // Sent twice at once: the other request made it.
        Created::Again(id) => {
            resumed(state, site, id, token, availability, &packet.transcript).await
        }
    }
}

/// Where a conversation is, for the answer to its handoff.
struct Now {
    state: ConversationState,
    transcript_seq: u64,
    availability: Availability,
}

/// A transcript's lines as stored, card numbers masked.
fn lines(transcript: &[TranscriptEntry]) -> Vec<NewMessage> {
    transcript
        .iter()
        .map(|entry| NewMessage {
            // Shopper or assistant: `check` let no other through.
            author: entry.author,
            text: tandem_assistant::mask_card_numbers(&entry.text).into_owned(),
            confidence: entry.confidence,
            entry: entry.entry.clone(),
        })
        .collect()
}

/// The answer for a handoff sent again: the conversation the first one made, as it is now.
/// What the shopper and the assistant said since the first try (its answer was lost, the
/// shopper went on with the assistant, then asked again) is added after the transcript, so
/// the agent reads it too.
async fn resumed(
    state: &AppState,
    site: &SiteConfig,
    id: String,
    token: String,
    availability: Availability,
    transcript: &[TranscriptEntry],
) -> Result<ConversationCreated, AppError> {
    tracing::info!(site = %site.id, conversation = %id, "handoff sent again: its conversation resumed");
    let (stored, end) = state.db.handoff_transcript(&id).await?;
    let lines = lines(transcript);
    // Only what follows the lines stored, word for word: a chat the widget could not
    // read back whole, or cut to its last lines, does not line up.
    let same_start = lines.len() > stored.len()
        && lines
            .iter()
            .zip(&stored)
            .all(|(line, text)| line.text == *text);
    let mut transcript_seq = end;
    if same_start {
        let since = &lines[stored.len()..];
        match state.db.extend_transcript(&id, end, since).await? {
            Some(appended) => {
                for line in &appended {
                    relay::publish(state, &id, line).await;
                }
                // Agents' queue views show the shopper's latest words.
                state
                    .bus
                    .publish(Event::Queue {
                        site: site.id.clone(),
                    })
                    .await;
                transcript_seq = end + i64::try_from(since.len()).unwrap_or_default();
            }
            // Something was written after the transcript: another try of the same handoff
            // at the same moment may have added these lines, so its end is read again (the
            // widget has seen the transcript to its end).
            None => transcript_seq = state.db.handoff_transcript(&id).await?.1,
        }
    }
    let conversation = state
        .db
        .conversation(&id)
        .await?
        .ok_or(AppError::NotFound)?;
    let at = Now {
        state: conversation.state,
        transcript_seq: u64::try_from(transcript_seq).unwrap_or_default(),
        availability,
    };
    answer(state, site, id, token, at).await
}

async fn answer(
    state: &AppState,
    site: &SiteConfig,
    id: String,
    token: String,
    at: Now,
) -> Result<ConversationCreated, AppError> {
    let place = queue::snapshot(state, &site.id).await?.place(&id);
    Ok(ConversationCreated {
        id,
        token,
        state: at.state,
        position: place.map(|(position, _)| position),
        estimated_wait_secs: place.and_then(|(_, estimate)| estimate),
        availability: at.availability,
        transcript_seq: at.transcript_seq,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(author: Author, text: &str) -> TranscriptEntry {
        TranscriptEntry {
            author,
            text: text.into(),
            confidence: None,
            entry: None,
            at: None,
        }
    }

    #[test]
    fn a_transcript_of_200_lines_passes_and_201_does_not() {
        let mut packet = CreateConversation::new("acme");
        packet.transcript = vec![line(Author::Shopper, "hi"); MAX_TRANSCRIPT_MESSAGES];
        assert!(check(&packet).is_ok());
        packet.transcript.push(line(Author::Shopper, "one more"));
        let err = check(&packet).unwrap_err();
        assert!(matches!(err, AppError::Invalid(_)));
        assert!(err.to_string().contains("201"), "{err}");
    }

    #[test]
    fn agent_lines_and_empty_lines_are_refused_and_a_huge_context_left_out() {
        let mut packet = CreateConversation::new("acme");
        packet.transcript = vec![line(Author::Agent, "I am an agent")];
        assert!(check(&packet).unwrap_err().to_string().contains("line 1"));
        packet.transcript = vec![line(Author::Shopper, "ok"), line(Author::Assistant, " ")];
        assert!(check(&packet).unwrap_err().to_string().contains("line 2"));
        packet.transcript = vec![line(Author::Shopper, &"x".repeat(5000))];
        assert!(matches!(check(&packet), Err(AppError::TooLarge { .. })));
        packet.transcript.clear();
        packet
            .context
            .insert("cart".into(), "x".repeat(context::MAX_CONTEXT_BYTES).into());
        let stored = check(&packet).unwrap().context;
        assert!(!stored.contains("xxx"), "the cart is left out");
        assert!(
            stored.contains(LEFT_OUT) && stored.contains("the context"),
            "{stored}"
        );
    }

    #[test]
    fn every_field_agents_see_in_their_queue_is_bounded() {
        let mut packet = CreateConversation::new("acme");
        packet.language = Some("pt-BR".into());
        packet.identity = Some(tandem_protocol::conversation::Identity {
            id: "user-42".into(),
            name: Some("Maja".into()),
            email: None,
            signature: None,
        });
        packet.transcript = vec![TranscriptEntry {
            entry: Some("returns".into()),
            ..line(Author::Assistant, "30 days.")
        }];
        assert!(check(&packet).unwrap().identity.is_some());
        let refused = |packet: &CreateConversation| check(packet).unwrap_err().to_string();
        let mut long = packet.clone();
        long.language = Some("x".repeat(900));
        assert!(
            refused(&long).contains("language tag"),
            "{}",
            refused(&long)
        );
        long.language = Some("de\"><b>".into());
        assert!(refused(&long).contains("language tag"));
        // The shop's identity with a field too long is left out, saying which.
        let mut long = packet.clone();
        long.identity.as_mut().unwrap().name = Some("M".repeat(300));
        let from_shop = check(&long).unwrap();
        assert_eq!(from_shop.identity, None);
        assert!(
            from_shop.context.contains("identity.name"),
            "{}",
            from_shop.context
        );
        // A context that just fits does not with the note: the note stays alone.
        long.context.insert(
            "cart".into(),
            "x".repeat(context::MAX_CONTEXT_BYTES - 20).into(),
        );
        let from_shop = check(&long).unwrap();
        assert!(from_shop.context.contains("identity.name"));
        assert!(from_shop.context.contains("The context too"));
        assert!(!from_shop.context.contains("xxx"), "the cart is left out");
        let mut long = packet.clone();
        long.transcript[0].entry = Some("e".repeat(300));
        assert!(
            refused(&long).contains("line 1's entry"),
            "{}",
            refused(&long)
        );
    }
}
