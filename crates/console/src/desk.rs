//! The agent's desk as a plain value: who they are, the queues of their sites, the offers
//! waiting for an answer and the conversations they have open. Every frame of the live
//! connection goes through [`Desk::apply`]; the components only draw a `Desk` and call its
//! methods, so native tests cover these rules.

use std::collections::{BTreeMap, BTreeSet};

use tandem_protocol::{
    agent::{
        AgentProfile, AgentServerFrame, ConversationDetail, Note, Offer, OfflineInbox,
        OfflineMessage, QueueEntry, Resolution,
    },
    conversation::{Author, Message},
};

use crate::note_draft::{NoteDraft, add_once};

/// A message the agent sent that the server has not stored yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub client_id: String,
    pub text: String,
    pub failed: bool,
}

/// One conversation the agent has.
#[derive(Debug, Clone, PartialEq)]
pub struct Chat {
    pub detail: ConversationDetail,
    /// Shopper messages that arrived while another conversation was shown.
    pub unread: u32,
    pub shopper_typing: bool,
    pub pending: Vec<Pending>,
    /// The reply being written, kept while other conversations are shown and across a lost
    /// session.
    pub draft: String,
    pub note: NoteDraft,
    /// How the agent means to close it: each conversation its own, "solved" until they say
    /// otherwise.
    pub resolution: Resolution,
}

/// The longest a tab's label grows.
pub const LABEL_CHARS: usize = 28;

/// `text` on one line, cut to [`LABEL_CHARS`] with an ellipsis; `None` if it is blank.
fn short(text: &str) -> Option<String> {
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.is_empty() {
        return None;
    }
    if words.chars().count() <= LABEL_CHARS {
        return Some(words);
    }
    let cut: String = words.chars().take(LABEL_CHARS - 1).collect();
    Some(format!("{}…", cut.trim_end()))
}

impl Chat {
    fn new(detail: ConversationDetail) -> Chat {
        Chat {
            detail,
            unread: 0,
            shopper_typing: false,
            pending: Vec::new(),
            draft: String::new(),
            note: NoteDraft::default(),
            resolution: Resolution::Solved,
        }
    }

    /// What the conversation's tab says, so the agent tells their conversations apart: the
    /// shopper's name (or email) when the shop passed one, else the start of their first
    /// message, either one line of at most [`LABEL_CHARS`]; `None` when there is neither.
    pub fn label(&self) -> Option<String> {
        let identity = self.detail.identity.as_ref();
        let named = identity.and_then(|i| {
            [&i.name, &i.email]
                .into_iter()
                .find_map(|said| said.as_deref().and_then(short))
        });
        named.or_else(|| {
            self.detail
                .messages
                .iter()
                .find(|m| m.author == Author::Shopper)
                .and_then(|m| short(&m.text))
        })
    }

    /// Whether the agent wrote something here that the server does not have: a note not
    /// added, a reply being written, a reply that failed to send.
    pub fn unsent(&self) -> bool {
        self.note.is_written()
            || !self.draft.trim().is_empty()
            || self.pending.iter().any(|p| p.failed)
    }

    /// The shopper's latest message, which the assistant's suggestions answer.
    pub fn last_shopper_text(&self) -> Option<&str> {
        self.detail
            .messages
            .iter()
            .rev()
            .find(|m| m.author == Author::Shopper)
            .map(|m| m.text.as_str())
    }

    fn add(&mut self, message: Message) {
        if self.detail.messages.iter().any(|m| m.seq == message.seq) {
            return;
        }
        if let Some(id) = &message.client_id {
            self.pending.retain(|p| &p.client_id != id);
        }
        let at = self
            .detail
            .messages
            .iter()
            .position(|m| m.seq > message.seq)
            .unwrap_or(self.detail.messages.len());
        self.detail.messages.insert(at, message);
    }
}

/// Something the agent should notice even when looking elsewhere.
#[derive(Debug, Clone, PartialEq)]
pub enum Alert {
    /// A new offer: a sound and a browser notification, if the agent turned them on.
    Offer(Offer),
}

