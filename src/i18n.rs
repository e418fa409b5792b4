//! What the widget says, in the shopper's language.
//!
//! The texts are in one JSON file per language (`i18n/en.json`, `de.json`, `sv.json`,
//! `fr.json`, `es.json`, `ar.json`), keyed by the names of [`T`]. English is compiled in (it
//! is also the fallback for anything missing); the others are fetched from the server only
//! when a shopper needs them, so each language costs nothing to the others. Arabic is written
//! right to left; the widget flips its layout for it.

use tandem_protocol::Notice;

use crate::wire::Json;

macro_rules! texts {
    ($($variant:ident = $key:literal,)*) => {
        /// Every text the widget shows.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum T { $($variant,)* }

        impl T {
            /// Every text, for checking the language files.
            pub const ALL: &'static [T] = &[$(T::$variant,)*];

            /// The text's key in the language files.
            pub fn key(self) -> &'static str {
                match self { $(T::$variant => $key,)* }
            }

            /// The text a language file's key names.
            pub fn from_key(key: &str) -> Option<T> {
                T::ALL.iter().copied().find(|t| t.key() == key)
            }
        }
    };
}

texts! {
    TalkToHuman = "talk_to_human",
    // The launcher's, drawn by `embed.js` with the texts the server reads from these files.
    OpenChat = "open_chat",
    CloseChat = "close_chat",
    UnreadChat = "unread_chat",
    MessageLabel = "message_label",
    MessagePlaceholder = "message_placeholder",
    Send = "send",
    ConversationLabel = "conversation_label",
    You = "you",
    Assistant = "assistant",
    AssistantNote = "assistant_note",
    DidThisHelp = "did_this_help",
    Yes = "yes",
    No = "no",
    ThanksForFeedback = "thanks_for_feedback",
    Clarify = "clarify",
    Unsure = "unsure",
    UnsureNoGuess = "unsure_no_guess",
    AssistantLoading = "assistant_loading",
    NoAssistant = "no_assistant",
    ConfirmTitle = "confirm_title",
    ConfirmBody = "confirm_body",
    ConfirmYes = "confirm_yes",
    ConfirmNo = "confirm_no",
    Connecting = "connecting",
    Position = "position",
    PositionNext = "position_next",
    WaitMinutes = "wait_minutes",
    WaitSoon = "wait_soon",
    WaitingHint = "waiting_hint",
    LeaveQueue = "leave_queue",
    MessageInstead = "message_instead",
    AgentJoined = "agent_joined",
    NoticeTookOver = "notice_took_over",
    NoticeClosed = "notice_closed",
    NoticeHandedBack = "notice_handed_back",
    NoticeBackInQueue = "notice_back_in_queue",
    NoticeDisconnected = "notice_disconnected",
    AgentTyping = "agent_typing",
    Sending = "sending",
    Sent = "sent",
    Failed = "failed",
    Retry = "retry",
    OfflineBanner = "offline_banner",
    Reconnecting = "reconnecting",
    Closed = "closed",
    RatePrompt = "rate_prompt",
    RateStar = "rate_star",
    RateComment = "rate_comment",
    RateSubmit = "rate_submit",
    RateThanks = "rate_thanks",
    NewChat = "new_chat",
    OfflineTitle = "offline_title",
    OfflineAfterHours = "offline_after_hours",
    OfflineNoAgents = "offline_no_agents",
    Hours = "hours",
    EmailLabel = "email_label",
    NameLabel = "name_label",
    OfflineMessageLabel = "offline_message_label",
    OfflineSubmit = "offline_submit",
    OfflineSent = "offline_sent",
    BackToAssistant = "back_to_assistant",
    EmptyMessage = "empty_message",
    TooLong = "too_long",
    InvalidEmail = "invalid_email",
    ErrorGeneric = "error_generic",
    CheckConnection = "check_connection",
    TooMany = "too_many",
    OpensInNewTab = "opens_in_new_tab",
    Days = "days",
    ClosedToday = "closed_today",
}

/// The English texts, compiled in.
pub const ENGLISH_JSON: &str = include_str!("../i18n/en.json");

/// The texts of one language, with English behind them: one per [`T`], in its order (a
/// list, not a map: the widget looks texts up by their number).
#[derive(Debug, Clone, PartialEq)]
pub struct Strings {
    language: String,
    texts: Vec<String>,
}

/// A language file that is not a JSON object of strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLanguageFile(pub String);

/// A language file's members, in its order.
fn parse(json: &str) -> Result<Vec<(String, String)>, BadLanguageFile> {
    let Some(Json::Obj(members)) = Json::parse(json) else {
        return Err(BadLanguageFile(
            "a language file is a JSON object".to_owned(),
        ));
    };
    members
        .into_iter()
        .map(|(key, value)| match value {
            Json::Str(text) => Ok((key, text)),
            _ => Err(BadLanguageFile(format!("\"{key}\" is not a string"))),
        })
        .collect()
}

impl Strings {
    /// Overwrites the texts a language file has (keys the widget does not know are left).
    fn read(&mut self, json: &str) -> Result<(), BadLanguageFile> {
        for (key, text) in parse(json)? {
            if let Some(t) = T::from_key(&key) {
                self.texts[t as usize] = text;
            }
        }
        Ok(())
    }

