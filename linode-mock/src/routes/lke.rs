//! LKE: clusters, node pools, nodes, kubeconfig, API endpoints, dashboard, control plane ACL,
//! recycle/regenerate, versions, tiers and types.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use base64::Engine;
use serde_json::{Value, json};
use sha2::Digest;

use super::firewalls::existing_firewall;
use super::{AppState, Input, JsonBody, ListQuery, empty, list_response, parse_id};
use crate::catalog;
use crate::error::{ApiError, ApiResult, Errors};
use crate::lifecycle::{cluster_status, kubeconfig_ready, kubeconfig_wait_ms, node_status};
use crate::state::{Cluster, LkeNode, Pool, State as Store, alloc, fmt_time, now_ms};

/// Maximum nodes in one pool.
pub const MAX_POOL_NODES: i64 = 100;

/// Routes of this area (relative to `/v4`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/lke/clusters", get(list_clusters).post(create_cluster))
        .route(
            "/lke/clusters/{id}",
            get(get_cluster).put(update_cluster).delete(delete_cluster),
        )
        .route(
            "/lke/clusters/{id}/pools",
            get(list_pools).post(create_pool),
        )
        .route(
            "/lke/clusters/{id}/pools/{pool}",
            get(get_pool).put(update_pool).delete(delete_pool),
        )
        .route(
            "/lke/clusters/{id}/pools/{pool}/recycle",
            post(recycle_pool),
        )
        .route(
            "/lke/clusters/{id}/nodes/{node}",
            get(get_node).delete(delete_node),
        )
        .route(
            "/lke/clusters/{id}/nodes/{node}/recycle",
            post(recycle_node),
        )
        .route(
            "/lke/clusters/{id}/kubeconfig",
            get(get_kubeconfig).delete(delete_kubeconfig),
        )
        .route("/lke/clusters/{id}/api-endpoints", get(api_endpoints))
        .route("/lke/clusters/{id}/dashboard", get(dashboard))
        .route(
            "/lke/clusters/{id}/control_plane_acl",
            get(get_acl).put(put_acl).delete(delete_acl),
        )
        .route("/lke/clusters/{id}/recycle", post(recycle_cluster))
        .route("/lke/clusters/{id}/regenerate", post(regenerate))
        .route(
            "/lke/clusters/{id}/servicetoken",
            axum::routing::delete(delete_servicetoken),
        )
        .route("/lke/versions", get(list_versions))
        .route("/lke/versions/{v}", get(get_version))
        .route("/lke/tiers/{tier}/versions", get(list_tier_versions))
        .route("/lke/tiers/{tier}/versions/{v}", get(get_tier_version))
        .route("/lke/types", get(list_types))
}

const CLUSTER_FILTERS: &[&str] = &[
    "label",
    "region",
    "k8s_version",
    "tags",
    "tier",
    "status",
    "id",
];
const POOL_FILTERS: &[&str] = &["id", "type", "count", "tags", "label"];

// ---------- rendering ----------

fn cluster_json(c: &Cluster, now: u64) -> Value {
    json!({
        "id": c.id,
        "label": c.label,
        "region": c.region,
        "k8s_version": c.k8s_version,
        "tier": c.tier,
        "tags": c.tags,
        "status": cluster_status(c, now),
        "control_plane": c.control_plane,
        "apl_enabled": c.apl_enabled,
        "stack_type": c.stack_type,
        "vpc_id": c.vpc_id,
        "subnet_id": c.subnet_id,
        "locks": [],
        "created": fmt_time(c.created_ms),
        "updated": fmt_time(c.updated_ms),
    })
}

fn pool_json(p: &Pool, tier: &str, now: u64) -> Value {
    let mut v = json!({
        "id": p.id,
        "type": p.type_id,
        "count": p.count,
        "autoscaler": p.autoscaler,
        "disks": p.disks,
        "labels": p.labels,
        "taints": p.taints,
        "tags": p.tags,
        "label": p.label,
        "firewall_id": p.firewall_id,
        "disk_encryption": p.disk_encryption,
        "nodes": p.nodes.iter().map(|n| node_json(n, p.id, now)).collect::<Vec<_>>(),
    });
    if tier == "enterprise" {
        v["k8s_version"] = json!(p.k8s_version);
        v["update_strategy"] = json!(p.update_strategy);
    }
    v
}

fn node_json(n: &LkeNode, pool_id: u64, now: u64) -> Value {
    json!({"id": n.id, "instance_id": n.instance_id, "status": node_status(n, now), "pool_id": pool_id})
}

// ---------- helpers ----------

fn cluster<'a>(s: &'a Store, id: &str) -> ApiResult<&'a Cluster> {
    s.clusters
        .get(&parse_id(id)?)
        .ok_or_else(ApiError::not_found)
}

