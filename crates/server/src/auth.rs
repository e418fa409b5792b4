//! Agents signing in: passwords hashed with Argon2, sessions as random tokens in an
//! HttpOnly, SameSite=Strict cookie (stored only as a hash), and the [`AgentSession`]
//! extractor every agent endpoint takes.
//!
//! Requests that change something must also come from this server's own pages when they
//! carry an `Origin` header, on top of SameSite, so no other site can act as the agent.

use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use axum::{
    extract::FromRequestParts,
    http::{Method, header, request::Parts},
};

use crate::{app::AppState, error::AppError, ids, origin};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "tandem_agent";
/// How long a session lasts: a week of shifts without signing in again.
pub const SESSION_SECS: i64 = 7 * 24 * 3600;

/// The shortest password a new agent account may have.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// An account's email as it is stored and looked up at sign-in (trimmed, lowercase); the
/// error says why it is not one.
pub fn account_email(text: &str) -> Result<String, String> {
    let email = text.trim().to_lowercase();
    if email.contains('@') && !email.contains(char::is_whitespace) {
        Ok(email)
    } else {
        Err(format!("{email:?} is not an email address."))
    }
}

/// Checks a new account's name (returned trimmed) and password, for the CLI and the admin API.
pub fn check_new_account<'a>(name: &'a str, password: &str) -> Result<&'a str, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("The name is empty.".to_owned());
    }
    check_new_password(password)?;
    Ok(name)
}

/// Checks a password about to be set, for a new account or a changed password.
pub fn check_new_password(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "The password must have at least {MIN_PASSWORD_CHARS} characters."
        ));
    }
    Ok(())
}

/// Hashes a password for storage (Argon2id, random salt, PHC string).
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2 hashes any password with default parameters")
        .to_string()
}

/// Whether the password matches the stored hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// [`hash_password`] off the async threads: Argon2 takes tens of milliseconds of CPU.
pub async fn hash_password_async(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| AppError::ShuttingDown)
}

/// [`verify_password`] off the async threads.
pub async fn verify_password_async(password: String, hash: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|_| AppError::ShuttingDown)
}

/// A hash to check passwords of unknown accounts against, so a wrong email takes as long as
/// a wrong password and sign-in does not reveal which emails exist.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| hash_password("decoy password"));
    &DECOY
}

/// The `Set-Cookie` value that starts a session. `Secure` unless the server is reached on a
/// loopback address (the demo), where browsers would drop a Secure cookie over plain HTTP.
pub fn session_cookie(token: &str, host: Option<&str>) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={SESSION_SECS}{}",
        secure_flag(host)
    )
}

/// The `Set-Cookie` value that ends a session.
pub fn clear_cookie(host: Option<&str>) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        secure_flag(host)
    )
}

fn secure_flag(host: Option<&str>) -> &'static str {
    let host = host.unwrap_or_default();
    let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
    if ["localhost", "127.0.0.1", "[::1]"].contains(&name) {
        ""
    } else {
        "; Secure"
    }
}

/// The session token in a `Cookie` header.
fn session_token(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(SESSION_COOKIE)?.strip_prefix('='))
}

/// A signed-in agent.
#[derive(Debug, Clone)]
pub struct AgentSession {
    pub agent: String,
    pub token_hash: String,
}

impl FromRequestParts<AppState> for AgentSession {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if parts.method != Method::GET
            && let Some(origin) = parts
                .headers
                .get(header::ORIGIN)
                .and_then(|v| v.to_str().ok())
        {
            let host = parts
                .headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok());
            if !origin::is_same_host(origin, host) {
                return Err(AppError::ForeignAgentRequest(origin.to_owned()));
            }
        }
        let token = session_token(parts).ok_or(AppError::SignInRequired)?;
        let token_hash = ids::token_hash(token);
        let agent = state
            .db
            .session_agent(&token_hash)
            .await?
            .ok_or(AppError::SignInRequired)?;
        // Any signed-in request shows the agent is there, live connection or not.
        state.db.touch_agents(std::slice::from_ref(&agent)).await?;
        Ok(AgentSession { agent, token_hash })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_accounts_need_an_email_a_name_and_a_long_enough_password() {
        assert_eq!(
            account_email(" Ada@Acme.Example "),
            Ok("ada@acme.example".to_owned())
        );
        assert!(
            account_email("ada")
                .unwrap_err()
                .contains("not an email address")
        );
        assert!(account_email("ada @acme.example").is_err());
        assert_eq!(check_new_account(" Ada ", "0123456789"), Ok("Ada"));
        assert_eq!(
            check_new_account("  ", "0123456789"),
            Err("The name is empty.".to_owned())
        );
        assert!(
            check_new_account("Ada", "012345678")
                .unwrap_err()
                .contains("10 characters")
        );
    }

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse battery staple");
        assert!(hash.starts_with("$argon2id$"));
        assert!(!hash.contains("correct horse"));
        assert!(verify_password("correct horse battery staple", &hash));
        assert!(!verify_password("Correct horse battery staple", &hash));
        assert!(!verify_password("anything", "not a hash"));
        assert_ne!(
            hash,
            hash_password("correct horse battery staple"),
            "salted"
        );
    }

    #[test]
    fn cookies_are_http_only_strict_and_secure_off_loopback() {
        let cookie = session_cookie("t0k", Some("support.example.com"));
        assert!(cookie.starts_with("tandem_agent=t0k;"));
        for attribute in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
            assert!(cookie.contains(attribute), "{cookie}");
        }
        assert!(!session_cookie("t", Some("127.0.0.1:8080")).contains("Secure"));
        assert!(clear_cookie(None).contains("Max-Age=0"));
    }

    #[test]
    fn the_session_token_is_found_among_other_cookies() {
        let request = axum::http::Request::builder()
            .header(header::COOKIE, "theme=dark; tandem_agent=abc; other=1")
            .body(())
            .unwrap();
        let (parts, ()) = request.into_parts();
        assert_eq!(session_token(&parts), Some("abc"));
    }
}
