//! [`ObjectBackend`] over the S3 API: for `aws_sdk_s3::Client`, and for the SDK's
//! [`S3Client`](crate::s3::S3Client) (which delegates to the `aws_sdk_s3::Client` it wraps).

use std::collections::{BTreeMap, HashMap};
use std::future::Future;

use aws_sdk_s3::Client;
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::BucketVersioningStatus;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use time::OffsetDateTime;

use super::backend::{
    BackendError, ObjectBackend, ObjectHead, ObjectVersionEntry, StoredObject, VersioningStatus,
};

fn map_err<E>(err: SdkError<E, HttpResponse>) -> BackendError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match err.code() {
        Some("NoSuchBucket") => BackendError::NoSuchBucket,
        Some("NoSuchKey" | "NoSuchVersion" | "NotFound") => BackendError::NoSuchKey,
        _ if err
            .raw_response()
            .is_some_and(|r| r.status().as_u16() == 404) =>
        {
            BackendError::NoSuchKey
        }
        _ => BackendError::Other(DisplayErrorContext(&err).to_string()),
    }
}

fn to_time(t: Option<&aws_smithy_types::DateTime>) -> Option<OffsetDateTime> {
    t.and_then(|t| OffsetDateTime::from_unix_timestamp(t.secs()).ok())
}

fn to_map(m: Option<&HashMap<String, String>>) -> BTreeMap<String, String> {
    m.map(|m| {
        m.iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
            .collect()
    })
    .unwrap_or_default()
}

impl ObjectBackend for Client {
    async fn bucket_versioning(&self, bucket: &str) -> Result<VersioningStatus, BackendError> {
        let out = self
            .get_bucket_versioning()
            .bucket(bucket)
            .send()
            .await
            .map_err(map_err)?;
        Ok(match out.status() {
            Some(BucketVersioningStatus::Enabled) => VersioningStatus::Enabled,
            Some(BucketVersioningStatus::Suspended) => VersioningStatus::Suspended,
            _ => VersioningStatus::Off,
        })
    }

    async fn put_object(
        &self,
        bucket: &str,
        key: &str,
        body: Vec<u8>,
        metadata: BTreeMap<String, String>,
    ) -> Result<Option<String>, BackendError> {
        let out = self
            .put_object()
            .bucket(bucket)
            .key(key)
            .content_type("application/json")
            .set_metadata(Some(metadata.into_iter().collect()))
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(map_err)?;
        Ok(out.version_id().map(str::to_owned))
    }

    async fn get_object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<StoredObject, BackendError> {
        let out = self
            .get_object()
            .bucket(bucket)
            .key(key)
            .set_version_id(version_id.map(str::to_owned))
            .send()
            .await
            .map_err(map_err)?;
        let head = ObjectHead {
            version_id: out.version_id().map(str::to_owned),
            last_modified: to_time(out.last_modified()),
            metadata: to_map(out.metadata()),
        };
        let body = out
            .body
            .collect()
            .await
            .map_err(|e| BackendError::Other(format!("reading object body: {e}")))?
            .into_bytes()
            .to_vec();
        Ok(StoredObject { body, head })
    }

    async fn head_object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<ObjectHead, BackendError> {
        let out = self
            .head_object()
            .bucket(bucket)
            .key(key)
            .set_version_id(version_id.map(str::to_owned))
            .send()
            .await
            .map_err(map_err)?;
        Ok(ObjectHead {
            version_id: out.version_id().map(str::to_owned),
            last_modified: to_time(out.last_modified()),
            metadata: to_map(out.metadata()),
        })
    }

