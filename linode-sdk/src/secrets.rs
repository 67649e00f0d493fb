//! Secret manager on versioned, client-side-encrypted Object Storage.
//!
//! Linode's API has no secrets endpoint, so secrets live as objects in a versioned bucket,
//! encrypted before they leave the machine:
//!
//! - [`MasterKey`]: 32 bytes from `LINODE_SECRETS_KEY` (base64 or hex) or a key file, known to
//!   the store only by its [`KeyFingerprint`].
//! - [`SecretBlob`]: envelope encryption, a fresh XChaCha20-Poly1305 data key per version
//!   wrapped by the master key, the clear [`SecretHeader`] as associated data, bound to the
//!   secret's [`SecretAddress`] (bucket, prefix and name) and to the version it follows (see the
//!   format in the `envelope` docs).
//! - [`SecretStore`]: put/get/list/versions/delete, metadata without a key, the
//!   [`RotationReport`], and re-wrapping under a new master key, over any [`ObjectBackend`]: the
//!   SDK's [`S3Client`](crate::s3::S3Client) or the in-memory [`MemoryBackend`]. Reads with the
//!   key refuse a rolled-back, moved or modified version; keyless reads are unauthenticated and
//!   say so ([`SecretMetadata::verified`]). See the trust model in the `store` docs.
//! - [`Bundle`]: the YAML declaration of one Kubernetes Secret, rendered as a plain `Secret`
//!   ([`render_secret`]) or a Bitnami `SealedSecret` ([`render_sealed_secret`]) for a controller
//!   certificate ([`SealingCertificate`]).
//!
//! No secret value or key material is ever logged, shown by `Debug`, or put in an error.
//!
//! This module is behind the opt-in `secrets` feature (it adds RSA, X.509 and YAML).
//!
//! ```no_run
//! use linode_sdk::s3::{S3Client, S3Config};
//! use linode_sdk::secrets::{MasterKey, PutOptions, SecretStore};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let s3 = S3Client::new(S3Config::new("fr-par-1.linodeobjects.com", "ACCESS", "SECRET"))?;
//! let store = SecretStore::new(s3, "platform-secrets", "secrets/");
//! store.check_bucket().await?; // exists, versioning Enabled
//! let key = MasterKey::load(None)?; // LINODE_SECRETS_KEY
//! let options = PutOptions { rotation_period: Some("30d".parse()?), labels: None };
//! let written = store.put(&key, "platform/vllm-api-key", &"s3cr3t".into(), options).await?;
//! let latest = store.get(&key, "platform/vllm-api-key", None).await?;
//! let pinned = store.get(&key, "platform/vllm-api-key", written.version_id.as_deref()).await?;
//! let meta = store.metadata("platform/vllm-api-key", None).await?; // no key: unauthenticated
//! let due = store.rotation_report(time::OffsetDateTime::now_utc()).await?.due;
//! # let _ = (latest, pinned, meta, due); Ok(()) }
//! ```

mod backend;
mod bundle;
mod envelope;
mod error;
mod key;
mod kube;
mod period;
mod s3;
mod store;

pub use backend::{
    BackendError, MemoryBackend, ObjectBackend, ObjectHead, ObjectVersionEntry, PutCondition,
    StoredObject,
};
pub use bundle::{Bundle, BundleSecret};
pub use envelope::{
    BLOB_ALG, BLOB_FORMAT, BLOB_FORMAT_V1, SecretAddress, SecretBlob, SecretHeader,
};
pub use error::{Result, SecretsError};
pub use key::{KeyFingerprint, MASTER_KEY_ENV, MASTER_KEY_LEN, MasterKey, SecretValue};
pub use kube::{
    CLUSTER_WIDE_ANNOTATION, ENVIRONMENT_ANNOTATION, MANAGED_BY_LABEL, NAMESPACE_WIDE_ANNOTATION,
    SealingCertificate, SealingScope, render_sealed_secret, render_secret,
};
pub use period::{PeriodUnit, RotationPeriod};
pub use store::{
    MAX_NAME_LEN, PutOptions, RewrapReport, RotationEntry, RotationReport, Secret, SecretMetadata,
    SecretStore, VersionInfo, meta, validate_name,
};
