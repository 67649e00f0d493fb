//! [`SecretStore`]: secrets as versioned objects in a bucket.
//!
//! Secret `name` lives at object key `<prefix><name>`; every put is a new object version. The
//! header of each version is also copied into the object's user metadata (`x-amz-meta-*`), so
//! listing, metadata and the rotation report need one `HEAD` per secret and no key.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use time::OffsetDateTime;

use super::backend::{BackendError, ObjectBackend, ObjectHead, VersioningStatus};
use super::bundle::Bundle;
use super::envelope::{BLOB_FORMAT, SecretBlob, SecretHeader};
use super::error::{Result, SecretsError, VersioningState};
use super::key::{MasterKey, SecretValue};
use super::period::RotationPeriod;

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

/// What is known about one version of a secret without decrypting it.
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
}

impl SecretMetadata {
    fn from_header(header: &SecretHeader, version_id: Option<String>) -> Self {
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
        }
    }

    /// When rotation is due, if the secret has a period.
    pub fn rotation_due_at(&self) -> Option<OffsetDateTime> {
        self.rotation_period.map(|p| self.rotated + p.duration())
    }

    fn header(&self) -> SecretHeader {
        let mut header = SecretHeader::new(&self.name, self.created);
        header.key_id = self.key_id.clone();
        header.revision = self.revision;
        header.updated = self.updated;
        header.rotated = self.rotated;
        header.rotation_period = self.rotation_period;
        header.labels = self.labels.clone();
        header
    }
}

