//! Calls to the support server's HTTP API, with its problem details turned into a sentence
//! the shopper can read ([`ApiError::said`]). Bodies go through the widget's own JSON codec
//! (`crate::wire`).

use gloo_net::http::{Request, RequestBuilder, Response};
use tandem_protocol::{
    ConversationCreated, ConversationStatus, CreateConversation, Problem, SiteInfo,
    conversation::{LeaveMessage, Rating},
};

use crate::{
    chat::Ticket,
    i18n::{Strings, T},
    wire::{Json, decode, encode},
};

/// A failed call, or a frame the server refused on the live connection: the HTTP status when
/// the server answered, and its own words then (the problem's detail or title, in English).
/// Lines keep it as it came and tell it when drawn, so a line stored before the shopper's
/// language was known is still told in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: Option<u16>,
    pub detail: Option<String>,
}

impl ApiError {
    /// What to tell the shopper: the server's precise words to an English reader, else the
    /// nearest text in the shopper's language.
    pub fn said(&self, strings: &Strings) -> String {
        let text = match (&self.detail, self.status) {
            (Some(detail), _) if strings.language() == "en" => return detail.clone(),
            (None, None) => T::CheckConnection,
            (_, Some(413)) => T::TooLong,
            (_, Some(429)) => T::TooMany,
            _ => T::ErrorGeneric,
        };
        strings.get(text).to_owned()
    }

    /// A call that got no answer: the network is down or the server unreachable.
    pub fn offline() -> ApiError {
        ApiError {
            status: None,
            detail: None,
        }
    }
}

impl From<&Problem> for ApiError {
    fn from(problem: &Problem) -> ApiError {
        ApiError {
            status: Some(problem.status),
            detail: Some(problem.message().to_owned()),
        }
    }
}

async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, ApiError> {
    let response = request
        .map_err(|_| ApiError::offline())?
        .send()
        .await
        .map_err(|_| ApiError::offline())?;
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    let problem = response
        .text()
        .await
        .ok()
        .and_then(|text| decode::problem(&Json::parse(&text)?));
    Err(ApiError {
        status: Some(status),
        detail: problem.map(|p| p.message().to_owned()),
    })
}

/// The body, read with `decode`.
async fn read<T>(response: Response, decode: fn(&Json) -> Option<T>) -> Result<T, ApiError> {
    let text = response.text().await.map_err(|_| ApiError::offline())?;
    Json::parse(&text)
        .as_ref()
        .and_then(decode)
        .ok_or_else(ApiError::offline)
}

/// A JSON `POST`, with the conversation's token when there is one.
fn post(url: &str, json: String, ticket: Option<&Ticket>) -> Result<Request, gloo_net::Error> {
    let mut request: RequestBuilder = Request::post(url).header("Content-Type", "application/json");
    if let Some(ticket) = ticket {
        request = request.header("Authorization", &format!("Bearer {}", ticket.token));
    }
    request.body(json)
}

/// The site's public description.
pub async fn site_info(site: &str) -> Result<SiteInfo, ApiError> {
    read(
        send(Request::get(&format!("/v1/sites/{site}")).build()).await?,
        decode::site_info,
    )
    .await
}

/// The compiled knowledge base.
pub async fn model(url: &str) -> Result<Vec<u8>, ApiError> {
    send(Request::get(url).build())
        .await?
        .binary()
        .await
        .map_err(|_| ApiError::offline())
}

/// A language file's text.
pub async fn strings(language: &str) -> Result<String, ApiError> {
    let url = format!("/widget/i18n/{language}.json");
    send(Request::get(&url).build())
        .await?
        .text()
        .await
        .map_err(|_| ApiError::offline())
}

/// Hands the shopper over to the site's queue; `context` is the merchant's, as JSON text.
pub async fn create_conversation(
    packet: &CreateConversation,
    context: &str,
) -> Result<ConversationCreated, ApiError> {
    let response = send(post(
        "/v1/conversations",
        encode::packet(packet, context),
        None,
    ))
    .await?;
    read(response, decode::conversation_created).await
}

/// Leaves the queue.
pub async fn cancel(ticket: &Ticket) -> Result<ConversationStatus, ApiError> {
    let url = format!("/v1/conversations/{}/cancel", ticket.id);
    read(
        send(post(&url, "{}".to_owned(), Some(ticket))).await?,
        decode::status,
    )
    .await
}

/// Rates the closed conversation.
pub async fn rate(ticket: &Ticket, score: u8, comment: Option<String>) -> Result<(), ApiError> {
    let url = format!("/v1/conversations/{}/rating", ticket.id);
    send(post(
        &url,
        encode::rating(&Rating { score, comment }),
        Some(ticket),
    ))
    .await
    .map(drop)
}

/// Leaves a message when no one can answer live; `context` as for a handoff.
pub async fn leave_message(
    site: &str,
    message: &LeaveMessage,
    context: &str,
) -> Result<(), ApiError> {
    let url = format!("/v1/sites/{site}/offline-messages");
    send(post(&url, encode::leave_message(message, context), None))
        .await
        .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GERMAN: &str = include_str!("../i18n/de.json");

    #[test]
    fn failures_are_told_in_the_shoppers_language() {
        let english = Strings::english();
        let german = Strings::from_json("de", GERMAN).unwrap();
        let refused = |status| ApiError {
            status: Some(status),
            detail: Some("A rating is 1 to 5.".to_owned()),
        };
        // In English the server's own, precise words; in German the nearest text.
        assert_eq!(refused(422).said(&english), "A rating is 1 to 5.");
        assert_eq!(refused(422).said(&german), german.get(T::ErrorGeneric));
        assert_eq!(refused(429).said(&german), german.get(T::TooMany));
        assert_eq!(refused(413).said(&german), german.get(T::TooLong));
        assert_eq!(
            ApiError::offline().said(&german),
            german.get(T::CheckConnection)
        );
        assert_eq!(
            ApiError::offline().said(&english),
            "Please check your connection and try again."
        );
        let bare = ApiError {
            status: Some(502),
            detail: None,
        };
        assert_eq!(bare.said(&english), english.get(T::ErrorGeneric));
        assert_eq!(bare.said(&german), german.get(T::ErrorGeneric));
        // A refusal on the live connection is told the same way.
        let problem = Problem {
            kind: "about:blank".into(),
            title: "Too Large".into(),
            status: 413,
            detail: Some("A message is at most 4096 bytes.".into()),
        };
        assert_eq!(
            ApiError::from(&problem).said(&german),
            german.get(T::TooLong)
        );
        assert_eq!(
            ApiError::from(&problem).said(&english),
            "A message is at most 4096 bytes."
        );
        // Words kept without a status (a line stored by an older widget) are not taken for
        // a lost connection.
        let words_only = ApiError {
            status: None,
            detail: Some("Conversation closed.".into()),
        };
        assert_eq!(words_only.said(&german), german.get(T::ErrorGeneric));
    }
}
