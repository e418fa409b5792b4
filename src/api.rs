//! Calls to the support server's HTTP API, with its problem details turned into a sentence
//! the shopper can read.

use gloo_net::http::{Request, Response};
use tandem_protocol::{ConversationCreated, CreateConversation, Problem, SiteInfo};

const OFFLINE: &str = "Please check your connection and try again.";

/// A sentence for the shopper from a failed response: the server's problem detail if it
/// sent one.
async fn failure(response: Response) -> String {
    match response.json::<Problem>().await {
        Ok(problem) => problem.detail.unwrap_or(problem.title),
        Err(_) => format!("The server answered {}. {OFFLINE}", response.status()),
    }
}

/// The site's public description (its name for the header).
pub async fn site_info(site: &str) -> Result<SiteInfo, String> {
    let response = Request::get(&format!("/v1/sites/{site}"))
        .send()
        .await
        .map_err(|_| OFFLINE.to_owned())?;
    if !response.ok() {
        return Err(failure(response).await);
    }
    response.json().await.map_err(|_| OFFLINE.to_owned())
}

/// Puts the conversation in the site's queue.
pub async fn create_conversation(
    packet: &CreateConversation,
) -> Result<ConversationCreated, String> {
    let request = Request::post("/v1/conversations")
        .json(packet)
        .map_err(|_| OFFLINE.to_owned())?;
    let response = request.send().await.map_err(|_| OFFLINE.to_owned())?;
    if !response.ok() {
        return Err(failure(response).await);
    }
    response.json().await.map_err(|_| OFFLINE.to_owned())
}
