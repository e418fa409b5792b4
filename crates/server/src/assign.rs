//! Who has which conversation: agents accept, decline, claim, close, transfer and return
//! conversations; shoppers cancel and rate them.
//!
//! Each action is one conditional update in the store (so races have exactly one winner),
//! then a line in the transcript where the shopper should see it ("Anna joined"), then the
//! events that bring every screen up to date, and a nudge to routing when capacity changed.

use tandem_protocol::{
    ConversationState, Notice,
    agent::{AgentStatus, Resolution},
};

use crate::{
    app::AppState,
    error::AppError,
    events::Event,
    presence, relay,
    store::{Assignment, Conversation, now_ms},
};

/// A conversation the agent may work on: it exists and belongs to one of their sites.
pub async fn visible_to(state: &AppState, agent: &str, id: &str) -> Result<Conversation, AppError> {
    let conversation = state
        .db
        .conversation(id)
        .await?
        .ok_or_else(|| AppError::UnknownConversation(id.to_owned()))?;
    if !state
        .db
        .agent_sites(agent)
        .await?
        .contains(&conversation.site)
    {
        // Not theirs to see: answer as if it did not exist.
        return Err(AppError::UnknownConversation(id.to_owned()));
    }
    Ok(conversation)
}

async fn agent_name(state: &AppState, agent: &str) -> Result<String, AppError> {
    Ok(state
        .db
        .agent_profile(agent)
        .await?
        .map_or_else(|| "An agent".to_owned(), |p| p.name))
}

async fn changed(state: &AppState, conversation: &Conversation, agents: Vec<String>) {
    state
        .bus
        .publish(Event::Conversation {
            conversation: conversation.id.clone(),
            site: conversation.site.clone(),
            agents,
        })
        .await;
    state
        .bus
        .publish(Event::Queue {
            site: conversation.site.clone(),
        })
        .await;
    state.bus.publish(Event::Dispatch).await;
}

/// Takes a conversation: an offer (`offer_only`) or a claim from the queue.
pub async fn take(
    state: &AppState,
    agent: &str,
    id: &str,
    offer_only: bool,
) -> Result<(), AppError> {
    let before = visible_to(state, agent, id).await?;
    let overridden = match state.db.assign(id, agent, offer_only).await? {
        Assignment::Taken { overridden } => overridden,
        Assignment::Full { active } => {
            return Err(AppError::Conflict(format!(
                "You already have {active} conversations, your capacity. Close one or raise it first."
            )));
        }
        // Taken off its site since `visible_to`: as if it did not exist.
        Assignment::NotTheirs => return Err(AppError::UnknownConversation(id.to_owned())),
        Assignment::Gone if offer_only => {
            return Err(AppError::Conflict(
                "The offer is gone: it expired, or the conversation was taken or cancelled."
                    .to_owned(),
            ));
        }
        Assignment::Gone => {
            return Err(AppError::Conflict(
                "Someone else has taken this conversation, or it is no longer waiting.".to_owned(),
            ));
        }
    };
    // The shopper's wait, once: one back in the queue from an agent waited already.
    if before.assigned_at.is_none() {
        state.metrics.observe_wait(now_ms() - before.queued_at);
    }
    if let Some(other) = overridden {
        state
            .bus
            .publish(Event::OfferWithdrawn {
                agent: other,
                conversation: id.to_owned(),
            })
            .await;
    }
    let now = state.db.conversation(id).await?.unwrap_or(before);
    let name = agent_name(state, agent).await?;
    relay::notice(state, &now, Notice::Joined { name }).await?;
    changed(state, &now, vec![agent.to_owned()]).await;
    Ok(())
}

/// Declines an offer: routing moves on and will not offer it to this agent again.
pub async fn decline(state: &AppState, agent: &str, id: &str) -> Result<(), AppError> {
    visible_to(state, agent, id).await?;
    if !state.db.pass_on_offer(id, agent, None).await? {
        return Err(AppError::Conflict(
            "There is no offer of this conversation to decline.".to_owned(),
        ));
    }
    state
        .bus
        .publish(Event::OfferWithdrawn {
            agent: agent.to_owned(),
            conversation: id.to_owned(),
        })
        .await;
    state.bus.publish(Event::Dispatch).await;
    Ok(())
}

/// Closes a conversation the agent has.
pub async fn close(
    state: &AppState,
    agent: &str,
    id: &str,
    resolution: Resolution,
) -> Result<(), AppError> {
    let conversation = visible_to(state, agent, id).await?;
    if !state.db.close(id, agent, resolution).await? {
        return Err(AppError::Conflict(
            "You do not have this conversation open.".to_owned(),
        ));
    }
    let name = agent_name(state, agent).await?;
    let notice = if resolution == Resolution::ReturnedToAssistant {
        Notice::HandedBack { name }
    } else {
        Notice::Closed { name }
    };
    relay::notice(state, &conversation, notice).await?;
    changed(state, &conversation, vec![agent.to_owned()]).await;
    Ok(())
}

