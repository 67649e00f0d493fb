//! Object Storage over REST: buckets (shared with the S3 endpoint), access, TLS, object ACLs,
//! object listing and presigned URLs, keys, clusters, endpoints, quotas, types, transfer.
//!
//! Every region's endpoints are served by the emulator's one S3 address, which is what the
//! answers report as `s3_endpoint`; endpoint types, legacy cluster ids and quota ids follow
//! Linode's catalog ([`catalog::OBJ_ENDPOINTS`]).

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use rand::Rng;
use serde_json::{Value, json};

use super::{AppState, Input, JsonBody, ListQuery, empty, list_response, parse_id, query_map};
use crate::catalog::{self, OBJ_ENDPOINTS, ObjEndpoint};
use crate::error::{ApiError, ApiResult, Errors};
use crate::state::{
    Bucket, BucketAccess, ObjKey, State as Store, alloc, bucket_key, fmt_time, now_ms,
};

/// Routes of this area (relative to `/v4`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/object-storage/buckets",
            get(list_buckets).post(create_bucket),
        )
        .route("/object-storage/buckets/{region}", get(list_region_buckets))
        .route(
            "/object-storage/buckets/{region}/{bucket}",
            get(get_bucket).delete(delete_bucket),
        )
        .route(
            "/object-storage/buckets/{region}/{bucket}/access",
            get(get_access).post(set_access).put(set_access),
        )
        .route(
            "/object-storage/buckets/{region}/{bucket}/ssl",
            get(get_ssl).post(post_ssl).delete(delete_ssl),
        )
        .route(
            "/object-storage/buckets/{region}/{bucket}/object-acl",
            get(get_object_acl).put(put_object_acl),
        )
        .route(
            "/object-storage/buckets/{region}/{bucket}/object-list",
            get(object_list),
        )
        .route(
            "/object-storage/buckets/{region}/{bucket}/object-url",
            post(object_url),
        )
        .route("/object-storage/clusters", get(list_clusters))
        .route("/object-storage/clusters/{id}", get(get_cluster))
        .route("/object-storage/endpoints", get(endpoints))
        .route("/object-storage/quotas", get(list_quotas))
        .route("/object-storage/quotas/{id}", get(get_quota))
        .route("/object-storage/quotas/{id}/usage", get(quota_usage))
        .route("/object-storage/keys", get(list_keys).post(create_key))
        .route(
            "/object-storage/keys/{id}",
            get(get_key).put(update_key).delete(delete_key),
        )
        .route("/object-storage/types", get(types))
        .route("/object-storage/transfer", get(transfer))
}

/// Owner UUID reported for every object.
pub const OWNER_UUID: &str = "6f2c1d3e-0000-4000-8000-00000000a11c";

const BUCKET_FILTERS: &[&str] = &["label", "region", "cluster", "hostname", "created"];
const ACLS: &[&str] = &[
    "private",
    "public-read",
    "authenticated-read",
    "public-read-write",
    "custom",
];

/// The catalog endpoint holding a bucket.
fn endpoint_of(b: &Bucket) -> Option<&'static ObjEndpoint> {
    catalog::obj_endpoint(&b.region, b.endpoint_type.as_deref())
        .or_else(|| catalog::obj_endpoint(&b.region, None))
}

/// API representation of a bucket. `cluster` is the legacy cluster id of E0/E1 endpoints and
/// empty on E2/E3 ones, as the real API answers.
pub fn bucket_json(b: &Bucket, s3_endpoint: &str) -> Value {
    let (objects, size) = b.usage();
    let endpoint = endpoint_of(b);
    json!({
        "label": b.label,
        "region": b.region,
        "cluster": endpoint.and_then(ObjEndpoint::cluster_id).unwrap_or_default(),
        "created": fmt_time(b.created_ms),
        "hostname": format!("{}.{s3_endpoint}", b.label),
        "s3_endpoint": s3_endpoint,
        "endpoint_type": endpoint.map_or("E1", |e| e.endpoint_type),
        "objects": objects,
        "size": size,
    })
}

