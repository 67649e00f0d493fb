//! The S3 side of Object Storage, for what the REST API does not do: bucket
//! versioning, lifecycle rules, CORS rules, objects (put/get/head/delete/list,
//! including versions) and presigned URLs. Every S3 call of the workspace goes through
//! [`S3Client`]; failures are [`Error::S3`] with the operation, status and S3 code.
//!
//! ```no_run
//! use std::time::Duration;
//! use linode_sdk::s3::{S3Client, S3Config};
//!
//! # async fn run() -> linode_sdk::Result<()> {
//! let s3 = S3Client::new(S3Config::new("fr-par-1.linodeobjects.com", "ACCESS", "SECRET"))?;
//! s3.put_bucket_versioning("my-bucket", true).await?;
//! let put = s3.put_object("my-bucket", "config.json", b"{}".to_vec()).await?;
//! let got = s3.get_object("my-bucket", "config.json", put.version_id.as_deref()).await?;
//! let url = s3.presign_get("my-bucket", "config.json", Duration::from_secs(3600)).await?;
//! # let _ = (got, url); Ok(()) }
//! ```
//!
//! The client uses path-style addressing and static credentials, and only sends or
//! checks checksums when S3 requires them (Ceph RGW and emulators differ there). Where
//! Linode's Ceph RGW requires a `Content-MD5` header (lifecycle configurations), it is sent
//! instead of the CRC32 checksum aws-sdk-s3 would add.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use aws_credential_types::Credentials;
use aws_sdk_s3::config::{BehaviorVersion, Region, RequestChecksumCalculation, ResponseChecksumValidation};
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, BucketVersioningStatus, CorsConfiguration,
    ExpirationStatus, LifecycleExpiration, LifecycleRuleFilter, NoncurrentVersionExpiration, ObjectCannedAcl,
    VersioningConfiguration,
};
use aws_smithy_types::date_time::Format;
use aws_smithy_types::error::display::DisplayErrorContext;
use base64::Engine as _;
use bytes::Bytes;
use md5::{Digest as _, Md5};

use crate::error::{Error, Result};

/// Placeholder SigV4 region when none is given (Linode accepts any region name).
pub const DEFAULT_REGION: &str = "us-east-1";

/// How to reach an S3 endpoint. `Debug` hides the secret key.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Config {
    /// Endpoint: a host such as `fr-par-1.linodeobjects.com`, a `host:port`, or a full URL.
    pub endpoint: String,
    /// Access key.
    pub access_key: String,
    /// Secret key.
    pub secret_key: String,
    /// SigV4 region; defaults to [`DEFAULT_REGION`].
    pub region: Option<String>,
}

impl S3Config {
    /// A config for `endpoint` with static credentials.
    pub fn new(endpoint: impl Into<String>, access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        S3Config { endpoint: endpoint.into(), access_key: access_key.into(), secret_key: secret_key.into(), region: None }
    }

    /// Sets the SigV4 region.
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }
}

impl fmt::Debug for S3Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .field("region", &self.region)
            .finish()
    }
}

/// Turns an endpoint into a URL: kept as is when it has a scheme; otherwise `http://`
/// for loopback hosts (`127.0.0.1`, `localhost`, `[::1]`) and `https://` for the rest.
pub fn endpoint_url(endpoint: &str) -> String {
    crate::client::with_default_scheme(endpoint)
}

/// Bucket versioning state, as `GetBucketVersioning` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersioningStatus {
    /// Versioning was never enabled (the answer has no `Status`).
    Unversioned,
    /// Versioning is on: every write makes a new version.
    Enabled,
    /// Versioning was on and is suspended: writes replace the `null` version.
    Suspended,
}

impl fmt::Display for VersioningStatus {
    /// `off`, `enabled` or `suspended`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            VersioningStatus::Unversioned => "off",
            VersioningStatus::Enabled => "enabled",
            VersioningStatus::Suspended => "suspended",
        })
    }
}

/// A lifecycle rule, with every field the official provider's `lifecycle_rule` has.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LifecycleRule {
    /// Rule id.
    pub id: Option<String>,
    /// Key prefix the rule applies to (empty for the whole bucket).
    pub prefix: String,
    /// Whether the rule is enabled.
    pub enabled: bool,
    /// Delete current objects after this many days.
    pub expiration_days: Option<i32>,
    /// Delete current objects on this date (at midnight UTC, as S3 requires).
    pub expiration_date: Option<time::Date>,
    /// Remove delete markers that have no noncurrent versions left (versioned buckets).
    pub expired_object_delete_marker: Option<bool>,
    /// Delete noncurrent versions after this many days.
    pub noncurrent_version_expiration_days: Option<i32>,
    /// Abort incomplete multipart uploads after this many days.
    pub abort_incomplete_multipart_upload_days: Option<i32>,
}

