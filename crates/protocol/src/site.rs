//! The public description of a merchant's site (`GET /v1/sites/{site}`): everything the
//! loader and the widget need before the shopper's first word.

use serde::{Deserialize, Serialize};

/// Whether a person can answer right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    /// Inside business hours with at least one agent available: a handoff joins the queue.
    Online,
    /// Inside business hours, but no agent is available: leave a message instead.
    NoAgents,
    /// Outside the site's business hours: leave a message instead.
    AfterHours,
}

/// Which bottom corner of the page the launcher sits in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    #[default]
    Right,
    Left,
}

/// One day's opening hours, in the site's time zone: `["09:00", "17:00"]` ranges.
pub type DayHours = Vec<[String; 2]>;

/// When people answer, for showing to shoppers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hours {
    /// IANA time zone, e.g. `Europe/Berlin`.
    pub timezone: String,
    /// Monday first; an empty day is closed.
    pub days: [DayHours; 7],
}

/// What any visitor may learn about a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteInfo {
    /// The site's identifier, as in `data-site="acme"`.
    pub id: String,
    /// The merchant's display name, shown in the widget's header.
    pub name: String,
    /// Whether a handoff would reach a person now.
    pub availability: Availability,
    /// The brand colour (`#rrggbb`) for the launcher and the header.
    pub brand_color: String,
    /// The text colour to use on the brand colour (black or white, whichever contrasts more).
    pub brand_text: String,
    pub position: Position,
    /// The assistant's first words.
    pub greeting: String,
    /// Languages the widget is offered in (BCP 47 primary tags), the site's default first.
    pub languages: Vec<String>,
    /// Business hours, if the site has them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<Hours>,
    /// What shoppers who leave a message are promised ("We reply within one working day.").
    pub reply_promise: String,
    /// Where the compiled knowledge base is (content-hashed, cacheable for good); none while
    /// it is being compiled or when the site has no assistant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_url: Option<String>,
    /// The site has a knowledge base that is still being compiled (for a few seconds after
    /// the server starts): ask again shortly for its `model_url`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub assistant_pending: bool,
    /// The launcher's texts, `[open, close, unread]` (the last with `{n}` for the number of
    /// messages that came while the chat was closed), in the language the request's
    /// `Accept-Language` picks among the site's: `embed.js` names its button with them (the
    /// widget has its own texts and ignores them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launcher: Option<[String; 3]>,
}