fn new_node(s: &mut Store, pool_id: u64, ready_ms: u64) -> LkeNode {
    let instance_id = alloc(&mut s.ids.instance);
    let digest = sha2::Sha256::digest(format!("node-{instance_id}").as_bytes());
    let id = format!("{pool_id}-{}", &hex::encode(digest)[..10]);
    LkeNode {
        id,
        instance_id,
        ready_ms,
    }
}

/// Validated pool settings shared by cluster create and pool create.
struct PoolSpec {
    type_id: String,
    count: u32,
    autoscaler: Value,
    disks: Value,
    labels: Value,
    taints: Value,
    tags: Vec<String>,
    label: Option<String>,
    firewall_id: Option<u64>,
    k8s_version: Option<String>,
    update_strategy: Option<String>,
    disk_encryption: String,
}

fn validate_autoscaler(input: &Input<'_>, errs: &mut Errors) -> Option<Value> {
    let raw = input.raw("autoscaler")?;
    if !raw.is_object() {
        errs.add(input.path("autoscaler"), "autoscaler must be an object");
        return None;
    }
    let a = Input::new(raw, input.path("autoscaler."));
    let enabled = a.bool("enabled", errs).unwrap_or(false);
    let (min, max) = if enabled {
        if !a.has("min") || !a.has("max") {
            errs.add(
                input.path("autoscaler"),
                "min and max are required when the autoscaler is enabled",
            );
        }
        (
            a.int_range("min", 1, MAX_POOL_NODES, errs),
            a.int_range("max", 1, MAX_POOL_NODES, errs),
        )
    } else {
        // Bounds of a disabled autoscaler are not enforced: clients often send zeros.
        (a.int("min", errs), a.int("max", errs))
    };
    if enabled
        && let (Some(lo), Some(hi)) = (min, max)
        && lo > hi
    {
        errs.add(
            input.path("autoscaler.min"),
            "Autoscaler minimum must be less than or equal to the maximum",
        );
    }
    let clamp = |v: Option<i64>| v.unwrap_or(1).clamp(1, MAX_POOL_NODES);
    Some(json!({"enabled": enabled, "min": clamp(min), "max": clamp(max)}))
}

