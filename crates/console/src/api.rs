//! Calls to the server's agent API (`/v1/agent/...`), authenticated by the session cookie the
//! sign-in sets. A failure becomes a sentence the agent can read: the server's problem
//! detail when it sent one.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::{Serialize, de::DeserializeOwned};
use tandem_protocol::{
    Problem, SiteInfo,
    agent::{
        AgentProfile, ChangePassword, CloseConversation, ClosedConversation, Colleague,
        ConversationDetail, KbEdit, KbReport, KbSource, KbTried, KbTry, KbVersionPage,
        KbVersionText, Login, NewAgent, NewNote, Note, OfflineInbox, Resolution, SetStatus,
        SiteAgent, Transfer,
    },
    conversation::SendMessage,
    dashboard::Dashboard,
};

use crate::history::PageRequest;

const OFFLINE: &str = "The server cannot be reached. Check your connection and try again.";

/// Why a call failed: the HTTP status (none when the server was not reached) and a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub status: Option<u16>,
    pub message: String,
}

impl Failure {
    fn offline() -> Failure {
        Failure {
            status: None,
            message: OFFLINE.to_owned(),
        }
    }

    /// The session is gone (signed out elsewhere, or expired): sign in again.
    pub fn signed_out(&self) -> bool {
        self.status == Some(401)
    }
}

async fn failure(response: Response) -> Failure {
    let status = response.status();
    let message = match response.json::<Problem>().await {
        Ok(problem) => problem.detail.unwrap_or(problem.title),
        Err(_) => format!("The server answered {status}."),
    };
    Failure {
        status: Some(status),
        message,
    }
}

async fn call(request: Result<Request, gloo_net::Error>) -> Result<Response, Failure> {
    let response = request
        .map_err(|_| Failure::offline())?
        .send()
        .await
        .map_err(|_| Failure::offline())?;
    if response.ok() {
        Ok(response)
    } else {
        Err(failure(response).await)
    }
}

