//! The master key: loading, fingerprinting, and the redacted value type for secrets.

use std::fmt;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};
use zeroize::{Zeroize as _, Zeroizing};

use super::error::{Result, SecretsError};

/// Environment variable holding the master key (32 bytes, base64 or hex).
pub const MASTER_KEY_ENV: &str = "LINODE_SECRETS_KEY";

/// Length of a master key in bytes.
pub const MASTER_KEY_LEN: usize = 32;

/// Domain separation for key fingerprints, so a fingerprint is never a plain hash of the key.
const FINGERPRINT_CONTEXT: &[u8] = b"linode-secrets master key fingerprint v1\0";

/// The 256-bit key that wraps every secret's data key.
///
/// The bytes are zeroed on drop, and neither `Debug` nor any error ever shows them: only the
/// [`KeyFingerprint`] is shown.
pub struct MasterKey {
    bytes: Zeroizing<[u8; MASTER_KEY_LEN]>,
    fingerprint: KeyFingerprint,
}

impl MasterKey {
    /// A fresh random key from the operating system's CSPRNG (through `rand`'s thread RNG).
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; MASTER_KEY_LEN]);
        rand::rng().fill_bytes(bytes.as_mut());
        Self::from_array(bytes)
    }

    /// A key from exactly 32 raw bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        Self::from_slice(bytes, "bytes")
    }

    /// Parses key text: 64 hex digits, or base64 (standard or URL-safe, padded or not) of 32
    /// bytes. Surrounding whitespace is ignored. Errors never quote the text.
    pub fn parse(text: &str) -> Result<Self> {
        Self::parse_from(text, "text")
    }

    /// Loads the key from `LINODE_SECRETS_KEY`; `Ok(None)` when the variable is unset or empty.
    pub fn from_env() -> Result<Option<Self>> {
        match std::env::var(MASTER_KEY_ENV) {
            Ok(text) => {
                let text = Zeroizing::new(text);
                if text.trim().is_empty() {
                    Ok(None)
                } else {
                    Self::parse_from(&text, MASTER_KEY_ENV).map(Some)
                }
            }
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(SecretsError::InvalidMasterKey {
                origin: MASTER_KEY_ENV.into(),
                reason: "not valid UTF-8".into(),
            }),
        }
    }

    /// Loads the key from a file holding the key text (hex or base64) or exactly 32 raw bytes.
    pub fn from_file(path: &Path) -> Result<Self> {
        let origin = format!("key file {}", path.display());
        let raw = Zeroizing::new(std::fs::read(path).map_err(|source| SecretsError::Io {
            context: format!("reading {origin}"),
            source,
        })?);
        // 32 bytes cannot be key text (hex is 64 characters, base64 43 or 44), so they are raw.
        if raw.len() == MASTER_KEY_LEN {
            return Self::from_slice(&raw, &origin);
        }
        let text = std::str::from_utf8(&raw).map_err(|_| SecretsError::InvalidMasterKey {
            origin: origin.clone(),
            reason: "expected 32 raw bytes, or 32 bytes as hex or base64 text".into(),
        })?;
        Self::parse_from(text, &origin)
    }

    /// The key from `key_file` when given, else from `LINODE_SECRETS_KEY`, else
    /// [`SecretsError::MissingMasterKey`].
    pub fn load(key_file: Option<&Path>) -> Result<Self> {
        match key_file {
            Some(path) => Self::from_file(path),
            None => Self::from_env()?.ok_or(SecretsError::MissingMasterKey),
        }
    }

    /// The key's public identifier (a domain-separated SHA-256 hash, never the key).
    pub fn fingerprint(&self) -> &KeyFingerprint {
        &self.fingerprint
    }

    /// The key as standard base64, for writing a new key file. Zeroed on drop; never log it.
    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(STANDARD.encode(self.bytes.as_ref()))
    }

    /// The raw key bytes, for the AEAD in this module only.
    pub(crate) fn expose(&self) -> &[u8; MASTER_KEY_LEN] {
        &self.bytes
    }

    fn parse_from(text: &str, origin: &str) -> Result<Self> {
        let text = text.trim();
        let bad = |reason: &str| SecretsError::InvalidMasterKey {
            origin: origin.into(),
            reason: reason.into(),
        };
        if text.len() == 2 * MASTER_KEY_LEN && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            let mut bytes = Zeroizing::new([0u8; MASTER_KEY_LEN]);
            for (i, pair) in text.as_bytes().chunks(2).enumerate() {
                bytes[i] = (hex_val(pair[0]) << 4) | hex_val(pair[1]);
            }
            return Ok(Self::from_array(bytes));
        }
        for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
            if let Ok(decoded) = engine.decode(text) {
                let decoded = Zeroizing::new(decoded);
                if decoded.len() == MASTER_KEY_LEN {
                    return Self::from_slice(&decoded, origin);
                }
                return Err(bad(&format!(
                    "decodes to {} bytes, a master key is {MASTER_KEY_LEN} bytes",
                    decoded.len()
                )));
            }
        }
        Err(bad("expected 32 bytes as 64 hex digits or as base64"))
    }

    fn from_slice(bytes: &[u8], origin: &str) -> Result<Self> {
        if bytes.len() != MASTER_KEY_LEN {
            return Err(SecretsError::InvalidMasterKey {
                origin: origin.into(),
                reason: format!(
                    "{} bytes, a master key is {MASTER_KEY_LEN} bytes",
                    bytes.len()
                ),
            });
        }
        let mut array = Zeroizing::new([0u8; MASTER_KEY_LEN]);
        array.copy_from_slice(bytes);
        Ok(Self::from_array(array))
    }

    fn from_array(bytes: Zeroizing<[u8; MASTER_KEY_LEN]>) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(FINGERPRINT_CONTEXT);
        hasher.update(bytes.as_ref());
        let mut digest = hasher.finalize();
        let fingerprint = KeyFingerprint(format!("sha256:{}", to_hex(&digest[..16])));
        digest.as_mut_slice().zeroize();
        Self { bytes, fingerprint }
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MasterKey")
            .field("fingerprint", &self.fingerprint.as_str())
            .field("key", &"<redacted>")
            .finish()
    }
}

