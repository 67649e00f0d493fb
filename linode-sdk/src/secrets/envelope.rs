//! Envelope encryption and the self-describing blob format.
//!
//! Every stored version of a secret is one JSON document:
//!
//! ```json
//! {
//!   "header": {
//!     "format": "linode-secret/v2", "alg": "XChaCha20-Poly1305",
//!     "bucket": "platform-secrets", "prefix": "secrets/", "name": "platform/vllm-api-key",
//!     "key_id": "sha256:…", "revision": 3, "previous_version": "<object version id>",
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
//! so changing any header field makes authentication fail. The header names the whole address
//! of the secret (bucket, prefix and name, a [`SecretAddress`]), so a blob copied to another
//! name, prefix or bucket sealed under the same master key is refused, and the object version
//! it was written after (`previous_version`), which lets the store detect an older version
//! copied back over the secret. `key_id` is the master key's
//! [`KeyFingerprint`](super::KeyFingerprint), never the key.
//!
//! Blobs of the first format (`linode-secret/v1`: no `bucket`, `prefix` nor `previous_version`,
//! only the name bound) stay readable; the next put or re-wrap of the secret writes a v2 blob.

use std::collections::BTreeMap;
use std::fmt;

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
pub const BLOB_FORMAT: &str = "linode-secret/v2";
/// The `format` of the first blob format, still read (bound to the name only).
pub const BLOB_FORMAT_V1: &str = "linode-secret/v1";
/// The `alg` of blobs written by this code.
pub const BLOB_ALG: &str = "XChaCha20-Poly1305";

const NONCE_LEN: usize = 24;
const DEK_LEN: usize = 32;
const AAD_CONTEXT_V1: &[u8] = b"linode-secret/v1 header\0";
const AAD_CONTEXT_V2: &[u8] = b"linode-secret/v2 header\0";

/// Where a secret lives: its bucket, the store's prefix and its name (object key
/// `<prefix><name>`). A v2 blob is bound to its address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretAddress {
    /// Bucket name.
    pub bucket: String,
    /// The store's key prefix (empty, or ending with `/`).
    pub prefix: String,
    /// Secret name.
    pub name: String,
}

impl fmt::Display for SecretAddress {
    /// `<bucket>/<prefix><name>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}{}", self.bucket, self.prefix, self.name)
    }
}

