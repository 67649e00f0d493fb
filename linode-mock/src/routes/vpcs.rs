//! VPCs: CRUD, subnets (private, non-overlapping IPv4 ranges), and the addresses in use
//! (NodeBalancer VPC configurations; the emulator has no Linode interfaces).

use std::net::Ipv4Addr;

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use ipnet::Ipv4Net;
use serde_json::{Value, json};

use super::{AppState, Input, JsonBody, ListQuery, empty, list_response, parse_id};
use crate::catalog;
use crate::error::{ApiError, ApiResult, Errors};
use crate::state::{State as Store, Subnet, Vpc, alloc, fmt_time, now_ms};

/// Routes of this area (relative to `/v4`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/vpcs", get(list).post(create))
        .route("/vpcs/ips", get(list_all_ips))
        .route("/vpcs/{id}", get(get_one).put(update).delete(delete))
        .route("/vpcs/{id}/ips", get(list_ips))
        .route("/vpcs/{id}/subnets", get(list_subnets).post(create_subnet))
        .route(
            "/vpcs/{id}/subnets/{subnet}",
            get(get_subnet).put(update_subnet).delete(delete_subnet),
        )
}

const VPC_FILTERS: &[&str] = &["id", "label", "region", "description"];
const SUBNET_FILTERS: &[&str] = &["id", "label", "ipv4"];
const IP_FILTERS: &[&str] = &[
    "vpc_id",
    "subnet_id",
    "region",
    "linode_id",
    "nodebalancer_id",
    "address",
    "address_range",
    "active",
];

/// The private ranges of RFC 1918.
const RFC1918: [(Ipv4Addr, u8); 3] = [
    (Ipv4Addr::new(10, 0, 0, 0), 8),
    (Ipv4Addr::new(172, 16, 0, 0), 12),
    (Ipv4Addr::new(192, 168, 0, 0), 16),
];

/// A range Linode keeps for itself inside 192.168.0.0/16.
const RESERVED: (Ipv4Addr, u8) = (Ipv4Addr::new(192, 168, 128, 0), 17);

fn net((addr, len): (Ipv4Addr, u8)) -> Ipv4Net {
    Ipv4Net::new(addr, len).unwrap_or_default()
}

