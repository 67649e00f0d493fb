//! Object Storage (REST side) models.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{null_default, string_enum};

string_enum! {
    /// Object Storage endpoint generation.
    EndpointType { /// E0.
        E0 = "E0", /// E1.
        E1 = "E1", /// E2.
        E2 = "E2", /// E3.
        E3 = "E3" }
}

string_enum! {
    /// Canned ACL of a bucket or object.
    ObjectAcl { /// Private.
        Private = "private", /// Public read.
        PublicRead = "public-read", /// Authenticated read.
        AuthenticatedRead = "authenticated-read", /// Public read/write.
        PublicReadWrite = "public-read-write", /// Custom (read-only value).
        Custom = "custom" }
}

string_enum! {
    /// Key permission on a bucket.
    BucketPermission { /// Read and write.
        ReadWrite = "read_write", /// Read only.
        ReadOnly = "read_only" }
}

string_enum! {
    /// Cluster status (deprecated clusters API).
    ClusterStatus { /// Available.
        Available = "available", /// Unavailable.
        Unavailable = "unavailable" }
}

/// A bucket.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Bucket {
    /// Bucket name.
    pub label: String,
    /// Region id.
    pub region: String,
    /// Legacy cluster id (deprecated).
    pub cluster: String,
    /// Bucket hostname.
    pub hostname: String,
    /// Creation time.
    pub created: String,
    /// Object count.
    pub objects: u64,
    /// Size in bytes.
    pub size: u64,
    /// S3 endpoint host, e.g. `fr-par-1.linodeobjects.com` (newer).
    pub s3_endpoint: Option<String>,
    /// Endpoint type (newer).
    pub endpoint_type: Option<EndpointType>,
}

impl Bucket {
    /// The S3 endpoint host serving this bucket: `s3_endpoint` when the API gives it, otherwise
    /// the hostname without the leading `<label>.` (older API versions only send the hostname).
    pub fn s3_endpoint_host(&self) -> String {
        self.s3_endpoint.clone().unwrap_or_else(|| {
            self.hostname.strip_prefix(&format!("{}.", self.label)).unwrap_or(&self.hostname).to_string()
        })
    }
}

/// `POST /object-storage/buckets` body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CreateBucket {
    /// Bucket name (required).
    pub label: String,
    /// Region (send this; `cluster` is deprecated).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Legacy cluster id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// Canned ACL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acl: Option<ObjectAcl>,
    /// Enable CORS for all origins.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cors_enabled: Option<bool>,
    /// Endpoint type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint_type: Option<EndpointType>,
    /// S3 endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s3_endpoint: Option<String>,
}

/// `POST|PUT .../access` body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UpdateBucketAccess {
    /// Canned ACL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acl: Option<ObjectAcl>,
    /// CORS for all origins.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cors_enabled: Option<bool>,
}

/// `GET .../access` (newer than the spec).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct BucketAccess {
    /// Canned ACL.
    pub acl: ObjectAcl,
    /// Full ACL XML.
    pub acl_xml: Option<String>,
    /// CORS enabled.
    pub cors_enabled: Option<bool>,
    /// CORS XML.
    pub cors_xml: Option<String>,
}

/// `GET .../object-acl`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ObjectAclConfig {
    /// Canned ACL.
    pub acl: ObjectAcl,
    /// Full ACL XML.
    pub acl_xml: String,
}

/// `PUT .../object-acl` body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UpdateObjectAcl {
    /// Object name.
    pub name: String,
    /// New canned ACL.
    pub acl: ObjectAcl,
}

/// `POST .../object-url` body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CreateObjectUrl {
    /// HTTP method the URL is for (`GET`, `PUT`, `DELETE`, ...).
    pub method: String,
    /// Object name.
    pub name: String,
    /// Content type (required except for GET and DELETE).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Seconds until expiry (360..=86400, default 3600).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u32>,
}

/// `POST .../object-url` response.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ObjectUrl {
    /// The presigned URL.
    pub url: String,
    /// Whether the object exists (newer API).
    pub exists: Option<bool>,
}

/// Whether a bucket has a TLS certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct BucketSsl {
    /// `true` when a certificate is uploaded.
    pub ssl: bool,
}

/// `POST .../ssl` body.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UploadBucketSsl {
    /// Certificate chain (PEM).
    pub certificate: String,
    /// Private key (PEM).
    pub private_key: String,
}

impl fmt::Debug for UploadBucketSsl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadBucketSsl").field("certificate", &self.certificate).field("private_key", &"<redacted>").finish()
    }
}

/// An entry of `GET .../object-list`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ObjectListEntry {
    /// Object name (or common prefix).
    pub name: String,
    /// Size in bytes.
    pub size: Option<u64>,
    /// Last modification time.
    pub last_modified: Option<String>,
    /// ETag.
    pub etag: Option<String>,
    /// Owner.
    pub owner: Option<String>,
}

