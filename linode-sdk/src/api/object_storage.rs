//! `/object-storage/...` (REST side): buckets, access, TLS, object ACL/URL/list,
//! clusters, endpoints, keys, transfer and types. Bucket configuration that REST does
//! not offer (versioning, lifecycle, CORS rules, objects) is in [`crate::s3`].

use futures::stream::BoxStream;

use super::seg;
use crate::client::Client;
use crate::error::Result;
use crate::models::ServiceType;
use crate::models::object_storage::{
    Bucket, BucketAccess, BucketSsl, CreateBucket, CreateObjectStorageKey, CreateObjectUrl, ObjectAclConfig,
    ObjectList, ObjectListEntry, ObjectListParams, ObjectStorageCluster, ObjectStorageEndpoint, ObjectStorageKey,
    ObjectStorageQuota, ObjectStorageQuotaUsage, ObjectStorageTransfer, ObjectUrl, UpdateBucketAccess, UpdateObjectAcl, UpdateObjectStorageKey, UploadBucketSsl,
};
use crate::pagination::{ListParams, Page};

/// Handler for `/object-storage`; see [`Client::object_storage`].
#[derive(Debug, Clone)]
pub struct ObjectStorageHandler {
    pub(crate) client: Client,
}

fn bucket(region: &str, label: &str) -> String {
    format!("/object-storage/buckets/{}/{}", seg(region), seg(label))
}

fn key(id: u64) -> String {
    format!("/object-storage/keys/{id}")
}

impl ObjectStorageHandler {
    // ----- buckets -----

    /// `GET /object-storage/buckets` (one page).
    pub async fn list_buckets(&self, params: &ListParams) -> Result<Page<Bucket>> {
        self.client.list_page("/object-storage/buckets", params).await
    }