/// Whether two networks share an address.
pub fn overlaps(a: &Ipv4Net, b: &Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// Whether a region (as `GET /regions/{id}` serves it) lists `capability`.
fn offers(region: &Value, capability: &str) -> bool {
    region["capabilities"]
        .as_array()
        .is_some_and(|caps| caps.iter().any(|c| c == capability))
}

/// Whether `region` offers VPCs, read from the catalog's capabilities.
fn region_has_vpcs(region: &str) -> bool {
    catalog::region(region).is_some_and(|r| offers(&r.to_json(), "VPCs"))
}

/// Validates a subnet range: canonical CIDR, prefix /1-/29, private (RFC 1918), outside
/// 192.168.128.0/17, and overlapping none of `others` (`(label, range)` of the VPC's subnets).
fn validate_range(
    ipv4: &str,
    field: &str,
    others: &[(String, Ipv4Net)],
    errs: &mut Errors,
) -> Option<Ipv4Net> {
    let Ok(range) = ipv4.parse::<Ipv4Net>() else {
        errs.add(
            field,
            "Must be an IPv4 range in CIDR form, e.g. 10.0.0.0/24",
        );
        return None;
    };
    let reason = if range.trunc() != range {
        Some(format!("Must be in canonical form: {}", range.trunc()))
    } else if !(1..=29).contains(&range.prefix_len()) {
        Some("Prefix length must be between 1 and 29".to_string())
    } else if !RFC1918.iter().any(|r| net(*r).contains(&range)) {
        Some(
            "Must be a private IPv4 range (RFC 1918: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)"
                .into(),
        )
    } else if overlaps(&range, &net(RESERVED)) {
        Some("Must not overlap with 192.168.128.0/17".to_string())
    } else {
        others
            .iter()
            .find(|(_, o)| overlaps(&range, o))
            .map(|(label, o)| format!("Overlaps with subnet {label} ({o})"))
    };
    match reason {
        Some(r) => {
            errs.add(field, r);
            None
        }
        None => Some(range),
    }
}

/// VPC and subnet labels: 1-64 ASCII letters, digits, `-` and `_`, no `--`.
fn validate_label(label: &str, field: &str, errs: &mut Errors) {
    if !(1..=64).contains(&label.chars().count()) {
        errs.add(field, "Label must be between 1 and 64 characters");
    } else if !label
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        || label.contains("--")
    {
        errs.add(
            field,
            "Must only use ASCII letters, numbers, and underscores",
        );
    }
}

/// What keeps a subnet in use, for the error of a refused delete.
fn subnet_user(s: &Store, subnet_id: u64) -> Option<String> {
    if let Some(c) = s.nb_vpc_configs.values().find(|c| c.subnet_id == subnet_id) {
        return Some(format!("NodeBalancer {}", c.nodebalancer_id));
    }
    s.clusters
        .values()
        .find(|c| c.subnet_id == Some(subnet_id))
        .map(|c| format!("LKE cluster {}", c.id))
}

fn in_use_error(s: &Store, sub: &Subnet) -> Option<ApiError> {
    subnet_user(s, sub.id).map(|user| {
        ApiError::bad_request(format!(
            "Subnet {} ({}) is in use by {user} and cannot be deleted",
            sub.label, sub.id
        ))
    })
}

// ---------- rendering ----------

fn subnet_json(s: &Store, sub: &Subnet) -> Value {
    let nodebalancers: Vec<Value> = s
        .nb_vpc_configs
        .values()
        .filter(|c| c.subnet_id == sub.id)
        .map(|c| json!({"id": c.nodebalancer_id, "ipv4_range": c.ipv4_range}))
        .collect();
    json!({
        "id": sub.id,
        "label": sub.label,
        "ipv4": sub.ipv4,
        "linodes": [],
        "databases": [],
        "nodebalancers": nodebalancers,
        "created": fmt_time(sub.created_ms),
        "updated": fmt_time(sub.updated_ms),
    })
}

fn vpc_json(s: &Store, v: &Vpc) -> Value {
    let subnets: Vec<Value> = s
        .subnets
        .values()
        .filter(|sub| sub.vpc_id == v.id)
        .map(|sub| subnet_json(s, sub))
        .collect();
    json!({
        "id": v.id,
        "label": v.label,
        "description": v.description,
        "region": v.region,
        "subnets": subnets,
        "created": fmt_time(v.created_ms),
        "updated": fmt_time(v.updated_ms),
    })
}

/// The addresses in use in the VPCs selected by `vpc`: the range of every NodeBalancer VPC
/// configuration.
fn ips(s: &Store, vpc: Option<u64>) -> Vec<Value> {
    s.nb_vpc_configs
        .values()
        .filter(|c| vpc.is_none_or(|v| c.vpc_id == v))
        .filter_map(|c| {
            let sub = s.subnets.get(&c.subnet_id)?;
            let range: Ipv4Net = sub.ipv4.parse().ok()?;
            let region = s.vpcs.get(&sub.vpc_id).map(|v| v.region.clone());
            Some(json!({
                "address": null,
                "address_range": c.ipv4_range,
                "vpc_id": c.vpc_id,
                "subnet_id": c.subnet_id,
                "region": region,
                "linode_id": null,
                "config_id": null,
                "interface_id": null,
                "nodebalancer_id": c.nodebalancer_id,
                "database_id": null,
                "active": true,
                "nat_1_1": null,
                "gateway": range.hosts().next().map(|h| h.to_string()),
                "prefix": range.prefix_len(),
                "subnet_mask": range.netmask().to_string(),
            }))
        })
        .collect()
}

// ---------- lookups ----------

fn vpc<'a>(s: &'a Store, id: &str) -> ApiResult<&'a Vpc> {
    s.vpcs.get(&parse_id(id)?).ok_or_else(ApiError::not_found)
}

