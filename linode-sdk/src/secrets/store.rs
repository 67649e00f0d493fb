//! [`SecretStore`]: secrets as versioned objects in a bucket.
//!
//! Secret `name` lives at object key `<prefix><name>`; every put is a new object version. The
//! header of each version is also copied into the object's user metadata (`x-amz-meta-*`), so
//! listing, metadata and the rotation report need one `HEAD` per secret and no key.
//!
//! What is trusted, and what is not:
//!
//! - [`get`](SecretStore::get), [`put`](SecretStore::put) and [`rewrap`](SecretStore::rewrap)
//!   only act on blobs opened with the master key: the header they build on is the
//!   authenticated one inside the blob, never the `x-amz-meta-*` copy, and the blob must have
//!   been sealed for this bucket, prefix and name.
//! - Before using the latest version, they check that it was not rolled back: its authenticated
//!   `previous_version` must be the version before it in the bucket's history, or else its
//!   revision must be higher than every earlier version's. An older version copied back over
//!   the secret (by anyone with write access to the bucket) is refused with
//!   [`SecretsError::Rollback`]. Removing versions (which needs delete access) is not detected.
//! - Writes are conditional on the version they build on (`If-Match` / `If-None-Match`), so two
//!   concurrent writers never both follow the same version.
//! - [`metadata`](SecretStore::metadata), [`list`](SecretStore::list) and
//!   [`rotation_report`](SecretStore::rotation_report) need no key and are **not
//!   authenticated**: their values come from `x-amz-meta-*` (or the clear header), which anyone
//!   with write access to the bucket can forge. Their [`SecretMetadata::verified`] is `false`.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use futures::{StreamExt as _, TryStreamExt as _};
use serde::Serialize;
use time::OffsetDateTime;

use super::backend::{BackendError, ObjectBackend, ObjectHead, ObjectVersionEntry, PutCondition};
use super::bundle::Bundle;
use super::envelope::{
    BLOB_FORMAT, BLOB_FORMAT_V1, SecretAddress, SecretBlob, SecretHeader, misplaced,
};
use super::error::{Result, SecretsError};
use super::key::{MasterKey, SecretValue};
use super::period::RotationPeriod;
use crate::s3::VersioningStatus;

/// User metadata keys (`x-amz-meta-<key>`) written with every version.
pub mod meta {
    /// Blob format.
    pub const FORMAT: &str = "secret-format";
    /// Secret name.
    pub const NAME: &str = "secret-name";
    /// Master key fingerprint.
    pub const KEY_ID: &str = "secret-key-id";
    /// Revision number.
    pub const REVISION: &str = "secret-revision";
    /// First version's time (RFC 3339).
    pub const CREATED: &str = "secret-created";
    /// This version's time (RFC 3339).
    pub const UPDATED: &str = "secret-updated";
    /// Time the value last changed (RFC 3339).
    pub const ROTATED: &str = "secret-rotated";
    /// Rotation period, e.g. `90d`.
    pub const ROTATION_PERIOD: &str = "secret-rotation-period";
    /// Labels as compact JSON.
    pub const LABELS: &str = "secret-labels";
}

/// Longest accepted secret name.
pub const MAX_NAME_LEN: usize = 256;

/// How many `HEAD`s run at once when earlier versions' revisions are needed.
const HEAD_CONCURRENCY: usize = 8;

/// Checks a secret name: `/`-separated segments of letters, digits, `.`, `_` and `-`, no empty,
/// `.` or `..` segment, at most [`MAX_NAME_LEN`] bytes.
pub fn validate_name(name: &str) -> Result<()> {
    let bad = |reason: &str| SecretsError::InvalidName {
        name: name.into(),
        reason: reason.into(),
    };
    if name.is_empty() || name.len() > MAX_NAME_LEN {
        return Err(bad("must be 1 to 256 characters"));
    }
    for segment in name.split('/') {
        if segment.is_empty() || segment == "." || segment == ".." {
            return Err(bad("empty, '.' or '..' path segment"));
        }
        if !segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        {
            return Err(bad(
                "only letters, digits, '.', '_', '-' and '/' are allowed",
            ));
        }
    }
    Ok(())
}

fn validate_labels(labels: &BTreeMap<String, String>) -> Result<()> {
    for (key, value) in labels {
        let bad = |reason: &str| SecretsError::InvalidLabel {
            label: key.clone(),
            reason: reason.into(),
        };
        if key.is_empty()
            || key.len() > 63
            || !key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/'))
        {
            return Err(bad(
                "keys are 1 to 63 letters, digits, '.', '_', '-' or '/'",
            ));
        }
        if value.len() > 256 || !value.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return Err(bad("values are at most 256 printable ASCII characters"));
        }
    }
    Ok(())
}

/// What is known about one version of a secret, and whether it was authenticated.
///
/// From [`SecretStore::get`] and [`SecretStore::put`] it is the authenticated header of a blob
/// opened with the master key (`verified: true`). From the keyless reads
/// ([`SecretStore::metadata`], [`SecretStore::list`]) it is **unauthenticated** (`verified:
/// false`): read from `x-amz-meta-*` or the blob's clear header, both of which anyone with write
/// access to the bucket can forge. Never build on unverified metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecretMetadata {
    /// Secret name.
    pub name: String,
    /// Object version id (absent only if the server gave none).
    pub version_id: Option<String>,
    /// 1 for the first version, one more for each version after.
    pub revision: u64,
    /// Fingerprint of the master key this version is sealed with.
    pub key_id: String,
    /// When the first version was written.
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    /// When this version was written.
    #[serde(with = "time::serde::rfc3339")]
    pub updated: OffsetDateTime,
    /// When the value last changed (rotation is due from here).
    #[serde(with = "time::serde::rfc3339")]
    pub rotated: OffsetDateTime,
    /// Rotation period, if any.
    pub rotation_period: Option<RotationPeriod>,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// `true` when these values come from a blob authenticated with the master key; `false` for
    /// keyless reads, whose values anyone with write access to the bucket can forge.
    pub verified: bool,
}

impl SecretMetadata {
    fn from_header(header: &SecretHeader, version_id: Option<String>, verified: bool) -> Self {
        Self {
            name: header.name.clone(),
            version_id,
            revision: header.revision,
            key_id: header.key_id.clone(),
            created: header.created,
            updated: header.updated,
            rotated: header.rotated,
            rotation_period: header.rotation_period,
            labels: header.labels.clone(),
            verified,
        }
    }

