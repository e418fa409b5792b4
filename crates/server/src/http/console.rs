//! The agent console: its page at `/console` and the files of its release build under
//! `/console/assets/...` (Trunk's `public_url` in `crates/console/Trunk.toml`).
//!
//! The page is Trunk's `index.html`, read on each request like the widget's, with the same
//! script policy and one difference: no page may frame it (`frame-ancestors 'none'`), so
//! no other site can overlay an agent's console to steer their clicks.

use std::path::Path;

use axum::{
    extract::State,
    http::{HeaderValue, header},
    response::{Html, IntoResponse},
};
use tower_http::{services::ServeDir, set_header::SetResponseHeader};

use super::widget::{self, content_security_policy};
use crate::{app::AppState, error::AppError};

/// `GET /console`.
pub async fn page(State(state): State<AppState>) -> Result<impl IntoResponse, AppError> {
    let html = tokio::fs::read_to_string(state.config.console_dir.join("index.html"))
        .await
        .map_err(|_| AppError::ConsoleNotBuilt)?;
    let csp = content_security_policy(&html, "'none'");
    Ok((
        [
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_str(&csp).expect("a CSP of hashes and fixed text"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        Html(html),
    ))
}

/// The console build's files, content-hashed like the widget's.
pub fn assets(dir: &Path) -> SetResponseHeader<ServeDir, HeaderValue> {
    widget::assets(dir)
}
