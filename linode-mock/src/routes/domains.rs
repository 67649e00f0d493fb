//! DNS domains and records: CRUD, zone file, clone and import, with per-type record validation.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use super::{AppState, Input, JsonBody, ListQuery, empty, list_response, parse_id};
use crate::error::{ApiError, ApiResult, Errors};
use crate::state::{Domain, Record, State as Store, alloc, fmt_time, now_ms};

/// Routes of this area (relative to `/v4`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/domains", get(list).post(create))
        .route("/domains/import", post(import))
        .route("/domains/{id}", get(get_one).put(update).delete(delete))
        .route("/domains/{id}/clone", post(clone_domain))
        .route("/domains/{id}/zone-file", get(zone_file))
        .route(
            "/domains/{id}/records",
            get(list_records).post(create_record),
        )
        .route(
            "/domains/{id}/records/{rec}",
            get(get_record).put(update_record).delete(delete_record),
        )
}

/// Valid SOA timing values; requested values are snapped up to the next one.
pub const SOA_STEPS: &[i64] = &[
    0, 30, 120, 300, 3600, 7200, 14400, 28800, 57600, 86400, 172800, 345600, 604800, 1209600,
    2419200,
];
/// Valid record TTLs; requested values are rounded to the nearest one.
pub const TTL_STEPS: &[i64] = &[
    300, 3600, 7200, 14400, 28800, 57600, 86400, 172800, 345600, 604800, 1209600, 2419200,
];
/// Record types.
pub const RECORD_TYPES: &[&str] = &["A", "AAAA", "NS", "MX", "CNAME", "TXT", "SRV", "PTR", "CAA"];

/// Snaps a SOA timing up to the next valid value; anything above the largest becomes the
/// largest (the official provider's acceptance tests send `expire_sec = 2419201`).
pub fn snap_up(v: i64) -> i64 {
    SOA_STEPS
        .iter()
        .copied()
        .find(|s| *s >= v)
        .unwrap_or(2419200)
}

/// Rounds a record TTL to the nearest valid value (0 stays 0: the domain default; anything above
/// the largest becomes the largest).
pub fn round_ttl(v: i64) -> i64 {
    if v == 0 {
        return 0;
    }
    TTL_STEPS
        .iter()
        .copied()
        .min_by_key(|s| (s - v).abs())
        .unwrap_or(300)
}

/// Whether `name` is a valid domain name per the API's pattern.
pub fn valid_domain(name: &str) -> bool {
    let re = regex::Regex::new(
        r"^(\*\.)?([a-zA-Z0-9-_]{1,63}\.)+([a-zA-Z]{2,3}\.)?([a-zA-Z]{2,16}|xn--[a-zA-Z0-9]+)$",
    )
    .expect("static regex");
    name.len() <= 253
        && re.is_match(name)
        && name
            .split('.')
            .all(|l| !l.starts_with('-') && !l.ends_with('-'))
}

/// Whether `name` is a valid hostname target (trailing period allowed).
pub fn valid_hostname(name: &str) -> bool {
    let n = name.strip_suffix('.').unwrap_or(name);
    !n.is_empty()
        && n.len() <= 253
        && n.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

fn valid_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((user, host)) => {
            !user.is_empty()
                && !user.contains(char::is_whitespace)
                && valid_hostname(host)
                && host.contains('.')
        }
        None => false,
    }
}

fn domain_json(d: &Domain) -> Value {
    let mut v = Value::Object(d.doc.clone());
    v["id"] = json!(d.id);
    v
}

fn record_json(r: &Record) -> Value {
    let mut v = Value::Object(r.doc.clone());
    v["id"] = json!(r.id);
    v["created"] = json!(fmt_time(r.created_ms));
    v["updated"] = json!(fmt_time(r.updated_ms));
    v
}

fn domain<'a>(s: &'a Store, id: &str) -> ApiResult<&'a Domain> {
    s.domains
        .get(&parse_id(id)?)
        .ok_or_else(ApiError::not_found)
}