impl LifecycleRule {
    /// Whether the rule has an `Expiration` element (days, date or delete-marker removal).
    pub fn has_expiration(&self) -> bool {
        self.expiration_days.is_some() || self.expiration_date.is_some() || self.expired_object_delete_marker.is_some()
    }
}

/// A canned ACL of an object (`x-amz-acl`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CannedAcl {
    /// `private`: only the owner.
    Private,
    /// `public-read`: everyone may read.
    PublicRead,
    /// `public-read-write`: everyone may read and write.
    PublicReadWrite,
    /// `authenticated-read`: every authenticated user may read.
    AuthenticatedRead,
    /// `aws-exec-read`.
    AwsExecRead,
    /// `bucket-owner-read`.
    BucketOwnerRead,
    /// `bucket-owner-full-control`.
    BucketOwnerFullControl,
}

impl CannedAcl {
    /// Every canned ACL, in the order of [`CannedAcl::NAMES`].
    pub const ALL: [CannedAcl; 7] = [
        CannedAcl::Private,
        CannedAcl::PublicRead,
        CannedAcl::PublicReadWrite,
        CannedAcl::AuthenticatedRead,
        CannedAcl::AwsExecRead,
        CannedAcl::BucketOwnerRead,
        CannedAcl::BucketOwnerFullControl,
    ];

    /// The wire names of [`CannedAcl::ALL`], e.g. `public-read`.
    pub const NAMES: [&'static str; 7] = [
        "private",
        "public-read",
        "public-read-write",
        "authenticated-read",
        "aws-exec-read",
        "bucket-owner-read",
        "bucket-owner-full-control",
    ];

    /// The wire name, e.g. `public-read`.
    pub fn as_str(self) -> &'static str {
        let i = CannedAcl::ALL.iter().position(|a| *a == self).expect("ALL lists every variant");
        CannedAcl::NAMES[i]
    }
}

impl fmt::Display for CannedAcl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CannedAcl {
    type Err = Error;

    /// Parses a wire name; anything else is [`Error::Config`] listing the valid names.
    fn from_str(s: &str) -> Result<Self> {
        CannedAcl::NAMES
            .iter()
            .position(|n| *n == s)
            .map(|i| CannedAcl::ALL[i])
            .ok_or_else(|| Error::Config(format!("unknown canned ACL {s:?}; expected one of {}", CannedAcl::NAMES.join(", "))))
    }
}

/// The ETag S3 gives a single-part upload of `bytes`: the MD5 of the content as 32 lowercase hex
/// digits, without the quotes S3 puts around it. Lets callers predict an object's ETag before
/// uploading it.
pub fn etag_of(bytes: &[u8]) -> String {
    Md5::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The base64 MD5 digest of `bytes`, the value of a `Content-MD5` header.
fn content_md5(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(Md5::digest(bytes))
}

/// A CORS rule.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CorsRule {
    /// Allowed origins.
    pub allowed_origins: Vec<String>,
    /// Allowed methods.
    pub allowed_methods: Vec<String>,
    /// Allowed headers.
    pub allowed_headers: Vec<String>,
    /// Exposed headers.
    pub expose_headers: Vec<String>,
    /// Preflight cache time.
    pub max_age_seconds: Option<i32>,
}

/// Options of [`S3Client::put_object_with`]: the headers stored with the object and the
/// conditions of the write.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PutOptions {
    /// Canned ACL (`x-amz-acl`); the bucket's default (private) when `None`.
    pub acl: Option<CannedAcl>,
    /// `Cache-Control`.
    pub cache_control: Option<String>,
    /// `Content-Disposition`.
    pub content_disposition: Option<String>,
    /// `Content-Encoding`.
    pub content_encoding: Option<String>,
    /// `Content-Language`.
    pub content_language: Option<String>,
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// User metadata (`x-amz-meta-*`).
    pub metadata: HashMap<String, String>,
    /// Where a website request for the object redirects (`x-amz-website-redirect-location`).
    pub website_redirect: Option<String>,
    /// Only write if no object exists under the key (`If-None-Match: *`; a delete marker counts
    /// as no object).
    pub if_none_match: bool,
    /// Only write if the current object has this ETag (`If-Match`), as returned by S3 (quotes
    /// included): a compare-and-swap against concurrent writers.
    pub if_match: Option<String>,
}

