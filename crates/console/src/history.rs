//! The history page's list as a plain value: which site and filter it shows, the closed
//! conversations fetched so far (a page at a time, newest first), whether there are older
//! ones, the one opened to read, and the wrap-up notes being written on those opened. Native
//! tests cover how pages add up and how notes are kept.

use std::collections::BTreeMap;

use tandem_protocol::{
    agent::{ClosedConversation, ConversationDetail, HISTORY_PAGE, Note},
    conversation::ConversationState,
};

use crate::note_draft::{NoteDraft, add_once};

/// What the history shows: a site, all or only the poorly rated ones, and those that mention
/// a text (all when empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub site: String,
    pub low: bool,
    pub text: String,
}

impl Filter {
    /// Where the same conversations download as a CSV file.
    pub fn export_url(&self) -> String {
        let mut url = format!("/v1/agent/history.csv?site={}", encode(&self.site));
        if self.low {
            url.push_str("&low=true");
        }
        if !self.text.is_empty() {
            url.push_str("&q=");
            url.push_str(&encode(&self.text));
        }
        url
    }
}

/// Percent-encodes all but the characters a URL never needs encoded.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A page to fetch: the one after the conversation `before` names (closing time and id), or
/// with `None` the newest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub filter: Filter,
    pub before: Option<(i64, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct History {
    filter: Filter,
    pub conversations: Vec<ClosedConversation>,
    /// The last page was full: older conversations may follow.
    pub more: bool,
    /// The conversation opened to read.
    pub open: Option<ConversationDetail>,
    /// Wrap-up notes being written, by conversation: opening another keeps each one's.
    notes: BTreeMap<String, NoteDraft>,
    /// Whose the notes are.
    agent: Option<String>,
}

impl History {
    /// Shows another site or filter: the list starts again from the newest (a conversation
    /// opened to read stays open: it may have been opened from the desk).
    pub fn show(&mut self, filter: Filter) -> PageRequest {
        *self = History {
            filter: filter.clone(),
            open: self.open.take(),
            notes: std::mem::take(&mut self.notes),
            agent: self.agent.take(),
            ..History::default()
        };
        PageRequest {
            filter,
            before: None,
        }
    }

    /// Someone signed in: what was shown and written is kept for the agent who was here
    /// (back after a lost session) and dropped for anyone else signing in at that browser.
    pub fn signed_in(&mut self, agent: &str) {
        if self.agent.as_deref() != Some(agent) {
            *self = History {
                agent: Some(agent.to_owned()),
                ..History::default()
            };
        }
    }

    /// The conversation opened, if it can take a wrap-up note: only a closed one does (an
    /// open one's notes are written on the desk, by whoever has it).
    fn wrapping_up(&self) -> Option<&str> {
        let open = self.open.as_ref()?;
        (open.state == ConversationState::Closed).then_some(open.id.as_str())
    }

    /// The wrap-up note being written on the conversation opened, if it can have one.
    pub fn note(&self) -> Option<NoteDraft> {
        let id = self.wrapping_up()?;
        Some(self.notes.get(id).cloned().unwrap_or_default())
    }

    /// The agent edits the wrap-up note on the conversation opened, if it can have one.
    pub fn write_note(&mut self, text: String) {
        if let Some(id) = self.wrapping_up().map(str::to_owned) {
            self.notes.entry(id).or_default().write(text);
        }
    }

    /// The agent adds the wrap-up note on the conversation opened: the conversation, the
    /// note's client id (`fresh` unless it was sent before) and its text, unless it is blank,
    /// already on its way, or the conversation is not closed.
    pub fn saving_note(&mut self, fresh: String) -> Option<(String, String, String)> {
        let id = self.wrapping_up()?.to_owned();
        let (client_id, text) = self.notes.entry(id.clone()).or_default().send(fresh)?;
        Some((id, client_id, text))
    }

    /// The server stored a wrap-up note: it shows with the conversation if that is still the
    /// one opened, and its draft starts afresh.
    pub fn noted(&mut self, conversation: &str, note: Note) {
        self.notes.remove(conversation);
        if let Some(open) = self.open.as_mut().filter(|c| c.id == conversation) {
            add_once(&mut open.notes, note);
        }
    }

    /// The server refused a wrap-up note: the agent reads why, and the text stays.
    pub fn note_failed(&mut self, conversation: &str, problem: String) {
        if let Some(draft) = self.notes.get_mut(conversation) {
            draft.refused(problem);
        }
    }

    /// Whether a wrap-up note is written on some conversation and not added yet.
    pub fn unsaved_notes(&self) -> bool {
        self.notes.values().any(NoteDraft::is_written)
    }

    /// The page after the last one shown, if there may be one.
    pub fn older(&self) -> Option<PageRequest> {
        let last = self.conversations.last()?;
        self.more.then(|| PageRequest {
            filter: self.filter.clone(),
            before: Some((last.closed_at, last.id.clone())),
        })
    }

    /// A page arrived. One that no longer follows what is shown is dropped: asked for before
    /// the site or filter changed (a slow answer never mixes another site's conversations
    /// in), or an older page asked for twice (a double click adds it once).
    pub fn arrived(&mut self, request: &PageRequest, page: Vec<ClosedConversation>) {
        if request.filter != self.filter {
            return;
        }
        let full = page.len() == HISTORY_PAGE;
        match &request.before {
            None => self.conversations = page,
            Some(after) => {
                let last = self
                    .conversations
                    .last()
                    .map(|c| (c.closed_at, c.id.clone()));
                if last.as_ref() != Some(after) {
                    return;
                }
                self.conversations.extend(page);
            }
        }
        self.more = full;
    }
}

#[cfg(test)]
mod tests {
    use tandem_protocol::{conversation::HandoffReason, fixture};

    use super::*;

    fn closed(id: usize) -> ClosedConversation {
        ClosedConversation {
            id: format!("c{id}"),
            reason: HandoffReason::Asked,
            // Newest first: higher ids closed earlier.
            closed_at: 1_000_000 - id as i64,
            agent_name: None,
            resolution: None,
            rating: None,
            rating_comment: None,
            preview: None,
        }
    }

    fn acme(low: bool) -> Filter {
        Filter {
            site: "acme".into(),
            low,
            text: String::new(),
        }
    }

    #[test]
    fn the_export_keeps_the_filter_and_encodes_the_search() {
        assert_eq!(acme(false).export_url(), "/v1/agent/history.csv?site=acme");
        let searched = Filter {
            text: "A-1001 & 50% off ö".into(),
            ..acme(true)
        };
        assert_eq!(
            searched.export_url(),
            "/v1/agent/history.csv?site=acme&low=true&q=A-1001%20%26%2050%25%20off%20%C3%B6"
        );
    }

    #[test]
    fn pages_add_up_until_one_is_not_full() {
        let mut history = History::default();
        let first = history.show(acme(false));
        assert_eq!(first.before, None);
        history.arrived(&first, (0..HISTORY_PAGE).map(closed).collect());
        let second = history.older().expect("a full page: maybe more");
        let last = closed(HISTORY_PAGE - 1);
        assert_eq!(second.before, Some((last.closed_at, last.id)));
        history.arrived(&second, vec![closed(HISTORY_PAGE)]);
        assert_eq!(history.conversations.len(), HISTORY_PAGE + 1);
        assert_eq!(history.older(), None, "the last page was not full");
        // The same older page again (a double click): added once.
        history.arrived(&second, vec![closed(HISTORY_PAGE)]);
        assert_eq!(history.conversations.len(), HISTORY_PAGE + 1);
    }

    #[test]
    fn a_page_for_another_filter_is_dropped_and_a_new_filter_starts_over() {
        let mut history = History::default();
        let all = history.show(acme(false));
        let low = history.show(acme(true));
        history.arrived(&all, vec![closed(1), closed(2)]);
        assert!(history.conversations.is_empty(), "came too late");
        history.arrived(&low, vec![closed(3)]);
        assert_eq!(history.conversations, [closed(3)]);
        assert_eq!(history.older(), None);
        history.show(acme(false));
        assert!(history.conversations.is_empty());
    }

    fn past(id: &str) -> ConversationDetail {
        ConversationDetail {
            state: ConversationState::Closed,
            closed_at: Some(9_000),
            ..fixture::conversation(id)
        }
    }

    fn stored(id: &str, text: &str) -> Note {
        Note {
            id: id.into(),
            agent_name: "Ada".into(),
            text: text.into(),
            at: 9_500,
        }
    }

    #[test]
    fn a_wrap_up_note_is_kept_per_conversation_sent_once_and_kept_when_refused() {
        let mut history = History::default();
        history.signed_in("a1");
        assert_eq!(history.note(), None, "nothing opened");
        history.open = Some(fixture::conversation("c0"));
        assert_eq!(history.note(), None, "still open: its notes are the desk's");
        history.write_note("On the desk".into());
        assert_eq!(history.saving_note("k0".into()), None);

        history.open = Some(past("c1"));
        assert_eq!(history.note(), Some(NoteDraft::default()));
        history.write_note(" Refund went through ".into());
        assert!(history.unsaved_notes());
        let sent = Some((
            "c1".to_owned(),
            "k1".to_owned(),
            "Refund went through".to_owned(),
        ));
        assert_eq!(history.saving_note("k1".into()), sent);
        assert_eq!(history.saving_note("k2".into()), None, "already on its way");
        history.note_failed("c1", "The server cannot be reached.".into());
        let draft = history.note().unwrap();
        assert_eq!(
            draft.problem.as_deref(),
            Some("The server cannot be reached.")
        );
        assert_eq!(draft.text, " Refund went through ", "kept to send again");

        // Another one opened, and a search: the first one's note waits for the agent.
        history.open = Some(past("c2"));
        assert_eq!(history.note(), Some(NoteDraft::default()));
        history.show(Filter::default());
        history.open = Some(past("c1"));
        assert_eq!(history.note().unwrap().text, " Refund went through ");
        assert_eq!(
            history.saving_note("k3".into()),
            sent,
            "the same name again"
        );

        // Stored while another is opened: the draft goes, and the note shows once with its
        // conversation.
        history.open = Some(past("c2"));
        history.noted("c1", stored("n1", "Refund went through"));
        assert!(!history.unsaved_notes());
        history.open = Some(past("c1"));
        history.noted("c1", stored("n1", "Refund went through"));
        history.noted("c1", stored("n1", "Refund went through"));
        assert_eq!(
            history.open.as_ref().unwrap().notes,
            [stored("n1", "Refund went through")]
        );
        assert_eq!(history.note(), Some(NoteDraft::default()));
    }

    #[test]
    fn wrap_up_notes_are_kept_for_the_agent_who_wrote_them_and_no_one_else() {
        let mut history = History::default();
        history.signed_in("a1");
        history.open = Some(past("c1"));
        history.write_note("Called back".into());
        history.signed_in("a1");
        assert!(history.unsaved_notes(), "back after a lost session: kept");
        history.signed_in("b2");
        assert!(!history.unsaved_notes(), "someone else signs in: dropped");
        assert_eq!(history.open, None, "and so is what was read");
    }
}