/// Validates domain fields onto `base`. `creating` enforces the required fields.
fn validate_domain(
    body: &Value,
    mut base: Map<String, Value>,
    creating: bool,
    errs: &mut Errors,
) -> Map<String, Value> {
    let i = Input::new(body, "");
    let name = if creating {
        i.req_str("domain", errs)
    } else {
        i.str("domain", errs)
    };
    if let Some(n) = name {
        if valid_domain(n) {
            base.insert("domain".into(), json!(n.to_ascii_lowercase()));
        } else {
            errs.add("domain", "Invalid domain name");
        }
    }
    let dtype = if creating {
        i.req_str("type", errs)
    } else {
        i.str("type", errs)
    };
    if let Some(t) = dtype {
        if t == "master" || t == "slave" {
            base.insert("type".into(), json!(t));
        } else {
            errs.add("type", "type must be master or slave");
        }
    }
    if let Some(e) = i.str("soa_email", errs) {
        if valid_email(e) {
            base.insert("soa_email".into(), json!(e));
        } else {
            errs.add("soa_email", "Must be a valid email address");
        }
    }
    for (key, ipv) in [("master_ips", true), ("axfr_ips", false)] {
        if let Some(ips) = i.str_list(key, errs) {
            for (n, ip) in ips.iter().enumerate() {
                if ip.parse::<std::net::IpAddr>().is_err() {
                    errs.add(format!("{key}[{n}]"), "Must be a valid IP address");
                }
            }
            let _ = ipv;
            base.insert(key.into(), json!(ips));
        }
    }
    if let Some(d) = i.str("description", errs) {
        if d.len() > 253 {
            errs.add("description", "Length must be 1-253 characters");
        }
        base.insert("description".into(), json!(d));
    }
    if let Some(g) = i.str("group", errs) {
        if g.len() > 50 {
            errs.add("group", "Length must be 1-50 characters");
        }
        base.insert("group".into(), json!(g));
    }
    if let Some(st) = i.one_of("status", &["active", "disabled"], errs) {
        base.insert("status".into(), json!(st));
    }
    if let Some(tags) = i.tags(errs) {
        base.insert("tags".into(), json!(tags));
    }
    // Any non-negative value is accepted and snapped, even above the largest step.
    for key in ["ttl_sec", "refresh_sec", "retry_sec", "expire_sec"] {
        if let Some(v) = i.int_range(key, 0, i64::MAX, errs) {
            base.insert(key.into(), json!(snap_up(v)));
        }
    }
    match base.get("type").and_then(Value::as_str) {
        Some("master")
            if base
                .get("soa_email")
                .is_none_or(|v| v.as_str().is_none_or(str::is_empty)) =>
        {
            errs.add("soa_email", "soa_email is required for master domains")
        }
        Some("slave")
            if base
                .get("master_ips")
                .and_then(Value::as_array)
                .is_none_or(Vec::is_empty) =>
        {
            errs.add(
                "master_ips",
                "master_ips requires at least one IP for slave domains",
            )
        }
        _ => {}
    }
    base
}

fn default_domain() -> Map<String, Value> {
    json!({
        "domain": "", "type": "master", "status": "active", "soa_email": "", "description": "", "group": "",
        "tags": [], "ttl_sec": 0, "refresh_sec": 0, "retry_sec": 0, "expire_sec": 0, "master_ips": [], "axfr_ips": []
    })
    .as_object()
    .cloned()
    .unwrap_or_default()
}

fn insert_domain(s: &mut Store, doc: Map<String, Value>) -> u64 {
    let id = alloc(&mut s.ids.domain);
    s.domains.insert(
        id,
        Domain {
            id,
            doc,
            zone_serial: 1,
        },
    );
    id
}

/// Counts a change of the domain or its records in the zone's SOA serial.
fn touch_zone(s: &mut Store, domain_id: u64) {
    if let Some(d) = s.domains.get_mut(&domain_id) {
        d.zone_serial += 1;
    }
}

fn name_taken(s: &Store, name: &str, except: Option<u64>) -> bool {
    s.domains
        .values()
        .any(|d| Some(d.id) != except && d.doc.get("domain").and_then(Value::as_str) == Some(name))
}

async fn list(State(app): State<AppState>, q: ListQuery) -> ApiResult<Json<Value>> {
    let items = app.read(|s| s.domains.values().map(domain_json).collect());
    list_response(
        items,
        &q,
        &["domain", "group", "tags", "type", "status", "id"],
    )
}

