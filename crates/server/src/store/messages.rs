//! Messages: appended with the next sequence number of their conversation, at most once per
//! client id, and read back in order from any sequence number.
//!
//! The sequence number comes from `conversations.last_seq`, bumped in the same transaction
//! that inserts the message: the row update serialises concurrent senders (across processes
//! too, on PostgreSQL), so numbers have no gaps and no duplicates. The same update checks
//! that the writer may write (the shopper while the conversation is open, the agent only
//! while they have it), so the hot path is one transaction of two statements. A retry
//! carries the same client id and gets the stored message back instead of a second copy.
//!
//! A handoff's transcript has no client ids: stored with its conversation, and extended,
//! numbered the same way, by lines a retry of the handoff brings ([`Db::extend_transcript`]).

use sqlx::{Row, any::AnyRow};
use tandem_protocol::{Author, Message, Notice};

use super::{Db, NewMessage, StoreError, now_ms};

/// Who may append to a conversation, checked in the same statement that numbers the message.
#[derive(Debug, Clone, Copy)]
pub enum Gate<'a> {
    /// The shopper: while waiting or with an agent.
    Shopper,
    /// Only the agent who has the conversation.
    Agent(&'a str),
    /// Tandem itself: always.
    System,
}

/// A message to append.
#[derive(Debug, Clone)]
pub struct Append<'a> {
    pub conversation: &'a str,
    pub client_id: Option<&'a str>,
    pub author: Author,
    pub gate: Gate<'a>,
    /// The agent's display name, on agents' messages.
    pub agent_name: Option<&'a str>,
    pub text: &'a str,
    /// On Tandem's own lines: what `text` says, for the widget to translate.
    pub notice: Option<&'a Notice>,
}

/// The stored message, whether it had been stored before (a retry), and who has the
/// conversation, for relaying it.
#[derive(Debug, Clone)]
pub struct Appended {
    pub message: Message,
    pub duplicate: bool,
    pub site: String,
    pub agent_id: Option<String>,
    pub state: String,
}

/// Why a message was not appended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The conversation does not exist, or the writer may not write in it now.
    NotAllowed,
}

pub(super) fn author_name(author: Author) -> &'static str {
    match author {
        Author::Shopper => "shopper",
        Author::Assistant => "assistant",
        Author::Agent => "agent",
        Author::System => "system",
    }
}

fn author(name: &str) -> Result<Author, StoreError> {
    Ok(match name {
        "shopper" => Author::Shopper,
        "assistant" => Author::Assistant,
        "agent" => Author::Agent,
        "system" => Author::System,
        _ => return Err(StoreError::Corrupt("message author")),
    })
}

/// A confidence as stored: millionths, an integer (floats do not bind reliably through the
/// `Any` driver: sqlx 0.8 sends a NULL `f64` as a `float4`).
pub fn to_ppm(confidence: f32) -> i64 {
    (f64::from(confidence.clamp(0.0, 1.0)) * 1e6).round() as i64
}

const SELECT: &str = "SELECT m.seq, m.client_id, m.author, m.text, m.confidence_ppm, m.entry, \
    m.notice, m.created_at, a.name AS agent_name";

/// A notice of a kind this build does not know (written by a newer one) reads as none: the
/// message's text still says it in English.
fn notice(row: &AnyRow) -> Result<Option<Notice>, StoreError> {
    let json: Option<String> = row.try_get("notice")?;
    Ok(json.and_then(|json| serde_json::from_str(&json).ok()))
}

fn message(row: &AnyRow) -> Result<Message, StoreError> {
    let author_text: String = row.try_get("author")?;
    Ok(Message {
        seq: u64::try_from(row.try_get::<i64, _>("seq")?)
            .map_err(|_| StoreError::Corrupt("seq"))?,
        author: author(&author_text)?,
        text: row.try_get("text")?,
        client_id: row.try_get("client_id")?,
        agent_name: row.try_get("agent_name")?,
        confidence: row
            .try_get::<Option<i64>, _>("confidence_ppm")?
            .map(|ppm| (ppm as f64 / 1e6) as f32),
        entry: row.try_get("entry")?,
        notice: notice(row)?,
        at: row.try_get("created_at")?,
    })
}

