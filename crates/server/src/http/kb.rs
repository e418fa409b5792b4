//! Site admins' API for the site's knowledge base, under `/v1/agent/admin/kb-...`: the `kb
//! check` report of the model in use, the text to edit, saving an edit (each save a numbered
//! version kept in the database, refused over a newer one), the versions saved before (to
//! open one again and save it anew), trying an edit before saving it (`crate::trial`) and
//! putting the configured file (back) in use; each change goes live on every process while
//! the model before it answers (see `crate::knowledge`).

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use serde::Deserialize;
use tandem_assistant::KnowledgeBase;
use tandem_protocol::{
    MAX_MESSAGE_BYTES,
    agent::{
        KbEdit, KbReport, KbSaved, KbSource, KbTried, KbTry, KbVersionInfo, KbVersionPage,
        KbVersionText, MAX_TRIED_QUESTIONS,
    },
};

use super::agent::{SiteQuery, require_admin};
use crate::{
    app::AppState,
    auth::AgentSession,
    config::SiteConfig,
    error::{AppError, AppJson, AppQuery},
    events::Event,
    knowledge::{self, KbText, ReadKb},
    store::{Author, KbVersion},
    trial,
};

/// `GET /v1/agent/admin/kb-report?site=S`: made when the knowledge base was compiled.
pub async fn kb_report(
    State(state): State<AppState>,
    session: AgentSession,
    AppQuery(query): AppQuery<SiteQuery>,
) -> Result<AppJson<KbReport>, AppError> {
    require_admin(&state, &session.agent, &query.site).await?;
    let model = state.models.get(&query.site).ok_or_else(|| {
        AppError::Conflict(
            "The site has no knowledge base, or it is still being compiled.".to_owned(),
        )
    })?;
    Ok(AppJson(KbReport {
        report: model.check_report.clone(),
        reloading: state.models.reloading(&query.site),
    }))
}

/// `GET /v1/agent/admin/kb-source?site=S`: the text of the site's knowledge base in use, to
/// edit (empty for a site without one: its admins may write one; empty too, with the
/// problem, when its file cannot be read: they may write one instead).
pub async fn kb_source(
    State(state): State<AppState>,
    session: AgentSession,
    AppQuery(query): AppQuery<SiteQuery>,
) -> Result<AppJson<KbSource>, AppError> {
    let site = require_admin(&state, &session.agent, &query.site).await?;
    let saved = state.db.kb_version(&query.site).await?;
    let version = saved.as_ref().map_or(0, |v| v.version);
    let edited = saved.as_ref().filter(|v| v.text.is_some());
    let source = match knowledge::text_of(Some(&state.models), site, saved.as_ref()).await {
        Ok(text) => in_use(site, text.unwrap_or_default(), version, edited),
        Err(error) => KbSource {
            problem: Some(unreadable(error)),
            ..in_use(site, String::new(), version, None)
        },
    };
    Ok(AppJson(source))
}

/// What the site has in use now: the text, the newest version number, who saved the text
/// (`None`: the file).
fn in_use(site: &SiteConfig, text: String, version: i64, saved: Option<&KbVersion>) -> KbSource {
    KbSource {
        text,
        version,
        saved: saved.map(|v| KbSaved {
            by: v.agent_name.clone(),
            at: v.saved_at,
        }),
        file: site.knowledge_base.is_some(),
        problem: None,
    }
}

/// `PUT /v1/agent/admin/kb-source?site=S`: keeps an edited knowledge base as the site's next
/// version and has every server process compile it (202, with what is now in use); the model
/// in use answers until the new one is ready. A text that does not read is refused with
/// every error's line (422), a save over a version saved meanwhile by someone else (409).
pub async fn save_kb(
    State(state): State<AppState>,
    session: AgentSession,
    AppQuery(query): AppQuery<SiteQuery>,
    AppJson(edit): AppJson<KbEdit>,
) -> Result<(StatusCode, AppJson<KbSource>), AppError> {
    let site = require_admin(&state, &session.agent, &query.site).await?;
    let kb = parse(edit.text.clone()).await?;
    let saved = save_version(
        &state,
        &query.site,
        &session.agent,
        edit.base_version,
        Some(&edit.text),
    )
    .await?;
    let read = KbText {
        text: edit.text.clone(),
        version: Some(saved.version),
    };
    put_live(&state, &query.site, read, kb).await;
    let now = in_use(site, edit.text, saved.version, Some(&saved));
    Ok((StatusCode::ACCEPTED, AppJson(now)))
}

