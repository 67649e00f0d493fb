//! NodeBalancers: CRUD, configs (CRUD + rebuild), backend nodes (also reached through a VPC),
//! firewalls, VPC configurations, stats, types.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use ipnet::Ipv4Net;
use serde_json::{Map, Value, json};

use super::firewalls::{attach, existing_firewall, firewalls_of};
use super::vpcs::overlaps;
use super::{AppState, Input, JsonBody, ListQuery, empty, list_response, parse_id};
use crate::catalog;
use crate::error::{ApiError, ApiResult, Errors};
use crate::pagination::{DEFAULT_PAGE_SIZE, PageParams, paginate};
use crate::state::{
    NbConfig, NbNode, NbVpcConfig, NodeBalancer, State as Store, alloc, fmt_time, now_ms,
};

/// How long a new NodeBalancer answers `GET .../stats` with "Stats are unavailable at this time."
pub const STATS_DELAY_MS: u64 = 5 * 60 * 1000;

/// Routes of this area (relative to `/v4`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/nodebalancers", get(list).post(create))
        .route("/nodebalancers/types", get(types))
        .route(
            "/nodebalancers/{id}",
            get(get_one).put(update).delete(delete),
        )
        .route(
            "/nodebalancers/{id}/firewalls",
            get(firewalls).put(put_firewalls),
        )
        .route("/nodebalancers/{id}/stats", get(stats))
        .route("/nodebalancers/{id}/vpcs", get(list_vpc_configs))
        .route("/nodebalancers/{id}/vpcs/{cfg}", get(get_vpc_config))
        .route(
            "/nodebalancers/{id}/configs",
            get(list_configs).post(create_config),
        )
        .route(
            "/nodebalancers/{id}/configs/{cfg}",
            get(get_config).put(update_config).delete(delete_config),
        )
        .route("/nodebalancers/{id}/configs/{cfg}/rebuild", post(rebuild))
        .route(
            "/nodebalancers/{id}/configs/{cfg}/nodes",
            get(list_nodes).post(create_node),
        )
        .route(
            "/nodebalancers/{id}/configs/{cfg}/nodes/{node}",
            get(get_node).put(update_node).delete(delete_node),
        )
}

const NB_FILTERS: &[&str] = &["label", "region", "ipv4", "tags", "id"];

fn nb_json(nb: &NodeBalancer) -> Value {
    let mut v = Value::Object(nb.doc.clone());
    v["id"] = json!(nb.id);
    v["created"] = json!(fmt_time(nb.created_ms));
    v["updated"] = json!(fmt_time(nb.updated_ms));
    v
}

fn config_json(s: &Store, c: &NbConfig) -> Value {
    let mut v = Value::Object(c.doc.clone());
    let up = s
        .nb_nodes
        .values()
        .filter(|n| {
            n.config_id == c.id && n.doc.get("mode").and_then(Value::as_str) != Some("reject")
        })
        .count();
    let total = s.nb_nodes.values().filter(|n| n.config_id == c.id).count();
    v["id"] = json!(c.id);
    v["nodebalancer_id"] = json!(c.nodebalancer_id);
    v["nodes_status"] = json!({"up": up, "down": total - up});
    v
}

fn node_json(n: &NbNode) -> Value {
    let mut doc = n.doc.clone();
    // `subnet_id` is request-only (older state files stored it); responses carry `vpc_config_id`.
    doc.remove("subnet_id");
    doc.entry("vpc_config_id").or_insert(Value::Null);
    let mut v = Value::Object(doc);
    v["id"] = json!(n.id);
    v["config_id"] = json!(n.config_id);
    v["nodebalancer_id"] = json!(n.nodebalancer_id);
    let up = n.doc.get("mode").and_then(Value::as_str) != Some("reject");
    v["status"] = json!(if up { "UP" } else { "DOWN" });
    v
}

fn nb<'a>(s: &'a Store, id: &str) -> ApiResult<&'a NodeBalancer> {
    s.nodebalancers
        .get(&parse_id(id)?)
        .ok_or_else(ApiError::not_found)
}

fn config<'a>(s: &'a Store, id: &str, cfg: &str) -> ApiResult<&'a NbConfig> {
    let nb = nb(s, id)?;
    s.nb_configs
        .get(&parse_id(cfg)?)
        .filter(|c| c.nodebalancer_id == nb.id)
        .ok_or_else(ApiError::not_found)
}

fn validate_nb_label(label: &str, field: &str, errs: &mut Errors) {
    let ok = (3..=32).contains(&label.len())
        && label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !ok {
        errs.add(
            field,
            "Label must be 3-32 characters: letters, numbers, dashes and underscores",
        );
    }
}

