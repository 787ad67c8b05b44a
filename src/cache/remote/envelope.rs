//! What a remote entry is: a short text header (format version, the key it
//! was stored under, the payload's hash, an optional signature), a blank
//! line, then the payload. Opening it checks all of that, so a server that
//! returns another key's entry, a truncated or altered one, or anything
//! else, gives a miss, never a pass.

use crate::cache::CacheKey;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

/// Bump when the header or the payload's meaning changes.
pub const FORMAT: &str = "rungs-remote-cache 1";

/// Why an entry was not taken (each is a miss).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejected {
    /// Not this format, or not this version of it.
    Foreign,
    /// Stored under another key.
    OtherKey,
    /// The payload is not the one the header describes (truncated, altered).
    Hash,
    /// Signatures are required and this one is missing or wrong.
    Signature,
}

/// The entry for `key` holding `payload`, signed when a key is given.
pub fn seal(key: CacheKey, payload: &[u8], signer: Option<&SigningKey>) -> Vec<u8> {
    let signed = signed_part(key, &blake3::hash(payload).to_hex());
    let signature = match signer {
        Some(s) => BASE64.encode(s.sign(signed.as_bytes()).to_bytes()),
        None => "-".to_string(),
    };
    let mut out = format!("{signed}signature {signature}\n\n").into_bytes();
    out.extend_from_slice(payload);
    out
}

/// The payload of an entry fetched for `key`, once every check holds.
pub fn open<'a>(
    bytes: &'a [u8],
    key: CacheKey,
    verifier: Option<&VerifyingKey>,
) -> Result<&'a [u8], Rejected> {
    let split = bytes
        .windows(2)
        .position(|w| w == b"\n\n")
        .ok_or(Rejected::Foreign)?;
    let header = std::str::from_utf8(&bytes[..split]).map_err(|_| Rejected::Foreign)?;
    let payload = &bytes[split + 2..];
    let mut lines = header.lines();
    if lines.next() != Some(FORMAT) {
        return Err(Rejected::Foreign);
    }
    let mut field = |name: &str| {
        lines
            .next()
            .and_then(|l| l.strip_prefix(name))
            .and_then(|l| l.strip_prefix(' '))
            .ok_or(Rejected::Foreign)
    };
    let stored_key = field("key")?;
    let hash = field("blake3")?;
    let signature = field("signature")?;
    if stored_key != key.to_string() {
        return Err(Rejected::OtherKey);
    }
    if hash != blake3::hash(payload).to_hex().as_str() {
        return Err(Rejected::Hash);
    }
    if let Some(verifier) = verifier {
        let signature = BASE64
            .decode(signature)
            .ok()
            .and_then(|b| Signature::from_slice(&b).ok())
            .ok_or(Rejected::Signature)?;
        verifier
            .verify(signed_part(key, hash).as_bytes(), &signature)
            .map_err(|_| Rejected::Signature)?;
    }
    Ok(payload)
}

/// The header lines a signature covers: the hash stands for the payload.
fn signed_part(key: CacheKey, hash: &str) -> String {
    format!("{FORMAT}\nkey {key}\nblake3 {hash}\n")
}

#[cfg(test)]
mod tests {
    use super::{Rejected, open, seal};
    use crate::cache::CacheKey;
    use ed25519_dalek::SigningKey;

    #[test]
    fn only_the_entry_sealed_for_the_key_opens() {
        let key = CacheKey([1; 32]);
        let sealed = seal(key, b"{\"ok\":true}", None);
        assert_eq!(open(&sealed, key, None), Ok(&b"{\"ok\":true}"[..]));
        assert_eq!(
            open(&sealed, CacheKey([2; 32]), None),
            Err(Rejected::OtherKey)
        );
        assert_eq!(
            open(&sealed[..sealed.len() - 3], key, None),
            Err(Rejected::Hash)
        );
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() = b']';
        assert_eq!(open(&altered, key, None), Err(Rejected::Hash));
        assert_eq!(open(b"<html>404</html>", key, None), Err(Rejected::Foreign));
        assert_eq!(open(b"", key, None), Err(Rejected::Foreign));
    }

    #[test]
    fn signed_entries_open_only_with_the_matching_public_key() {
        let key = CacheKey([3; 32]);
        let ci = SigningKey::from_bytes(&[7; 32]);
        let other = SigningKey::from_bytes(&[8; 32]);
        let signed = seal(key, b"payload", Some(&ci));
        assert!(open(&signed, key, Some(&ci.verifying_key())).is_ok());
        assert_eq!(
            open(&signed, key, Some(&other.verifying_key())),
            Err(Rejected::Signature)
        );
        let unsigned = seal(key, b"payload", None);
        assert_eq!(
            open(&unsigned, key, Some(&ci.verifying_key())),
            Err(Rejected::Signature)
        );
        // Without a public key, signatures are not asked for.
        assert!(open(&signed, key, None).is_ok());
    }
}
