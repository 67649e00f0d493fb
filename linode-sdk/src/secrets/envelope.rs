//! Envelope encryption and the self-describing blob format.
//!
//! Every stored version of a secret is one JSON document:
//!
//! ```json
//! {
//!   "header": {
//!     "format": "linode-secret/v1", "alg": "XChaCha20-Poly1305",
//!     "name": "platform/vllm-api-key", "key_id": "sha256:…", "revision": 3,
//!     "created": "…", "updated": "…", "rotated": "…",
//!     "rotation_period": "90d", "labels": {"team": "ml"}
//!   },
//!   "wrapped_dek": "<base64>", "dek_nonce": "<base64, 24 bytes>",
//!   "nonce": "<base64, 24 bytes>", "ciphertext": "<base64>"
//! }
//! ```
//!
//! A fresh random 256-bit data key (DEK) encrypts the value with XChaCha20-Poly1305; the master
//! key wraps the DEK with XChaCha20-Poly1305. Both use the serialised header as associated data,
//! so changing any header field (the name above all: a blob moved to another name) makes
//! authentication fail. `key_id` is the master key's [`KeyFingerprint`](super::KeyFingerprint),
//! never the key.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead as _, KeyInit as _, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use rand::RngCore as _;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::error::{Result, SecretsError};
use super::key::{MasterKey, SecretValue};
use super::period::RotationPeriod;

/// The `format` of blobs written by this code.
pub const BLOB_FORMAT: &str = "linode-secret/v1";
/// The `alg` of blobs written by this code.
pub const BLOB_ALG: &str = "XChaCha20-Poly1305";

const NONCE_LEN: usize = 24;
const DEK_LEN: usize = 32;
const AAD_CONTEXT: &[u8] = b"linode-secret/v1 header\0";

/// The clear-text header of a secret version: readable without any key, authenticated by it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretHeader {
    /// Blob format, [`BLOB_FORMAT`].
    pub format: String,
    /// AEAD algorithm, [`BLOB_ALG`].
    pub alg: String,
    /// The secret's name; must match the object it is stored under.
    pub name: String,
    /// Fingerprint of the master key that wrapped the data key.
    pub key_id: String,
    /// 1 for the first version of the secret, then one more per version.
    pub revision: u64,
    /// When the first version of the secret was written.
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    /// When this version was written.
    #[serde(with = "time::serde::rfc3339")]
    pub updated: OffsetDateTime,
    /// When the value last changed (a re-wrap keeps it); rotation is due from here.
    #[serde(with = "time::serde::rfc3339")]
    pub rotated: OffsetDateTime,
    /// How often the value must be rotated, if at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_period: Option<RotationPeriod>,
    /// Free-form labels.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

impl SecretHeader {
    /// The header of a first version written at `now` (`key_id` is set when sealing).
    pub fn new(name: &str, now: OffsetDateTime) -> Self {
        let now = whole_seconds(now);
        Self {
            format: BLOB_FORMAT.into(),
            alg: BLOB_ALG.into(),
            name: name.into(),
            key_id: String::new(),
            revision: 1,
            created: now,
            updated: now,
            rotated: now,
            rotation_period: None,
            labels: BTreeMap::new(),
        }
    }

    /// The header of the next version after `self`, written at `now`. `value_changed` moves
    /// `rotated` to `now`; a re-wrap keeps it.
    pub fn next(&self, now: OffsetDateTime, value_changed: bool) -> Self {
        let now = whole_seconds(now);
        Self {
            revision: self.revision + 1,
            updated: now,
            rotated: if value_changed { now } else { self.rotated },
            ..self.clone()
        }
    }

    fn associated_data(&self) -> Vec<u8> {
        let mut aad = AAD_CONTEXT.to_vec();
        aad.extend(serde_json::to_vec(self).expect("a header always serialises"));
        aad
    }
}

/// One sealed version of a secret: the header and the base64 encrypted parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretBlob {
    /// The authenticated clear-text header.
    pub header: SecretHeader,
    /// The data key encrypted under the master key (base64, with the Poly1305 tag).
    pub wrapped_dek: String,
    /// Nonce of the data key wrapping (base64, 24 bytes).
    pub dek_nonce: String,
    /// Nonce of the value encryption (base64, 24 bytes).
    pub nonce: String,
    /// The value encrypted under the data key (base64, with the Poly1305 tag).
    pub ciphertext: String,
}

