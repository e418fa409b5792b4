//! Conversations in the database: the handoff, the queue, offers, who has which one, and the
//! history of closed ones.
//!
//! Every change of hands is one conditional `UPDATE` whose `WHERE` states what must still be
//! true (`state = 'queued'`, `offered_to = $agent`, ...): whichever of two racing requests
//! commits second changes no row and learns it lost. That is how a conversation is assigned
//! exactly once, across threads and across server processes.
//!
//! Giving an agent a conversation also depends on rows other than the conversation's: how
//! many they have (their capacity) and whether they still work for its site. So an
//! assignment or a transfer first locks the agent's row ([`lock_agent`]), as taking them off
//! a site does: an agent's parallel claims, and a claim and a removal, take turns.

use sqlx::{AnyConnection, Row, any::AnyRow};
use tandem_protocol::{
    Author, ConversationState, HandoffReason,
    agent::{ClosedConversation, Resolution},
};

use super::{Db, StoreError, agents::lock_agent, now_ms, search};
use crate::dashboard::Handled;

/// What came of giving a waiting conversation to an agent ([`Db::assign`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assignment {
    /// Theirs now; `overridden` is the agent whose offer a claim took it from.
    Taken { overridden: Option<String> },
    /// Someone else got there first, the offer expired, or it is no longer waiting.
    Gone,
    /// The agent already has `active` conversations: their capacity.
    Full { active: i64 },
    /// The agent does not (or no longer) work for the conversation's site.
    NotTheirs,
}

/// A conversation row.
#[derive(Debug, Clone)]
pub struct Conversation {
    pub seq: i64,
    pub id: String,
    pub site: String,
    pub state: ConversationState,
    pub token_hash: String,
    pub reason: HandoffReason,
    pub priority: i64,
    /// JSON object text.
    pub context: String,
    /// When the shop's page last changed `context` after the handoff.
    pub context_changed_at: Option<i64>,
    /// JSON object text.
    pub identity: Option<String>,
    pub identity_verified: bool,
    pub language: Option<String>,
    pub agent_id: Option<String>,
    pub offered_to: Option<String>,
    pub offer_expires_at: Option<i64>,
    pub queued_at: i64,
    pub assigned_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub last_seq: i64,
    pub resolution: Option<Resolution>,
    pub rating: Option<i64>,
    pub rating_comment: Option<String>,
}

const COLUMNS: &str = "seq, id, site, state, token_hash, reason, priority, context, \
    context_changed_at, identity, identity_verified, language, agent_id, offered_to, \
    offer_expires_at, queued_at, assigned_at, closed_at, last_seq, resolution, rating, \
    rating_comment";

fn conversation(row: &AnyRow) -> Result<Conversation, StoreError> {
    let state: String = row.try_get("state")?;
    let reason: String = row.try_get("reason")?;
    let resolution: Option<String> = row.try_get("resolution")?;
    Ok(Conversation {
        seq: row.try_get("seq")?,
        id: row.try_get("id")?,
        site: row.try_get("site")?,
        state: ConversationState::parse(&state).ok_or(StoreError::Corrupt("state"))?,
        token_hash: row.try_get("token_hash")?,
        reason: HandoffReason::parse(&reason).ok_or(StoreError::Corrupt("reason"))?,
        priority: row.try_get("priority")?,
        context: row.try_get("context")?,
        context_changed_at: row.try_get("context_changed_at")?,
        identity: row.try_get("identity")?,
        identity_verified: row.try_get::<i64, _>("identity_verified")? != 0,
        language: row.try_get("language")?,
        agent_id: row.try_get("agent_id")?,
        offered_to: row.try_get("offered_to")?,
        offer_expires_at: row.try_get("offer_expires_at")?,
        queued_at: row.try_get("queued_at")?,
        assigned_at: row.try_get("assigned_at")?,
        closed_at: row.try_get("closed_at")?,
        last_seq: row.try_get("last_seq")?,
        resolution: resolution.as_deref().and_then(Resolution::parse),
        rating: row.try_get("rating")?,
        rating_comment: row.try_get("rating_comment")?,
    })
}

