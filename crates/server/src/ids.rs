//! Unguessable identifiers and secrets, from the operating system's random source, and the
//! hashes under which secrets are stored.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

fn random_base64(bytes: &mut [u8]) -> String {
    getrandom::fill(bytes).expect("the operating system provides randomness");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A fresh random identifier: 128 bits, 22 URL-safe characters.
pub fn random_id() -> String {
    random_base64(&mut [0u8; 16])
}

/// A fresh secret token: 256 bits, 43 URL-safe characters.
pub fn random_token() -> String {
    random_base64(&mut [0u8; 32])
}

/// How a token is stored: its SHA-256, hex. A stolen database yields no usable token.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_tokens_are_url_safe_and_distinct() {
        let (a, b) = (random_id(), random_id());
        assert_eq!(a.len(), 22);
        assert_ne!(a, b);
        let token = random_token();
        assert_eq!(token.len(), 43);
        assert!(
            token
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
    }

    #[test]
    fn a_token_is_stored_as_its_hash() {
        let hash = token_hash("secret");
        assert_eq!(hash.len(), 64);
        assert_eq!(hash, token_hash("secret"));
        assert_ne!(hash, token_hash("secreT"));
        assert!(!hash.contains("secret"));
    }
}