/// Result of a put.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PutObjectOutput {
    /// ETag.
    pub etag: Option<String>,
    /// Version id (when the bucket is versioned).
    pub version_id: Option<String>,
}

/// Object metadata (head/get).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ObjectMeta {
    /// ETag.
    pub etag: Option<String>,
    /// Version id.
    pub version_id: Option<String>,
    /// Size in bytes.
    pub content_length: Option<i64>,
    /// Content type.
    pub content_type: Option<String>,
    /// Last modification (RFC 3339).
    pub last_modified: Option<String>,
    /// User metadata.
    pub metadata: HashMap<String, String>,
}

/// A downloaded object.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetObjectOutput {
    /// Content.
    pub body: Bytes,
    /// Metadata.
    pub meta: ObjectMeta,
}

/// Result of a delete.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeleteObjectOutput {
    /// Version id deleted or delete marker created.
    pub version_id: Option<String>,
    /// Whether a delete marker was involved.
    pub delete_marker: bool,
}

/// An object in a listing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ObjectInfo {
    /// Key.
    pub key: String,
    /// Size in bytes.
    pub size: i64,
    /// ETag.
    pub etag: Option<String>,
    /// Last modification (RFC 3339).
    pub last_modified: Option<String>,
}

/// A version (or delete marker) in a version listing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ObjectVersionInfo {
    /// Key.
    pub key: String,
    /// Version id.
    pub version_id: String,
    /// Whether this is the current version.
    pub is_latest: bool,
    /// Whether this entry is a delete marker.
    pub is_delete_marker: bool,
    /// Size in bytes (0 for delete markers).
    pub size: i64,
    /// ETag.
    pub etag: Option<String>,
    /// Last modification (RFC 3339).
    pub last_modified: Option<String>,
}

/// An S3 client for one endpoint. Cheap to clone. The aws-sdk-s3 client it wraps is not
/// exposed: every operation the workspace needs is a method here, with [`Error::S3`] errors.
#[derive(Clone, Debug)]
pub struct S3Client {
    inner: aws_sdk_s3::Client,
    endpoint: String,
    cancel: Option<tokio_util::sync::CancellationToken>,
}

/// Awaiting an S3 operation that ends early with [`Error::Cancelled`] when a token fires.
trait Cancellable: std::future::Future + Sized {
    async fn cancellable(self, token: Option<&tokio_util::sync::CancellationToken>) -> Result<Self::Output> {
        match token {
            Some(token) => tokio::select! {
                biased;
                () = token.cancelled() => Err(Error::Cancelled),
                out = self => Ok(out),
            },
            None => Ok(self.await),
        }
    }
}

impl<F: std::future::Future> Cancellable for F {}

fn s3_error<E, R>(operation: &'static str, e: SdkError<E, R>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: fmt::Debug + HasStatus,
{
    let status = e.raw_response().and_then(HasStatus::status);
    let (code, message) = match e.as_service_error() {
        Some(se) => (
            se.code().map(str::to_owned),
            se.message().map(str::to_owned).unwrap_or_else(|| se.code().unwrap_or("service error").to_owned()),
        ),
        None => (None, DisplayErrorContext(&e).to_string()),
    };
    Error::S3 { operation, status, code, message }
}

/// Access to the HTTP status of a raw response.
trait HasStatus {
    fn status(&self) -> Option<u16>;
}

impl HasStatus for aws_smithy_runtime_api::http::Response {
    fn status(&self) -> Option<u16> {
        Some(self.status().as_u16())
    }
}

fn fmt_time(t: Option<&aws_smithy_types::DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(Format::DateTime).ok())
}

fn build_err(operation: &'static str, e: impl fmt::Display) -> Error {
    Error::S3 { operation, status: None, code: None, message: e.to_string() }
}

/// Replaces the flexible checksum aws-sdk-s3 adds to operations that require one (CRC32 headers)
/// with the `Content-MD5` of the serialised body: Ceph RGW (Linode) requires `Content-MD5` there.
/// Runs just before signing, so the signature covers the final headers.
fn use_content_md5(req: &mut aws_smithy_runtime_api::http::Request) {
    let Some(md5) = req.body().bytes().map(content_md5) else { return };
    let headers = req.headers_mut();
    let flexible: Vec<String> = headers
        .iter()
        .map(|(name, _)| name.to_ascii_lowercase())
        .filter(|name| name.starts_with("x-amz-checksum-") || name == "x-amz-sdk-checksum-algorithm")
        .collect();
    for name in flexible {
        headers.remove(name);
    }
    headers.insert("content-md5", md5);
}

