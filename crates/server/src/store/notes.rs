//! Agents' notes on conversations: their own table, read only for agents, so no query that
//! serves a shopper can return one.

use std::collections::HashMap;

use sqlx::{Row, any::AnyRow};
use tandem_protocol::agent::Note;

use super::{Db, StoreError, now_ms};

const SELECT: &str = "SELECT n.conversation_id, n.id, n.text, n.created_at, a.name AS agent_name \
     FROM notes n JOIN agents a ON a.id = n.agent_id";

fn note(row: &AnyRow) -> Result<Note, StoreError> {
    Ok(Note {
        id: row.try_get("id")?,
        agent_name: row.try_get("agent_name")?,
        text: row.try_get("text")?,
        at: row.try_get("created_at")?,
    })
}

/// A note to store.
#[derive(Debug, Clone, Copy)]
pub struct NewNote<'a> {
    pub id: &'a str,
    pub conversation: &'a str,
    /// The agent's name for it, so a retry is stored once.
    pub client_id: &'a str,
    pub agent: &'a str,
    pub text: &'a str,
}

/// A note as stored, and whether it was stored just now (not by an earlier try).
#[derive(Debug, Clone)]
pub struct AddedNote {
    pub note: Note,
    pub duplicate: bool,
}

impl Db {
    /// Stores a note, in the same statement that checks the agent has the conversation or
    /// that it is closed (so none lands after a transfer, and none goes unseen on one that
    /// waits or that a colleague has). A retry answers the note stored the first time, even
    /// after the agent let the conversation go; `None` when nothing was stored and the
    /// conversation is neither the agent's nor closed. Whether the agent may see it at all
    /// is the caller's to check.
    pub async fn add_note(&self, new: NewNote<'_>) -> Result<Option<AddedNote>, StoreError> {
        let stored = sqlx::query(
            "INSERT INTO notes (id, conversation_id, client_id, agent_id, text, created_at) \
             SELECT $1, c.id, $3, $4, $5, $6 FROM conversations c \
             WHERE c.id = $2 \
               AND (c.state = 'closed' OR (c.state = 'with_agent' AND c.agent_id = $4)) \
             ON CONFLICT (conversation_id, agent_id, client_id) DO NOTHING",
        )
        .bind(new.id)
        .bind(new.conversation)
        .bind(new.client_id)
        .bind(new.agent)
        .bind(new.text)
        .bind(now_ms())
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1;
        let row = sqlx::query(&format!(
            "{SELECT} WHERE n.conversation_id = $1 AND n.client_id = $2 AND n.agent_id = $3"
        ))
        .bind(new.conversation)
        .bind(new.client_id)
        .bind(new.agent)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(AddedNote {
                note: note(&row)?,
                duplicate: !stored,
            })
        })
        .transpose()
    }

    /// A conversation's notes, oldest first.
    pub async fn notes(&self, conversation: &str) -> Result<Vec<Note>, StoreError> {
        let rows = sqlx::query(&format!(
            "{SELECT} WHERE n.conversation_id = $1 ORDER BY n.seq"
        ))
        .bind(conversation)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(note).collect()
    }

    /// The notes of each of these conversations that has any, oldest first: a page of the
    /// history export's rows at once.
    pub async fn notes_on(
        &self,
        conversations: &[&str],
    ) -> Result<HashMap<String, Vec<Note>>, StoreError> {
        let mut notes: HashMap<String, Vec<Note>> = HashMap::new();
        // A few statements for many conversations, within both databases' parameter limits.
        for chunk in conversations.chunks(500) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "{SELECT} WHERE n.conversation_id IN ({}) ORDER BY n.seq",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for id in chunk {
                query = query.bind(*id);
            }
            for row in query.fetch_all(&self.pool).await? {
                let conversation: String = row.try_get("conversation_id")?;
                notes.entry(conversation).or_default().push(note(&row)?);
            }
        }
        Ok(notes)
    }
}