/// `POST /v1/agent/admin/kb-try?site=S`: an edited knowledge base tried before it is saved:
/// its `kb check` report and what it would reply to each question, as one conversation
/// ([`crate::trial`]). Nothing is kept. A text that does not read is refused with every
/// error's line (422); one try at a time in this process, another meanwhile is told to come
/// back in a few seconds (429).
pub async fn try_kb(
    State(state): State<AppState>,
    session: AgentSession,
    AppQuery(query): AppQuery<SiteQuery>,
    AppJson(body): AppJson<KbTry>,
) -> Result<AppJson<KbTried>, AppError> {
    require_admin(&state, &session.agent, &query.site).await?;
    if body.questions.len() > MAX_TRIED_QUESTIONS {
        return Err(AppError::Invalid(format!(
            "At most {MAX_TRIED_QUESTIONS} questions at a time; {} were sent.",
            body.questions.len()
        )));
    }
    if body.questions.iter().any(|q| q.len() > MAX_MESSAGE_BYTES) {
        return Err(AppError::TooLarge {
            what: "A question",
            limit: format!("{MAX_MESSAGE_BYTES} bytes"),
        });
    }
    let kb = parse(body.text).await?;
    let Ok(turn) = state.trials.clone().try_acquire_owned() else {
        return Err(AppError::RateLimited(TRIAL_RETRY));
    };
    let questions = body.questions;
    let tried = tokio::task::spawn_blocking(move || {
        let _turn = turn;
        trial::try_kb(&kb, &questions)
    })
    .await?;
    Ok(AppJson(tried))
}

/// When to try again while another try compiles (a shop's knowledge base takes seconds).
const TRIAL_RETRY: std::time::Duration = std::time::Duration::from_secs(5);

/// How many saved versions a page of the list holds.
const VERSIONS_PAGE: usize = 50;

#[derive(Debug, Deserialize)]
pub struct VersionsQuery {
    site: String,
    /// Only the versions before this one (the page after one ending with it).
    before: Option<i64>,
}

/// `GET /v1/agent/admin/kb-versions?site=S[&before=N]`: the versions the site's admins
/// saved, newest first, a page ([`VERSIONS_PAGE`]) at a time, to open one again.
pub async fn kb_versions(
    State(state): State<AppState>,
    session: AgentSession,
    AppQuery(query): AppQuery<VersionsQuery>,
) -> Result<AppJson<KbVersionPage>, AppError> {
    require_admin(&state, &session.agent, &query.site).await?;
    // One more than a page: whether older ones follow.
    let mut versions = state
        .db
        .kb_versions(&query.site, query.before, VERSIONS_PAGE as i64 + 1)
        .await?;
    let more = versions.len() > VERSIONS_PAGE;
    versions.truncate(VERSIONS_PAGE);
    let versions = versions
        .into_iter()
        .map(|v| KbVersionInfo {
            version: v.version,
            saved: KbSaved {
                by: v.agent_name,
                at: v.saved_at,
            },
            file: v.file,
        })
        .collect();
    Ok(AppJson(KbVersionPage { versions, more }))
}

/// `GET /v1/agent/admin/kb-versions/{version}?site=S`: a saved version's text (404 for one
/// never saved; 409 for one that put the file back in use, which has no text of its own).
pub async fn kb_version(
    State(state): State<AppState>,
    session: AgentSession,
    Path(version): Path<String>,
    AppQuery(query): AppQuery<SiteQuery>,
) -> Result<AppJson<KbVersionText>, AppError> {
    require_admin(&state, &session.agent, &query.site).await?;
    // Not a number: no such version (a problem-details 404, not the router's plain text).
    let version: i64 = version.parse().map_err(|_| AppError::NotFound)?;
    let saved = state.db.kb_version_at(&query.site, version).await?;
    let saved = saved.ok_or(AppError::NotFound)?;
    let text = saved.text.ok_or_else(|| {
        AppError::Conflict(format!(
            "Version {version} put the knowledge base file back in use; it has no text of its own."
        ))
    })?;
    Ok(AppJson(KbVersionText { version, text }))
}

