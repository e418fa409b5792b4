//! Who has which conversation: agents accept, decline, claim, close, transfer and return
//! conversations; shoppers cancel and rate them.
//!
//! Each action is one conditional update in the store (so races have exactly one winner),
//! then a line in the transcript where the shopper should see it ("Anna joined"), then the
//! events that bring every screen up to date, and a nudge to routing when capacity changed.

use tandem_protocol::{ConversationState, Notice, agent::Resolution};

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

/// The agent's name for the transcript; "An agent" if it cannot be read.
async fn agent_name(state: &AppState, agent: &str) -> String {
    match state.db.agent_profile(agent).await {
        Ok(Some(profile)) => profile.name,
        Ok(None) => "An agent".to_owned(),
        Err(error) => {
            tracing::error!(%error, %agent, "could not read the agent's name");
            "An agent".to_owned()
        }
    }
}

/// What every change ends with, once it is made: the line in the transcript where the
/// shopper sees it, then the events that bring every screen up to date. A line that could
/// not be written is logged, never a reason to leave the screens behind.
async fn announce(
    state: &AppState,
    conversation: &Conversation,
    notice: Notice,
    agents: Vec<String>,
) {
    if let Err(error) = relay::notice(state, conversation, notice).await {
        tracing::error!(%error, conversation = %conversation.id, "could not write the notice");
    }
    changed(state, conversation, agents).await;
}

/// Tells an agent's screens that their offer of a conversation is gone.
pub async fn withdrawn(state: &AppState, agent: String, conversation: String) {
    state
        .bus
        .publish(Event::OfferWithdrawn {
            agent,
            conversation,
        })
        .await;
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

/// Tells of a conversation the agent had that is back in the queue.
async fn back_in_queue(state: &AppState, conversation: &Conversation, agent: &str) {
    let agents = vec![agent.to_owned()];
    announce(state, conversation, Notice::BackInQueue, agents).await;
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
        withdrawn(state, other, id.to_owned()).await;
    }
    let now = match state.db.conversation(id).await {
        Ok(Some(now)) => now,
        _ => before,
    };
    let name = agent_name(state, agent).await;
    announce(state, &now, Notice::Joined { name }, vec![agent.to_owned()]).await;
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
    withdrawn(state, agent.to_owned(), id.to_owned()).await;
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
    let name = agent_name(state, agent).await;
    let notice = if resolution == Resolution::ReturnedToAssistant {
        Notice::HandedBack { name }
    } else {
        Notice::Closed { name }
    };
    announce(state, &conversation, notice, vec![agent.to_owned()]).await;
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
        back_in_queue(state, &conversation, agent).await;
        return Ok(());
    };
    // Only to someone there to answer (`Colleague::can_take`).
    let present = presence::present_since(&state.config);
    if !state.db.transfer(id, agent, to, present).await? {
        // Worded from how things stand now: the colleague may have left the site or gone.
        let colleagues = state.db.colleagues(&conversation.site, present).await?;
        return Err(match colleagues.into_iter().find(|c| c.id == to) {
            None => AppError::Invalid(format!(
                "No agent {to:?} works for site {:?}.",
                conversation.site
            )),
            Some(c) if !c.can_take() => AppError::Conflict(format!("{} is offline.", c.name)),
            Some(_) => AppError::Conflict("You do not have this conversation open.".to_owned()),
        });
    }
    let name = agent_name(state, to).await;
    let agents = vec![agent.to_owned(), to.to_owned()];
    announce(state, &conversation, Notice::TookOver { name }, agents).await;
    Ok(())
}

/// Takes an agent off a site: their offers of its conversations are withdrawn and the ones
/// they have go back to the front of the queue, so no shopper waits on someone who can no
/// longer answer. `false` if they did not work for it.
pub async fn remove_from_site(state: &AppState, agent: &str, site: &str) -> Result<bool, AppError> {
    let Some(offers) = state.db.remove_agent_from_site(agent, site).await? else {
        return Ok(false);
    };
    for conversation in offers {
        withdrawn(state, agent.to_owned(), conversation).await;
    }
    for conversation in state.db.conversations_of_agent(agent).await? {
        if conversation.site != site || !state.db.return_to_queue(&conversation.id, agent).await? {
            continue;
        }
        tracing::info!(%agent, conversation = %conversation.id, "agent taken off the site: conversation back in the queue");
        back_in_queue(state, &conversation, agent).await;
    }
    state
        .bus
        .publish(Event::Queue {
            site: site.to_owned(),
        })
        .await;
    state.bus.publish(Event::Dispatch).await;
    Ok(true)
}

/// Waiting shoppers whose widget has been gone for `queue_abandon_secs` leave the queue, as
/// if they had left it themselves: agents are not offered, and the queue does not count,
/// shoppers long gone. Run by the dispatcher.
pub async fn abandon_waiting(state: &AppState) -> Result<(), AppError> {
    let gone_before = presence::abandoned_before(&state.config);
    for conversation in state.db.abandoned(gone_before).await? {
        match cancel(state, &conversation).await {
            Ok(()) => {
                tracing::info!(conversation = %conversation.id, site = %conversation.site, "shopper gone: conversation left the queue");
            }
            // Taken or cancelled meanwhile: nothing left to do.
            Err(AppError::Conflict(_)) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// The shopper leaves the queue.
pub async fn cancel(state: &AppState, conversation: &Conversation) -> Result<(), AppError> {
    let Some(offered) = state.db.cancel(&conversation.id).await? else {
        return Err(AppError::Conflict(
            "Only a conversation that is still waiting can be cancelled.".to_owned(),
        ));
    };
    let mut agents = Vec::new();
    if let Some(offered) = offered {
        withdrawn(state, offered.clone(), conversation.id.clone()).await;
        agents.push(offered);
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
    let gone_before = presence::vanished_before(&state.config);
    for agent in state.db.vanished_agents(gone_before).await? {
        let name = agent_name(state, &agent).await;
        for (id, _) in state.db.release_vanished_agent(&agent, gone_before).await? {
            // Back in the queue already: every one of them is told, whatever fails.
            match state.db.conversation(&id).await {
                Ok(Some(conversation)) => {
                    tracing::info!(%agent, conversation = %id, "agent gone: conversation back in the queue");
                    let notice = Notice::Disconnected { name: name.clone() };
                    announce(state, &conversation, notice, vec![agent.clone()]).await;
                }
                Ok(None) => {}
                Err(error) => {
                    tracing::error!(%error, conversation = %id, "could not tell of a return to the queue")
                }
            }
        }
        for site in state.db.agent_sites(&agent).await? {
            state.bus.publish(Event::Queue { site }).await;
        }
        state.bus.publish(Event::Agent { agent }).await;
    }
    Ok(())
}