/// The clear-text header of a secret version: readable without any key, authenticated by it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretHeader {
    /// Blob format, [`BLOB_FORMAT`] (or [`BLOB_FORMAT_V1`] for blobs written before it).
    pub format: String,
    /// AEAD algorithm, [`BLOB_ALG`].
    pub alg: String,
    /// The bucket the blob was sealed for (v2; absent in v1 blobs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket: Option<String>,
    /// The store prefix the blob was sealed for (v2; absent in v1 blobs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// The secret's name; must match the object it is stored under.
    pub name: String,
    /// Fingerprint of the master key that wrapped the data key.
    pub key_id: String,
    /// 1 for the first version of the secret, then one more per version (also across deletes).
    pub revision: u64,
    /// The object version id of the version this one was written after, if any (v2). The store
    /// checks it against the bucket's history to detect an older version copied back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_version: Option<String>,
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
    /// The header of a first version of secret `name` written at `now` (the address, `format`
    /// and `key_id` are set when sealing).
    pub fn new(name: &str, now: OffsetDateTime) -> Self {
        let now = whole_seconds(now);
        Self {
            format: BLOB_FORMAT.into(),
            alg: BLOB_ALG.into(),
            bucket: None,
            prefix: None,
            name: name.into(),
            key_id: String::new(),
            revision: 1,
            previous_version: None,
            created: now,
            updated: now,
            rotated: now,
            rotation_period: None,
            labels: BTreeMap::new(),
        }
    }

    /// The header of the next version after `self`, written at `now` after object version
    /// `previous_version`. `value_changed` moves `rotated` to `now`; a re-wrap keeps it. The
    /// revision saturates, so even a forged maximal revision cannot overflow.
    pub fn next(
        &self,
        previous_version: Option<String>,
        now: OffsetDateTime,
        value_changed: bool,
    ) -> Self {
        let now = whole_seconds(now);
        Self {
            revision: self.revision.saturating_add(1),
            previous_version,
            updated: now,
            rotated: if value_changed { now } else { self.rotated },
            ..self.clone()
        }
    }

    /// Whether this is a blob of the first format (bound to the name only).
    pub fn is_v1(&self) -> bool {
        self.format == BLOB_FORMAT_V1
    }

    /// What the blob was sealed for: `<bucket>/<prefix><name>`, or the name for a v1 blob.
    pub fn sealed_for(&self) -> String {
        match (&self.bucket, &self.prefix) {
            (Some(bucket), Some(prefix)) => format!("{bucket}/{prefix}{}", self.name),
            _ => self.name.clone(),
        }
    }

    /// Whether the header was sealed for `address` (a v1 header: for its name).
    fn belongs_to(&self, address: &SecretAddress) -> bool {
        if self.is_v1() {
            return self.name == address.name && self.bucket.is_none() && self.prefix.is_none();
        }
        self.name == address.name
            && self.bucket.as_deref() == Some(address.bucket.as_str())
            && self.prefix.as_deref() == Some(address.prefix.as_str())
    }

    fn associated_data(&self) -> Vec<u8> {
        let mut aad = if self.is_v1() {
            AAD_CONTEXT_V1.to_vec()
        } else {
            AAD_CONTEXT_V2.to_vec()
        };
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

    /// Encrypts `value` under a fresh data key wrapped by `key`, as a v2 blob bound to
    /// `address`. `header.format`, `alg`, `key_id` and the address fields are set here.
    pub fn seal(
        key: &MasterKey,
        address: &SecretAddress,
        header: SecretHeader,
        value: &[u8],
    ) -> Result<Self> {
        let mut dek = Zeroizing::new([0u8; DEK_LEN]);
        rand::rng().fill_bytes(dek.as_mut());
        Self::seal_with_dek(key, bind(header, key, address), &dek, value)
    }

    /// Decrypts the value with `key`, checking that the blob was sealed for `address` (a v1
    /// blob: for its name). `version` labels errors (an object version id or revision).
    pub fn open(
        &self,
        key: &MasterKey,
        address: &SecretAddress,
        version: &str,
    ) -> Result<SecretValue> {
        let name = address.name.as_str();
        let (dek, aad) = self.unwrap_dek(key, address, version)?;
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

    /// A new v2 blob bound to `address` with the same value and data key, the data key wrapped
    /// by `new` instead of `old` (which may be the same key, to upgrade a v1 blob), under
    /// `header` (for example [`SecretHeader::next`] with `value_changed = false`). The value is
    /// authenticated first, and re-encrypted under the same data key with a fresh nonce because
    /// the header (the associated data) changes.
    pub fn rewrap(
        &self,
        old: &MasterKey,
        new: &MasterKey,
        address: &SecretAddress,
        version: &str,
        header: SecretHeader,
    ) -> Result<Self> {
        let value = self.open(old, address, version)?;
        let (dek, _) = self.unwrap_dek(old, address, version)?;
        Self::seal_with_dek(new, bind(header, new, address), &dek, value.expose())
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
        address: &SecretAddress,
        version: &str,
    ) -> Result<(Zeroizing<[u8; DEK_LEN]>, Vec<u8>)> {
        let header = &self.header;
        let name = address.name.as_str();
        if !matches!(header.format.as_str(), BLOB_FORMAT | BLOB_FORMAT_V1) || header.alg != BLOB_ALG
        {
            return Err(SecretsError::MalformedBlob {
                name: name.into(),
                version: version.into(),
                reason: format!(
                    "unsupported format {:?} / alg {:?} (this build reads {BLOB_FORMAT} and \
                     {BLOB_FORMAT_V1} / {BLOB_ALG})",
                    header.format, header.alg
                ),
            });
        }
        if !header.belongs_to(address) {
            return Err(misplaced(&self.header, address, version));
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

/// `header` with the fields sealing sets: the current format and algorithm, the key's
/// fingerprint and the address.
fn bind(mut header: SecretHeader, key: &MasterKey, address: &SecretAddress) -> SecretHeader {
    header.format = BLOB_FORMAT.into();
    header.alg = BLOB_ALG.into();
    header.key_id = key.fingerprint().as_str().into();
    header.bucket = Some(address.bucket.clone());
    header.prefix = Some(address.prefix.clone());
    header.name = address.name.clone();
    header
}

/// The error for a header sealed for another address than the one it is read from.
pub(crate) fn misplaced(
    header: &SecretHeader,
    address: &SecretAddress,
    version: &str,
) -> SecretsError {
    SecretsError::Misplaced {
        name: address.name.clone(),
        version: version.into(),
        sealed_for: header.sealed_for(),
        stored_at: address.to_string(),
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

    fn at(bucket: &str, prefix: &str, name: &str) -> SecretAddress {
        SecretAddress {
            bucket: bucket.into(),
            prefix: prefix.into(),
            name: name.into(),
        }
    }

    fn seal(key: &MasterKey, address: &SecretAddress, value: &[u8]) -> SecretBlob {
        SecretBlob::seal(key, address, header(&address.name), value).unwrap()
    }

    #[test]
    fn round_trip_through_json() {
        let key = MasterKey::generate();
        let prod = at("secrets", "prod/", "app/db");
        let blob = seal(&key, &prod, b"s3cr3t value");
        assert_eq!(blob.header.key_id, key.fingerprint().as_str());
        assert_eq!(blob.header.created, datetime!(2026-01-02 03:04:05 UTC));
        assert_eq!(blob.header.format, BLOB_FORMAT);
        assert_eq!(blob.header.sealed_for(), "secrets/prod/app/db");
        let json = blob.to_json();
        let text = String::from_utf8(json.clone()).unwrap();
        assert!(!text.contains("s3cr3t"));
        assert!(text.contains("\"alg\": \"XChaCha20-Poly1305\""));
        assert!(text.contains("\"rotation_period\": \"90d\""));
        assert!(text.contains("\"bucket\": \"secrets\""));
        assert!(text.contains("\"prefix\": \"prod/\""));
        let parsed = SecretBlob::from_json(&json, "app/db", "v1").unwrap();
        assert_eq!(parsed, blob);
        assert_eq!(
            parsed.open(&key, &prod, "v1").unwrap().expose(),
            b"s3cr3t value"
        );
    }

    #[test]
    fn every_seal_uses_fresh_randomness() {
        let key = MasterKey::generate();
        let x = at("b", "", "x");
        let a = seal(&key, &x, b"same");
        let b = seal(&key, &x, b"same");
        assert_ne!(a.ciphertext, b.ciphertext);
        assert_ne!(a.wrapped_dek, b.wrapped_dek);
        assert_ne!(a.nonce, b.nonce);
    }

    #[test]
    fn wrong_key_names_both_fingerprints() {
        let key = MasterKey::generate();
        let other = MasterKey::generate();
        let x = at("b", "", "x");
        let blob = seal(&key, &x, b"v");
        let err = blob.open(&other, &x, "v7").unwrap_err().to_string();
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
        let db = at("b", "p/", "app/db");
        let blob = seal(&key, &db, b"value");
        let expected = "authentication failed: secret app/db version v3 was modified";

        let mut flipped = blob.clone();
        let mut ct = STANDARD.decode(&flipped.ciphertext).unwrap();
        ct[0] ^= 1;
        flipped.ciphertext = STANDARD.encode(ct);
        assert_eq!(
            flipped.open(&key, &db, "v3").unwrap_err().to_string(),
            expected
        );

        let mut relabelled = blob.clone();
        relabelled.header.labels.insert("team".into(), "web".into());
        assert_eq!(
            relabelled.open(&key, &db, "v3").unwrap_err().to_string(),
            expected
        );

        let mut backdated = blob.clone();
        backdated.header.rotated = datetime!(2020-01-01 0:00 UTC);
        assert_eq!(
            backdated.open(&key, &db, "v3").unwrap_err().to_string(),
            expected
        );

        let mut rechained = blob.clone();
        rechained.header.previous_version = Some("v0".into());
        assert_eq!(
            rechained.open(&key, &db, "v3").unwrap_err().to_string(),
            expected
        );

        let mut wrapped = blob.clone();
        let mut w = STANDARD.decode(&wrapped.wrapped_dek).unwrap();
        w[5] ^= 0x40;
        wrapped.wrapped_dek = STANDARD.encode(w);
        assert_eq!(
            wrapped.open(&key, &db, "v3").unwrap_err().to_string(),
            expected
        );
    }

    #[test]
    fn a_blob_moved_to_another_name_is_refused() {
        let key = MasterKey::generate();
        let blob = seal(&key, &at("b", "", "app/db"), b"value");
        let other = at("b", "", "app/other");
        // Stored under another name as it is.
        let err = blob.open(&key, &other, "v1").unwrap_err();
        assert_eq!(
            err.to_string(),
            "secret app/other version v1 was sealed for b/app/db, not b/app/other: a blob copied \
             from another secret or store is refused"
        );
        // And with its header name edited to match: the associated data no longer does.
        let mut renamed = blob.clone();
        renamed.header.name = "app/other".into();
        assert!(matches!(
            renamed.open(&key, &other, "v1"),
            Err(SecretsError::Tampered { .. })
        ));
    }

    #[test]
    fn a_blob_copied_to_another_store_is_refused() {
        // One master key for staging and prod: the address, not the key, tells them apart.
        let key = MasterKey::generate();
        let staging = at("secrets", "staging/", "app/db");
        let blob = seal(&key, &staging, b"staging password");
        for prod in [
            at("secrets", "prod/", "app/db"),
            at("secrets-prod", "staging/", "app/db"),
        ] {
            match blob.open(&key, &prod, "v9") {
                Err(SecretsError::Misplaced {
                    sealed_for,
                    stored_at,
                    ..
                }) => {
                    assert_eq!(sealed_for, "secrets/staging/app/db");
                    assert_eq!(stored_at, prod.to_string());
                }
                other => panic!("{prod}: {other:?}"),
            }
            // Editing the header's address to match breaks authentication.
            let mut moved = blob.clone();
            moved.header.bucket = Some(prod.bucket.clone());
            moved.header.prefix = Some(prod.prefix.clone());
            assert!(matches!(
                moved.open(&key, &prod, "v9"),
                Err(SecretsError::Tampered { .. })
            ));
        }
        assert_eq!(
            blob.open(&key, &staging, "v9").unwrap().expose(),
            b"staging password"
        );
    }

    /// A v1 blob made by an independent implementation of the first format (see
    /// `testdata/gen_v1_blob.py`): still readable, bound to its name only.
    #[test]
    fn v1_blobs_stay_readable_and_rewrap_to_v2() {
        let key = MasterKey::from_bytes(&(0u8..32).collect::<Vec<_>>()).unwrap();
        let json = include_bytes!("testdata/v1-blob.json");
        let blob = SecretBlob::from_json(json, "app/legacy", "v1").unwrap();
        assert!(blob.header.is_v1());
        assert_eq!(blob.header.key_id, key.fingerprint().as_str());
        let here = at("secrets", "prod/", "app/legacy");
        assert_eq!(
            blob.open(&key, &here, "v1").unwrap().expose(),
            b"legacy value"
        );
        // Only the name is bound in v1.
        let elsewhere = at("other", "x/", "app/legacy");
        assert!(blob.open(&key, &elsewhere, "v1").is_ok());
        assert!(matches!(
            blob.open(&key, &at("secrets", "prod/", "app/other"), "v1"),
            Err(SecretsError::Misplaced { .. })
        ));
        // A v1 header edited into a v2 one is refused.
        let mut upgraded = blob.clone();
        upgraded.header.format = BLOB_FORMAT.into();
        upgraded.header.bucket = Some("secrets".into());
        upgraded.header.prefix = Some("prod/".into());
        assert!(matches!(
            upgraded.open(&key, &here, "v1"),
            Err(SecretsError::Tampered { .. })
        ));
        // Re-wrapping under the same key upgrades it to v2, bound to its address.
        let next = blob
            .header
            .next(Some("v1".into()), datetime!(2026-01-01 0:00 UTC), false);
        let v2 = blob.rewrap(&key, &key, &here, "v1", next).unwrap();
        assert_eq!(v2.header.format, BLOB_FORMAT);
        assert_eq!(v2.header.revision, 3);
        assert_eq!(v2.header.previous_version.as_deref(), Some("v1"));
        assert_eq!(v2.header.rotated, blob.header.rotated);
        assert_eq!(
            v2.open(&key, &here, "v2").unwrap().expose(),
            b"legacy value"
        );
        assert!(matches!(
            v2.open(&key, &elsewhere, "v2"),
            Err(SecretsError::Misplaced { .. })
        ));
    }

    #[test]
    fn malformed_blobs_are_reported() {
        let key = MasterKey::generate();
        let a = at("b", "", "a");
        let err = SecretBlob::from_json(b"{\"nope\":1}", "a", "v1")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("secret a version v1 is not a valid secret blob"),
            "{err}"
        );
        let mut blob = seal(&key, &a, b"v");
        blob.nonce = "!!!".into();
        let err = blob.open(&key, &a, "v1").unwrap_err().to_string();
        assert!(err.contains("nonce is not base64"), "{err}");
        blob.header.alg = "ROT13".into();
        let err = blob.open(&key, &a, "v1").unwrap_err().to_string();
        assert!(err.contains("unsupported format"), "{err}");
    }

    #[test]
    fn rewrap_keeps_value_and_rotation_clock() {
        let old = MasterKey::generate();
        let new = MasterKey::generate();
        let k = at("b", "", "k");
        let blob = seal(&old, &k, b"keep me");
        let next = blob
            .header
            .next(Some("v1".into()), datetime!(2026-06-01 0:00 UTC), false);
        let re = blob.rewrap(&old, &new, &k, "v1", next).unwrap();
        assert_eq!(re.header.key_id, new.fingerprint().as_str());
        assert_eq!(re.header.revision, 2);
        assert_eq!(re.header.rotated, blob.header.rotated);
        assert_eq!(re.header.updated, datetime!(2026-06-01 0:00 UTC));
        assert_eq!(re.open(&new, &k, "v2").unwrap().expose(), b"keep me");
        assert!(matches!(
            re.open(&old, &k, "v2"),
            Err(SecretsError::WrongKey { .. })
        ));
        // Re-wrapping with a key that cannot open the blob fails without writing anything.
        assert!(matches!(
            blob.rewrap(&new, &old, &k, "v1", blob.header.clone()),
            Err(SecretsError::WrongKey { .. })
        ));
    }

    #[test]
    fn a_forged_maximal_revision_does_not_overflow() {
        let mut h = header("x");
        h.revision = u64::MAX;
        assert_eq!(
            h.next(None, datetime!(2026-01-01 0:00 UTC), true).revision,
            u64::MAX
        );
    }
}