    async fn list_objects(&self, bucket: &str, prefix: &str) -> Result<Vec<String>, BackendError> {
        let mut keys = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .list_objects_v2()
                .bucket(bucket)
                .prefix(prefix)
                .set_continuation_token(token.take())
                .send()
                .await
                .map_err(map_err)?;
            keys.extend(
                out.contents()
                    .iter()
                    .filter_map(|o| o.key().map(str::to_owned)),
            );
            match (out.is_truncated(), out.next_continuation_token()) {
                (Some(true), Some(next)) => token = Some(next.to_owned()),
                _ => break,
            }
        }
        Ok(keys)
    }

    async fn list_object_versions(
        &self,
        bucket: &str,
        prefix: &str,
    ) -> Result<Vec<ObjectVersionEntry>, BackendError> {
        let mut entries = Vec::new();
        let mut key_marker: Option<String> = None;
        let mut version_marker: Option<String> = None;
        loop {
            let out = self
                .list_object_versions()
                .bucket(bucket)
                .prefix(prefix)
                .set_key_marker(key_marker.take())
                .set_version_id_marker(version_marker.take())
                .send()
                .await
                .map_err(map_err)?;
            for v in out.versions() {
                entries.push(ObjectVersionEntry {
                    key: v.key().unwrap_or_default().to_owned(),
                    version_id: v.version_id().unwrap_or("null").to_owned(),
                    is_latest: v.is_latest().unwrap_or(false),
                    is_delete_marker: false,
                    last_modified: to_time(v.last_modified()),
                });
            }
            for m in out.delete_markers() {
                entries.push(ObjectVersionEntry {
                    key: m.key().unwrap_or_default().to_owned(),
                    version_id: m.version_id().unwrap_or("null").to_owned(),
                    is_latest: m.is_latest().unwrap_or(false),
                    is_delete_marker: true,
                    last_modified: to_time(m.last_modified()),
                });
            }
            if out.is_truncated() == Some(true) && out.next_key_marker().is_some() {
                key_marker = out.next_key_marker().map(str::to_owned);
                version_marker = out.next_version_id_marker().map(str::to_owned);
            } else {
                break;
            }
        }
        // Versions and delete markers come in two lists: merge them newest first per key.
        entries.sort_by(|a, b| {
            a.key
                .cmp(&b.key)
                .then_with(|| b.is_latest.cmp(&a.is_latest))
                .then_with(|| b.last_modified.cmp(&a.last_modified))
        });
        Ok(entries)
    }

    async fn delete_object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<(), BackendError> {
        self.delete_object()
            .bucket(bucket)
            .key(key)
            .set_version_id(version_id.map(str::to_owned))
            .send()
            .await
            .map_err(map_err)?;
        Ok(())
    }
}

impl ObjectBackend for crate::s3::S3Client {
    fn bucket_versioning(
        &self,
        bucket: &str,
    ) -> impl Future<Output = Result<VersioningStatus, BackendError>> + Send {
        ObjectBackend::bucket_versioning(self.inner(), bucket)
    }

    fn put_object(
        &self,
        bucket: &str,
        key: &str,
        body: Vec<u8>,
        metadata: BTreeMap<String, String>,
    ) -> impl Future<Output = Result<Option<String>, BackendError>> + Send {
        ObjectBackend::put_object(self.inner(), bucket, key, body, metadata)
    }

    fn get_object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> impl Future<Output = Result<StoredObject, BackendError>> + Send {
        ObjectBackend::get_object(self.inner(), bucket, key, version_id)
    }

    fn head_object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> impl Future<Output = Result<ObjectHead, BackendError>> + Send {
        ObjectBackend::head_object(self.inner(), bucket, key, version_id)
    }

    fn list_objects(
        &self,
        bucket: &str,
        prefix: &str,
    ) -> impl Future<Output = Result<Vec<String>, BackendError>> + Send {
        ObjectBackend::list_objects(self.inner(), bucket, prefix)
    }

    fn list_object_versions(
        &self,
        bucket: &str,
        prefix: &str,
    ) -> impl Future<Output = Result<Vec<ObjectVersionEntry>, BackendError>> + Send {
        ObjectBackend::list_object_versions(self.inner(), bucket, prefix)
    }

    fn delete_object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> impl Future<Output = Result<(), BackendError>> + Send {
        ObjectBackend::delete_object(self.inner(), bucket, key, version_id)
    }
}
