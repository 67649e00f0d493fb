//! `linode_domain_record`: one DNS record of a domain.
//!
//! Refresh scales: every read lists the domain's records once per provider process through the
//! paginated API (500 per page) and serves all reads of that domain from the listing, so a plan
//! over 500 records costs one or two API calls instead of 500.

use futures::TryStreamExt;
use linode_sdk::models::Nullable;
use linode_sdk::models::domains::{CreateDomainRecord, DomainRecord, RecordType, UpdateDomainRecord};
use linode_sdk::{Client, ListParams};
use serde::{Deserialize, Serialize};
use tfplugin::resource::{
    ApplyResponse, CreateRequest, DeleteRequest, ImportRequest, ImportResponse, PrivateState, ReadRequest,
    ReadResponse, UpdateRequest, ValidateRequest,
};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::{AttributePath, Diagnostics, Resource, Val, Value, async_trait, validators};

use super::rules::{self, keep_exact, keep_number, keep_string, record_ttl_equivalent};
use crate::{LinodeState, common};

/// The record types Linode serves.
pub(crate) const RECORD_TYPES: &[&str] = &["A", "AAAA", "NS", "MX", "CNAME", "TXT", "SRV", "PTR", "CAA"];

/// The resource.
pub struct DomainRecordResource;

/// State and plan of `linode_domain_record`.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(crate) struct RecordModel {
    pub id: Val<String>,
    pub domain_id: Val<i64>,
    pub name: Val<String>,
    pub record_type: Val<String>,
    pub ttl_sec: Val<i64>,
    pub target: Val<String>,
    pub priority: Val<i64>,
    pub protocol: Val<String>,
    pub service: Val<String>,
    pub tag: Val<String>,
    pub port: Val<i64>,
    pub weight: Val<i64>,
}

/// Every record of a domain, listed through the paginated API at 500 per page.
pub(crate) async fn list_records(client: &Client, domain_id: u64) -> Result<Vec<DomainRecord>, linode_sdk::Error> {
    client.domains().list_all_records(domain_id, ListParams::new().page_size(500)).try_collect().await
}

/// The records of `domain_id` from the per-process listing cache.
pub(crate) async fn cached_records(
    st: &LinodeState,
    domain_id: u64,
) -> Result<std::sync::Arc<Vec<DomainRecord>>, linode_sdk::Error> {
    let client = st.client.clone();
    st.domain_records.get_or_list(&domain_id.to_string(), || async move { list_records(&client, domain_id).await }).await
}

/// The zone name of `domain_id`, remembered in the resource's private state so that it is
/// fetched at most once per record (and only for names given in FQDN form).
async fn zone_of(st: &LinodeState, private: &mut PrivateState, domain_id: u64) -> Option<String> {
    if let Some(zone) = private.get::<String>("zone") {
        return Some(zone);
    }
    let zone = st.client.domains().get(domain_id).await.ok()?.domain;
    private.set("zone", &zone);
    Some(zone)
}

/// An SRV service or protocol: the declared form when equivalent; otherwise (e.g. after import)
/// the API's value without the leading underscore it adds, as configurations usually write it
/// (`service = "sip"`).
fn srv_part(prior: &Val<String>, api: Option<&str>) -> Val<String> {
    match keep_string(prior, api, rules::same_srv_part) {
        Val::Known(v) if !prior.is_known() => Val::Known(v.strip_prefix('_').map(str::to_string).unwrap_or(v)),
        other => other,
    }
}

/// After a write: for a name given as an FQDN, remembers the zone name in private state so that
/// refreshes compare names without fetching the domain (one GET per write, none per refresh).
async fn remember_zone(st: &LinodeState, private: &mut PrivateState, plan: &RecordModel, domain_id: u64) -> Option<String> {
    if plan.name.get().is_some_and(|n| n.trim_end_matches('.').contains('.')) {
        zone_of(st, private, domain_id).await
    } else {
        None
    }
}