fn ip_of(id: u64) -> String {
    format!("172.105.{}.{}", (id / 254) % 256, id % 254 + 1)
}

/// Validates config settings; `base` holds current values (update) or defaults (create).
fn validate_config(
    body: &Value,
    prefix: &str,
    mut base: Map<String, Value>,
    errs: &mut Errors,
) -> Map<String, Value> {
    let i = Input::new(body, prefix);
    let set = |base: &mut Map<String, Value>, k: &str, v: Option<Value>| {
        if let Some(v) = v {
            base.insert(k.to_string(), v);
        }
    };
    set(
        &mut base,
        "port",
        i.int_range("port", 1, 65535, errs).map(|n| json!(n)),
    );
    set(
        &mut base,
        "protocol",
        i.one_of("protocol", &["http", "https", "tcp", "udp"], errs)
            .map(|v| json!(v)),
    );
    set(
        &mut base,
        "algorithm",
        i.one_of(
            "algorithm",
            &["roundrobin", "leastconn", "source", "ring_hash"],
            errs,
        )
        .map(|v| json!(v)),
    );
    set(
        &mut base,
        "stickiness",
        i.one_of(
            "stickiness",
            &["none", "table", "http_cookie", "session", "source_ip"],
            errs,
        )
        .map(|v| json!(v)),
    );
    set(
        &mut base,
        "check",
        i.one_of("check", &["none", "connection", "http", "http_body"], errs)
            .map(|v| json!(v)),
    );
    set(
        &mut base,
        "check_interval",
        i.int_range("check_interval", 2, 3600, errs)
            .map(|n| json!(n)),
    );
    set(
        &mut base,
        "check_timeout",
        i.int_range("check_timeout", 1, 30, errs).map(|n| json!(n)),
    );
    set(
        &mut base,
        "check_attempts",
        i.int_range("check_attempts", 1, 30, errs).map(|n| json!(n)),
    );
    set(
        &mut base,
        "check_path",
        i.str("check_path", errs).map(|v| json!(v)),
    );
    set(
        &mut base,
        "check_body",
        i.str("check_body", errs).map(|v| json!(v)),
    );
    set(
        &mut base,
        "check_passive",
        i.bool("check_passive", errs).map(|v| json!(v)),
    );
    set(
        &mut base,
        "proxy_protocol",
        i.one_of("proxy_protocol", &["none", "v1", "v2"], errs)
            .map(|v| json!(v)),
    );
    set(
        &mut base,
        "cipher_suite",
        i.one_of("cipher_suite", &["recommended", "legacy", "none"], errs)
            .map(|v| json!(v)),
    );
    set(
        &mut base,
        "udp_check_port",
        i.int_range("udp_check_port", 1, 65535, errs)
            .map(|n| json!(n)),
    );
    if let Some(cert) = i.str("ssl_cert", errs) {
        if !cert.contains("BEGIN CERTIFICATE") && cert != "<REDACTED>" {
            errs.add(i.path("ssl_cert"), "Invalid SSL certificate");
        }
        if cert != "<REDACTED>" {
            base.insert("ssl_cert".into(), json!("<REDACTED>"));
            base.insert("ssl_commonname".into(), json!("mock.example.com"));
            base.insert(
                "ssl_fingerprint".into(),
                json!("AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD"),
            );
        }
    }
    if let Some(key) = i.str("ssl_key", errs) {
        if !key.contains("PRIVATE KEY") && key != "<REDACTED>" {
            errs.add(i.path("ssl_key"), "Invalid SSL key");
        }
        base.insert("ssl_key".into(), json!("<REDACTED>"));
    }
    if base.get("protocol").and_then(Value::as_str) == Some("https")
        && (base["ssl_cert"].is_null() || base["ssl_key"].is_null())
    {
        errs.add(
            i.path("ssl_cert"),
            "ssl_cert and ssl_key are required for https",
        );
    }
    base
}

fn default_config() -> Map<String, Value> {
    let v = json!({
        "port": 80, "protocol": "http", "algorithm": "roundrobin", "stickiness": "none",
        "check": "none", "check_interval": 31, "check_timeout": 30, "check_attempts": 3,
        "check_path": "", "check_body": "", "check_passive": true, "proxy_protocol": "none",
        "cipher_suite": "recommended", "ssl_cert": null, "ssl_key": null,
        "ssl_commonname": "", "ssl_fingerprint": "", "udp_check_port": 80, "udp_session_timeout": 16
    });
    v.as_object().cloned().unwrap_or_default()
}