async fn create(State(app): State<AppState>, JsonBody(body): JsonBody) -> ApiResult<Json<Value>> {
    let out = app.write(|s| {
        let mut errs = Errors::new();
        let doc = validate_domain(&body, default_domain(), true, &mut errs);
        if let Some(n) = doc.get("domain").and_then(Value::as_str)
            && !n.is_empty()
            && name_taken(s, n, None)
        {
            errs.add("domain", "Domain already exists");
        }
        errs.finish()?;
        let id = insert_domain(s, doc);
        Ok(domain_json(&s.domains[&id]))
    })?;
    Ok(Json(out))
}

async fn get_one(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    app.read(|s| domain(s, &id).map(|d| Json(domain_json(d))))
}

async fn update(
    State(app): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let out = app.write(|s| {
        let d = domain(s, &id)?.clone();
        let mut errs = Errors::new();
        let doc = validate_domain(&body, d.doc.clone(), false, &mut errs);
        if let Some(n) = doc.get("domain").and_then(Value::as_str)
            && name_taken(s, n, Some(d.id))
        {
            errs.add("domain", "Domain already exists");
        }
        errs.finish()?;
        let entry = s.domains.get_mut(&d.id).ok_or_else(ApiError::not_found)?;
        entry.doc = doc;
        entry.zone_serial += 1;
        Ok(domain_json(entry))
    })?;
    Ok(Json(out))
}

async fn delete(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    app.write(|s| {
        let did = domain(s, &id)?.id;
        s.domains.remove(&did);
        s.records.retain(|_, r| r.domain_id != did);
        Ok(empty())
    })
}

async fn clone_domain(
    State(app): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let out = app.write(|s| {
        let src = domain(s, &id)?.clone();
        let mut errs = Errors::new();
        let i = Input::new(&body, "");
        let name = i.req_str("domain", &mut errs);
        if let Some(n) = name {
            if !valid_domain(n) {
                errs.add("domain", "Invalid domain name");
            } else if name_taken(s, n, None) {
                errs.add("domain", "Domain already exists");
            }
        }
        errs.finish()?;
        let mut doc = src.doc.clone();
        doc.insert(
            "domain".into(),
            json!(name.unwrap_or_default().to_ascii_lowercase()),
        );
        let new_id = insert_domain(s, doc);
        let now = now_ms();
        let records: Vec<Record> = s
            .records
            .values()
            .filter(|r| r.domain_id == src.id)
            .cloned()
            .collect();
        for r in records {
            let rid = alloc(&mut s.ids.record);
            s.records.insert(
                rid,
                Record {
                    id: rid,
                    domain_id: new_id,
                    doc: r.doc,
                    created_ms: now,
                    updated_ms: now,
                },
            );
        }
        Ok(domain_json(&s.domains[&new_id]))
    })?;
    Ok(Json(out))
}

async fn import(State(app): State<AppState>, JsonBody(body): JsonBody) -> ApiResult<Json<Value>> {
    let out = app.write(|s| {
        let mut errs = Errors::new();
        let i = Input::new(&body, "");
        let name = i.req_str("domain", &mut errs);
        let ns = i.req_str("remote_nameserver", &mut errs);
        if let Some(n) = name {
            if !valid_domain(n) {
                errs.add("domain", "Invalid domain name");
            } else if name_taken(s, n, None) {
                errs.add("domain", "Domain already exists");
            }
        }
        if let Some(ns) = ns
            && !valid_hostname(ns)
            && ns.parse::<std::net::IpAddr>().is_err()
        {
            errs.add(
                "remote_nameserver",
                "Must be a valid hostname or IP address",
            );
        }
        errs.finish()?;
        let name = name.unwrap_or_default().to_ascii_lowercase();
        let mut doc = default_domain();
        doc.insert("soa_email".into(), json!(format!("hostmaster@{name}")));
        doc.insert("domain".into(), json!(name));
        let id = insert_domain(s, doc);
        Ok(domain_json(&s.domains[&id]))
    })?;
    Ok(Json(out))
}

/// A host name as an absolute zone-file name (`mail.example.com.`).
fn absolute(name: &str) -> String {
    if name.ends_with('.') {
        name.to_string()
    } else {
        format!("{name}.")
    }
}