impl S3Client {
    /// Builds a client for `config.endpoint` (see [`endpoint_url`]), path-style, with
    /// static credentials.
    ///
    /// # Errors
    /// [`Error::Config`] for an empty endpoint or credentials.
    pub fn new(config: S3Config) -> Result<S3Client> {
        if config.endpoint.trim().is_empty() {
            return Err(Error::Config("S3 endpoint is empty".into()));
        }
        if config.access_key.is_empty() || config.secret_key.is_empty() {
            return Err(Error::Config("S3 access key and secret key are required".into()));
        }
        let endpoint = endpoint_url(&config.endpoint);
        let creds = Credentials::new(config.access_key, config.secret_key, None, None, "linode-sdk");
        let conf = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(endpoint.clone())
            .force_path_style(true)
            .region(Region::new(config.region.unwrap_or_else(|| DEFAULT_REGION.to_owned())))
            .credentials_provider(creds)
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
            .build();
        Ok(S3Client { inner: aws_sdk_s3::Client::from_conf(conf), endpoint, cancel: None })
    }

    /// This client with calls that end with [`Error::Cancelled`] as soon as `token` is cancelled
    /// (e.g. when Terraform stops the provider), as [`ClientBuilder::cancellation_token`](crate::ClientBuilder::cancellation_token)
    /// does for the REST API.
    #[must_use]
    pub fn with_cancellation(mut self, token: tokio_util::sync::CancellationToken) -> S3Client {
        self.cancel = Some(token);
        self
    }

    /// The endpoint URL in use.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    // ----- buckets -----

    /// `CreateBucket`.
    pub async fn create_bucket(&self, bucket: &str) -> Result<()> {
        self.inner.create_bucket().bucket(bucket).send().cancellable(self.cancel.as_ref()).await?.map_err(|e| s3_error("CreateBucket", e))?;
        Ok(())
    }

    /// `DeleteBucket` (must be empty).
    pub async fn delete_bucket(&self, bucket: &str) -> Result<()> {
        self.inner.delete_bucket().bucket(bucket).send().cancellable(self.cancel.as_ref()).await?.map_err(|e| s3_error("DeleteBucket", e))?;
        Ok(())
    }

    /// `PutBucketVersioning`: `true` enables, `false` suspends.
    pub async fn put_bucket_versioning(&self, bucket: &str, enabled: bool) -> Result<()> {
        let status = if enabled { BucketVersioningStatus::Enabled } else { BucketVersioningStatus::Suspended };
        self.inner
            .put_bucket_versioning()
            .bucket(bucket)
            .versioning_configuration(VersioningConfiguration::builder().status(status).build())
            .send()
            .cancellable(self.cancel.as_ref())
            .await?
            .map_err(|e| s3_error("PutBucketVersioning", e))?;
        Ok(())
    }

    /// `GetBucketVersioning`.
    pub async fn get_bucket_versioning(&self, bucket: &str) -> Result<VersioningStatus> {
        let out = self
            .inner
            .get_bucket_versioning()
            .bucket(bucket)
            .send()
            .cancellable(self.cancel.as_ref())
            .await?
            .map_err(|e| s3_error("GetBucketVersioning", e))?;
        Ok(match out.status() {
            Some(BucketVersioningStatus::Enabled) => VersioningStatus::Enabled,
            Some(BucketVersioningStatus::Suspended) => VersioningStatus::Suspended,
            _ => VersioningStatus::Unversioned,
        })
    }