fn subnet<'a>(s: &'a Store, id: &str, sub: &str) -> ApiResult<&'a Subnet> {
    let v = vpc(s, id)?;
    s.subnets
        .get(&parse_id(sub)?)
        .filter(|x| x.vpc_id == v.id)
        .ok_or_else(ApiError::not_found)
}

/// `(label, range)` of a VPC's subnets, except `except`.
fn ranges_of(s: &Store, vpc_id: u64, except: Option<u64>) -> Vec<(String, Ipv4Net)> {
    s.subnets
        .values()
        .filter(|x| x.vpc_id == vpc_id && Some(x.id) != except)
        .filter_map(|x| Some((x.label.clone(), x.ipv4.parse().ok()?)))
        .collect()
}

/// Validates one subnet body (`prefix` like `subnets[0].`) against `taken` ranges and labels.
fn validate_subnet(
    body: &Value,
    prefix: &str,
    taken: &[(String, Ipv4Net)],
    errs: &mut Errors,
) -> Option<(String, Ipv4Net)> {
    if !body.is_object() {
        errs.add(
            prefix.trim_end_matches('.'),
            "Each subnet must be an object",
        );
        return None;
    }
    let i = Input::new(body, prefix);
    let label = i.req_str("label", errs);
    if let Some(l) = label {
        validate_label(l, &i.path("label"), errs);
        if taken.iter().any(|(t, _)| t == l) {
            errs.add(
                i.path("label"),
                "Label must be unique among the VPC's subnets",
            );
        }
    }
    let range = i
        .req_str("ipv4", errs)
        .and_then(|r| validate_range(r, &i.path("ipv4"), taken, errs));
    Some((label?.to_string(), range?))
}

fn insert_subnet(s: &mut Store, vpc_id: u64, label: String, range: Ipv4Net, now: u64) -> u64 {
    let id = alloc(&mut s.ids.subnet);
    s.subnets.insert(
        id,
        Subnet {
            id,
            vpc_id,
            label,
            ipv4: range.to_string(),
            created_ms: now,
            updated_ms: now,
        },
    );
    id
}

// ---------- VPCs ----------

async fn list(State(app): State<AppState>, q: ListQuery) -> ApiResult<Json<Value>> {
    let items = app.read(|s| s.vpcs.values().map(|v| vpc_json(s, v)).collect());
    list_response(items, &q, VPC_FILTERS)
}

async fn create(State(app): State<AppState>, JsonBody(body): JsonBody) -> ApiResult<Json<Value>> {
    let out = app.write(|s| {
        let mut errs = Errors::new();
        let i = Input::new(&body, "");
        let label = i.req_str("label", &mut errs);
        if let Some(l) = label {
            validate_label(l, "label", &mut errs);
            if s.vpcs.values().any(|v| v.label == l) {
                errs.add("label", "Label must be unique among your VPCs");
            }
        }
        let region = i.req_str("region", &mut errs);
        match region {
            Some(r) if catalog::region(r).is_none() => errs.add("region", "region is not valid"),
            Some(r) if !region_has_vpcs(r) => {
                errs.add("region", "VPCs are not available in this region")
            }
            _ => {}
        }
        let description = i.str("description", &mut errs).unwrap_or_default();
        if description.chars().count() > 255 {
            errs.add("description", "Description must be at most 255 characters");
        }
        let mut subnets: Vec<(String, Ipv4Net)> = Vec::new();
        match i.raw("subnets") {
            None => {}
            Some(Value::Array(items)) => {
                for (n, sub) in items.iter().enumerate() {
                    if let Some(ok) =
                        validate_subnet(sub, &format!("subnets[{n}]."), &subnets, &mut errs)
                    {
                        subnets.push(ok);
                    }
                }
            }
            Some(_) => errs.add("subnets", "subnets must be an array"),
        }
        errs.finish()?;
        let id = alloc(&mut s.ids.vpc);
        let now = now_ms();
        s.vpcs.insert(
            id,
            Vpc {
                id,
                label: label.unwrap_or_default().to_string(),
                description: description.to_string(),
                region: region.unwrap_or_default().to_string(),
                created_ms: now,
                updated_ms: now,
            },
        );
        for (label, range) in subnets {
            insert_subnet(s, id, label, range, now);
        }
        Ok(vpc_json(s, &s.vpcs[&id]))
    })?;
    Ok(Json(out))
}

