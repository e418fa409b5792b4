//! The launcher's texts ("Open chat", "Close chat", "New messages in the chat: {n}") in the
//! shopper's language, for `embed.js`: it has no room for texts of its own (it stays under
//! 2 KB), so it takes them from the site's description, which the server words for the
//! request's `Accept-Language`. The texts are the widget's language files' (`open_chat`,
//! `close_chat`, `unread_chat`), so each is translated once.

use std::{collections::HashMap, sync::LazyLock};

use axum::http::{HeaderMap, header};
use tandem_protocol::language::{FILES, pick_language};

static LABELS: LazyLock<HashMap<&'static str, [String; 3]>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|(language, json)| {
            let texts: HashMap<String, String> =
                serde_json::from_str(json).expect("the widget's language files are JSON objects");
            let text = |key: &str| texts.get(key).cloned().unwrap_or_default();
            let texts = [text("open_chat"), text("close_chat"), text("unread_chat")];
            (*language, texts)
        })
        .collect()
});

/// `[open, close, unread]` in the language `Accept-Language` prefers among the site's
/// `languages`.
pub fn labels(request: &HeaderMap, languages: &[String]) -> [String; 3] {
    let language = pick_language(&preferred(request), languages);
    LABELS
        .get(language.as_str())
        .or_else(|| LABELS.get("en"))
        .cloned()
        .unwrap_or_default()
}

/// The languages of `Accept-Language`, most preferred first (`de-DE,de;q=0.9,en;q=0.8`).
fn preferred(request: &HeaderMap) -> Vec<String> {
    let Some(header) = request
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return Vec::new();
    };
    let mut ranked: Vec<(f32, String)> = header
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';').map(str::trim);
            let tag = parts.next().filter(|t| !t.is_empty() && *t != "*")?;
            let quality = parts
                .find_map(|p| p.strip_prefix("q="))
                .map_or(Some(1.0), |q| q.parse::<f32>().ok())?;
            (quality > 0.0).then(|| (quality, tag.to_owned()))
        })
        .collect();
    // Stable: equal qualities keep the header's order.
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranked.into_iter().map(|(_, tag)| tag).collect()
}

#[cfg(test)]
mod tests {
    use tandem_protocol::language::LANGUAGES;

    use super::*;

    fn asking(header: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_LANGUAGE, header.parse().unwrap());
        headers
    }

    #[test]
    fn every_language_has_every_label() {
        assert_eq!(FILES.map(|(l, _)| l), LANGUAGES);
        for language in LANGUAGES {
            let [open, close, unread] = &LABELS[language];
            assert!(!open.is_empty() && !close.is_empty(), "{language}");
            assert_ne!(open, close, "{language}");
            assert!(unread.contains("{n}"), "{language}: {unread}");
        }
    }

    #[test]
    fn the_preferred_language_the_site_offers_wins() {
        let site = ["en", "de"].map(String::from);
        assert_eq!(
            labels(&asking("de-DE,de;q=0.9,en;q=0.8"), &site),
            [
                "Chat öffnen",
                "Chat schließen",
                "Neue Nachrichten im Chat: {n}"
            ]
        );
        assert_eq!(
            labels(&asking("en;q=0.5, de;q=0.7"), &site)[0],
            "Chat öffnen"
        );
        assert_eq!(
            labels(&asking("fr-FR"), &site)[0],
            "Open chat",
            "the site's default"
        );
        assert_eq!(labels(&HeaderMap::new(), &site)[0], "Open chat");
        assert_eq!(labels(&asking("de;q=0, sv"), &site)[0], "Open chat");
    }
}