fn key_json(k: &ObjKey, s3_endpoint: &str, reveal: bool) -> Value {
    json!({
        "id": k.id,
        "label": k.label,
        "access_key": k.access_key,
        "secret_key": if reveal { k.secret_key.clone() } else { "[REDACTED]".to_string() },
        "limited": !k.bucket_access.is_empty(),
        "bucket_access": k.bucket_access.iter().map(|a| json!({
            "region": a.region, "bucket_name": a.bucket_name, "permissions": a.permissions,
            "cluster": catalog::obj_endpoint(&a.region, None).and_then(ObjEndpoint::cluster_id).unwrap_or_default()
        })).collect::<Vec<_>>(),
        "regions": k.regions.iter().map(|r| json!({
            "id": r, "s3_endpoint": s3_endpoint,
            "endpoint_type": catalog::obj_endpoint(r, None).map_or("E1", |e| e.endpoint_type)
        })).collect::<Vec<_>>(),
    })
}

fn region_param(region: &str) -> ApiResult<&'static str> {
    catalog::resolve_obj_region(region).ok_or_else(ApiError::not_found)
}

fn bucket_in<'a>(s: &'a Store, region: &str, name: &str) -> ApiResult<&'a Bucket> {
    s.bucket(region_param(region)?, name)
        .ok_or_else(ApiError::not_found)
}

fn bucket_in_mut<'a>(s: &'a mut Store, region: &str, name: &str) -> ApiResult<&'a mut Bucket> {
    s.bucket_mut(region_param(region)?, name)
        .ok_or_else(ApiError::not_found)
}

/// The bucket-name rule of the API.
pub fn valid_bucket_label(label: &str) -> bool {
    let re = regex::Regex::new(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:[.][a-z0-9]+(?:-[a-z0-9]+)*)*$")
        .expect("static regex");
    (3..=63).contains(&label.len()) && re.is_match(label)
}

async fn list_buckets(State(app): State<AppState>, q: ListQuery) -> ApiResult<Json<Value>> {
    let items = app.read(|s| {
        s.buckets
            .values()
            .map(|b| bucket_json(b, &app.s3_endpoint))
            .collect()
    });
    list_response(items, &q, BUCKET_FILTERS)
}

async fn list_region_buckets(
    State(app): State<AppState>,
    Path(region): Path<String>,
    q: ListQuery,
) -> ApiResult<Json<Value>> {
    let r = region_param(&region)?;
    let items = app.read(|s| {
        s.buckets
            .values()
            .filter(|b| b.region == r)
            .map(|b| bucket_json(b, &app.s3_endpoint))
            .collect()
    });
    list_response(items, &q, BUCKET_FILTERS)
}

