//! Every text the console shows, from one JSON file per language (`i18n/en.json`, the same
//! approach as the widget's). A `{n}`-style placeholder is filled by [`t_with`], several by
//! [`t_args`].

use std::collections::HashMap;

thread_local! {
    static TEXTS: HashMap<String, String> =
        serde_json::from_str(include_str!("../i18n/en.json")).expect("i18n/en.json is a JSON object of strings");
}

/// The text for `key`; the key itself if the file lacks it (a test keeps that from happening).
pub fn t(key: &str) -> String {
    TEXTS.with(|texts| texts.get(key).cloned().unwrap_or_else(|| key.to_owned()))
}

/// The text for `key` with `{name}` replaced by `value`.
pub fn t_with(key: &str, name: &str, value: &str) -> String {
    t_args(key, &[(name, value)])
}

/// The text for `key` with each `{name}` replaced by its value.
pub fn t_args(key: &str, args: &[(&str, &str)]) -> String {
    args.iter().fold(t(key), |text, (name, value)| {
        text.replace(&format!("{{{name}}}"), value)
    })
}

#[cfg(test)]
mod tests {
    use std::{collections::HashMap, path::Path};

    /// Every `t("key")`, `t_with("key"` and `t_args("key"` in the sources, by reading them.
    fn used_keys() -> Vec<String> {
        let mut keys = Vec::new();
        let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                // This file names keys in its own tests, some missing on purpose.
                if path.ends_with("i18n.rs") {
                    continue;
                }
                let source = std::fs::read_to_string(&path).unwrap();
                for marker in ["t(\"", "t_with(\"", "t_args(\""] {
                    for (at, _) in source.match_indices(marker) {
                        // A call of `t`, not of `select(` or `expect(`.
                        let before = source[..at].chars().next_back();
                        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                            continue;
                        }
                        let rest = &source[at + marker.len()..];
                        if let Some((key, _)) = rest.split_once('"') {
                            keys.push(key.to_owned());
                        }
                    }
                }
            }
        }
        keys
    }

    #[test]
    fn every_text_the_console_shows_is_in_the_english_file() {
        let texts: HashMap<String, String> =
            serde_json::from_str(include_str!("../i18n/en.json")).unwrap();
        let keys = used_keys();
        assert!(keys.len() > 30, "found the keys in the sources");
        let missing: Vec<&String> = keys.iter().filter(|k| !texts.contains_key(*k)).collect();
        assert!(missing.is_empty(), "missing from i18n/en.json: {missing:?}");
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(super::t_with("offer_expires", "n", "12"), "12 s left");
        assert_eq!(
            super::t_args("rating_average", &[("n", "4.5"), ("count", "2")]),
            "4.5 / 5 (2 rated)"
        );
        assert_eq!(super::t("no_such_key"), "no_such_key");
    }
}