impl RecordModel {
    /// The state for `r`, keeping the declared forms in `prior` that are equivalent to what the
    /// API stores (FQDN vs relative names, generated SRV names, trailing dots, case, TTL
    /// rounding, unset vs 0).
    pub(crate) fn from_api(prior: &RecordModel, domain_id: u64, r: &DomainRecord, zone: Option<&str>) -> RecordModel {
        let rtype = r.record_type.as_str();
        RecordModel {
            id: Val::Known(r.id.to_string()),
            domain_id: Val::Known(domain_id as i64),
            name: match &prior.name {
                Val::Known(p)
                    if rules::name_equivalent(
                        p,
                        &r.name,
                        zone,
                        rtype,
                        r.service.as_deref(),
                        r.protocol.as_deref(),
                    ) =>
                {
                    Val::Known(p.clone())
                }
                _ => Val::Known(r.name.clone()),
            },
            record_type: Val::Known(rtype.to_string()),
            ttl_sec: keep_number(&prior.ttl_sec, i64::from(r.ttl_sec), record_ttl_equivalent),
            target: match &prior.target {
                Val::Known(p) if rules::target_equivalent(p, &r.target, rtype) => Val::Known(p.clone()),
                _ => Val::Known(r.target.clone()),
            },
            priority: keep_exact(&prior.priority, i64::from(r.priority)),
            protocol: srv_part(&prior.protocol, r.protocol.as_deref()),
            service: srv_part(&prior.service, r.service.as_deref()),
            tag: keep_string(&prior.tag, r.tag.as_deref(), |a, b| a == b),
            port: keep_exact(&prior.port, i64::from(r.port)),
            weight: keep_exact(&prior.weight, i64::from(r.weight)),
        }
    }

    /// Whether the declared name can only be compared with the zone name (an FQDN).
    fn name_needs_zone(&self, r: &DomainRecord) -> bool {
        self.name.get().is_some_and(|p| {
            p.trim_end_matches('.').contains('.')
                && !rules::name_equivalent(
                    p,
                    &r.name,
                    None,
                    r.record_type.as_str(),
                    r.service.as_deref(),
                    r.protocol.as_deref(),
                )
        })
    }
}

/// Maps API field errors to attributes (`type` is `record_type` here).
fn field_to_attr(field: &str) -> Option<AttributePath> {
    match field {
        "type" => Some(AttributePath::new("record_type")),
        other => common::same_name(other),
    }
}

fn u32_of(v: &Val<i64>) -> Option<u32> {
    v.get().and_then(|n| u32::try_from(*n).ok())
}

fn ids(m: &RecordModel, diags: &mut Diagnostics) -> Option<(u64, u64)> {
    let Some(domain_id) = m.domain_id.get().and_then(|d| u64::try_from(*d).ok()) else {
        diags.error_at("domain_id", "Invalid domain_id", "domain_id must be a positive number.");
        return None;
    };
    let id = common::parse_id(m.id.get().map(String::as_str).unwrap_or_default(), "id", diags)?;
    Some((domain_id, id))
}

/// The plan-time checks that depend on the record type (values not yet known are skipped).
pub(crate) fn check_record(config: &Value, diags: &mut Diagnostics) {
    let get = |name: &str| config.get(name).cloned().unwrap_or(Value::Null);
    let Some(rtype) = get("record_type").as_str().map(str::to_string) else { return };
    let target = get("target");
    if let Some(t) = target.as_str() {
        let problem = match rtype.as_str() {
            "A" if !rules::valid_ipv4(t) => Some(format!("an A record's target must be an IPv4 address, not {t:?}")),
            "AAAA" if !rules::valid_ipv6(t) => {
                Some(format!("an AAAA record's target must be an IPv6 address, not {t:?}"))
            }
            "CNAME" | "NS" | "PTR" if !rules::valid_hostname(t) => {
                Some(format!("a {rtype} record's target must be a hostname, not {t:?}"))
            }
            "MX" if !t.is_empty() && !rules::valid_hostname(t) => {
                Some(format!("an MX record's target must be a hostname, not {t:?}"))
            }
            "SRV" if !rules::valid_hostname(t) => Some(format!("an SRV record's target must be a hostname, not {t:?}")),
            _ => None,
        };
        if let Some(detail) = problem {
            diags.error_at("target", "Invalid record target", detail);
        }
    }
    match rtype.as_str() {
        "SRV" => {
            for attr in ["service", "protocol", "port", "priority", "weight"] {
                if get(attr).is_null() {
                    diags.error_at(
                        attr,
                        format!("Missing {attr}"),
                        format!("{attr} is required for SRV records (service, protocol, port, priority and weight)."),
                    );
                }
            }
        }
        "CAA" if get("tag").is_null() => {
            diags.error_at("tag", "Missing tag", "tag is required for CAA records: issue, issuewild or iodef.");
        }
        "CNAME" if get("name").as_str().is_some_and(str::is_empty) => {
            diags.error_at("name", "Invalid name", "a CNAME record needs a name (it cannot be the zone apex).");
        }
        _ => {}
    }
}

fn record_type_validator() -> impl validators::Validator {
    validators::one_of(RECORD_TYPES)
}

#[async_trait]
impl Resource for DomainRecordResource {
    fn type_name(&self) -> &str {
        "linode_domain_record"
    }