/// `POST /object-storage/buckets`. Creating a bucket the account already has (same region and
/// label) answers 200 with that bucket and changes nothing, as the real API does.
async fn create_bucket(
    State(app): State<AppState>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let endpoint = app.s3_endpoint.clone();
    let out = app.write(|s| {
        let mut errs = Errors::new();
        let i = Input::new(&body, "");
        let label = i.req_str("label", &mut errs);
        if label.is_some_and(|l| !valid_bucket_label(l)) {
            errs.add("label", "Bucket labels must be 3-63 characters of lowercase letters, numbers, dashes and periods");
        }
        // `cluster` is the deprecated spelling of `region`.
        let (field, region_raw) = if i.has("region") {
            ("region", i.str("region", &mut errs))
        } else {
            ("cluster", i.str("cluster", &mut errs))
        };
        let region = match region_raw {
            None => {
                if !i.has(field) {
                    errs.add("region", "region is required");
                }
                None
            }
            Some(r) => match catalog::resolve_obj_region(r) {
                Some(id) => Some(id),
                None if catalog::region(r).is_some() => {
                    errs.add(field, format!("Object Storage is not available in region {r}"));
                    None
                }
                None => {
                    errs.add(field, "region is not valid");
                    None
                }
            },
        };
        let acl = i.one_of("acl", ACLS, &mut errs).unwrap_or("private");
        let cors = i.bool("cors_enabled", &mut errs).unwrap_or(false);
        let endpoint_type = i.one_of("endpoint_type", &["E0", "E1", "E2", "E3"], &mut errs);
        if let (Some(r), Some(t)) = (region, endpoint_type)
            && catalog::obj_endpoint(r, Some(t)).is_none()
        {
            let offered: Vec<_> = catalog::obj_endpoints(r).map(|e| e.endpoint_type).collect();
            errs.add("endpoint_type", format!("{r} offers endpoint types {}", offered.join(", ")));
        }
        errs.finish()?;
        let (label, region) = (label.unwrap_or_default(), region.unwrap_or_default());
        if let Some(existing) = s.bucket(region, label) {
            return Ok(bucket_json(existing, &endpoint));
        }
        let mut b = Bucket::new(label, region);
        b.acl = acl.to_string();
        b.cors_enabled = cors;
        b.endpoint_type = catalog::obj_endpoint(region, endpoint_type).map(|e| e.endpoint_type.to_string());
        let v = bucket_json(&b, &endpoint);
        s.buckets.insert(bucket_key(region, label), b);
        Ok(v)
    })?;
    Ok(Json(out))
}