async fn get_one(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    app.read(|s| vpc(s, &id).map(|v| Json(vpc_json(s, v))))
}

async fn update(
    State(app): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let out = app.write(|s| {
        let id = vpc(s, &id)?.id;
        let mut errs = Errors::new();
        let i = Input::new(&body, "");
        let label = i.str("label", &mut errs);
        if let Some(l) = label {
            validate_label(l, "label", &mut errs);
            if s.vpcs.values().any(|v| v.label == l && v.id != id) {
                errs.add("label", "Label must be unique among your VPCs");
            }
        }
        let description = i.str("description", &mut errs);
        if description.is_some_and(|d| d.chars().count() > 255) {
            errs.add("description", "Description must be at most 255 characters");
        }
        errs.finish()?;
        let v = s.vpcs.get_mut(&id).ok_or_else(ApiError::not_found)?;
        if let Some(l) = label {
            v.label = l.to_string();
        }
        if let Some(d) = description {
            v.description = d.to_string();
        }
        v.updated_ms = now_ms();
        Ok(vpc_json(s, &s.vpcs[&id]))
    })?;
    Ok(Json(out))
}

async fn delete(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    app.write(|s| {
        let id = vpc(s, &id)?.id;
        // Every subnet must be deletable, or nothing is deleted.
        if let Some(e) = s
            .subnets
            .values()
            .filter(|x| x.vpc_id == id)
            .find_map(|x| in_use_error(s, x))
        {
            return Err(e);
        }
        s.subnets.retain(|_, x| x.vpc_id != id);
        s.vpcs.remove(&id);
        Ok(empty())
    })
}

// ---------- subnets ----------

async fn list_subnets(
    State(app): State<AppState>,
    Path(id): Path<String>,
    q: ListQuery,
) -> ApiResult<Json<Value>> {
    let items = app.read(|s| {
        let v = vpc(s, &id)?;
        Ok::<_, ApiError>(
            s.subnets
                .values()
                .filter(|x| x.vpc_id == v.id)
                .map(|x| subnet_json(s, x))
                .collect(),
        )
    })?;
    list_response(items, &q, SUBNET_FILTERS)
}

async fn create_subnet(
    State(app): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let out = app.write(|s| {
        let vpc_id = vpc(s, &id)?.id;
        let mut errs = Errors::new();
        let taken = ranges_of(s, vpc_id, None);
        let spec = validate_subnet(&body, "", &taken, &mut errs);
        errs.finish()?;
        let (label, range) = spec.ok_or_else(|| ApiError::bad_request("Invalid subnet"))?;
        let sid = insert_subnet(s, vpc_id, label, range, now_ms());
        Ok(subnet_json(s, &s.subnets[&sid]))
    })?;
    Ok(Json(out))
}