/// A VPC configuration of a NodeBalancer as its nodes see it.
struct VpcLink {
    subnet_id: u64,
    config_id: u64,
    range: Ipv4Net,
}

fn vpc_link(s: &Store, c: &NbVpcConfig) -> Option<VpcLink> {
    Some(VpcLink {
        subnet_id: c.subnet_id,
        config_id: c.id,
        range: s.subnets.get(&c.subnet_id)?.ipv4.parse().ok()?,
    })
}

fn vpc_links(s: &Store, nb_id: u64) -> Vec<VpcLink> {
    s.nb_vpc_configs
        .values()
        .filter(|c| c.nodebalancer_id == nb_id)
        .filter_map(|c| vpc_link(s, c))
        .collect()
}

fn vpc_config_json(c: &NbVpcConfig) -> Value {
    json!({"id": c.id, "nodebalancer_id": c.nodebalancer_id, "vpc_id": c.vpc_id,
           "subnet_id": c.subnet_id, "ipv4_range": c.ipv4_range})
}

/// Validates a node; `vpc` are the NodeBalancer's VPC configurations, which a node's
/// `subnet_id` must name (the node then carries that configuration's `vpc_config_id`).
fn validate_node(
    body: &Value,
    prefix: &str,
    mut base: Map<String, Value>,
    creating: bool,
    vpc: &[VpcLink],
    errs: &mut Errors,
) -> Map<String, Value> {
    let i = Input::new(body, prefix);
    let address = if creating {
        i.req_str("address", errs)
    } else {
        i.str("address", errs)
    };
    if let Some(a) = address {
        match a.parse::<std::net::SocketAddrV4>() {
            Ok(sa) if sa.ip().is_private() => {
                base.insert("address".into(), json!(a));
            }
            Ok(_) => errs.add(i.path("address"), "Must be a private IPv4 address"),
            Err(_) => errs.add(
                i.path("address"),
                "Must be a valid IPv4 address and port (e.g. 192.168.1.1:80)",
            ),
        }
    }
    let label = if creating {
        i.req_str("label", errs)
    } else {
        i.str("label", errs)
    };
    if let Some(l) = label {
        let ok = (3..=32).contains(&l.len())
            && l.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if ok {
            base.insert("label".into(), json!(l));
        } else {
            errs.add(
                i.path("label"),
                "Label must be 3-32 characters: letters, numbers, dashes, underscores and periods",
            );
        }
    }
    if let Some(w) = i.int_range("weight", 1, 255, errs) {
        base.insert("weight".into(), json!(w));
    }
    if let Some(m) = i.one_of("mode", &["accept", "reject", "drain", "backup"], errs) {
        base.insert("mode".into(), json!(m));
    }
    if let Some(sn) = i.int("subnet_id", errs) {
        match vpc.iter().find(|l| i64::try_from(l.subnet_id) == Ok(sn)) {
            Some(l) => {
                base.insert("vpc_config_id".into(), json!(l.config_id));
            }
            None => errs.add(
                i.path("subnet_id"),
                "The NodeBalancer has no VPC configuration for this subnet",
            ),
        }
    }
    // A node reached through a VPC must have its address in that subnet.
    let link = base
        .get("vpc_config_id")
        .and_then(Value::as_u64)
        .and_then(|id| vpc.iter().find(|l| l.config_id == id));
    let ip = base
        .get("address")
        .and_then(Value::as_str)
        .and_then(|a| a.parse::<std::net::SocketAddrV4>().ok());
    if let (Some(l), Some(ip)) = (link, ip)
        && !l.range.contains(ip.ip())
    {
        errs.add(
            i.path("address"),
            format!("Address must be in the node's VPC subnet ({})", l.range),
        );
    }
    base.remove("subnet_id");
    base
}

fn default_node() -> Map<String, Value> {
    json!({"weight": 100, "mode": "accept", "vpc_config_id": null})
        .as_object()
        .cloned()
        .unwrap_or_default()
}

fn port_taken(s: &Store, nb_id: u64, port: &Value, except: Option<u64>) -> bool {
    s.nb_configs.values().any(|c| {
        c.nodebalancer_id == nb_id && Some(c.id) != except && c.doc.get("port") == Some(port)
    })
}

