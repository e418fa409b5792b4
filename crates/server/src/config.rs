//! The server's configuration: where to listen, which database, and the merchants' sites.
//!
//! Read from a TOML file (`tandem serve --config tandem.toml`), or the embedded default in
//! `demo/tandem.toml` that runs the demo shop. Command-line flags override single fields.
//! Everything is validated once, at start, so a typo stops the server with a precise message
//! instead of surfacing as a confusing 403 in a shopper's browser later.

use std::{collections::BTreeSet, net::SocketAddr, path::PathBuf};

use serde::Deserialize;

use tandem_protocol::{Position, language::LANGUAGES};

use crate::{hours::BusinessHours, origin::AllowedOrigin, theme::Color};

/// The embedded default configuration (the demo shop).
pub const DEFAULT_CONFIG: &str = include_str!("../demo/tandem.toml");

/// A configuration that cannot be used, with the reason.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0}")]
    Syntax(#[from] toml::de::Error),
    #[error("site id {0:?} must be 1 to 64 characters of a-z, 0-9 and '-'")]
    SiteId(String),
    #[error("site {0:?} is configured twice")]
    DuplicateSite(String),
    #[error("site {site:?}: allowed origin {origin:?} is not \"self\" or scheme://host[:port]")]
    Origin { site: String, origin: String },
    #[error("no sites are configured: add at least one [[sites]] table")]
    NoSites,
    #[error("{0} must be at least 1")]
    Zero(&'static str),
    #[error("site {site:?}: brand_color {color:?} is not #rrggbb")]
    BrandColor { site: String, color: String },
    #[error("site {0:?}: languages must list at least one language")]
    NoLanguages(String),
    #[error("site {site:?}: language {language:?} is not one of {}", LANGUAGES.join(", "))]
    Language { site: String, language: String },
    #[error(
        "site {0:?}: identity_secret must be at least {MIN_SECRET_BYTES} bytes (a random secret, \
         such as the output of `openssl rand -hex 32`): anyone could sign a weak one's identities"
    )]
    WeakSecret(String),
    #[error(
        "site {0:?}: allowed_origins lists no origin, so no page could show its widget (add \
         \"self\" and the shop's https://host)"
    )]
    NoOrigins(String),
    #[error("{0} is at most {MAX_SECS} (a week)")]
    TooLong(&'static str),
    #[error(
        "queue_abandon_secs must be over three presence heartbeats ({0} ms with this \
         agent_grace_secs): shoppers still connected would leave the queue"
    )]
    AbandonTooSoon(u128),
}

/// The longest a timeout or grace period may be: a week.
pub const MAX_SECS: u64 = 7 * 24 * 3600;

/// The shortest identity secret accepted.
pub const MIN_SECRET_BYTES: usize = 32;

/// The whole server configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub listen: SocketAddr,
    pub database_url: String,
    pub widget_dir: PathBuf,
    /// The agent console's release build (`trunk build --release` in `crates/console`).
    #[serde(default = "default_console_dir")]
    pub console_dir: PathBuf,
    /// Seconds an agent has to accept an offer before it moves on.
    #[serde(default = "default_offer_timeout")]
    pub offer_timeout_secs: u64,
    /// Seconds an agent may be disconnected before their conversations return to the queue
    /// and they are marked offline.
    #[serde(default = "default_agent_grace")]
    pub agent_grace_secs: u64,
    /// Seconds a waiting shopper's widget may be gone (the tab closed, the shop left) before
    /// their conversation leaves the queue, so agents are not offered shoppers long gone.
    #[serde(default = "default_queue_abandon")]
    pub queue_abandon_secs: u64,
    /// Take the client's address from `X-Forwarded-For`, its last entry (only behind one
    /// proxy that appends to it).
    #[serde(default)]
    pub trust_forwarded_for: bool,
    /// The bearer token a scraper outside this machine reads `/metrics` with; on this
    /// machine (loopback) no token is needed. The metrics name every site and its queue.
    #[serde(default)]
    pub metrics_token: Option<String>,
    #[serde(default)]
    pub limits: Limits,
    pub sites: Vec<SiteConfig>,
}

/// Rate limits, each a sustained rate with an equal burst.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// New conversations per minute from one client address.
    pub conversations_per_minute: u32,
    /// Messages per minute in one conversation from each writer (the shopper, each agent);
    /// and as many changes of the shop's context, notes of each agent, "typing" signals of
    /// each side, and reads of it by the shopper over HTTP (status, messages).
    pub messages_per_minute: u32,
    /// Offline messages per hour from one client address.
    pub offline_messages_per_hour: u32,
    /// Sign-in attempts per minute from one client address.
    pub logins_per_minute: u32,
    /// Batches of assistant events per minute from one client address.
    pub events_per_minute: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            conversations_per_minute: 10,
            messages_per_minute: 60,
            offline_messages_per_hour: 10,
            logins_per_minute: 10,
            events_per_minute: 60,
        }
    }
}

