//! The object operations the store needs, and an in-memory implementation.
//!
//! [`ObjectBackend`] is deliberately small: put (conditional, returning the new version id), get
//! and head (latest or a given version), list keys, list versions, delete, and the bucket's
//! versioning state. It is implemented for the SDK's [`S3Client`](crate::s3::S3Client) (in
//! `secrets/s3.rs`) and for [`MemoryBackend`], which follows S3's versioning rules closely enough
//! for unit tests of the store without a server.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use time::OffsetDateTime;

use crate::s3::VersioningStatus;

/// The condition of a put: what must hold for the write to happen (S3's `If-None-Match` and
/// `If-Match`). The store writes every version conditionally, so two concurrent writers never
/// both build on the same previous version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PutCondition {
    /// Write unconditionally.
    None,
    /// Only when the key has no current object (`If-None-Match: *`; a delete marker counts as
    /// none).
    NoCurrentObject,
    /// Only when the current object has this ETag (`If-Match`).
    ETagMatches(String),
}

/// Why an object operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackendError {
    /// The bucket does not exist.
    #[error("no such bucket")]
    NoSuchBucket,
    /// The key (or the given version of it) does not exist, or its latest version is a delete
    /// marker.
    #[error("no such key or version")]
    NoSuchKey,
    /// The [`PutCondition`] did not hold: another writer changed the object first.
    #[error("the object changed before the write (precondition failed)")]
    PreconditionFailed,
    /// Anything else, described for an operator.
    #[error("{0}")]
    Other(String),
}

/// What `HEAD` (or `GET`) tells about one object version.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ObjectHead {
    /// The version id, when the bucket keeps versions.
    pub version_id: Option<String>,
    /// The ETag (as the server sends it, quotes included), for [`PutCondition::ETagMatches`].
    pub etag: Option<String>,
    /// When the version was written, if the server says.
    pub last_modified: Option<OffsetDateTime>,
    /// User metadata (`x-amz-meta-*`, keys without the prefix, lower case).
    pub metadata: BTreeMap<String, String>,
}

/// An object version's content and head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    /// The body.
    pub body: Vec<u8>,
    /// Version id, date and user metadata.
    pub head: ObjectHead,
}

/// One entry of `ListObjectVersions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectVersionEntry {
    /// Object key.
    pub key: String,
    /// Version id.
    pub version_id: String,
    /// Whether this is the key's current version.
    pub is_latest: bool,
    /// Whether this version is a delete marker.
    pub is_delete_marker: bool,
    /// When the version was written, if the server says.
    pub last_modified: Option<OffsetDateTime>,
}

/// The object operations the secret store uses. Futures are `Send` so the store can run on a
/// multi-threaded runtime.
pub trait ObjectBackend: Send + Sync {
    /// The bucket's versioning state; [`BackendError::NoSuchBucket`] when it does not exist.
    fn bucket_versioning(
        &self,
        bucket: &str,
    ) -> impl Future<Output = Result<VersioningStatus, BackendError>> + Send;

    /// Writes an object with user metadata when `condition` holds
    /// ([`BackendError::PreconditionFailed`] otherwise); returns the new version id (if any).
    fn put_object(
        &self,
        bucket: &str,
        key: &str,
        body: Vec<u8>,
        metadata: BTreeMap<String, String>,
        condition: PutCondition,
    ) -> impl Future<Output = Result<Option<String>, BackendError>> + Send;

    /// Reads the latest (or the given) version of an object.
    fn get_object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> impl Future<Output = Result<StoredObject, BackendError>> + Send;

    /// Reads the head of the latest (or the given) version of an object.
    fn head_object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> impl Future<Output = Result<ObjectHead, BackendError>> + Send;

    /// Every key under `prefix` whose latest version is not a delete marker (all pages).
    fn list_objects(
        &self,
        bucket: &str,
        prefix: &str,
    ) -> impl Future<Output = Result<Vec<String>, BackendError>> + Send;

