//! `AppError`: every way an API call can fail, and how each becomes an HTTP response.
//!
//! Handlers return `Result<_, AppError>`; the conversion to a response happens here only, as
//! RFC 9457 problem details (`application/problem+json`). Client mistakes get a sentence that
//! says what to fix. Server-side failures are logged in full and answered with a generic
//! sentence, so no internals (SQL, paths, stack traces) ever reach a browser. The live
//! connections send the same [`Problem`] in an error frame and carry on.

use std::time::Duration;

use axum::{
    extract::{
        FromRequest, FromRequestParts,
        rejection::{JsonRejection, QueryRejection},
    },
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use tandem_protocol::{Problem, problem::PROBLEM_CONTENT_TYPE};

use crate::store::StoreError;

/// A failed request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("No site {0:?} is configured on this server.")]
    UnknownSite(String),
    #[error("Pages from {origin} are not allowed to use site {site:?}.")]
    OriginNotAllowed { origin: String, site: String },
    #[error("{}", .0.body_text())]
    BadJson(JsonRejection),
    #[error("{}", .0.body_text())]
    BadQuery(#[from] QueryRejection),
    #[error("{0}")]
    Invalid(String),
    #[error("{what} is too large: at most {limit}.")]
    TooLarge { what: &'static str, limit: String },
    #[error("Too many requests. Try again in {} seconds.", .0.as_secs().max(1))]
    RateLimited(Duration),
    #[error(
        "The widget has not been built yet: run `cargo xtask demo`, or `trunk build --release`."
    )]
    WidgetNotBuilt,
    #[error(
        "The agent console has not been built yet: run `cargo xtask demo`, or `trunk build --release` in crates/console."
    )]
    ConsoleNotBuilt,
    #[error("There is nothing at this address.")]
    NotFound,
    #[error("This address does not take that method; the Allow header lists those it takes.")]
    MethodNotAllowed,
    #[error("No conversation {0:?} exists.")]
    UnknownConversation(String),
    #[error("The conversation token is missing or wrong.")]
    WrongToken,
    #[error("Sign in first.")]
    SignInRequired,
    #[error("The email or password is wrong.")]
    WrongCredentials,
    #[error("The current password is wrong.")]
    WrongPassword,
    #[error("Agent requests must come from this server's own pages, not {0}.")]
    ForeignAgentRequest(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    #[error(
        "No one is answering now: the site is outside its business hours. Leave a message instead."
    )]
    AfterHours,
    #[error("The server is shutting down.")]
    ShuttingDown,
    #[error("storage failed: {0}")]
    Store(#[from] StoreError),
    /// A failure of ours, such as a panic in a background task: logged, never told in detail.
    #[error("internal failure: {0}")]
    Internal(String),
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::UnknownSite(_) | AppError::NotFound | AppError::UnknownConversation(_) => {
                StatusCode::NOT_FOUND
            }
            AppError::OriginNotAllowed { .. }
            | AppError::ForeignAgentRequest(_)
            | AppError::WrongPassword
            | AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::BadJson(rejection) => rejection.status(),
            AppError::BadQuery(rejection) => rejection.status(),
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::WidgetNotBuilt | AppError::ConsoleNotBuilt | AppError::ShuttingDown => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::WrongToken | AppError::SignInRequired | AppError::WrongCredentials => {
                StatusCode::UNAUTHORIZED
            }
            AppError::Conflict(_) | AppError::AfterHours => StatusCode::CONFLICT,
            AppError::Store(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            AppError::UnknownSite(_) => "Unknown site",
            AppError::OriginNotAllowed { .. } | AppError::ForeignAgentRequest(_) => {
                "Origin not allowed"
            }
            AppError::BadJson(_) => "Invalid request body",
            AppError::BadQuery(_) => "Invalid query string",
            AppError::MethodNotAllowed => "Method not allowed",
            AppError::Invalid(_) => "Invalid request",
            AppError::TooLarge { .. } => "Too large",
            AppError::RateLimited(_) => "Too many requests",
            AppError::WidgetNotBuilt => "Widget not built",
            AppError::ConsoleNotBuilt => "Console not built",
            AppError::NotFound => "Not found",
            AppError::UnknownConversation(_) => "Unknown conversation",
            AppError::WrongToken => "Wrong token",
            AppError::SignInRequired => "Sign-in required",
            AppError::WrongCredentials => "Wrong email or password",
            AppError::WrongPassword => "Wrong password",
            AppError::Forbidden(_) => "Forbidden",
            AppError::Conflict(_) => "Conflict",
            AppError::AfterHours => "After hours",
            AppError::ShuttingDown => "Shutting down",
            AppError::Store(_) | AppError::Internal(_) => "Internal error",
        }
    }

    /// The sentence shown to the caller: never an internal detail.
    fn detail(&self) -> String {
        match self {
            AppError::Store(_) | AppError::Internal(_) => {
                "Something went wrong on our side. Please try again.".to_owned()
            }
            other => other.to_string(),
        }
    }

    /// The error as problem details, for HTTP responses and live connections' error frames.
    pub fn problem(&self) -> Problem {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        Problem {
            kind: "about:blank".to_owned(),
            title: self.title().to_owned(),
            status: status.as_u16(),
            detail: Some(self.detail()),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.problem()).expect("a problem always serialises");
        let mut response = (
            self.status(),
            [(header::CONTENT_TYPE, PROBLEM_CONTENT_TYPE)],
            body,
        )
            .into_response();
        if let AppError::RateLimited(wait) = self {
            let secs = wait.as_secs().max(1).to_string();
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_str(&secs).expect("digits are a valid header"),
            );
        }
        response
    }
}

impl From<tokio::task::JoinError> for AppError {
    /// Work run off the async threads that did not finish: cancelled because the server is
    /// stopping, or a panic (a bug of ours).
    fn from(error: tokio::task::JoinError) -> AppError {
        if error.is_panic() {
            AppError::Internal(error.to_string())
        } else {
            AppError::ShuttingDown
        }
    }
}

impl From<JsonRejection> for AppError {
    /// A body over the server's limit is told as such, with the limit, rather than as axum's
    /// "Failed to buffer the request body".
    fn from(rejection: JsonRejection) -> AppError {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return AppError::TooLarge {
                what: "The request",
                limit: format!("{} KB", crate::app::MAX_BODY_BYTES / 1024),
            };
        }
        AppError::BadJson(rejection)
    }
}

/// `axum::Json`, but a body that cannot be read becomes an [`AppError`] (problem details)
/// instead of axum's plain-text rejection.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct AppJson<T>(pub T);

/// `axum::extract::Query`, but a query string that cannot be read becomes an [`AppError`]
/// (problem details) instead of axum's plain-text rejection.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct AppQuery<T>(pub T);

impl<T: serde::Serialize> IntoResponse for AppJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}
