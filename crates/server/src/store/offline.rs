//! Messages shoppers leave when no one can answer live, and agents' inbox of them.

use sqlx::{Row, any::AnyRow};
use tandem_protocol::agent::{OfflineInbox, OfflineMessage};

use super::{Db, StoreError, now_ms};

/// A message to store; transcript and context are JSON text.
#[derive(Debug, Clone)]
pub struct NewOfflineMessage<'a> {
    pub id: &'a str,
    pub site: &'a str,
    pub email: &'a str,
    pub name: Option<&'a str>,
    pub message: &'a str,
    pub transcript: &'a str,
    pub context: &'a str,
    /// The same for the same message from the same email (see `leave_offline_message`).
    pub dedupe: &'a str,
}

const COLUMNS: &str =
    "id, site, email, name, message, transcript, context, created_at, handled_at, handled_by";

fn offline_message(row: &AnyRow) -> Result<OfflineMessage, StoreError> {
    let transcript: String = row.try_get("transcript")?;
    let context: String = row.try_get("context")?;
    Ok(OfflineMessage {
        id: row.try_get("id")?,
        site: row.try_get("site")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        message: row.try_get("message")?,
        transcript: serde_json::from_str(&transcript)
            .map_err(|_| StoreError::Corrupt("transcript"))?,
        context: serde_json::from_str(&context).map_err(|_| StoreError::Corrupt("context"))?,
        created_at: row.try_get("created_at")?,
        handled_at: row.try_get("handled_at")?,
        handled_by: row.try_get("handled_by")?,
    })
}

impl Db {
    /// Stores a message left; the id it is stored under: an unhandled one of the site with
    /// the same `dedupe` (the same message left again) if there is one.
    pub async fn leave_offline_message(
        &self,
        new: NewOfflineMessage<'_>,
    ) -> Result<String, StoreError> {
        // Twice at most: the unhandled twin that stopped the insert may be marked handled
        // before it is read, and then the insert goes through.
        for _ in 0..2 {
            let stored = sqlx::query(
                "INSERT INTO offline_messages \
                 (id, site, email, name, message, transcript, context, created_at, dedupe) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (site, dedupe) WHERE handled_at IS NULL AND dedupe IS NOT NULL \
                 DO NOTHING",
            )
            .bind(new.id)
            .bind(new.site)
            .bind(new.email)
            .bind(new.name)
            .bind(new.message)
            .bind(new.transcript)
            .bind(new.context)
            .bind(now_ms())
            .bind(new.dedupe)
            .execute(&self.pool)
            .await?;
            if stored.rows_affected() == 1 {
                return Ok(new.id.to_owned());
            }
            let twin = sqlx::query_scalar(
                "SELECT id FROM offline_messages \
                 WHERE site = $1 AND dedupe = $2 AND handled_at IS NULL",
            )
            .bind(new.site)
            .bind(new.dedupe)
            .fetch_optional(&self.pool)
            .await?;
            if let Some(id) = twin {
                return Ok(id);
            }
        }
        Err(StoreError::Corrupt(
            "an offline message neither stored nor found",
        ))
    }

    /// A site's inbox: the oldest messages not handled yet, oldest first, then those handled
    /// since `handled_since` (ms since the epoch), newest first; at most `page` of each.
    pub async fn offline_inbox(
        &self,
        site: &str,
        handled_since: i64,
        page: usize,
    ) -> Result<OfflineInbox, StoreError> {
        let page = i64::try_from(page).unwrap_or(i64::MAX);
        // Counted in the same statement: the count and the page agree, whatever is left or
        // marked meanwhile (no page, none waiting).
        let waiting = sqlx::query(&format!(
            "SELECT {COLUMNS}, COUNT(*) OVER () AS unhandled FROM offline_messages \
             WHERE site = $1 AND handled_at IS NULL ORDER BY created_at, id LIMIT $2"
        ))
        .bind(site)
        .bind(page)
        .fetch_all(&self.pool)
        .await?;
        let unhandled: i64 = match waiting.first() {
            Some(row) => row.try_get("unhandled")?,
            None => 0,
        };
        let handled = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM offline_messages WHERE site = $1 AND handled_at >= $2 \
             ORDER BY handled_at DESC, id LIMIT $3"
        ))
        .bind(site)
        .bind(handled_since)
        .bind(page)
        .fetch_all(&self.pool)
        .await?;
        Ok(OfflineInbox {
            messages: waiting
                .iter()
                .chain(&handled)
                .map(offline_message)
                .collect::<Result<_, _>>()?,
            unhandled: u64::try_from(unhandled).unwrap_or(0),
        })
    }

    /// The site of an offline message, if it exists.
    pub async fn offline_message_site(&self, id: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT site FROM offline_messages WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok(r.try_get("site")?)).transpose()
    }

    /// Marks an offline message handled by an agent; if a colleague marked it before, the
    /// name of who did (their id if the account is gone). The same agent's mark again (a
    /// double click, a retry) is no news.
    pub async fn mark_offline_message_handled(
        &self,
        id: &str,
        agent: &str,
    ) -> Result<Option<String>, StoreError> {
        let done = sqlx::query(
            "UPDATE offline_messages SET handled_at = $2, handled_by = $3 WHERE id = $1 AND handled_at IS NULL",
        )
        .bind(id)
        .bind(now_ms())
        .bind(agent)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 1 {
            return Ok(None);
        }
        Ok(sqlx::query_scalar(
            "SELECT COALESCE(a.name, m.handled_by) FROM offline_messages m \
             LEFT JOIN agents a ON a.id = m.handled_by WHERE m.id = $1 AND m.handled_by <> $2",
        )
        .bind(id)
        .bind(agent)
        .fetch_optional(&self.pool)
        .await?)
    }
}