/// Public identifier of a master key: `sha256:` and 32 hex digits of a domain-separated hash.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyFingerprint(String);

impl KeyFingerprint {
    /// The fingerprint text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A secret value: bytes zeroed on drop, and `Debug` shows only the length.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue(Zeroizing<Vec<u8>>);

impl SecretValue {
    /// Wraps the bytes (taking ownership, so no unzeroed copy stays behind).
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The value's bytes. Handle with care: never log them.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The value as UTF-8 text, if it is.
    pub fn expose_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Vec<u8>> for SecretValue {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

impl From<String> for SecretValue {
    fn from(text: String) -> Self {
        Self::new(text.into_bytes())
    }
}

impl From<&str> for SecretValue {
    fn from(text: &str) -> Self {
        Self::new(text.as_bytes().to_vec())
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretValue(<redacted, {} bytes>)", self.0.len())
    }
}

/// Lower-case hex of `bytes`.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    out
}

fn hex_val(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        b'A'..=b'F' => digit - b'A' + 10,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    #[test]
    fn hex_and_base64_give_the_same_key() {
        let from_hex = MasterKey::parse(HEX).unwrap();
        let bytes: Vec<u8> = (0u8..32).collect();
        let from_b64 = MasterKey::parse(&format!("  {}\n", STANDARD.encode(&bytes))).unwrap();
        let from_url = MasterKey::parse(&URL_SAFE_NO_PAD.encode(&bytes)).unwrap();
        assert_eq!(from_hex.expose(), from_b64.expose());
        assert_eq!(from_hex.fingerprint(), from_b64.fingerprint());
        assert_eq!(from_hex.fingerprint(), from_url.fingerprint());
        assert_eq!(from_hex.expose()[31], 31);
    }

    #[test]
    fn fingerprint_is_stable_and_not_the_key() {
        let key = MasterKey::parse(HEX).unwrap();
        let fp = key.fingerprint().as_str().to_owned();
        assert!(fp.starts_with("sha256:"));
        assert_eq!(fp.len(), "sha256:".len() + 32);
        assert!(!fp.contains(&HEX[..16]));
        assert_eq!(MasterKey::parse(HEX).unwrap().fingerprint().as_str(), fp);
        assert_ne!(MasterKey::generate().fingerprint().as_str(), fp);
    }

    #[test]
    fn wrong_lengths_are_refused_without_quoting_the_key() {
        let short = STANDARD.encode([7u8; 16]);
        let err = MasterKey::parse(&short).unwrap_err().to_string();
        assert!(err.contains("decodes to 16 bytes"), "{err}");
        assert!(!err.contains(&short));
        let err = MasterKey::parse("not a key at all!")
            .unwrap_err()
            .to_string();
        assert!(err.contains("expected 32 bytes"), "{err}");
        assert!(!err.contains("not a key"));
        assert!(MasterKey::from_bytes(&[1u8; 31]).is_err());
    }

    #[test]
    fn debug_output_is_redacted() {
        let key = MasterKey::parse(HEX).unwrap();
        let debug = format!("{key:?}");
        assert!(debug.contains("<redacted>"));
        assert!(debug.contains(key.fingerprint().as_str()));
        assert!(!debug.contains("000102"));
        assert!(!debug.contains(&STANDARD.encode(key.expose())));
        let value = SecretValue::from("hunter2");
        assert_eq!(format!("{value:?}"), "SecretValue(<redacted, 7 bytes>)");
    }

    #[test]
    fn key_files_hold_text_or_raw_bytes() {
        let dir =
            std::env::temp_dir().join(format!("linode-secrets-key-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let text_file = dir.join("key.txt");
        std::fs::write(&text_file, format!("{HEX}\n")).unwrap();
        let raw_file = dir.join("key.bin");
        let raw: Vec<u8> = (0u8..32).map(|b| b | 0x80).collect();
        std::fs::write(&raw_file, &raw).unwrap();
        let from_text = MasterKey::from_file(&text_file).unwrap();
        assert_eq!(from_text.expose()[1], 1);
        let from_raw = MasterKey::from_file(&raw_file).unwrap();
        assert_eq!(from_raw.expose()[0], 0x80);
        let missing = MasterKey::from_file(&dir.join("absent"))
            .unwrap_err()
            .to_string();
        assert!(missing.contains("absent"), "{missing}");
        let via_load = MasterKey::load(Some(&text_file)).unwrap();
        assert_eq!(via_load.fingerprint(), from_text.fingerprint());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