/// A message to store with a new conversation.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub author: Author,
    pub text: String,
    /// The assistant's confidence, 0 to 1.
    pub confidence: Option<f32>,
    pub entry: Option<String>,
}

/// A conversation to put in a queue.
#[derive(Debug, Clone)]
pub struct NewConversation {
    pub id: String,
    pub site: String,
    pub token_hash: String,
    pub reason: HandoffReason,
    pub priority: i64,
    pub context: String,
    pub identity: Option<String>,
    pub identity_verified: bool,
    /// The identity's id when the merchant's signature verified it: whose earlier
    /// conversations this one's agent may see.
    pub shopper_id: Option<String>,
    pub language: Option<String>,
    /// The hash of the widget's key for this handoff, if it sent one.
    pub key_hash: Option<String>,
    /// The transcript so far, then the handoff marker.
    pub messages: Vec<NewMessage>,
}

/// What [`Store::create_conversation`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created {
    New,
    /// The handoff's key belongs to this open conversation already: nothing was stored.
    Again(String),
}

/// Which closed conversations the history shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct HistoryFilter<'a> {
    /// Only those after this one in the history's order: closed earlier (ms since the
    /// epoch), or at the same millisecond with a smaller id. The last one of the page before.
    pub before: Option<(i64, &'a str)>,
    /// Only those rated this or lower.
    pub max_rating: Option<u8>,
    /// Only those of this merchant-verified shopper.
    pub shopper: Option<&'a str>,
    /// Only those with this text in a message, an agent's note or the shopper's comment, in
    /// any case (see `store::search`).
    pub text: Option<&'a str>,
}

/// A waiting conversation with what agents see of it in the queue.
#[derive(Debug, Clone)]
pub struct Queued {
    pub id: String,
    pub site: String,
    pub seq: i64,
    pub priority: i64,
    pub reason: HandoffReason,
    pub queued_at: i64,
    pub language: Option<String>,
    pub offered_to: Option<String>,
    pub offer_expires_at: Option<i64>,
    /// The shopper's last message.
    pub preview: Option<String>,
}

