//! `linode_domain_record`: one DNS record of a domain.
//!
//! Refresh scales: every read lists the domain's records once per provider process through the
//! paginated API (500 per page) and serves all reads of that domain from the listing, so a plan
//! over 500 records costs one or two API calls instead of 500. Names given as FQDNs, generated
//! SRV names, trailing dots, SRV parts without Linode's underscore and rounded TTLs are declared
//! semantic equalities (see [`rules`](super::rules)), so they never show as changes.

use futures::TryStreamExt;
use linode_sdk::models::Nullable;
use linode_sdk::models::domains::{
    CreateDomainRecord, DomainRecord, RecordType, UpdateDomainRecord,
};
use linode_sdk::{Client, ListParams};
use serde::{Deserialize, Serialize};
use tfplugin::resource::{
    ImportRequest, ImportResponse, UpgradeStateRequest, UpgradeStateResponse,
};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{Applied, Create, Read, Refreshed, TypedResource, Update};
use tfplugin::{Diagnostics, Val, async_trait, equality, validators};

use super::rules::{
    self, record_name_equality, record_ttl_equality, srv_part_equality, target_equality,
    zero_is_unset,
};
use crate::{LinodeState, common};

/// The resource.
pub(crate) struct DomainRecordResource;

/// State and plan of `linode_domain_record`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub(crate) struct RecordModel {
    id: Val<String>,
    domain_id: Val<i64>,
    name: Val<String>,
    record_type: Val<RecordType>,
    ttl_sec: Val<i64>,
    target: Val<String>,
    priority: Val<i64>,
    protocol: Val<String>,
    service: Val<String>,
    tag: Val<String>,
    port: Val<i64>,
    weight: Val<i64>,
}

/// Every record of a domain, listed through the paginated API at 500 per page.
pub(crate) async fn list_records(
    client: &Client,
    domain_id: u64,
) -> Result<Vec<DomainRecord>, linode_sdk::Error> {
    client
        .domains()
        .list_all_records(domain_id, ListParams::new().page_size(500))
        .try_collect()
        .await
}

/// The records of `domain_id` from the per-process listing cache.
pub(crate) async fn cached_records(
    st: &LinodeState,
    domain_id: u64,
) -> Result<std::sync::Arc<Vec<DomainRecord>>, linode_sdk::Error> {
    let client = st.client.clone();
    st.domain_records
        .get_or_list(&domain_id.to_string(), || async move {
            list_records(&client, domain_id).await
        })
        .await
}

impl RecordModel {
    /// The state for what the API answered.
    fn from_api(domain_id: u64, r: &DomainRecord) -> RecordModel {
        RecordModel {
            id: Val::Known(r.id.to_string()),
            domain_id: Val::Known(domain_id as i64),
            name: Val::Known(r.name.clone()),
            record_type: Val::Known(r.record_type.clone()),
            ttl_sec: Val::Known(r.ttl_sec.into()),
            target: Val::Known(r.target.clone()),
            priority: Val::Known(r.priority.into()),
            protocol: r.protocol.clone().into(),
            service: r.service.clone().into(),
            tag: r.tag.clone().into(),
            port: Val::Known(r.port.into()),
            weight: Val::Known(r.weight.into()),
        }
    }

    /// The domain id and record id of a state.
    fn ids(&self, diags: &mut Diagnostics) -> Option<(u64, u64)> {
        let domain_id = self.domain_id(diags)?;
        let id = common::parse_id(self.id.get().map_or("", String::as_str), "id", diags)?;
        Some((domain_id, id))
    }

    fn domain_id(&self, diags: &mut Diagnostics) -> Option<u64> {
        let id = self.domain_id.get().and_then(|d| u64::try_from(*d).ok());
        if id.is_none() {
            diags.error_at(
                "domain_id",
                "Invalid domain_id",
                "domain_id must be a positive number.",
            );
        }
        id
    }
}

/// A number the API takes as `u32` (the validators keep values in range).
fn u32_of(v: &Val<i64>) -> Option<u32> {
    v.get().and_then(|n| u32::try_from(*n).ok())
}

