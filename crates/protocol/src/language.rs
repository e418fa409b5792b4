//! The languages Tandem speaks to shoppers, and which one a shopper gets: the widget picks it
//! from the browser's preferences, the server from the same preferences in `Accept-Language`
//! (for the launcher's labels, see `SiteInfo::launcher`), so both pick alike.

/// The languages the widget has texts for (BCP 47 primary tags).
pub const LANGUAGES: [&str; 6] = ["en", "de", "sv", "fr", "es", "ar"];

/// Each language's texts, as the widget's language files (`i18n/*.json`) hold them, in the
/// order of [`LANGUAGES`]: for the server's launcher labels and the checks on the files (a
/// constant, so nothing of it reaches a build that does not read it).
pub const FILES: [(&str, &str); 6] = [
    ("en", include_str!("../../../i18n/en.json")),
    ("de", include_str!("../../../i18n/de.json")),
    ("sv", include_str!("../../../i18n/sv.json")),
    ("fr", include_str!("../../../i18n/fr.json")),
    ("es", include_str!("../../../i18n/es.json")),
    ("ar", include_str!("../../../i18n/ar.json")),
];

/// The language to speak: the first of the shopper's preferred languages the site offers,
/// else the site's default (its first).
pub fn pick_language(preferred: &[String], offered: &[String]) -> String {
    let primary = |tag: &str| {
        tag.split(['-', '_'])
            .next()
            .unwrap_or(tag)
            .to_ascii_lowercase()
    };
    preferred
        .iter()
        .map(|tag| primary(tag))
        .find(|tag| offered.contains(tag) && LANGUAGES.contains(&tag.as_str()))
        .or_else(|| offered.first().cloned())
        .unwrap_or_else(|| "en".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shoppers_language_wins_when_the_site_offers_it() {
        let offered: Vec<String> = ["en", "de", "ar"].map(String::from).to_vec();
        let pick = |preferred: &[&str]| {
            pick_language(
                &preferred.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                &offered,
            )
        };
        assert_eq!(pick(&["de-AT", "en"]), "de");
        assert_eq!(pick(&["fr-FR", "ar-EG"]), "ar");
        assert_eq!(pick(&["fr-FR"]), "en", "the site's default");
        assert_eq!(pick_language(&[], &["sv".to_owned()]), "sv");
    }
}
