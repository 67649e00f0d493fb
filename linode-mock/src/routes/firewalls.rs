//! Cloud Firewalls: CRUD, rules (validated as Linode does), devices (Linodes of LKE nodes,
//! NodeBalancers; Linode interfaces do not exist in the emulator), and account settings.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::{Value, json};
use sha2::Digest;

use super::{AppState, Input, JsonBody, ListQuery, empty, list_response, parse_id};
use crate::error::{ApiError, ApiResult, Errors};
use crate::state::{Firewall, FirewallDevice, State as Store, alloc, fmt_time, now_ms};

/// Most rules in one direction.
pub const MAX_RULES: usize = 25;
/// Most addresses (IPv4 and IPv6 together) in one rule.
pub const MAX_ADDRESSES: usize = 255;
/// Most port pieces in one rule (a single port counts one, a range two).
pub const MAX_PORT_PIECES: usize = 15;

/// Device types Linode accepts.
const DEVICE_TYPES: &[&str] = &["linode", "nodebalancer", "linode_interface"];

/// Routes of this area (relative to `/v4`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/networking/firewalls", get(list).post(create))
        .route("/networking/firewalls/settings", get(settings))
        .route(
            "/networking/firewalls/{id}",
            get(get_one).put(update).delete(delete),
        )
        .route(
            "/networking/firewalls/{id}/rules",
            get(get_rules).put(put_rules),
        )
        .route(
            "/networking/firewalls/{id}/devices",
            get(list_devices).post(create_device),
        )
        .route(
            "/networking/firewalls/{id}/devices/{device}",
            get(get_device).delete(delete_device),
        )
}

const FIREWALL_FILTERS: &[&str] = &["id", "label", "tags", "status", "created", "updated"];
const DEVICE_FILTERS: &[&str] = &["id", "entity.id", "entity.type", "entity.label"];

// ---------- rendering ----------

/// The served rules: the stored ones plus `version` and an 8-hex-digit `fingerprint`.
fn rules_json(fw: &Firewall) -> Value {
    let mut v = fw.rules.clone();
    let digest = sha2::Sha256::digest(fw.rules.to_string().as_bytes());
    v["version"] = json!(fw.rules_version);
    v["fingerprint"] = json!(hex::encode(&digest[..4]));
    v
}

/// Label of a Linode, which in the emulator is always an LKE node's (`lke<cluster>-<pool>-<id>`).
fn linode_label(s: &Store, linode_id: u64) -> Option<String> {
    s.pools.values().find_map(|p| {
        p.nodes
            .iter()
            .find(|n| n.instance_id == linode_id)
            .map(|n| {
                let suffix = n.id.rsplit('-').next().unwrap_or_default();
                format!(
                    "lke{}-{}-{}",
                    p.cluster_id,
                    p.id,
                    &suffix[..suffix.len().min(8)]
                )
            })
    })
}

fn entity_json(s: &Store, d: &FirewallDevice) -> Value {
    let (label, url) = match d.entity_type.as_str() {
        "nodebalancer" => (
            s.nodebalancers
                .get(&d.entity_id)
                .and_then(|n| n.doc.get("label").cloned())
                .unwrap_or(Value::Null),
            format!("/v4/nodebalancers/{}", d.entity_id),
        ),
        _ => (
            json!(linode_label(s, d.entity_id)),
            format!("/v4/linode/instances/{}", d.entity_id),
        ),
    };
    json!({"id": d.entity_id, "type": d.entity_type, "label": label, "url": url, "parent_entity": null})
}

fn device_json(s: &Store, d: &FirewallDevice) -> Value {
    json!({
        "id": d.id,
        "created": fmt_time(d.created_ms),
        "updated": fmt_time(d.created_ms),
        "entity": entity_json(s, d),
    })
}

