//! The Object Storage data sources: clusters (deprecated), quotas with their usage, the quota
//! list and the endpoint list (filters of each `match_by`, `order_by`, one listing).

use linode_mock::catalog::OBJ_ENDPOINTS;
use linode_sdk::models::object_storage::CreateBucket;
use tfplugin::Value;

use crate::support::{self, Env, assert_error_on, obj};

fn filter(name: &str, values: &[&str], match_by: Option<&str>) -> Value {
    obj(&[
        ("name", Value::from(name)),
        ("values", Value::set(values.iter().map(|v| Value::from(*v)))),
        ("match_by", match_by.map_or(Value::Null, Value::from)),
    ])
}

fn text<'a>(v: &'a Value, attr: &str) -> &'a str {
    v.get(attr).and_then(Value::as_str).unwrap_or_else(|| panic!("no string {attr} in {v:?}"))
}

/// `attr` of every element of the list `list`.
fn column(state: &Value, list: &str, attr: &str) -> Vec<String> {
    state.get(list).and_then(Value::as_elements).expect(list).iter().map(|e| text(e, attr).to_string()).collect()
}

/// The API requests since the last `clear_requests`, as `METHOD /path`.
fn requests(env: &Env) -> Vec<String> {
    env.mock.requests().iter().map(|r| format!("{} {}", r.method, r.path)).collect()
}

#[tokio::test]
async fn cluster_reads_a_legacy_cluster_and_unknown_ids_fail_on_id() {
    let env = support::setup().await;
    let c = env.h.read_data_source("linode_object_storage_cluster", obj(&[("id", Value::from("us-east-1"))])).await.expect_ok();
    assert_eq!(text(&c, "region"), "us-east");
    assert_eq!(text(&c, "domain"), "us-east-1.linodeobjects.com");
    assert_eq!(text(&c, "static_site_domain"), "website-us-east-1.linodeobjects.com");
    assert_eq!(text(&c, "status"), "available");
    assert_eq!(text(&c, "id"), "us-east-1");
    // E2/E3 endpoints have no legacy cluster.
    let out = env.h.read_data_source("linode_object_storage_cluster", obj(&[("id", Value::from("gb-lon-1"))])).await;
    assert_error_on(&out.diagnostics, "id");
}

#[tokio::test]
async fn quota_reads_the_limit_and_the_usage() {
    let env = support::setup().await;
    let api = linode_sdk::Client::builder().token(env.mock.token()).base_url(env.mock.api_url()).build().unwrap();
    for label in ["quota-a", "quota-b"] {
        let body = CreateBucket { label: label.into(), region: Some("us-east".into()), ..Default::default() };
        api.object_storage().create_bucket(&body).await.unwrap();
    }
    let read = |id: &str| env.h.read_data_source("linode_object_storage_quota", obj(&[("quota_id", Value::from(id))]));
    let q = read("obj-buckets-us-east-1.linodeobjects.com").await.expect_ok();
    assert_eq!(text(&q, "id"), "obj-buckets-us-east-1.linodeobjects.com");
    assert_eq!(text(&q, "quota_name"), "Number of Buckets");
    assert_eq!(text(&q, "endpoint_type"), "E0");
    assert_eq!(text(&q, "s3_endpoint"), "us-east-1.linodeobjects.com");
    assert_eq!(text(&q, "resource_metric"), "bucket");
    assert_eq!(q.get("quota_limit").and_then(Value::as_i64), Some(1000));
    let usage = q.get("quota_usage").expect("quota_usage");
    assert_eq!(usage.get("quota_limit").and_then(Value::as_i64), Some(1000));
    assert_eq!(usage.get("usage").and_then(Value::as_i64), Some(2), "the two buckets at that endpoint");

    // Throughput quotas have no usage: 0, as the official provider reports it.
    let t = read("obj-total-egress-throughput-gb-lon-1.linodeobjects.com").await.expect_ok();
    assert_eq!(t.get("quota_usage").and_then(|u| u.get("usage")).and_then(Value::as_i64), Some(0));
    assert_eq!(t.get("quota_limit").and_then(Value::as_i64), Some(1_250_000_000));

    assert_error_on(&read("obj-buckets-mars-1.linodeobjects.com").await.diagnostics, "quota_id");
}