    fn schema(&self) -> Schema {
        let number = |text: &str, max: f64| {
            Attribute::number().optional().validate(validators::between(0.0, max)).description(text)
        };
        Schema::new()
            .description(
                "A DNS record of a Linode domain. Import with `terraform import linode_domain_record.x <domain_id>,<id>`. \
                 Names given as FQDNs (`www.example.com`), generated SRV names, trailing dots and rounded TTLs \
                 never show as changes.",
            )
            .attr("id", Attribute::string().computed().use_state_for_unknown().description("The record's ID."))
            .attr(
                "domain_id",
                Attribute::number()
                    .required()
                    .requires_replace()
                    .description("The ID of the domain the record belongs to. Changing it replaces the record."),
            )
            .attr(
                "name",
                Attribute::string()
                    .optional()
                    .computed()
                    .validate(validators::length_between(0, 100))
                    .description(
                        "The record's name: relative (`www`), fully qualified (`www.example.com`) or empty for the \
                         zone apex. For SRV records Linode generates it from `service` and `protocol`.",
                    ),
            )
            .attr(
                "record_type",
                Attribute::string()
                    .required()
                    .requires_replace()
                    .validate(record_type_validator())
                    .description(
                        "The record type: A, AAAA, NS, MX, CNAME, TXT, SRV, PTR or CAA. Changing it replaces the record.",
                    ),
            )
            .attr(
                "ttl_sec",
                number(
                    "The record's TTL in seconds. Linode rounds it to a valid value (300, 3600, 7200, ...); a declared \
                     value that rounds to the stored one plans no change. 0 or unset uses the domain's default.",
                    2_419_200.0,
                ),
            )
            .attr(
                "target",
                Attribute::string().required().validate(validators::length_between(0, 65535)).description(
                    "The record's target: an IPv4 address (A), IPv6 address (AAAA), hostname (CNAME, MX, NS, PTR, \
                     SRV), text (TXT) or CAA value.",
                ),
            )
            .attr("priority", number("The priority of the target host (MX, SRV), 0-255.", 255.0))
            .attr(
                "protocol",
                Attribute::string().optional().description("The protocol of the service (SRV), e.g. `tcp`."),
            )
            .attr(
                "service",
                Attribute::string().optional().description("The name of the service (SRV), e.g. `sip`."),
            )
            .attr(
                "tag",
                Attribute::string()
                    .optional()
                    .validate(validators::one_of(&["issue", "issuewild", "iodef"]))
                    .description("The CAA tag: issue, issuewild or iodef (CAA records only)."),
            )
            .attr("port", number("The port the service listens on (SRV), 0-65535.", 65535.0))
            .attr("weight", number("The relative weight among targets of equal priority (SRV), 0-65535.", 65535.0))
    }

    async fn validate(&self, req: &ValidateRequest, diags: &mut Diagnostics) {
        check_record(&req.config, diags);
    }