    /// Every bucket, page by page.
    pub fn list_all_buckets(&self, params: ListParams) -> BoxStream<'static, Result<Bucket>> {
        self.client.list_stream("/object-storage/buckets".into(), params)
    }

    /// `GET /object-storage/buckets/{region}` (one page).
    pub async fn list_buckets_in(&self, region: &str, params: &ListParams) -> Result<Page<Bucket>> {
        self.client.list_page(&format!("/object-storage/buckets/{}", seg(region)), params).await
    }

    /// `GET /object-storage/buckets/{region}/{bucket}`.
    pub async fn get_bucket(&self, region: &str, label: &str) -> Result<Bucket> {
        self.client.get(&bucket(region, label)).await
    }

    /// `GET /object-storage/buckets/{region}/{bucket}`, `None` on 404.
    pub async fn get_bucket_opt(&self, region: &str, label: &str) -> Result<Option<Bucket>> {
        self.client.get_opt(&bucket(region, label)).await
    }

    /// `POST /object-storage/buckets` (idempotent on the API side for your own bucket).
    pub async fn create_bucket(&self, req: &CreateBucket) -> Result<Bucket> {
        self.client.post("/object-storage/buckets", req).await
    }

    /// `DELETE /object-storage/buckets/{region}/{bucket}` (the bucket must be empty).
    pub async fn delete_bucket(&self, region: &str, label: &str) -> Result<()> {
        self.client.delete(&bucket(region, label)).await
    }

    /// `GET .../access` (newer than the 4.189 spec).
    pub async fn get_bucket_access(&self, region: &str, label: &str) -> Result<BucketAccess> {
        self.client.get(&format!("{}/access", bucket(region, label))).await
    }

    /// `POST .../access`: modify ACL and/or CORS.
    pub async fn modify_bucket_access(&self, region: &str, label: &str, req: &UpdateBucketAccess) -> Result<()> {
        self.client.post::<_, serde_json::Value>(&format!("{}/access", bucket(region, label)), req).await.map(drop)
    }

    /// `PUT .../access`: update ACL and/or CORS.
    pub async fn update_bucket_access(&self, region: &str, label: &str, req: &UpdateBucketAccess) -> Result<()> {
        self.client.put::<_, serde_json::Value>(&format!("{}/access", bucket(region, label)), req).await.map(drop)
    }

    /// `GET .../ssl`.
    pub async fn get_bucket_ssl(&self, region: &str, label: &str) -> Result<BucketSsl> {
        self.client.get(&format!("{}/ssl", bucket(region, label))).await
    }

    /// `POST .../ssl`: upload a certificate and key.
    pub async fn upload_bucket_ssl(&self, region: &str, label: &str, req: &UploadBucketSsl) -> Result<BucketSsl> {
        self.client.post(&format!("{}/ssl", bucket(region, label)), req).await
    }

    /// `DELETE .../ssl`.
    pub async fn delete_bucket_ssl(&self, region: &str, label: &str) -> Result<()> {
        self.client.delete(&format!("{}/ssl", bucket(region, label))).await
    }

    // ----- objects -----

    /// `GET .../object-acl?name=...`.
    pub async fn get_object_acl(&self, region: &str, label: &str, name: &str) -> Result<ObjectAclConfig> {
        self.client
            .get_query(&format!("{}/object-acl", bucket(region, label)), vec![("name", name.to_owned())])
            .await
    }

    /// `PUT .../object-acl`.
    pub async fn update_object_acl(&self, region: &str, label: &str, req: &UpdateObjectAcl) -> Result<ObjectAclConfig> {
        self.client.put(&format!("{}/object-acl", bucket(region, label)), req).await
    }

    /// `POST .../object-url`: a presigned URL made by the API.
    pub async fn create_object_url(&self, region: &str, label: &str, req: &CreateObjectUrl) -> Result<ObjectUrl> {
        self.client.post(&format!("{}/object-url", bucket(region, label)), req).await
    }

    /// `GET .../object-list` (marker based).
    pub async fn list_objects(&self, region: &str, label: &str, params: &ObjectListParams) -> Result<ObjectList> {
        let mut q = Vec::new();
        if let Some(m) = &params.marker {
            q.push(("marker", m.clone()));
        }
        if let Some(p) = &params.prefix {
            q.push(("prefix", p.clone()));
        }
        if let Some(d) = &params.delimiter {
            q.push(("delimiter", d.clone()));
        }
        if let Some(s) = params.page_size {
            q.push(("page_size", s.to_string()));
        }
        self.client.get_query(&format!("{}/object-list", bucket(region, label)), q).await
    }

    /// Every entry of `GET .../object-list`, following `next_marker` (one call's entries
    /// in memory at a time).
    pub fn list_all_objects(&self, region: &str, label: &str, params: ObjectListParams) -> BoxStream<'static, Result<ObjectListEntry>> {
        use futures::StreamExt;
        let handler = self.clone();
        let (region, label) = (region.to_owned(), label.to_owned());
        let state = (handler, region, label, Some(params), std::collections::VecDeque::new());
        futures::stream::try_unfold(state, |(h, region, label, mut next, mut buf)| async move {
            loop {
                if let Some(item) = buf.pop_front() {
                    return Ok(Some((item, (h, region, label, next, buf))));
                }
                let Some(params) = next.take() else { return Ok(None) };
                let page = h.list_objects(&region, &label, &params).await?;
                next = match page.next_marker {
                    Some(m) if page.is_truncated && !page.data.is_empty() => Some(ObjectListParams { marker: Some(m), ..params }),
                    _ => None,
                };
                buf = page.data.into();
            }
        })
        .boxed()
    }

    // ----- clusters, endpoints, types, transfer -----

    /// `GET /object-storage/clusters` (deprecated, one page).
    pub async fn list_clusters(&self, params: &ListParams) -> Result<Page<ObjectStorageCluster>> {
        self.client.list_page("/object-storage/clusters", params).await
    }

    /// Every legacy cluster, page by page (deprecated API).
    pub fn list_all_clusters(&self, params: ListParams) -> BoxStream<'static, Result<ObjectStorageCluster>> {
        self.client.list_stream("/object-storage/clusters".into(), params)
    }

    /// `GET /object-storage/clusters/{id}` (deprecated).
    pub async fn get_cluster(&self, id: &str) -> Result<ObjectStorageCluster> {
        self.client.get(&format!("/object-storage/clusters/{}", seg(id))).await
    }

    /// `GET /object-storage/endpoints` (one page).
    pub async fn list_endpoints(&self, params: &ListParams) -> Result<Page<ObjectStorageEndpoint>> {
        self.client.list_page("/object-storage/endpoints", params).await
    }

    /// Every endpoint, page by page.
    pub fn list_all_endpoints(&self, params: ListParams) -> BoxStream<'static, Result<ObjectStorageEndpoint>> {
        self.client.list_stream("/object-storage/endpoints".into(), params)
    }

    /// `GET /object-storage/types` (one page).
    pub async fn list_types(&self, params: &ListParams) -> Result<Page<ServiceType>> {
        self.client.list_page("/object-storage/types", params).await
    }

    /// `GET /object-storage/transfer`.
    pub async fn transfer(&self) -> Result<ObjectStorageTransfer> {
        self.client.get("/object-storage/transfer").await
    }

    /// `GET /object-storage/quotas` (one page): per-endpoint limits (buckets, objects, bytes,
    /// throughput) with `X-Filter` on e.g. `quota_type`, `endpoint_type`, `s3_endpoint`.
    pub async fn list_quotas(&self, params: &ListParams) -> Result<Page<ObjectStorageQuota>> {
        self.client.list_page("/object-storage/quotas", params).await
    }

    /// Every quota, page by page.
    pub fn list_all_quotas(&self, params: ListParams) -> BoxStream<'static, Result<ObjectStorageQuota>> {
        self.client.list_stream("/object-storage/quotas".into(), params)
    }

    /// `GET /object-storage/quotas/{id}`.
    pub async fn get_quota(&self, id: &str) -> Result<ObjectStorageQuota> {
        self.client.get(&format!("/object-storage/quotas/{}", seg(id))).await
    }

    /// `GET /object-storage/quotas/{id}/usage`.
    pub async fn get_quota_usage(&self, id: &str) -> Result<ObjectStorageQuotaUsage> {
        self.client.get(&format!("/object-storage/quotas/{}/usage", seg(id))).await
    }

    // ----- keys -----

    /// `GET /object-storage/keys` (one page).
    pub async fn list_keys(&self, params: &ListParams) -> Result<Page<ObjectStorageKey>> {
        self.client.list_page("/object-storage/keys", params).await
    }

    /// Every key, page by page.
    pub fn list_all_keys(&self, params: ListParams) -> BoxStream<'static, Result<ObjectStorageKey>> {
        self.client.list_stream("/object-storage/keys".into(), params)
    }

    /// `GET /object-storage/keys/{id}`.
    pub async fn get_key(&self, id: u64) -> Result<ObjectStorageKey> {
        self.client.get(&key(id)).await
    }

    /// `GET /object-storage/keys/{id}`, `None` on 404.
    pub async fn get_key_opt(&self, id: u64) -> Result<Option<ObjectStorageKey>> {
        self.client.get_opt(&key(id)).await
    }

    /// `POST /object-storage/keys` (the response is the only time `secret_key` is shown).
    pub async fn create_key(&self, req: &CreateObjectStorageKey) -> Result<ObjectStorageKey> {
        self.client.post("/object-storage/keys", req).await
    }

    /// `PUT /object-storage/keys/{id}`.
    pub async fn update_key(&self, id: u64, req: &UpdateObjectStorageKey) -> Result<ObjectStorageKey> {
        self.client.put(&key(id), req).await
    }

    /// `DELETE /object-storage/keys/{id}` (revokes the key).
    pub async fn delete_key(&self, id: u64) -> Result<()> {
        self.client.delete(&key(id)).await
    }
}
