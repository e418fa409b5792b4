//! The routing rules, as plain functions over plain values: no database, no clock, no I/O,
//! so unit tests cover them directly. `dispatch` loads the state, asks these functions what
//! to do, and applies the answer with conditional updates.
//!
//! - Queue order: higher priority first, then arrival.
//! - Offers: each waiting conversation without a live offer goes to the available agent of
//!   its site with free capacity who has waited longest; an agent holds one offer at a time;
//!   an agent who declined a conversation is not offered it again, and one who let an offer
//!   expire gets it again only if nobody else can take it.
//! - Waiting time: from the free places, the agents' total capacity and recent handling times.

use std::cmp::Reverse;

/// A conversation waiting in a queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub id: String,
    pub site: String,
    /// Higher goes first.
    pub priority: i64,
    /// Arrival order.
    pub seq: i64,
    /// The agent holding a live offer for it, if any.
    pub offered_to: Option<String>,
}

/// An available, connected agent and their load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    pub id: String,
    pub sites: Vec<String>,
    pub capacity: u32,
    /// Conversations they have now.
    pub active: u32,
    /// Live offers they hold.
    pub offers: u32,
    /// Since when they have been waiting for work (Unix milliseconds).
    pub idle_since: i64,
}

/// An agent passed on a conversation: declined it, or let the offer expire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pass {
    pub conversation: String,
    pub agent: String,
    pub declined: bool,
}

/// An offer to make: this conversation to this agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub conversation: String,
    pub agent: String,
}

/// The queue in the order it is served.
pub fn queue_order(waiting: &mut [Waiting]) {
    waiting.sort_by_key(|w| (Reverse(w.priority), w.seq));
}

impl Agent {
    fn takes_offers(&self) -> bool {
        self.offers == 0 && self.active < self.capacity
    }
}

/// The offers to make now.
pub fn plan_offers(waiting: &[Waiting], agents: &[Agent], passes: &[Pass]) -> Vec<Assignment> {
    let mut ordered = waiting.to_vec();
    queue_order(&mut ordered);
    let mut free: Vec<&Agent> = agents.iter().filter(|a| a.takes_offers()).collect();
    // Longest waiting first; the id breaks ties so the plan is the same every time.
    free.sort_by(|a, b| (a.idle_since, &a.id).cmp(&(b.idle_since, &b.id)));
    let passed = |conversation: &str, agent: &str| {
        passes
            .iter()
            .find(|p| p.conversation == conversation && p.agent == agent)
    };
    let mut plan = Vec::new();
    for conversation in ordered.iter().filter(|w| w.offered_to.is_none()) {
        let candidates = || {
            free.iter().enumerate().filter(|(_, agent)| {
                agent.sites.contains(&conversation.site)
                    && passed(&conversation.id, &agent.id).is_none_or(|p| !p.declined)
            })
        };
        let chosen = candidates()
            .find(|(_, agent)| passed(&conversation.id, &agent.id).is_none())
            .or_else(|| candidates().next())
            .map(|(index, _)| index);
        if let Some(index) = chosen {
            let agent = free.remove(index);
            plan.push(Assignment {
                conversation: conversation.id.clone(),
                agent: agent.id.clone(),
            });
        }
    }
    plan
}

/// What the waiting-time estimate is made from, for one site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Staffing {
    /// Available, connected agents of the site.
    pub agents: u32,
    /// Their total capacity.
    pub capacity: u32,
    /// Places free now (capacity minus the conversations they have).
    pub free: u32,
    /// Average seconds from an agent joining to closing, recently.
    pub handle_secs: u32,
}

/// Seconds an agent needs to see and accept an offer, on average.
pub const OFFER_SECS: u32 = 15;

