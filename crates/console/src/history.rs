//! The history page's list as a plain value: which site and filter it shows, the closed
//! conversations fetched so far (a page at a time, newest first), whether there are older
//! ones, and the one opened to read. Native tests cover how pages add up.

use tandem_protocol::agent::{ClosedConversation, ConversationDetail, HISTORY_PAGE};

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
}

impl History {
    /// Shows another site or filter: the list starts again from the newest (a conversation
    /// opened to read stays open: it may have been opened from the desk).
    pub fn show(&mut self, filter: Filter) -> PageRequest {
        *self = History {
            filter: filter.clone(),
            open: self.open.take(),
            ..History::default()
        };
        PageRequest {
            filter,
            before: None,
        }
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
    use tandem_protocol::conversation::HandoffReason;

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
}