/// What the desk keeps while its agent signs in again after their session ended elsewhere
/// (expired, signed out in another tab): their conversations as they were, with what they
/// were writing, for them alone.
#[derive(Debug, Clone, Default, PartialEq)]
struct Kept {
    agent: String,
    chats: Vec<Chat>,
    open: Option<String>,
    lost_notes: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Desk {
    pub profile: Option<AgentProfile>,
    queues: BTreeMap<String, Vec<QueueEntry>>,
    offers: Vec<Offer>,
    chats: Vec<Chat>,
    open: Option<String>,
    /// Messages shoppers left while no one was available, not handled yet, per site: the
    /// page the server sent, and how many more wait beyond it.
    inbox: BTreeMap<String, (Vec<OfflineMessage>, u64)>,
    /// Offline messages this agent marked handled: an answer to a request sent before the
    /// mark does not bring them back.
    marked: BTreeSet<String>,
    /// The last problem the server reported, for the status line.
    pub problem: Option<String>,
    /// Notes whose conversation left the desk before they were added: their text, shown
    /// until the agent has copied what they need and dismisses them.
    lost_notes: Vec<String>,
    kept: Option<Kept>,
    /// Offers held when the live connection was welcomed again, `(site, conversation)`, not
    /// yet sent again: the server sends those still open before each site's queue, and those
    /// it does not send ended meanwhile.
    unconfirmed: Vec<(String, String)>,
}

impl Desk {
    /// Takes in one frame from the server.
    pub fn apply(&mut self, frame: AgentServerFrame) -> Option<Alert> {
        match frame {
            AgentServerFrame::Welcome {
                profile,
                conversations,
            } => {
                // A reconnect, or the same agent signed in again: keep what they were
                // reading, sending and writing.
                let kept = self.kept.take().filter(|k| k.agent == profile.id);
                // The queues and the offers still open come next, site by site. Until then
                // the offers stay as they are (drawn once, announced once); those of sites the
                // agent no longer works for go at once, with those sites' queues, and so does
                // a problem from before.
                let sites = &profile.sites;
                self.offers.retain(|o| sites.contains(&o.conversation.site));
                self.queues.retain(|site, _| sites.contains(site));
                self.inbox.retain(|site, _| sites.contains(site));
                self.unconfirmed = self
                    .offers
                    .iter()
                    .map(|o| (o.conversation.site.clone(), o.conversation.id.clone()))
                    .collect();
                self.problem = None;
                self.profile = Some(profile);
                let (kept_chats, kept_open, kept_lost) = kept
                    .map(|k| (k.chats, k.open, k.lost_notes))
                    .unwrap_or_default();
                self.lost_notes.extend(kept_lost);
                if self.open.is_none() {
                    self.open = kept_open;
                }
                let mut before: BTreeMap<String, Chat> = kept_chats
                    .into_iter()
                    .chain(self.chats.drain(..))
                    .map(|c| (c.detail.id.clone(), c))
                    .collect();
                self.chats = conversations
                    .into_iter()
                    .map(|detail| {
                        let mut chat = Chat::new(detail);
                        if let Some(old) = before.remove(&chat.detail.id) {
                            chat.unread = old.unread;
                            // Those stored meanwhile (sent while the link was down) are in
                            // the conversation now, not waiting.
                            let stored = |p: &Pending| {
                                chat.detail
                                    .messages
                                    .iter()
                                    .any(|m| m.client_id.as_deref() == Some(p.client_id.as_str()))
                            };
                            chat.pending = old.pending.into_iter().filter(|p| !stored(p)).collect();
                            chat.draft = old.draft;
                            chat.note = old.note;
                            chat.resolution = old.resolution;
                        }
                        chat
                    })
                    .collect();
                self.keep_open_valid();
                // Those that left meanwhile (closed or passed on elsewhere) take their notes
                // with them: the agent reads what they wrote.
                let lost = before.into_values().filter(|c| c.note.is_written());
                self.lost_notes.extend(lost.map(|c| c.note.text));
            }
            AgentServerFrame::Queue { site, entries } => {
                // The site's open offers came before its queue: those held and not sent
                // again ended while the link was down.
                let (ended, rest) = std::mem::take(&mut self.unconfirmed)
                    .into_iter()
                    .partition::<Vec<_>, _>(|(s, _)| *s == site);
                self.unconfirmed = rest;
                self.offers
                    .retain(|o| !ended.iter().any(|(_, id)| *id == o.conversation.id));
                self.queues.insert(site, entries);
            }
            AgentServerFrame::Offer { offer } => {
                let id = &offer.conversation.id;
                self.unconfirmed.retain(|(_, c)| c != id);
                match self.offers.iter_mut().find(|o| &o.conversation.id == id) {
                    Some(held) => *held = offer,
                    None => {
                        self.offers.push(offer.clone());
                        return Some(Alert::Offer(offer));
                    }
                }
            }
            AgentServerFrame::OfferWithdrawn { conversation } => {
                self.offers.retain(|o| o.conversation.id != conversation);
            }
            AgentServerFrame::Assigned { conversation } => {
                self.offers.retain(|o| o.conversation.id != conversation.id);
                let id = conversation.id.clone();
                match self.chat_mut(&id) {
                    Some(chat) => chat.detail = conversation,
                    None => self.chats.push(Chat::new(conversation)),
                }
                if self.open.is_none() {
                    self.open = Some(id);
                }
            }
            AgentServerFrame::Released { conversation, .. } => {
                let at = self
                    .chats
                    .iter()
                    .position(|c| c.detail.id == conversation)?;
                let note = self.chats.remove(at).note;
                self.keep_open_valid();
                // One on its way is stored even so (a closed conversation takes notes), or
                // its failure says so.
                if note.is_written() && !note.saving {
                    self.lost_notes.push(note.text);
                }
            }
            AgentServerFrame::Message {
                conversation,
                message,
            } => {
                let shown = self.open.as_deref() == Some(conversation.as_str());
                if let Some(chat) = self.chat_mut(&conversation) {
                    let from_shopper = message.author == Author::Shopper;
                    if from_shopper {
                        chat.shopper_typing = false;
                        if !shown {
                            chat.unread += 1;
                        }
                    }
                    chat.add(message);
                }
            }
            AgentServerFrame::Context {
                conversation,
                context,
                at,
            } => {
                if let Some(chat) = self.chat_mut(&conversation) {
                    chat.detail.context = context;
                    chat.detail.context_changed_at = Some(at);
                }
            }
            AgentServerFrame::Notes {
                conversation,
                notes,
            } => {
                if let Some(chat) = self.chat_mut(&conversation) {
                    chat.detail.notes = notes;
                }
            }
            AgentServerFrame::Ack { .. } => {}
            AgentServerFrame::Typing {
                conversation,
                author,
                typing,
            } => {
                if let Some(chat) = self.chat_mut(&conversation)
                    && author == Author::Shopper
                {
                    chat.shopper_typing = typing;
                }
            }
            AgentServerFrame::Profile { profile } => {
                self.inbox.retain(|site, _| profile.sites.contains(site));
                self.profile = Some(profile);
            }
            AgentServerFrame::Error { problem, client_id } => {
                if let Some(id) = client_id {
                    self.failed(&id);
                }
                self.problem = Some(problem.detail.unwrap_or(problem.title));
            }
            AgentServerFrame::Reconnect { .. } => {}
        }
        None
    }