fn insert_config_with_nodes(
    s: &mut Store,
    nb_id: u64,
    doc: Map<String, Value>,
    nodes: Vec<Map<String, Value>>,
) -> u64 {
    let id = alloc(&mut s.ids.nb_config);
    s.nb_configs.insert(
        id,
        NbConfig {
            id,
            nodebalancer_id: nb_id,
            doc,
        },
    );
    for n in nodes {
        let nid = alloc(&mut s.ids.nb_node);
        s.nb_nodes.insert(
            nid,
            NbNode {
                id: nid,
                config_id: id,
                nodebalancer_id: nb_id,
                doc: n,
            },
        );
    }
    id
}

fn validate_nodes_list(body: &Value, prefix: &str, errs: &mut Errors) -> Vec<(Option<u64>, Value)> {
    match body.get("nodes") {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(items)) => items
            .iter()
            .map(|n| (n.get("id").and_then(Value::as_u64), n.clone()))
            .inspect(|(_, n)| {
                if !n.is_object() {
                    errs.add(format!("{prefix}nodes"), "nodes must be objects");
                }
            })
            .collect(),
        Some(_) => {
            errs.add(format!("{prefix}nodes"), "nodes must be an array");
            vec![]
        }
    }
}

async fn list(State(app): State<AppState>, q: ListQuery) -> ApiResult<Json<Value>> {
    let items = app.read(|s| s.nodebalancers.values().map(nb_json).collect());
    list_response(items, &q, NB_FILTERS)
}

async fn create(State(app): State<AppState>, JsonBody(body): JsonBody) -> ApiResult<Json<Value>> {
    let out = app.write(|s| {
        let mut errs = Errors::new();
        let i = Input::new(&body, "");
        let region = i.req_str("region", &mut errs);
        if let Some(r) = region
            && catalog::region(r).is_none()
        {
            errs.add("region", "region is not valid");
        }
        let label = i.str("label", &mut errs);
        if let Some(l) = label {
            validate_nb_label(l, "label", &mut errs);
            if s.nodebalancers
                .values()
                .any(|n| n.doc.get("label").and_then(Value::as_str) == Some(l))
            {
                errs.add("label", "Label must be unique");
            }
        }
        let throttle = i
            .int_range("client_conn_throttle", 0, 20, &mut errs)
            .unwrap_or(0);
        let udp_throttle = i
            .int_range("client_udp_sess_throttle", 0, 20, &mut errs)
            .unwrap_or(0);
        let tags = i.tags(&mut errs).unwrap_or_default();
        let nb_type = i
            .one_of("type", &["common", "premium", "premium_40gb"], &mut errs)
            .unwrap_or("common");
        let firewall_id = i
            .int("firewall_id", &mut errs)
            .and_then(|f| existing_firewall(s, f, "firewall_id", &mut errs));
        let vpc_configs = validate_vpcs(s, &i, region.unwrap_or_default(), &mut errs);
        let links: Vec<VpcLink> = vpc_configs.iter().filter_map(|c| vpc_link(s, c)).collect();
        let mut configs = Vec::new();
        match i.raw("configs") {
            None => {}
            Some(Value::Array(items)) => {
                let mut ports = Vec::new();
                for (n, c) in items.iter().enumerate() {
                    let prefix = format!("configs[{n}].");
                    let doc = validate_config(c, &prefix, default_config(), &mut errs);
                    if ports.contains(&doc["port"]) {
                        errs.add(
                            format!("{prefix}port"),
                            "Port is already in use by another config",
                        );
                    }
                    ports.push(doc["port"].clone());
                    let nodes = validate_nodes_list(c, &prefix, &mut errs)
                        .into_iter()
                        .enumerate()
                        .map(|(j, (_, nv))| {
                            validate_node(
                                &nv,
                                &format!("{prefix}nodes[{j}]."),
                                default_node(),
                                true,
                                &links,
                                &mut errs,
                            )
                        })
                        .collect::<Vec<_>>();
                    configs.push((doc, nodes));
                }
            }
            Some(_) => errs.add("configs", "configs must be an array"),
        }
        errs.finish()?;
        let id = alloc(&mut s.ids.nodebalancer);
        let ip = ip_of(id);
        let now = now_ms();
        let doc = json!({
            "label": label.map(str::to_string).unwrap_or_else(|| format!("balancer{id}")),
            "region": region,
            "ipv4": ip,
            "ipv6": format!("2600:3c00::f03c:93ff:fe{:02x}:{:04x}", (id >> 16) & 0xff, id & 0xffff),
            "hostname": format!("{}.ip.linodeusercontent.com", ip.replace('.', "-")),
            "client_conn_throttle": throttle,
            "client_udp_sess_throttle": udp_throttle,
            "tags": tags,
            "type": nb_type,
            "transfer": {"in": null, "out": null, "total": null},
            "lke_cluster": null,
            "locks": []
        });
        s.nodebalancers.insert(
            id,
            NodeBalancer {
                id,
                doc: doc.as_object().cloned().unwrap_or_default(),
                created_ms: now,
                updated_ms: now,
                stats_ready_ms: now + STATS_DELAY_MS,
            },
        );
        for mut c in vpc_configs {
            c.nodebalancer_id = id;
            s.nb_vpc_configs.insert(c.id, c);
        }
        for (cdoc, nodes) in configs {
            insert_config_with_nodes(s, id, cdoc, nodes);
        }
        if let Some(f) = firewall_id {
            attach(s, f, "nodebalancer", id, "firewall_id")?;
        }
        Ok(nb_json(&s.nodebalancers[&id]))
    })?;
    Ok(Json(out))
}