/// The plan-time checks that depend on the record type (values not yet known are skipped).
pub(crate) fn check_record(config: &RecordModel, diags: &mut Diagnostics) {
    let Some(rtype) = config.record_type.get() else {
        return;
    };
    if let Some(t) = config.target.get() {
        let problem = match rtype {
            RecordType::A if !rules::valid_ipv4(t) => Some(format!(
                "an A record's target must be an IPv4 address, not {t:?}"
            )),
            RecordType::Aaaa if !rules::valid_ipv6(t) => Some(format!(
                "an AAAA record's target must be an IPv6 address, not {t:?}"
            )),
            RecordType::Cname | RecordType::Ns | RecordType::Ptr if !rules::valid_hostname(t) => {
                Some(format!(
                    "a {rtype} record's target must be a hostname, not {t:?}"
                ))
            }
            RecordType::Mx if !t.is_empty() && !rules::valid_hostname(t) => Some(format!(
                "an MX record's target must be a hostname, not {t:?}"
            )),
            RecordType::Srv if !rules::valid_hostname(t) => Some(format!(
                "an SRV record's target must be a hostname, not {t:?}"
            )),
            _ => None,
        };
        if let Some(detail) = problem {
            diags.error_at("target", "Invalid record target", detail);
        }
    }
    match rtype {
        RecordType::Srv => {
            let set = [
                ("service", !config.service.is_null()),
                ("protocol", !config.protocol.is_null()),
                ("port", !config.port.is_null()),
                ("priority", !config.priority.is_null()),
                ("weight", !config.weight.is_null()),
            ];
            for (attr, _) in set.iter().filter(|(_, set)| !set) {
                diags.error_at(
                    *attr,
                    format!("Missing {attr}"),
                    format!("{attr} is required for SRV records (service, protocol, port, priority and weight)."),
                );
            }
        }
        RecordType::Caa if config.tag.is_null() => {
            diags.error_at(
                "tag",
                "Missing tag",
                "tag is required for CAA records: issue, issuewild or iodef.",
            );
        }
        RecordType::Cname if config.name.get().is_some_and(String::is_empty) => {
            diags.error_at(
                "name",
                "Invalid name",
                "a CNAME record needs a name (it cannot be the zone apex).",
            );
        }
        _ => {}
    }
}

