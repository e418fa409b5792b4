//! `/demo`: a demo merchant's checkout with the Tandem script tag, as a shopper sees it: the
//! payment page, and before it `/demo/delivery`, so a conversation can be followed from one
//! page of the shop to the next (each page sets its step as context).
//!
//! The pages are served under a strict Content-Security-Policy (no inline scripts or styles)
//! and pin `embed.js` with Subresource Integrity, so they also prove that the loader works
//! on the kind of page merchants care most about.

use std::sync::LazyLock;

use axum::{
    http::{HeaderValue, header},
    response::{Html, IntoResponse},
};

use super::embed;

const TEMPLATE: &str = include_str!("../../demo/shop.html");
const STYLESHEET: &str = include_str!("../../demo/shop.css");
const SCRIPT: &str = include_str!("../../demo/shop.js");

/// A step of the demo checkout.
struct Step {
    /// What its page sets as the context's `page`.
    name: &'static str,
    title: &'static str,
    /// Its address and its part of the page, for the steps the demo has a page for.
    page: Option<(&'static str, &'static str)>,
}

const STEPS: [Step; 4] = [
    Step {
        name: "cart",
        title: "Cart",
        page: None,
    },
    Step {
        name: "delivery",
        title: "Delivery",
        page: Some(("/demo/delivery", include_str!("../../demo/delivery.html"))),
    },
    Step {
        name: "payment",
        title: "Payment",
        page: Some(("/demo", include_str!("../../demo/payment.html"))),
    },
    Step {
        name: "done",
        title: "Done",
        page: None,
    },
];

/// The page of the step named `name`, the others in the progress list linked where they
/// have a page.
fn render(name: &str) -> String {
    let step = STEPS
        .iter()
        .find(|step| step.name == name && step.page.is_some())
        .expect("a step with a page");
    let progress: String = STEPS
        .iter()
        .map(|other| match other.page {
            _ if other.name == name => format!(r#"<li aria-current="step">{}</li>"#, other.title),
            Some((href, _)) => format!(r#"<li><a href="{href}">{}</a></li>"#, other.title),
            None => format!("<li>{}</li>", other.title),
        })
        .collect();
    TEMPLATE
        .replace("{{TITLE}}", step.title)
        .replace("{{PAGE}}", name)
        .replace("{{STEPS}}", &progress)
        .replace("{{PANEL}}", step.page.map_or("", |(_, html)| html))
        .replace("{{EMBED_INTEGRITY}}", &embed::integrity())
}

static PAYMENT: LazyLock<String> = LazyLock::new(|| render("payment"));
static DELIVERY: LazyLock<String> = LazyLock::new(|| render("delivery"));

/// What the demo page may load: only its own origin's files, no inline code of any kind.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   frame-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'";

/// A page of the demo shop, under its policy.
fn served(page: &'static str) -> impl IntoResponse {
    (
        [(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        )],
        Html(page),
    )
}

/// The demo checkout's payment page.
pub async fn page() -> impl IntoResponse {
    served(PAYMENT.as_str())
}

/// The demo checkout's delivery page, the step before.
pub async fn delivery() -> impl IntoResponse {
    served(DELIVERY.as_str())
}

/// The demo shop's own stylesheet.
pub async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        STYLESHEET,
    )
}

/// The demo shop's script: the queueing snippet, and the cart and the step as context.
pub async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
}