async fn get_one(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    app.read(|s| nb(s, &id).map(|n| Json(nb_json(n))))
}

async fn update(
    State(app): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let out = app.write(|s| {
        let id = nb(s, &id)?.id;
        let mut errs = Errors::new();
        let i = Input::new(&body, "");
        let label = i.str("label", &mut errs);
        if let Some(l) = label {
            validate_nb_label(l, "label", &mut errs);
            if s.nodebalancers
                .values()
                .any(|n| n.id != id && n.doc.get("label").and_then(Value::as_str) == Some(l))
            {
                errs.add("label", "Label must be unique");
            }
        }
        let throttle = i.int_range("client_conn_throttle", 0, 20, &mut errs);
        let udp = i.int_range("client_udp_sess_throttle", 0, 20, &mut errs);
        let tags = i.tags(&mut errs);
        errs.finish()?;
        let n = s
            .nodebalancers
            .get_mut(&id)
            .ok_or_else(ApiError::not_found)?;
        if let Some(l) = label {
            n.doc.insert("label".into(), json!(l));
        }
        if let Some(t) = throttle {
            n.doc.insert("client_conn_throttle".into(), json!(t));
        }
        if let Some(t) = udp {
            n.doc.insert("client_udp_sess_throttle".into(), json!(t));
        }
        if let Some(t) = tags {
            n.doc.insert("tags".into(), json!(t));
        }
        n.updated_ms = now_ms();
        Ok(nb_json(n))
    })?;
    Ok(Json(out))
}

async fn delete(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    app.write(|s| {
        if s.delete_nodebalancer(parse_id(&id)?) {
            Ok(empty())
        } else {
            Err(ApiError::not_found())
        }
    })
}

const FIREWALL_FILTERS: &[&str] = &["id", "label", "tags", "created", "updated"];

async fn firewalls(
    State(app): State<AppState>,
    Path(id): Path<String>,
    q: ListQuery,
) -> ApiResult<Json<Value>> {
    let items = app.read(|s| nb(s, &id).map(|n| firewalls_of(s, "nodebalancer", n.id)))?;
    list_response(items, &q, FIREWALL_FILTERS)
}

/// `PUT /nodebalancers/{id}/firewalls`: replaces the attached firewall (at most one).
async fn put_firewalls(
    State(app): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let items = app.write(|s| {
        let nb_id = nb(s, &id)?.id;
        let mut errs = Errors::new();
        let mut ids = Vec::new();
        match body.get("firewall_ids") {
            Some(Value::Array(items)) => {
                for (n, v) in items.iter().enumerate() {
                    match v.as_u64() {
                        Some(f) if s.firewalls.contains_key(&f) => ids.push(f),
                        Some(_) => errs.add(format!("firewall_ids[{n}]"), "Firewall not found"),
                        None => errs.add(format!("firewall_ids[{n}]"), "Must be an integer"),
                    }
                }
                if items.len() > 1 {
                    errs.add(
                        "firewall_ids",
                        "A NodeBalancer can have at most one firewall",
                    );
                }
            }
            Some(_) => errs.add("firewall_ids", "firewall_ids must be an array"),
            None => errs.add("firewall_ids", "firewall_ids is required"),
        }
        errs.finish()?;
        s.fw_devices
            .retain(|_, d| !(d.entity_type == "nodebalancer" && d.entity_id == nb_id));
        for f in ids {
            attach(s, f, "nodebalancer", nb_id, "firewall_ids")?;
        }
        Ok(firewalls_of(s, "nodebalancer", nb_id))
    })?;
    let first_page = PageParams {
        page: 1,
        page_size: DEFAULT_PAGE_SIZE,
    };
    Ok(Json(paginate(items, first_page)))
}

