//! Which web pages may embed a site's widget and call its API.
//!
//! Each site lists its `allowed_origins`; `"self"` stands for this server's own origin (where
//! the demo page lives). Two questions are asked of that list:
//! - may a page of origin O frame the widget? ([`SiteOrigins::may_embed`], enforced twice: the
//!   widget's HTML carries a CSP `frame-ancestors` built from the same list, and the origin the
//!   loader passes in is refused if not listed, because the widget will `postMessage` to it);
//! - may a request from origin O call the API? ([`SiteOrigins::may_call`]): the widget itself
//!   runs on this server's origin, so same-origin calls always pass.
//!
//! Requests without an `Origin` header do not come from a browser page, so no page's
//! credentials or trust can be abused through them; they are let through.

use std::convert::Infallible;

use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts},
};
use serde::Deserialize;

/// One entry of a site's `allowed_origins`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub enum AllowedOrigin {
    /// This server's own origin.
    SelfOrigin,
    /// A normalised `scheme://host[:port]`.
    Exact(String),
    /// Not an origin; kept so configuration validation can name it.
    Invalid(String),
}

impl From<String> for AllowedOrigin {
    fn from(text: String) -> Self {
        if text == "self" {
            AllowedOrigin::SelfOrigin
        } else {
            normalize(&text).map_or(AllowedOrigin::Invalid(text), AllowedOrigin::Exact)
        }
    }
}

/// Lower-cases an origin and drops a default port, the form browsers send; `None` if the text
/// is not `http(s)://host[:port]` with nothing after it.
pub fn normalize(origin: &str) -> Option<String> {
    let lower = origin.trim().to_ascii_lowercase();
    let (scheme, rest) = lower.split_once("://")?;
    let default_port = match scheme {
        "http" => ":80",
        "https" => ":443",
        _ => return None,
    };
    let authority = rest.strip_suffix(default_port).unwrap_or(rest);
    let valid = !authority.is_empty()
        && authority
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b));
    valid.then(|| format!("{scheme}://{authority}"))
}

/// The `host[:port]` part of an origin.
fn authority(origin: &str) -> &str {
    origin.split_once("://").map_or(origin, |(_, rest)| rest)
}

/// Whether a page of this origin is on this server: its authority is the request's `Host`.
pub fn is_same_host(origin: &str, host: Option<&str>) -> bool {
    normalize(origin)
        .zip(host)
        .is_some_and(|(origin, host)| authority(&origin).eq_ignore_ascii_case(host))
}

/// A site's allowed origins, with the request's own host to resolve `"self"`.
pub struct SiteOrigins<'a> {
    pub allowed: &'a [AllowedOrigin],
    /// The `Host` the request was sent to: this server's authority as the browser sees it.
    pub host: Option<&'a str>,
}

impl SiteOrigins<'_> {
    /// Whether a page of this origin may embed the site's widget.
    pub fn may_embed(&self, origin: &str) -> bool {
        let Some(origin) = normalize(origin) else {
            return false;
        };
        self.allowed.iter().any(|allowed| match allowed {
            AllowedOrigin::SelfOrigin => self.is_same_host(&origin),
            AllowedOrigin::Exact(exact) => *exact == origin,
            AllowedOrigin::Invalid(_) => false,
        })
    }

    /// Whether a request sent from a page of this origin may call the site's API.
    pub fn may_call(&self, origin: &str) -> bool {
        self.is_same_host(origin) || self.may_embed(origin)
    }

    fn is_same_host(&self, origin: &str) -> bool {
        is_same_host(origin, self.host)
    }

    /// The CSP `frame-ancestors` source list for the widget's page.
    pub fn frame_ancestors(&self) -> String {
        let sources: Vec<&str> = self
            .allowed
            .iter()
            .filter_map(|allowed| match allowed {
                AllowedOrigin::SelfOrigin => Some("'self'"),
                AllowedOrigin::Exact(exact) => Some(exact.as_str()),
                AllowedOrigin::Invalid(_) => None,
            })
            .collect();
        if sources.is_empty() {
            "'none'".to_owned()
        } else {
            sources.join(" ")
        }
    }
}

/// The `Origin` and `Host` headers of a request, extracted for origin checks.
#[derive(Debug, Clone, Default)]
pub struct RequestOrigin {
    pub origin: Option<String>,
    pub host: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for RequestOrigin {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let header = |name| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        Ok(RequestOrigin {
            origin: header(header::ORIGIN),
            host: header(header::HOST),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> Vec<AllowedOrigin> {
        items
            .iter()
            .map(|s| AllowedOrigin::from(s.to_string()))
            .collect()
    }

    #[test]
    fn origins_are_normalised_as_browsers_send_them() {
        assert_eq!(
            normalize("HTTPS://Shop.Example:443").unwrap(),
            "https://shop.example"
        );
        assert_eq!(
            normalize("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(normalize("https://shop.example/checkout"), None);
        assert_eq!(normalize("ftp://shop.example"), None);
        assert_eq!(normalize("shop.example"), None);
        assert_eq!(normalize("null"), None);
    }

    #[test]
    fn only_listed_pages_may_embed() {
        let allowed = list(&["https://shop.example"]);
        let site = SiteOrigins {
            allowed: &allowed,
            host: Some("support.example"),
        };
        assert!(site.may_embed("https://shop.example"));
        assert!(!site.may_embed("https://evil.example"));
        assert!(!site.may_embed("http://shop.example"));
        // The support server's own pages may call the API but not embed unless "self" is listed.
        assert!(!site.may_embed("https://support.example"));
        assert!(site.may_call("https://support.example"));
        assert!(!site.may_call("https://evil.example"));
        assert_eq!(site.frame_ancestors(), "https://shop.example");
    }

    #[test]
    fn self_means_this_servers_own_host() {
        let allowed = list(&["self"]);
        let site = SiteOrigins {
            allowed: &allowed,
            host: Some("127.0.0.1:8080"),
        };
        assert!(site.may_embed("http://127.0.0.1:8080"));
        assert!(!site.may_embed("http://127.0.0.1:9090"));
        assert_eq!(site.frame_ancestors(), "'self'");
        let nobody = SiteOrigins {
            allowed: &[],
            host: None,
        };
        assert_eq!(nobody.frame_ancestors(), "'none'");
    }
}