/// The attributes whose zero value linode/linode (SDKv2, schema version 0) stored because they
/// were configured, for a record of type `record_type`: SRV records need their priority,
/// protocol, service, weight and port, and CAA records their tag. The other unset values it
/// stored as `""` or `0` become null.
fn sdkv2_configured(record_type: Option<&str>) -> &'static [&'static str] {
    match record_type {
        Some("SRV") => &["priority", "protocol", "service", "port", "weight"],
        Some("CAA") => &["tag"],
        _ => &[],
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

#[async_trait]
impl TypedResource for DomainRecordResource {
    type Model = RecordModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_domain_record"
    }

    fn schema(&self) -> Schema {
        let number = |text: &str, max: f64| {
            Attribute::number()
                .optional()
                .validate(validators::between(0.0, max))
                .semantic_equality(zero_is_unset())
                .description(text)
        };
        Schema::new()
            .version(1)
            .description(
                "A DNS record of a Linode domain. Import with `terraform import linode_domain_record.x <domain_id>,<id>`. \
                 Names given as FQDNs (`www.example.com`), generated SRV names, trailing dots and rounded TTLs \
                 never show as changes. State written by linode/linode is upgraded (unset values it stores as \"\" \
                 or 0 become null).",
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
                    .semantic_equality(record_name_equality())
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
                    .one_of(RecordType::VALUES)
                    .api_name("type")
                    .description(
                        "The record type: A, AAAA, NS, MX, CNAME, TXT, SRV, PTR or CAA. Changing it replaces the record.",
                    ),
            )
            .attr(
                "ttl_sec",
                super::domain::seconds_attribute()
                    .semantic_equality(record_ttl_equality())
                    .description(
                        "The record's TTL in seconds. Linode rounds it to a valid value (300, 3600, 7200, ... 2419200; a \
                         larger value becomes 2419200); a declared value that rounds to the stored one plans no \
                         change. 0 or unset uses the domain's default.",
                    ),
            )
            .attr(
                "target",
                Attribute::string()
                    .required()
                    .validate(validators::length_between(0, 65535))
                    .semantic_equality(target_equality())
                    .description(
                        "The record's target: an IPv4 address (A), IPv6 address (AAAA), hostname (CNAME, MX, NS, PTR, \
                         SRV), text (TXT) or CAA value. A trailing dot, or a hostname that Linode completes with the \
                         domain (`mail` for `mail.example.com`), plans no change.",
                    ),
            )
            .attr("priority", number("The priority of the target host (MX, SRV), 0-255.", 255.0))
            .attr(
                "protocol",
                Attribute::string()
                    .optional()
                    .semantic_equality(srv_part_equality())
                    .description("The protocol of the service (SRV), e.g. `tcp`."),
            )
            .attr(
                "service",
                Attribute::string()
                    .optional()
                    .semantic_equality(srv_part_equality())
                    .description("The name of the service (SRV), e.g. `sip`."),
            )
            .attr(
                "tag",
                Attribute::string()
                    .optional()
                    .one_of(&["issue", "issuewild", "iodef"])
                    .semantic_equality(equality::null_is_empty())
                    .description("The CAA tag: issue, issuewild or iodef (CAA records only)."),
            )
            .attr("port", number("The port the service listens on (SRV), 0-65535.", 65535.0))
            .attr("weight", number("The relative weight among targets of equal priority (SRV), 0-65535.", 65535.0))
    }

    async fn validate(&self, config: &RecordModel, diags: &mut Diagnostics) {
        check_record(config, diags);
    }

    async fn create(
        &self,
        req: Create<'_, RecordModel, LinodeState>,
        resp: &mut Applied<RecordModel>,
    ) {
        let (state, plan) = (req.data, req.plan);
        let Some(domain_id) = plan.domain_id(&mut resp.diagnostics) else {
            return;
        };
        let body = CreateDomainRecord {
            record_type: plan.record_type.get().cloned().unwrap_or(RecordType::A),
            name: plan.name.get().cloned(),
            target: plan.target.get().cloned(),
            priority: u32_of(&plan.priority),
            weight: u32_of(&plan.weight),
            port: u32_of(&plan.port),
            service: plan.service.get().cloned(),
            protocol: plan.protocol.get().cloned(),
            ttl_sec: super::domain::seconds(&plan.ttl_sec),
            tag: plan.tag.get().cloned(),
        };
        let domains = state.client.domains();
        let find = || async {
            let records = list_records(&state.client, domain_id).await?;
            Ok(records
                .into_iter()
                .filter(|r| same_record(r, &body))
                .collect())
        };
        let ownership = common::Ownership::Created(|r: &DomainRecord| Some(r.created.as_str()));
        let create = || domains.create_record(domain_id, &body);
        let result = common::create_once(
            req.op.ctx,
            &state.client,
            "domain record",
            ownership,
            create,
            find,
        )
        .await;
        state.domain_records.invalidate(&domain_id.to_string());
        match result {
            Ok(r) => resp.set(RecordModel::from_api(domain_id, &r)),
            Err(e) => {
                common::api_error(
                    &mut resp.diagnostics,
                    "Unable to create the domain record",
                    &e,
                    |f| req.op.field_path(f),
                );
            }
        }
    }

    async fn read(
        &self,
        req: Read<'_, RecordModel, LinodeState>,
        resp: &mut Refreshed<RecordModel>,
    ) {
        let state = req.data;
        let Some((domain_id, id)) = req.state.ids(&mut resp.diagnostics) else {
            return;
        };
        let records = match cached_records(state, domain_id).await {
            Ok(records) => records,
            Err(e) if e.is_not_found() => return resp.remove(), // the domain is gone, and its records with it
            Err(e) => {
                let action = format!("Unable to list the records of domain {domain_id}");
                return common::api_error_plain(&mut resp.diagnostics, &action, &e);
            }
        };
        match records.iter().find(|r| r.id == id) {
            Some(r) => resp.set(RecordModel::from_api(domain_id, r)),
            None => resp.remove(),
        }
    }

    async fn update(
        &self,
        req: Update<'_, RecordModel, LinodeState>,
        resp: &mut Applied<RecordModel>,
    ) {
        let (state, plan, prior) = (req.data, req.plan, req.prior);
        let Some((domain_id, id)) = prior.ids(&mut resp.diagnostics) else {
            return;
        };
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
            ttl_sec: Some(super::domain::seconds(&plan.ttl_sec).unwrap_or(0)),
            tag: plan.tag.get().cloned(),
        };
        let result = state
            .client
            .domains()
            .update_record(domain_id, id, &body)
            .await;
        state.domain_records.invalidate(&domain_id.to_string());
        match result {
            Ok(r) => resp.set(RecordModel::from_api(domain_id, &r)),
            Err(e) => common::api_error(
                &mut resp.diagnostics,
                &format!("Unable to update domain record {id}"),
                &e,
                |f| req.op.field_path(f),
            ),
        }
    }

    async fn delete(&self, req: Read<'_, RecordModel, LinodeState>, diags: &mut Diagnostics) {
        let state = req.data;
        let Some((domain_id, id)) = req.state.ids(diags) else {
            return;
        };
        match state.client.domains().delete_record(domain_id, id).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => {
                common::api_error_plain(diags, &format!("Unable to delete domain record {id}"), &e)
            }
        }
        state.domain_records.invalidate(&domain_id.to_string());
    }

    async fn import(&self, _state: &LinodeState, req: ImportRequest, resp: &mut ImportResponse) {
        let Some([domain_id, id]) =
            common::parse_import_ids::<2>(&req.id, "<domain_id>,<id>", &mut resp.diagnostics)
        else {
            return;
        };
        resp.set_attr("domain_id", domain_id);
        resp.set_attr("id", id.to_string());
    }

    /// Version 0 is linode/linode's SDKv2 state (and this provider's before it declared
    /// version 1): unset values stored as `""` or `0` become null.
    async fn upgrade_state(&self, req: UpgradeStateRequest, resp: &mut UpgradeStateResponse) {
        let mut json = req.json;
        let record_type = json.get("record_type").and_then(serde_json::Value::as_str).map(str::to_string);
        let kept = sdkv2_configured(record_type.as_deref());
        tfplugin::upgrade::sdkv2_zero_values_to_null_except(&self.schema(), &mut json, kept);
        resp.set_json(&json);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_fields_map_to_attributes() {
        let schema = DomainRecordResource.schema();
        assert_eq!(
            schema
                .path_for_api_field("type")
                .map(|p| p.to_string())
                .as_deref(),
            Some("record_type")
        );
        assert_eq!(
            schema
                .path_for_api_field("target")
                .map(|p| p.to_string())
                .as_deref(),
            Some("target")
        );
    }

    #[test]
    fn srv_and_caa_keep_what_they_require() {
        let schema = DomainRecordResource.schema();
        let upgraded = |mut json: serde_json::Value| {
            let kept = sdkv2_configured(json["record_type"].as_str());
            tfplugin::upgrade::sdkv2_zero_values_to_null_except(&schema, &mut json, kept);
            json
        };
        let zeros = |record_type: &str| {
            serde_json::json!({"record_type": record_type, "ttl_sec": 0, "priority": 0, "weight": 0, "tag": ""})
        };
        let srv = upgraded(zeros("SRV"));
        assert_eq!((&srv["weight"], &srv["priority"], &srv["ttl_sec"]), (&serde_json::json!(0), &serde_json::json!(0), &serde_json::Value::Null));
        let caa = upgraded(zeros("CAA"));
        assert_eq!((&caa["tag"], &caa["priority"]), (&serde_json::json!(""), &serde_json::Value::Null));
        assert_eq!(upgraded(zeros("A"))["priority"], serde_json::Value::Null);
        assert_eq!(
            RecordType::VALUES,
            ["A", "AAAA", "NS", "MX", "CNAME", "TXT", "SRV", "PTR", "CAA"]
        );
    }
}
