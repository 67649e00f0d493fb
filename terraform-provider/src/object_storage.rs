//! Object Storage: buckets, keys, objects and their data sources.
//!
//! The REST API manages buckets and keys; bucket versioning, lifecycle rules and objects go
//! through the S3 endpoint of the bucket's region. S3 calls need credentials, resolved the same
//! way for every resource ([`S3Credentials::resolve`]): the resource's own `access_key` /
//! `secret_key`, then the provider's `obj_access_key` / `obj_secret_key`, then (with
//! `obj_use_temp_keys`) a temporary key limited to the bucket, revoked after use.

mod bucket;
mod data_sources;
mod key;
mod object;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use linode_sdk::models::object_storage::{BucketPermission, CreateObjectStorageKey, KeyBucketAccess};
use linode_sdk::s3::{S3Client, S3Config};
use linode_sdk::{Client, ListParams};
use tfplugin::validators::{DataValidator, PlanCheck};
use tfplugin::{AttributePath, Context, DataSource, Diagnostics, Resource, async_trait};

use crate::LinodeState;

/// This family's resources.
pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![tfplugin::typed::resource(bucket::BucketResource), Arc::new(key::KeyResource), Arc::new(object::ObjectResource)]
}

/// This family's data sources.
pub fn data_sources() -> Vec<Arc<dyn DataSource>> {
    use tfplugin::typed::data_source;
    vec![
        data_source(data_sources::bucket::BucketDataSource),
        data_source(data_sources::cluster::ClusterDataSource),
        data_source(data_sources::endpoints::EndpointsDataSource),
        data_source(data_sources::quota::QuotaDataSource),
        data_source(data_sources::quotas::QuotasDataSource),
    ]
}

/// The region of a deprecated Object Storage cluster id (`us-east-1` → `us-east`).
pub(crate) fn cluster_to_region(cluster: &str) -> String {
    cluster.strip_suffix("-1").unwrap_or(cluster).to_string()
}

/// Whether two region-or-cluster ids name the same place (`us-mia` and `us-mia-1`).
pub(crate) fn same_region(a: &str, b: &str) -> bool {
    cluster_to_region(a) == cluster_to_region(b)
}

/// Checks at plan time that `region` offers Object Storage (catalog) and has an S3 endpoint
/// (`GET /object-storage/endpoints`), recording errors on `path`.
pub(crate) async fn check_obj_region(state: &LinodeState, region: &str, path: AttributePath, diags: &mut Diagnostics) {
    let before = diags.errors().count();
    state.catalog.check_region(&state.client, region, Some("Object Storage"), path.clone(), diags).await;
    if diags.errors().count() > before {
        return;
    }
    match list_endpoints(&state.client).await {
        Ok(endpoints) => {
            if !endpoints.iter().any(|e| e.region == region) {
                let mut regions: Vec<&str> = endpoints.iter().map(|e| e.region.as_str()).collect();
                regions.sort_unstable();
                regions.dedup();
                diags.error_at(
                    path,
                    "Region has no Object Storage endpoint",
                    format!("{region:?} has no Object Storage endpoint. Regions with one: {}.", regions.join(", ")),
                );
            }
        }
        Err(e) => crate::common::api_error_plain(diags, "Unable to list Object Storage endpoints", &e),
    }
}

/// Every Object Storage endpoint.
pub(crate) async fn list_endpoints(
    client: &Client,
) -> Result<Vec<linode_sdk::models::object_storage::ObjectStorageEndpoint>, linode_sdk::Error> {
    use futures::TryStreamExt;
    client.object_storage().list_all_endpoints(ListParams::new().page_size(500)).try_collect().await
}

/// Where S3 credentials for one operation came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeySource {
    /// The resource's `access_key` / `secret_key`.
    Resource,
    /// The provider's `obj_access_key` / `obj_secret_key`.
    Provider,
    /// A temporary key created for this operation (`obj_use_temp_keys`).
    Temporary,
}

