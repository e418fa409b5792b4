//! A site's public face: `GET /v1/sites/{site}` (what the loader and the widget need before
//! the shopper's first word, including whether a person can answer now) and
//! `GET /v1/sites/{site}/model/{file}` (the compiled knowledge base, content-hashed).
//!
//! The description is readable from the merchant's pages too (CORS for the site's allowed
//! origins): `embed.js` takes the launcher's colour, corner and labels (in the request's
//! `Accept-Language`) from it.

use axum::{
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};
use tandem_protocol::{SiteInfo, site::Hours};

use crate::{
    app::AppState,
    error::{AppError, AppJson},
    launcher,
    origin::{RequestOrigin, SiteOrigins},
    queue, theme,
};

/// What the widget greets with when the site has no knowledge base.
const DEFAULT_GREETING: &str = "Hi! How can we help?";

/// The public description of a configured site.
pub async fn info(
    State(state): State<AppState>,
    Path(site): Path<String>,
    from: RequestOrigin,
    request_headers: HeaderMap,
) -> Result<Response, AppError> {
    let site = state.site(&site)?;
    let model = state.models.get(&site.id);
    let brand = theme::Color::parse(&site.brand_color).expect("validated with the configuration");
    let info = SiteInfo {
        id: site.id.clone(),
        name: site.name.clone(),
        availability: queue::availability(&state, site).await?,
        brand_color: site.brand_color.to_lowercase(),
        brand_text: theme::text_on(brand).to_owned(),
        position: site.position,
        greeting: model
            .as_ref()
            .map_or_else(|| DEFAULT_GREETING.to_owned(), |m| m.greeting.clone()),
        languages: site.languages.clone(),
        hours: site.hours.as_ref().map(|h| Hours {
            timezone: h.timezone_name(),
            days: h.days_text(),
        }),
        reply_promise: site.reply_promise.clone(),
        assistant_pending: (site.knowledge_base.is_some() || state.models.reloading(&site.id))
            && model.is_none(),
        model_url: model.map(|m| format!("/v1/sites/{}/model/{}", site.id, m.file_name())),
        launcher: Some(launcher::labels(&request_headers, &site.languages)),
    };
    let mut response = AppJson(info).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Origin, Accept-Language"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Some(origin) = &from.origin {
        let origins = SiteOrigins {
            allowed: &site.allowed_origins,
            host: from.host.as_deref(),
        };
        if origins.may_embed(origin)
            && let Ok(value) = HeaderValue::from_str(origin)
        {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        }
    }
    Ok(response)
}

/// The site's compiled knowledge base. Its name carries its hash, so it is cached for good;
/// an outdated name gets 404, and the widget reads the site's description again.
pub async fn model(
    State(state): State<AppState>,
    Path((site, file)): Path<(String, String)>,
    request_headers: HeaderMap,
) -> Result<Response, AppError> {
    let model = state.models.file(&site, &file).ok_or(AppError::NotFound)?;
    let etag = format!("\"{}\"", model.hash);
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ),
        (
            header::ETAG,
            HeaderValue::from_str(&etag).expect("hex is a valid header"),
        ),
    ];
    if request_headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return Ok((axum::http::StatusCode::NOT_MODIFIED, headers).into_response());
    }
    Ok((headers, model.bytes.clone()).into_response())
}