    fn chat_mut(&mut self, id: &str) -> Option<&mut Chat> {
        self.chats.iter_mut().find(|c| c.detail.id == id)
    }

    fn keep_open_valid(&mut self) {
        let valid = |id: &String| self.chats.iter().any(|c| &c.detail.id == id);
        if !self.open.as_ref().is_some_and(valid) {
            self.open = self.chats.first().map(|c| c.detail.id.clone());
        }
    }

    /// Every waiting conversation of every site, the site's first in line first.
    pub fn queue(&self) -> Vec<QueueEntry> {
        self.queues.values().flatten().cloned().collect()
    }

    fn queue_has(&self, id: &str) -> bool {
        self.queues.values().flatten().any(|e| e.id == id)
    }

    pub fn waiting(&self) -> usize {
        self.queues.values().map(Vec::len).sum()
    }

    pub fn offers(&self) -> &[Offer] {
        &self.offers
    }

    pub fn chats(&self) -> &[Chat] {
        &self.chats
    }

    pub fn open_chat(&self) -> Option<&Chat> {
        let id = self.open.as_deref()?;
        self.chats.iter().find(|c| c.detail.id == id)
    }

    pub fn open_id(&self) -> Option<&str> {
        self.open.as_deref()
    }

    /// Shows a conversation: its messages count as read.
    pub fn select(&mut self, id: &str) {
        if let Some(chat) = self.chat_mut(id) {
            chat.unread = 0;
            self.open = Some(id.to_owned());
        }
    }