/// A firewall as served, with `entities` (what it is attached to).
pub fn firewall_json(s: &Store, fw: &Firewall) -> Value {
    let entities: Vec<Value> = s
        .fw_devices
        .values()
        .filter(|d| d.firewall_id == fw.id)
        .map(|d| entity_json(s, d))
        .collect();
    json!({
        "id": fw.id,
        "label": fw.label,
        "created": fmt_time(fw.created_ms),
        "updated": fmt_time(fw.updated_ms),
        "status": fw.status,
        "rules": rules_json(fw),
        "tags": fw.tags,
        "entities": entities,
    })
}

/// The firewalls attached to an entity, as served.
pub fn firewalls_of(s: &Store, entity_type: &str, entity_id: u64) -> Vec<Value> {
    s.fw_devices
        .values()
        .filter(|d| d.entity_type == entity_type && d.entity_id == entity_id)
        .filter_map(|d| s.firewalls.get(&d.firewall_id))
        .map(|fw| firewall_json(s, fw))
        .collect()
}

// ---------- validation ----------

fn validate_label(label: &str, field: &str, errs: &mut Errors) {
    let n = label.chars().count();
    if !(3..=32).contains(&n) {
        errs.add(field, "Label must be 3-32 characters.");
    } else if !label.starts_with(|c: char| c.is_ascii_alphabetic()) {
        errs.add(field, "Label must begin with a letter.");
    } else if !label
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        || ["--", "__", ".."].iter().any(|d| label.contains(d))
    {
        errs.add(
            field,
            "Label must include only ASCII letters, numbers, underscores, periods, and dashes, without two in a row.",
        );
    }
}

/// Why one port of a ports string is invalid, if it is.
fn port_problem(p: &str) -> Option<&'static str> {
    if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
        return Some(
            "Ports must be an integer, range of integers, or a comma-separated list of integers.",
        );
    }
    if p.len() > 1 && p.starts_with('0') {
        return Some("Port must not have leading zeroes");
    }
    match p.parse::<u32>() {
        Ok(1..=65535) => None,
        _ => Some("Must be 1-65535"),
    }
}

/// Validates a ports string such as `22, 80-90, 443`: ports 1-65535 without leading zeroes,
/// ranges low-high with low < high, at most [`MAX_PORT_PIECES`] pieces (a range counts two).
pub fn ports_problem(ports: &str) -> Option<&'static str> {
    let mut pieces = 0;
    for part in ports.split(',').map(str::trim) {
        if let Some((lo, hi)) = part.split_once('-') {
            if hi.contains('-') {
                return Some("Ranges must have 2 values");
            }
            if let Some(p) = port_problem(lo).or_else(|| port_problem(hi)) {
                return Some(p);
            }
            if lo.parse::<u32>().ok() >= hi.parse::<u32>().ok() {
                return Some("Range must start with a smaller number and end with a larger number");
            }
            pieces += 2;
        } else {
            if let Some(p) = port_problem(part) {
                return Some(p);
            }
            pieces += 1;
        }
    }
    (pieces > MAX_PORT_PIECES)
        .then_some("Number of ports or port range endpoints exceeded. Max allowed is 15")
}

fn address_ok(family: &str, a: &str) -> bool {
    match family {
        "ipv4" => a.parse::<ipnet::Ipv4Net>().is_ok() || a.parse::<std::net::Ipv4Addr>().is_ok(),
        _ => a.parse::<ipnet::Ipv6Net>().is_ok() || a.parse::<std::net::Ipv6Addr>().is_ok(),
    }
}