    /// English.
    pub fn english() -> Strings {
        let mut english = Strings {
            language: "en".to_owned(),
            texts: T::ALL.iter().map(|t| t.key().to_owned()).collect(),
        };
        // The English file is checked by this module's tests.
        let _ = english.read(ENGLISH_JSON);
        english
    }

    /// Another language, from its file's text.
    pub fn from_json(language: &str, json: &str) -> Result<Strings, BadLanguageFile> {
        let mut strings = Strings::english();
        strings.read(json)?;
        strings.language = language.to_owned();
        Ok(strings)
    }

    /// The language's primary tag, e.g. `de`.
    pub fn language(&self) -> &str {
        &self.language
    }

    /// `rtl` for right-to-left languages, else `ltr`.
    pub fn dir(&self) -> &'static str {
        if self.language == "ar" { "rtl" } else { "ltr" }
    }

    /// The text, in this language if it has it, else in English.
    pub fn get(&self, text: T) -> &str {
        &self.texts[text as usize]
    }

    /// The text of a language file key, as the widget's markup names them (`data-t`).
    pub fn by_key(&self, key: &str) -> Option<&str> {
        T::from_key(key).map(|t| self.get(t))
    }

    /// The text with `{name}` placeholders filled in.
    pub fn fill(&self, text: T, values: &[(&str, &str)]) -> String {
        values
            .iter()
            .fold(self.get(text).to_owned(), |out, (name, value)| {
                out.replace(&format!("{{{name}}}"), value)
            })
    }

    /// Tandem's line about who has the conversation, in this language.
    pub fn notice(&self, notice: &Notice) -> String {
        let (text, name) = match notice {
            Notice::Joined { name } => (T::AgentJoined, name.as_str()),
            Notice::TookOver { name } => (T::NoticeTookOver, name.as_str()),
            Notice::Closed { name } => (T::NoticeClosed, name.as_str()),
            Notice::HandedBack { name } => (T::NoticeHandedBack, name.as_str()),
            Notice::BackInQueue => (T::NoticeBackInQueue, ""),
            Notice::Disconnected { name } => (T::NoticeDisconnected, name.as_str()),
        };
        self.fill(text, &[("name", name)])
    }
}

#[cfg(test)]
mod tests {
    use tandem_protocol::language::FILES;

    use super::*;

    fn placeholders(text: &str) -> Vec<&str> {
        let mut found: Vec<&str> = text
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        found.sort_unstable();
        found
    }

    #[test]
    fn every_language_file_has_every_text_and_nothing_else() {
        let english = Strings::english();
        for (language, json) in FILES {
            let texts: std::collections::HashMap<String, String> = parse(json)
                .unwrap_or_else(|e| panic!("{language}.json: {e:?}"))
                .into_iter()
                .collect();
            for text in T::ALL {
                let translated = texts
                    .get(text.key())
                    .unwrap_or_else(|| panic!("{language}.json lacks {}", text.key()));
                assert!(
                    !translated.trim().is_empty(),
                    "{language}.json: {} is empty",
                    text.key()
                );
                assert_eq!(
                    placeholders(translated),
                    placeholders(english.get(*text)),
                    "{language}.json: {} has other placeholders than English",
                    text.key()
                );
            }
            assert_eq!(
                texts.len(),
                T::ALL.len(),
                "{language}.json has texts the widget never shows"
            );
            assert_eq!(
                texts["days"].split(',').count(),
                7,
                "{language}: seven day names"
            );
        }
    }

    #[test]
    fn tandems_own_lines_are_said_in_the_shoppers_language() {
        let english = Strings::english();
        for notice in tandem_protocol::fixture::notices("Anna") {
            // Word for word what the server stores for agents and transcripts.
            assert_eq!(english.notice(&notice), notice.english());
            for (language, json) in &FILES[1..] {
                let said = Strings::from_json(language, json).unwrap().notice(&notice);
                assert_ne!(said, notice.english(), "{language}: {notice:?}");
                assert_eq!(said.contains("Anna"), notice != Notice::BackInQueue);
            }
        }
        let german = Strings::from_json("de", FILES[1].1).unwrap();
        let joined = Notice::Joined {
            name: "Anna".into(),
        };
        assert_eq!(
            german.notice(&joined),
            "Anna ist der Unterhaltung beigetreten."
        );
    }

    #[test]
    fn placeholders_are_filled_and_missing_texts_fall_back_to_english() {
        let german = Strings::from_json("de", r#"{"position": "Sie sind Nummer {n}."}"#).unwrap();
        assert_eq!(
            german.fill(T::Position, &[("n", "2")]),
            "Sie sind Nummer 2."
        );
        assert_eq!(german.get(T::TalkToHuman), "Talk to a human");
        assert_eq!(german.dir(), "ltr");
        assert_eq!(Strings::from_json("ar", "{}").unwrap().dir(), "rtl");
        assert!(Strings::from_json("de", "[1, 2]").is_err());
    }
}