impl SecretBlob {
    /// Parses a stored blob; `name` and `version` only label errors.
    pub fn from_json(bytes: &[u8], name: &str, version: &str) -> Result<Self> {
        serde_json::from_slice(bytes).map_err(|e| SecretsError::MalformedBlob {
            name: name.into(),
            version: version.into(),
            reason: format!("not a {BLOB_FORMAT} document: {e}"),
        })
    }

    /// The blob as pretty JSON, for storing.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).expect("a blob always serialises")
    }

    /// Encrypts `value` under a fresh data key wrapped by `key`. `header.format`, `alg` and
    /// `key_id` are set here.
    pub fn seal(key: &MasterKey, mut header: SecretHeader, value: &[u8]) -> Result<Self> {
        header.format = BLOB_FORMAT.into();
        header.alg = BLOB_ALG.into();
        header.key_id = key.fingerprint().as_str().into();
        let mut dek = Zeroizing::new([0u8; DEK_LEN]);
        rand::rng().fill_bytes(dek.as_mut());
        Self::seal_with_dek(key, header, &dek, value)
    }

    /// Decrypts the value with `key`, checking that the blob belongs to secret `name`.
    /// `version` labels errors (an object version id or revision).
    pub fn open(&self, key: &MasterKey, name: &str, version: &str) -> Result<SecretValue> {
        let (dek, aad) = self.unwrap_dek(key, name, version)?;
        let nonce = decode_nonce(&self.nonce, "nonce", name, version)?;
        let ciphertext = decode(&self.ciphertext, "ciphertext", name, version)?;
        let plain = XChaCha20Poly1305::new(Key::from_slice(dek.as_ref()))
            .decrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| tampered(name, version))?;
        Ok(SecretValue::new(plain))
    }

    /// A new blob with the same value and data key, the data key wrapped by `new` instead of
    /// `old`, under `header` (for example [`SecretHeader::next`] with `value_changed = false`).
    /// The value is authenticated first, and re-encrypted under the same data key with a fresh
    /// nonce because the header (the associated data) changes.
    pub fn rewrap(
        &self,
        old: &MasterKey,
        new: &MasterKey,
        name: &str,
        version: &str,
        mut header: SecretHeader,
    ) -> Result<Self> {
        let value = self.open(old, name, version)?;
        let (dek, _) = self.unwrap_dek(old, name, version)?;
        header.format = BLOB_FORMAT.into();
        header.alg = BLOB_ALG.into();
        header.key_id = new.fingerprint().as_str().into();
        Self::seal_with_dek(new, header, &dek, value.expose())
    }

    fn seal_with_dek(
        key: &MasterKey,
        header: SecretHeader,
        dek: &[u8; DEK_LEN],
        value: &[u8],
    ) -> Result<Self> {
        let aad = header.associated_data();
        let mut nonce = [0u8; NONCE_LEN];
        let mut dek_nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        rand::rng().fill_bytes(&mut dek_nonce);
        let ciphertext = XChaCha20Poly1305::new(Key::from_slice(dek))
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: value,
                    aad: &aad,
                },
            )
            .expect("XChaCha20-Poly1305 encryption of an in-memory value cannot fail");
        let wrapped = XChaCha20Poly1305::new(Key::from_slice(key.expose()))
            .encrypt(
                XNonce::from_slice(&dek_nonce),
                Payload {
                    msg: dek,
                    aad: &aad,
                },
            )
            .expect("XChaCha20-Poly1305 encryption of a data key cannot fail");
        Ok(Self {
            header,
            wrapped_dek: STANDARD.encode(wrapped),
            dek_nonce: STANDARD.encode(dek_nonce),
            nonce: STANDARD.encode(nonce),
            ciphertext: STANDARD.encode(ciphertext),
        })
    }

    fn unwrap_dek(
        &self,
        key: &MasterKey,
        name: &str,
        version: &str,
    ) -> Result<(Zeroizing<[u8; DEK_LEN]>, Vec<u8>)> {
        let header = &self.header;
        if header.format != BLOB_FORMAT || header.alg != BLOB_ALG {
            return Err(SecretsError::MalformedBlob {
                name: name.into(),
                version: version.into(),
                reason: format!(
                    "unsupported format {:?} / alg {:?} (this build reads {BLOB_FORMAT} / {BLOB_ALG})",
                    header.format, header.alg
                ),
            });
        }
        if header.name != name {
            return Err(tampered(name, version));
        }
        if header.key_id != key.fingerprint().as_str() {
            return Err(SecretsError::WrongKey {
                name: name.into(),
                stored: header.key_id.clone(),
                given: key.fingerprint().to_string(),
            });
        }
        let aad = header.associated_data();
        let dek_nonce = decode_nonce(&self.dek_nonce, "dek_nonce", name, version)?;
        let wrapped = decode(&self.wrapped_dek, "wrapped_dek", name, version)?;
        let dek = Zeroizing::new(
            XChaCha20Poly1305::new(Key::from_slice(key.expose()))
                .decrypt(
                    XNonce::from_slice(&dek_nonce),
                    Payload {
                        msg: &wrapped,
                        aad: &aad,
                    },
                )
                .map_err(|_| tampered(name, version))?,
        );
        let mut out = Zeroizing::new([0u8; DEK_LEN]);
        if dek.len() != DEK_LEN {
            return Err(tampered(name, version));
        }
        out.copy_from_slice(&dek);
        Ok((out, aad))
    }
}

