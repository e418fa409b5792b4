//! The widget: its page `/w/{site}`, loaded by `embed.js` in an iframe, and the files of its
//! release build under `/widget/...` (Trunk's `public_url`).
//!
//! The page is Trunk's `index.html`, read from the build directory on each request so a new
//! build is picked up without a restart. It is sent with a CSP that (a) lets only the site's
//! allowed origins frame it and (b) runs no script but the build's own files and its inline
//! bootstrap, pinned by hash. The loader passes the embedding page's origin as `?origin=`;
//! the widget will `postMessage` to that origin, so an origin the site does not allow is
//! refused here rather than trusted there.

use std::path::Path;

use axum::{
    extract::{Path as UrlPath, State},
    http::{HeaderValue, header},
    response::{Html, IntoResponse},
};
use base64::{Engine, engine::general_purpose::STANDARD};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tower_http::{services::ServeDir, set_header::SetResponseHeader};

use crate::{
    app::AppState,
    error::{AppError, AppQuery},
    origin::{RequestOrigin, SiteOrigins},
};

#[derive(Deserialize)]
pub struct PageQuery {
    /// The origin of the page that embeds the widget.
    origin: Option<String>,
}

/// The widget's HTML page for one site.
pub async fn page(
    State(state): State<AppState>,
    UrlPath(site): UrlPath<String>,
    AppQuery(query): AppQuery<PageQuery>,
    from: RequestOrigin,
) -> Result<impl IntoResponse, AppError> {
    let site = state.site(&site)?;
    let origins = SiteOrigins {
        allowed: &site.allowed_origins,
        host: from.host.as_deref(),
    };
    if let Some(origin) = query.origin.filter(|o| !origins.may_embed(o)) {
        return Err(AppError::OriginNotAllowed {
            origin,
            site: site.id.clone(),
        });
    }
    trunk_page(
        &state.widget_dir,
        &origins.frame_ancestors(),
        AppError::WidgetNotBuilt,
    )
    .await
}

/// A Trunk build's `index.html`, read on each request (a new build needs no restart), with
/// the script policy below; `missing` when there is no build.
pub async fn trunk_page(
    dir: &Path,
    frame_ancestors: &str,
    missing: AppError,
) -> Result<impl IntoResponse + use<>, AppError> {
    let html = tokio::fs::read_to_string(dir.join("index.html"))
        .await
        .map_err(|_| missing)?;
    let csp = content_security_policy(&html, frame_ancestors);
    Ok((
        [
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_str(&csp).expect("a CSP built from validated origins"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        Html(html),
    ))
}

/// The files of a Trunk build (the widget's, the console's). Their names carry a content
/// hash, so they are cached for good. Its `index.html` is served with its policy by the
/// page's own route; here, as a plain file, a policy forbids it to run or be framed.
pub fn assets(
    dir: &Path,
) -> SetResponseHeader<SetResponseHeader<ServeDir, HeaderValue>, HeaderValue> {
    let files = SetResponseHeader::overriding(
        ServeDir::new(dir).append_index_html_on_directories(false),
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    // Ignored for scripts, styles and WebAssembly; binding for a document.
    SetResponseHeader::overriding(
        files,
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'; sandbox"),
    )
}

/// The widget's language files (`/widget/i18n/xx.json`): fetched only by shoppers who need
/// them, and named without a hash, so the browser checks them again each time.
pub fn language_files(dir: &Path) -> SetResponseHeader<ServeDir, HeaderValue> {
    SetResponseHeader::overriding(
        ServeDir::new(dir.join("i18n")),
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache"),
    )
}

/// The widget page's policy: scripts only from this server, plus the page's own inline
/// scripts (Trunk's bootstrap) allowed by their SHA-256; WebAssembly compilation allowed
/// (`'wasm-unsafe-eval'`, not `'unsafe-eval'`); framing only by the site's allowed origins.
fn content_security_policy(html: &str, frame_ancestors: &str) -> String {
    let hashes: String = inline_scripts(html)
        .map(|script| format!(" 'sha256-{}'", STANDARD.encode(Sha256::digest(script))))
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
         frame-ancestors {frame_ancestors}"
    )
}

/// The text of each `<script>` element without a `src` attribute.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (attributes, rest) = rest.split_once('>')?;
        let (body, _) = rest.split_once("</script>")?;
        (!attributes.contains("src=")).then_some(body)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_pinned_by_hash_and_external_ones_are_not() {
        let html = r#"<head><script type="module">init()</script>
            <script src="/widget/a.js"></script></head>"#;
        let csp = content_security_policy(html, "'self'");
        let expected = STANDARD.encode(Sha256::digest("init()"));
        assert!(csp.contains(&format!("'sha256-{expected}'")), "{csp}");
        assert_eq!(csp.matches("sha256-").count(), 1, "{csp}");
        assert!(csp.ends_with("frame-ancestors 'self'"), "{csp}");
        assert!(!csp.contains("'unsafe-inline'"));
    }
}