fn header_to_user_metadata(header: &SecretHeader) -> BTreeMap<String, String> {
    let rfc = |t: OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .expect("UTC times format")
    };
    let mut out = BTreeMap::from([
        (meta::FORMAT.to_owned(), header.format.clone()),
        (meta::NAME.to_owned(), header.name.clone()),
        (meta::KEY_ID.to_owned(), header.key_id.clone()),
        (meta::REVISION.to_owned(), header.revision.to_string()),
        (meta::CREATED.to_owned(), rfc(header.created)),
        (meta::UPDATED.to_owned(), rfc(header.updated)),
        (meta::ROTATED.to_owned(), rfc(header.rotated)),
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

/// The metadata from user metadata, or `None` when it is absent or incomplete.
fn metadata_from_head(name: &str, head: &ObjectHead) -> Option<SecretMetadata> {
    let m = &head.metadata;
    let time = |k: &str| {
        OffsetDateTime::parse(m.get(k)?, &time::format_description::well_known::Rfc3339).ok()
    };
    if m.get(meta::FORMAT)? != BLOB_FORMAT || m.get(meta::NAME)? != name {
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
    })
}

/// A decrypted secret version.
#[derive(Debug, Clone)]
pub struct Secret {
    /// The value (redacted in `Debug`).
    pub value: SecretValue,
    /// Its version's metadata.
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

/// Which secrets are due for rotation at a given time.
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
    /// Secrets given a new version under the new key: (name, new version id).
    pub rewrapped: Vec<(String, Option<String>)>,
    /// Secrets whose latest version already was under the new key.
    pub already_current: Vec<String>,
}

type Clock = Arc<dyn Fn() -> OffsetDateTime + Send + Sync>;

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

    /// The object key of secret `name`.
    pub fn object_key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
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
            VersioningStatus::Off => Err(SecretsError::VersioningNotEnabled {
                bucket: self.bucket.clone(),
                state: VersioningState::Off,
            }),
            VersioningStatus::Suspended => Err(SecretsError::VersioningNotEnabled {
                bucket: self.bucket.clone(),
                state: VersioningState::Suspended,
            }),
        }
    }

    /// Stores `value` as a new version of `name`, sealed under `key`. Refuses when the current
    /// version is sealed under another key (re-wrap first), so one secret never mixes keys.
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
        let mut header = match self.current_metadata(name).await? {
            Some(previous) => {
                if previous.key_id != key.fingerprint().as_str() {
                    return Err(SecretsError::WrongKey {
                        name: name.into(),
                        stored: previous.key_id,
                        given: key.fingerprint().to_string(),
                    });
                }
                previous.header().next(now, true)
            }
            None => SecretHeader::new(name, now),
        };
        if let Some(period) = options.rotation_period {
            header.rotation_period = Some(period);
        }
        if let Some(labels) = options.labels {
            header.labels = labels;
        }
        let blob = SecretBlob::seal(key, header, value.expose())?;
        self.write(name, &blob).await
    }

    /// Decrypts the latest (or the given) version of `name`.
    pub async fn get(&self, key: &MasterKey, name: &str, version: Option<&str>) -> Result<Secret> {
        validate_name(name)?;
        let object = self
            .backend
            .get_object(&self.bucket, &self.object_key(name), version)
            .await
            .map_err(|e| self.not_found(e, name, version))?;
        let label = version_label(object.head.version_id.as_deref(), version);
        let blob = SecretBlob::from_json(&object.body, name, &label)?;
        let value = blob.open(key, name, &label)?;
        Ok(Secret {
            value,
            metadata: SecretMetadata::from_header(&blob.header, object.head.version_id),
        })
    }

    /// The metadata of the latest (or the given) version of `name`, without any key.
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
        if blob.header.name != name {
            // A blob stored under another name: the same verdict `get` would give.
            return Err(SecretsError::Tampered {
                name: name.into(),
                version: label,
            });
        }
        Ok(SecretMetadata::from_header(
            &blob.header,
            object.head.version_id,
        ))
    }

    /// Every secret under the prefix (latest versions), by name. Objects that are not secret
    /// blobs (foreign files under the prefix) are skipped with a warning.
    pub async fn list(&self) -> Result<Vec<SecretMetadata>> {
        let keys = self
            .backend
            .list_objects(&self.bucket, &self.prefix)
            .await
            .map_err(|e| self.backend_error(e))?;
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            let name = &key[self.prefix.len()..];
            if validate_name(name).is_err() {
                continue;
            }
            match self.metadata(name, None).await {
                Ok(m) => out.push(m),
                // Deleted between the listing and the head.
                Err(SecretsError::NotFound { .. }) => {}
                Err(SecretsError::MalformedBlob { reason, .. }) => {
                    tracing::warn!(object = %key, %reason, "skipping an object that is not a secret");
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
        let key = self.object_key(name);
        let entries = self
            .backend
            .list_object_versions(&self.bucket, &key)
            .await
            .map_err(|e| self.backend_error(e))?;
        let mut out: Vec<VersionInfo> = entries
            .into_iter()
            .filter(|e| e.key == key)
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
    pub async fn rotation_report(&self, now: OffsetDateTime) -> Result<RotationReport> {
        let mut report = RotationReport {
            now,
            due: Vec::new(),
            upcoming: Vec::new(),
            unscheduled: Vec::new(),
        };
        for m in self.list().await? {
            match (m.rotation_period, m.rotation_due_at()) {
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
    /// Secrets already under `new` are skipped, so an interrupted run can be repeated. Earlier
    /// versions stay under `old`.
    pub async fn rewrap(&self, old: &MasterKey, new: &MasterKey) -> Result<RewrapReport> {
        self.check_bucket().await?;
        let mut report = RewrapReport::default();
        let now = (self.clock)();
        for m in self.list().await? {
            if m.key_id == new.fingerprint().as_str() {
                report.already_current.push(m.name);
                continue;
            }
            let object = self
                .backend
                .get_object(
                    &self.bucket,
                    &self.object_key(&m.name),
                    m.version_id.as_deref(),
                )
                .await
                .map_err(|e| self.not_found(e, &m.name, m.version_id.as_deref()))?;
            let label = version_label(object.head.version_id.as_deref(), None);
            let blob = SecretBlob::from_json(&object.body, &m.name, &label)?;
            let next = blob.header.next(now, false);
            let rewrapped = blob.rewrap(old, new, &m.name, &label, next)?;
            let written = self.write(&m.name, &rewrapped).await?;
            report.rewrapped.push((m.name, written.version_id));
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

    async fn write(&self, name: &str, blob: &SecretBlob) -> Result<SecretMetadata> {
        let version_id = self
            .backend
            .put_object(
                &self.bucket,
                &self.object_key(name),
                blob.to_json(),
                header_to_user_metadata(&blob.header),
            )
            .await
            .map_err(|e| self.backend_error(e))?;
        tracing::debug!(secret = name, version = ?version_id, revision = blob.header.revision, "secret version written");
        Ok(SecretMetadata::from_header(&blob.header, version_id))
    }

    async fn current_metadata(&self, name: &str) -> Result<Option<SecretMetadata>> {
        match self.metadata(name, None).await {
            Ok(m) => Ok(Some(m)),
            Err(SecretsError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn backend_error(&self, e: BackendError) -> SecretsError {
        match e {
            BackendError::NoSuchBucket => SecretsError::BucketMissing {
                bucket: self.bucket.clone(),
            },
            BackendError::NoSuchKey => SecretsError::Backend("no such key".into()),
            BackendError::Other(message) => SecretsError::Backend(message),
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
        assert_eq!(m.rotation_due_at(), Some(T0 + time::Duration::days(30)));

        // A blob written without user metadata: the header is read from the body instead.
        let blob = SecretBlob::seal(&key, SecretHeader::new("c", T0), b"z").unwrap();
        store
            .backend()
            .put_object("secrets", "prod/c", blob.to_json(), BTreeMap::new())
            .await
            .unwrap();
        let m = store.metadata("c", None).await.unwrap();
        assert_eq!((m.name.as_str(), m.revision), ("c", 1));
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

        mem.create_bucket("plain", VersioningStatus::Off);
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
            .put_object("secrets", "prod/a", blob.to_json(), object.head.metadata)
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
        mem.put_object("secrets", "prod/a", b.body, b.head.metadata)
            .await
            .unwrap();
        assert!(matches!(
            store.get(&key, "a", None).await,
            Err(SecretsError::Tampered { .. })
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
        mem.put_object("secrets", "prod/README", readme, BTreeMap::new())
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
        mem.put_object("secrets", "prod/moved", blob, BTreeMap::new())
            .await
            .unwrap();
        assert!(matches!(
            store.metadata("moved", None).await,
            Err(SecretsError::Tampered { .. })
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
}