fn tampered(name: &str, version: &str) -> SecretsError {
    SecretsError::Tampered {
        name: name.into(),
        version: version.into(),
    }
}

fn decode(text: &str, field: &str, name: &str, version: &str) -> Result<Vec<u8>> {
    STANDARD
        .decode(text)
        .map_err(|_| SecretsError::MalformedBlob {
            name: name.into(),
            version: version.into(),
            reason: format!("{field} is not base64"),
        })
}

fn decode_nonce(text: &str, field: &str, name: &str, version: &str) -> Result<[u8; NONCE_LEN]> {
    let bytes = decode(text, field, name, version)?;
    bytes.try_into().map_err(|_| SecretsError::MalformedBlob {
        name: name.into(),
        version: version.into(),
        reason: format!("{field} is not {NONCE_LEN} bytes"),
    })
}

/// `t` in UTC without its sub-second part, so that headers round-trip through RFC 3339 exactly.
pub(crate) fn whole_seconds(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .expect("0 ns is valid")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn header(name: &str) -> SecretHeader {
        let mut h = SecretHeader::new(name, datetime!(2026-01-02 03:04:05.678 UTC));
        h.rotation_period = Some("90d".parse().unwrap());
        h.labels.insert("team".into(), "ml".into());
        h
    }

    #[test]
    fn round_trip_through_json() {
        let key = MasterKey::generate();
        let blob = SecretBlob::seal(&key, header("app/db"), b"s3cr3t value").unwrap();
        assert_eq!(blob.header.key_id, key.fingerprint().as_str());
        assert_eq!(blob.header.created, datetime!(2026-01-02 03:04:05 UTC));
        let json = blob.to_json();
        let text = String::from_utf8(json.clone()).unwrap();
        assert!(!text.contains("s3cr3t"));
        assert!(text.contains("\"alg\": \"XChaCha20-Poly1305\""));
        assert!(text.contains("\"rotation_period\": \"90d\""));
        let parsed = SecretBlob::from_json(&json, "app/db", "v1").unwrap();
        assert_eq!(parsed, blob);
        assert_eq!(
            parsed.open(&key, "app/db", "v1").unwrap().expose(),
            b"s3cr3t value"
        );
    }

    #[test]
    fn every_seal_uses_fresh_randomness() {
        let key = MasterKey::generate();
        let a = SecretBlob::seal(&key, header("x"), b"same").unwrap();
        let b = SecretBlob::seal(&key, header("x"), b"same").unwrap();
        assert_ne!(a.ciphertext, b.ciphertext);
        assert_ne!(a.wrapped_dek, b.wrapped_dek);
        assert_ne!(a.nonce, b.nonce);
    }

    #[test]
    fn wrong_key_names_both_fingerprints() {
        let key = MasterKey::generate();
        let other = MasterKey::generate();
        let blob = SecretBlob::seal(&key, header("x"), b"v").unwrap();
        let err = blob.open(&other, "x", "v7").unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "secret x was encrypted with master key {}, not the one given ({})",
                key.fingerprint(),
                other.fingerprint()
            )
        );
    }

    #[test]
    fn any_change_is_detected_as_tampering() {
        let key = MasterKey::generate();
        let blob = SecretBlob::seal(&key, header("app/db"), b"value").unwrap();
        let expected = "authentication failed: secret app/db version v3 was modified";

        let mut flipped = blob.clone();
        let mut ct = STANDARD.decode(&flipped.ciphertext).unwrap();
        ct[0] ^= 1;
        flipped.ciphertext = STANDARD.encode(ct);
        assert_eq!(
            flipped.open(&key, "app/db", "v3").unwrap_err().to_string(),
            expected
        );

        let mut relabelled = blob.clone();
        relabelled.header.labels.insert("team".into(), "web".into());
        assert_eq!(
            relabelled
                .open(&key, "app/db", "v3")
                .unwrap_err()
                .to_string(),
            expected
        );

        let mut backdated = blob.clone();
        backdated.header.rotated = datetime!(2020-01-01 0:00 UTC);
        assert_eq!(
            backdated
                .open(&key, "app/db", "v3")
                .unwrap_err()
                .to_string(),
            expected
        );

        let mut wrapped = blob.clone();
        let mut w = STANDARD.decode(&wrapped.wrapped_dek).unwrap();
        w[5] ^= 0x40;
        wrapped.wrapped_dek = STANDARD.encode(w);
        assert_eq!(
            wrapped.open(&key, "app/db", "v3").unwrap_err().to_string(),
            expected
        );
    }

    #[test]
    fn a_blob_moved_to_another_name_is_refused() {
        let key = MasterKey::generate();
        let blob = SecretBlob::seal(&key, header("app/db"), b"value").unwrap();
        // Stored under another name as it is.
        let err = blob.open(&key, "app/other", "v1").unwrap_err();
        assert!(matches!(err, SecretsError::Tampered { ref name, .. } if name == "app/other"));
        // And with its header name edited to match: the associated data no longer does.
        let mut renamed = blob.clone();
        renamed.header.name = "app/other".into();
        assert!(matches!(
            renamed.open(&key, "app/other", "v1"),
            Err(SecretsError::Tampered { .. })
        ));
    }

    #[test]
    fn malformed_blobs_are_reported() {
        let key = MasterKey::generate();
        let err = SecretBlob::from_json(b"{\"nope\":1}", "a", "v1")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("secret a version v1 is not a valid secret blob"),
            "{err}"
        );
        let mut blob = SecretBlob::seal(&key, header("a"), b"v").unwrap();
        blob.nonce = "!!!".into();
        let err = blob.open(&key, "a", "v1").unwrap_err().to_string();
        assert!(err.contains("nonce is not base64"), "{err}");
        blob.header.alg = "ROT13".into();
        let err = blob.open(&key, "a", "v1").unwrap_err().to_string();
        assert!(err.contains("unsupported format"), "{err}");
    }

    #[test]
    fn rewrap_keeps_value_and_rotation_clock() {
        let old = MasterKey::generate();
        let new = MasterKey::generate();
        let blob = SecretBlob::seal(&old, header("k"), b"keep me").unwrap();
        let next = blob.header.next(datetime!(2026-06-01 0:00 UTC), false);
        let re = blob.rewrap(&old, &new, "k", "v1", next).unwrap();
        assert_eq!(re.header.key_id, new.fingerprint().as_str());
        assert_eq!(re.header.revision, 2);
        assert_eq!(re.header.rotated, blob.header.rotated);
        assert_eq!(re.header.updated, datetime!(2026-06-01 0:00 UTC));
        assert_eq!(re.open(&new, "k", "v2").unwrap().expose(), b"keep me");
        assert!(matches!(
            re.open(&old, "k", "v2"),
            Err(SecretsError::WrongKey { .. })
        ));
        // Re-wrapping with a key that cannot open the blob fails without writing anything.
        assert!(matches!(
            blob.rewrap(&new, &old, "k", "v1", blob.header.clone()),
            Err(SecretsError::WrongKey { .. })
        ));
    }
}