    async fn create(&self, req: CreateRequest, resp: &mut ApplyResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(st), Some(plan)) = (common::state(&req.ctx, diags), req.plan_as::<RecordModel>(diags)) else {
            return;
        };
        let Some(domain_id) = plan.domain_id.get().and_then(|d| u64::try_from(*d).ok()) else {
            diags.error_at("domain_id", "Invalid domain_id", "domain_id must be a positive number.");
            return;
        };
        let body = CreateDomainRecord {
            record_type: RecordType::from(plan.record_type.get().map(String::as_str).unwrap_or_default()),
            name: plan.name.get().cloned(),
            target: plan.target.get().cloned(),
            priority: u32_of(&plan.priority),
            weight: u32_of(&plan.weight),
            port: u32_of(&plan.port),
            service: plan.service.get().cloned(),
            protocol: plan.protocol.get().cloned(),
            ttl_sec: u32_of(&plan.ttl_sec),
            tag: plan.tag.get().cloned(),
        };
        let domains = st.client.domains();
        let find = || async {
            let records: Vec<DomainRecord> =
                domains.list_all_records(domain_id, ListParams::new().page_size(500)).try_collect().await?;
            Ok(records.into_iter().filter(|r| same_record(r, &body)).collect())
        };
        let ownership = common::Ownership::Created(|r: &DomainRecord| Some(r.created.as_str()));
        let create = || domains.create_record(domain_id, &body);
        let result = common::create_once(&req.ctx, &st.client, "domain record", ownership, create, find).await;
        st.domain_records.invalidate(&domain_id.to_string());
        match result {
            Ok(r) => {
                let zone = remember_zone(st, &mut resp.private, &plan, domain_id).await;
                let mut model = RecordModel::from_api(&plan, domain_id, &r, zone.as_deref());
                // The declared name is what the API was asked for: keep it (reads compare it with
                // the zone when it is an FQDN).
                if plan.name.is_known() {
                    model.name = plan.name.clone();
                }
                resp.set_state(&model);
            }
            Err(e) => common::api_error(diags, "Unable to create the domain record", &e, field_to_attr),
        }
    }

    async fn read(&self, req: ReadRequest, resp: &mut ReadResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(st), Some(prior)) = (common::state(&req.ctx, diags), req.state_as::<RecordModel>(diags)) else {
            return;
        };
        let Some((domain_id, id)) = ids(&prior, diags) else { return };
        let records = match cached_records(st, domain_id).await {
            Ok(records) => records,
            Err(e) if e.is_not_found() => {
                resp.remove(); // the domain is gone, and its records with it
                return;
            }
            Err(e) => {
                common::api_error_plain(diags, &format!("Unable to list the records of domain {domain_id}"), &e);
                return;
            }
        };
        let Some(r) = records.iter().find(|r| r.id == id) else {
            resp.remove();
            return;
        };
        let zone = if prior.name_needs_zone(r) { zone_of(st, &mut resp.private, domain_id).await } else { None };
        resp.set_state(&RecordModel::from_api(&prior, domain_id, r, zone.as_deref()));
    }

    async fn update(&self, req: UpdateRequest, resp: &mut ApplyResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(st), Some(plan), Some(prior)) = (
            common::state(&req.ctx, diags),
            req.plan_as::<RecordModel>(diags),
            req.state_as::<RecordModel>(diags),
        ) else {
            return;
        };
        let Some((domain_id, id)) = ids(&prior, diags) else { return };
        let srv_part = |v: &Val<String>| match v {
            Val::Known(s) => Nullable::Value(s.clone()),
            _ => Nullable::Keep,
        };
        let body = UpdateDomainRecord {
            name: plan.name.get().filter(|_| plan.name != prior.name).cloned(),
            target: plan.target.get().cloned(),
            priority: Some(u32_of(&plan.priority).unwrap_or(0)),
            weight: Some(u32_of(&plan.weight).unwrap_or(0)),
            port: Some(u32_of(&plan.port).unwrap_or(0)),
            service: srv_part(&plan.service),
            protocol: srv_part(&plan.protocol),
            ttl_sec: Some(u32_of(&plan.ttl_sec).unwrap_or(0)),
            tag: plan.tag.get().cloned(),
        };
        let result = st.client.domains().update_record(domain_id, id, &body).await;
        st.domain_records.invalidate(&domain_id.to_string());
        match result {
            Ok(r) => {
                resp.private.remove("zone"); // the domain may have been renamed
                let zone = remember_zone(st, &mut resp.private, &plan, domain_id).await;
                let mut model = RecordModel::from_api(&plan, domain_id, &r, zone.as_deref());
                if plan.name.is_known() {
                    model.name = plan.name.clone();
                }
                resp.set_state(&model);
            }
            Err(e) => common::api_error(diags, &format!("Unable to update domain record {id}"), &e, field_to_attr),
        }
    }

    async fn delete(&self, req: DeleteRequest, diags: &mut Diagnostics) {
        let (Some(st), Some(prior)) = (common::state(&req.ctx, diags), req.state_as::<RecordModel>(diags)) else {
            return;
        };
        let Some((domain_id, id)) = ids(&prior, diags) else { return };
        match st.client.domains().delete_record(domain_id, id).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => common::api_error_plain(diags, &format!("Unable to delete domain record {id}"), &e),
        }
        st.domain_records.invalidate(&domain_id.to_string());
    }

    async fn import(&self, req: ImportRequest, resp: &mut ImportResponse) {
        let Some([domain_id, id]) = common::parse_import_ids::<2>(&req.id, "<domain_id>,<id>", &mut resp.diagnostics)
        else {
            return;
        };
        resp.set_attr("domain_id", domain_id);
        resp.set_attr("id", id.to_string());
    }
}

/// Whether `r` is the record `body` asked for (used to adopt a create that was applied although
/// the API answered with an error). Names and targets are compared as DNS compares them.
fn same_record(r: &DomainRecord, body: &CreateDomainRecord) -> bool {
    let norm = |s: &str| s.trim_end_matches('.').to_ascii_lowercase();
    r.record_type == body.record_type
        && norm(&r.target) == norm(body.target.as_deref().unwrap_or_default())
        && match body.name.as_deref() {
            Some(name) if body.record_type != RecordType::Srv => {
                let (have, want) = (norm(&r.name), norm(name));
                have == want || want.starts_with(&format!("{have}."))
            }
            _ => true,
        }
}