fn validate_labels(input: &Input<'_>, errs: &mut Errors) -> Option<Value> {
    let raw = input.raw("labels")?;
    let Some(map) = raw.as_object() else {
        errs.add(input.path("labels"), "labels must be an object");
        return None;
    };
    let key_re = regex::Regex::new(
        r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?(/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$",
    )
    .ok()?;
    for (k, v) in map {
        if k.is_empty() || k.len() > 128 || !key_re.is_match(k) {
            errs.add(input.path(&format!("labels.{k}")), "Invalid label key");
        }
        match v.as_str() {
            Some(s) if s.len() <= 63 => {}
            _ => errs.add(
                input.path(&format!("labels.{k}")),
                "Label values must be strings of at most 63 characters",
            ),
        }
    }
    Some(raw.clone())
}

fn validate_taints(input: &Input<'_>, errs: &mut Errors) -> Option<Value> {
    let raw = input.raw("taints")?;
    let Some(items) = raw.as_array() else {
        errs.add(input.path("taints"), "taints must be an array");
        return None;
    };
    let mut out = Vec::new();
    for (i, t) in items.iter().enumerate() {
        let ti = Input::new(t, input.path(&format!("taints[{i}].")));
        let key = ti.req_str("key", errs);
        let value = ti.str("value", errs).unwrap_or("");
        let effect = ti.one_of(
            "effect",
            &["NoSchedule", "PreferNoSchedule", "NoExecute"],
            errs,
        );
        if !ti.has("effect") {
            errs.add(ti.path("effect"), "effect is required");
        }
        if let (Some(k), Some(e)) = (key, effect) {
            if k.is_empty() || k.len() > 63 {
                errs.add(ti.path("key"), "key must be between 1 and 63 characters");
            }
            out.push(json!({"key": k, "value": value, "effect": e}));
        }
    }
    Some(Value::Array(out))
}

fn validate_pool(
    s: &Store,
    v: &Value,
    prefix: &str,
    region: &str,
    tier: &str,
    errs: &mut Errors,
) -> Option<PoolSpec> {
    if !v.is_object() {
        errs.add(prefix.trim_end_matches('.'), "must be an object");
        return None;
    }
    let input = Input::new(v, prefix);
    let type_id = input.req_str("type", errs);
    if let Some(t) = type_id {
        match catalog::linode_type(t) {
            None => errs.add(
                input.path("type"),
                "A valid plan type by that ID was not found",
            ),
            Some(lt) if catalog::region(region).is_some_and(|r| !r.offers(lt)) => errs.add(
                input.path("type"),
                if lt.gpus > 0 {
                    format!("GPU plan {t} is not available in region {region}")
                } else {
                    format!("Plan {t} is not available in region {region}")
                },
            ),
            Some(_) => {}
        }
    }
    let autoscaler = validate_autoscaler(&input, errs);
    let count = if input.has("count") {
        input.int_range("count", 1, MAX_POOL_NODES, errs)
    } else if let Some(a) = autoscaler.as_ref().filter(|a| a["enabled"] == true) {
        a["min"].as_i64()
    } else {
        errs.add(input.path("count"), "count is required");
        None
    };
    let disks = match input.raw("disks") {
        None => json!([]),
        Some(Value::Array(d)) => {
            for (i, disk) in d.iter().enumerate() {
                let di = Input::new(disk, input.path(&format!("disks[{i}].")));
                di.int_range("size", 1, i64::MAX, errs);
                di.one_of("type", &["raw", "ext4"], errs);
            }
            Value::Array(d.clone())
        }
        Some(_) => {
            errs.add(input.path("disks"), "disks must be an array");
            json!([])
        }
    };
    let labels = validate_labels(&input, errs).unwrap_or_else(|| json!({}));
    let taints = validate_taints(&input, errs).unwrap_or_else(|| json!([]));
    let tags = input.tags(errs).unwrap_or_default();
    let label = input.str("label", errs).map(str::to_string);
    let firewall_id = input
        .int("firewall_id", errs)
        .and_then(|f| existing_firewall(s, f, &input.path("firewall_id"), errs));
    let k8s_version = input.str("k8s_version", errs).map(str::to_string);
    let update_strategy = input
        .one_of("update_strategy", &["rolling_update", "on_recycle"], errs)
        .map(str::to_string);
    let disk_encryption = input
        .one_of("disk_encryption", &["enabled", "disabled"], errs)
        .unwrap_or("disabled")
        .to_string();
    let enterprise = tier == "enterprise";
    Some(PoolSpec {
        type_id: type_id?.to_string(),
        count: count? as u32,
        autoscaler: autoscaler.unwrap_or_else(
            || json!({"enabled": false, "min": count.unwrap_or(1), "max": count.unwrap_or(1)}),
        ),
        disks,
        labels,
        taints,
        tags,
        label,
        firewall_id,
        k8s_version: if enterprise { k8s_version } else { None },
        update_strategy: if enterprise {
            Some(update_strategy.unwrap_or_else(|| "on_recycle".into()))
        } else {
            None
        },
        disk_encryption,
    })
}

fn insert_pool(s: &mut Store, cluster_id: u64, spec: PoolSpec, ready_ms: u64) -> u64 {
    let id = alloc(&mut s.ids.pool);
    let nodes = (0..spec.count).map(|_| new_node(s, id, ready_ms)).collect();
    let k8s_version = spec.k8s_version.or_else(|| {
        spec.update_strategy
            .as_ref()
            .and_then(|_| s.clusters.get(&cluster_id).map(|c| c.k8s_version.clone()))
    });
    s.pools.insert(
        id,
        Pool {
            id,
            cluster_id,
            type_id: spec.type_id,
            count: spec.count,
            autoscaler: spec.autoscaler,
            disks: spec.disks,
            labels: spec.labels,
            taints: spec.taints,
            tags: spec.tags,
            label: spec.label,
            firewall_id: spec.firewall_id,
            k8s_version,
            update_strategy: spec.update_strategy,
            disk_encryption: spec.disk_encryption,
            nodes,
        },
    );
    id
}

/// Validates a cluster's `vpc_id` and `subnet_id`: they must exist, the subnet must be in the
/// VPC, and the VPC in the cluster's region. The subnet then stays in use until the cluster goes.
fn validate_vpc_link(
    s: &Store,
    input: &Input<'_>,
    region: &str,
    errs: &mut Errors,
) -> (Option<u64>, Option<u64>) {
    let vpc_id = input.int("vpc_id", errs).and_then(|v| {
        let found = u64::try_from(v).ok().and_then(|v| s.vpcs.get(&v));
        match found {
            None => errs.add("vpc_id", "VPC not found"),
            Some(vpc) if vpc.region != region => {
                errs.add("vpc_id", "The VPC must be in the cluster's region")
            }
            Some(_) => {}
        }
        found.map(|v| v.id)
    });
    let subnet_id = input.int("subnet_id", errs).and_then(|sn| {
        let found = u64::try_from(sn).ok().and_then(|sn| s.subnets.get(&sn));
        match found {
            None => errs.add("subnet_id", "Subnet not found"),
            Some(sub) if vpc_id.is_some_and(|v| v != sub.vpc_id) => {
                errs.add("subnet_id", "The subnet is not in the given VPC")
            }
            Some(_) => {}
        }
        found.map(|sub| sub.id)
    });
    // A subnet alone implies its VPC.
    let vpc_id = vpc_id.or_else(|| {
        subnet_id
            .and_then(|sn| s.subnets.get(&sn))
            .map(|x| x.vpc_id)
    });
    (vpc_id, subnet_id)
}

fn validate_label(label: &str, field: &str, errs: &mut Errors) {
    let re = regex::Regex::new(r"^[a-zA-Z0-9]([a-zA-Z0-9_-]*[a-zA-Z0-9])?$").expect("static regex");
    if label.is_empty() || label.chars().count() > 32 {
        errs.add(field, "Label must be between 1 and 32 characters");
    } else if !re.is_match(label) {
        errs.add(field, "Label must begin and end with an alphanumeric character and may only contain alphanumerics, dashes and underscores");
    }
}

fn validate_acl(v: &Value, prefix: &str, errs: &mut Errors) -> Option<Value> {
    if !v.is_object() {
        errs.add(prefix.trim_end_matches('.'), "acl must be an object");
        return None;
    }
    let a = Input::new(v, prefix);
    let enabled = a.bool("enabled", errs).unwrap_or(true);
    let mut ipv4 = Vec::new();
    let mut ipv6 = Vec::new();
    if let Some(addrs) = a.raw("addresses") {
        let ai = Input::new(addrs, a.path("addresses."));
        for (i, ip) in ai
            .str_list("ipv4", errs)
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            if ip.parse::<ipnet::Ipv4Net>().is_err() && ip.parse::<std::net::Ipv4Addr>().is_err() {
                errs.add(
                    ai.path(&format!("ipv4[{i}]")),
                    "Must be a valid IPv4 address or CIDR",
                );
            }
            ipv4.push(ip);
        }
        for (i, ip) in ai
            .str_list("ipv6", errs)
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            if ip.parse::<ipnet::Ipv6Net>().is_err() && ip.parse::<std::net::Ipv6Addr>().is_err() {
                errs.add(
                    ai.path(&format!("ipv6[{i}]")),
                    "Must be a valid IPv6 address or CIDR",
                );
            }
            ipv6.push(ip);
        }
    }
    let revision = a
        .str("revision-id", errs)
        .map(str::to_string)
        .unwrap_or_else(|| format!("rev-{}", now_ms()));
    Some(
        json!({"enabled": enabled, "addresses": {"ipv4": ipv4, "ipv6": ipv6}, "revision-id": revision}),
    )
}