/// A TXT value as zone-file character strings: quoted, escaped, at most 255 bytes each.
fn txt_strings(value: &str) -> String {
    let escaped: Vec<String> = value
        .chars()
        .map(|c| match c {
            '"' | '\\' => format!("\\{c}"),
            c => c.to_string(),
        })
        .collect();
    let mut parts = vec![String::new()];
    for piece in escaped {
        let last = parts.last_mut().expect("one part");
        if last.len() + piece.len() > 255 {
            parts.push(piece);
        } else {
            last.push_str(&piece);
        }
    }
    parts
        .iter()
        .map(|p| format!("\"{p}\""))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The SOA contact of an email address: `@` becomes a dot, dots of the local part are escaped.
fn soa_contact(email: &str) -> String {
    match email.split_once('@') {
        Some((user, host)) => absolute(&format!("{}.{host}", user.replace('.', "\\."))),
        None => absolute(email),
    }
}

/// The zone file Linode renders for a master domain: origin comment, `$TTL`, SOA, Linode's
/// five name servers, then one line per record (its TTL when it overrides the domain's).
/// A slave domain's zone comes from its masters, so nothing is rendered for it.
fn zone_lines(s: &Store, d: &Domain) -> Vec<String> {
    let field = |k: &str| d.doc.get(k).and_then(Value::as_str).unwrap_or_default();
    if field("type") == "slave" {
        return Vec::new();
    }
    let seconds = |k: &str, default: i64| {
        d.doc
            .get(k)
            .and_then(Value::as_i64)
            .filter(|v| *v > 0)
            .unwrap_or(default)
    };
    let ttl = seconds("ttl_sec", 86400);
    let year = fmt_time(now_ms())[..4].to_string();
    let mut lines = vec![
        format!("; {} [{}]", field("domain"), d.id),
        format!("$TTL {ttl}"),
        format!(
            "@  IN  SOA  ns1.linode.com. {} {year}{:06} {} {} {} {ttl}",
            soa_contact(field("soa_email")),
            d.zone_serial % 1_000_000,
            seconds("refresh_sec", 14400),
            seconds("retry_sec", 14400),
            seconds("expire_sec", 1209600),
        ),
    ];
    lines.extend((1..=5).map(|n| format!("@    NS  ns{n}.linode.com.")));
    for r in s.records.values().filter(|r| r.domain_id == d.id) {
        let text = |k: &str| r.doc.get(k).and_then(Value::as_str).unwrap_or_default();
        let num = |k: &str| r.doc.get(k).and_then(Value::as_i64).unwrap_or(0);
        let owner = match text("name") {
            "" => "@",
            name => name,
        };
        let rtype = text("type");
        let target = text("target");
        let data = match rtype {
            "MX" if target.is_empty() => "0  .".to_string(),
            "MX" => format!("{}  {}", num("priority"), absolute(target)),
            "SRV" => format!(
                "{} {} {} {}",
                num("priority"),
                num("weight"),
                num("port"),
                absolute(target)
            ),
            "CNAME" | "NS" | "PTR" => absolute(target),
            "TXT" => txt_strings(target),
            "CAA" => format!("0 {} \"{target}\"", text("tag")),
            _ => target.to_string(),
        };
        match num("ttl_sec") {
            0 => lines.push(format!("{owner}    {rtype}  {data}")),
            t => lines.push(format!("{owner}  {t}  {rtype}  {data}")),
        }
    }
    lines
}

async fn zone_file(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    app.read(|s| domain(s, &id).map(|d| Json(json!({"zone_file": zone_lines(s, d)}))))
}

fn default_record() -> Map<String, Value> {
    json!({
        "type": "A", "name": "", "target": "", "priority": 0, "weight": 0, "port": 0,
        "service": null, "protocol": null, "tag": null, "ttl_sec": 0
    })
    .as_object()
    .cloned()
    .unwrap_or_default()
}

/// Validates record fields onto `base` (type-specific rules of the real API).
fn validate_record(
    s: &Store,
    domain_id: u64,
    body: &Value,
    mut base: Map<String, Value>,
    creating: bool,
    self_id: Option<u64>,
    errs: &mut Errors,
) -> Map<String, Value> {
    let i = Input::new(body, "");
    if creating {
        match i.req_str("type", errs) {
            Some(t) if RECORD_TYPES.contains(&t) => {
                base.insert("type".into(), json!(t));
            }
            Some(_) => errs.add(
                "type",
                format!("type must be one of {}", RECORD_TYPES.join(", ")),
            ),
            None => {}
        }
    }
    let rtype = base
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("A")
        .to_string();
    if let Some(n) = i.str("name", errs) {
        if n.len() > 100 {
            errs.add("name", "Length must be 0-100 characters");
        } else if !n.is_empty() && n != "@" && !valid_hostname(n) {
            errs.add("name", "Invalid record name");
        }
        base.insert("name".into(), json!(if n == "@" { "" } else { n }));
    }
    if let Some(t) = i.str("target", errs) {
        base.insert("target".into(), json!(t));
    }
    for (k, lo, hi) in [
        ("priority", 0, 255),
        ("weight", 0, 65535),
        ("port", 0, 65535),
    ] {
        if let Some(v) = i.int_range(k, lo, hi, errs) {
            base.insert(k.into(), json!(v));
        }
    }
    if let Some(v) = i.int_range("ttl_sec", 0, i64::MAX, errs) {
        base.insert("ttl_sec".into(), json!(round_ttl(v)));
    }
    // Linode prepends the underscore in the record's name (`_sip._tcp`); the fields themselves
    // come back as submitted, without it (the official provider's SRV acceptance tests read
    // `service = "sip"`, `protocol = "tcp"`).
    for key in ["service", "protocol"] {
        if let Some(v) = i.str(key, errs) {
            base.insert(key.into(), json!(v.strip_prefix('_').unwrap_or(v)));
        }
    }
    if let Some(v) = i.one_of("tag", &["issue", "issuewild", "iodef"], errs) {
        base.insert("tag".into(), json!(v));
    }
    let target = base
        .get("target")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let name = base
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    match rtype.as_str() {
        "A" => {
            if target != "[remote_addr]" && target.parse::<std::net::Ipv4Addr>().is_err() {
                errs.add("target", "Must be a valid IPv4 address");
            }
            if target == "[remote_addr]" {
                base.insert("target".into(), json!("127.0.0.1"));
            }
        }
        "AAAA" if target.parse::<std::net::Ipv6Addr>().is_err() => {
            errs.add("target", "Must be a valid IPv6 address");
        }
        "CNAME" => {
            if name.is_empty() {
                errs.add("name", "name is required for CNAME records");
            }
            if !valid_hostname(&target) {
                errs.add("target", "Must be a valid hostname");
            }
            let clash = s.records.values().any(|r| {
                r.domain_id == domain_id
                    && Some(r.id) != self_id
                    && r.doc.get("name").and_then(Value::as_str) == Some(name.as_str())
            });
            if clash && !name.is_empty() {
                errs.add(
                    "name",
                    "A CNAME record's name must be unique within the domain",
                );
            }
        }
        "NS" | "PTR" if !valid_hostname(&target) => {
            errs.add("target", "Must be a valid hostname");
        }
        // A null MX record has an empty target and name.
        "MX" if !(valid_hostname(&target) || target.is_empty() && name.is_empty()) => {
            errs.add("target", "Must be a valid hostname");
        }
        "TXT" => {
            if target.is_empty() {
                errs.add("target", "target is required for TXT records");
            } else if target.len() > 65535 {
                errs.add("target", "Length must be at most 65535 characters");
            }
        }
        "SRV" => {
            for k in ["service", "protocol"] {
                if base.get(k).is_none_or(Value::is_null) {
                    errs.add(k, format!("{k} is required for SRV records"));
                }
            }
            if creating {
                for k in ["priority", "weight", "port"] {
                    if !i.has(k) {
                        errs.add(k, format!("{k} is required for SRV records"));
                    }
                }
            }
            if !valid_hostname(&target) {
                errs.add("target", "Must be a valid hostname");
            }
            if let (Some(sv), Some(pr)) = (
                base.get("service").and_then(Value::as_str),
                base.get("protocol").and_then(Value::as_str),
            ) {
                let n = format!("_{sv}._{pr}");
                base.insert("name".into(), json!(n));
            }
        }
        "CAA" => match base.get("tag").and_then(Value::as_str) {
            None => errs.add("tag", "tag is required for CAA records"),
            Some("iodef") => {
                if !(target.starts_with("mailto:")
                    || target.starts_with("http://")
                    || target.starts_with("https://"))
                {
                    errs.add("target", "iodef target must be a mailto: or http(s) URL");
                }
            }
            Some(_) => {
                if target.ends_with('.') || !valid_hostname(&target) {
                    errs.add("target", "Must be a valid domain name");
                }
            }
        },
        _ => {}
    }
    if matches!(rtype.as_str(), "A" | "AAAA") && target.ends_with('.') {
        errs.add("target", "A trailing period is not allowed");
    }
    base
}

fn record<'a>(s: &'a Store, id: &str, rec: &str) -> ApiResult<&'a Record> {
    let did = domain(s, id)?.id;
    s.records
        .get(&parse_id(rec)?)
        .filter(|r| r.domain_id == did)
        .ok_or_else(ApiError::not_found)
}