/// Validates one rule; returns it as stored (known keys only).
fn validate_rule(v: &Value, prefix: &str, errs: &mut Errors) -> Value {
    let path = prefix.trim_end_matches('.');
    if !v.is_object() {
        errs.add(path, "Each rule must be an object");
        return Value::Null;
    }
    let i = Input::new(v, prefix);
    let mut rule = serde_json::Map::new();
    if let Some(a) = i.req_str("action", errs) {
        if ["ACCEPT", "DROP"].contains(&a) {
            rule.insert("action".into(), json!(a));
        } else {
            errs.add(i.path("action"), "action must be one of ACCEPT, DROP");
        }
    }
    let protocol = i.req_str("protocol", errs);
    if let Some(p) = protocol {
        if ["TCP", "UDP", "ICMP", "IPENCAP"].contains(&p) {
            rule.insert("protocol".into(), json!(p));
        } else {
            errs.add(
                i.path("protocol"),
                "protocol must be one of TCP, UDP, ICMP, IPENCAP",
            );
        }
    }
    if let Some(ports) = i.str("ports", errs) {
        match protocol {
            Some(p @ ("ICMP" | "IPENCAP")) => errs.add(
                i.path("ports"),
                format!("Ports are not allowed for {p} protocols."),
            ),
            _ => match ports_problem(ports) {
                Some(problem) => errs.add(i.path("ports"), problem),
                None => {
                    rule.insert("ports".into(), json!(ports));
                }
            },
        }
    }
    match i.raw("addresses") {
        Some(Value::Object(_)) => {
            let a = Input::new(&v["addresses"], i.path("addresses."));
            let mut addresses = serde_json::Map::new();
            let mut total = 0;
            for family in ["ipv4", "ipv6"] {
                let Some(list) = a.str_list(family, errs) else {
                    continue;
                };
                if list.is_empty() {
                    errs.add(
                        a.path(family),
                        format!("{family} must not be an empty list"),
                    );
                }
                for (n, addr) in list.iter().enumerate() {
                    if !address_ok(family, addr) {
                        errs.add(
                            a.path(&format!("{family}[{n}]")),
                            format!(
                                "Must be a valid {} address or range.",
                                if family == "ipv4" { "IPv4" } else { "IPv6" }
                            ),
                        );
                    }
                }
                total += list.len();
                addresses.insert(family.into(), json!(list));
            }
            if addresses.is_empty() {
                errs.add(i.path("addresses"), "Must contain ipv4, ipv6, or both");
            }
            if total > MAX_ADDRESSES {
                errs.add(
                    i.path("addresses"),
                    format!("A rule can have at most {MAX_ADDRESSES} addresses"),
                );
            }
            rule.insert("addresses".into(), Value::Object(addresses));
        }
        Some(_) => errs.add(i.path("addresses"), "addresses must be an object"),
        None => errs.add(i.path("addresses"), "addresses is required"),
    }
    if let Some(l) = i.str("label", errs) {
        validate_label(l, &i.path("label"), errs);
        rule.insert("label".into(), json!(l));
    }
    if let Some(d) = i.str("description", errs) {
        if !(1..=100).contains(&d.chars().count()) {
            errs.add(
                i.path("description"),
                "Description must be 1-100 characters.",
            );
        }
        rule.insert("description".into(), json!(d));
    }
    Value::Object(rule)
}

/// Validates a rules object (`prefix` is `rules.` on create, empty on `PUT .../rules`). Policies
/// missing from `current` are required; a missing or null direction means no rules.
fn validate_rules(v: &Value, prefix: &str, current: Option<&Value>, errs: &mut Errors) -> Value {
    let i = Input::new(v, prefix);
    let mut out = serde_json::Map::new();
    for policy in ["inbound_policy", "outbound_policy"] {
        let kept = current
            .and_then(|c| c.get(policy))
            .filter(|p| p.is_string());
        let value = match kept {
            Some(k) => i.str(policy, errs).map(|p| json!(p)).or(Some(k.clone())),
            None => i.req_str(policy, errs).map(|p| json!(p)),
        };
        if let Some(p) = value {
            if p != "ACCEPT" && p != "DROP" {
                errs.add(
                    i.path(policy),
                    format!("{policy} must be one of ACCEPT, DROP"),
                );
            }
            out.insert(policy.into(), p);
        }
    }
    for direction in ["inbound", "outbound"] {
        let rules = match i.raw(direction) {
            None => vec![],
            Some(Value::Array(items)) => {
                if items.len() > MAX_RULES {
                    errs.add(
                        i.path(direction),
                        format!("A firewall can have at most {MAX_RULES} {direction} rules"),
                    );
                }
                items
                    .iter()
                    .enumerate()
                    .map(|(n, r)| validate_rule(r, &i.path(&format!("{direction}[{n}].")), errs))
                    .collect()
            }
            Some(_) => {
                errs.add(i.path(direction), format!("{direction} must be an array"));
                vec![]
            }
        };
        out.insert(direction.into(), Value::Array(rules));
    }
    Value::Object(out)
}