fn default_acl() -> Value {
    json!({"enabled": false, "addresses": {"ipv4": [], "ipv6": []}, "revision-id": ""})
}

// ---------- clusters ----------

async fn list_clusters(State(app): State<AppState>, q: ListQuery) -> ApiResult<Json<Value>> {
    let now = now_ms();
    let items = app.read(|s| s.clusters.values().map(|c| cluster_json(c, now)).collect());
    list_response(items, &q, CLUSTER_FILTERS)
}

async fn create_cluster(
    State(app): State<AppState>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let delays = app.delays();
    let out = app.write(|s| {
        let mut errs = Errors::new();
        let input = Input::new(&body, "");
        let label = input.req_str("label", &mut errs);
        if let Some(l) = label {
            validate_label(l, "label", &mut errs);
            if s.clusters.values().any(|c| c.label == l) {
                errs.add("label", "Label must be unique among your LKE clusters");
            }
        }
        let region = input.req_str("region", &mut errs);
        let tier = input.one_of("tier", catalog::LKE_TIERS, &mut errs).unwrap_or("standard");
        if let Some(r) = region {
            match catalog::region(r) {
                None => errs.add("region", "region is not valid"),
                Some(reg) if !reg.has(catalog::KUBERNETES) => {
                    errs.add("region", format!("LKE is not available in region {r}"));
                }
                Some(reg) if tier == "enterprise" && !reg.has(catalog::KUBERNETES_ENTERPRISE) => {
                    errs.add("region", format!("LKE Enterprise is not available in region {r}"));
                }
                Some(_) => {}
            }
        }
        let version = input.req_str("k8s_version", &mut errs);
        if let Some(v) = version
            && !catalog::k8s_versions(tier).contains(&v)
        {
            errs.add("k8s_version", format!("k8s_version is not valid for the {tier} tier"));
        }
        let tags = input.tags(&mut errs).unwrap_or_default();
        let stack_type = input.one_of("stack_type", &["ipv4", "ipv4-ipv6"], &mut errs).unwrap_or("ipv4").to_string();
        let apl_enabled = input.bool("apl_enabled", &mut errs).unwrap_or(false);
        let (vpc_id, subnet_id) = validate_vpc_link(s, &input, region.unwrap_or_default(), &mut errs);
        let mut control_plane = json!({"high_availability": tier == "enterprise", "audit_logs_enabled": false, "metrics_enabled": false, "acl": default_acl()});
        if let Some(cp) = input.raw("control_plane") {
            let ci = Input::new(cp, "control_plane.");
            if let Some(ha) = ci.bool("high_availability", &mut errs) {
                control_plane["high_availability"] = json!(ha);
            }
            for flag in ["audit_logs_enabled", "metrics_enabled"] {
                if let Some(v) = ci.bool(flag, &mut errs) {
                    control_plane[flag] = json!(v);
                }
            }
            if let Some(acl) = ci.raw("acl")
                && let Some(acl) = validate_acl(acl, "control_plane.acl.", &mut errs)
            {
                control_plane["acl"] = acl;
            }
        }
        let region_id = region.unwrap_or_default();
        let specs: Vec<PoolSpec> = match input.raw("node_pools") {
            None => {
                errs.add("node_pools", "node_pools is required");
                vec![]
            }
            Some(Value::Array(pools)) if pools.is_empty() => {
                errs.add("node_pools", "At least one node pool is required");
                vec![]
            }
            Some(Value::Array(pools)) => pools
                .iter()
                .enumerate()
                .filter_map(|(i, p)| validate_pool(s, p, &format!("node_pools[{i}]."), region_id, tier, &mut errs))
                .collect(),
            Some(_) => {
                errs.add("node_pools", "node_pools must be an array");
                vec![]
            }
        };
        errs.finish()?;
        let now = now_ms();
        let id = alloc(&mut s.ids.cluster);
        s.clusters.insert(
            id,
            Cluster {
                id,
                label: label.unwrap_or_default().to_string(),
                region: region_id.to_string(),
                k8s_version: version.unwrap_or_default().to_string(),
                tier: tier.to_string(),
                tags,
                control_plane,
                apl_enabled,
                stack_type,
                vpc_id,
                subnet_id,
                created_ms: now,
                updated_ms: now,
                kubeconfig_ready_ms: now + delays.kubeconfig_delay_ms,
                kubeconfig_revision: 0,
            },
        );
        for spec in specs {
            insert_pool(s, id, spec, now + delays.node_ready_delay_ms);
        }
        Ok(cluster_json(&s.clusters[&id], now))
    })?;
    Ok(Json(out))
}

