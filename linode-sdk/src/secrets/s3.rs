//! [`ObjectBackend`] over the SDK's [`S3Client`]: every call is one of its methods, so S3 errors
//! are mapped once (to [`Error::S3`](crate::Error::S3), in `s3.rs`) and only translated here into
//! the few cases the store tells apart.

use std::collections::{BTreeMap, HashMap};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::backend::{
    BackendError, ObjectBackend, ObjectHead, ObjectVersionEntry, PutCondition, StoredObject,
};
use crate::error::Error;
use crate::s3::{ObjectMeta, PutOptions, S3Client, VersioningStatus};

/// The store's view of an SDK error: missing bucket, missing key or version, a failed condition,
/// or anything else (described by the SDK error, which never holds a secret: bodies are not
/// quoted).
fn backend_error(e: Error) -> BackendError {
    let code = match &e {
        Error::S3 { code, .. } => code.as_deref(),
        _ => None,
    };
    if code == Some("NoSuchBucket") {
        BackendError::NoSuchBucket
    } else if e.is_not_found() {
        BackendError::NoSuchKey
    } else if e.status() == Some(412) || code == Some("PreconditionFailed") {
        BackendError::PreconditionFailed
    } else {
        BackendError::Other(e.to_string())
    }
}

fn parse_time(t: Option<&str>) -> Option<OffsetDateTime> {
    t.and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
}

/// User metadata with lower-case keys (S3 stores them case-insensitively).
fn lower_keys(m: HashMap<String, String>) -> BTreeMap<String, String> {
    m.into_iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect()
}

fn head_of(meta: ObjectMeta) -> ObjectHead {
    ObjectHead {
        version_id: meta.version_id,
        etag: meta.etag,
        last_modified: parse_time(meta.last_modified.as_deref()),
        metadata: lower_keys(meta.metadata),
    }
}

impl ObjectBackend for S3Client {
    async fn bucket_versioning(&self, bucket: &str) -> Result<VersioningStatus, BackendError> {
        self.get_bucket_versioning(bucket)
            .await
            .map_err(backend_error)
    }

    async fn put_object(
        &self,
        bucket: &str,
        key: &str,
        body: Vec<u8>,
        metadata: BTreeMap<String, String>,
        condition: PutCondition,
    ) -> Result<Option<String>, BackendError> {
        let (if_none_match, if_match) = match condition {
            PutCondition::None => (false, None),
            PutCondition::NoCurrentObject => (true, None),
            PutCondition::ETagMatches(etag) => (false, Some(etag)),
        };
        let options = PutOptions {
            content_type: Some("application/json".into()),
            metadata: metadata.into_iter().collect(),
            if_none_match,
            if_match,
            ..PutOptions::default()
        };
        let out = self
            .put_object_with(bucket, key, body, &options)
            .await
            .map_err(backend_error)?;
        Ok(out.version_id)
    }

    async fn get_object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<StoredObject, BackendError> {
        let out = S3Client::get_object(self, bucket, key, version_id)
            .await
            .map_err(backend_error)?;
        Ok(StoredObject {
            body: out.body.to_vec(),
            head: head_of(out.meta),
        })
    }

    async fn head_object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<ObjectHead, BackendError> {
        S3Client::head_object(self, bucket, key, version_id)
            .await
            .map(head_of)
            .map_err(backend_error)
    }

    async fn list_objects(&self, bucket: &str, prefix: &str) -> Result<Vec<String>, BackendError> {
        let objects = S3Client::list_objects(self, bucket, Some(prefix))
            .await
            .map_err(backend_error)?;
        Ok(objects.into_iter().map(|o| o.key).collect())
    }

    async fn list_object_versions(
        &self,
        bucket: &str,
        prefix: &str,
    ) -> Result<Vec<ObjectVersionEntry>, BackendError> {
        let versions = S3Client::list_object_versions(self, bucket, Some(prefix))
            .await
            .map_err(backend_error)?;
        Ok(versions
            .into_iter()
            .map(|v| ObjectVersionEntry {
                last_modified: parse_time(v.last_modified.as_deref()),
                key: v.key,
                version_id: v.version_id,
                is_latest: v.is_latest,
                is_delete_marker: v.is_delete_marker,
            })
            .collect())
    }

    async fn delete_object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<(), BackendError> {
        S3Client::delete_object(self, bucket, key, version_id)
            .await
            .map(drop)
            .map_err(backend_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s3(status: Option<u16>, code: Option<&str>) -> Error {
        Error::S3 {
            operation: "PutObject",
            status,
            code: code.map(str::to_owned),
            message: "m".into(),
        }
    }

    #[test]
    fn sdk_errors_become_the_cases_the_store_tells_apart() {
        assert_eq!(
            backend_error(s3(Some(404), Some("NoSuchBucket"))),
            BackendError::NoSuchBucket
        );
        assert_eq!(
            backend_error(s3(Some(404), Some("NoSuchKey"))),
            BackendError::NoSuchKey
        );
        assert_eq!(backend_error(s3(Some(404), None)), BackendError::NoSuchKey);
        assert_eq!(
            backend_error(s3(Some(412), Some("PreconditionFailed"))),
            BackendError::PreconditionFailed
        );
        assert_eq!(
            backend_error(s3(Some(403), Some("AccessDenied"))),
            BackendError::Other("S3 PutObject failed with HTTP 403: m".into())
        );
    }
}