async fn get_bucket(
    State(app): State<AppState>,
    Path((region, name)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    app.read(|s| bucket_in(s, &region, &name).map(|b| Json(bucket_json(b, &app.s3_endpoint))))
}

async fn delete_bucket(
    State(app): State<AppState>,
    Path((region, name)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    app.write(|s| {
        let b = bucket_in(s, &region, &name)?;
        if !b.is_empty() {
            return Err(ApiError::bad_request(
                "Bucket is not empty; delete its objects first",
            ));
        }
        let key = bucket_key(&b.region, &b.label);
        s.buckets.remove(&key);
        Ok(empty())
    })
}

/// `GET .../access` (newer than the 4.189 spec): the canned ACL and the CORS switch.
async fn get_access(
    State(app): State<AppState>,
    Path((region, name)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    app.read(|s| {
        bucket_in(s, &region, &name).map(|b| {
            Json(json!({
                "acl": b.acl,
                "acl_xml": null,
                "cors_enabled": b.cors_enabled,
                "cors_xml": null,
            }))
        })
    })
}

async fn set_access(
    State(app): State<AppState>,
    Path((region, name)): Path<(String, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    app.write(|s| {
        bucket_in(s, &region, &name)?;
        let mut errs = Errors::new();
        let i = Input::new(&body, "");
        let acl = i.one_of("acl", ACLS, &mut errs);
        let cors = i.bool("cors_enabled", &mut errs);
        errs.finish()?;
        let b = bucket_in_mut(s, &region, &name)?;
        if let Some(a) = acl {
            b.acl = a.to_string();
        }
        if let Some(c) = cors {
            b.cors_enabled = c;
        }
        Ok(empty())
    })
}

async fn get_ssl(
    State(app): State<AppState>,
    Path((region, name)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    app.read(|s| bucket_in(s, &region, &name).map(|b| Json(json!({"ssl": b.ssl.is_some()}))))
}

async fn post_ssl(
    State(app): State<AppState>,
    Path((region, name)): Path<(String, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    app.write(|s| {
        bucket_in(s, &region, &name)?;
        let mut errs = Errors::new();
        let i = Input::new(&body, "");
        let cert = i.req_str("certificate", &mut errs);
        let key = i.req_str("private_key", &mut errs);
        if cert.is_some_and(|c| !c.contains("BEGIN CERTIFICATE")) {
            errs.add("certificate", "Invalid certificate");
        }
        if key.is_some_and(|k| !k.contains("PRIVATE KEY")) {
            errs.add("private_key", "Invalid private key");
        }
        errs.finish()?;
        let b = bucket_in_mut(s, &region, &name)?;
        b.ssl = Some((
            cert.unwrap_or_default().to_string(),
            key.unwrap_or_default().to_string(),
        ));
        Ok(Json(json!({"ssl": true})))
    })
}

async fn delete_ssl(
    State(app): State<AppState>,
    Path((region, name)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    app.write(|s| {
        bucket_in_mut(s, &region, &name)?.ssl = None;
        Ok(empty())
    })
}

fn acl_xml(acl: &str) -> String {
    let mut grants = String::from(
        "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\"><ID>linode-mock</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant>",
    );
    let group = |uri: &str, perm: &str| {
        format!(
            "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"Group\"><URI>{uri}</URI></Grantee><Permission>{perm}</Permission></Grant>"
        )
    };
    match acl {
        "public-read" => grants.push_str(&group(
            "http://acs.amazonaws.com/groups/global/AllUsers",
            "READ",
        )),
        "public-read-write" => {
            grants.push_str(&group(
                "http://acs.amazonaws.com/groups/global/AllUsers",
                "READ",
            ));
            grants.push_str(&group(
                "http://acs.amazonaws.com/groups/global/AllUsers",
                "WRITE",
            ));
        }
        "authenticated-read" => grants.push_str(&group(
            "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
            "READ",
        )),
        _ => {}
    }
    format!(
        "<AccessControlPolicy><Owner><ID>linode-mock</ID></Owner><AccessControlList>{grants}</AccessControlList></AccessControlPolicy>"
    )
}

async fn get_object_acl(
    State(app): State<AppState>,
    Path((region, name)): Path<(String, String)>,
    uri: axum::http::Uri,
) -> ApiResult<Json<Value>> {
    let q = query_map(uri.query());
    let key = q
        .get("name")
        .cloned()
        .ok_or_else(|| ApiError::field("name", "name is required"))?;
    app.read(|s| {
        let b = bucket_in(s, &region, &name)?;
        let v = b
            .objects
            .get(&key)
            .and_then(|vs| vs.last())
            .filter(|v| !v.delete_marker)
            .ok_or_else(ApiError::not_found)?;
        Ok(Json(json!({"acl": v.acl, "acl_xml": acl_xml(&v.acl)})))
    })
}

async fn put_object_acl(
    State(app): State<AppState>,
    Path((region, name)): Path<(String, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    app.write(|s| {
        bucket_in(s, &region, &name)?;
        let mut errs = Errors::new();
        let i = Input::new(&body, "");
        let acl = i.one_of("acl", ACLS, &mut errs);
        if !i.has("acl") {
            errs.add("acl", "acl is required");
        }
        let key = i.req_str("name", &mut errs);
        errs.finish()?;
        let (acl, key) = (acl.unwrap_or("private"), key.unwrap_or_default());
        let b = bucket_in_mut(s, &region, &name)?;
        let v = b
            .objects
            .get_mut(key)
            .and_then(|vs| vs.last_mut())
            .filter(|v| !v.delete_marker)
            .ok_or_else(ApiError::not_found)?;
        v.acl = acl.to_string();
        Ok(Json(json!({"acl": acl, "acl_xml": acl_xml(acl)})))
    })
}

async fn object_list(
    State(app): State<AppState>,
    Path((region, name)): Path<(String, String)>,
    uri: axum::http::Uri,
) -> ApiResult<Json<Value>> {
    let q = query_map(uri.query());
    let page_size = match q.get("page_size") {
        None => 100,
        Some(p) => p
            .parse::<usize>()
            .ok()
            .filter(|n| (25..=500).contains(n))
            .ok_or_else(|| ApiError::field("page_size", "Must be a value between 25 and 500"))?,
    };
    let prefix = q.get("prefix").cloned().unwrap_or_default();
    let marker = q.get("marker").cloned();
    let delimiter = q.get("delimiter").cloned().filter(|d| !d.is_empty());
    app.read(|s| {
        let b = bucket_in(s, &region, &name)?;
        let mut data = Vec::new();
        let mut last_group: Option<String> = None;
        let mut next = None;
        for (k, v) in b.current() {
            if !k.starts_with(&prefix) || marker.as_ref().is_some_and(|m| k <= m) {
                continue;
            }
            let group = delimiter.as_ref().and_then(|d| k[prefix.len()..].find(d.as_str()).map(|i| k[..prefix.len() + i + d.len()].to_string()));
            if group.is_some() && group == last_group {
                continue;
            }
            if data.len() >= page_size {
                next = data.last().and_then(|d: &Value| d["name"].as_str().map(str::to_string));
                break;
            }
            match group {
                Some(g) => {
                    // A prefix: every field but the name is null, as documented.
                    data.push(json!({"name": g, "etag": null, "last_modified": null, "owner": null, "size": null}));
                    last_group = Some(g);
                }
                None => data.push(json!({
                    "name": k, "etag": v.etag, "size": v.data.len(),
                    "last_modified": fmt_time(v.modified_ms), "owner": OWNER_UUID
                })),
            }
        }
        Ok(Json(json!({"data": data, "is_truncated": next.is_some(), "next_marker": next})))
    })
}

async fn object_url(
    State(app): State<AppState>,
    Path((region, name)): Path<(String, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let b = app.read(|s| bucket_in(s, &region, &name).map(|b| b.label.clone()))?;
    let mut errs = Errors::new();
    let i = Input::new(&body, "");
    let method = i
        .one_of(
            "method",
            &["GET", "PUT", "POST", "DELETE", "HEAD"],
            &mut errs,
        )
        .unwrap_or("GET");
    let key = i.req_str("name", &mut errs);
    let expires = i
        .int_range("expires_in", 360, 86400, &mut errs)
        .unwrap_or(3600) as u64;
    let content_type = i.str("content_type", &mut errs);
    if !matches!(method, "GET" | "DELETE" | "HEAD") && content_type.is_none() {
        errs.add("content_type", "content_type is required for this method");
    }
    errs.finish()?;
    let url = crate::s3::presign(
        method,
        &app.s3_endpoint,
        &b,
        key.unwrap_or_default(),
        expires,
        &app.s3_root.0,
        &app.s3_root.1,
        "us-east-1",
        content_type,
        now_ms(),
    );
    Ok(Json(json!({ "url": url })))
}

/// A legacy cluster (deprecated API): one per E0/E1 endpoint.
fn cluster_json(id: &str, e: &ObjEndpoint) -> Value {
    json!({
        "id": id,
        "region": e.region,
        "domain": e.host,
        "static_site_domain": format!("website-{}", e.host),
        "status": "available"
    })
}

async fn list_clusters(q: ListQuery) -> ApiResult<Json<Value>> {
    list_response(
        catalog::obj_clusters()
            .map(|(id, e)| cluster_json(id, e))
            .collect(),
        &q,
        &["id", "region", "status"],
    )
}

async fn get_cluster(Path(id): Path<String>) -> ApiResult<Json<Value>> {
    catalog::obj_clusters()
        .find(|(c, _)| *c == id)
        .map(|(c, e)| Json(cluster_json(c, e)))
        .ok_or_else(ApiError::not_found)
}

async fn endpoints(State(app): State<AppState>, q: ListQuery) -> ApiResult<Json<Value>> {
    let items = OBJ_ENDPOINTS
        .iter()
        .map(|e| json!({"region": e.region, "endpoint_type": e.endpoint_type, "s3_endpoint": app.s3_endpoint}))
        .collect();
    list_response(items, &q, &["region", "endpoint_type", "s3_endpoint"])
}

/// Every per-endpoint quota: `(quota document, usage)`. Usage counts the account's buckets,
/// current objects and their bytes at the endpoint; throughput quotas have no usage (`None`).
fn quotas(s: &Store) -> Vec<(Value, Option<u64>)> {
    let mut out = Vec::new();
    for e in OBJ_ENDPOINTS {
        let here: Vec<&Bucket> = s
            .buckets
            .values()
            .filter(|b| endpoint_of(b) == Some(e))
            .collect();
        let objects: usize = here.iter().map(|b| b.usage().0).sum();
        let bytes: usize = here.iter().map(|b| b.usage().1).sum();
        for &(quota_type, name, description, metric, has_usage) in
            catalog::quota_kinds(e.endpoint_type)
        {
            let usage = match quota_type {
                "obj-buckets" => Some(here.len() as u64),
                "obj-objects" => Some(objects as u64),
                "obj-bytes" => Some(bytes as u64),
                _ => None,
            };
            out.push((
                json!({
                    "quota_id": format!("{quota_type}-{}", e.host),
                    "quota_name": name,
                    "quota_type": quota_type,
                    "endpoint_type": e.endpoint_type,
                    "s3_endpoint": e.host,
                    "description": description,
                    "quota_limit": catalog::quota_limit(e.endpoint_type, quota_type),
                    "resource_metric": metric,
                    "has_usage": has_usage,
                }),
                usage,
            ));
        }
    }
    out
}

const QUOTA_FILTERS: &[&str] = &[
    "quota_id",
    "quota_name",
    "quota_type",
    "endpoint_type",
    "s3_endpoint",
    "resource_metric",
    "has_usage",
];

/// `GET /object-storage/quotas`. A quota's `s3_endpoint` is Linode's host name of the endpoint
/// (its id is `{quota_type}-{host}`), not the emulator's S3 address, so that every endpoint's
/// quotas stay apart.
async fn list_quotas(State(app): State<AppState>, q: ListQuery) -> ApiResult<Json<Value>> {
    let items = app.read(|s| quotas(s).into_iter().map(|(v, _)| v).collect());
    list_response(items, &q, QUOTA_FILTERS)
}

fn find_quota(s: &Store, id: &str) -> ApiResult<(Value, Option<u64>)> {
    quotas(s)
        .into_iter()
        .find(|(v, _)| v["quota_id"] == id)
        .ok_or_else(ApiError::not_found)
}

async fn get_quota(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    app.read(|s| find_quota(s, &id).map(|(v, _)| Json(v)))
}

async fn quota_usage(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    app.read(|s| {
        find_quota(s, &id)
            .map(|(v, usage)| Json(json!({"quota_limit": v["quota_limit"], "usage": usage})))
    })
}

async fn types(q: ListQuery) -> ApiResult<Json<Value>> {
    list_response(
        catalog::object_storage_types(),
        &q,
        &["label", "price.hourly", "price.monthly", "transfer"],
    )
}

async fn transfer() -> Json<Value> {
    Json(json!({"used": 0}))
}

fn random_string(n: usize, alphabet: &[u8]) -> String {
    let mut rng = rand::rng();
    (0..n)
        .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
        .collect()
}

fn validate_regions(i: &Input<'_>, errs: &mut Errors) -> Option<Vec<String>> {
    let regions = i.str_list("regions", errs)?;
    let mut out = Vec::new();
    for (n, r) in regions.iter().enumerate() {
        match catalog::resolve_obj_region(r) {
            Some(id) => out.push(id.to_string()),
            None => errs.add(format!("regions[{n}]"), "region is not valid"),
        }
    }
    Some(out)
}

async fn list_keys(State(app): State<AppState>, q: ListQuery) -> ApiResult<Json<Value>> {
    let items = app.read(|s| {
        s.obj_keys
            .values()
            .map(|k| key_json(k, &app.s3_endpoint, false))
            .collect()
    });
    list_response(items, &q, &["label", "id"])
}

async fn create_key(
    State(app): State<AppState>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let out = app.write(|s| {
        let mut errs = Errors::new();
        let i = Input::new(&body, "");
        let label = i.str("label", &mut errs).unwrap_or_default();
        if label.len() > 50 {
            errs.add("label", "Length must be 0-50 characters");
        }
        let mut access = Vec::new();
        match i.raw("bucket_access") {
            None => {}
            Some(Value::Array(items)) => {
                for (n, a) in items.iter().enumerate() {
                    let ai = Input::new(a, format!("bucket_access[{n}]."));
                    let bucket = ai.req_str("bucket_name", &mut errs);
                    let perm = ai.one_of("permissions", &["read_write", "read_only"], &mut errs);
                    if !ai.has("permissions") {
                        errs.add(ai.path("permissions"), "permissions is required");
                    }
                    let region = ai
                        .str("region", &mut errs)
                        .or_else(|| ai.str("cluster", &mut errs));
                    let region = match region.map(catalog::resolve_obj_region) {
                        Some(Some(r)) => Some(r),
                        Some(None) => {
                            errs.add(ai.path("region"), "region is not valid");
                            None
                        }
                        None => {
                            errs.add(ai.path("region"), "region is required");
                            None
                        }
                    };
                    if let (Some(b), Some(r)) = (bucket, region)
                        && s.bucket(r, b).is_none()
                    {
                        errs.add(ai.path("bucket_name"), "Bucket not found in this region");
                    }
                    if let (Some(b), Some(p), Some(r)) = (bucket, perm, region) {
                        access.push(BucketAccess {
                            region: r.to_string(),
                            bucket_name: b.to_string(),
                            permissions: p.to_string(),
                        });
                    }
                }
            }
            Some(_) => errs.add("bucket_access", "bucket_access must be an array"),
        }
        let regions = validate_regions(&i, &mut errs);
        errs.finish()?;
        let mut regions = regions.unwrap_or_else(|| {
            if access.is_empty() {
                OBJ_ENDPOINTS.iter().map(|e| e.region.to_string()).collect()
            } else {
                access.iter().map(|a| a.region.clone()).collect()
            }
        });
        let mut seen = std::collections::HashSet::new();
        regions.retain(|r| seen.insert(r.clone()));
        let id = alloc(&mut s.ids.obj_key);
        let key = ObjKey {
            id,
            label: label.to_string(),
            access_key: random_string(20, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
            secret_key: random_string(
                40,
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            ),
            bucket_access: access,
            regions,
        };
        let v = key_json(&key, &app.s3_endpoint, true);
        s.obj_keys.insert(id, key);
        Ok(v)
    })?;
    Ok(Json(out))
}

async fn get_key(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let id = parse_id(&id)?;
    app.read(|s| {
        s.obj_keys
            .get(&id)
            .map(|k| Json(key_json(k, &app.s3_endpoint, false)))
            .ok_or_else(ApiError::not_found)
    })
}

async fn update_key(
    State(app): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let id = parse_id(&id)?;
    let out = app.write(|s| {
        if !s.obj_keys.contains_key(&id) {
            return Err(ApiError::not_found());
        }
        let mut errs = Errors::new();
        let i = Input::new(&body, "");
        let label = i.str("label", &mut errs);
        let regions = validate_regions(&i, &mut errs);
        errs.finish()?;
        let k = s.obj_keys.get_mut(&id).ok_or_else(ApiError::not_found)?;
        if let Some(l) = label {
            k.label = l.to_string();
        }
        if let Some(r) = regions {
            k.regions = r;
        }
        Ok(key_json(k, &app.s3_endpoint, false))
    })?;
    Ok(Json(out))
}

async fn delete_key(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let id = parse_id(&id)?;
    app.write(|s| {
        s.obj_keys
            .remove(&id)
            .map(|_| empty())
            .ok_or_else(ApiError::not_found)
    })
}