    pub fn unread(&self) -> u32 {
        self.chats.iter().map(|c| c.unread).sum()
    }

    /// The browser tab's title: what is waiting for the agent, so it shows in any tab.
    pub fn title(&self) -> String {
        // An offered conversation is usually still in its queue: count it once.
        let offered_elsewhere = self
            .offers
            .iter()
            .filter(|o| !self.queue_has(&o.conversation.id))
            .count();
        let (waiting, unread) = (self.waiting() + offered_elsewhere, self.unread());
        match (waiting, unread) {
            (0, 0) => "Tandem console".to_owned(),
            (w, 0) => format!("({w} waiting) Tandem console"),
            (0, u) => format!("({u} unread) Tandem console"),
            (w, u) => format!("({w} waiting, {u} unread) Tandem console"),
        }
    }

    /// The agent edits the reply they are writing on a conversation.
    pub fn write_reply(&mut self, conversation: &str, text: String) {
        if let Some(chat) = self.chat_mut(conversation) {
            chat.draft = text;
        }
    }

    /// The agent sent a message; it shows as "sending" until the server stores it, and the
    /// composer starts afresh.
    pub fn sending(&mut self, conversation: &str, client_id: String, text: String) {
        if let Some(chat) = self.chat_mut(conversation) {
            chat.draft.clear();
            chat.pending.push(Pending {
                client_id,
                text,
                failed: false,
            });
        }
    }

    /// A message could not be sent; it shows with a retry button.
    pub fn failed(&mut self, client_id: &str) {
        for chat in &mut self.chats {
            for pending in &mut chat.pending {
                if pending.client_id == client_id {
                    pending.failed = true;
                }
            }
        }
    }

    /// The agent chooses how a conversation will be closed.
    pub fn resolve_as(&mut self, conversation: &str, resolution: Resolution) {
        if let Some(chat) = self.chat_mut(conversation) {
            chat.resolution = resolution;
        }
    }

    /// The agent edits the note they are writing on a conversation.
    pub fn write_note(&mut self, conversation: &str, text: String) {
        if let Some(chat) = self.chat_mut(conversation) {
            chat.note.write(text);
        }
    }

    /// The agent adds the note they wrote: its client id (`fresh` unless it was sent before)
    /// and text to send, unless it is blank or already on its way.
    pub fn saving_note(&mut self, conversation: &str, fresh: String) -> Option<(String, String)> {
        self.chat_mut(conversation)?.note.send(fresh)
    }

    /// The server stored the agent's note: it shows once (the live connection may have
    /// brought it already) and the draft starts afresh.
    pub fn noted(&mut self, conversation: &str, note: Note) {
        if let Some(chat) = self.chat_mut(conversation) {
            add_once(&mut chat.detail.notes, note);
            chat.note = NoteDraft::default();
        }
    }

    /// The server refused the note: the agent reads why, and the text stays (with the lost
    /// notes, when the conversation has left the desk meanwhile).
    pub fn note_failed(&mut self, conversation: &str, problem: String, text: &str) {
        match self.chat_mut(conversation) {
            Some(chat) => chat.note.refused(problem),
            None => self.lost_notes.push(text.to_owned()),
        }
    }

    /// Notes whose conversation left the desk before they were added.
    pub fn lost_notes(&self) -> &[String] {
        &self.lost_notes
    }

    /// The agent has read the lost notes.
    pub fn dismiss_lost_notes(&mut self) {
        self.lost_notes.clear();
    }

    /// Whether something the agent wrote is not with the server (also while they sign in
    /// again): a note not added or lost, a reply being written, a reply that failed to send.
    pub fn unsaved(&self) -> bool {
        let kept = self.kept.iter().flat_map(|k| &k.chats);
        let kept_lost = self.kept.iter().any(|k| !k.lost_notes.is_empty());
        !self.lost_notes.is_empty() || kept_lost || self.chats.iter().chain(kept).any(Chat::unsent)
    }