    /// Every version and delete marker of the keys under `prefix` (all pages), by key and newest
    /// first within a key (the store relies on this order to find a version's predecessor).
    fn list_object_versions(
        &self,
        bucket: &str,
        prefix: &str,
    ) -> impl Future<Output = Result<Vec<ObjectVersionEntry>, BackendError>> + Send;

    /// Deletes an object (a delete marker when versioned) or one version of it.
    fn delete_object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> impl Future<Output = Result<(), BackendError>> + Send;
}

impl<T: ObjectBackend> ObjectBackend for Arc<T> {
    fn bucket_versioning(
        &self,
        bucket: &str,
    ) -> impl Future<Output = Result<VersioningStatus, BackendError>> + Send {
        (**self).bucket_versioning(bucket)
    }

    fn put_object(
        &self,
        bucket: &str,
        key: &str,
        body: Vec<u8>,
        metadata: BTreeMap<String, String>,
        condition: PutCondition,
    ) -> impl Future<Output = Result<Option<String>, BackendError>> + Send {
        (**self).put_object(bucket, key, body, metadata, condition)
    }

    fn get_object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> impl Future<Output = Result<StoredObject, BackendError>> + Send {
        (**self).get_object(bucket, key, version_id)
    }

    fn head_object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> impl Future<Output = Result<ObjectHead, BackendError>> + Send {
        (**self).head_object(bucket, key, version_id)
    }

    fn list_objects(
        &self,
        bucket: &str,
        prefix: &str,
    ) -> impl Future<Output = Result<Vec<String>, BackendError>> + Send {
        (**self).list_objects(bucket, prefix)
    }

    fn list_object_versions(
        &self,
        bucket: &str,
        prefix: &str,
    ) -> impl Future<Output = Result<Vec<ObjectVersionEntry>, BackendError>> + Send {
        (**self).list_object_versions(bucket, prefix)
    }

    fn delete_object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> impl Future<Output = Result<(), BackendError>> + Send {
        (**self).delete_object(bucket, key, version_id)
    }
}

/// An in-memory bucket store with S3 versioning semantics, for tests.
#[derive(Debug, Default)]
pub struct MemoryBackend {
    state: Mutex<MemoryState>,
}

#[derive(Debug, Default)]
struct MemoryState {
    buckets: BTreeMap<String, MemoryBucket>,
    next_version: u64,
}

#[derive(Debug)]
struct MemoryBucket {
    versioning: VersioningStatus,
    /// Versions of each key, oldest first.
    objects: BTreeMap<String, Vec<MemoryVersion>>,
}

#[derive(Debug, Clone)]
struct MemoryVersion {
    version_id: String,
    /// `None` for a delete marker.
    body: Option<Vec<u8>>,
    /// The S3 ETag of the body (quoted MD5), empty for a delete marker.
    etag: String,
    metadata: BTreeMap<String, String>,
    last_modified: OffsetDateTime,
}

impl MemoryBackend {
    /// An empty store with no buckets.
    pub fn new() -> Self {
        Self::default()
    }

