//! `POST /v1/sites/{site}/events`: the widget's small batches of what the assistant did
//! (answered from an entry, offered choices, handed over and why, "did this help?"), with no
//! shopper text and no identifiers, added to the site's daily counts.

use std::collections::BTreeMap;

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use tandem_protocol::events::{AssistantEvent, EventBatch, MAX_EVENTS_PER_BATCH};

use crate::{
    app::AppState,
    client::ClientAddress,
    error::{AppError, AppJson},
    http::conversations::check_origin,
    origin::RequestOrigin,
    store::CountKey,
};

/// What an event counts as.
fn key(event: &AssistantEvent) -> CountKey {
    let (kind, entry, detail) = match event {
        AssistantEvent::Answered { entry } => ("answered", entry.clone(), String::new()),
        AssistantEvent::Clarified => ("clarified", String::new(), String::new()),
        AssistantEvent::HandedOver { reason } => {
            ("handed_over", String::new(), reason.as_str().to_owned())
        }
        AssistantEvent::Feedback { entry, helpful } => (
            "feedback",
            entry.clone(),
            if *helpful { "yes" } else { "no" }.to_owned(),
        ),
    };
    CountKey {
        kind,
        entry,
        detail,
    }
}

/// Counts the batch per kind, entry and detail.
pub fn tally(events: &[AssistantEvent]) -> Vec<(CountKey, i64)> {
    let mut counts: BTreeMap<CountKey, i64> = BTreeMap::new();
    for event in events {
        *counts.entry(key(event)).or_default() += 1;
    }
    counts.into_iter().collect()
}

pub async fn record(
    State(state): State<AppState>,
    Path(site): Path<String>,
    from: RequestOrigin,
    ClientAddress(address): ClientAddress,
    AppJson(batch): AppJson<EventBatch>,
) -> Result<StatusCode, AppError> {
    let site = state.site(&site)?;
    check_origin(&state, &site.id, &from)?;
    state
        .limits
        .events
        .check(&address)
        .map_err(AppError::RateLimited)?;
    if batch.events.len() > MAX_EVENTS_PER_BATCH {
        return Err(AppError::TooLarge {
            what: "An event batch",
            limit: format!("{MAX_EVENTS_PER_BATCH} events"),
        });
    }
    let model = state.models.get(&site.id);
    for event in &batch.events {
        let entry = match event {
            AssistantEvent::Answered { entry } | AssistantEvent::Feedback { entry, .. } => entry,
            _ => continue,
        };
        if model.as_ref().is_none_or(|m| !m.entries.contains(entry)) {
            return Err(AppError::Invalid(format!(
                "Site {:?} has no knowledge-base entry {entry:?}.",
                site.id
            )));
        }
    }
    let day = chrono::Utc::now().format("%Y-%m-%d").to_string();
    state
        .db
        .add_counts(&site.id, &day, &tally(&batch.events))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tandem_protocol::HandoffReason;

    #[test]
    fn a_batch_is_counted_per_kind_entry_and_detail() {
        let events = vec![
            AssistantEvent::Answered {
                entry: "returns".into(),
            },
            AssistantEvent::Answered {
                entry: "returns".into(),
            },
            AssistantEvent::Feedback {
                entry: "returns".into(),
                helpful: false,
            },
            AssistantEvent::HandedOver {
                reason: HandoffReason::NegativeFeedback,
            },
            AssistantEvent::Clarified,
        ];
        let tallied = tally(&events);
        let counts: Vec<(&str, &str, &str, i64)> = tallied
            .iter()
            .map(|(k, n)| (k.kind, k.entry.as_str(), k.detail.as_str(), *n))
            .collect();
        assert_eq!(
            counts,
            [
                ("answered", "returns", "", 2),
                ("clarified", "", "", 1),
                ("feedback", "returns", "no", 1),
                ("handed_over", "", "negative_feedback", 1),
            ]
        );
    }
}