/// Whether the entity a device would point at exists.
fn entity_exists(s: &Store, entity_type: &str, id: u64) -> bool {
    match entity_type {
        "nodebalancer" => s.nodebalancers.contains_key(&id),
        "linode" => s
            .pools
            .values()
            .any(|p| p.nodes.iter().any(|n| n.instance_id == id)),
        // The emulator has no Linode interfaces.
        _ => false,
    }
}

/// Attaches `entity_type` `entity_id` to firewall `fw_id` (which must exist), enforcing Linode's
/// rule that an entity has at most one firewall. `field` names the request field in errors.
/// Returns the device id.
pub fn attach(
    s: &mut Store,
    fw_id: u64,
    entity_type: &str,
    entity_id: u64,
    field: &str,
) -> ApiResult<u64> {
    if !entity_exists(s, entity_type, entity_id) {
        return Err(ApiError::not_found());
    }
    if let Some(d) = s
        .fw_devices
        .values()
        .find(|d| d.entity_type == entity_type && d.entity_id == entity_id)
    {
        let reason = if d.firewall_id == fw_id {
            format!("This {entity_type} is already attached to this firewall.")
        } else {
            format!(
                "This {entity_type} already has a firewall ({}); only one firewall can be attached at a time.",
                d.firewall_id
            )
        };
        return Err(ApiError::field(field, reason));
    }
    let id = alloc(&mut s.ids.fw_device);
    s.fw_devices.insert(
        id,
        FirewallDevice {
            id,
            firewall_id: fw_id,
            entity_type: entity_type.to_string(),
            entity_id,
            lke_pool: None,
            created_ms: now_ms(),
        },
    );
    Ok(id)
}

/// The id of an existing firewall named by a request field (`firewall_id` of a NodeBalancer or
/// an LKE pool); records an error on `field` otherwise.
pub fn existing_firewall(s: &Store, id: i64, field: &str, errs: &mut Errors) -> Option<u64> {
    let found = u64::try_from(id)
        .ok()
        .filter(|f| s.firewalls.contains_key(f));
    if found.is_none() {
        errs.add(field, "Firewall not found");
    }
    found
}

fn firewall<'a>(s: &'a Store, id: &str) -> ApiResult<&'a Firewall> {
    s.firewalls
        .get(&parse_id(id)?)
        .ok_or_else(ApiError::not_found)
}

fn label_taken(s: &Store, label: &str, except: Option<u64>) -> bool {
    s.firewalls
        .values()
        .any(|f| f.label == label && Some(f.id) != except)
}

// ---------- handlers ----------

async fn list(State(app): State<AppState>, q: ListQuery) -> ApiResult<Json<Value>> {
    let items = app.read(|s| s.firewalls.values().map(|f| firewall_json(s, f)).collect());
    list_response(items, &q, FIREWALL_FILTERS)
}