    /// `PutBucketLifecycleConfiguration` with `rules` (replaces existing rules), sent with the
    /// `Content-MD5` header Linode's endpoint requires (and without aws-sdk-s3's CRC32).
    pub async fn put_lifecycle_rules(&self, bucket: &str, rules: &[LifecycleRule]) -> Result<()> {
        const OP: &str = "PutBucketLifecycleConfiguration";
        let mut built = Vec::with_capacity(rules.len());
        for r in rules {
            let mut b = aws_sdk_s3::types::LifecycleRule::builder()
                .set_id(r.id.clone())
                .status(if r.enabled { ExpirationStatus::Enabled } else { ExpirationStatus::Disabled })
                .filter(LifecycleRuleFilter::builder().prefix(r.prefix.clone()).build());
            if r.has_expiration() {
                let date = r.expiration_date.map(|d| aws_smithy_types::DateTime::from_secs(d.midnight().assume_utc().unix_timestamp()));
                b = b.expiration(
                    LifecycleExpiration::builder()
                        .set_days(r.expiration_days)
                        .set_date(date)
                        .set_expired_object_delete_marker(r.expired_object_delete_marker)
                        .build(),
                );
            }
            if let Some(d) = r.noncurrent_version_expiration_days {
                b = b.noncurrent_version_expiration(NoncurrentVersionExpiration::builder().noncurrent_days(d).build());
            }
            if let Some(d) = r.abort_incomplete_multipart_upload_days {
                b = b.abort_incomplete_multipart_upload(AbortIncompleteMultipartUpload::builder().days_after_initiation(d).build());
            }
            built.push(b.build().map_err(|e| build_err(OP, e))?);
        }
        let conf = BucketLifecycleConfiguration::builder().set_rules(Some(built)).build().map_err(|e| build_err(OP, e))?;
        self.inner
            .put_bucket_lifecycle_configuration()
            .bucket(bucket)
            .lifecycle_configuration(conf)
            .customize()
            .mutate_request(use_content_md5)
            .send()
            .cancellable(self.cancel.as_ref())
            .await?
            .map_err(|e| s3_error(OP, e))?;
        Ok(())
    }

    /// `GetBucketLifecycleConfiguration`; no configuration gives an empty list.
    pub async fn get_lifecycle_rules(&self, bucket: &str) -> Result<Vec<LifecycleRule>> {
        let out = match self.inner.get_bucket_lifecycle_configuration().bucket(bucket).send().cancellable(self.cancel.as_ref()).await? {
            Ok(o) => o,
            Err(e) if e.code() == Some("NoSuchLifecycleConfiguration") => return Ok(Vec::new()),
            Err(e) => return Err(s3_error("GetBucketLifecycleConfiguration", e)),
        };
        Ok(out
            .rules()
            .iter()
            .map(|r| LifecycleRule {
                id: r.id().map(str::to_owned),
                prefix: r
                    .filter()
                    .and_then(|f| f.prefix())
                    .or({
                        #[allow(deprecated)]
                        r.prefix()
                    })
                    .unwrap_or_default()
                    .to_owned(),
                enabled: r.status() == &ExpirationStatus::Enabled,
                expiration_days: r.expiration().and_then(|e| e.days()),
                expiration_date: r
                    .expiration()
                    .and_then(|e| e.date())
                    .and_then(|d| time::OffsetDateTime::from_unix_timestamp(d.secs()).ok())
                    .map(|t| t.date()),
                expired_object_delete_marker: r.expiration().and_then(|e| e.expired_object_delete_marker()),
                noncurrent_version_expiration_days: r.noncurrent_version_expiration().and_then(|e| e.noncurrent_days()),
                abort_incomplete_multipart_upload_days: r
                    .abort_incomplete_multipart_upload()
                    .and_then(|a| a.days_after_initiation()),
            })
            .collect())
    }

    /// `DeleteBucketLifecycle`.
    pub async fn delete_lifecycle_rules(&self, bucket: &str) -> Result<()> {
        self.inner.delete_bucket_lifecycle().bucket(bucket).send().cancellable(self.cancel.as_ref()).await?.map_err(|e| s3_error("DeleteBucketLifecycle", e))?;
        Ok(())
    }

    /// `PutBucketCors` with `rules` (replaces existing rules).
    pub async fn put_cors_rules(&self, bucket: &str, rules: &[CorsRule]) -> Result<()> {
        const OP: &str = "PutBucketCors";
        let mut built = Vec::with_capacity(rules.len());
        for r in rules {
            let mut b = aws_sdk_s3::types::CorsRule::builder()
                .set_allowed_origins(Some(r.allowed_origins.clone()))
                .set_allowed_methods(Some(r.allowed_methods.clone()))
                .set_allowed_headers((!r.allowed_headers.is_empty()).then(|| r.allowed_headers.clone()))
                .set_expose_headers((!r.expose_headers.is_empty()).then(|| r.expose_headers.clone()));
            if let Some(m) = r.max_age_seconds {
                b = b.max_age_seconds(m);
            }
            built.push(b.build().map_err(|e| build_err(OP, e))?);
        }
        let conf = CorsConfiguration::builder().set_cors_rules(Some(built)).build().map_err(|e| build_err(OP, e))?;
        self.inner.put_bucket_cors().bucket(bucket).cors_configuration(conf).send().cancellable(self.cancel.as_ref()).await?.map_err(|e| s3_error(OP, e))?;
        Ok(())
    }

