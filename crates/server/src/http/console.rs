//! The agent console's page at `/console`; the files of its release build are served under
//! `/console/assets/...` (Trunk's `public_url` in `crates/console/Trunk.toml`) like the
//! widget's ([`super::widget::assets`]).
//!
//! The page is Trunk's `index.html`, with the same script policy as the widget's page and
//! one difference: no page may frame it (`frame-ancestors 'none'`), so no other site can
//! overlay an agent's console to steer their clicks.

use axum::{extract::State, response::IntoResponse};

use super::widget::trunk_page;
use crate::{app::AppState, error::AppError};

/// `GET /console`.
pub async fn page(State(state): State<AppState>) -> Result<impl IntoResponse, AppError> {
    trunk_page(
        &state.config.console_dir,
        "'none'",
        AppError::ConsoleNotBuilt,
    )
    .await
}