/// Which S3 credentials are available, without creating anything (for plan-time checks).
pub(crate) fn key_source(state: &LinodeState, access_key: Option<&str>, secret_key: Option<&str>) -> Option<KeySource> {
    if access_key.is_some_and(|k| !k.is_empty()) && secret_key.is_some_and(|k| !k.is_empty()) {
        return Some(KeySource::Resource);
    }
    let settings = &state.object_storage;
    if settings.keys_pending
        || settings.access_key.as_deref().is_some_and(|k| !k.is_empty())
            && settings.secret_key.as_deref().is_some_and(|k| !k.is_empty())
    {
        return Some(KeySource::Provider);
    }
    settings.use_temp_keys.then_some(KeySource::Temporary)
}

/// What to tell users who configure S3-backed attributes without S3 credentials.
pub(crate) const MISSING_KEYS_HELP: &str = "This needs S3 credentials, and none are configured. Set \
     `access_key` and `secret_key` on the resource, or `obj_access_key` and `obj_secret_key` in the \
     provider block (or the LINODE_OBJ_ACCESS_KEY / LINODE_OBJ_SECRET_KEY environment variables), or \
     set `obj_use_temp_keys = true` in the provider block to let the provider create a temporary key \
     limited to this bucket for each operation.";

/// A temporary key, revoked when dropped unless [`TempKey::revoke`] did it first.
struct TempKey {
    client: Client,
    id: u64,
    revoked: bool,
}

impl TempKey {
    async fn revoke(mut self) -> Result<(), linode_sdk::Error> {
        self.revoked = true;
        match self.client.object_storage().delete_key(self.id).await {
            Err(e) if !e.is_not_found() => Err(e),
            _ => Ok(()),
        }
    }
}

impl Drop for TempKey {
    fn drop(&mut self) {
        if self.revoked {
            return;
        }
        let (client, id) = (self.client.clone(), self.id);
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    if let Err(e) = client.object_storage().delete_key(id).await
                        && !e.is_not_found()
                    {
                        tracing::warn!(key_id = id, error = %e, "unable to revoke a temporary Object Storage key");
                    }
                });
            }
            Err(_) => tracing::warn!(key_id = id, "no runtime left to revoke temporary Object Storage key"),
        }
    }
}

/// An S3 client for one bucket, with the temporary key (if any) to revoke afterwards.
///
/// The temporary key is revoked on every path: by [`S3Session::close`] (which reports a failure
/// as a warning), and otherwise when the session is dropped (an early return, an error, or the
/// operation dropped after Terraform stopped the provider). The session's calls end as soon as
/// Terraform stops the provider, so a stopped operation gets to close its session.
pub(crate) struct S3Session {
    /// The client.
    pub client: S3Client,
    /// Where the credentials came from.
    pub source: KeySource,
    temp_key: Option<TempKey>,
}

impl S3Session {
    /// Opens a session for `bucket` in `region` on `endpoint`, creating a temporary key limited to
    /// the bucket when that is how credentials resolve.
    pub async fn open(
        state: &LinodeState,
        ctx: &Context,
        endpoint: &str,
        region: &str,
        bucket: &str,
        access_key: Option<&str>,
        secret_key: Option<&str>,
    ) -> Result<S3Session, String> {
        let Some(source) = key_source(state, access_key, secret_key) else {
            return Err(MISSING_KEYS_HELP.to_string());
        };
        let (access, secret, temp_key) = match source {
            KeySource::Resource => {
                (access_key.unwrap_or_default().to_string(), secret_key.unwrap_or_default().to_string(), None)
            }
            KeySource::Provider => (
                state.object_storage.access_key.clone().unwrap_or_default(),
                state.object_storage.secret_key.clone().unwrap_or_default(),
                None,
            ),
            KeySource::Temporary => {
                let key = create_temp_key(ctx, &state.client, region, bucket).await?;
                let guard = TempKey { client: state.client.clone(), id: key.id, revoked: false };
                (key.access_key.clone(), key.secret_key.clone(), Some(guard))
            }
        };
        // On an error here the key's guard revokes it.
        let client = S3Client::new(S3Config::new(endpoint, access, secret))
            .map_err(|e| format!("Unable to build the S3 client for {endpoint}: {e}"))?
            .with_cancellation(ctx.cancellation().clone());
        Ok(S3Session { client, source, temp_key })
    }