    /// `GetBucketCors`; no configuration gives an empty list.
    pub async fn get_cors_rules(&self, bucket: &str) -> Result<Vec<CorsRule>> {
        let out = match self.inner.get_bucket_cors().bucket(bucket).send().cancellable(self.cancel.as_ref()).await? {
            Ok(o) => o,
            Err(e) if e.code() == Some("NoSuchCORSConfiguration") => return Ok(Vec::new()),
            Err(e) => return Err(s3_error("GetBucketCors", e)),
        };
        Ok(out
            .cors_rules()
            .iter()
            .map(|r| CorsRule {
                allowed_origins: r.allowed_origins().to_vec(),
                allowed_methods: r.allowed_methods().to_vec(),
                allowed_headers: r.allowed_headers().to_vec(),
                expose_headers: r.expose_headers().to_vec(),
                max_age_seconds: r.max_age_seconds(),
            })
            .collect())
    }

    /// `DeleteBucketCors`.
    pub async fn delete_cors_rules(&self, bucket: &str) -> Result<()> {
        self.inner.delete_bucket_cors().bucket(bucket).send().cancellable(self.cancel.as_ref()).await?.map_err(|e| s3_error("DeleteBucketCors", e))?;
        Ok(())
    }

    // ----- objects -----

    /// `PutObject`; returns the new version id on versioned buckets.
    pub async fn put_object(&self, bucket: &str, key: &str, body: impl Into<Bytes>) -> Result<PutObjectOutput> {
        self.put_object_with(bucket, key, body, &PutOptions::default()).await
    }

    /// `PutObject` with an ACL, the stored headers, metadata and optional conditions; returns
    /// the ETag and (on versioned buckets) the new version id. A failed condition is an
    /// [`Error::S3`] with status 412 (`PreconditionFailed`).
    pub async fn put_object_with(&self, bucket: &str, key: &str, body: impl Into<Bytes>, opts: &PutOptions) -> Result<PutObjectOutput> {
        let mut req = self
            .inner
            .put_object()
            .bucket(bucket)
            .key(key)
            .body(ByteStream::from(body.into()))
            .set_acl(opts.acl.map(|a| ObjectCannedAcl::from(a.as_str())))
            .set_cache_control(opts.cache_control.clone())
            .set_content_disposition(opts.content_disposition.clone())
            .set_content_encoding(opts.content_encoding.clone())
            .set_content_language(opts.content_language.clone())
            .set_content_type(opts.content_type.clone())
            .set_website_redirect_location(opts.website_redirect.clone())
            .set_if_match(opts.if_match.clone());
        for (k, v) in &opts.metadata {
            req = req.metadata(k, v);
        }
        if opts.if_none_match {
            req = req.if_none_match("*");
        }
        let out = req.send().cancellable(self.cancel.as_ref()).await?.map_err(|e| s3_error("PutObject", e))?;
        Ok(PutObjectOutput { etag: out.e_tag().map(str::to_owned), version_id: out.version_id().map(str::to_owned) })
    }

    /// `GetObject`, optionally of a specific version.
    pub async fn get_object(&self, bucket: &str, key: &str, version_id: Option<&str>) -> Result<GetObjectOutput> {
        let out = self
            .inner
            .get_object()
            .bucket(bucket)
            .key(key)
            .set_version_id(version_id.map(str::to_owned))
            .send()
            .cancellable(self.cancel.as_ref())
            .await?
            .map_err(|e| s3_error("GetObject", e))?;
        let meta = ObjectMeta {
            etag: out.e_tag().map(str::to_owned),
            version_id: out.version_id().map(str::to_owned),
            content_length: out.content_length(),
            content_type: out.content_type().map(str::to_owned),
            last_modified: fmt_time(out.last_modified()),
            metadata: out.metadata().cloned().unwrap_or_default(),
        };
        let body = out.body.collect().await.map_err(|e| build_err("GetObject", e))?.into_bytes();
        Ok(GetObjectOutput { body, meta })
    }

    /// `HeadObject`, optionally of a specific version.
    pub async fn head_object(&self, bucket: &str, key: &str, version_id: Option<&str>) -> Result<ObjectMeta> {
        let out = self
            .inner
            .head_object()
            .bucket(bucket)
            .key(key)
            .set_version_id(version_id.map(str::to_owned))
            .send()
            .cancellable(self.cancel.as_ref())
            .await?
            .map_err(|e| s3_error("HeadObject", e))?;
        Ok(ObjectMeta {
            etag: out.e_tag().map(str::to_owned),
            version_id: out.version_id().map(str::to_owned),
            content_length: out.content_length(),
            content_type: out.content_type().map(str::to_owned),
            last_modified: fmt_time(out.last_modified()),
            metadata: out.metadata().cloned().unwrap_or_default(),
        })
    }