/// `GET .../object-list` response (marker based, not page numbered).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ObjectList {
    /// Entries.
    #[serde(deserialize_with = "null_default")]
    pub data: Vec<ObjectListEntry>,
    /// Whether more entries follow.
    pub is_truncated: bool,
    /// Marker for the next call.
    pub next_marker: Option<String>,
}

/// Query options of `GET .../object-list`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ObjectListParams {
    /// Start after this name.
    pub marker: Option<String>,
    /// Only names with this prefix.
    pub prefix: Option<String>,
    /// Group names by this delimiter.
    pub delimiter: Option<String>,
    /// Entries per call.
    pub page_size: Option<u32>,
}

/// A legacy Object Storage cluster (deprecated API).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ObjectStorageCluster {
    /// Id, e.g. `us-east-1`.
    pub id: String,
    /// Domain.
    pub domain: String,
    /// Region.
    pub region: String,
    /// Static site domain.
    pub static_site_domain: String,
    /// Status.
    pub status: ClusterStatus,
}

/// An Object Storage endpoint (`GET /object-storage/endpoints`, newer).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ObjectStorageEndpoint {
    /// Region.
    pub region: String,
    /// Endpoint type.
    pub endpoint_type: EndpointType,
    /// S3 hostname.
    pub s3_endpoint: Option<String>,
}

/// Bucket access of a limited key.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct KeyBucketAccess {
    /// Region of the bucket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Legacy cluster of the bucket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// Bucket name.
    pub bucket_name: String,
    /// Permission.
    pub permissions: BucketPermission,
}

/// A region a key can create buckets in.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct KeyRegion {
    /// Region id.
    pub id: String,
    /// S3 endpoint host for the region.
    pub s3_endpoint: Option<String>,
    /// Endpoint type (newer).
    pub endpoint_type: Option<EndpointType>,
}

/// An Object Storage access key. `Debug` hides the secret key.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ObjectStorageKey {
    /// Id.
    pub id: u64,
    /// Label.
    pub label: String,
    /// Access key.
    pub access_key: String,
    /// Secret key (only revealed on create; `[REDACTED]` otherwise).
    pub secret_key: String,
    /// Whether the key is limited to `bucket_access`.
    pub limited: bool,
    /// Bucket permissions of a limited key.
    #[serde(deserialize_with = "null_default")]
    pub bucket_access: Vec<KeyBucketAccess>,
    /// Regions the key can be used in.
    #[serde(deserialize_with = "null_default")]
    pub regions: Vec<KeyRegion>,
}

impl fmt::Debug for ObjectStorageKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObjectStorageKey")
            .field("id", &self.id)
            .field("label", &self.label)
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .field("limited", &self.limited)
            .field("bucket_access", &self.bucket_access)
            .field("regions", &self.regions)
            .finish()
    }
}

/// `POST /object-storage/keys` body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CreateObjectStorageKey {
    /// Label.
    pub label: String,
    /// Limit the key to these buckets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket_access: Option<Vec<KeyBucketAccess>>,
    /// Regions the key may create buckets in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<String>>,
}

/// `PUT /object-storage/keys/{id}` body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UpdateObjectStorageKey {
    /// Label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Replace the regions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<String>>,
}

/// `GET /object-storage/transfer`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ObjectStorageTransfer {
    /// Bytes of outbound transfer used this month.
    pub used: u64,
}

/// An Object Storage quota (`/object-storage/quotas`, newer than the spec).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ObjectStorageQuota {
    /// Quota id, e.g. `obj-buckets-us-sea-1.linodeobjects.com`.
    pub quota_id: String,
    /// Name.
    pub quota_name: String,
    /// Description.
    pub description: String,
    /// Limit.
    pub quota_limit: u64,
    /// Metric the limit applies to, e.g. `bucket`.
    pub resource_metric: String,
    /// Quota type.
    pub quota_type: Option<String>,
    /// Endpoint type.
    pub endpoint_type: Option<EndpointType>,
    /// S3 endpoint.
    pub s3_endpoint: Option<String>,
    /// Whether usage data is available.
    pub has_usage: Option<bool>,
}

/// Usage of a quota.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ObjectStorageQuotaUsage {
    /// Limit.
    pub quota_limit: u64,
    /// Current usage (`None` when unknown).
    pub usage: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_endpoint_host_prefers_the_field_and_falls_back_to_the_hostname() {
        let mut b = Bucket {
            label: "assets".into(),
            hostname: "assets.fr-par-1.linodeobjects.com".into(),
            ..Default::default()
        };
        assert_eq!(b.s3_endpoint_host(), "fr-par-1.linodeobjects.com");
        b.s3_endpoint = Some("127.0.0.1:9000".into());
        assert_eq!(b.s3_endpoint_host(), "127.0.0.1:9000");
    }
}