fn default_console_dir() -> PathBuf {
    PathBuf::from("crates/console/dist")
}

fn default_offer_timeout() -> u64 {
    30
}

fn default_agent_grace() -> u64 {
    60
}

fn default_queue_abandon() -> u64 {
    30 * 60
}

/// One merchant's site, as configured.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub allowed_origins: Vec<AllowedOrigin>,
    /// The key the merchant signs shoppers' ids with (HMAC-SHA256), to prove who they are.
    #[serde(default)]
    pub identity_secret: Option<String>,
    /// When people answer; without it, always.
    #[serde(default)]
    pub hours: Option<BusinessHours>,
    /// The knowledge base the assistant answers from: a TOML file's path, or `"demo"` for the
    /// built-in demo shop's. Without it, the widget has no assistant and offers people only.
    #[serde(default)]
    pub knowledge_base: Option<String>,
    /// The brand colour (`#rrggbb`) of the launcher and the widget's header.
    #[serde(default = "default_brand_color")]
    pub brand_color: String,
    /// The bottom corner the launcher sits in: "right" or "left".
    #[serde(default)]
    pub position: Position,
    /// Languages the widget is offered in, the default first (en, de, sv, fr, es, ar).
    #[serde(default = "default_languages")]
    pub languages: Vec<String>,
    /// What shoppers who leave a message are promised.
    #[serde(default = "default_reply_promise")]
    pub reply_promise: String,
    /// Replies agents insert with one click and edit before sending.
    #[serde(default)]
    pub canned_replies: Vec<String>,
}

fn default_brand_color() -> String {
    "#1d4ed8".to_owned()
}

fn default_languages() -> Vec<String> {
    vec!["en".to_owned()]
}

fn default_reply_promise() -> String {
    "We reply by email within one working day.".to_owned()
}

impl Config {
    /// Parses and validates a configuration file's text.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text)?;
        config.validate()?;
        Ok(config)
    }

    /// The embedded default configuration.
    pub fn default_demo() -> Config {
        Config::parse(DEFAULT_CONFIG).expect("the embedded default configuration is valid")
    }

    /// The site with this id, if configured.
    pub fn site(&self, id: &str) -> Option<&SiteConfig> {
        self.sites.iter().find(|s| s.id == id)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if self.sites.is_empty() {
            return Err(ConfigError::NoSites);
        }
        let timeouts = [
            ("offer_timeout_secs", self.offer_timeout_secs),
            ("agent_grace_secs", self.agent_grace_secs),
            ("queue_abandon_secs", self.queue_abandon_secs),
        ];
        // A week at most: larger ones would overflow the deadlines counted in milliseconds.
        if let Some((name, _)) = timeouts.iter().find(|(_, value)| *value > MAX_SECS) {
            return Err(ConfigError::TooLong(name));
        }
        let heartbeats = 3 * crate::presence::heartbeat(self).as_millis();
        if u128::from(self.queue_abandon_secs) * 1000 <= heartbeats {
            return Err(ConfigError::AbandonTooSoon(heartbeats));
        }
        for (name, value) in timeouts.into_iter().chain([
            (
                "limits.conversations_per_minute",
                self.limits.conversations_per_minute.into(),
            ),
            (
                "limits.messages_per_minute",
                self.limits.messages_per_minute.into(),
            ),
            (
                "limits.offline_messages_per_hour",
                self.limits.offline_messages_per_hour.into(),
            ),
            (
                "limits.logins_per_minute",
                self.limits.logins_per_minute.into(),
            ),
            (
                "limits.events_per_minute",
                self.limits.events_per_minute.into(),
            ),
        ]) {
            if value == 0 {
                return Err(ConfigError::Zero(name));
            }
        }
        let mut seen = BTreeSet::new();
        for site in &self.sites {
            if !is_valid_site_id(&site.id) {
                return Err(ConfigError::SiteId(site.id.clone()));
            }
            if !seen.insert(site.id.as_str()) {
                return Err(ConfigError::DuplicateSite(site.id.clone()));
            }
            if Color::parse(&site.brand_color).is_none() {
                return Err(ConfigError::BrandColor {
                    site: site.id.clone(),
                    color: site.brand_color.clone(),
                });
            }
            if site.languages.is_empty() {
                return Err(ConfigError::NoLanguages(site.id.clone()));
            }
            if let Some(language) = site
                .languages
                .iter()
                .find(|l| !LANGUAGES.contains(&l.as_str()))
            {
                return Err(ConfigError::Language {
                    site: site.id.clone(),
                    language: language.clone(),
                });
            }
            if site
                .identity_secret
                .as_ref()
                .is_some_and(|secret| secret.trim().len() < MIN_SECRET_BYTES)
            {
                return Err(ConfigError::WeakSecret(site.id.clone()));
            }
            if site.allowed_origins.is_empty() {
                return Err(ConfigError::NoOrigins(site.id.clone()));
            }
            if let Some(AllowedOrigin::Invalid(origin)) = site
                .allowed_origins
                .iter()
                .find(|o| matches!(o, AllowedOrigin::Invalid(_)))
            {
                return Err(ConfigError::Origin {
                    site: site.id.clone(),
                    origin: origin.clone(),
                });
            }
        }
        Ok(())
    }
}