    /// `HeadObject`, `None` when the object (or bucket) does not exist.
    pub async fn head_object_opt(&self, bucket: &str, key: &str, version_id: Option<&str>) -> Result<Option<ObjectMeta>> {
        match self.head_object(bucket, key, version_id).await {
            Ok(m) => Ok(Some(m)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `DeleteObject`; with a version id, deletes that version permanently.
    pub async fn delete_object(&self, bucket: &str, key: &str, version_id: Option<&str>) -> Result<DeleteObjectOutput> {
        let out = self
            .inner
            .delete_object()
            .bucket(bucket)
            .key(key)
            .set_version_id(version_id.map(str::to_owned))
            .send()
            .cancellable(self.cancel.as_ref())
            .await?
            .map_err(|e| s3_error("DeleteObject", e))?;
        Ok(DeleteObjectOutput {
            version_id: out.version_id().map(str::to_owned),
            delete_marker: out.delete_marker().unwrap_or(false),
        })
    }

    /// `ListObjectsV2` over all pages.
    pub async fn list_objects(&self, bucket: &str, prefix: Option<&str>) -> Result<Vec<ObjectInfo>> {
        let mut all = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .inner
                .list_objects_v2()
                .bucket(bucket)
                .set_prefix(prefix.map(str::to_owned))
                .set_continuation_token(token.take())
                .send()
                .cancellable(self.cancel.as_ref())
                .await?
                .map_err(|e| s3_error("ListObjectsV2", e))?;
            all.extend(out.contents().iter().map(|o| ObjectInfo {
                key: o.key().unwrap_or_default().to_owned(),
                size: o.size().unwrap_or(0),
                etag: o.e_tag().map(str::to_owned),
                last_modified: fmt_time(o.last_modified()),
            }));
            match (out.is_truncated(), out.next_continuation_token()) {
                (Some(true), Some(t)) => token = Some(t.to_owned()),
                _ => return Ok(all),
            }
        }
    }

    /// `ListObjectVersions` over all pages: versions and delete markers, by key, newest first per
    /// key (the server's order among versions written at the same instant).
    pub async fn list_object_versions(&self, bucket: &str, prefix: Option<&str>) -> Result<Vec<ObjectVersionInfo>> {
        let mut all = Vec::new();
        let mut key_marker: Option<String> = None;
        let mut version_marker: Option<String> = None;
        loop {
            let out = self
                .inner
                .list_object_versions()
                .bucket(bucket)
                .set_prefix(prefix.map(str::to_owned))
                .set_key_marker(key_marker.take())
                .set_version_id_marker(version_marker.take())
                .send()
                .cancellable(self.cancel.as_ref())
                .await?
                .map_err(|e| s3_error("ListObjectVersions", e))?;
            let mut page: Vec<(Option<aws_smithy_types::DateTime>, ObjectVersionInfo)> = out
                .versions()
                .iter()
                .map(|v| {
                    let info = ObjectVersionInfo {
                        key: v.key().unwrap_or_default().to_owned(),
                        version_id: v.version_id().unwrap_or("null").to_owned(),
                        is_latest: v.is_latest().unwrap_or(false),
                        is_delete_marker: false,
                        size: v.size().unwrap_or(0),
                        etag: v.e_tag().map(str::to_owned),
                        last_modified: fmt_time(v.last_modified()),
                    };
                    (v.last_modified().copied(), info)
                })
                .collect();
            page.extend(out.delete_markers().iter().map(|m| {
                let info = ObjectVersionInfo {
                    key: m.key().unwrap_or_default().to_owned(),
                    version_id: m.version_id().unwrap_or("null").to_owned(),
                    is_latest: m.is_latest().unwrap_or(false),
                    is_delete_marker: true,
                    size: 0,
                    etag: None,
                    last_modified: fmt_time(m.last_modified()),
                };
                (m.last_modified().copied(), info)
            }));
            // S3 sends versions and delete markers in two lists, each by key and newest first:
            // merge them by key, then time (compared as times, not as strings with a variable
            // number of decimals). The sort is stable, so equal times keep the server's order.
            page.sort_by(|(ta, a), (tb, b)| a.key.cmp(&b.key).then(tb.cmp(ta)));
            let page = page.into_iter().map(|(_, info)| info);
            all.extend(page);
            if out.is_truncated() == Some(true) && (out.next_key_marker().is_some() || out.next_version_id_marker().is_some()) {
                key_marker = out.next_key_marker().map(str::to_owned);
                version_marker = out.next_version_id_marker().map(str::to_owned);
            } else {
                return Ok(all);
            }
        }
    }

    // ----- presigned URLs -----

    /// A presigned `GET` URL valid for `expires_in`.
    pub async fn presign_get(&self, bucket: &str, key: &str, expires_in: Duration) -> Result<String> {
        let conf = PresigningConfig::expires_in(expires_in).map_err(|e| build_err("PresignGetObject", e))?;
        let req = self
            .inner
            .get_object()
            .bucket(bucket)
            .key(key)
            .presigned(conf)
            .await
            .map_err(|e| s3_error("PresignGetObject", e))?;
        Ok(req.uri().to_owned())
    }

    /// A presigned `PUT` URL valid for `expires_in`; the upload must send `content_type` if given.
    pub async fn presign_put(&self, bucket: &str, key: &str, expires_in: Duration, content_type: Option<&str>) -> Result<String> {
        let conf = PresigningConfig::expires_in(expires_in).map_err(|e| build_err("PresignPutObject", e))?;
        let req = self
            .inner
            .put_object()
            .bucket(bucket)
            .key(key)
            .set_content_type(content_type.map(str::to_owned))
            .presigned(conf)
            .await
            .map_err(|e| s3_error("PresignPutObject", e))?;
        Ok(req.uri().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_resolution() {
        assert_eq!(endpoint_url("fr-par-1.linodeobjects.com"), "https://fr-par-1.linodeobjects.com");
        assert_eq!(endpoint_url("127.0.0.1:9000"), "http://127.0.0.1:9000");
        assert_eq!(endpoint_url("localhost:9000/"), "http://localhost:9000");
        assert_eq!(endpoint_url("[::1]:9000"), "http://[::1]:9000");
        assert_eq!(endpoint_url("http://s3.example:80"), "http://s3.example:80");
        assert_eq!(endpoint_url("localhost.evil.example"), "https://localhost.evil.example");
    }

    #[test]
    fn config_debug_hides_the_secret() {
        let c = S3Config::new("x", "AKID", "TOPSECRET");
        let d = format!("{c:?}");
        assert!(!d.contains("TOPSECRET") && d.contains("AKID"), "{d}");
        assert!(S3Client::new(S3Config::new("", "a", "b")).is_err());
        assert!(S3Client::new(S3Config::new("h", "", "b")).is_err());
    }

    #[test]
    fn etags_and_content_md5_are_the_md5_of_the_content() {
        // RFC 1321 test vectors.
        assert_eq!(etag_of(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(etag_of(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            etag_of(b"12345678901234567890123456789012345678901234567890123456789012345678901234567890"),
            "57edf4a22be3c955ac49da2e2107b67a"
        );
        assert_eq!(content_md5(b""), "1B2M2Y8AsgTpgAmY7PhCfg==");
    }

    #[test]
    fn canned_acls_round_trip_through_their_names() {
        for (acl, name) in CannedAcl::ALL.iter().zip(CannedAcl::NAMES) {
            assert_eq!(acl.as_str(), name);
            assert_eq!(name.parse::<CannedAcl>().unwrap(), *acl);
        }
        let err = "public".parse::<CannedAcl>().unwrap_err().to_string();
        assert!(err.contains("unknown canned ACL \"public\"") && err.contains("bucket-owner-full-control"), "{err}");
    }

    #[test]
    fn versioning_states_display_as_the_store_reports_them() {
        assert_eq!(VersioningStatus::Unversioned.to_string(), "off");
        assert_eq!(VersioningStatus::Suspended.to_string(), "suspended");
    }

    #[tokio::test]
    async fn presigned_urls_are_path_style_and_signed() {
        let s3 = S3Client::new(S3Config::new("127.0.0.1:9000", "AKID", "TOPSECRET")).unwrap();
        let url = s3.presign_get("bkt", "dir/file.txt", Duration::from_secs(600)).await.unwrap();
        assert!(url.starts_with("http://127.0.0.1:9000/bkt/dir/file.txt?"), "{url}");
        assert!(url.contains("X-Amz-Signature=") && url.contains("X-Amz-Expires=600"), "{url}");
        assert!(url.contains("X-Amz-Credential=AKID"), "{url}");
        assert!(!url.contains("TOPSECRET"));
        let put = s3.presign_put("bkt", "k", Duration::from_secs(60), Some("text/plain")).await.unwrap();
        assert!(put.starts_with("http://127.0.0.1:9000/bkt/k?"), "{put}");
    }
}
