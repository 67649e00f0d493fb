//! The error type of the secret manager.
//!
//! Every message is written so that an operator can act on it, and none of them ever contains a
//! secret value or master key material: only names, version ids, fingerprints and field paths.

use crate::s3::VersioningStatus;

/// Why an operation of the secret manager failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SecretsError {
    /// No master key was given: neither a key file nor the `LINODE_SECRETS_KEY` variable.
    #[error(
        "no master key given: set LINODE_SECRETS_KEY (32 bytes, base64 or hex) or pass a key file"
    )]
    MissingMasterKey,
    /// The master key text or file could not be used (the message never quotes the key).
    #[error("invalid master key from {origin}: {reason}")]
    InvalidMasterKey {
        /// Where the key came from (`LINODE_SECRETS_KEY`, a file path).
        origin: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The secret was sealed under another master key than the one given.
    #[error("secret {name} was encrypted with master key {stored}, not the one given ({given})")]
    WrongKey {
        /// Secret name.
        name: String,
        /// Fingerprint recorded in the secret's header.
        stored: String,
        /// Fingerprint of the key that was given.
        given: String,
    },
    /// The AEAD check failed: the blob, its header or its binding to the name was altered.
    #[error("authentication failed: secret {name} version {version} was modified")]
    Tampered {
        /// Secret name.
        name: String,
        /// Object version id (or revision) that failed.
        version: String,
    },
    /// The blob was sealed for another address (bucket, prefix or name) than the one it was read
    /// from: copied from another secret or store (sealed under the same master key).
    #[error(
        "secret {name} version {version} was sealed for {sealed_for}, not {stored_at}: a blob copied from another secret or store is refused"
    )]
    Misplaced {
        /// Secret name.
        name: String,
        /// Object version id (or revision) that was read.
        version: String,
        /// Where the blob was sealed for (`<bucket>/<prefix><name>`, or a v1 blob's name).
        sealed_for: String,
        /// Where it was read from (`<bucket>/<prefix><name>`).
        stored_at: String,
    },
    /// The latest version is an older version copied back over the secret: its authenticated
    /// header does not follow the bucket's history, and an earlier version has the same or a
    /// higher revision.
    #[error(
        "secret {name} was rolled back: its latest version {version} has revision {revision}, but an earlier version has revision {earlier_revision}: an older version was copied back over the secret, so it is refused (check the bucket's history, then delete version {version} to restore the newer value)"
    )]
    Rollback {
        /// Secret name.
        name: String,
        /// Object version id of the latest version.
        version: String,
        /// The latest version's authenticated revision.
        revision: u64,
        /// The highest revision of the earlier versions.
        earlier_revision: u64,
    },
    /// Another writer changed the secret between reading its latest version and writing the
    /// next one (the conditional write failed); nothing was written.
    #[error(
        "secret {name} changed while it was being written (another put or re-wrap came first); nothing was written, try again"
    )]
    ConcurrentChange {
        /// Secret name.
        name: String,
    },
    /// Metadata of a secret that cannot be used (for example a rotation date out of range).
    #[error("secret {name}: {reason}")]
    InvalidMetadata {
        /// Secret name.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// A listing returned an object key outside the store's prefix.
    #[error(
        "listing bucket {bucket} under prefix {prefix:?} returned key {key:?}, which is outside the prefix"
    )]
    UnexpectedKey {
        /// Bucket name.
        bucket: String,
        /// The store's prefix.
        prefix: String,
        /// The key returned.
        key: String,
    },
    /// The stored object is not a secret blob this code can read.
    #[error("secret {name} version {version} is not a valid secret blob: {reason}")]
    MalformedBlob {
        /// Secret name.
        name: String,
        /// Object version id (or revision).
        version: String,
        /// What is wrong.
        reason: String,
    },
    /// A secret name that the store refuses.
    #[error("invalid secret name {name:?}: {reason}")]
    InvalidName {
        /// The refused name.
        name: String,
        /// Why.
        reason: String,
    },
    /// A label key or value that the store refuses.
    #[error("invalid label {label:?}: {reason}")]
    InvalidLabel {
        /// The label key (never its value).
        label: String,
        /// Why.
        reason: String,
    },
    /// A rotation period that does not parse.
    #[error("invalid rotation period {value:?}: {reason}")]
    InvalidPeriod {
        /// The text given.
        value: String,
        /// Why.
        reason: String,
    },
    /// The secret (or the given version of it) does not exist.
    #[error("secret {name}{} not found", version.as_deref().map(|v| format!(" version {v}")).unwrap_or_default())]
    NotFound {
        /// Secret name.
        name: String,
        /// The version asked for, if any.
        version: Option<String>,
    },
    /// The bucket does not exist.
    #[error("bucket {bucket} does not exist")]
    BucketMissing {
        /// Bucket name.
        bucket: String,
    },
    /// The bucket exists but does not keep versions.
    #[error(
        "bucket {bucket} has versioning {state}: the secret store needs versioning Enabled (PUT ?versioning Status=Enabled)"
    )]
    VersioningNotEnabled {
        /// Bucket name.
        bucket: String,
        /// [`VersioningStatus::Unversioned`] (shown as `off`) or
        /// [`VersioningStatus::Suspended`].
        state: VersioningStatus,
    },
    /// A bundle file is invalid; `field` is a path such as `secrets[2].rotation_period`.
    #[error("bundle {origin}: {field}: {reason}")]
    Bundle {
        /// The file (or other origin) of the bundle.
        origin: String,
        /// Path of the offending field.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// The sealed-secrets controller certificate could not be used.
    #[error("sealing certificate: {0}")]
    Certificate(String),
    /// Sealing a value for the controller failed.
    #[error("sealing {key} failed: {reason}")]
    Seal {
        /// Bundle key being sealed.
        key: String,
        /// Why.
        reason: String,
    },
    /// Rendering a manifest failed.
    #[error("rendering manifest: {0}")]
    Render(String),
    /// Object Storage answered with an error.
    #[error("object storage: {0}")]
    Backend(String),
    /// Reading or writing a local file failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done (names the path).
        context: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// Result alias of the secret manager.
pub type Result<T, E = SecretsError> = std::result::Result<T, E>;