async fn create(State(app): State<AppState>, JsonBody(body): JsonBody) -> ApiResult<Json<Value>> {
    let out = app.write(|s| {
        let mut errs = Errors::new();
        let i = Input::new(&body, "");
        let label = i.req_str("label", &mut errs);
        if let Some(l) = label {
            validate_label(l, "label", &mut errs);
            if label_taken(s, l, None) {
                errs.add("label", "Label must be unique among your Firewalls");
            }
        }
        let rules = match i.raw("rules") {
            Some(r @ Value::Object(_)) => validate_rules(r, "rules.", None, &mut errs),
            Some(_) => {
                errs.add("rules", "rules must be an object");
                Value::Null
            }
            None => {
                errs.add("rules", "rules is required");
                Value::Null
            }
        };
        let tags = i.tags(&mut errs).unwrap_or_default();
        let mut devices: Vec<(&str, u64, String)> = Vec::new();
        if let Some(d) = i.raw("devices") {
            let di = Input::new(d, "devices.");
            for (key, entity_type) in [
                ("linodes", "linode"),
                ("nodebalancers", "nodebalancer"),
                ("linode_interfaces", "linode_interface"),
            ] {
                match di.raw(key) {
                    None => {}
                    Some(Value::Array(ids)) => {
                        for (n, id) in ids.iter().enumerate() {
                            match id.as_u64() {
                                Some(id) => {
                                    devices.push((entity_type, id, di.path(&format!("{key}[{n}]"))))
                                }
                                None => {
                                    errs.add(di.path(&format!("{key}[{n}]")), "Must be an integer")
                                }
                            }
                        }
                    }
                    Some(_) => errs.add(di.path(key), format!("{key} must be an array")),
                }
            }
        }
        errs.finish()?;
        let id = alloc(&mut s.ids.firewall);
        let now = now_ms();
        s.firewalls.insert(
            id,
            Firewall {
                id,
                label: label.unwrap_or_default().to_string(),
                status: "enabled".into(),
                tags,
                rules,
                rules_version: 1,
                created_ms: now,
                updated_ms: now,
            },
        );
        for (entity_type, entity_id, field) in devices {
            attach(s, id, entity_type, entity_id, &field)?;
        }
        Ok(firewall_json(s, &s.firewalls[&id]))
    })?;
    Ok(Json(out))
}

async fn get_one(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    app.read(|s| firewall(s, &id).map(|f| Json(firewall_json(s, f))))
}

async fn update(
    State(app): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let out = app.write(|s| {
        let id = firewall(s, &id)?.id;
        let mut errs = Errors::new();
        let i = Input::new(&body, "");
        let label = i.str("label", &mut errs);
        if let Some(l) = label {
            validate_label(l, "label", &mut errs);
            if label_taken(s, l, Some(id)) {
                errs.add("label", "Label must be unique among your Firewalls");
            }
        }
        let status = i.one_of("status", &["enabled", "disabled"], &mut errs);
        let tags = i.tags(&mut errs);
        errs.finish()?;
        let fw = s.firewalls.get_mut(&id).ok_or_else(ApiError::not_found)?;
        if let Some(l) = label {
            fw.label = l.to_string();
        }
        if let Some(st) = status {
            fw.status = st.to_string();
        }
        if let Some(t) = tags {
            fw.tags = t;
        }
        fw.updated_ms = now_ms();
        Ok(firewall_json(s, &s.firewalls[&id]))
    })?;
    Ok(Json(out))
}

async fn delete(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    app.write(|s| {
        if s.delete_firewall(parse_id(&id)?) {
            Ok(empty())
        } else {
            Err(ApiError::not_found())
        }
    })
}

async fn get_rules(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    app.read(|s| firewall(s, &id).map(|f| Json(rules_json(f))))
}

async fn put_rules(
    State(app): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let out = app.write(|s| {
        let fw = firewall(s, &id)?;
        let (fw_id, mut errs) = (fw.id, Errors::new());
        let rules = validate_rules(&body, "", Some(&fw.rules), &mut errs);
        errs.finish()?;
        let fw = s
            .firewalls
            .get_mut(&fw_id)
            .ok_or_else(ApiError::not_found)?;
        fw.rules = rules;
        fw.rules_version += 1;
        fw.updated_ms = now_ms();
        Ok(rules_json(fw))
    })?;
    Ok(Json(out))
}

async fn list_devices(
    State(app): State<AppState>,
    Path(id): Path<String>,
    q: ListQuery,
) -> ApiResult<Json<Value>> {
    let items = app.read(|s| {
        let fw = firewall(s, &id)?;
        Ok::<_, ApiError>(
            s.fw_devices
                .values()
                .filter(|d| d.firewall_id == fw.id)
                .map(|d| device_json(s, d))
                .collect(),
        )
    })?;
    list_response(items, &q, DEVICE_FILTERS)
}

