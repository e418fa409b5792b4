//! `GET /v1/agent/history?site=S[&before=MS&before_id=ID][&low=true][&shopper=ID][&q=TEXT]`:
//! a site's closed conversations for its agents, newest first, a page at a time: who had
//! each, how it ended, and what the shopper rated and wrote, so a merchant reads the comments
//! behind the dashboard's average and follows up on the poor ones, finds what was said about
//! an order, and an agent sees what a returning (merchant-verified) shopper went through
//! before. The whole of one is `GET /v1/agent/conversations/{id}`.

use axum::{body::Body, extract::State, http::header, response::IntoResponse};
use futures_util::{Stream, stream};
use serde::Deserialize;
use tandem_protocol::agent::{ClosedConversation, HISTORY_PAGE};

use super::agent::require_site;
use crate::{
    app::AppState,
    auth::AgentSession,
    error::{AppError, AppJson, AppQuery},
    export,
    store::{Db, HistoryFilter, StoreError},
};

/// The highest rating `low=true` keeps.
const LOW_RATING: u8 = 2;

#[derive(Deserialize)]
pub struct HistoryQuery {
    site: String,
    /// Only those after the last one of the page before: closed before this (ms since the
    /// epoch)...
    before: Option<i64>,
    /// ...or in the same millisecond with an id before this one's, so none is skipped.
    #[serde(default)]
    before_id: String,
    /// Only those rated `LOW_RATING` or lower.
    #[serde(default)]
    low: bool,
    /// Only those of the shopper with this merchant-verified identity id: a returning
    /// shopper's earlier conversations, beside their new one.
    shopper: Option<String>,
    /// Only those with this text in a message, a note or the comment (an order number,
    /// "refund").
    q: Option<String>,
}

/// The longest text a search looks for: a sentence is plenty, and SQLite refuses very long
/// patterns.
const MAX_SEARCH_CHARS: usize = 200;

impl HistoryQuery {
    /// Refuses a search text over [`MAX_SEARCH_CHARS`] (422).
    fn check(&self) -> Result<(), AppError> {
        match &self.q {
            Some(q) if q.trim().chars().count() > MAX_SEARCH_CHARS => Err(AppError::Invalid(
                format!("A search is at most {MAX_SEARCH_CHARS} characters long."),
            )),
            _ => Ok(()),
        }
    }

    fn filter(&self) -> HistoryFilter<'_> {
        HistoryFilter {
            before: self.before.map(|ms| (ms, self.before_id.as_str())),
            max_rating: self.low.then_some(LOW_RATING),
            shopper: self.shopper.as_deref().filter(|id| !id.is_empty()),
            text: self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()),
        }
    }
}

pub async fn history(
    State(state): State<AppState>,
    session: AgentSession,
    AppQuery(query): AppQuery<HistoryQuery>,
) -> Result<AppJson<Vec<ClosedConversation>>, AppError> {
    require_site(&state, &session.agent, &query.site).await?;
    query.check()?;
    let conversations = state
        .db
        .closed_conversations(&query.site, &query.filter(), HISTORY_PAGE)
        .await?;
    Ok(AppJson(conversations))
}

/// `GET /v1/agent/history.csv?site=S[...]`: the same conversations (the same filters, every
/// page of them) as a CSV file to download, read [`EXPORT_PAGE`] rows at a time as it
/// streams out, so a site's whole history downloads without being held in memory.
pub async fn history_csv(
    State(state): State<AppState>,
    session: AgentSession,
    AppQuery(query): AppQuery<HistoryQuery>,
) -> Result<impl IntoResponse, AppError> {
    require_site(&state, &session.agent, &query.site).await?;
    query.check()?;
    // The first page is read before answering: a failing database is then an error, not a
    // file that stops short.
    let first = state
        .db
        .closed_conversations(&query.site, &query.filter(), EXPORT_PAGE)
        .await?;
    let first_rows = rows(&state.db, &first, true).await?;
    // Site ids are checked at configuration (letters, digits, dashes), so they fit a name.
    let disposition = format!("attachment; filename=\"history-{}.csv\"", query.site);
    let pages = csv_pages(state.db.clone(), query, first_rows, after(&first));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        Body::from_stream(pages),
    ))
}

/// How many conversations the export reads from the database at a time.
pub const EXPORT_PAGE: usize = 1000;

/// Where the page after `page` starts (its last conversation's closing time and id), if
/// there may be one.
fn after(page: &[ClosedConversation]) -> Option<(i64, String)> {
    page.last()
        .filter(|_| page.len() == EXPORT_PAGE)
        .map(|last| (last.closed_at, last.id.clone()))
}

/// A page of conversations as CSV rows, with their notes.
async fn rows(db: &Db, page: &[ClosedConversation], header: bool) -> Result<String, StoreError> {
    let ids: Vec<&str> = page.iter().map(|c| c.id.as_str()).collect();
    let notes = db.notes_on(&ids).await?;
    Ok(export::csv(page, &notes, header))
}

/// The export as text chunks, one per page: the first, already written, then each page read
/// only when the one before has gone out. A database failing halfway ends the download early
/// (and is logged).
fn csv_pages(
    db: Db,
    query: HistoryQuery,
    first: String,
    next: Option<(i64, String)>,
) -> impl Stream<Item = Result<String, StoreError>> + Send + 'static {
    stream::unfold(
        (db, query, Some(first), next),
        |(db, query, written, next)| async move {
            if let Some(rows) = written {
                return Some((Ok(rows), (db, query, None, next)));
            }
            let (ms, id) = next?;
            let filter = HistoryFilter {
                before: Some((ms, &id)),
                ..query.filter()
            };
            let page = async {
                let page = db
                    .closed_conversations(&query.site, &filter, EXPORT_PAGE)
                    .await?;
                Ok::<_, StoreError>((
                    rows(&db, &page, false).await?,
                    after(&page),
                    page.is_empty(),
                ))
            };
            match page.await {
                Ok((_, _, true)) => None,
                Ok((rows, next, false)) => Some((Ok(rows), (db, query, None, next))),
                Err(error) => {
                    tracing::error!(%error, site = %query.site, "the history export stopped");
                    Some((Err(error), (db, query, None, None)))
                }
            }
        },
    )
}