    /// Revokes the temporary key, if one was created (errors become warnings: the key is
    /// limited to one bucket and its label says what it was for).
    pub async fn close(mut self, diags: &mut Diagnostics) {
        if let Some(key) = self.temp_key.take() {
            let id = key.id;
            if let Err(e) = key.revoke().await {
                diags.warning(
                    "Unable to revoke a temporary Object Storage key",
                    format!("The temporary key {id} could not be deleted: {e}. Delete it by hand."),
                );
            }
        }
    }

    /// Runs an S3 call. Right after a temporary key is created the S3 endpoint may still refuse it
    /// (403) for a moment, so then a 403 is retried a few times with a short backoff.
    pub async fn call<T, F, Fut>(&self, mut f: F) -> Result<T, linode_sdk::Error>
    where
        F: FnMut(S3Client) -> Fut,
        Fut: Future<Output = Result<T, linode_sdk::Error>>,
    {
        let retries = if self.source == KeySource::Temporary { 5 } else { 0 };
        let mut delay = Duration::from_millis(200);
        let mut attempt = 0;
        loop {
            match f(self.client.clone()).await {
                Err(e) if e.status() == Some(403) && attempt < retries => {
                    attempt += 1;
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(3));
                }
                other => return other,
            }
        }
    }
}

/// Creates a key limited to `bucket` (read/write) for one operation.
///
/// Its label is unique to this operation. A key's secret is only ever shown in the create
/// response, so a key that an ambiguously failed create made anyway is useless: it is found by
/// that label, revoked, and the create tried again, so nothing is left behind.
async fn create_temp_key(
    ctx: &Context,
    client: &Client,
    region: &str,
    bucket: &str,
) -> Result<linode_sdk::models::object_storage::ObjectStorageKey, String> {
    use futures::TryStreamExt;
    use linode_sdk::models::object_storage::ObjectStorageKey;
    let api = &client.object_storage();
    let unix = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let nonce: u16 = rand::random();
    let suffix = format!("{unix}{nonce:04x}");
    // Key labels are limited to 50 characters.
    let room = 50 - "temp__".len() - suffix.len();
    let short: String = bucket.chars().take(room).collect();
    let req = CreateObjectStorageKey {
        label: format!("temp_{short}_{suffix}"),
        bucket_access: Some(vec![KeyBucketAccess {
            region: Some(region.to_string()),
            cluster: None,
            bucket_name: bucket.to_string(),
            permissions: BucketPermission::ReadWrite,
        }]),
        regions: None,
    };
    let find = || async {
        let keys: Vec<ObjectStorageKey> =
            api.list_all_keys(linode_sdk::ListParams::new().page_size(500)).try_collect().await?;
        Ok(keys.into_iter().filter(|k| k.label == req.label).collect())
    };
    let ownership = crate::common::Ownership::Ids(|k: &ObjectStorageKey| k.id);
    let revoke = |k: ObjectStorageKey| async move { api.delete_key(k.id).await };
    crate::common::create_or_discard(ctx, client, "temporary key", ownership, || api.create_key(&req), find, revoke)
        .await
        .map_err(|e| format!("Unable to create a temporary Object Storage key for bucket {bucket:?}: {e}"))
}

/// The API's bucket label rule: 3-63 characters; lowercase letters, digits, dashes between them,
/// dot-separated parts.
pub(crate) fn check_label(label: &str) -> Result<(), String> {
    static RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:[.][a-z0-9]+(?:-[a-z0-9]+)*)*$").expect("static regex")
    });
    if !(3..=63).contains(&label.len()) {
        return Err(format!("Bucket labels must be 3-63 characters long, got {} ({label:?}).", label.len()));
    }
    if !RE.is_match(label) {
        return Err(format!(
            "{label:?} is not a valid bucket label: use lowercase letters, digits, dashes (not at the start or \
             end of a part) and periods between parts."
        ));
    }
    Ok(())
}

/// Plan-time check of `region` (or the deprecated `cluster`): it offers Object Storage and has
/// an S3 endpoint.
pub(crate) struct ObjRegion;

