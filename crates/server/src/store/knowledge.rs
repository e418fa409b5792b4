//! Knowledge bases edited in the agent console: every version a site's admins saved, the
//! newest being the one in use (see `crate::knowledge`). A version without text records that
//! the site went back to its configured file.

use sqlx::Row;

use super::{Db, StoreError, now_ms};

/// A saved version of a site's knowledge base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbVersion {
    pub version: i64,
    /// The TOML text; `None` when this version put the configured file back in use.
    pub text: Option<String>,
    pub agent_name: String,
    pub saved_at: i64,
}

/// A saved version as listed, without its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbVersionListed {
    pub version: i64,
    /// This version put the configured file back in use (it has no text).
    pub file: bool,
    pub agent_name: String,
    pub saved_at: i64,
}

/// Who saves a version.
#[derive(Debug, Clone, Copy)]
pub struct Author<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

impl Db {
    /// The newest saved version of the site's knowledge base, if any was saved.
    pub async fn kb_version(&self, site: &str) -> Result<Option<KbVersion>, StoreError> {
        let row = sqlx::query(
            "SELECT version, text, agent_name, saved_at FROM kb_versions WHERE site = $1 \
             ORDER BY version DESC LIMIT 1",
        )
        .bind(site)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(version_of).transpose()
    }

    /// The site's saved versions before version `before` (all of them for `None`), newest
    /// first, at most `limit` of them.
    pub async fn kb_versions(
        &self,
        site: &str,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<KbVersionListed>, StoreError> {
        let rows = sqlx::query(
            "SELECT version, CAST(CASE WHEN text IS NULL THEN 1 ELSE 0 END AS BIGINT) AS file, \
             agent_name, saved_at \
             FROM kb_versions WHERE site = $1 AND version < $2 ORDER BY version DESC LIMIT $3",
        )
        .bind(site)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(KbVersionListed {
                    version: row.try_get("version")?,
                    file: row.try_get::<i64, _>("file")? == 1,
                    agent_name: row.try_get("agent_name")?,
                    saved_at: row.try_get("saved_at")?,
                })
            })
            .collect()
    }

    /// One saved version of the site's knowledge base, if it exists.
    pub async fn kb_version_at(
        &self,
        site: &str,
        version: i64,
    ) -> Result<Option<KbVersion>, StoreError> {
        let row = sqlx::query(
            "SELECT version, text, agent_name, saved_at FROM kb_versions \
             WHERE site = $1 AND version = $2",
        )
        .bind(site)
        .bind(version)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(version_of).transpose()
    }

    /// Saves the next version after `base` (`None` text: back to the file). Returns it, or
    /// `None` when `base` is no longer the newest: someone saved since, and this save would
    /// overwrite their version unseen.
    pub async fn save_kb_version(
        &self,
        site: &str,
        base: i64,
        text: Option<&str>,
        author: Author<'_>,
    ) -> Result<Option<KbVersion>, StoreError> {
        let saved_at = now_ms();
        let inserted = sqlx::query(
            "INSERT INTO kb_versions (site, version, text, agent_id, agent_name, saved_at) \
             SELECT $1, $2 + 1, $3, $4, $5, $6 \
             WHERE (SELECT COALESCE(MAX(version), 0) FROM kb_versions WHERE site = $1) = $2",
        )
        .bind(site)
        .bind(base)
        .bind(text)
        .bind(author.id)
        .bind(author.name)
        .bind(saved_at)
        .execute(&self.pool)
        .await;
        match inserted {
            Ok(done) if done.rows_affected() == 1 => Ok(Some(KbVersion {
                version: base + 1,
                text: text.map(str::to_owned),
                agent_name: author.name.to_owned(),
                saved_at,
            })),
            Ok(_) => Ok(None),
            // Two saves from the same base at once: the primary key lets one in.
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
            Err(error) => Err(error.into()),
        }
    }
}

fn version_of(row: &sqlx::any::AnyRow) -> Result<KbVersion, StoreError> {
    Ok(KbVersion {
        version: row.try_get("version")?,
        text: row.try_get("text")?,
        agent_name: row.try_get("agent_name")?,
        saved_at: row.try_get("saved_at")?,
    })
}