/// Validates the `vpcs` of a NodeBalancer create: one configuration per subnet of a VPC in
/// `region`, each with an IPv4 range inside the subnet that no other NodeBalancer uses
/// (auto-assigned as the first free /30 after the gateway's when left out). The configurations
/// get ids now; their `nodebalancer_id` is set by the caller.
fn validate_vpcs(
    s: &mut Store,
    i: &Input<'_>,
    region: &str,
    errs: &mut Errors,
) -> Vec<NbVpcConfig> {
    let items = match i.raw("vpcs") {
        None => return vec![],
        Some(Value::Array(items)) => items,
        Some(_) => {
            errs.add("vpcs", "vpcs must be an array");
            return vec![];
        }
    };
    let mut out: Vec<NbVpcConfig> = Vec::new();
    for (n, item) in items.iter().enumerate() {
        let vi = Input::new(item, format!("vpcs[{n}]."));
        if !vi.has("subnet_id") {
            errs.add(vi.path("subnet_id"), "subnet_id is required");
        }
        let Some(sub) = vi.int("subnet_id", errs).and_then(|id| {
            let found = u64::try_from(id)
                .ok()
                .and_then(|id| s.subnets.get(&id))
                .cloned();
            if found.is_none() {
                errs.add(vi.path("subnet_id"), "Subnet not found");
            }
            found
        }) else {
            continue;
        };
        if s.vpcs.get(&sub.vpc_id).map(|v| v.region.as_str()) != Some(region) {
            errs.add(
                vi.path("subnet_id"),
                "The subnet must be in the NodeBalancer's region",
            );
        }
        if out.iter().any(|c| c.subnet_id == sub.id) {
            errs.add(
                vi.path("subnet_id"),
                "Only one VPC configuration per subnet",
            );
        }
        if vi.has("ipv6_range") {
            errs.add(vi.path("ipv6_range"), "IPv6 VPC ranges are not available");
        }
        vi.bool("ipv4_range_auto_assign", errs);
        let Ok(subnet_range) = sub.ipv4.parse::<Ipv4Net>() else {
            continue;
        };
        let used: Vec<Ipv4Net> = s
            .nb_vpc_configs
            .values()
            .chain(out.iter())
            .filter(|c| c.subnet_id == sub.id)
            .filter_map(|c| c.ipv4_range.parse().ok())
            .collect();
        let range = match vi.str("ipv4_range", errs) {
            Some(r) => match r.parse::<Ipv4Net>() {
                Ok(net) if net.trunc() != net => {
                    errs.add(
                        vi.path("ipv4_range"),
                        format!("Must be in canonical form: {}", net.trunc()),
                    );
                    None
                }
                Ok(net) if !subnet_range.contains(&net) => {
                    errs.add(
                        vi.path("ipv4_range"),
                        format!("Must be inside the subnet's range {subnet_range}"),
                    );
                    None
                }
                Ok(net) if used.iter().any(|u| overlaps(u, &net)) => {
                    errs.add(
                        vi.path("ipv4_range"),
                        "The range is already in use in this subnet",
                    );
                    None
                }
                Ok(net) => Some(net),
                Err(_) => {
                    errs.add(vi.path("ipv4_range"), "Must be an IPv4 range in CIDR form");
                    None
                }
            },
            None => {
                let free = subnet_range.subnets(30).ok().and_then(|mut blocks| {
                    blocks.find(|b| {
                        !used.iter().any(|u| overlaps(u, b))
                            && b.network() != subnet_range.network()
                    })
                });
                if free.is_none() {
                    errs.add(
                        vi.path("ipv4_range"),
                        "No free IPv4 range is left in the subnet",
                    );
                }
                free
            }
        };
        if let Some(range) = range {
            out.push(NbVpcConfig {
                id: alloc(&mut s.ids.nb_vpc_config),
                nodebalancer_id: 0,
                vpc_id: sub.vpc_id,
                subnet_id: sub.id,
                ipv4_range: range.to_string(),
            });
        }
    }
    out
}

async fn list_vpc_configs(
    State(app): State<AppState>,
    Path(id): Path<String>,
    q: ListQuery,
) -> ApiResult<Json<Value>> {
    let items = app.read(|s| {
        let nb_id = nb(s, &id)?.id;
        Ok::<_, ApiError>(
            s.nb_vpc_configs
                .values()
                .filter(|c| c.nodebalancer_id == nb_id)
                .map(vpc_config_json)
                .collect(),
        )
    })?;
    list_response(items, &q, &["id", "vpc_id", "subnet_id", "ipv4_range"])
}