/// Inserts a handoff's transcript lines (no client ids) numbered from `first_seq`, in `tx`.
pub(super) async fn insert_lines(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: &str,
    first_seq: i64,
    lines: &[NewMessage],
    now: i64,
) -> Result<(), StoreError> {
    for (seq, line) in (first_seq..).zip(lines) {
        sqlx::query(
            "INSERT INTO messages (conversation_id, seq, author, text, confidence_ppm, entry, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(seq)
        .bind(author_name(line.author))
        .bind(&line.text)
        .bind(line.confidence.map(to_ppm))
        .bind(&line.entry)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

impl Db {
    /// Appends a message, or returns the one already stored under its client id.
    pub async fn append_message(
        &self,
        new: Append<'_>,
    ) -> Result<Result<Appended, Refused>, StoreError> {
        // Insert first: retries are rare, and the unique client id catches them, rolling
        // back the sequence number the attempt took.
        match self.insert_message(&new).await {
            Err(StoreError::Sqlx(sqlx::Error::Database(e))) if e.is_unique_violation() => {
                let existing = self
                    .message_by_client_id(new.conversation, new.client_id)
                    .await?
                    .ok_or(StoreError::Corrupt(
                        "message vanished after a unique violation",
                    ))?;
                Ok(Ok(existing))
            }
            other => other,
        }
    }

    async fn insert_message(
        &self,
        new: &Append<'_>,
    ) -> Result<Result<Appended, Refused>, StoreError> {
        let (condition, agent) = match new.gate {
            Gate::Shopper => ("state IN ('queued', 'with_agent')", None),
            Gate::Agent(agent) => ("state = 'with_agent' AND agent_id = $2", Some(agent)),
            Gate::System => ("TRUE", None),
        };
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let sql = format!(
            "UPDATE conversations SET last_seq = last_seq + 1 WHERE id = $1 AND {condition} \
             RETURNING last_seq, site, state, agent_id"
        );
        let mut update = sqlx::query(&sql).bind(new.conversation);
        if let Some(agent) = agent {
            update = update.bind(agent);
        }
        let Some(row) = update.fetch_optional(&mut *tx).await? else {
            return Ok(Err(Refused::NotAllowed));
        };
        let seq: i64 = row.try_get("last_seq")?;
        sqlx::query(
            "INSERT INTO messages (conversation_id, seq, client_id, author, agent_id, text, notice, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(new.conversation)
        .bind(seq)
        .bind(new.client_id)
        .bind(author_name(new.author))
        .bind(agent)
        .bind(new.text)
        .bind(new.notice.map(|n| serde_json::to_string(n).expect("a notice serialises")))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(Appended {
            message: Message {
                seq: u64::try_from(seq).map_err(|_| StoreError::Corrupt("seq"))?,
                author: new.author,
                text: new.text.to_owned(),
                client_id: new.client_id.map(str::to_owned),
                agent_name: new.agent_name.map(str::to_owned),
                confidence: None,
                entry: None,
                notice: new.notice.cloned(),
                at: now,
            },
            duplicate: false,
            site: row.try_get("site")?,
            state: row.try_get("state")?,
            agent_id: row.try_get("agent_id")?,
        }))
    }

    async fn message_by_client_id(
        &self,
        conversation: &str,
        client_id: Option<&str>,
    ) -> Result<Option<Appended>, StoreError> {
        let Some(client_id) = client_id else {
            return Ok(None);
        };
        let row = sqlx::query(&format!(
            "{SELECT}, c.site, c.state, c.agent_id AS holder FROM messages m \
             LEFT JOIN agents a ON a.id = m.agent_id JOIN conversations c ON c.id = m.conversation_id \
             WHERE m.conversation_id = $1 AND m.client_id = $2"
        ))
        .bind(conversation)
        .bind(client_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(Appended {
                message: message(&row)?,
                duplicate: true,
                site: row.try_get("site")?,
                state: row.try_get("state")?,
                agent_id: row.try_get("holder")?,
            })
        })
        .transpose()
    }

    /// Adds the lines a handoff sent again carries beyond those its conversation has (the
    /// shopper went on with the assistant between the tries) after its transcript's end,
    /// `end_seq` (see [`Db::handoff_transcript`]), if nothing has been written after that.
    /// The widget counts its conversation from what the handoff's answer says: once a person
    /// or Tandem wrote after the transcript, lines added later would reach the widget as new
    /// and be shown twice, so then nothing is added (`None`).
    pub async fn extend_transcript(
        &self,
        id: &str,
        end_seq: i64,
        lines: &[NewMessage],
    ) -> Result<Option<Vec<Appended>>, StoreError> {
        let now = now_ms();
        let count = i64::try_from(lines.len()).unwrap_or(i64::MAX);
        let mut tx = self.pool.begin().await?;
        let Some(row) = sqlx::query(
            "UPDATE conversations SET last_seq = last_seq + $3 \
             WHERE id = $1 AND last_seq = $2 AND state IN ('queued', 'with_agent') \
             RETURNING site, state, agent_id",
        )
        .bind(id)
        .bind(end_seq)
        .bind(count)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(None);
        };
        insert_lines(&mut tx, id, end_seq + 1, lines, now).await?;
        tx.commit().await?;
        let (site, state, agent_id): (String, String, Option<String>) = (
            row.try_get("site")?,
            row.try_get("state")?,
            row.try_get("agent_id")?,
        );
        Ok(Some(
            (end_seq + 1..)
                .zip(lines)
                .map(|(seq, line)| Appended {
                    message: Message {
                        seq: u64::try_from(seq).unwrap_or_default(),
                        author: line.author,
                        text: line.text.clone(),
                        client_id: None,
                        agent_name: None,
                        confidence: line.confidence,
                        entry: line.entry.clone(),
                        notice: None,
                        at: now,
                    },
                    duplicate: false,
                    site: site.clone(),
                    state: state.clone(),
                    agent_id: agent_id.clone(),
                })
                .collect(),
        ))
    }

    /// The messages after `after`, in order.
    pub async fn messages_since(
        &self,
        conversation: &str,
        after: u64,
    ) -> Result<Vec<Message>, StoreError> {
        let rows = sqlx::query(&format!(
            "{SELECT} FROM messages m LEFT JOIN agents a ON a.id = m.agent_id \
             WHERE m.conversation_id = $1 AND m.seq > $2 ORDER BY m.seq"
        ))
        .bind(conversation)
        .bind(i64::try_from(after).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(message).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_round_trip() {
        for a in [
            Author::Shopper,
            Author::Assistant,
            Author::Agent,
            Author::System,
        ] {
            assert_eq!(author(author_name(a)).unwrap(), a);
        }
        assert!(author("robot").is_err());
    }
}