/// `POST /v1/agent/admin/kb-reload?site=S`: reads the site's knowledge base file again and,
/// if it reads well, puts it in use (instead of a version saved in the console, if one was)
/// and has every server process compile it (202, with its text); the model in use answers
/// until the new one is ready. A file with errors is refused with all of them (422) and
/// changes nothing.
pub async fn kb_reload(
    State(state): State<AppState>,
    session: AgentSession,
    AppQuery(query): AppQuery<ReloadQuery>,
) -> Result<(StatusCode, AppJson<KbSource>), AppError> {
    let site = require_admin(&state, &session.agent, &query.site).await?;
    let text = knowledge::read_file(site)
        .await
        .map_err(|error| AppError::Conflict(unreadable(error)))?
        .ok_or_else(|| {
            AppError::Conflict(
                "The site has no knowledge base file; edit its knowledge base here instead."
                    .to_owned(),
            )
        })?;
    // Compiled as read here: what the admin was told reads well is what goes live.
    let kb = parse(text.clone()).await?;
    let newest = state.db.kb_version(&query.site).await?;
    let mut version = newest.as_ref().map_or(0, |v| v.version);
    if query.base_version.is_some_and(|base| base != version) {
        return Err(saved_meanwhile(newest));
    }
    // Every reading of the file is a version (one without text: the file's): an editor
    // opened on what was live before must not save over it unwarned, and the list of
    // versions says who put the file live, and when.
    let saved = save_version(&state, &query.site, &session.agent, version, None).await?;
    version = saved.version;
    let read = KbText {
        text: text.clone(),
        version: None,
    };
    put_live(&state, &query.site, read, kb).await;
    Ok((
        StatusCode::ACCEPTED,
        AppJson(in_use(site, text, version, None)),
    ))
}

/// A knowledge base text parsed off the async threads (a large one takes a moment), or every
/// error with its line.
async fn parse(text: String) -> Result<KnowledgeBase, AppError> {
    tokio::task::spawn_blocking(move || KnowledgeBase::parse(&text))
        .await?
        .map_err(|errors| {
            AppError::Invalid(format!(
                "The knowledge base has errors; nothing changed:\n{errors}"
            ))
        })
}

/// Why a site's knowledge base file could not be read, in words for its admin, who is not
/// necessarily who runs the server: the file's path and the system's error go to the log.
fn unreadable(error: knowledge::KnowledgeError) -> String {
    tracing::warn!(%error, "a knowledge base file asked for in the console cannot be read");
    "The knowledge base file configured for this site cannot be read on the server (its log \
     says why). Ask whoever runs the server, or write the knowledge base here and save it."
        .to_owned()
}

/// Saves the site's next version after `base`, signed by the agent (`None` text: back to the
/// file); refused if someone else saved a newer version first.
async fn save_version(
    state: &AppState,
    site: &str,
    agent: &str,
    base: i64,
    text: Option<&str>,
) -> Result<KbVersion, AppError> {
    let profile = state.db.agent_profile(agent).await?;
    let name = profile.ok_or(AppError::SignInRequired)?.name;
    let author = Author {
        id: agent,
        name: &name,
    };
    if let Some(saved) = state.db.save_kb_version(site, base, text, author).await? {
        return Ok(saved);
    }
    Err(saved_meanwhile(state.db.kb_version(site).await?))
}

/// A change refused because the knowledge base changed after the admin opened it.
fn saved_meanwhile(newest: Option<KbVersion>) -> AppError {
    let what = match newest {
        Some(v) if v.text.is_some() => format!("{} saved version {}", v.agent_name, v.version),
        Some(v) => format!("{} put the file back in use", v.agent_name),
        None => "The knowledge base changed".to_owned(),
    };
    AppError::Conflict(format!(
        "{what} after you opened it. Copy your changes, load the newest version (Discard \
         changes) and make them again."
    ))
}

/// `?site=S[&base_version=N]`: putting the file back in use, refused if a version after
/// `N` was saved meanwhile.
#[derive(Deserialize)]
pub struct ReloadQuery {
    site: String,
    #[serde(default)]
    base_version: Option<i64>,
}

/// Has every process compile the site's knowledge base just saved or read; the model in use
/// answers until the new one is ready.
async fn put_live(state: &AppState, site: &str, read: KbText, kb: KnowledgeBase) {
    let site = site.to_owned();
    tokio::spawn(knowledge::recompile(
        state.models.clone(),
        vec![ReadKb {
            site: site.clone(),
            read,
            kb,
        }],
    ));
    state.bus.tell_others(Event::KnowledgeBase { site }).await;
}
