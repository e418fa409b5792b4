//! Agents' notes on conversations: their own table, read only for agents, so no query that
//! serves a shopper can return one.

use sqlx::{Row, any::AnyRow};
use tandem_protocol::agent::Note;

use super::{Db, StoreError, now_ms};

const SELECT: &str = "SELECT n.id, n.text, n.created_at, a.name AS agent_name \
     FROM notes n JOIN agents a ON a.id = n.agent_id";

fn note(row: &AnyRow) -> Result<Note, StoreError> {
    Ok(Note {
        id: row.try_get("id")?,
        agent_name: row.try_get("agent_name")?,
        text: row.try_get("text")?,
        at: row.try_get("created_at")?,
    })
}

impl Db {
    /// Stores a note by `agent` on a conversation; the note as agents will read it.
    pub async fn add_note(
        &self,
        id: &str,
        conversation: &str,
        agent: &str,
        text: &str,
    ) -> Result<Note, StoreError> {
        sqlx::query(
            "INSERT INTO notes (id, conversation_id, agent_id, text, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(conversation)
        .bind(agent)
        .bind(text)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        let row = sqlx::query(&format!("{SELECT} WHERE n.id = $1"))
            .bind(id)
            .fetch_one(&self.pool)
            .await?;
        note(&row)
    }

    /// A conversation's notes, oldest first.
    pub async fn notes(&self, conversation: &str) -> Result<Vec<Note>, StoreError> {
        let rows = sqlx::query(&format!(
            "{SELECT} WHERE n.conversation_id = $1 ORDER BY n.created_at, n.id"
        ))
        .bind(conversation)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(note).collect()
    }
}