async fn get_cluster(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let now = now_ms();
    app.read(|s| cluster(s, &id).map(|c| Json(cluster_json(c, now))))
}

async fn update_cluster(
    State(app): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let out = app.write(|s| {
        let id = cluster(s, &id)?.id;
        let mut errs = Errors::new();
        let input = Input::new(&body, "");
        let c = s.clusters[&id].clone();
        let label = input.str("label", &mut errs);
        if let Some(l) = label {
            validate_label(l, "label", &mut errs);
            if s.clusters.values().any(|o| o.label == l && o.id != id) {
                errs.add("label", "Label must be unique among your LKE clusters");
            }
        }
        let version = input.str("k8s_version", &mut errs);
        if let Some(v) = version {
            let versions = catalog::k8s_versions(&c.tier);
            let pos = |x: &str| versions.iter().position(|y| *y == x);
            match (pos(v), pos(&c.k8s_version)) {
                (None, _) => errs.add(
                    "k8s_version",
                    format!("k8s_version is not valid for the {} tier", c.tier),
                ),
                (Some(new), Some(old)) if new > old => {
                    errs.add("k8s_version", "Kubernetes version cannot be downgraded")
                }
                _ => {}
            }
        }
        let tags = input.tags(&mut errs);
        let mut control_plane = c.control_plane.clone();
        if let Some(cp) = input.raw("control_plane") {
            let ci = Input::new(cp, "control_plane.");
            if let Some(ha) = ci.bool("high_availability", &mut errs) {
                if !ha && c.control_plane["high_availability"] == true {
                    errs.add(
                        "control_plane.high_availability",
                        "High availability cannot be disabled once enabled",
                    );
                }
                control_plane["high_availability"] = json!(ha);
            }
            for flag in ["audit_logs_enabled", "metrics_enabled"] {
                if let Some(v) = ci.bool(flag, &mut errs) {
                    control_plane[flag] = json!(v);
                }
            }
            if let Some(acl) = ci.raw("acl")
                && let Some(acl) = validate_acl(acl, "control_plane.acl.", &mut errs)
            {
                control_plane["acl"] = acl;
            }
        }
        errs.finish()?;
        let now = now_ms();
        let c = s.clusters.get_mut(&id).ok_or_else(ApiError::not_found)?;
        if let Some(l) = label {
            c.label = l.to_string();
        }
        if let Some(v) = version {
            c.k8s_version = v.to_string();
        }
        if let Some(t) = tags {
            c.tags = t;
        }
        c.control_plane = control_plane;
        c.updated_ms = now;
        Ok(cluster_json(c, now))
    })?;
    Ok(Json(out))
}