async fn get_vpc_config(
    State(app): State<AppState>,
    Path((id, cfg)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    app.read(|s| {
        let nb_id = nb(s, &id)?.id;
        s.nb_vpc_configs
            .get(&parse_id(&cfg)?)
            .filter(|c| c.nodebalancer_id == nb_id)
            .map(|c| Json(vpc_config_json(c)))
            .ok_or_else(ApiError::not_found)
    })
}

/// `GET /nodebalancers/{id}/stats`: 400 while the NodeBalancer is new, then 5-minute readings
/// since it was created (at most the last day). The emulator carries no traffic: readings are 0.
async fn stats(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    const STEP_MS: u64 = 5 * 60 * 1000;
    let now = now_ms();
    app.read(|s| {
        let n = nb(s, &id)?;
        if now < n.stats_ready_ms {
            return Err(ApiError::bad_request("Stats are unavailable at this time."));
        }
        let end = now - now % STEP_MS;
        let start = (n.created_ms - n.created_ms % STEP_MS).max(end.saturating_sub(287 * STEP_MS));
        let series: Vec<Value> = (start..=end)
            .step_by(STEP_MS as usize)
            .map(|t| json!([t, 0]))
            .collect();
        let label = n
            .doc
            .get("label")
            .and_then(Value::as_str)
            .unwrap_or_default();
        Ok(Json(json!({
            "title": format!("{label} ({}) - day (5 min avg)", n.id),
            "data": {"connections": series, "traffic": {"in": series, "out": series}},
        })))
    })
}

async fn types(q: ListQuery) -> ApiResult<Json<Value>> {
    list_response(
        catalog::nodebalancer_types(),
        &q,
        &["label", "price.hourly", "price.monthly", "transfer"],
    )
}

async fn list_configs(
    State(app): State<AppState>,
    Path(id): Path<String>,
    q: ListQuery,
) -> ApiResult<Json<Value>> {
    let items = app.read(|s| {
        let nb_id = nb(s, &id)?.id;
        Ok::<_, ApiError>(
            s.nb_configs
                .values()
                .filter(|c| c.nodebalancer_id == nb_id)
                .map(|c| config_json(s, c))
                .collect(),
        )
    })?;
    list_response(items, &q, &["port", "protocol", "id"])
}

async fn create_config(
    State(app): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let out = app.write(|s| {
        let nb_id = nb(s, &id)?.id;
        let mut errs = Errors::new();
        let doc = validate_config(&body, "", default_config(), &mut errs);
        if port_taken(s, nb_id, &doc["port"], None) {
            errs.add("port", "Port is already in use by another config");
        }
        errs.finish()?;
        let cid = insert_config_with_nodes(s, nb_id, doc, vec![]);
        Ok(config_json(s, &s.nb_configs[&cid]))
    })?;
    Ok(Json(out))
}

async fn get_config(
    State(app): State<AppState>,
    Path((id, cfg)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    app.read(|s| config(s, &id, &cfg).map(|c| Json(config_json(s, c))))
}

async fn update_config(
    State(app): State<AppState>,
    Path((id, cfg)): Path<(String, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let out = app.write(|s| {
        let c = config(s, &id, &cfg)?.clone();
        let mut errs = Errors::new();
        let doc = validate_config(&body, "", c.doc.clone(), &mut errs);
        if port_taken(s, c.nodebalancer_id, &doc["port"], Some(c.id)) {
            errs.add("port", "Port is already in use by another config");
        }
        errs.finish()?;
        let entry = s
            .nb_configs
            .get_mut(&c.id)
            .ok_or_else(ApiError::not_found)?;
        entry.doc = doc;
        Ok(config_json(s, &s.nb_configs[&c.id]))
    })?;
    Ok(Json(out))
}

async fn delete_config(
    State(app): State<AppState>,
    Path((id, cfg)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    app.write(|s| {
        let cid = config(s, &id, &cfg)?.id;
        s.nb_configs.remove(&cid);
        s.nb_nodes.retain(|_, n| n.config_id != cid);
        Ok(empty())
    })
}

async fn rebuild(
    State(app): State<AppState>,
    Path((id, cfg)): Path<(String, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let out = app.write(|s| {
        let c = config(s, &id, &cfg)?.clone();
        let mut errs = Errors::new();
        let doc = validate_config(&body, "", c.doc.clone(), &mut errs);
        if port_taken(s, c.nodebalancer_id, &doc["port"], Some(c.id)) {
            errs.add("port", "Port is already in use by another config");
        }
        let links = vpc_links(s, c.nodebalancer_id);
        let mut nodes = Vec::new();
        for (j, (nid, nv)) in validate_nodes_list(&body, "", &mut errs)
            .into_iter()
            .enumerate()
        {
            let existing = nid
                .and_then(|n| s.nb_nodes.get(&n))
                .filter(|n| n.config_id == c.id);
            if nid.is_some() && existing.is_none() {
                errs.add(format!("nodes[{j}].id"), "Node not found in this config");
            }
            let base = existing.map(|n| n.doc.clone()).unwrap_or_else(default_node);
            nodes.push((
                existing.map(|n| n.id),
                validate_node(
                    &nv,
                    &format!("nodes[{j}]."),
                    base,
                    existing.is_none(),
                    &links,
                    &mut errs,
                ),
            ));
        }
        errs.finish()?;
        let keep: Vec<u64> = nodes.iter().filter_map(|(id, _)| *id).collect();
        s.nb_nodes
            .retain(|id, n| n.config_id != c.id || keep.contains(id));
        for (nid, ndoc) in nodes {
            let nid = nid.unwrap_or_else(|| alloc(&mut s.ids.nb_node));
            s.nb_nodes.insert(
                nid,
                NbNode {
                    id: nid,
                    config_id: c.id,
                    nodebalancer_id: c.nodebalancer_id,
                    doc: ndoc,
                },
            );
        }
        if let Some(entry) = s.nb_configs.get_mut(&c.id) {
            entry.doc = doc;
        }
        let mut v = config_json(s, &s.nb_configs[&c.id]);
        v["nodes"] = Value::Array(
            s.nb_nodes
                .values()
                .filter(|n| n.config_id == c.id)
                .map(node_json)
                .collect(),
        );
        Ok(v)
    })?;
    Ok(Json(out))
}

async fn list_nodes(
    State(app): State<AppState>,
    Path((id, cfg)): Path<(String, String)>,
    q: ListQuery,
) -> ApiResult<Json<Value>> {
    let items = app.read(|s| {
        let cid = config(s, &id, &cfg)?.id;
        Ok::<_, ApiError>(
            s.nb_nodes
                .values()
                .filter(|n| n.config_id == cid)
                .map(node_json)
                .collect(),
        )
    })?;
    list_response(items, &q, &["label", "address", "mode", "id"])
}

async fn create_node(
    State(app): State<AppState>,
    Path((id, cfg)): Path<(String, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let out = app.write(|s| {
        let c = config(s, &id, &cfg)?.clone();
        let mut errs = Errors::new();
        let links = vpc_links(s, c.nodebalancer_id);
        let doc = validate_node(&body, "", default_node(), true, &links, &mut errs);
        errs.finish()?;
        let nid = alloc(&mut s.ids.nb_node);
        let node = NbNode {
            id: nid,
            config_id: c.id,
            nodebalancer_id: c.nodebalancer_id,
            doc,
        };
        let v = node_json(&node);
        s.nb_nodes.insert(nid, node);
        Ok(v)
    })?;
    Ok(Json(out))
}

fn node<'a>(s: &'a Store, id: &str, cfg: &str, node: &str) -> ApiResult<&'a NbNode> {
    let cid = config(s, id, cfg)?.id;
    s.nb_nodes
        .get(&parse_id(node)?)
        .filter(|n| n.config_id == cid)
        .ok_or_else(ApiError::not_found)
}

async fn get_node(
    State(app): State<AppState>,
    Path((id, cfg, n)): Path<(String, String, String)>,
) -> ApiResult<Json<Value>> {
    app.read(|s| node(s, &id, &cfg, &n).map(|n| Json(node_json(n))))
}

async fn update_node(
    State(app): State<AppState>,
    Path((id, cfg, n)): Path<(String, String, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let out = app.write(|s| {
        let existing = node(s, &id, &cfg, &n)?.clone();
        let mut errs = Errors::new();
        let links = vpc_links(s, existing.nodebalancer_id);
        let doc = validate_node(&body, "", existing.doc.clone(), false, &links, &mut errs);
        errs.finish()?;
        let entry = s
            .nb_nodes
            .get_mut(&existing.id)
            .ok_or_else(ApiError::not_found)?;
        entry.doc = doc;
        Ok(node_json(entry))
    })?;
    Ok(Json(out))
}

async fn delete_node(
    State(app): State<AppState>,
    Path((id, cfg, n)): Path<(String, String, String)>,
) -> ApiResult<Json<Value>> {
    app.write(|s| {
        let nid = node(s, &id, &cfg, &n)?.id;
        s.nb_nodes.remove(&nid);
        Ok(empty())
    })
}
