//! Keeping the chat (and the composer's unsent words) across reloads and checkout pages: the
//! chat is saved in the widget's own origin's `localStorage` (never the merchant's page),
//! and only from the moment the shopper opens the chat: the widget does not exist before. A
//! stored chat that cannot be read (an older format, a damaged value) is dropped, not fatal.

use tandem_assistant::mask_card_numbers;

use crate::chat::Chat;

fn key(site: &str) -> String {
    format!("tandem:{site}")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The chat saved for this site, if any.
pub fn load(site: &str) -> Option<Chat> {
    Chat::from_json(&storage()?.get_item(&key(site)).ok()??)
}

/// Saves the chat (storage that is full or disabled is ignored: the chat goes on).
pub fn save(site: &str, chat: &Chat) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(&key(site), &chat.to_json());
    }
}

/// Where the composer's words are kept: one place for every site of this server (browsers'
/// storage partitioned by the shop's own site keeps shops apart; one key per site cost the
/// widget 140 B it does not have).
const DRAFT: &str = "tandem-draft";

/// What was typed in the composer and not sent yet.
pub fn draft() -> String {
    storage()
        .and_then(|s| s.get_item(DRAFT).ok().flatten())
        .unwrap_or_default()
}

/// Keeps what is typed in the composer (card numbers masked, as in every line kept): the
/// shop's next page (or a reload) loads the widget again, and the words are not lost.
pub fn keep_draft(text: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(DRAFT, &mask_card_numbers(text));
    }
}

/// Forgets the chat (a new conversation). The composer's words stay, as they stay on
/// screen: typed for the next question.
pub fn clear(site: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&key(site));
    }
}
