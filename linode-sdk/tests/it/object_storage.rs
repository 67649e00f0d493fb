//! Object Storage REST side: exact requests and realistic responses.

use linode_sdk::ListParams;
use linode_sdk::models::object_storage::*;
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::common::{page, setup};

fn bucket_json() -> serde_json::Value {
    json!({"label": "secrets-bucket", "region": "fr-par", "cluster": "fr-par-1", "hostname": "secrets-bucket.fr-par-1.linodeobjects.com",
           "created": "2024-01-01T00:00:00", "objects": 4, "size": 188318981, "s3_endpoint": "fr-par-1.linodeobjects.com", "endpoint_type": "E1"})
}

#[tokio::test]
async fn buckets() {
    let (server, client) = setup().await;
    let b = "/v4/object-storage/buckets/fr-par/secrets-bucket";
    Mock::given(method("POST"))
        .and(path("/v4/object-storage/buckets"))
        .and(body_json(json!({"label": "secrets-bucket", "region": "fr-par", "acl": "private", "cors_enabled": false})))
        .respond_with(ResponseTemplate::new(200).set_body_json(bucket_json()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path(b)).respond_with(ResponseTemplate::new(200).set_body_json(bucket_json())).mount(&server).await;
    Mock::given(method("GET")).and(path("/v4/object-storage/buckets/fr-par")).respond_with(ResponseTemplate::new(200).set_body_json(page(json!([bucket_json()])))).mount(&server).await;
    Mock::given(method("DELETE")).and(path(b)).respond_with(ResponseTemplate::new(200).set_body_json(json!({}))).expect(1).mount(&server).await;
    Mock::given(method("PUT"))
        .and(path(format!("{b}/access")))
        .and(body_json(json!({"acl": "public-read"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{b}/access")))
        .and(body_json(json!({"cors_enabled": true})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{b}/access")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"acl": "private", "acl_xml": "<AccessControlPolicy/>", "cors_enabled": true, "cors_xml": null})))
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path(format!("{b}/ssl"))).respond_with(ResponseTemplate::new(200).set_body_json(json!({"ssl": false}))).mount(&server).await;
    Mock::given(method("POST"))
        .and(path(format!("{b}/ssl")))
        .and(body_json(json!({"certificate": "CERT", "private_key": "KEY"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ssl": true})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE")).and(path(format!("{b}/ssl"))).respond_with(ResponseTemplate::new(200).set_body_json(json!({}))).expect(1).mount(&server).await;

    let o = client.object_storage();
    let req = CreateBucket { label: "secrets-bucket".into(), region: Some("fr-par".into()), acl: Some(ObjectAcl::Private), cors_enabled: Some(false), ..Default::default() };
    let created = o.create_bucket(&req).await.unwrap();
    assert_eq!(created.s3_endpoint.as_deref(), Some("fr-par-1.linodeobjects.com"));
    assert_eq!(created.endpoint_type, Some(EndpointType::E1));
    assert_eq!(o.get_bucket("fr-par", "secrets-bucket").await.unwrap().objects, 4);
    assert_eq!(o.list_buckets_in("fr-par", &ListParams::new()).await.unwrap().data.len(), 1);
    o.update_bucket_access("fr-par", "secrets-bucket", &UpdateBucketAccess { acl: Some(ObjectAcl::PublicRead), cors_enabled: None }).await.unwrap();
    o.modify_bucket_access("fr-par", "secrets-bucket", &UpdateBucketAccess { acl: None, cors_enabled: Some(true) }).await.unwrap();
    assert_eq!(o.get_bucket_access("fr-par", "secrets-bucket").await.unwrap().cors_enabled, Some(true));
    assert!(!o.get_bucket_ssl("fr-par", "secrets-bucket").await.unwrap().ssl);
    let ssl = UploadBucketSsl { certificate: "CERT".into(), private_key: "KEY".into() };
    assert!(!format!("{ssl:?}").contains("KEY\""));
    assert!(o.upload_bucket_ssl("fr-par", "secrets-bucket", &ssl).await.unwrap().ssl);
    o.delete_bucket_ssl("fr-par", "secrets-bucket").await.unwrap();
    o.delete_bucket("fr-par", "secrets-bucket").await.unwrap();
}

#[tokio::test]
async fn objects_acl_url_list() {
    let (server, client) = setup().await;
    let b = "/v4/object-storage/buckets/fr-par/bkt";
    Mock::given(method("GET"))
        .and(path(format!("{b}/object-acl")))
        .and(query_param("name", "dir/a b.txt"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"acl": "public-read", "acl_xml": "<x/>"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("{b}/object-acl")))
        .and(body_json(json!({"name": "a.txt", "acl": "private"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"acl": "private", "acl_xml": "<x/>"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{b}/object-url")))
        .and(body_json(json!({"method": "PUT", "name": "a.txt", "content_type": "text/plain", "expires_in": 600})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"url": "https://bkt.fr-par-1.linodeobjects.com/a.txt?Signature=x"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{b}/object-list")))
        .and(query_param("prefix", "dir/"))
        .and(query_param("delimiter", "/"))
        .and(query_param("marker", "dir/a"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"name": "dir/b.txt", "size": 10, "etag": "e", "last_modified": "2024-01-01T00:00:00.000Z", "owner": "o"},
            {"name": "dir/sub/"}], "is_truncated": true, "next_marker": "dir/sub/"})))
        .expect(1)
        .mount(&server)
        .await;
    let o = client.object_storage();
    assert_eq!(o.get_object_acl("fr-par", "bkt", "dir/a b.txt").await.unwrap().acl, ObjectAcl::PublicRead);
    o.update_object_acl("fr-par", "bkt", &UpdateObjectAcl { name: "a.txt".into(), acl: ObjectAcl::Private }).await.unwrap();
    let url = o
        .create_object_url("fr-par", "bkt", &CreateObjectUrl { method: "PUT".into(), name: "a.txt".into(), content_type: Some("text/plain".into()), expires_in: Some(600) })
        .await
        .unwrap();
    assert!(url.url.contains("Signature"));
    let params = ObjectListParams { prefix: Some("dir/".into()), delimiter: Some("/".into()), marker: Some("dir/a".into()), page_size: None };
    let list = o.list_objects("fr-par", "bkt", &params).await.unwrap();
    assert!(list.is_truncated);
    assert_eq!(list.data[1].size, None);
    assert_eq!(list.next_marker.as_deref(), Some("dir/sub/"));
}

#[tokio::test]
async fn keys_clusters_endpoints() {
    let (server, client) = setup().await;
    let key = json!({"id": 77, "label": "tf", "access_key": "KVAKUTGBA4WTR2NSJQ81", "secret_key": "OiA6F5r0niLs3QA2stbyq7mY5VCV7KqOzcmitmHw",
                     "limited": true, "bucket_access": [{"region": "fr-par", "bucket_name": "bkt", "permissions": "read_only"}],
                     "regions": [{"id": "fr-par", "s3_endpoint": "fr-par-1.linodeobjects.com", "endpoint_type": "E1"}]});
    Mock::given(method("POST"))
        .and(path("/v4/object-storage/keys"))
        .and(body_json(json!({"label": "tf", "bucket_access": [{"region": "fr-par", "bucket_name": "bkt", "permissions": "read_only"}], "regions": ["fr-par"]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(key.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v4/object-storage/keys/77"))
        .and(body_json(json!({"label": "tf2"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(key.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path("/v4/object-storage/keys/77")).respond_with(ResponseTemplate::new(200).set_body_json(key)).mount(&server).await;
    Mock::given(method("DELETE")).and(path("/v4/object-storage/keys/77")).respond_with(ResponseTemplate::new(200).set_body_json(json!({}))).expect(1).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/v4/object-storage/endpoints"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([{"region": "fr-par", "endpoint_type": "E1", "s3_endpoint": "fr-par-1.linodeobjects.com"}, {"region": "x", "endpoint_type": "E9", "s3_endpoint": null}]))))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v4/object-storage/clusters/us-east-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "us-east-1", "domain": "us-east-1.linodeobjects.com", "region": "us-east", "static_site_domain": "website-us-east-1.linodeobjects.com", "status": "available"})))
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path("/v4/object-storage/transfer")).respond_with(ResponseTemplate::new(200).set_body_json(json!({"used": 12956600198u64}))).mount(&server).await;

    let o = client.object_storage();
    let req = CreateObjectStorageKey {
        label: "tf".into(),
        bucket_access: Some(vec![KeyBucketAccess { region: Some("fr-par".into()), cluster: None, bucket_name: "bkt".into(), permissions: BucketPermission::ReadOnly }]),
        regions: Some(vec!["fr-par".into()]),
    };
    let k = o.create_key(&req).await.unwrap();
    assert_eq!(k.secret_key, "OiA6F5r0niLs3QA2stbyq7mY5VCV7KqOzcmitmHw");
    assert!(!format!("{k:?}").contains("OiA6F5r0"), "Debug hides the secret key");
    assert_eq!(k.regions[0].endpoint_type, Some(EndpointType::E1));
    o.update_key(77, &UpdateObjectStorageKey { label: Some("tf2".into()), regions: None }).await.unwrap();
    assert!(o.get_key(77).await.unwrap().limited);
    o.delete_key(77).await.unwrap();
    let eps = o.list_endpoints(&ListParams::new()).await.unwrap();
    assert_eq!(eps.data[1].endpoint_type, EndpointType::Other("E9".into()));
    assert_eq!(o.get_cluster("us-east-1").await.unwrap().status, ClusterStatus::Available);
    assert_eq!(o.transfer().await.unwrap().used, 12956600198);
}

#[tokio::test]
async fn object_list_stream_follows_markers() {
    use futures::TryStreamExt;
    let (server, client) = setup().await;
    let p = "/v4/object-storage/buckets/fr-par/bkt/object-list";
    Mock::given(method("GET"))
        .and(path(p))
        .and(query_param("marker", "b"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [{"name": "c"}], "is_truncated": false, "next_marker": null})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [{"name": "a"}, {"name": "b"}], "is_truncated": true, "next_marker": "b"})))
        .expect(1)
        .mount(&server)
        .await;
    let names: Vec<String> = client
        .object_storage()
        .list_all_objects("fr-par", "bkt", ObjectListParams::default())
        .map_ok(|e| e.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, vec!["a", "b", "c"]);
}

#[tokio::test]
async fn quotas() {
    use futures::TryStreamExt;
    let (server, client) = setup().await;
    let q = json!({"quota_id": "obj-buckets-fr-par-1.linodeobjects.com", "quota_name": "Number of Buckets", "description": "Buckets per endpoint",
                   "quota_limit": 1000, "resource_metric": "bucket", "quota_type": "obj-buckets", "endpoint_type": "E1",
                   "s3_endpoint": "fr-par-1.linodeobjects.com", "has_usage": true});
    Mock::given(method("GET"))
        .and(path("/v4/object-storage/quotas"))
        .and(|r: &wiremock::Request| r.headers.get("x-filter").is_none())
        .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([q.clone()]))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path("/v4/object-storage/quotas/obj-buckets-fr-par-1.linodeobjects.com")).respond_with(ResponseTemplate::new(200).set_body_json(q.clone())).expect(1).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/v4/object-storage/quotas/obj-buckets-fr-par-1.linodeobjects.com/usage"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"quota_limit": 1000, "usage": 7})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v4/object-storage/quotas"))
        .and(query_param("page", "1"))
        .and(crate::common::header_is("x-filter", r#"{"quota_type":"obj-buckets"}"#))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [q.clone()], "page": 1, "pages": 2, "results": 2})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v4/object-storage/quotas"))
        .and(query_param("page", "2"))
        .and(crate::common::header_is("x-filter", r#"{"quota_type":"obj-buckets"}"#))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [q.clone()], "page": 2, "pages": 2, "results": 2})))
        .expect(1)
        .mount(&server)
        .await;
    let o = client.object_storage();
    let filtered: Vec<_> = o
        .list_all_quotas(ListParams::new().filter(linode_sdk::Filter::new().eq("quota_type", "obj-buckets")))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(filtered.len(), 2);
    assert_eq!(filtered[1].endpoint_type, Some(EndpointType::E1));
    assert_eq!(o.list_quotas(&ListParams::new()).await.unwrap().data[0].quota_limit, 1000);
    assert_eq!(o.get_quota("obj-buckets-fr-par-1.linodeobjects.com").await.unwrap().resource_metric, "bucket");
    assert_eq!(o.get_quota_usage("obj-buckets-fr-par-1.linodeobjects.com").await.unwrap().usage, Some(7));
}

#[tokio::test]
async fn quota_usage_without_data_is_none_and_clusters_stream() {
    use futures::TryStreamExt;
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v4/object-storage/quotas/obj-total-egress-throughput-gb-lon-1.linodeobjects.com/usage"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"quota_limit": 1250000000u64, "usage": null})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v4/object-storage/clusters"))
        .and(query_param("page_size", "500"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([
            {"id": "us-east-1", "domain": "us-east-1.linodeobjects.com", "region": "us-east", "static_site_domain": "website-us-east-1.linodeobjects.com", "status": "available"},
            {"id": "fr-par-1", "domain": "fr-par-1.linodeobjects.com", "region": "fr-par", "static_site_domain": "website-fr-par-1.linodeobjects.com", "status": "available"}
        ]))))
        .expect(1)
        .mount(&server)
        .await;
    let o = client.object_storage();
    let u = o.get_quota_usage("obj-total-egress-throughput-gb-lon-1.linodeobjects.com").await.unwrap();
    assert_eq!((u.quota_limit, u.usage), (1_250_000_000, None));
    let clusters: Vec<_> = o.list_all_clusters(ListParams::new().page_size(500)).try_collect().await.unwrap();
    assert_eq!(clusters.iter().map(|c| c.region.as_str()).collect::<Vec<_>>(), ["us-east", "fr-par"]);
    assert_eq!(clusters[1].static_site_domain, "website-fr-par-1.linodeobjects.com");
}