async fn delete_cluster(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    app.write(|s| {
        let id = parse_id(&id)?;
        if s.delete_cluster(id) {
            Ok(empty())
        } else {
            Err(ApiError::not_found())
        }
    })
}

// ---------- pools ----------

async fn list_pools(
    State(app): State<AppState>,
    Path(id): Path<String>,
    q: ListQuery,
) -> ApiResult<Json<Value>> {
    let now = now_ms();
    let items = app.read(|s| {
        let c = cluster(s, &id)?;
        Ok::<_, ApiError>(
            s.cluster_pools(c.id)
                .map(|p| pool_json(p, &c.tier, now))
                .collect(),
        )
    })?;
    list_response(items, &q, POOL_FILTERS)
}

async fn create_pool(
    State(app): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let delays = app.delays();
    let out = app.write(|s| {
        let c = cluster(s, &id)?.clone();
        let mut errs = Errors::new();
        let spec = validate_pool(s, &body, "", &c.region, &c.tier, &mut errs);
        errs.finish()?;
        let spec = spec.ok_or_else(|| ApiError::bad_request("Invalid node pool"))?;
        let now = now_ms();
        let pid = insert_pool(s, c.id, spec, now + delays.node_ready_delay_ms);
        Ok(pool_json(&s.pools[&pid], &c.tier, now))
    })?;
    Ok(Json(out))
}

fn pool_in<'a>(s: &'a Store, id: &str, pool: &str) -> ApiResult<(&'a Cluster, &'a Pool)> {
    let c = cluster(s, id)?;
    let p = s
        .pools
        .get(&parse_id(pool)?)
        .filter(|p| p.cluster_id == c.id)
        .ok_or_else(ApiError::not_found)?;
    Ok((c, p))
}