    /// An agent signed in: what was kept for another one goes.
    pub fn signed_in(&mut self, profile: AgentProfile) {
        if self.kept.as_ref().is_some_and(|k| k.agent != profile.id) {
            self.kept = None;
        }
        self.inbox.retain(|site, _| profile.sites.contains(site));
        self.profile = Some(profile);
    }

    /// The agent's session ended elsewhere (expired, signed out in another tab): the desk
    /// empties, and keeps their conversations as they were for them to sign in again (a
    /// [`AgentServerFrame::Welcome`] for another agent drops them).
    pub fn session_lost(&mut self) {
        // What was on its way has no answer to wait for: it can be sent again (under the same
        // client ids, so nothing is stored twice).
        for chat in &mut self.chats {
            chat.note.saving = false;
            for pending in &mut chat.pending {
                pending.failed = true;
            }
        }
        let kept = match (self.profile.take(), self.kept.take()) {
            (Some(profile), _) => Some(Kept {
                agent: profile.id,
                chats: std::mem::take(&mut self.chats),
                open: self.open.take(),
                lost_notes: std::mem::take(&mut self.lost_notes),
            }),
            // Lost again before signing in: what was kept stays.
            (None, kept) => kept,
        };
        *self = Desk {
            kept,
            ..Desk::default()
        };
    }

    /// A site's offline inbox as the server has it now; handled ones are left out. Only for
    /// a site of the agent signed in now: an answer that comes after signing out, or after
    /// the agent stopped working for the site, is dropped.
    pub fn set_inbox(&mut self, site: String, inbox: OfflineInbox) {
        if !self
            .profile
            .as_ref()
            .is_some_and(|p| p.sites.contains(&site))
        {
            return;
        }
        let more = inbox.unhandled_not_shown();
        let mut messages = inbox.messages;
        messages.retain(|m| m.handled_at.is_none() && !self.marked.contains(&m.id));
        self.inbox.insert(site, (messages, more));
    }

    /// Every site's unhandled offline messages the server sent, the longest waiting first.
    pub fn inbox(&self) -> Vec<OfflineMessage> {
        let mut all: Vec<OfflineMessage> = self
            .inbox
            .values()
            .flat_map(|(messages, _)| messages)
            .cloned()
            .collect();
        all.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        all
    }

    /// How many unhandled messages wait beyond those sent: they come as these are handled.
    pub fn inbox_not_shown(&self) -> u64 {
        self.inbox.values().map(|(_, more)| more).sum()
    }

    /// An offline message was answered by email and marked handled (by this agent, or by a
    /// colleague first). Returns its site if that was the last one shown and more wait: the
    /// next page is to be asked for.
    pub fn handled(&mut self, id: &str) -> Option<String> {
        self.marked.insert(id.to_owned());
        let (site, (messages, more)) = self
            .inbox
            .iter_mut()
            .find(|(_, (messages, _))| messages.iter().any(|m| m.id == id))?;
        messages.retain(|m| m.id != id);
        (messages.is_empty() && *more > 0).then(|| site.clone())
    }

    /// The agent retries a failed message: the same client id, so it is stored once.
    pub fn retry(&mut self, client_id: &str) -> Option<(String, Pending)> {
        self.chats.iter_mut().find_map(|chat| {
            let pending = chat
                .pending
                .iter_mut()
                .find(|p| p.client_id == client_id && p.failed)?;
            pending.failed = false;
            Some((chat.detail.id.clone(), pending.clone()))
        })
    }
}

/// Whole seconds left before `expires_at` (Unix milliseconds), for an offer's countdown.
pub fn seconds_left(expires_at: i64, now_ms: i64) -> u64 {
    u64::try_from((expires_at - now_ms + 999) / 1000).unwrap_or(0)
}

/// "45 s", "3 min", "5 h" or "2 d": how long a shopper has been waiting (in the queue, or
/// for an answer to the message they left).
pub fn waited(since_ms: i64, now_ms: i64) -> String {
    let secs = ((now_ms - since_ms) / 1000).max(0);
    match secs {
        ..60 => format!("{secs} s"),
        60..7_200 => format!("{} min", secs / 60),
        // Messages left offline wait hours or days.
        7_200..172_800 => format!("{} h", secs / 3_600),
        _ => format!("{} d", secs / 86_400),
    }
}

#[cfg(test)]
mod tests;