    /// When rotation is due (`rotated + rotation_period`), `Ok(None)` without a period.
    ///
    /// # Errors
    /// [`SecretsError::InvalidMetadata`] when the due date is past the representable range
    /// (a forged `rotated` near the end of time).
    pub fn rotation_due_at(&self) -> Result<Option<OffsetDateTime>> {
        let Some(period) = self.rotation_period else {
            return Ok(None);
        };
        self.rotated
            .checked_add(period.duration())
            .map(Some)
            .ok_or_else(|| SecretsError::InvalidMetadata {
                name: self.name.clone(),
                reason: format!(
                    "rotation is due {period} after {}, which is past the year 9999",
                    rfc3339(self.rotated)
                ),
            })
    }
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

fn header_to_user_metadata(header: &SecretHeader) -> BTreeMap<String, String> {
    let mut out = BTreeMap::from([
        (meta::FORMAT.to_owned(), header.format.clone()),
        (meta::NAME.to_owned(), header.name.clone()),
        (meta::KEY_ID.to_owned(), header.key_id.clone()),
        (meta::REVISION.to_owned(), header.revision.to_string()),
        (meta::CREATED.to_owned(), rfc3339(header.created)),
        (meta::UPDATED.to_owned(), rfc3339(header.updated)),
        (meta::ROTATED.to_owned(), rfc3339(header.rotated)),
        (
            meta::LABELS.to_owned(),
            serde_json::to_string(&header.labels).expect("labels serialise"),
        ),
    ]);
    if let Some(period) = header.rotation_period {
        out.insert(meta::ROTATION_PERIOD.to_owned(), period.to_string());
    }
    out
}

/// The (unauthenticated) metadata from user metadata, or `None` when it is absent or
/// incomplete.
fn metadata_from_head(name: &str, head: &ObjectHead) -> Option<SecretMetadata> {
    let m = &head.metadata;
    let time = |k: &str| {
        OffsetDateTime::parse(m.get(k)?, &time::format_description::well_known::Rfc3339).ok()
    };
    if !matches!(m.get(meta::FORMAT)?.as_str(), BLOB_FORMAT | BLOB_FORMAT_V1)
        || m.get(meta::NAME)? != name
    {
        return None;
    }
    Some(SecretMetadata {
        name: name.to_owned(),
        version_id: head.version_id.clone(),
        revision: m.get(meta::REVISION)?.parse().ok()?,
        key_id: m.get(meta::KEY_ID)?.clone(),
        created: time(meta::CREATED)?,
        updated: time(meta::UPDATED)?,
        rotated: time(meta::ROTATED)?,
        rotation_period: match m.get(meta::ROTATION_PERIOD) {
            Some(p) => Some(p.parse().ok()?),
            None => None,
        },
        labels: serde_json::from_str(m.get(meta::LABELS)?).ok()?,
        verified: false,
    })
}

/// A decrypted secret version.
#[derive(Debug, Clone)]
pub struct Secret {
    /// The value (redacted in `Debug`).
    pub value: SecretValue,
    /// Its version's authenticated metadata (`verified: true`).
    pub metadata: SecretMetadata,
}

/// Options of [`SecretStore::put`].
#[derive(Debug, Clone, Default)]
pub struct PutOptions {
    /// New rotation period; `None` keeps the previous version's.
    pub rotation_period: Option<RotationPeriod>,
    /// New labels (replacing all); `None` keeps the previous version's.
    pub labels: Option<BTreeMap<String, String>>,
}

/// One version of a secret, from [`SecretStore::versions`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionInfo {
    /// Object version id.
    pub version_id: String,
    /// Whether it is the current version.
    pub is_latest: bool,
    /// Whether it is a delete marker (the secret was deleted here).
    pub deleted: bool,
    /// When it was written, if the server says.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_modified: Option<OffsetDateTime>,
}

/// A secret's rotation state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RotationEntry {
    /// Secret name.
    pub name: String,
    /// Its period.
    pub rotation_period: RotationPeriod,
    /// When the value last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub rotated: OffsetDateTime,
    /// `rotated + rotation_period`.
    #[serde(with = "time::serde::rfc3339")]
    pub due_at: OffsetDateTime,
}

/// Which secrets are due for rotation at a given time. Built from unauthenticated metadata
/// (see [`SecretStore::rotation_report`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RotationReport {
    /// The time the report is for.
    #[serde(with = "time::serde::rfc3339")]
    pub now: OffsetDateTime,
    /// Secrets whose `due_at` is at or before `now`, most overdue first.
    pub due: Vec<RotationEntry>,
    /// Secrets with a period that are not due yet, soonest first.
    pub upcoming: Vec<RotationEntry>,
    /// Secrets without a rotation period.
    pub unscheduled: Vec<String>,
}

/// Outcome of [`SecretStore::rewrap`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct RewrapReport {
    /// Secrets given a new version under the new key: (name, new version id). Includes v1 blobs
    /// already under the new key, upgraded to the v2 format.
    pub rewrapped: Vec<(String, Option<String>)>,
    /// Secrets whose latest version already was a v2 blob under the new key.
    pub already_current: Vec<String>,
}

type Clock = Arc<dyn Fn() -> OffsetDateTime + Send + Sync>;

/// The latest version of a secret, read and opened with the master key, checked against the
/// bucket's history.
struct Latest {
    blob: SecretBlob,
    value: SecretValue,
    version_id: String,
    etag: Option<String>,
}

/// Client-side-encrypted secrets in a versioned bucket, over any [`ObjectBackend`].
pub struct SecretStore<B> {
    backend: B,
    bucket: String,
    prefix: String,
    clock: Clock,
}

