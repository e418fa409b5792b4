//! `GET /embed.js`: the script-tag loader, served byte for byte as it is in
//! `embed/embed.min.js` (terser's minification of `embed/embed.js`, written by `cargo xtask`).
//!
//! Merchants may pin it with Subresource Integrity (`integrity="sha384-..."
//! crossorigin="anonymous"`), so the bytes never vary with the request and the response
//! carries CORS headers that let any page read it.

use std::sync::LazyLock;

use axum::{
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::STANDARD};
use sha2::{Digest, Sha384};

/// The loader, minified.
pub const EMBED_JS: &str = include_str!("../../../../embed/embed.min.js");

/// The SHA-384 digest of [`EMBED_JS`], base64: the value of an `integrity` attribute, and
/// (quoted) the response's ETag.
static DIGEST: LazyLock<String> = LazyLock::new(|| STANDARD.encode(Sha384::digest(EMBED_JS)));

/// The `integrity` attribute value that pins this build's `embed.js`.
pub fn integrity() -> String {
    format!("sha384-{}", *DIGEST)
}

/// Serves the loader, or 304 when the browser already holds these bytes.
pub async fn embed_js(request_headers: HeaderMap) -> Response {
    let etag = format!("\"{}\"", *DIGEST);
    let fresh = request_headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes());
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/javascript; charset=utf-8"),
        ),
        (
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        ),
        (
            header::HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("cross-origin"),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        ),
        (
            header::ETAG,
            HeaderValue::from_str(&etag).expect("base64 is a valid header"),
        ),
    ];
    if fresh {
        (StatusCode::NOT_MODIFIED, headers).into_response()
    } else {
        (headers, EMBED_JS).into_response()
    }
}
