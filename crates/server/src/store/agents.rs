//! Agents in the database: accounts and their sites, sign-in sessions, availability, and the
//! presence heartbeat that tells routing who is really there.

use sqlx::{AnyConnection, Row};
use tandem_protocol::agent::{AgentProfile, AgentStatus, Colleague, SiteAgent};

use super::{Db, StoreError, conversations::forget_passes, now_ms};

/// An account as stored, for signing in.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub id: String,
    pub password_hash: String,
}

/// What routing needs to know of an available agent.
#[derive(Debug, Clone)]
pub struct AgentLoad {
    pub id: String,
    pub site: String,
    pub capacity: i64,
    pub active: i64,
    pub offers: i64,
    pub idle_since: i64,
}

impl Db {
    /// Creates an agent for these sites; `Ok(false)` if the email is taken.
    pub async fn create_agent(
        &self,
        id: &str,
        email: &str,
        name: &str,
        password_hash: &str,
        sites: &[String],
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO agents (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (email) DO NOTHING",
        )
        .bind(id)
        .bind(email)
        .bind(name)
        .bind(password_hash)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Ok(false);
        }
        for site in sites {
            sqlx::query("INSERT INTO agent_sites (agent_id, site) VALUES ($1, $2)")
                .bind(id)
                .bind(site)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// The account with this email, for signing in.
    pub async fn credentials(&self, email: &str) -> Result<Option<Credentials>, StoreError> {
        let row = sqlx::query("SELECT id, password_hash FROM agents WHERE email = $1")
            .bind(email)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(Credentials {
                id: r.try_get("id")?,
                password_hash: r.try_get("password_hash")?,
            })
        })
        .transpose()
    }

    /// The stored password hash of an agent.
    pub async fn password_hash(&self, id: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT password_hash FROM agents WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok(r.try_get("password_hash")?)).transpose()
    }

    /// Sets an agent's password and ends all their sessions but `keep` (the one that asked,
    /// if any): whoever knew the old password is signed out. `Ok(false)` if there is no such
    /// agent.
    pub async fn set_password(
        &self,
        id: &str,
        password_hash: &str,
        keep: Option<&str>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query("UPDATE agents SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if updated.rows_affected() == 0 {
            return Ok(false);
        }
        // No session's token hash is empty, so without `keep` every session ends.
        sqlx::query("DELETE FROM sessions WHERE agent_id = $1 AND token_hash <> $2")
            .bind(id)
            .bind(keep.unwrap_or_default())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// An agent as they see themselves.
    pub async fn agent_profile(&self, id: &str) -> Result<Option<AgentProfile>, StoreError> {
        let Some(row) =
            sqlx::query("SELECT id, name, email, status, capacity FROM agents WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
        else {
            return Ok(None);
        };
        let memberships =
            sqlx::query("SELECT site, admin FROM agent_sites WHERE agent_id = $1 ORDER BY site")
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
        let (mut sites, mut admin_of) = (Vec::new(), Vec::new());
        for m in &memberships {
            let site: String = m.try_get("site")?;
            if m.try_get::<i64, _>("admin")? != 0 {
                admin_of.push(site.clone());
            }
            sites.push(site);
        }
        Ok(Some(AgentProfile {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            email: row.try_get("email")?,
            sites,
            status: status_of(&row)?,
            capacity: u32::try_from(row.try_get::<i64, _>("capacity")?).unwrap_or(0),
            admin_of,
        }))
    }

    /// The agent's place on a site: `None` if they do not work for it, else whether they are
    /// its admin.
    pub async fn site_role(&self, agent: &str, site: &str) -> Result<Option<bool>, StoreError> {
        let row = sqlx::query("SELECT admin FROM agent_sites WHERE agent_id = $1 AND site = $2")
            .bind(agent)
            .bind(site)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok(r.try_get::<i64, _>("admin")? != 0))
            .transpose()
    }

    /// Makes an agent of the site its admin, or not.
    pub async fn set_site_admin(
        &self,
        agent: &str,
        site: &str,
        admin: bool,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE agent_sites SET admin = $1 WHERE agent_id = $2 AND site = $3")
            .bind(i64::from(admin))
            .bind(agent)
            .bind(site)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The site's agents, by name.
    pub async fn site_agents(&self, site: &str) -> Result<Vec<SiteAgent>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.id, a.name, a.email, a.status, s.admin FROM agents a \
             JOIN agent_sites s ON s.agent_id = a.id WHERE s.site = $1 ORDER BY a.name, a.id",
        )
        .bind(site)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SiteAgent {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    email: r.try_get("email")?,
                    admin: r.try_get::<i64, _>("admin")? != 0,
                    status: status_of(r)?,
                })
            })
            .collect()
    }

    /// Adds an existing agent to a site; false if they already work for it.
    pub async fn add_agent_to_site(&self, agent: &str, site: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO agent_sites (agent_id, site) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(agent)
        .bind(site)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Takes an agent off a site: no more offers from it, no access to it. Returns the
    /// conversations whose offer to them was withdrawn, or `None` if they did not work for it.
    pub async fn remove_agent_from_site(
        &self,
        agent: &str,
        site: &str,
    ) -> Result<Option<Vec<String>>, StoreError> {
        let mut tx = self.pool.begin().await?;
        lock_agent(&mut tx, agent).await?;
        let done = sqlx::query("DELETE FROM agent_sites WHERE agent_id = $1 AND site = $2")
            .bind(agent)
            .bind(site)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        let withdrawn = sqlx::query_scalar(
            "UPDATE conversations SET offered_to = NULL, offer_expires_at = NULL \
             WHERE offered_to = $1 AND site = $2 AND state = 'queued' RETURNING id",
        )
        .bind(agent)
        .bind(site)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(withdrawn))
    }

    /// The sites an agent works for.
    pub async fn agent_sites(&self, id: &str) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT site FROM agent_sites WHERE agent_id = $1 ORDER BY site")
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(r.try_get("site")?)).collect()
    }

    /// Sets availability and capacity. Becoming available starts the agent's wait for work.
    pub async fn set_agent_status(
        &self,
        id: &str,
        status: AgentStatus,
        capacity: Option<u32>,
    ) -> Result<(), StoreError> {
        set_status(&mut *self.pool.acquire().await?, id, status, capacity).await
    }

    /// Records that these agents have a live connection now.
    pub async fn touch_agents(&self, ids: &[String]) -> Result<(), StoreError> {
        self.touch("UPDATE agents SET last_seen_at = $1 WHERE id IN", ids)
            .await
    }

    /// Runs `update` ("... WHERE id IN") with the time now as `$1`, for these ids: a few
    /// statements for many ids, within both databases' parameter limits.
    pub(super) async fn touch(&self, update: &str, ids: &[String]) -> Result<(), StoreError> {
        let now = now_ms();
        for chunk in ids.chunks(500) {
            let placeholders: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
            let sql = format!("{update} ({})", placeholders.join(", "));
            let mut query = sqlx::query(&sql).bind(now);
            for id in chunk {
                query = query.bind(id);
            }
            query.execute(&self.pool).await?;
        }
        Ok(())
    }

    /// Available agents seen since `seen_after`, one row per site they serve, with their load.
    pub async fn available_agents(&self, seen_after: i64) -> Result<Vec<AgentLoad>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.id, s.site, a.capacity, a.idle_since, \
             (SELECT COUNT(*) FROM conversations c WHERE c.agent_id = a.id AND c.state = 'with_agent') AS active, \
             (SELECT COUNT(*) FROM conversations c WHERE c.offered_to = a.id AND c.state = 'queued') AS offers \
             FROM agents a JOIN agent_sites s ON s.agent_id = a.id \
             WHERE a.status = 'available' AND a.last_seen_at >= $1 ORDER BY a.id, s.site",
        )
        .bind(seen_after)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AgentLoad {
                    id: r.try_get("id")?,
                    site: r.try_get("site")?,
                    capacity: r.try_get("capacity")?,
                    active: r.try_get("active")?,
                    offers: r.try_get("offers")?,
                    idle_since: r.try_get("idle_since")?,
                })
            })
            .collect()
    }

    /// Agents not seen since `seen_before` who still count as present: signed-in status, or
    /// conversations in hand.
    pub async fn vanished_agents(&self, seen_before: i64) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.id FROM agents a WHERE a.last_seen_at < $1 AND (a.status <> 'offline' \
             OR EXISTS (SELECT 1 FROM conversations c WHERE c.agent_id = a.id AND c.state = 'with_agent'))",
        )
        .bind(seen_before)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
    }

    /// Marks an agent still not seen since `seen_before` offline and puts their
    /// conversations back at the front of the queue, each a new turn there (see
    /// [`Db::return_to_queue`]); returns `(conversation, site)` for each one returned. An
    /// agent who came back since they were found gone keeps everything.
    pub async fn release_vanished_agent(
        &self,
        id: &str,
        seen_before: i64,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let mut tx = self.pool.begin().await?;
        // Locks the agent too (see `lock_agent`): nothing is assigned to them meanwhile.
        lock_agent(&mut tx, id).await?;
        let seen: Option<i64> = sqlx::query_scalar("SELECT last_seen_at FROM agents WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        if seen.is_none_or(|at| at >= seen_before) {
            return Ok(Vec::new());
        }
        set_status(&mut tx, id, AgentStatus::Offline, None).await?;
        let rows = sqlx::query(
            "UPDATE conversations SET state = 'queued', agent_id = NULL, priority = 2 \
             WHERE agent_id = $1 AND state = 'with_agent' RETURNING id, site",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let returned = rows
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("site")?)))
            .collect::<Result<Vec<(String, String)>, StoreError>>()?;
        for (conversation, _) in &returned {
            forget_passes(&mut tx, conversation).await?;
        }
        tx.commit().await?;
        Ok(returned)
    }

    /// The other agents of a site, for transfers.
    pub async fn colleagues(
        &self,
        site: &str,
        seen_after: i64,
    ) -> Result<Vec<Colleague>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.id, a.name, a.status, a.last_seen_at FROM agents a \
             JOIN agent_sites s ON s.agent_id = a.id WHERE s.site = $1 ORDER BY a.name",
        )
        .bind(site)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Colleague {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    status: status_of(r)?,
                    online: r.try_get::<i64, _>("last_seen_at")? >= seen_after,
                })
            })
            .collect()
    }

    /// Starts a session; the token itself stays with the browser.
    pub async fn create_session(
        &self,
        token_hash: &str,
        agent: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO sessions (token_hash, agent_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(agent)
            .bind(now_ms())
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The agent of a live session.
    pub async fn session_agent(&self, token_hash: &str) -> Result<Option<String>, StoreError> {
        let row =
            sqlx::query("SELECT agent_id FROM sessions WHERE token_hash = $1 AND expires_at > $2")
                .bind(token_hash)
                .bind(now_ms())
                .fetch_optional(&self.pool)
                .await?;
        row.map(|r| Ok(r.try_get("agent_id")?)).transpose()
    }

    /// Ends a session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// The `status` column of an agents row.
fn status_of(row: &sqlx::any::AnyRow) -> Result<AgentStatus, StoreError> {
    let status: String = row.try_get("status")?;
    AgentStatus::parse(&status).ok_or(StoreError::Corrupt("agent status"))
}

/// Sets an agent's availability and capacity on `conn` (see [`Db::set_agent_status`]).
async fn set_status(
    conn: &mut AnyConnection,
    id: &str,
    status: AgentStatus,
    capacity: Option<u32>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE agents SET \
         idle_since = CASE WHEN $2 = 'available' AND status <> 'available' THEN $4 ELSE idle_since END, \
         status = $2, capacity = COALESCE($3, capacity) WHERE id = $1",
    )
    .bind(id)
    .bind(status.as_str())
    .bind(capacity.map(i64::from))
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

/// Locks an agent's row until the transaction ends and reads their capacity; `None` if there
/// is no such agent. A no-op update both databases accept: on PostgreSQL it takes the row
/// lock, on SQLite the one writer's lock. Whatever gives an agent a conversation or takes a
/// site from them locks the agent first, so those take turns (and in one order, agent then
/// conversation, so they never deadlock).
pub(super) async fn lock_agent(
    conn: &mut AnyConnection,
    agent: &str,
) -> Result<Option<i64>, StoreError> {
    Ok(
        sqlx::query_scalar(
            "UPDATE agents SET capacity = capacity WHERE id = $1 RETURNING capacity",
        )
        .bind(agent)
        .fetch_optional(conn)
        .await?,
    )
}