impl<B> fmt::Debug for SecretStore<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretStore")
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl<B: ObjectBackend> SecretStore<B> {
    /// A store in `bucket` under `prefix` (a `/` is added when missing; empty for the bucket
    /// root).
    pub fn new(backend: B, bucket: impl Into<String>, prefix: impl Into<String>) -> Self {
        let mut prefix = prefix.into().trim_start_matches('/').to_owned();
        if !prefix.is_empty() && !prefix.ends_with('/') {
            prefix.push('/');
        }
        Self {
            backend,
            bucket: bucket.into(),
            prefix,
            clock: Arc::new(OffsetDateTime::now_utc),
        }
    }

    /// Replaces the clock used for `created`/`updated`/`rotated` (tests, replays).
    pub fn with_clock(
        mut self,
        clock: impl Fn() -> OffsetDateTime + Send + Sync + 'static,
    ) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The backend.
    pub fn backend(&self) -> &B {
        &self.backend
    }

    /// The bucket name.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// The key prefix (empty, or ending with `/`).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The object key of secret `name`.
    pub fn object_key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// The address of secret `name` in this store, which its v2 blobs are bound to.
    pub fn address(&self, name: &str) -> SecretAddress {
        SecretAddress {
            bucket: self.bucket.clone(),
            prefix: self.prefix.clone(),
            name: name.to_owned(),
        }
    }

    /// Checks that the bucket exists and has versioning enabled.
    pub async fn check_bucket(&self) -> Result<()> {
        match self
            .backend
            .bucket_versioning(&self.bucket)
            .await
            .map_err(|e| self.backend_error(e))?
        {
            VersioningStatus::Enabled => Ok(()),
            state => Err(SecretsError::VersioningNotEnabled {
                bucket: self.bucket.clone(),
                state,
            }),
        }
    }

    /// Stores `value` as a new version of `name`, sealed under `key`.
    ///
    /// The new header follows the latest version's authenticated header (opened with `key`,
    /// checked not to be rolled back), never its `x-amz-meta-*` copy. Refuses when the current
    /// version is sealed under another key (re-wrap first), so one secret never mixes keys. After
    /// a delete the revision continues from the last version. The write is conditional on the
    /// version it follows ([`SecretsError::ConcurrentChange`] when another writer came first).
    pub async fn put(
        &self,
        key: &MasterKey,
        name: &str,
        value: &SecretValue,
        options: PutOptions,
    ) -> Result<SecretMetadata> {
        validate_name(name)?;
        if let Some(labels) = &options.labels {
            validate_labels(labels)?;
        }
        self.check_bucket().await?;
        let now = (self.clock)();
        let history = self.history(name).await?;
        let (mut header, condition) = match history.first() {
            None => (SecretHeader::new(name, now), PutCondition::NoCurrentObject),
            Some(latest) if latest.is_delete_marker => {
                // Written again after a delete: a new secret that continues the history, so a
                // deleted version copied back later is still recognised as older.
                let mut header = SecretHeader::new(name, now);
                if let Some(before) = history.iter().find(|e| !e.is_delete_marker) {
                    let revision = self
                        .revision_of(name, before.version_id.clone())
                        .await?
                        .unwrap_or(0);
                    header.revision = revision.saturating_add(1);
                    header.previous_version = Some(before.version_id.clone());
                }
                (header, PutCondition::NoCurrentObject)
            }
            Some(_) => {
                let latest = self.latest(key, name, &history).await?;
                let condition = match latest.etag {
                    Some(etag) => PutCondition::ETagMatches(etag),
                    None => PutCondition::None,
                };
                let header = latest.blob.header.next(Some(latest.version_id), now, true);
                (header, condition)
            }
        };
        if let Some(period) = options.rotation_period {
            header.rotation_period = Some(period);
        }
        if let Some(labels) = options.labels {
            header.labels = labels;
        }
        let blob = SecretBlob::seal(key, &self.address(name), header, value.expose())?;
        self.write(name, &blob, condition).await
    }

    /// Decrypts the latest (or the given) version of `name`.
    ///
    /// The latest version is refused when it was rolled back ([`SecretsError::Rollback`]) or
    /// sealed for another bucket, prefix or name ([`SecretsError::Misplaced`]). A version asked
    /// for by id is only checked for its address: it is old on purpose.
    pub async fn get(&self, key: &MasterKey, name: &str, version: Option<&str>) -> Result<Secret> {
        validate_name(name)?;
        let Some(version) = version else {
            let history = self.history(name).await?;
            if history.first().is_none_or(|e| e.is_delete_marker) {
                return Err(SecretsError::NotFound {
                    name: name.into(),
                    version: None,
                });
            }
            let latest = self.latest(key, name, &history).await?;
            return Ok(Secret {
                metadata: SecretMetadata::from_header(
                    &latest.blob.header,
                    Some(latest.version_id),
                    true,
                ),
                value: latest.value,
            });
        };
        let object = self
            .backend
            .get_object(&self.bucket, &self.object_key(name), Some(version))
            .await
            .map_err(|e| self.not_found(e, name, Some(version)))?;
        let label = version_label(object.head.version_id.as_deref(), Some(version));
        let blob = SecretBlob::from_json(&object.body, name, &label)?;
        let value = blob.open(key, &self.address(name), &label)?;
        Ok(Secret {
            value,
            metadata: SecretMetadata::from_header(&blob.header, object.head.version_id, true),
        })
    }

    /// The metadata of the latest (or the given) version of `name`, without any key.
    ///
    /// **Unauthenticated** (`verified: false`): read from `x-amz-meta-*` (or the blob's clear
    /// header when there is none), which anyone with write access to the bucket can forge. Use
    /// [`get`](Self::get) for values you build on.
    pub async fn metadata(&self, name: &str, version: Option<&str>) -> Result<SecretMetadata> {
        validate_name(name)?;
        let key = self.object_key(name);
        let head = self
            .backend
            .head_object(&self.bucket, &key, version)
            .await
            .map_err(|e| self.not_found(e, name, version))?;
        if let Some(found) = metadata_from_head(name, &head) {
            return Ok(found);
        }
        // Written without user metadata (or a server that drops it): read the blob's header.
        let object = self
            .backend
            .get_object(&self.bucket, &key, version.or(head.version_id.as_deref()))
            .await
            .map_err(|e| self.not_found(e, name, version))?;
        let label = version_label(object.head.version_id.as_deref(), version);
        let blob = SecretBlob::from_json(&object.body, name, &label)?;
        let address = self.address(name);
        let sealed_here = if blob.header.is_v1() {
            blob.header.name == name
        } else {
            blob.header.sealed_for() == address.to_string()
        };
        if !sealed_here {
            // A blob copied from elsewhere: the verdict `get` would give.
            return Err(misplaced(&blob.header, &address, &label));
        }
        Ok(SecretMetadata::from_header(
            &blob.header,
            object.head.version_id,
            false,
        ))
    }

    /// Every secret under the prefix (latest versions), by name, without any key. Objects that
    /// are not secret blobs (foreign files under the prefix) are skipped with a warning.
    ///
    /// **Unauthenticated**, like [`metadata`](Self::metadata).
    pub async fn list(&self) -> Result<Vec<SecretMetadata>> {
        let mut out = Vec::new();
        for name in self.names().await? {
            match self.metadata(&name, None).await {
                Ok(m) => out.push(m),
                // Deleted between the listing and the head.
                Err(SecretsError::NotFound { .. }) => {}
                Err(SecretsError::MalformedBlob { reason, .. }) => {
                    tracing::warn!(secret = %name, %reason, "skipping an object that is not a secret");
                }
                Err(e) => return Err(e),
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Every version of `name`, newest first (delete markers included, flagged).
    pub async fn versions(&self, name: &str) -> Result<Vec<VersionInfo>> {
        validate_name(name)?;
        let mut out: Vec<VersionInfo> = self
            .history(name)
            .await?
            .into_iter()
            .map(|e| VersionInfo {
                version_id: e.version_id,
                is_latest: e.is_latest,
                deleted: e.is_delete_marker,
                last_modified: e.last_modified,
            })
            .collect();
        if out.is_empty() {
            return Err(SecretsError::NotFound {
                name: name.into(),
                version: None,
            });
        }
        // Latest first, then by date; servers already list newest first, keep their order otherwise.
        out.sort_by_key(|v| std::cmp::Reverse(v.is_latest));
        Ok(out)
    }

    /// Deletes `name`: a delete marker, so earlier versions stay readable by version id.
    pub async fn delete(&self, name: &str) -> Result<()> {
        validate_name(name)?;
        let key = self.object_key(name);
        self.backend
            .head_object(&self.bucket, &key, None)
            .await
            .map_err(|e| self.not_found(e, name, None))?;
        self.backend
            .delete_object(&self.bucket, &key, None)
            .await
            .map_err(|e| self.backend_error(e))
    }

    /// Removes every version and delete marker of `name` for good; returns how many were
    /// removed. Unlike [`delete`](Self::delete) this cannot be undone.
    pub async fn purge(&self, name: &str) -> Result<usize> {
        let versions = self.versions(name).await?;
        let key = self.object_key(name);
        for v in &versions {
            self.backend
                .delete_object(&self.bucket, &key, Some(&v.version_id))
                .await
                .map_err(|e| self.backend_error(e))?;
        }
        Ok(versions.len())
    }

    /// Which secrets are due for rotation at `now` (no key needed).
    ///
    /// **Unauthenticated**, like [`list`](Self::list): a forged `x-amz-meta-*` can hide a due
    /// rotation. A due date out of range is an error naming the secret.
    pub async fn rotation_report(&self, now: OffsetDateTime) -> Result<RotationReport> {
        let mut report = RotationReport {
            now,
            due: Vec::new(),
            upcoming: Vec::new(),
            unscheduled: Vec::new(),
        };
        for m in self.list().await? {
            match (m.rotation_period, m.rotation_due_at()?) {
                (Some(rotation_period), Some(due_at)) => {
                    let entry = RotationEntry {
                        name: m.name,
                        rotation_period,
                        rotated: m.rotated,
                        due_at,
                    };
                    if due_at <= now {
                        report.due.push(entry)
                    } else {
                        report.upcoming.push(entry)
                    }
                }
                _ => report.unscheduled.push(m.name),
            }
        }
        report
            .due
            .sort_by(|a, b| a.due_at.cmp(&b.due_at).then_with(|| a.name.cmp(&b.name)));
        report
            .upcoming
            .sort_by(|a, b| a.due_at.cmp(&b.due_at).then_with(|| a.name.cmp(&b.name)));
        Ok(report)
    }

    /// Re-wraps the latest version of every secret from `old` to `new`: a new version per secret
    /// with the same value and data key, the data key wrapped by `new`; `rotated` is kept.
    ///
    /// Which key a secret is under is read from its authenticated blob, not its metadata: a
    /// secret is "already current" only when its latest version opens with `new`. v1 blobs under
    /// `new` are upgraded to the v2 format. Secrets already current are skipped, so an
    /// interrupted run can be repeated. Earlier versions stay under `old`. Objects that are not
    /// secret blobs are skipped with a warning; a rolled-back secret stops the run.
    pub async fn rewrap(&self, old: &MasterKey, new: &MasterKey) -> Result<RewrapReport> {
        self.check_bucket().await?;
        let mut report = RewrapReport::default();
        let now = (self.clock)();
        for name in self.names().await? {
            let history = self.history(&name).await?;
            if history.first().is_none_or(|e| e.is_delete_marker) {
                // Deleted between the listing and now.
                continue;
            }
            let stored_under_new = match self.latest_blob(&name, &history).await {
                Ok((blob, _)) => blob.header.key_id == new.fingerprint().as_str(),
                Err(SecretsError::MalformedBlob { reason, .. }) => {
                    tracing::warn!(secret = %name, %reason, "skipping an object that is not a secret");
                    continue;
                }
                Err(e) => return Err(e),
            };
            let from = if stored_under_new { new } else { old };
            let latest = self.latest(from, &name, &history).await?;
            if stored_under_new && !latest.blob.header.is_v1() {
                report.already_current.push(name);
                continue;
            }
            let label = latest.version_id.clone();
            let next = latest
                .blob
                .header
                .next(Some(latest.version_id.clone()), now, false);
            let rewrapped = latest
                .blob
                .rewrap(from, new, &self.address(&name), &label, next)?;
            let condition = match latest.etag {
                Some(etag) => PutCondition::ETagMatches(etag),
                None => PutCondition::None,
            };
            let written = self.write(&name, &rewrapped, condition).await?;
            report.rewrapped.push((name, written.version_id));
        }
        Ok(report)
    }

    /// The values of every secret of `bundle`, keyed by bundle key (for rendering manifests).
    pub async fn bundle_values(
        &self,
        key: &MasterKey,
        bundle: &Bundle,
    ) -> Result<BTreeMap<String, SecretValue>> {
        let mut out = BTreeMap::new();
        for entry in &bundle.secrets {
            let secret = self.get(key, &entry.source, None).await?;
            out.insert(entry.key.clone(), secret.value);
        }
        Ok(out)
    }

    async fn write(
        &self,
        name: &str,
        blob: &SecretBlob,
        condition: PutCondition,
    ) -> Result<SecretMetadata> {
        let version_id = self
            .backend
            .put_object(
                &self.bucket,
                &self.object_key(name),
                blob.to_json(),
                header_to_user_metadata(&blob.header),
                condition,
            )
            .await
            .map_err(|e| match e {
                BackendError::PreconditionFailed => {
                    SecretsError::ConcurrentChange { name: name.into() }
                }
                other => self.backend_error(other),
            })?;
        tracing::debug!(secret = name, version = ?version_id, revision = blob.header.revision, "secret version written");
        Ok(SecretMetadata::from_header(&blob.header, version_id, true))
    }

    /// The names of every object under the prefix that is a valid secret name.
    async fn names(&self) -> Result<Vec<String>> {
        let keys = self
            .backend
            .list_objects(&self.bucket, &self.prefix)
            .await
            .map_err(|e| self.backend_error(e))?;
        let mut names = Vec::with_capacity(keys.len());
        for key in keys {
            let Some(name) = key.strip_prefix(self.prefix.as_str()) else {
                return Err(SecretsError::UnexpectedKey {
                    bucket: self.bucket.clone(),
                    prefix: self.prefix.clone(),
                    key,
                });
            };
            if validate_name(name).is_ok() {
                names.push(name.to_owned());
            }
        }
        Ok(names)
    }

    /// The versions and delete markers of `name`, newest first.
    async fn history(&self, name: &str) -> Result<Vec<ObjectVersionEntry>> {
        let key = self.object_key(name);
        let entries = self
            .backend
            .list_object_versions(&self.bucket, &key)
            .await
            .map_err(|e| self.backend_error(e))?;
        Ok(entries.into_iter().filter(|e| e.key == key).collect())
    }

    /// Reads the blob of the latest version in `history` (which must not be a delete marker).
    async fn latest_blob(
        &self,
        name: &str,
        history: &[ObjectVersionEntry],
    ) -> Result<(SecretBlob, ObjectHead)> {
        let version = history
            .first()
            .map(|e| e.version_id.as_str())
            .ok_or_else(|| SecretsError::NotFound {
                name: name.into(),
                version: None,
            })?;
        let object = self
            .backend
            .get_object(&self.bucket, &self.object_key(name), Some(version))
            .await
            .map_err(|e| self.not_found(e, name, None))?;
        let blob = SecretBlob::from_json(&object.body, name, version)?;
        Ok((blob, object.head))
    }

    /// Reads and opens the latest version with `key`, and checks that it was not rolled back.
    async fn latest(
        &self,
        key: &MasterKey,
        name: &str,
        history: &[ObjectVersionEntry],
    ) -> Result<Latest> {
        let (blob, head) = self.latest_blob(name, history).await?;
        let version_id = history[0].version_id.clone();
        let value = blob.open(key, &self.address(name), &version_id)?;
        self.check_not_rolled_back(name, history, &blob.header)
            .await?;
        Ok(Latest {
            blob,
            value,
            version_id,
            etag: head.etag,
        })
    }

    /// The latest version (`history[0]`, whose authenticated header is `header`) must follow
    /// the version before it: its `previous_version` names it, or else (v1 blobs, pruned
    /// history) its revision is higher than every earlier version's.
    async fn check_not_rolled_back(
        &self,
        name: &str,
        history: &[ObjectVersionEntry],
        header: &SecretHeader,
    ) -> Result<()> {
        let earlier: Vec<&ObjectVersionEntry> = history
            .iter()
            .skip(1)
            .filter(|e| !e.is_delete_marker)
            .collect();
        let before = earlier.first().map(|e| e.version_id.as_str());
        if header.previous_version.as_deref() == before {
            return Ok(());
        }
        // Owned ids: a closure over borrowed entries would make the future not `Send` for
        // callers whose futures must be (async-trait methods).
        let ids: Vec<String> = earlier.iter().map(|e| e.version_id.clone()).collect();
        let revisions: Vec<Option<u64>> = futures::stream::iter(ids)
            .map(|id| self.revision_of(name, id))
            .buffered(HEAD_CONCURRENCY)
            .try_collect()
            .await?;
        match revisions.into_iter().flatten().max() {
            Some(earlier_revision) if earlier_revision >= header.revision => {
                Err(SecretsError::Rollback {
                    name: name.into(),
                    version: history[0].version_id.clone(),
                    revision: header.revision,
                    earlier_revision,
                })
            }
            _ => Ok(()),
        }
    }

    /// The revision of an earlier version, from its user metadata or else its blob's clear
    /// header; `None` for an object that is not a secret blob (or is gone). Unauthenticated:
    /// only used to recognise the latest version as older, never to build a header on.
    async fn revision_of(&self, name: &str, version_id: String) -> Result<Option<u64>> {
        let key = self.object_key(name);
        let version = Some(version_id.as_str());
        let head = match self.backend.head_object(&self.bucket, &key, version).await {
            Ok(head) => head,
            Err(BackendError::NoSuchKey) => return Ok(None),
            Err(e) => return Err(self.backend_error(e)),
        };
        if let Some(revision) = head
            .metadata
            .get(meta::REVISION)
            .and_then(|r| r.parse().ok())
        {
            return Ok(Some(revision));
        }
        let object = match self.backend.get_object(&self.bucket, &key, version).await {
            Ok(object) => object,
            Err(BackendError::NoSuchKey) => return Ok(None),
            Err(e) => return Err(self.backend_error(e)),
        };
        Ok(SecretBlob::from_json(&object.body, name, &version_id)
            .ok()
            .map(|b| b.header.revision))
    }

    fn backend_error(&self, e: BackendError) -> SecretsError {
        match e {
            BackendError::NoSuchBucket => SecretsError::BucketMissing {
                bucket: self.bucket.clone(),
            },
            BackendError::NoSuchKey => SecretsError::Backend("no such key".into()),
            other => SecretsError::Backend(other.to_string()),
        }
    }

    fn not_found(&self, e: BackendError, name: &str, version: Option<&str>) -> SecretsError {
        match e {
            BackendError::NoSuchKey => SecretsError::NotFound {
                name: name.into(),
                version: version.map(str::to_owned),
            },
            other => self.backend_error(other),
        }
    }
}

fn version_label(from_server: Option<&str>, asked: Option<&str>) -> String {
    from_server.or(asked).unwrap_or("latest").to_owned()
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use time::macros::datetime;

    use super::*;
    use crate::secrets::MemoryBackend;

    const T0: OffsetDateTime = datetime!(2026-01-01 0:00 UTC);

    /// A store over a fresh in-memory bucket whose clock the test moves.
    fn store() -> (SecretStore<Arc<MemoryBackend>>, Arc<Mutex<OffsetDateTime>>) {
        let mem = Arc::new(MemoryBackend::new());
        mem.create_bucket("secrets", VersioningStatus::Enabled);
        let now = Arc::new(Mutex::new(T0));
        let clock = now.clone();
        let store =
            SecretStore::new(mem, "secrets", "prod").with_clock(move || *clock.lock().unwrap());
        (store, now)
    }

    fn opts(period: &str) -> PutOptions {
        PutOptions {
            rotation_period: Some(period.parse().unwrap()),
            labels: None,
        }
    }

    #[tokio::test]
    async fn put_get_and_versions() {
        let (store, now) = store();
        let key = MasterKey::generate();
        let first = store
            .put(&key, "app/db", &"one".into(), opts("90d"))
            .await
            .unwrap();
        assert_eq!(first.revision, 1);
        *now.lock().unwrap() = T0 + time::Duration::days(1);
        let second = store
            .put(&key, "app/db", &"two".into(), PutOptions::default())
            .await
            .unwrap();
        assert_eq!(second.revision, 2);
        assert_eq!(second.created, T0);
        assert_eq!(second.rotated, T0 + time::Duration::days(1));
        assert_eq!(
            second.rotation_period.unwrap().to_string(),
            "90d",
            "period is kept"
        );
        assert_ne!(first.version_id, second.version_id);

        let latest = store.get(&key, "app/db", None).await.unwrap();
        assert_eq!(latest.value.expose(), b"two");
        assert_eq!(latest.metadata, second);
        let old = store
            .get(&key, "app/db", first.version_id.as_deref())
            .await
            .unwrap();
        assert_eq!(old.value.expose(), b"one");
        assert_eq!(old.metadata.revision, 1);

        let versions = store.versions("app/db").await.unwrap();
        assert_eq!(versions.len(), 2);
        assert!(versions[0].is_latest);
        assert_eq!(Some(&versions[0].version_id), second.version_id.as_ref());
        assert_eq!(
            store.backend().list_objects("secrets", "").await.unwrap(),
            vec!["prod/app/db"]
        );
    }

    #[tokio::test]
    async fn metadata_and_list_need_no_key() {
        let (store, _) = store();
        let key = MasterKey::generate();
        let labels = BTreeMap::from([("team".to_owned(), "ml".to_owned())]);
        store
            .put(
                &key,
                "b",
                &"x".into(),
                PutOptions {
                    rotation_period: None,
                    labels: Some(labels.clone()),
                },
            )
            .await
            .unwrap();
        store
            .put(&key, "a", &"y".into(), opts("30d"))
            .await
            .unwrap();
        let listed = store.list().await.unwrap();
        assert_eq!(
            listed.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(listed[1].labels, labels);
        assert_eq!(listed[0].key_id, key.fingerprint().as_str());
        let m = store.metadata("a", None).await.unwrap();
        assert_eq!(
            m.rotation_due_at().unwrap(),
            Some(T0 + time::Duration::days(30))
        );
        assert!(!m.verified, "keyless metadata is not authenticated");
        assert!(listed.iter().all(|m| !m.verified));

        // A blob written without user metadata: the header is read from the body instead.
        let blob =
            SecretBlob::seal(&key, &store.address("c"), SecretHeader::new("c", T0), b"z").unwrap();
        store
            .backend()
            .put_object(
                "secrets",
                "prod/c",
                blob.to_json(),
                BTreeMap::new(),
                PutCondition::None,
            )
            .await
            .unwrap();
        let m = store.metadata("c", None).await.unwrap();
        assert_eq!((m.name.as_str(), m.revision, m.verified), ("c", 1, false));
        assert_eq!(store.list().await.unwrap().len(), 3);
    }

    #[tokio::test]
    async fn bucket_problems_are_explained() {
        let mem = Arc::new(MemoryBackend::new());
        let key = MasterKey::generate();
        let store = SecretStore::new(mem.clone(), "absent", "");
        let err = store
            .put(&key, "a", &"v".into(), PutOptions::default())
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), "bucket absent does not exist");
        assert!(matches!(
            store.list().await,
            Err(SecretsError::BucketMissing { .. })
        ));

        mem.create_bucket("plain", VersioningStatus::Unversioned);
        let store = SecretStore::new(mem.clone(), "plain", "");
        let err = store
            .put(&key, "a", &"v".into(), PutOptions::default())
            .await
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("bucket plain has versioning off"),
            "{err}"
        );

        mem.create_bucket("paused", VersioningStatus::Suspended);
        let store = SecretStore::new(mem, "paused", "");
        let err = store.check_bucket().await.unwrap_err().to_string();
        assert!(
            err.starts_with("bucket paused has versioning suspended"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn tampering_and_swapping_are_detected() {
        let (store, _) = store();
        let key = MasterKey::generate();
        store
            .put(&key, "a", &"alpha".into(), PutOptions::default())
            .await
            .unwrap();
        store
            .put(&key, "b", &"beta".into(), PutOptions::default())
            .await
            .unwrap();
        let mem = store.backend();

        // Someone with write access edits a ciphertext.
        let object = mem.get_object("secrets", "prod/a", None).await.unwrap();
        let mut blob = SecretBlob::from_json(&object.body, "a", "x").unwrap();
        blob.ciphertext = format!("AAAA{}", &blob.ciphertext[4..]);
        let v = mem
            .put_object(
                "secrets",
                "prod/a",
                blob.to_json(),
                object.head.metadata,
                PutCondition::None,
            )
            .await
            .unwrap();
        let err = store.get(&key, "a", None).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "authentication failed: secret a version {} was modified",
                v.unwrap()
            )
        );

        // Or copies b's blob over a.
        let b = mem.get_object("secrets", "prod/b", None).await.unwrap();
        mem.put_object(
            "secrets",
            "prod/a",
            b.body,
            b.head.metadata,
            PutCondition::None,
        )
        .await
        .unwrap();
        assert!(matches!(
            store.get(&key, "a", None).await,
            Err(SecretsError::Misplaced { ref sealed_for, .. }) if sealed_for == "secrets/prod/b"
        ));
        // b itself is unharmed.
        assert_eq!(
            store.get(&key, "b", None).await.unwrap().value.expose(),
            b"beta"
        );
    }

    #[tokio::test]
    async fn the_wrong_key_is_named() {
        let (store, _) = store();
        let key = MasterKey::generate();
        let other = MasterKey::generate();
        store
            .put(&key, "a", &"v".into(), PutOptions::default())
            .await
            .unwrap();
        let expected = format!(
            "secret a was encrypted with master key {}, not the one given ({})",
            key.fingerprint(),
            other.fingerprint()
        );
        assert_eq!(
            store.get(&other, "a", None).await.unwrap_err().to_string(),
            expected
        );
        // A put under another key would split the secret across keys: refused.
        let err = store
            .put(&other, "a", &"w".into(), PutOptions::default())
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), expected);
    }

    #[tokio::test]
    async fn delete_leaves_old_versions_readable() {
        let (store, _) = store();
        let key = MasterKey::generate();
        let written = store
            .put(&key, "a", &"v".into(), PutOptions::default())
            .await
            .unwrap();
        store.delete("a").await.unwrap();
        assert_eq!(
            store.get(&key, "a", None).await.unwrap_err().to_string(),
            "secret a not found"
        );
        assert!(store.list().await.unwrap().is_empty());
        let old = store
            .get(&key, "a", written.version_id.as_deref())
            .await
            .unwrap();
        assert_eq!(old.value.expose(), b"v");
        let versions = store.versions("a").await.unwrap();
        assert!(versions[0].deleted && versions[0].is_latest);
        assert!(matches!(
            store.delete("a").await,
            Err(SecretsError::NotFound { .. })
        ));
        let err = store
            .get(&key, "a", Some("nope"))
            .await
            .unwrap_err()
            .to_string();
        assert_eq!(err, "secret a version nope not found");
    }

    #[tokio::test]
    async fn purge_removes_every_version() {
        let (store, _) = store();
        let key = MasterKey::generate();
        store
            .put(&key, "a", &"1".into(), PutOptions::default())
            .await
            .unwrap();
        let kept = store
            .put(&key, "ab", &"keep".into(), PutOptions::default())
            .await
            .unwrap();
        store
            .put(&key, "a", &"2".into(), PutOptions::default())
            .await
            .unwrap();
        store.delete("a").await.unwrap();
        assert_eq!(store.purge("a").await.unwrap(), 3);
        let left = store
            .backend()
            .list_object_versions("secrets", "prod/a")
            .await
            .unwrap();
        assert!(left.iter().all(|v| v.key == "prod/ab"));
        assert!(matches!(
            store.versions("a").await,
            Err(SecretsError::NotFound { .. })
        ));
        let kept_value = store
            .get(&key, "ab", kept.version_id.as_deref())
            .await
            .unwrap();
        assert_eq!(kept_value.value.expose(), b"keep");
    }

    #[tokio::test]
    async fn foreign_and_misplaced_objects() {
        let (store, _) = store();
        let key = MasterKey::generate();
        store
            .put(&key, "real", &"v".into(), PutOptions::default())
            .await
            .unwrap();
        let mem = store.backend();
        let readme = b"not a secret".to_vec();
        mem.put_object(
            "secrets",
            "prod/README",
            readme,
            BTreeMap::new(),
            PutCondition::None,
        )
        .await
        .unwrap();
        let listed = store.list().await.unwrap();
        assert_eq!(
            listed.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(),
            ["real"]
        );
        // A blob moved under another name, without user metadata: metadata refuses it too.
        let blob = mem
            .get_object("secrets", "prod/real", None)
            .await
            .unwrap()
            .body;
        mem.put_object(
            "secrets",
            "prod/moved",
            blob,
            BTreeMap::new(),
            PutCondition::None,
        )
        .await
        .unwrap();
        assert!(matches!(
            store.metadata("moved", None).await,
            Err(SecretsError::Misplaced { .. })
        ));
    }

    #[tokio::test]
    async fn rotation_report_lists_due_secrets() {
        let (store, now) = store();
        let key = MasterKey::generate();
        store
            .put(&key, "quarterly", &"v".into(), opts("90d"))
            .await
            .unwrap();
        store
            .put(&key, "monthly", &"v".into(), opts("30d"))
            .await
            .unwrap();
        store
            .put(&key, "forever", &"v".into(), PutOptions::default())
            .await
            .unwrap();
        *now.lock().unwrap() = T0 + time::Duration::days(20);
        store
            .put(&key, "weekly", &"v".into(), opts("1w"))
            .await
            .unwrap();

        let report = store
            .rotation_report(T0 + time::Duration::days(40))
            .await
            .unwrap();
        let names = |e: &[RotationEntry]| e.iter().map(|e| e.name.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(&report.due),
            ["weekly", "monthly"],
            "most overdue first"
        );
        assert_eq!(report.due[0].due_at, T0 + time::Duration::days(27));
        assert_eq!(report.due[1].due_at, T0 + time::Duration::days(30));
        assert_eq!(names(&report.upcoming), ["quarterly"]);
        assert_eq!(report.unscheduled, ["forever"]);

        // Rotating the value resets its clock.
        *now.lock().unwrap() = T0 + time::Duration::days(35);
        store
            .put(&key, "monthly", &"new".into(), PutOptions::default())
            .await
            .unwrap();
        let report = store
            .rotation_report(T0 + time::Duration::days(40))
            .await
            .unwrap();
        assert_eq!(names(&report.due), ["weekly"]);
        let due_exactly = store
            .rotation_report(T0 + time::Duration::days(27))
            .await
            .unwrap();
        assert_eq!(
            names(&due_exactly.due),
            ["weekly"],
            "due at the instant the period ends"
        );
    }

    #[tokio::test]
    async fn rewrap_moves_every_secret_to_the_new_key() {
        let (store, now) = store();
        let old = MasterKey::generate();
        let new = MasterKey::generate();
        store
            .put(&old, "a", &"alpha".into(), opts("90d"))
            .await
            .unwrap();
        store
            .put(&old, "b/c", &"gamma".into(), PutOptions::default())
            .await
            .unwrap();
        *now.lock().unwrap() = T0 + time::Duration::days(10);

        let report = store.rewrap(&old, &new).await.unwrap();
        assert_eq!(report.rewrapped.len(), 2);
        assert!(report.already_current.is_empty());
        for (name, value) in [("a", "alpha"), ("b/c", "gamma")] {
            let secret = store.get(&new, name, None).await.unwrap();
            assert_eq!(secret.value.expose_str(), Some(value));
            assert_eq!(secret.metadata.key_id, new.fingerprint().as_str());
            assert_eq!(secret.metadata.revision, 2);
            assert_eq!(secret.metadata.rotated, T0, "a re-wrap is not a rotation");
            assert!(matches!(
                store.get(&old, name, None).await,
                Err(SecretsError::WrongKey { .. })
            ));
        }
        // Repeating is harmless; a third key cannot re-wrap.
        let again = store.rewrap(&old, &new).await.unwrap();
        assert_eq!(again.already_current, ["a", "b/c"]);
        let third = MasterKey::generate();
        assert!(matches!(
            store.rewrap(&third, &MasterKey::generate()).await,
            Err(SecretsError::WrongKey { .. })
        ));
        // The new key can write again.
        store
            .put(&new, "a", &"alpha2".into(), PutOptions::default())
            .await
            .unwrap();
        let _ = third;
    }

    #[tokio::test]
    async fn bundle_values_come_from_the_store() {
        let (store, _) = store();
        let key = MasterKey::generate();
        let bundle = Bundle::from_yaml(
            "name: web\nenvironment: prod\nnamespace: default\nsecrets:\n  - key: token\n    description: T\n  - key: pass\n    description: P\n    source: shared/pass\n",
            "t",
        )
        .unwrap();
        store
            .put(&key, "web/token", &"tok".into(), PutOptions::default())
            .await
            .unwrap();
        let err = store
            .bundle_values(&key, &bundle)
            .await
            .unwrap_err()
            .to_string();
        assert_eq!(err, "secret shared/pass not found");
        store
            .put(&key, "shared/pass", &"pw".into(), PutOptions::default())
            .await
            .unwrap();
        let values = store.bundle_values(&key, &bundle).await.unwrap();
        assert_eq!(values["token"].expose(), b"tok");
        assert_eq!(values["pass"].expose(), b"pw");
    }

    #[tokio::test]
    async fn names_and_labels_are_checked() {
        let (store, _) = store();
        let key = MasterKey::generate();
        for bad in ["", "/a", "a/", "a//b", "a/../b", "a b", "ä"] {
            let err = store
                .put(&key, bad, &"v".into(), PutOptions::default())
                .await
                .unwrap_err();
            assert!(
                matches!(err, SecretsError::InvalidName { .. }),
                "{bad:?}: {err}"
            );
        }
        let labels = BTreeMap::from([("team".to_owned(), "line\nbreak".to_owned())]);
        let err = store
            .put(
                &key,
                "a",
                &"v".into(),
                PutOptions {
                    rotation_period: None,
                    labels: Some(labels),
                },
            )
            .await
            .unwrap_err();
        assert!(
            err.to_string().starts_with("invalid label \"team\""),
            "{err}"
        );
    }

    #[tokio::test]
    async fn nothing_secret_reaches_debug_output() {
        let (store, _) = store();
        let key = MasterKey::generate();
        store
            .put(&key, "a", &"hunter2-secret".into(), PutOptions::default())
            .await
            .unwrap();
        let secret = store.get(&key, "a", None).await.unwrap();
        let debug = format!("{secret:?} {store:?} {key:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(!debug.contains(key.to_base64().as_str()));
        let object = store
            .backend()
            .get_object("secrets", "prod/a", None)
            .await
            .unwrap();
        assert!(!String::from_utf8_lossy(&object.body).contains("hunter2"));
        assert!(!format!("{:?}", object.head.metadata).contains("hunter2"));
    }

    /// Copies version `version` of `key` back as the newest version, metadata included: what
    /// anyone with write access to the bucket can do.
    async fn copy_back(mem: &MemoryBackend, key: &str, version: &str) -> String {
        let old = mem.get_object("secrets", key, Some(version)).await.unwrap();
        mem.put_object(
            "secrets",
            key,
            old.body,
            old.head.metadata,
            PutCondition::None,
        )
        .await
        .unwrap()
        .unwrap()
    }

    #[tokio::test]
    async fn an_older_version_copied_back_is_refused() {
        let (store, _) = store();
        let key = MasterKey::generate();
        let v1 = store
            .put(&key, "app/db", &"one".into(), PutOptions::default())
            .await
            .unwrap();
        let v2 = store
            .put(&key, "app/db", &"two".into(), PutOptions::default())
            .await
            .unwrap();
        let replay = copy_back(
            store.backend(),
            "prod/app/db",
            v1.version_id.as_deref().unwrap(),
        )
        .await;
        let err = store.get(&key, "app/db", None).await.unwrap_err();
        assert!(
            matches!(
                &err,
                SecretsError::Rollback { name, version, revision: 1, earlier_revision: 2 }
                    if name == "app/db" && *version == replay
            ),
            "{err}"
        );
        assert!(
            err.to_string().starts_with(&format!(
                "secret app/db was rolled back: its latest version {replay} has revision 1, but \
                 an earlier version has revision 2"
            )),
            "{err}"
        );
        // Nothing builds on it: put and re-wrap are refused too, and write nothing.
        assert!(matches!(
            store
                .put(&key, "app/db", &"three".into(), PutOptions::default())
                .await,
            Err(SecretsError::Rollback { .. })
        ));
        assert!(matches!(
            store.rewrap(&key, &MasterKey::generate()).await,
            Err(SecretsError::Rollback { .. })
        ));
        assert_eq!(store.versions("app/db").await.unwrap().len(), 3);
        // The newer value stays readable by id; removing the replayed version restores it.
        let pinned = store
            .get(&key, "app/db", v2.version_id.as_deref())
            .await
            .unwrap();
        assert_eq!(pinned.value.expose(), b"two");
        store
            .backend()
            .delete_object("secrets", "prod/app/db", Some(&replay))
            .await
            .unwrap();
        let latest = store.get(&key, "app/db", None).await.unwrap();
        assert_eq!(latest.value.expose(), b"two");

        // Copying the latest version again is refused as well (same revision twice).
        let again = copy_back(
            store.backend(),
            "prod/app/db",
            v2.version_id.as_deref().unwrap(),
        )
        .await;
        assert!(matches!(
            store.get(&key, "app/db", None).await,
            Err(SecretsError::Rollback { ref version, revision: 2, earlier_revision: 2, .. })
                if *version == again
        ));
    }

    #[tokio::test]
    async fn pruning_old_versions_is_not_a_rollback() {
        let (store, _) = store();
        let key = MasterKey::generate();
        let mut ids = Vec::new();
        for value in ["one", "two", "three"] {
            let m = store
                .put(&key, "a", &value.into(), PutOptions::default())
                .await
                .unwrap();
            ids.push(m.version_id.unwrap());
        }
        // An operator removes a leaked middle version for good.
        store
            .backend()
            .delete_object("secrets", "prod/a", Some(&ids[1]))
            .await
            .unwrap();
        let latest = store.get(&key, "a", None).await.unwrap();
        assert_eq!(
            (latest.value.expose(), latest.metadata.revision),
            (&b"three"[..], 3)
        );
        let next = store
            .put(&key, "a", &"four".into(), PutOptions::default())
            .await
            .unwrap();
        assert_eq!(next.revision, 4);
    }

    #[tokio::test]
    async fn revisions_continue_after_a_delete() {
        let (store, now) = store();
        let key = MasterKey::generate();
        let v1 = store
            .put(&key, "a", &"one".into(), opts("30d"))
            .await
            .unwrap();
        store
            .put(&key, "a", &"two".into(), PutOptions::default())
            .await
            .unwrap();
        store.delete("a").await.unwrap();
        *now.lock().unwrap() = T0 + time::Duration::days(3);
        let again = store
            .put(&key, "a", &"three".into(), PutOptions::default())
            .await
            .unwrap();
        // A new secret (new dates, no period kept) that continues the history.
        assert_eq!(again.revision, 3);
        assert_eq!(again.created, T0 + time::Duration::days(3));
        assert_eq!(again.rotation_period, None);
        assert_eq!(
            store.get(&key, "a", None).await.unwrap().value.expose(),
            b"three"
        );
        // So a version from before the delete copied back is still recognised as older.
        let replay = copy_back(store.backend(), "prod/a", v1.version_id.as_deref().unwrap()).await;
        assert!(matches!(
            store.get(&key, "a", None).await,
            Err(SecretsError::Rollback { ref version, revision: 1, earlier_revision: 3, .. })
                if *version == replay
        ));
    }

    #[tokio::test]
    async fn a_rotation_date_out_of_range_is_an_error() {
        let (store, _) = store();
        let key = MasterKey::generate();
        store
            .put(&key, "a", &"v".into(), opts("90d"))
            .await
            .unwrap();
        let mem = store.backend();
        let object = mem.get_object("secrets", "prod/a", None).await.unwrap();
        let mut forged = object.head.metadata.clone();
        forged.insert(meta::ROTATED.into(), "9999-12-31T00:00:00Z".into());
        mem.put_object("secrets", "prod/a", object.body, forged, PutCondition::None)
            .await
            .unwrap();
        let m = store.metadata("a", None).await.unwrap();
        let expected = "secret a: rotation is due 90d after 9999-12-31T00:00:00Z, which is past \
                        the year 9999";
        assert_eq!(m.rotation_due_at().unwrap_err().to_string(), expected);
        assert_eq!(
            store.rotation_report(T0).await.unwrap_err().to_string(),
            expected
        );
    }

    #[tokio::test]
    async fn v1_blobs_are_read_and_upgraded_by_put_and_rewrap() {
        let key = MasterKey::from_bytes(&(0u8..32).collect::<Vec<_>>()).unwrap();
        let v1_blob = include_bytes!("testdata/v1-blob.json").to_vec();
        let (store, _) = store();
        let other = SecretStore::new(store.backend().clone(), "secrets", "other/");
        for s in [&store, &other] {
            s.backend()
                .put_object(
                    "secrets",
                    &s.object_key("app/legacy"),
                    v1_blob.clone(),
                    BTreeMap::new(),
                    PutCondition::None,
                )
                .await
                .unwrap();
        }
        let legacy = store.get(&key, "app/legacy", None).await.unwrap();
        assert_eq!(legacy.value.expose(), b"legacy value");
        assert_eq!(legacy.metadata.revision, 2);
        let legacy_version = legacy.metadata.version_id.clone();

        // The next put writes a v2 blob.
        let next = store
            .put(
                &key,
                "app/legacy",
                &"new value".into(),
                PutOptions::default(),
            )
            .await
            .unwrap();
        assert_eq!(next.revision, 3);
        let raw = store
            .backend()
            .get_object("secrets", "prod/app/legacy", None)
            .await
            .unwrap();
        let blob = SecretBlob::from_json(&raw.body, "app/legacy", "-").unwrap();
        assert_eq!(blob.header.format, BLOB_FORMAT);
        assert_eq!(blob.header.previous_version, legacy_version);
        assert_eq!(
            store
                .get(&key, "app/legacy", None)
                .await
                .unwrap()
                .value
                .expose(),
            b"new value"
        );
        // The v1 version stays readable by id.
        let old = store
            .get(&key, "app/legacy", legacy_version.as_deref())
            .await
            .unwrap();
        assert_eq!(old.value.expose(), b"legacy value");

        // A re-wrap under the same key upgrades a v1 blob, once.
        let report = other.rewrap(&key, &key).await.unwrap();
        assert_eq!(report.rewrapped.len(), 1);
        let raw = other
            .backend()
            .get_object("secrets", "other/app/legacy", None)
            .await
            .unwrap();
        let blob = SecretBlob::from_json(&raw.body, "app/legacy", "-").unwrap();
        assert_eq!(blob.header.sealed_for(), "secrets/other/app/legacy");
        assert_eq!(
            other.rewrap(&key, &key).await.unwrap().already_current,
            ["app/legacy"]
        );
        assert_eq!(
            other
                .get(&key, "app/legacy", None)
                .await
                .unwrap()
                .value
                .expose(),
            b"legacy value"
        );
    }
}