async fn create_device(
    State(app): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let out = app.write(|s| {
        let fw_id = firewall(s, &id)?.id;
        let mut errs = Errors::new();
        let i = Input::new(&body, "");
        let entity_type = i.req_str("type", &mut errs);
        if let Some(t) = entity_type
            && !DEVICE_TYPES.contains(&t)
        {
            errs.add(
                "type",
                format!("type must be one of {}", DEVICE_TYPES.join(", ")),
            );
        }
        if !i.has("id") {
            errs.add("id", "id is required");
        }
        let entity_id = i.int("id", &mut errs);
        errs.finish()?;
        let (Some(t), Some(e)) = (entity_type, entity_id) else {
            return Err(ApiError::bad_request("type and id are required"));
        };
        let entity_id = u64::try_from(e).map_err(|_| ApiError::not_found())?;
        let did = attach(s, fw_id, t, entity_id, "id")?;
        Ok(device_json(s, &s.fw_devices[&did]))
    })?;
    Ok(Json(out))
}

fn device<'a>(s: &'a Store, id: &str, device: &str) -> ApiResult<&'a FirewallDevice> {
    let fw = firewall(s, id)?;
    s.fw_devices
        .get(&parse_id(device)?)
        .filter(|d| d.firewall_id == fw.id)
        .ok_or_else(ApiError::not_found)
}

async fn get_device(
    State(app): State<AppState>,
    Path((id, dev)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    app.read(|s| device(s, &id, &dev).map(|d| Json(device_json(s, d))))
}

async fn delete_device(
    State(app): State<AppState>,
    Path((id, dev)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    app.write(|s| {
        let d = device(s, &id, &dev)?.clone();
        if let Some(pool) = d.lke_pool {
            // LKE re-attaches what a pool's firewall_id asks for; change the pool instead.
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                format!(
                    "This Linode is an LKE node whose pool ({pool}) sets this firewall; update the pool's firewall_id instead."
                ),
            ));
        }
        s.fw_devices.remove(&d.id);
        Ok(empty())
    })
}

/// The emulated account sets no default firewalls.
async fn settings() -> Json<Value> {
    Json(json!({"default_firewall_ids": {
        "linode": null, "nodebalancer": null, "public_interface": null, "vpc_interface": null
    }}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_strings_follow_linode_rules() {
        assert_eq!(ports_problem("22"), None);
        assert_eq!(ports_problem("22-24, 80, 443"), None);
        assert_eq!(ports_problem("80,443,8000-8080"), None);
        assert_eq!(
            ports_problem("080"),
            Some("Port must not have leading zeroes")
        );
        assert_eq!(ports_problem("0"), Some("Must be 1-65535"));
        assert_eq!(ports_problem("65536"), Some("Must be 1-65535"));
        assert_eq!(
            ports_problem("90-80"),
            Some("Range must start with a smaller number and end with a larger number")
        );
        assert_eq!(ports_problem("1-2-3"), Some("Ranges must have 2 values"));
        assert!(
            ports_problem("ssh")
                .unwrap()
                .starts_with("Ports must be an integer")
        );
        assert!(ports_problem("80,").is_some());
        // 7 ranges (14 pieces) + 1 port = 15 pieces: the limit; one more port is too many.
        let fifteen = "1-2,3-4,5-6,7-8,9-10,11-12,13-14,15";
        assert_eq!(ports_problem(fifteen), None);
        assert!(
            ports_problem(&format!("{fifteen},16"))
                .unwrap()
                .contains("Max allowed is 15")
        );
    }

    #[test]
    fn labels_follow_linode_rules() {
        let check = |l: &str| {
            let mut e = Errors::new();
            validate_label(l, "label", &mut e);
            e.is_empty()
        };
        assert!(check("edge-fw_1.a"));
        assert!(!check("fw"));
        assert!(!check("1firewall"));
        assert!(!check("bad--label"));
        assert!(!check("bad label"));
    }
}
