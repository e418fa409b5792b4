//! Verified identity: the merchant signs the shopper's user id with HMAC-SHA256 and the
//! site's secret, on their own server, and the widget passes id and signature along. The
//! agent is shown whether the signature matched; an unsigned or wrongly signed identity is
//! kept but marked unverified.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Whether `signature` (hex) is the HMAC-SHA256 of `id` under `secret`.
pub fn verify(secret: &str, id: &str, signature: &str) -> bool {
    let Some(signature) = decode_hex(signature) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(id.as_bytes());
    // Constant-time comparison.
    mac.verify_slice(&signature).is_ok()
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_correct_signature_verifies_and_anything_else_does_not() {
        // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), a published vector.
        let id = "The quick brown fox jumps over the lazy dog";
        let good = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8";
        assert!(verify("key", id, good));
        assert!(verify("key", id, &good.to_uppercase()));
        assert!(!verify("other key", id, good));
        assert!(!verify("key", "another user", good));
        assert!(!verify("key", id, &good[..62]));
        assert!(!verify("key", id, "not hex at all"));
    }
}