#[async_trait]
impl DataValidator<LinodeState> for ObjRegion {
    fn description(&self) -> String {
        "must be a region with an Object Storage endpoint".into()
    }

    async fn validate(&self, state: &LinodeState, check: PlanCheck<'_>, diags: &mut Diagnostics) {
        if let Some(r) = check.value.as_str() {
            check_obj_region(state, &cluster_to_region(r), check.path.clone(), diags).await;
        }
    }
}

/// Deletes every object version and delete marker, then any remaining current object.
pub(crate) async fn empty_bucket(session: &S3Session, bucket: &str) -> Result<(), linode_sdk::Error> {
    let b = bucket.to_string();
    let versions = session.call(|s3| { let b = b.clone(); async move { s3.list_object_versions(&b, None).await } }).await?;
    for v in versions {
        let (key, vid) = (v.key.clone(), v.version_id.clone());
        session.call(|s3| { let (b, key, vid) = (b.clone(), key.clone(), vid.clone()); async move { s3.delete_object(&b, &key, Some(&vid)).await } }).await?;
    }
    let objects = session.call(|s3| { let b = b.clone(); async move { s3.list_objects(&b, None).await } }).await?;
    for o in objects {
        let key = o.key.clone();
        session.call(|s3| { let (b, key) = (b.clone(), key.clone()); async move { s3.delete_object(&b, &key, None).await } }).await?;
    }
    Ok(())
}

/// Splits `"<region>:<label>"`.
pub(crate) fn split_bucket_id(id: &str) -> Option<(String, String)> {
    let (region, label) = id.split_once(':')?;
    (!region.is_empty() && !label.is_empty()).then(|| (cluster_to_region(region.trim()), label.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_the_api_rule() {
        assert!(check_label("my-bucket.v2").is_ok());
        assert!(check_label("ab").is_err());
        assert!(check_label(&"a".repeat(64)).is_err());
        assert!(check_label("My_Bucket").is_err());
        assert!(check_label("-bucket").is_err());
        assert!(check_label("bucket..x").is_err());
    }

    #[tokio::test]
    async fn forbidden_is_retried_only_with_a_fresh_temporary_key() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        // The emulator refuses an unknown access key with 403, like a temporary key that Object
        // Storage does not know yet; the known root key then succeeds.
        let mock = linode_mock::MockServer::builder().start().await.unwrap();
        let unknown = S3Client::new(S3Config::new(mock.s3_endpoint(), "not-yet-known", "sk")).unwrap();
        let known = S3Client::new(S3Config::new(mock.s3_endpoint(), mock.s3_access_key(), mock.s3_secret_key())).unwrap();
        known.create_bucket("any-bucket").await.unwrap();
        for (source, expect_ok, expect_calls) in [(KeySource::Temporary, true, 3), (KeySource::Provider, false, 1)] {
            let session = S3Session { client: unknown.clone(), source, temp_key: None };
            let calls = AtomicUsize::new(0);
            let out = session
                .call(|s3| {
                    let n = calls.fetch_add(1, Ordering::SeqCst);
                    let s3 = if n < 2 { s3 } else { known.clone() };
                    async move { s3.list_objects("any-bucket", None).await.map(|_| n) }
                })
                .await;
            match &out {
                Ok(_) => {}
                Err(e) => assert_eq!(e.status(), Some(403), "{source:?}: {e}"),
            }
            assert_eq!(out.is_ok(), expect_ok, "{source:?}: {out:?}");
            assert_eq!(calls.load(Ordering::SeqCst), expect_calls, "{source:?}");
        }
    }

    #[test]
    fn clusters_map_to_regions() {
        assert_eq!(cluster_to_region("us-mia-1"), "us-mia");
        assert_eq!(cluster_to_region("us-mia"), "us-mia");
        assert!(same_region("us-east-1", "us-east"));
        assert_eq!(split_bucket_id("us-east-1:my-bucket"), Some(("us-east".into(), "my-bucket".into())));
        assert_eq!(split_bucket_id("nolabel:"), None);
    }
}