#[tokio::test]
async fn quotas_filter_by_each_match_by_in_one_listing() {
    let env = support::setup().await;
    let read = |filters: Vec<Value>| env.h.read_data_source("linode_object_storage_quotas", obj(&[("filter", Value::set(filters))]));
    env.mock.clear_requests();
    let all = read(vec![]).await.expect_ok();
    assert_eq!(requests(&env), ["GET /v4/object-storage/quotas"], "one paginated listing");
    let per_endpoint = |t: &str| if matches!(t, "E0" | "E1") { 3 } else { 7 };
    let expected: usize = OBJ_ENDPOINTS.iter().map(|e| per_endpoint(e.endpoint_type)).sum();
    assert_eq!(column(&all, "quotas", "quota_id").len(), expected);

    let buckets = read(vec![filter("quota_name", &["Number of Buckets"], None)]).await.expect_ok();
    assert_eq!(column(&buckets, "quotas", "quota_id").len(), OBJ_ENDPOINTS.len());
    let lon = read(vec![filter("s3_endpoint", &["gb-lon"], Some("substring")), filter("resource_metric", &["byte_per_second"], None)])
        .await
        .expect_ok();
    let mut ids = column(&lon, "quotas", "quota_id");
    ids.sort();
    assert_eq!(
        ids,
        [
            "obj-per-ip-egress-throughput-gb-lon-1.linodeobjects.com",
            "obj-per-ip-ingress-throughput-gb-lon-1.linodeobjects.com",
            "obj-total-egress-throughput-gb-lon-1.linodeobjects.com",
            "obj-total-ingress-throughput-gb-lon-1.linodeobjects.com",
        ]
    );
    let re = read(vec![filter("quota_id", &["^obj-objects-us-(east|sea)-1\\."], Some("re"))]).await.expect_ok();
    let mut ids = column(&re, "quotas", "quota_id");
    ids.sort();
    assert_eq!(ids, ["obj-objects-us-east-1.linodeobjects.com", "obj-objects-us-sea-1.linodeobjects.com"]);
    let big = read(vec![filter("quota_limit", &["500000000"], None)]).await.expect_ok();
    assert!(column(&big, "quotas", "quota_name").iter().all(|n| n == "Number of Objects"), "numbers match as text");
    assert!(!column(&big, "quotas", "quota_id").is_empty());
    let element = &all.get("quotas").and_then(Value::as_elements).unwrap()[0];
    assert!(element.get("description").and_then(Value::as_str).is_some_and(|d| !d.is_empty()));

    assert_error_on(&read(vec![filter("usage", &["1"], None)]).await.diagnostics, "filter");
    assert_error_on(&read(vec![filter("quota_id", &["(open"], Some("re"))]).await.diagnostics, "filter");
}

#[tokio::test]
async fn endpoints_filter_by_each_match_by_and_order_in_one_listing() {
    let env = support::setup().await;
    let read = |filters: Vec<Value>, order: &[(&str, &str)]| {
        let mut pairs = vec![("filter", Value::set(filters))];
        pairs.extend(order.iter().map(|(k, v)| (*k, Value::from(*v))));
        env.h.read_data_source("linode_object_storage_endpoints", obj(&pairs))
    };
    env.mock.clear_requests();
    let all = read(vec![], &[("order_by", "region")]).await.expect_ok();
    assert_eq!(requests(&env), ["GET /v4/object-storage/endpoints"], "one paginated listing");
    let mut regions: Vec<String> = OBJ_ENDPOINTS.iter().map(|e| e.region.to_string()).collect();
    regions.sort();
    assert_eq!(column(&all, "endpoints", "region"), regions);
    assert!(column(&all, "endpoints", "s3_endpoint").iter().all(|s| *s == env.mock.s3_endpoint()));

    let e3 = read(vec![filter("endpoint_type", &["E3"], None)], &[("order_by", "region"), ("order", "desc")]).await.expect_ok();
    let mut expected: Vec<&str> = OBJ_ENDPOINTS.iter().filter(|e| e.endpoint_type == "E3").map(|e| e.region).collect();
    expected.sort();
    expected.reverse();
    assert_eq!(column(&e3, "endpoints", "region"), expected);
    let us = read(vec![filter("region", &["us-"], Some("substring"))], &[]).await.expect_ok();
    assert_eq!(column(&us, "endpoints", "region").len(), OBJ_ENDPOINTS.iter().filter(|e| e.region.contains("us-")).count());
    let lax_or_ord = read(vec![filter("region", &["^us-(lax|ord)$"], Some("re")), filter("endpoint_type", &["E1"], None)], &[("order_by", "region")])
        .await
        .expect_ok();
    assert_eq!(column(&lax_or_ord, "endpoints", "region"), ["us-lax", "us-ord"], "filters combine with AND");

    assert_error_on(&read(vec![filter("cluster", &["x"], None)], &[]).await.diagnostics, "filter");
    assert_error_on(&read(vec![], &[("order_by", "cluster")]).await.diagnostics, "order_by");
}
