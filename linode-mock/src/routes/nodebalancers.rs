//! NodeBalancers: CRUD, configs (CRUD + rebuild), backend nodes, firewalls list, types.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use super::{AppState, Input, JsonBody, ListQuery, empty, list_response, parse_id};
use crate::catalog;
use crate::error::{ApiError, ApiResult, Errors};
use crate::state::{NbConfig, NbNode, NodeBalancer, State as Store, alloc, fmt_time, now_ms};

/// Routes of this area (relative to `/v4`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/nodebalancers", get(list).post(create))
        .route("/nodebalancers/types", get(types))
        .route(
            "/nodebalancers/{id}",
            get(get_one).put(update).delete(delete),
        )
        .route("/nodebalancers/{id}/firewalls", get(firewalls))
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
    let mut v = Value::Object(n.doc.clone());
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

fn validate_node(
    body: &Value,
    prefix: &str,
    mut base: Map<String, Value>,
    creating: bool,
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
        base.insert("subnet_id".into(), json!(sn));
    }
    base
}

fn default_node() -> Map<String, Value> {
    json!({"weight": 100, "mode": "accept", "subnet_id": null})
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
            },
        );
        for (cdoc, nodes) in configs {
            insert_config_with_nodes(s, id, cdoc, nodes);
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

async fn firewalls(
    State(app): State<AppState>,
    Path(id): Path<String>,
    q: ListQuery,
) -> ApiResult<Json<Value>> {
    app.read(|s| nb(s, &id).map(|_| ()))?;
    list_response(vec![], &q, &["id", "label", "tags", "created", "updated"])
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
        let doc = validate_node(&body, "", default_node(), true, &mut errs);
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
        let doc = validate_node(&body, "", existing.doc.clone(), false, &mut errs);
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
