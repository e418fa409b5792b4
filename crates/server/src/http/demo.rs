//! `/demo`: a demo merchant's checkout page with the Tandem script tag, as a shopper sees it.
//!
//! It is served under a strict Content-Security-Policy (no inline scripts or styles) and pins
//! `embed.js` with Subresource Integrity, so it also proves that the loader works on the
//! kind of page merchants care most about.

use std::sync::LazyLock;

use axum::{
    http::{HeaderValue, header},
    response::{Html, IntoResponse},
};

use super::embed;

const TEMPLATE: &str = include_str!("../../demo/checkout.html");
const STYLESHEET: &str = include_str!("../../demo/shop.css");
const SCRIPT: &str = include_str!("../../demo/shop.js");

static PAGE: LazyLock<String> =
    LazyLock::new(|| TEMPLATE.replace("{{EMBED_INTEGRITY}}", &embed::integrity()));

/// What the demo page may load: only its own origin's files, no inline code of any kind.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   frame-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'";

/// The demo checkout page.
pub async fn page() -> impl IntoResponse {
    (
        [(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        )],
        Html(PAGE.as_str()),
    )
}

/// The demo shop's own stylesheet.
pub async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        STYLESHEET,
    )
}

/// The demo shop's script: the queueing snippet and the cart as context for a handoff.
pub async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
}