impl Db {
    /// Stores a new queued conversation with its transcript, atomically.
    pub async fn create_conversation(&self, new: &NewConversation) -> Result<Created, StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        // One statement, so a conversation cannot close between finding the key and giving
        // it the new token: a handoff sent again (its first answer, with the old token, never
        // arrived) gets its conversation, seen now.
        let id: String = sqlx::query_scalar(
            "INSERT INTO conversations (id, site, state, created_at, token_hash, reason, priority, \
             context, identity, identity_verified, language, queued_at, last_seq, shopper_id, \
             shopper_seen_at, handoff_key) \
             VALUES ($1, $2, 'queued', $3, $4, $5, $6, $7, $8, $9, $10, $3, $11, $12, $3, $13) \
             ON CONFLICT (site, handoff_key) \
             WHERE handoff_key IS NOT NULL AND state IN ('queued', 'with_agent') \
             DO UPDATE SET token_hash = excluded.token_hash, \
             shopper_seen_at = excluded.shopper_seen_at RETURNING id",
        )
        .bind(&new.id)
        .bind(&new.site)
        .bind(now)
        .bind(&new.token_hash)
        .bind(new.reason.as_str())
        .bind(new.priority)
        .bind(&new.context)
        .bind(&new.identity)
        .bind(i64::from(new.identity_verified))
        .bind(&new.language)
        .bind(i64::try_from(new.messages.len()).unwrap_or(i64::MAX))
        .bind(&new.shopper_id)
        .bind(&new.key_hash)
        .fetch_one(&mut *tx)
        .await?;
        if id != new.id {
            tx.commit().await?;
            return Ok(Created::Again(id));
        }
        super::messages::insert_lines(&mut tx, &new.id, 1, &new.messages, now).await?;
        tx.commit().await?;
        Ok(Created::New)
    }

    /// The open conversation a handoff with this key made, given a new token and seen now:
    /// the same handoff sent again. Tried before anything else about a handoff, so that
    /// closing time or a change of agents does not turn a retry into a refusal while its
    /// conversation waits in the queue.
    pub async fn resume_handoff(
        &self,
        site: &str,
        key_hash: &str,
        token_hash: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "UPDATE conversations SET token_hash = $3, shopper_seen_at = $4 \
             WHERE site = $1 AND handoff_key = $2 AND state IN ('queued', 'with_agent') \
             RETURNING id",
        )
        .bind(site)
        .bind(key_hash)
        .bind(token_hash)
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// A conversation's handoff transcript as the widget sent it: its lines' texts (a
    /// retry's added ones included) and the seq where it ends (its last line, or the handoff
    /// marker, the first line Tandem wrote, when that comes after).
    pub async fn handoff_transcript(&self, id: &str) -> Result<(Vec<String>, i64), StoreError> {
        // Its lines are the ones with no client id: what the widget and agents send live
        // always has one, Tandem's own lines are the system's.
        let rows = sqlx::query(
            "SELECT seq, author, text FROM messages WHERE conversation_id = $1 \
             AND ((client_id IS NULL AND author IN ('shopper', 'assistant')) \
             OR seq = (SELECT MIN(seq) FROM messages WHERE conversation_id = $1 AND author = 'system')) \
             ORDER BY seq",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut texts = Vec::with_capacity(rows.len());
        let mut end = 0;
        for row in &rows {
            end = row.try_get("seq")?;
            if row.try_get::<String, _>("author")? != "system" {
                texts.push(row.try_get("text")?);
            }
        }
        Ok((texts, end))
    }

    /// One conversation, if it exists.
    pub async fn conversation(&self, id: &str) -> Result<Option<Conversation>, StoreError> {
        Ok(self.conversations_where("id = $1", id).await?.pop())
    }

    /// The conversations an agent has now.
    pub async fn conversations_of_agent(
        &self,
        agent: &str,
    ) -> Result<Vec<Conversation>, StoreError> {
        self.conversations_where("agent_id = $1 AND state = 'with_agent'", agent)
            .await
    }

    /// Whole conversations matching `filter`, whose one parameter `$1` is `value`, in order.
    async fn conversations_where(
        &self,
        filter: &str,
        value: &str,
    ) -> Result<Vec<Conversation>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM conversations WHERE {filter} ORDER BY seq"
        ))
        .bind(value)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(conversation).collect()
    }

    /// The site's conversations that joined the queue in `[from_ms, to_ms)`, for the
    /// dashboard: when they were queued, taken and closed, their rating, and who had them.
    pub async fn handled_between(
        &self,
        site: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<Handled>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.queued_at, c.taken_at, c.assigned_at, c.closed_at, c.state, c.rating, c.agent_id, \
             a.name \
             FROM conversations c LEFT JOIN agents a ON a.id = c.agent_id \
             WHERE c.site = $1 AND c.queued_at >= $2 AND c.queued_at < $3",
        )
        .bind(site)
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let rating: Option<i64> = r.try_get("rating")?;
                Ok(Handled {
                    queued_at: r.try_get("queued_at")?,
                    taken_at: r.try_get("taken_at")?,
                    assigned_at: r.try_get("assigned_at")?,
                    closed_at: r.try_get("closed_at")?,
                    left: r.try_get::<String, _>("state")? == "cancelled"
                        && r.try_get::<Option<i64>, _>("taken_at")?.is_none(),
                    rating: rating.and_then(|n| u8::try_from(n).ok()),
                    agent: match (
                        r.try_get::<Option<String>, _>("agent_id")?,
                        r.try_get::<Option<String>, _>("name")?,
                    ) {
                        (Some(id), name) => Some((id.clone(), name.unwrap_or(id))),
                        (None, _) => None,
                    },
                })
            })
            .collect()
    }

    /// The site's closed conversations that pass `filter`, newest first, at most `limit`.
    pub async fn closed_conversations(
        &self,
        site: &str,
        filter: &HistoryFilter<'_>,
        limit: usize,
    ) -> Result<Vec<ClosedConversation>, StoreError> {
        let contains = |column| search::contains(self.backend, column, "$6");
        let sql = format!(
            "SELECT c.id, c.reason, c.closed_at, c.resolution, c.rating, c.rating_comment, \
             a.name AS agent_name, \
             (SELECT m.text FROM messages m WHERE m.conversation_id = c.id \
              AND m.author = 'shopper' ORDER BY m.seq LIMIT 1) AS preview \
             FROM conversations c LEFT JOIN agents a ON a.id = c.agent_id \
             WHERE c.site = $1 AND c.state = 'closed' \
             AND (c.closed_at < $2 OR (c.closed_at = $2 AND c.id < $7)) \
             AND ($3 < 0 OR c.rating <= $3) AND ($5 = '' OR c.shopper_id = $5) \
             AND ($6 = '' OR {} \
              OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id \
                 AND m.author <> 'system' AND {}) \
              OR EXISTS (SELECT 1 FROM notes n WHERE n.conversation_id = c.id AND {})) \
             ORDER BY c.closed_at DESC, c.id DESC LIMIT $4",
            contains("COALESCE(c.rating_comment, '')"),
            contains("m.text"),
            contains("n.text"),
        );
        let rows = sqlx::query(&sql)
            .bind(site)
            .bind(filter.before.map_or(i64::MAX, |(ms, _)| ms))
            .bind(filter.max_rating.map_or(-1, i64::from))
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            // Text either way, so PostgreSQL knows the parameters' types; "" filters nothing.
            .bind(filter.shopper.unwrap_or_default())
            .bind(
                filter
                    .text
                    .map_or_else(String::new, |t| search::pattern(self.backend, t)),
            )
            .bind(filter.before.map_or("", |(_, id)| id))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let reason: String = row.try_get("reason")?;
                let resolution: Option<String> = row.try_get("resolution")?;
                let rating: Option<i64> = row.try_get("rating")?;
                Ok(ClosedConversation {
                    id: row.try_get("id")?,
                    reason: HandoffReason::parse(&reason).ok_or(StoreError::Corrupt("reason"))?,
                    closed_at: row.try_get("closed_at")?,
                    agent_name: row.try_get("agent_name")?,
                    resolution: resolution.as_deref().and_then(Resolution::parse),
                    rating: rating.and_then(|n| u8::try_from(n).ok()),
                    rating_comment: row.try_get("rating_comment")?,
                    preview: row.try_get("preview")?,
                })
            })
            .collect()
    }

    /// The waiting conversations of these sites (all sites when `None`), in arrival order.
    pub async fn queued(&self, sites: Option<&[String]>) -> Result<Vec<Queued>, StoreError> {
        let filter = sites.map_or_else(String::new, |sites| {
            let placeholders: Vec<String> = (1..=sites.len()).map(|i| format!("${i}")).collect();
            format!("AND c.site IN ({})", placeholders.join(", "))
        });
        if sites.is_some_and(<[String]>::is_empty) {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT c.id, c.site, c.seq, c.priority, c.reason, c.queued_at, c.language, \
             c.offered_to, c.offer_expires_at, \
             (SELECT m.text FROM messages m WHERE m.conversation_id = c.id AND m.author = 'shopper' \
              ORDER BY m.seq DESC LIMIT 1) AS preview \
             FROM conversations c WHERE c.state = 'queued' {filter} ORDER BY c.seq"
        );
        let mut query = sqlx::query(&sql);
        for site in sites.unwrap_or_default() {
            query = query.bind(site);
        }
        let rows = query.fetch_all(&self.pool).await?;
        let mut queued = Vec::with_capacity(rows.len());
        for row in &rows {
            let reason: String = row.try_get("reason")?;
            queued.push(Queued {
                id: row.try_get("id")?,
                site: row.try_get("site")?,
                seq: row.try_get("seq")?,
                priority: row.try_get("priority")?,
                reason: HandoffReason::parse(&reason).ok_or(StoreError::Corrupt("reason"))?,
                queued_at: row.try_get("queued_at")?,
                language: row.try_get("language")?,
                offered_to: row.try_get("offered_to")?,
                offer_expires_at: row.try_get("offer_expires_at")?,
                preview: row.try_get("preview")?,
            });
        }
        Ok(queued)
    }

    /// Offers a waiting conversation to an agent, unless it is already under offer.
    pub async fn offer(&self, id: &str, agent: &str, expires_at: i64) -> Result<bool, StoreError> {
        // The agent locked, and still of the site: a plan made just before they were taken
        // off it makes no offer after (see `remove_agent_from_site`).
        let mut tx = self.pool.begin().await?;
        lock_agent(&mut tx, agent).await?;
        let done = sqlx::query(
            "UPDATE conversations SET offered_to = $2, offer_expires_at = $3 \
             WHERE id = $1 AND state = 'queued' AND offered_to IS NULL AND EXISTS \
             (SELECT 1 FROM agent_sites s WHERE s.agent_id = $2 AND s.site = conversations.site)",
        )
        .bind(id)
        .bind(agent)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Withdraws every offer past its expiry; returns `(conversation, agent)` for each.
    pub async fn expire_offers(&self, now: i64) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, offered_to FROM conversations \
             WHERE state = 'queued' AND offered_to IS NOT NULL AND offer_expires_at < $1",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        let mut expired = Vec::new();
        for row in &rows {
            let (id, agent): (String, String) = (row.try_get("id")?, row.try_get("offered_to")?);
            if self.pass_on_offer(&id, &agent, Some(now)).await? {
                expired.push((id, agent));
            }
        }
        Ok(expired)
    }

    /// Takes the agent's offer off a conversation and remembers that they passed on it, in
    /// one transaction (routing never sees the offer gone but not the pass, and offers it
    /// back): declined when `expired_by` is `None`, otherwise only an offer that expired
    /// before then. Whether there was such an offer.
    pub async fn pass_on_offer(
        &self,
        id: &str,
        agent: &str,
        expired_by: Option<i64>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE conversations SET offered_to = NULL, offer_expires_at = NULL \
             WHERE id = $1 AND offered_to = $2 AND ($3 IS NULL OR offer_expires_at < $3)",
        )
        .bind(id)
        .bind(agent)
        .bind(expired_by)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        record_pass(&mut tx, id, agent, expired_by.is_none()).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Every pass on conversations still waiting: `(conversation, agent, declined)`.
    pub async fn passes(&self) -> Result<Vec<(String, String, bool)>, StoreError> {
        let rows = sqlx::query(
            "SELECT p.conversation_id, p.agent_id, p.declined FROM passes p \
             JOIN conversations c ON c.id = p.conversation_id WHERE c.state = 'queued'",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("conversation_id")?,
                    r.try_get("agent_id")?,
                    r.try_get::<i64, _>("declined")? != 0,
                ))
            })
            .collect()
    }

    /// Gives a waiting conversation to an agent of its site who has room for it: with
    /// `offer_only`, only if it is under a live offer to them; otherwise (a claim) whatever
    /// offer it is under.
    pub async fn assign(
        &self,
        id: &str,
        agent: &str,
        offer_only: bool,
    ) -> Result<Assignment, StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let Some(capacity) = lock_agent(&mut tx, agent).await? else {
            return Ok(Assignment::NotTheirs);
        };
        // The same no-op update locks the conversation, so whose offer it is under stays true.
        let Some(row) = sqlx::query(
            "UPDATE conversations SET offered_to = offered_to WHERE id = $1 \
             RETURNING site, state, offered_to, offer_expires_at",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(Assignment::Gone);
        };
        let site: String = row.try_get("site")?;
        let offered_to: Option<String> = row.try_get("offered_to")?;
        let on_site = sqlx::query("SELECT 1 FROM agent_sites WHERE agent_id = $1 AND site = $2")
            .bind(agent)
            .bind(&site)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if !on_site {
            return Ok(Assignment::NotTheirs);
        }
        let live_offer = offered_to.as_deref() == Some(agent)
            && row
                .try_get::<Option<i64>, _>("offer_expires_at")?
                .is_some_and(|expires| expires >= now);
        if row.try_get::<String, _>("state")? != "queued" || (offer_only && !live_offer) {
            return Ok(Assignment::Gone);
        }
        let active: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM conversations WHERE agent_id = $1 AND state = 'with_agent'",
        )
        .bind(agent)
        .fetch_one(&mut *tx)
        .await?;
        if active >= capacity {
            return Ok(Assignment::Full { active });
        }
        sqlx::query(
            "UPDATE conversations SET state = 'with_agent', agent_id = $2, assigned_at = $3, \
             taken_at = COALESCE(taken_at, $3), offered_to = NULL, offer_expires_at = NULL \
             WHERE id = $1",
        )
        .bind(id)
        .bind(agent)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE agents SET idle_since = $2 WHERE id = $1")
            .bind(agent)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Assignment::Taken {
            overridden: offered_to.filter(|offered| offered != agent),
        })
    }

    /// Replaces the shop's context of a conversation that is queued or with an agent, noting
    /// when; whether it changed.
    pub async fn set_context(&self, id: &str, context: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE conversations SET context = $2, context_changed_at = $3 \
             WHERE id = $1 AND state IN ('queued', 'with_agent') AND context <> $2",
        )
        .bind(id)
        .bind(context)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Takes a waiting conversation out of the queue at the shopper's request: `None` if it
    /// was not waiting, otherwise the agent it was offered to at that moment, if any (the
    /// row is locked between the two, so an offer made meanwhile is not missed).
    pub async fn cancel(&self, id: &str) -> Result<Option<Option<String>>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let Some(offered_to) = sqlx::query_scalar::<_, Option<String>>(
            "UPDATE conversations SET state = state WHERE id = $1 AND state = 'queued' \
             RETURNING offered_to",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(None);
        };
        sqlx::query(
            "UPDATE conversations SET state = 'cancelled', closed_at = $2, offered_to = NULL, \
             offer_expires_at = NULL WHERE id = $1",
        )
        .bind(id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(offered_to))
    }

    /// Closes a conversation the agent has.
    pub async fn close(
        &self,
        id: &str,
        agent: &str,
        resolution: Resolution,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE conversations SET state = 'closed', closed_at = $3, resolution = $4 \
             WHERE id = $1 AND agent_id = $2 AND state = 'with_agent'",
        )
        .bind(id)
        .bind(agent)
        .bind(now_ms())
        .bind(resolution.as_str())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Hands a conversation from one agent to another of its site who is connected (seen
    /// after `seen_after`) and not offline; `false` if `from` does not have it open or `to`
    /// no longer works for its site or is not there.
    pub async fn transfer(
        &self,
        id: &str,
        from: &str,
        to: &str,
        seen_after: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        lock_agent(&mut tx, to).await?;
        let done = sqlx::query(
            "UPDATE conversations SET agent_id = $3, assigned_at = $4 \
             WHERE id = $1 AND agent_id = $2 AND state = 'with_agent' AND EXISTS \
             (SELECT 1 FROM agent_sites s JOIN agents a ON a.id = s.agent_id \
              WHERE s.agent_id = $3 AND s.site = conversations.site \
              AND a.status <> 'offline' AND a.last_seen_at >= $5)",
        )
        .bind(id)
        .bind(from)
        .bind(to)
        .bind(now_ms())
        .bind(seen_after)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records that the shoppers of these conversations have their widget connected now.
    pub async fn touch_shoppers(&self, conversations: &[String]) -> Result<(), StoreError> {
        let update = "UPDATE conversations SET shopper_seen_at = $1 WHERE id IN";
        self.touch(update, conversations).await
    }

    /// Waiting conversations whose shopper's widget has not been connected since
    /// `seen_before`.
    pub async fn abandoned(&self, seen_before: i64) -> Result<Vec<Conversation>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM conversations WHERE state = 'queued' AND shopper_seen_at < $1"
        ))
        .bind(seen_before)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(conversation).collect()
    }

    /// Puts an agent's conversation back at the front of its queue, a new turn in it: who
    /// declined or let an offer of it lapse before may be offered it again, and the agent
    /// who put it back only when no one else can take it.
    pub async fn return_to_queue(&self, id: &str, from: &str) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE conversations SET state = 'queued', agent_id = NULL, priority = 2 \
             WHERE id = $1 AND agent_id = $2 AND state = 'with_agent'",
        )
        .bind(id)
        .bind(from)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            forget_passes(&mut tx, id).await?;
            // Who put it back is offered it again only if no one else can take it.
            record_pass(&mut tx, id, from, false).await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records the shopper's rating of a closed conversation, once; `true` too for the same
    /// rating sent again (a double click, a retry after a lost answer).
    pub async fn rate(
        &self,
        id: &str,
        score: u8,
        comment: Option<&str>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE conversations SET rating = $2, rating_comment = $3 \
             WHERE id = $1 AND state = 'closed' AND rating IS NULL",
        )
        .bind(id)
        .bind(i64::from(score))
        .bind(comment)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 1 {
            return Ok(true);
        }
        let stored = sqlx::query("SELECT rating, rating_comment FROM conversations WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match stored {
            Some(row) => {
                row.try_get::<Option<i64>, _>("rating")? == Some(i64::from(score))
                    && row
                        .try_get::<Option<String>, _>("rating_comment")?
                        .as_deref()
                        == comment
            }
            None => false,
        })
    }

    /// Average seconds from an agent joining to closing, over a site's last 50 closed
    /// conversations; `None` without history.
    pub async fn recent_handle_secs(&self, site: &str) -> Result<Option<u32>, StoreError> {
        let rows = sqlx::query(
            "SELECT closed_at - assigned_at AS took FROM conversations \
             WHERE site = $1 AND state = 'closed' AND assigned_at IS NOT NULL \
             ORDER BY closed_at DESC LIMIT 50",
        )
        .bind(site)
        .fetch_all(&self.pool)
        .await?;
        let took: Vec<i64> = rows
            .iter()
            .map(|r| r.try_get("took"))
            .collect::<Result<_, _>>()?;
        Ok((!took.is_empty()).then(|| {
            let mean_ms = took.iter().sum::<i64>() / took.len() as i64;
            u32::try_from(mean_ms / 1000).unwrap_or(u32::MAX).max(1)
        }))
    }
}

/// Forgets who passed on a conversation that goes back to the queue (see
/// [`Db::return_to_queue`]).
pub(super) async fn forget_passes(conn: &mut AnyConnection, id: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM passes WHERE conversation_id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Remembers that an agent passed on a conversation: `declined` (never offered it again in
/// this turn in the queue), or let it go (offered it again only when no one else can).
async fn record_pass(
    conn: &mut AnyConnection,
    id: &str,
    agent: &str,
    declined: bool,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO passes (conversation_id, agent_id, declined, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (conversation_id, agent_id) DO UPDATE SET declined = excluded.declined",
    )
    .bind(id)
    .bind(agent)
    .bind(i64::from(declined))
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}