/// Estimated seconds until an agent joins the conversation at this 1-based position, or
/// `None` when no agent is available.
pub fn estimated_wait_secs(position: u32, staffing: Staffing) -> Option<u32> {
    if staffing.agents == 0 || staffing.capacity == 0 {
        return None;
    }
    if position <= staffing.free {
        return Some(OFFER_SECS);
    }
    // The shoppers ahead must first finish with someone; together the agents finish
    // `capacity` conversations every `handle_secs`.
    let ahead = u64::from(position - staffing.free);
    let wait = ahead * u64::from(staffing.handle_secs) / u64::from(staffing.capacity);
    Some(
        u32::try_from(wait)
            .unwrap_or(u32::MAX)
            .saturating_add(OFFER_SECS),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn waiting(id: &str, site: &str, priority: i64, seq: i64) -> Waiting {
        Waiting {
            id: id.into(),
            site: site.into(),
            priority,
            seq,
            offered_to: None,
        }
    }

    fn agent(id: &str, sites: &[&str], idle_since: i64) -> Agent {
        Agent {
            id: id.into(),
            sites: sites.iter().map(|s| s.to_string()).collect(),
            capacity: 2,
            active: 0,
            offers: 0,
            idle_since,
        }
    }

    fn offers(plan: &[Assignment]) -> Vec<(&str, &str)> {
        plan.iter()
            .map(|a| (a.conversation.as_str(), a.agent.as_str()))
            .collect()
    }

    #[test]
    fn priority_first_then_arrival() {
        let mut queue = vec![
            waiting("late", "s", 0, 3),
            waiting("returned", "s", 2, 9),
            waiting("early", "s", 0, 1),
            waiting("sensitive", "s", 1, 5),
        ];
        queue_order(&mut queue);
        let ids: Vec<&str> = queue.iter().map(|w| w.id.as_str()).collect();
        assert_eq!(ids, ["returned", "sensitive", "early", "late"]);
    }

    #[test]
    fn the_longest_waiting_agent_gets_the_first_conversation() {
        let queue = [waiting("c1", "s", 0, 1), waiting("c2", "s", 0, 2)];
        let agents = [
            agent("recent", &["s"], 500),
            agent("waiting-long", &["s"], 100),
        ];
        let plan = plan_offers(&queue, &agents, &[]);
        assert_eq!(offers(&plan), [("c1", "waiting-long"), ("c2", "recent")]);
    }

    #[test]
    fn one_offer_at_a_time_and_never_beyond_capacity() {
        let queue = [waiting("c1", "s", 0, 1), waiting("c2", "s", 0, 2)];
        let mut busy = agent("busy", &["s"], 0);
        busy.active = 2;
        let mut holding = agent("holding", &["s"], 0);
        holding.offers = 1;
        assert!(plan_offers(&queue, &[busy, holding], &[]).is_empty());
    }

    #[test]
    fn agents_only_get_their_own_sites() {
        let queue = [waiting("c1", "other", 0, 1), waiting("c2", "s", 0, 2)];
        let plan = plan_offers(&queue, &[agent("a", &["s"], 0)], &[]);
        assert_eq!(offers(&plan), [("c2", "a")]);
    }

    #[test]
    fn conversations_under_offer_are_left_alone() {
        let mut offered = waiting("c1", "s", 0, 1);
        offered.offered_to = Some("x".into());
        let plan = plan_offers(
            &[offered, waiting("c2", "s", 0, 2)],
            &[agent("a", &["s"], 0)],
            &[],
        );
        assert_eq!(offers(&plan), [("c2", "a")]);
    }

    #[test]
    fn a_declined_conversation_moves_on_and_an_expired_one_comes_back_only_as_a_last_resort() {
        let queue = [waiting("c1", "s", 0, 1)];
        let first = agent("first", &["s"], 0);
        let second = agent("second", &["s"], 10);
        let declined = Pass {
            conversation: "c1".into(),
            agent: "first".into(),
            declined: true,
        };
        let expired = Pass {
            declined: false,
            ..declined.clone()
        };

        let plan = plan_offers(
            &queue,
            &[first.clone(), second.clone()],
            std::slice::from_ref(&expired),
        );
        assert_eq!(
            offers(&plan),
            [("c1", "second")],
            "moves on after an expiry"
        );
        let plan = plan_offers(&queue, std::slice::from_ref(&first), &[expired]);
        assert_eq!(
            offers(&plan),
            [("c1", "first")],
            "offered again when nobody else can"
        );
        let plan = plan_offers(
            &queue,
            &[first.clone(), second],
            std::slice::from_ref(&declined),
        );
        assert_eq!(offers(&plan), [("c1", "second")]);
        assert!(
            plan_offers(&queue, &[first], &[declined]).is_empty(),
            "never again after a decline"
        );
    }

    #[test]
    fn the_estimate_grows_with_the_queue_and_shrinks_with_staff() {
        let staff = Staffing {
            agents: 2,
            capacity: 4,
            free: 1,
            handle_secs: 240,
        };
        assert_eq!(estimated_wait_secs(1, staff), Some(OFFER_SECS));
        assert_eq!(estimated_wait_secs(2, staff), Some(60 + OFFER_SECS));
        assert_eq!(estimated_wait_secs(5, staff), Some(240 + OFFER_SECS));
        let more = Staffing {
            agents: 4,
            capacity: 8,
            ..staff
        };
        assert!(estimated_wait_secs(5, more) < estimated_wait_secs(5, staff));
        let nobody = Staffing {
            agents: 0,
            capacity: 0,
            free: 0,
            handle_secs: 240,
        };
        assert_eq!(estimated_wait_secs(1, nobody), None);
    }
}