    /// Creates (or resets the versioning of) a bucket.
    pub fn create_bucket(&self, bucket: &str, versioning: VersioningStatus) {
        let mut state = self.lock();
        state
            .buckets
            .entry(bucket.to_owned())
            .or_insert_with(|| MemoryBucket {
                versioning,
                objects: BTreeMap::new(),
            })
            .versioning = versioning;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MemoryState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn find(
        state: &MemoryState,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<MemoryVersion, BackendError> {
        let bucket = state
            .buckets
            .get(bucket)
            .ok_or(BackendError::NoSuchBucket)?;
        let versions = bucket.objects.get(key).ok_or(BackendError::NoSuchKey)?;
        let found = match version_id {
            None => versions.last().filter(|v| v.body.is_some()),
            Some(id) => versions
                .iter()
                .find(|v| v.version_id == id && v.body.is_some()),
        };
        found.cloned().ok_or(BackendError::NoSuchKey)
    }
}

fn head_of(version: &MemoryVersion) -> ObjectHead {
    ObjectHead {
        version_id: Some(version.version_id.clone()),
        etag: Some(version.etag.clone()),
        last_modified: Some(version.last_modified),
        metadata: version.metadata.clone(),
    }
}

impl ObjectBackend for MemoryBackend {
    async fn bucket_versioning(&self, bucket: &str) -> Result<VersioningStatus, BackendError> {
        let state = self.lock();
        state
            .buckets
            .get(bucket)
            .map(|b| b.versioning)
            .ok_or(BackendError::NoSuchBucket)
    }

    async fn put_object(
        &self,
        bucket: &str,
        key: &str,
        body: Vec<u8>,
        metadata: BTreeMap<String, String>,
        condition: PutCondition,
    ) -> Result<Option<String>, BackendError> {
        let mut state = self.lock();
        state.next_version += 1;
        let counter = state.next_version;
        let bucket = state
            .buckets
            .get_mut(bucket)
            .ok_or(BackendError::NoSuchBucket)?;
        let versions = bucket.objects.entry(key.to_owned()).or_default();
        let current = versions.last().filter(|v| v.body.is_some());
        let holds = match &condition {
            PutCondition::None => true,
            PutCondition::NoCurrentObject => current.is_none(),
            PutCondition::ETagMatches(etag) => current.is_some_and(|v| &v.etag == etag),
        };
        if !holds {
            return Err(BackendError::PreconditionFailed);
        }
        let version_id = if bucket.versioning == VersioningStatus::Enabled {
            format!("mem-{counter:08}")
        } else {
            versions.retain(|v| v.version_id != "null");
            "null".to_owned()
        };
        versions.push(MemoryVersion {
            version_id: version_id.clone(),
            etag: format!("\"{}\"", crate::s3::etag_of(&body)),
            body: Some(body),
            metadata,
            last_modified: OffsetDateTime::now_utc(),
        });
        Ok(Some(version_id))
    }

    async fn get_object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<StoredObject, BackendError> {
        let version = Self::find(&self.lock(), bucket, key, version_id)?;
        Ok(StoredObject {
            head: head_of(&version),
            body: version.body.unwrap_or_default(),
        })
    }

    async fn head_object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<ObjectHead, BackendError> {
        Ok(head_of(&Self::find(&self.lock(), bucket, key, version_id)?))
    }

    async fn list_objects(&self, bucket: &str, prefix: &str) -> Result<Vec<String>, BackendError> {
        let state = self.lock();
        let bucket = state
            .buckets
            .get(bucket)
            .ok_or(BackendError::NoSuchBucket)?;
        Ok(bucket
            .objects
            .iter()
            .filter(|(k, v)| k.starts_with(prefix) && v.last().is_some_and(|l| l.body.is_some()))
            .map(|(k, _)| k.clone())
            .collect())
    }

    async fn list_object_versions(
        &self,
        bucket: &str,
        prefix: &str,
    ) -> Result<Vec<ObjectVersionEntry>, BackendError> {
        let state = self.lock();
        let bucket = state
            .buckets
            .get(bucket)
            .ok_or(BackendError::NoSuchBucket)?;
        let mut out = Vec::new();
        for (key, versions) in bucket.objects.iter().filter(|(k, _)| k.starts_with(prefix)) {
            for (i, v) in versions.iter().enumerate().rev() {
                out.push(ObjectVersionEntry {
                    key: key.clone(),
                    version_id: v.version_id.clone(),
                    is_latest: i + 1 == versions.len(),
                    is_delete_marker: v.body.is_none(),
                    last_modified: Some(v.last_modified),
                });
            }
        }
        Ok(out)
    }

    async fn delete_object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<(), BackendError> {
        let mut state = self.lock();
        state.next_version += 1;
        let counter = state.next_version;
        let bucket = state
            .buckets
            .get_mut(bucket)
            .ok_or(BackendError::NoSuchBucket)?;
        match version_id {
            Some(id) => {
                if let Some(versions) = bucket.objects.get_mut(key) {
                    versions.retain(|v| v.version_id != id);
                }
            }
            None if bucket.versioning == VersioningStatus::Unversioned => {
                bucket.objects.remove(key);
            }
            None => {
                let versioned = bucket.versioning == VersioningStatus::Enabled;
                let versions = bucket.objects.entry(key.to_owned()).or_default();
                let version_id = if versioned {
                    format!("mem-{counter:08}")
                } else {
                    versions.retain(|v| v.version_id != "null");
                    "null".to_owned()
                };
                versions.push(MemoryVersion {
                    version_id,
                    body: None,
                    etag: String::new(),
                    metadata: BTreeMap::new(),
                    last_modified: OffsetDateTime::now_utc(),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An unconditional put of `body` at `b/k`.
    async fn put(mem: &MemoryBackend, body: &[u8]) -> Result<Option<String>, BackendError> {
        mem.put_object("b", "k", body.to_vec(), BTreeMap::new(), PutCondition::None)
            .await
    }

    fn run<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn memory_backend_keeps_versions_like_s3() {
        run(async {
            let mem = MemoryBackend::new();
            assert_eq!(
                mem.bucket_versioning("b").await,
                Err(BackendError::NoSuchBucket)
            );
            mem.create_bucket("b", VersioningStatus::Enabled);
            let v1 = put(&mem, b"one").await.unwrap().unwrap();
            let v2 = put(&mem, b"two").await.unwrap().unwrap();
            assert_ne!(v1, v2);
            assert_eq!(mem.get_object("b", "k", None).await.unwrap().body, b"two");
            assert_eq!(
                mem.get_object("b", "k", Some(&v1)).await.unwrap().body,
                b"one"
            );
            mem.delete_object("b", "k", None).await.unwrap();
            assert_eq!(
                mem.get_object("b", "k", None).await,
                Err(BackendError::NoSuchKey)
            );
            assert!(mem.list_objects("b", "").await.unwrap().is_empty());
            let versions = mem.list_object_versions("b", "k").await.unwrap();
            assert_eq!(versions.len(), 3);
            assert!(versions[0].is_latest && versions[0].is_delete_marker);
            assert_eq!(versions[2].version_id, v1);
            assert_eq!(
                mem.get_object("b", "k", Some(&v2)).await.unwrap().body,
                b"two"
            );
        });
    }

    #[test]
    fn unversioned_buckets_overwrite() {
        run(async {
            let mem = MemoryBackend::new();
            mem.create_bucket("b", VersioningStatus::Unversioned);
            put(&mem, b"one").await.unwrap();
            put(&mem, b"two").await.unwrap();
            assert_eq!(mem.list_object_versions("b", "").await.unwrap().len(), 1);
            assert_eq!(
                mem.list_objects("b", "").await.unwrap(),
                vec!["k".to_owned()]
            );
        });
    }

    #[test]
    fn conditional_puts_follow_s3() {
        run(async {
            let mem = MemoryBackend::new();
            mem.create_bucket("b", VersioningStatus::Enabled);
            let put = |body: &'static [u8], condition| {
                mem.put_object("b", "k", body.to_vec(), BTreeMap::new(), condition)
            };
            put(b"one", PutCondition::NoCurrentObject).await.unwrap();
            assert_eq!(
                put(b"two", PutCondition::NoCurrentObject).await,
                Err(BackendError::PreconditionFailed)
            );
            let etag = mem.head_object("b", "k", None).await.unwrap().etag.unwrap();
            assert_eq!(etag, format!("\"{}\"", crate::s3::etag_of(b"one")));
            put(b"two", PutCondition::ETagMatches(etag.clone()))
                .await
                .unwrap();
            // The ETag of "one" no longer is the current one: the compare-and-swap fails.
            assert_eq!(
                put(b"three", PutCondition::ETagMatches(etag)).await,
                Err(BackendError::PreconditionFailed)
            );
            assert_eq!(mem.get_object("b", "k", None).await.unwrap().body, b"two");
            // A delete marker counts as no current object.
            mem.delete_object("b", "k", None).await.unwrap();
            put(b"four", PutCondition::NoCurrentObject).await.unwrap();
            assert_eq!(mem.list_object_versions("b", "k").await.unwrap().len(), 4);
        });
    }
}