/// Site ids appear in URLs and script tags, so they are kept to a safe, readable alphabet.
pub fn is_valid_site_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
        listen = "127.0.0.1:0"
        database_url = "sqlite::memory:"
        widget_dir = "dist"
        [[sites]]
        id = "shop"
        name = "Shop"
        allowed_origins = ["https://shop.example"]
    "#;

    #[test]
    fn the_embedded_default_runs_the_demo_shop() {
        let config = Config::default_demo();
        assert_eq!(config.listen.port(), 8080);
        assert_eq!(config.site("acme").unwrap().name, "Acme Outfitters");
        assert_eq!(config.site("acme").unwrap().canned_replies.len(), 3);
    }

    #[test]
    fn a_minimal_file_parses() {
        let config = Config::parse(MINIMAL).unwrap();
        assert!(config.site("shop").is_some());
        assert!(config.site("other").is_none());
    }

    #[test]
    fn a_typo_in_a_field_name_is_reported_with_its_line() {
        let text = MINIMAL.replace("allowed_origins", "allowed_origin");
        let err = Config::parse(&text).unwrap_err().to_string();
        assert!(err.contains("allowed_origin"), "{err}");
        assert!(err.contains("line 8"), "{err}");
    }

    #[test]
    fn a_weak_identity_secret_and_timeouts_too_short_or_too_long_are_refused() {
        let site = "name = \"Shop\"";
        let secret = |s: &str| MINIMAL.replace(site, &format!("{site}\nidentity_secret = \"{s}\""));
        for weak in ["", "   ", "merchant-secret"] {
            let err = Config::parse(&secret(weak)).unwrap_err();
            assert!(matches!(err, ConfigError::WeakSecret(_)), "{weak:?}: {err}");
        }
        assert!(Config::parse(&secret(&"k".repeat(MIN_SECRET_BYTES))).is_ok());

        // The default grace (60 s) has a 5 s heartbeat: 15 s is too soon, 16 s is not.
        let abandon = |secs: u32| format!("queue_abandon_secs = {secs}\n{MINIMAL}");
        let err = Config::parse(&abandon(15)).unwrap_err().to_string();
        assert!(err.contains("15000 ms"), "{err}");
        assert!(Config::parse(&abandon(16)).is_ok());
        let forever = format!("offer_timeout_secs = 18446744073709551615\n{MINIMAL}");
        let err = Config::parse(&forever).unwrap_err().to_string();
        assert!(
            err.contains("offer_timeout_secs is at most 604800"),
            "{err}"
        );
    }

    #[test]
    fn bad_site_ids_duplicates_and_origins_are_refused() {
        let upper = MINIMAL.replace("\"shop\"", "\"Shop!\"");
        assert!(matches!(Config::parse(&upper), Err(ConfigError::SiteId(_))));

        let twice = format!("{MINIMAL}\n[[sites]]\nid = \"shop\"\nname = \"Again\"\n");
        assert!(matches!(
            Config::parse(&twice),
            Err(ConfigError::DuplicateSite(_))
        ));

        let pink = MINIMAL.replace("name = \"Shop\"", "name = \"Shop\"\nbrand_color = \"pink\"");
        assert!(
            Config::parse(&pink)
                .unwrap_err()
                .to_string()
                .contains("#rrggbb")
        );
        let klingon = MINIMAL.replace("name = \"Shop\"", "name = \"Shop\"\nlanguages = [\"tlh\"]");
        assert!(
            Config::parse(&klingon)
                .unwrap_err()
                .to_string()
                .contains("tlh")
        );

        let nowhere = MINIMAL.replace("[\"https://shop.example\"]", "[]");
        assert!(matches!(
            Config::parse(&nowhere),
            Err(ConfigError::NoOrigins(_))
        ));

        let path = MINIMAL.replace("https://shop.example", "https://shop.example/checkout");
        let err = Config::parse(&path).unwrap_err().to_string();
        assert!(err.contains("shop.example/checkout"), "{err}");

        let none = MINIMAL.split("[[sites]]").next().unwrap().to_owned();
        assert!(Config::parse(&none).is_err());
    }
}