fn with_body(builder: RequestBuilder, body: &impl Serialize) -> Result<Request, gloo_net::Error> {
    builder.json(body)
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, Failure> {
    response.json().await.map_err(|_| Failure::offline())
}

pub async fn login(email: &str, password: &str) -> Result<AgentProfile, Failure> {
    let login = Login {
        email: email.to_owned(),
        password: password.to_owned(),
    };
    read(call(with_body(Request::post("/v1/agent/login"), &login)).await?).await
}

/// The signed-in agent, if the session cookie is still good.
pub async fn me() -> Result<AgentProfile, Failure> {
    read(call(Request::get("/v1/agent/me").build()).await?).await
}

pub async fn logout() -> Result<(), Failure> {
    call(Request::post("/v1/agent/logout").build())
        .await
        .map(drop)
}

/// Changes the signed-in agent's password; every other session of theirs ends.
pub async fn change_password(change: &ChangePassword) -> Result<(), Failure> {
    call(with_body(Request::put("/v1/agent/password"), change))
        .await
        .map(drop)
}

pub async fn set_status(status: &SetStatus) -> Result<AgentProfile, Failure> {
    read(call(with_body(Request::put("/v1/agent/status"), status)).await?).await
}

/// Accept an offer, decline it, or claim a conversation from the queue.
pub async fn take(conversation: &str, how: Take) -> Result<(), Failure> {
    let path = format!("/v1/agent/conversations/{conversation}/{}", how.path());
    call(Request::post(&path).build()).await.map(drop)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Take {
    Accept,
    Decline,
    Claim,
}

impl Take {
    fn path(self) -> &'static str {
        match self {
            Take::Accept => "accept",
            Take::Decline => "decline",
            Take::Claim => "claim",
        }
    }
}

pub async fn send(conversation: &str, message: &SendMessage) -> Result<(), Failure> {
    let path = format!("/v1/agent/conversations/{conversation}/messages");
    call(with_body(Request::post(&path), message))
        .await
        .map(drop)
}

pub async fn close(conversation: &str, resolution: Resolution) -> Result<(), Failure> {
    let path = format!("/v1/agent/conversations/{conversation}/close");
    call(with_body(
        Request::post(&path),
        &CloseConversation { resolution },
    ))
    .await
    .map(drop)
}

/// A note for the other agents on a conversation the agent has: the note as stored.
pub async fn add_note(conversation: &str, note: &NewNote) -> Result<Note, Failure> {
    let path = format!("/v1/agent/conversations/{conversation}/notes");
    read(call(with_body(Request::post(&path), note)).await?).await
}

/// To a colleague, or (`None`) back to the front of the queue.
pub async fn transfer(conversation: &str, to_agent: Option<String>) -> Result<(), Failure> {
    let path = format!("/v1/agent/conversations/{conversation}/transfer");
    call(with_body(Request::post(&path), &Transfer { to_agent }))
        .await
        .map(drop)
}

/// The other agents of a site, as transfer targets.
pub async fn colleagues(site: &str) -> Result<Vec<Colleague>, Failure> {
    let request = Request::get("/v1/agent/colleagues").query([("site", site)]);
    read(call(request.build()).await?).await
}

/// The site's quality figures between two days (`YYYY-MM-DD`, UTC, both included).
pub async fn dashboard(site: &str, from: &str, to: &str) -> Result<Dashboard, Failure> {
    let request =
        Request::get("/v1/agent/dashboard").query([("site", site), ("from", from), ("to", to)]);
    read(call(request.build()).await?).await
}

/// A page of the site's closed conversations, newest first.
pub async fn history(request: &PageRequest) -> Result<Vec<ClosedConversation>, Failure> {
    let before = request.before.as_ref().map(|(ms, id)| (ms.to_string(), id));
    let mut query = vec![("site", request.filter.site.as_str())];
    if let Some((ms, id)) = &before {
        query.push(("before", ms));
        query.push(("before_id", id));
    }
    if request.filter.low {
        query.push(("low", "true"));
    }
    if !request.filter.text.is_empty() {
        query.push(("q", &request.filter.text));
    }
    read(call(Request::get("/v1/agent/history").query(query).build()).await?).await
}

/// The newest closed conversations of one merchant-verified shopper on a site.
pub async fn earlier(site: &str, shopper: &str) -> Result<Vec<ClosedConversation>, Failure> {
    let request = Request::get("/v1/agent/history").query([("site", site), ("shopper", shopper)]);
    read(call(request.build()).await?).await
}

/// One conversation, whole.
pub async fn conversation(id: &str) -> Result<ConversationDetail, Failure> {
    read(call(Request::get(&format!("/v1/agent/conversations/{id}")).build()).await?).await
}

/// The site's agents, for its admins.
pub async fn site_agents(site: &str) -> Result<Vec<SiteAgent>, Failure> {
    let request = Request::get("/v1/agent/admin/agents").query([("site", site)]);
    read(call(request.build()).await?).await
}

/// Adds an agent to a site; the site's agents afterwards.
pub async fn add_agent(new: &NewAgent) -> Result<Vec<SiteAgent>, Failure> {
    read(call(with_body(Request::post("/v1/agent/admin/agents"), new)).await?).await
}

pub async fn remove_agent(site: &str, agent: &str) -> Result<(), Failure> {
    let path = format!("/v1/agent/admin/agents/{agent}");
    call(Request::delete(&path).query([("site", site)]).build())
        .await
        .map(drop)
}

/// Has the server put the site's knowledge base file (back) in use and compile it, unless a
/// version after `base_version` was saved meanwhile; the text now in use.
pub async fn reload_kb(site: &str, base_version: i64) -> Result<KbSource, Failure> {
    let base = base_version.to_string();
    let request = Request::post("/v1/agent/admin/kb-reload")
        .query([("site", site), ("base_version", base.as_str())]);
    read(call(request.build()).await?).await
}

/// The site's knowledge base text in use, to edit.
pub async fn kb_source(site: &str) -> Result<KbSource, Failure> {
    let request = Request::get("/v1/agent/admin/kb-source").query([("site", site)]);
    read(call(request.build()).await?).await
}

/// Saves an edited knowledge base as the site's next version and has it compiled; the text
/// now in use.
pub async fn save_kb(site: &str, edit: &KbEdit) -> Result<KbSource, Failure> {
    let request = Request::put("/v1/agent/admin/kb-source").query([("site", site)]);
    read(call(with_body(request, edit)).await?).await
}

/// A knowledge base text tried before it is saved: its report and replies to the questions.
pub async fn try_kb(site: &str, trial: &KbTry) -> Result<KbTried, Failure> {
    let request = Request::post("/v1/agent/admin/kb-try").query([("site", site)]);
    read(call(with_body(request, trial)).await?).await
}

/// A page of the versions of the site's knowledge base saved in the console, newest first:
/// the newest, or those before version `before`.
pub async fn kb_versions(site: &str, before: Option<i64>) -> Result<KbVersionPage, Failure> {
    let before = before.map(|n| n.to_string());
    let mut query = vec![("site", site)];
    if let Some(before) = &before {
        query.push(("before", before));
    }
    read(
        call(
            Request::get("/v1/agent/admin/kb-versions")
                .query(query)
                .build(),
        )
        .await?,
    )
    .await
}

/// A saved version's text, to open in the editor.
pub async fn kb_version(site: &str, version: i64) -> Result<KbVersionText, Failure> {
    let request =
        Request::get(&format!("/v1/agent/admin/kb-versions/{version}")).query([("site", site)]);
    read(call(request.build()).await?).await
}

/// The site's knowledge base check report.
pub async fn kb_report(site: &str) -> Result<KbReport, Failure> {
    let request = Request::get("/v1/agent/admin/kb-report").query([("site", site)]);
    read(call(request.build()).await?).await
}

/// The site's ready-made replies.
pub async fn canned_replies(site: &str) -> Result<Vec<String>, Failure> {
    let request = Request::get("/v1/agent/canned-replies").query([("site", site)]);
    read(call(request.build()).await?).await
}

/// The messages shoppers left on a site while no one was available (the oldest waiting, a
/// page of them).
pub async fn offline_messages(site: &str) -> Result<OfflineInbox, Failure> {
    let request = Request::get("/v1/agent/offline-messages").query([("site", site)]);
    read(call(request.build()).await?).await
}

pub async fn offline_message_handled(id: &str) -> Result<(), Failure> {
    let path = format!("/v1/agent/offline-messages/{id}/handled");
    call(Request::post(&path).build()).await.map(drop)
}

/// The site's public description, for its knowledge-base model's address.
pub async fn site(site: &str) -> Result<SiteInfo, Failure> {
    read(call(Request::get(&format!("/v1/sites/{site}")).build()).await?).await
}

/// The compiled knowledge base at `url` (content-addressed, cached by the browser).
pub async fn model(url: &str) -> Result<Vec<u8>, Failure> {
    call(Request::get(url).build())
        .await?
        .binary()
        .await
        .map_err(|_| Failure::offline())
}