/// Hands a conversation to another agent of its site, or (`None`) back to the front of the
/// queue.
pub async fn transfer(
    state: &AppState,
    agent: &str,
    id: &str,
    to: Option<&str>,
) -> Result<(), AppError> {
    let conversation = visible_to(state, agent, id).await?;
    let Some(to) = to else {
        if !state.db.return_to_queue(id, agent).await? {
            return Err(AppError::Conflict(
                "You do not have this conversation open.".to_owned(),
            ));
        }
        relay::notice(state, &conversation, Notice::BackInQueue).await?;
        changed(state, &conversation, vec![agent.to_owned()]).await;
        return Ok(());
    };
    let not_on_site = || {
        AppError::Invalid(format!(
            "No agent {to:?} works for site {:?}.",
            conversation.site
        ))
    };
    let target = state
        .db
        .agent_profile(to)
        .await?
        .filter(|p| p.sites.contains(&conversation.site))
        .ok_or_else(not_on_site)?;
    if target.status == AgentStatus::Offline {
        return Err(AppError::Conflict(format!("{} is offline.", target.name)));
    }
    if !state.db.transfer(id, agent, to).await? {
        // Either it is not the agent's, or the colleague was taken off the site meanwhile.
        return Err(
            if state.db.agent_sites(to).await?.contains(&conversation.site) {
                AppError::Conflict("You do not have this conversation open.".to_owned())
            } else {
                not_on_site()
            },
        );
    }
    let name = target.name;
    relay::notice(state, &conversation, Notice::TookOver { name }).await?;
    changed(state, &conversation, vec![agent.to_owned(), to.to_owned()]).await;
    Ok(())
}

/// An agent taken off a site: the conversations of that site they have go back to the front
/// of the queue, so no shopper waits on someone who can no longer answer.
pub async fn release_from_site(state: &AppState, agent: &str, site: &str) -> Result<(), AppError> {
    for conversation in state.db.conversations_of_agent(agent).await? {
        if conversation.site != site || !state.db.return_to_queue(&conversation.id, agent).await? {
            continue;
        }
        tracing::info!(%agent, conversation = %conversation.id, "agent taken off the site: conversation back in the queue");
        relay::notice(state, &conversation, Notice::BackInQueue).await?;
        changed(state, &conversation, vec![agent.to_owned()]).await;
    }
    Ok(())
}

/// The shopper leaves the queue.
pub async fn cancel(state: &AppState, conversation: &Conversation) -> Result<(), AppError> {
    if !state.db.cancel(&conversation.id).await? {
        return Err(AppError::Conflict(
            "Only a conversation that is still waiting can be cancelled.".to_owned(),
        ));
    }
    let mut agents = Vec::new();
    if let Some(offered) = &conversation.offered_to {
        state
            .bus
            .publish(Event::OfferWithdrawn {
                agent: offered.clone(),
                conversation: conversation.id.clone(),
            })
            .await;
        agents.push(offered.clone());
    }
    changed(state, conversation, agents).await;
    Ok(())
}

/// The shopper rates a closed conversation, once.
pub async fn rate(
    state: &AppState,
    conversation: &Conversation,
    score: u8,
    comment: Option<&str>,
) -> Result<(), AppError> {
    if !(1..=5).contains(&score) {
        return Err(AppError::Invalid("A rating is 1 to 5.".to_owned()));
    }
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    if comment.is_some_and(|c| c.len() > 2000) {
        return Err(AppError::TooLarge {
            what: "The comment",
            limit: "2000 bytes".to_owned(),
        });
    }
    if conversation.state != ConversationState::Closed {
        return Err(AppError::Conflict(
            "A conversation can be rated once it is closed.".to_owned(),
        ));
    }
    let comment = comment.map(tandem_assistant::mask_card_numbers);
    let comment = comment.as_deref();
    if !state.db.rate(&conversation.id, score, comment).await? {
        return Err(AppError::Conflict(
            "This conversation has already been rated.".to_owned(),
        ));
    }
    changed(
        state,
        conversation,
        conversation.agent_id.iter().cloned().collect(),
    )
    .await;
    Ok(())
}

/// Agents whose connection has been gone longer than the grace period: marked offline, their
/// conversations back at the front of the queue, their sites' waiting shoppers told (their
/// estimates, or that no one is left). Run by the dispatcher.
pub async fn release_vanished(state: &AppState) -> Result<(), AppError> {
    for agent in state
        .db
        .vanished_agents(presence::vanished_before(&state.config))
        .await?
    {
        let name = agent_name(state, &agent).await?;
        for (id, _) in state.db.release_vanished_agent(&agent).await? {
            if let Some(conversation) = state.db.conversation(&id).await? {
                tracing::info!(%agent, conversation = %id, "agent gone: conversation back in the queue");
                let notice = Notice::Disconnected { name: name.clone() };
                relay::notice(state, &conversation, notice).await?;
                changed(state, &conversation, vec![agent.clone()]).await;
            }
        }
        for site in state.db.agent_sites(&agent).await? {
            state.bus.publish(Event::Queue { site }).await;
        }
        state.bus.publish(Event::Agent { agent }).await;
    }
    Ok(())
}