async fn list_records(
    State(app): State<AppState>,
    Path(id): Path<String>,
    q: ListQuery,
) -> ApiResult<Json<Value>> {
    let items = app.read(|s| {
        let did = domain(s, &id)?.id;
        Ok::<_, ApiError>(
            s.records
                .values()
                .filter(|r| r.domain_id == did)
                .map(record_json)
                .collect(),
        )
    })?;
    list_response(items, &q, &["name", "target", "type", "tag", "id"])
}

async fn create_record(
    State(app): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let out = app.write(|s| {
        let did = domain(s, &id)?.id;
        let mut errs = Errors::new();
        let doc = validate_record(s, did, &body, default_record(), true, None, &mut errs);
        if s.records.values().filter(|r| r.domain_id == did).count() >= 12_000 {
            errs.add("type", "A domain may have at most 12000 records");
        }
        errs.finish()?;
        let rid = alloc(&mut s.ids.record);
        let now = now_ms();
        touch_zone(s, did);
        s.records.insert(
            rid,
            Record {
                id: rid,
                domain_id: did,
                doc,
                created_ms: now,
                updated_ms: now,
            },
        );
        Ok(record_json(&s.records[&rid]))
    })?;
    Ok(Json(out))
}

async fn get_record(
    State(app): State<AppState>,
    Path((id, rec)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    app.read(|s| record(s, &id, &rec).map(|r| Json(record_json(r))))
}

async fn update_record(
    State(app): State<AppState>,
    Path((id, rec)): Path<(String, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let out = app.write(|s| {
        let r = record(s, &id, &rec)?.clone();
        let mut errs = Errors::new();
        let doc = validate_record(
            s,
            r.domain_id,
            &body,
            r.doc.clone(),
            false,
            Some(r.id),
            &mut errs,
        );
        errs.finish()?;
        touch_zone(s, r.domain_id);
        let entry = s.records.get_mut(&r.id).ok_or_else(ApiError::not_found)?;
        entry.doc = doc;
        entry.updated_ms = now_ms();
        Ok(record_json(entry))
    })?;
    Ok(Json(out))
}

async fn delete_record(
    State(app): State<AppState>,
    Path((id, rec)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    app.write(|s| {
        let r = record(s, &id, &rec)?;
        let (rid, did) = (r.id, r.domain_id);
        s.records.remove(&rid);
        touch_zone(s, did);
        Ok(empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapping_and_rounding() {
        assert_eq!(snap_up(1), 30);
        assert_eq!(snap_up(300), 300);
        assert_eq!(snap_up(301), 3600);
        assert_eq!(round_ttl(400), 300);
        assert_eq!(round_ttl(3000), 3600);
        assert_eq!(round_ttl(0), 0);
        assert_eq!(snap_up(2_419_201), 2_419_200, "above the largest step");
        assert_eq!(round_ttl(9_999_999), 2_419_200);
    }

    #[test]
    fn zone_file_values() {
        assert_eq!(absolute("mail.example.com"), "mail.example.com.");
        assert_eq!(absolute("mail.example.com."), "mail.example.com.");
        assert_eq!(
            soa_contact("first.last@example.com"),
            "first\\.last.example.com."
        );
        assert_eq!(txt_strings(r#"say "hi" \o/"#), r#""say \"hi\" \\o/""#);
        let long = "x".repeat(300);
        assert_eq!(
            txt_strings(&long),
            format!("\"{}\" \"{}\"", "x".repeat(255), "x".repeat(45))
        );
    }

    #[test]
    fn domain_and_host_names() {
        assert!(valid_domain("example.com"));
        assert!(valid_domain("sub.example.co.uk"));
        assert!(!valid_domain("not a domain"));
        assert!(!valid_domain("-bad.com"));
        assert!(valid_hostname("mail.example.com."));
        assert!(!valid_hostname("bad..name"));
    }
}