async fn get_pool(
    State(app): State<AppState>,
    Path((id, pool)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let now = now_ms();
    app.read(|s| pool_in(s, &id, &pool).map(|(c, p)| Json(pool_json(p, &c.tier, now))))
}

async fn update_pool(
    State(app): State<AppState>,
    Path((id, pool)): Path<(String, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let delays = app.delays();
    let out = app.write(|s| {
        let (c, p) = pool_in(s, &id, &pool)?;
        let (tier, mut p) = (c.tier.clone(), p.clone());
        let mut errs = Errors::new();
        let input = Input::new(&body, "");
        let count = input.int_range("count", 1, MAX_POOL_NODES, &mut errs);
        let autoscaler = validate_autoscaler(&input, &mut errs);
        let labels = validate_labels(&input, &mut errs);
        let taints = validate_taints(&input, &mut errs);
        let tags = input.tags(&mut errs);
        let label = input.str("label", &mut errs);
        // `null` detaches the pool's firewall; a number must name an existing one.
        let firewall_id = match body.get("firewall_id") {
            Some(Value::Null) => Some(None),
            _ => input
                .int("firewall_id", &mut errs)
                .map(|f| existing_firewall(s, f, "firewall_id", &mut errs)),
        };
        let update_strategy = input.one_of(
            "update_strategy",
            &["rolling_update", "on_recycle"],
            &mut errs,
        );
        let k8s_version = input.str("k8s_version", &mut errs);
        errs.finish()?;
        let now = now_ms();
        if let Some(n) = count {
            let n = n as usize;
            while p.nodes.len() > n {
                p.nodes.pop();
            }
            while p.nodes.len() < n {
                let node = new_node(s, p.id, now + delays.node_ready_delay_ms);
                p.nodes.push(node);
            }
            p.count = n as u32;
        }
        if let Some(a) = autoscaler {
            p.autoscaler = a;
        }
        if let Some(l) = labels {
            p.labels = l;
        }
        if let Some(t) = taints {
            p.taints = t;
        }
        if let Some(t) = tags {
            p.tags = t;
        }
        if let Some(l) = label {
            p.label = Some(l.to_string());
        }
        if let Some(f) = firewall_id {
            p.firewall_id = f;
        }
        if tier == "enterprise" {
            if let Some(u) = update_strategy {
                p.update_strategy = Some(u.to_string());
            }
            if let Some(v) = k8s_version {
                p.k8s_version = Some(v.to_string());
            }
        }
        let json = pool_json(&p, &tier, now);
        s.pools.insert(p.id, p);
        Ok(json)
    })?;
    Ok(Json(out))
}

async fn delete_pool(
    State(app): State<AppState>,
    Path((id, pool)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    app.write(|s| {
        let pid = pool_in(s, &id, &pool)?.1.id;
        s.pools.remove(&pid);
        Ok(empty())
    })
}

fn recycle_nodes(s: &mut Store, pool_id: u64, only: Option<&str>, ready_ms: u64) {
    let Some(mut p) = s.pools.get(&pool_id).cloned() else {
        return;
    };
    for i in 0..p.nodes.len() {
        if only.is_none_or(|n| p.nodes[i].id == n) {
            p.nodes[i] = new_node(s, pool_id, ready_ms);
        }
    }
    s.pools.insert(pool_id, p);
}

async fn recycle_pool(
    State(app): State<AppState>,
    Path((id, pool)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let ready = now_ms() + app.delays().node_ready_delay_ms;
    app.write(|s| {
        let pid = pool_in(s, &id, &pool)?.1.id;
        recycle_nodes(s, pid, None, ready);
        Ok(empty())
    })
}

async fn recycle_cluster(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let ready = now_ms() + app.delays().node_ready_delay_ms;
    app.write(|s| {
        let cid = cluster(s, &id)?.id;
        let pools: Vec<u64> = s.cluster_pools(cid).map(|p| p.id).collect();
        for pid in pools {
            recycle_nodes(s, pid, None, ready);
        }
        Ok(empty())
    })
}

// ---------- nodes ----------

fn find_node(s: &Store, id: &str, node: &str) -> ApiResult<(u64, LkeNode)> {
    let c = cluster(s, id)?;
    s.cluster_pools(c.id)
        .find_map(|p| {
            p.nodes
                .iter()
                .find(|n| n.id == node)
                .map(|n| (p.id, n.clone()))
        })
        .ok_or_else(ApiError::not_found)
}

async fn get_node(
    State(app): State<AppState>,
    Path((id, node)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let now = now_ms();
    app.read(|s| find_node(s, &id, &node).map(|(pid, n)| Json(node_json(&n, pid, now))))
}

async fn delete_node(
    State(app): State<AppState>,
    Path((id, node)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    app.write(|s| {
        let (pid, _) = find_node(s, &id, &node)?;
        let p = s.pools.get_mut(&pid).ok_or_else(ApiError::not_found)?;
        if p.nodes.len() <= 1 {
            return Err(ApiError::bad_request(
                "Cannot delete the last node of a node pool; delete the pool instead",
            ));
        }
        p.nodes.retain(|n| n.id != node);
        p.count = p.nodes.len() as u32;
        Ok(empty())
    })
}

async fn recycle_node(
    State(app): State<AppState>,
    Path((id, node)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let ready = now_ms() + app.delays().node_ready_delay_ms;
    app.write(|s| {
        let (pid, _) = find_node(s, &id, &node)?;
        recycle_nodes(s, pid, Some(&node), ready);
        Ok(empty())
    })
}

// ---------- kubeconfig, endpoints, dashboard ----------

fn not_yet_available(c: &Cluster, now: u64) -> ApiError {
    let secs = kubeconfig_wait_ms(c, now).div_ceil(1000).max(1);
    ApiError {
        retry_after: Some(secs),
        ..ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Cluster kubeconfig is not yet available. Please try again later.",
        )
    }
}

fn api_host(c: &Cluster) -> String {
    format!(
        "{}-{}.{}-1.linodelke.net",
        c.id,
        &hex::encode(sha2::Sha256::digest(c.id.to_string().as_bytes()))[..8],
        c.region
    )
}

fn kubeconfig_yaml(c: &Cluster) -> String {
    let host = api_host(c);
    let name = format!("lke{}", c.id);
    let token = hex::encode(sha2::Sha256::digest(
        format!("token-{}-{}", c.id, c.kubeconfig_revision).as_bytes(),
    ));
    let ca =
        base64::engine::general_purpose::STANDARD.encode(format!("mock CA for cluster {}", c.id));
    format!(
        "apiVersion: v1\nkind: Config\npreferences: {{}}\nclusters:\n- cluster:\n    certificate-authority-data: {ca}\n    server: https://{host}:443\n  name: {name}\nusers:\n- name: {name}-admin\n  user:\n    as-user-extra: {{}}\n    token: {token}\ncontexts:\n- context:\n    cluster: {name}\n    namespace: default\n    user: {name}-admin\n  name: {name}-ctx\ncurrent-context: {name}-ctx\n"
    )
}

async fn get_kubeconfig(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let now = now_ms();
    app.read(|s| {
        let c = cluster(s, &id)?;
        if !kubeconfig_ready(c, now) {
            return Err(not_yet_available(c, now));
        }
        let b64 = base64::engine::general_purpose::STANDARD.encode(kubeconfig_yaml(c));
        Ok(Json(json!({ "kubeconfig": b64 })))
    })
}

async fn delete_kubeconfig(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    app.write(|s| {
        let cid = cluster(s, &id)?.id;
        if let Some(c) = s.clusters.get_mut(&cid) {
            c.kubeconfig_revision += 1;
        }
        Ok(empty())
    })
}

async fn api_endpoints(
    State(app): State<AppState>,
    Path(id): Path<String>,
    q: ListQuery,
) -> ApiResult<Json<Value>> {
    let now = now_ms();
    let items = app.read(|s| {
        let c = cluster(s, &id)?;
        if !kubeconfig_ready(c, now) {
            return Err(not_yet_available(c, now));
        }
        let host = api_host(c);
        Ok(vec![
            json!({"endpoint": format!("https://{host}:443")}),
            json!({"endpoint": format!("https://{host}:6443")}),
        ])
    })?;
    list_response(items, &q, &[])
}

async fn dashboard(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    app.read(|s| {
        let c = cluster(s, &id)?;
        Ok(Json(
            json!({"url": format!("https://{}.dashboard.{}-1.linodelke.net", c.id, c.region)}),
        ))
    })
}

async fn regenerate(
    State(app): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    app.write(|s| {
        let cid = cluster(s, &id)?.id;
        let mut errs = Errors::new();
        let input = Input::new(&body, "");
        let kubeconfig = input.bool("kubeconfig", &mut errs).unwrap_or(false);
        let servicetoken = input.bool("servicetoken", &mut errs).unwrap_or(false);
        errs.finish()?;
        if !kubeconfig && !servicetoken {
            return Err(ApiError::bad_request(
                "At least one of kubeconfig or servicetoken must be true",
            ));
        }
        if kubeconfig && let Some(c) = s.clusters.get_mut(&cid) {
            c.kubeconfig_revision += 1;
        }
        Ok(empty())
    })
}

async fn delete_servicetoken(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    app.read(|s| cluster(s, &id).map(|_| empty()))
}

// ---------- control plane ACL ----------

async fn get_acl(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    app.read(|s| cluster(s, &id).map(|c| Json(json!({"acl": c.control_plane["acl"]}))))
}

async fn put_acl(
    State(app): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    app.write(|s| {
        let cid = cluster(s, &id)?.id;
        let mut errs = Errors::new();
        let acl = match body.get("acl") {
            Some(a) => validate_acl(a, "acl.", &mut errs),
            None => {
                errs.add("acl", "acl is required");
                None
            }
        };
        errs.finish()?;
        let c = s.clusters.get_mut(&cid).ok_or_else(ApiError::not_found)?;
        c.control_plane["acl"] = acl.unwrap_or_else(default_acl);
        c.updated_ms = now_ms();
        Ok(Json(json!({"acl": c.control_plane["acl"]})))
    })
}

async fn delete_acl(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    app.write(|s| {
        let cid = cluster(s, &id)?.id;
        let c = s.clusters.get_mut(&cid).ok_or_else(ApiError::not_found)?;
        c.control_plane["acl"]["enabled"] = json!(false);
        Ok(empty())
    })
}

// ---------- versions and types ----------

async fn list_versions(q: ListQuery) -> ApiResult<Json<Value>> {
    let items = catalog::k8s_versions("standard")
        .iter()
        .map(|v| json!({"id": v}))
        .collect();
    list_response(items, &q, &["id"])
}

async fn get_version(Path(v): Path<String>) -> ApiResult<Json<Value>> {
    catalog::k8s_versions("standard")
        .iter()
        .find(|x| **x == v)
        .map(|v| Json(json!({"id": v})))
        .ok_or_else(ApiError::not_found)
}

async fn list_tier_versions(Path(tier): Path<String>, q: ListQuery) -> ApiResult<Json<Value>> {
    if !catalog::LKE_TIERS.contains(&tier.as_str()) {
        return Err(ApiError::not_found());
    }
    let items = catalog::k8s_versions(&tier)
        .iter()
        .map(|v| json!({"id": v, "tier": tier}))
        .collect();
    list_response(items, &q, &["id", "tier"])
}

async fn get_tier_version(Path((tier, v)): Path<(String, String)>) -> ApiResult<Json<Value>> {
    catalog::k8s_versions(&tier)
        .iter()
        .find(|x| **x == v)
        .map(|v| Json(json!({"id": v, "tier": tier})))
        .ok_or_else(ApiError::not_found)
}

async fn list_types(q: ListQuery) -> ApiResult<Json<Value>> {
    list_response(
        catalog::lke_types(),
        &q,
        &["label", "price.hourly", "price.monthly", "transfer"],
    )
}