async fn get_subnet(
    State(app): State<AppState>,
    Path((id, sub)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    app.read(|s| subnet(s, &id, &sub).map(|x| Json(subnet_json(s, x))))
}

async fn update_subnet(
    State(app): State<AppState>,
    Path((id, sub)): Path<(String, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let out = app.write(|s| {
        let x = subnet(s, &id, &sub)?.clone();
        let mut errs = Errors::new();
        let i = Input::new(&body, "");
        let label = i.req_str("label", &mut errs);
        if let Some(l) = label {
            validate_label(l, "label", &mut errs);
            if ranges_of(s, x.vpc_id, Some(x.id))
                .iter()
                .any(|(t, _)| t == l)
            {
                errs.add("label", "Label must be unique among the VPC's subnets");
            }
        }
        errs.finish()?;
        let entry = s.subnets.get_mut(&x.id).ok_or_else(ApiError::not_found)?;
        entry.label = label.unwrap_or_default().to_string();
        entry.updated_ms = now_ms();
        Ok(subnet_json(s, &s.subnets[&x.id]))
    })?;
    Ok(Json(out))
}

async fn delete_subnet(
    State(app): State<AppState>,
    Path((id, sub)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    app.write(|s| {
        let x = subnet(s, &id, &sub)?.clone();
        if let Some(e) = in_use_error(s, &x) {
            return Err(e);
        }
        s.subnets.remove(&x.id);
        Ok(empty())
    })
}

// ---------- addresses ----------

async fn list_all_ips(State(app): State<AppState>, q: ListQuery) -> ApiResult<Json<Value>> {
    let items = app.read(|s| ips(s, None));
    list_response(items, &q, IP_FILTERS)
}

async fn list_ips(
    State(app): State<AppState>,
    Path(id): Path<String>,
    q: ListQuery,
) -> ApiResult<Json<Value>> {
    let items = app.read(|s| vpc(s, &id).map(|v| ips(s, Some(v.id))))?;
    list_response(items, &q, IP_FILTERS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(r: &str, others: &[(String, Ipv4Net)]) -> Result<Ipv4Net, String> {
        let mut errs = Errors::new();
        let out = validate_range(r, "ipv4", others, &mut errs);
        match errs.finish() {
            Ok(()) => out.ok_or_else(String::new),
            Err(e) => Err(e.errors[0].reason.clone()),
        }
    }

    #[test]
    fn subnet_ranges_follow_linode_rules() {
        assert!(range("10.0.0.0/24", &[]).is_ok());
        assert!(range("172.16.4.0/29", &[]).is_ok());
        assert!(range("10.0.0.1/24", &[]).unwrap_err().contains("canonical"));
        assert!(
            range("10.0.0.0/30", &[])
                .unwrap_err()
                .contains("between 1 and 29")
        );
        assert!(range("8.8.8.0/24", &[]).unwrap_err().contains("RFC 1918"));
        assert!(
            range("192.168.200.0/24", &[])
                .unwrap_err()
                .contains("192.168.128.0/17")
        );
        assert!(range("nonsense", &[]).unwrap_err().contains("CIDR"));
        let taken = [("a".to_string(), "10.0.0.0/16".parse().unwrap())];
        assert!(
            range("10.0.3.0/24", &taken)
                .unwrap_err()
                .contains("Overlaps with subnet a")
        );
        assert!(range("10.1.0.0/24", &taken).is_ok());
    }

    #[test]
    fn vpcs_need_the_region_capability() {
        let with = json!({"id": "xx-new", "capabilities": ["Linodes", "VPCs"]});
        let without = json!({"id": "xx-old", "capabilities": ["Linodes", "Cloud Firewall"]});
        assert!(offers(&with, "VPCs"));
        assert!(!offers(&without, "VPCs"));
        assert!(!offers(&json!({"id": "xx-odd"}), "VPCs"));
        assert!(region_has_vpcs("fr-par"));
        assert!(!region_has_vpcs("mars"));
    }

    #[test]
    fn labels_allow_letters_digits_dashes_and_underscores() {
        let ok = |l: &str| {
            let mut e = Errors::new();
            validate_label(l, "label", &mut e);
            e.is_empty()
        };
        assert!(ok("go-test-vpc_1"));
        assert!(!ok("bad--label"));
        assert!(!ok("invalid_label!"));
        assert!(!ok(""));
    }
}
