//! `linode_domain`: a DNS zone managed by Linode's DNS Manager.

use linode_sdk::models::domains::{CreateDomain, Domain, DomainStatus, DomainType, UpdateDomain};
use serde::{Deserialize, Serialize};
use tfplugin::resource::{
    ImportRequest, ImportResponse, UpgradeStateRequest, UpgradeStateResponse,
};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{Applied, Create, Read, Refreshed, TypedResource, Update};
use tfplugin::{Diagnostics, Type, Val, async_trait, equality, validators};

use super::rules::{self, timing_equality};
use crate::{LinodeState, common};

/// The resource.
pub(crate) struct DomainResource;

/// State and plan of `linode_domain`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub(crate) struct DomainModel {
    id: Val<String>,
    domain: Val<String>,
    #[serde(rename = "type")]
    domain_type: Val<DomainType>,
    group: Val<String>,
    status: Val<DomainStatus>,
    description: Val<String>,
    master_ips: Val<Vec<String>>,
    axfr_ips: Val<Vec<String>>,
    ttl_sec: Val<i64>,
    retry_sec: Val<i64>,
    expire_sec: Val<i64>,
    refresh_sec: Val<i64>,
    soa_email: Val<String>,
    tags: Val<Vec<String>>,
}

/// The validator of domain names (the API's pattern).
pub(crate) fn domain_name_validator() -> impl validators::Validator {
    validators::from_fn(
        "must be a valid domain name, e.g. example.com",
        |v| match v.as_str() {
            Some(name) if !rules::valid_domain(name) => Err(format!(
                "{name:?} is not a valid domain name (expected something like example.com)"
            )),
            _ => Ok(()),
        },
    )
}

/// A number of seconds: optional, any value of 0 or more (the API rounds it to a step).
pub(crate) fn seconds_attribute() -> Attribute {
    Attribute::number()
        .optional()
        .validate(validators::from_fn("must be 0 or more", |v| {
            match v.as_number().and_then(tfplugin::Number::as_i64) {
                Some(n) if n < 0 => Err(format!(
                    "{n} is negative: a number of seconds is 0 (the default) or more."
                )),
                _ => Ok(()),
            }
        }))
}

/// An SOA timing or the zone's TTL, compared as the API stores it.
fn timing(what: &str) -> Attribute {
    seconds_attribute().semantic_equality(timing_equality()).description(format!(
        "{what}, in seconds. Linode rounds the value up to the next of 30, 120, 300, 3600, 7200, 14400, 28800, \
         57600, 86400, 172800, 345600, 604800, 1209600 and 2419200 (a larger value becomes 2419200); a declared \
         value that rounds to the stored one plans no change. 0 or unset means the default."
    ))
}

/// A timing as sent to the API (a value beyond what the API's field holds is sent as the
/// largest, which is what the API stores for it anyway).
pub(crate) fn seconds(v: &Val<i64>) -> Option<u32> {
    v.get()
        .map(|n| u32::try_from((*n).max(0)).unwrap_or(u32::MAX))
}

impl DomainModel {
    /// The state for what the API answered.
    fn from_api(d: &Domain) -> DomainModel {
        DomainModel {
            id: Val::Known(d.id.to_string()),
            domain: Val::Known(d.domain.clone()),
            domain_type: Val::Known(d.domain_type.clone()),
            group: Val::Known(d.group.clone()),
            status: Val::Known(d.status.clone()),
            description: Val::Known(d.description.clone()),
            master_ips: Val::Known(d.master_ips.clone()),
            axfr_ips: Val::Known(d.axfr_ips.clone()),
            ttl_sec: Val::Known(d.ttl_sec.into()),
            retry_sec: Val::Known(d.retry_sec.into()),
            expire_sec: Val::Known(d.expire_sec.into()),
            refresh_sec: Val::Known(d.refresh_sec.into()),
            soa_email: Val::Known(d.soa_email.clone()),
            tags: Val::Known(d.tags.clone()),
        }
    }
}

fn domain_id(m: &DomainModel, diags: &mut Diagnostics) -> Option<u64> {
    common::parse_id(m.id.get().map_or("", String::as_str), "id", diags)
}

#[async_trait]
impl TypedResource for DomainResource {
    type Model = DomainModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_domain"
    }

    fn schema(&self) -> Schema {
        let empty_is_unset = || equality::null_is_empty();
        Schema::new()
            .version(1)
            .description(
                "A domain (DNS zone) in Linode's DNS Manager. Import with `terraform import linode_domain.x <id>`. \
                 State written by linode/linode is upgraded (unset values it stores as \"\", 0 or [] become null).",
            )
            .attr("id", Attribute::string().computed().use_state_for_unknown().description("The domain's ID."))
            .attr(
                "domain",
                Attribute::string()
                    .required()
                    .validate(domain_name_validator())
                    .semantic_equality(equality::case_insensitive())
                    .description("The domain name, e.g. `example.com`. Changing it renames the zone in place."),
            )
            .attr(
                "type",
                Attribute::string()
                    .required()
                    .requires_replace()
                    .one_of(DomainType::VALUES)
                    .description(
                        "`master` (Linode serves the zone) or `slave` (Linode copies it from `master_ips`). \
                         Changing it replaces the domain.",
                    ),
            )
            .attr(
                "group",
                Attribute::string()
                    .optional()
                    .validate(validators::length_between(0, 50))
                    .semantic_equality(empty_is_unset())
                    .description("Deprecated by Linode: a group label for the domain (at most 50 characters)."),
            )
            .attr(
                "status",
                Attribute::string()
                    .optional()
                    .computed()
                    .one_of(&[DomainStatus::Active.as_str(), DomainStatus::Disabled.as_str()])
                    .description("`active` (served) or `disabled`. Defaults to what Linode chooses (`active`)."),
            )
            .attr(
                "description",
                Attribute::string()
                    .optional()
                    .validate(validators::length_between(0, 253))
                    .semantic_equality(empty_is_unset())
                    .description("A description of the domain (at most 253 characters)."),
            )
            .attr(
                "master_ips",
                Attribute::set(Type::String)
                    .optional()
                    .semantic_equality(empty_is_unset())
                    .description("The IP addresses of the primary nameservers. Required when `type` is `slave`."),
            )
            .attr(
                "axfr_ips",
                Attribute::set(Type::String)
                    .optional()
                    .semantic_equality(empty_is_unset())
                    .description("The IP addresses allowed to transfer the zone (AXFR)."),
            )
            .attr("ttl_sec", timing("The default TTL of the zone's records"))
            .attr("retry_sec", timing("How long secondaries wait before retrying a failed refresh"))
            .attr("expire_sec", timing("How long secondaries keep serving the zone without a refresh"))
            .attr("refresh_sec", timing("How often secondaries refresh the zone"))
            .attr(
                "soa_email",
                Attribute::string()
                    .optional()
                    .semantic_equality(equality::either(empty_is_unset(), equality::case_insensitive()))
                    .description("The Start of Authority email address. Required when `type` is `master`."),
            )
            .attr(
                "tags",
                Attribute::set(Type::String)
                    .optional()
                    .computed()
                    .semantic_equality(equality::case_insensitive())
                    .description("Tags for organizing the domain (compared ignoring case)."),
            )
    }

    async fn validate(&self, config: &DomainModel, diags: &mut Diagnostics) {
        match config.domain_type.get() {
            Some(DomainType::Master) if config.soa_email.is_null() => diags.error_at(
                "soa_email",
                "Missing soa_email",
                "soa_email is required for master domains: Linode uses it in the zone's SOA record.",
            ),
            Some(DomainType::Slave) if config.master_ips.get().is_some_and(Vec::is_empty) || config.master_ips.is_null() => {
                diags.error_at(
                    "master_ips",
                    "Missing master_ips",
                    "master_ips needs at least one IP address for slave domains: Linode copies the zone from them.",
                );
            }
            _ => {}
        }
    }

    async fn create(
        &self,
        req: Create<'_, DomainModel, LinodeState>,
        resp: &mut Applied<DomainModel>,
    ) {
        let (state, plan) = (req.data, req.plan);
        let body = CreateDomain {
            domain: plan.domain.get().cloned().unwrap_or_default(),
            domain_type: plan
                .domain_type
                .get()
                .cloned()
                .unwrap_or(DomainType::Master),
            soa_email: plan.soa_email.get().cloned(),
            master_ips: plan.master_ips.get().cloned(),
            axfr_ips: plan.axfr_ips.get().cloned(),
            description: plan.description.get().cloned(),
            status: plan.status.get().cloned(),
            group: plan.group.get().cloned(),
            ttl_sec: seconds(&plan.ttl_sec),
            refresh_sec: seconds(&plan.refresh_sec),
            retry_sec: seconds(&plan.retry_sec),
            expire_sec: seconds(&plan.expire_sec),
            tags: plan.tags.get().cloned(),
        };
        let domains = state.client.domains();
        // Domain names are unique: after an ambiguous failure, look for it by name.
        let find = || async {
            let filter = linode_sdk::Filter::new().eq("domain", body.domain.to_ascii_lowercase());
            let page = domains
                .list(&linode_sdk::ListParams::new().filter(filter))
                .await?;
            Ok(page
                .data
                .into_iter()
                .filter(|d| d.domain.eq_ignore_ascii_case(&body.domain))
                .collect())
        };
        let ownership = common::Ownership::Ids(|d: &Domain| d.id); // domains carry no `created`
        match common::create_once(
            req.op.ctx,
            &state.client,
            "domain",
            ownership,
            || domains.create(&body),
            find,
        )
        .await
        {
            Ok(d) => resp.set(DomainModel::from_api(&d)),
            Err(e) => common::api_error(
                &mut resp.diagnostics,
                "Unable to create the domain",
                &e,
                |f| req.op.field_path(f),
            ),
        }
    }

    async fn read(
        &self,
        req: Read<'_, DomainModel, LinodeState>,
        resp: &mut Refreshed<DomainModel>,
    ) {
        let state = req.data;
        let Some(id) = domain_id(&req.state, &mut resp.diagnostics) else {
            return;
        };
        match state.client.domains().get_opt(id).await {
            Ok(Some(d)) => resp.set(DomainModel::from_api(&d)),
            Ok(None) => {
                state.domain_records.invalidate(&id.to_string());
                resp.remove();
            }
            Err(e) => common::api_error_plain(
                &mut resp.diagnostics,
                &format!("Unable to read domain {id}"),
                &e,
            ),
        }
    }

    async fn update(
        &self,
        req: Update<'_, DomainModel, LinodeState>,
        resp: &mut Applied<DomainModel>,
    ) {
        let (state, plan, prior) = (req.data, req.plan, req.prior);
        let Some(id) = domain_id(&prior, &mut resp.diagnostics) else {
            return;
        };
        // Send what changed; an unset value clears (empty string, empty list, 0 = the default).
        let string = |p: &Val<String>, s: &Val<String>| {
            (p != s).then(|| p.get().cloned().unwrap_or_default())
        };
        let list = |p: &Val<Vec<String>>, s: &Val<Vec<String>>| {
            let sorted = |v: &Val<Vec<String>>| {
                let mut v = v.get().cloned().unwrap_or_default();
                v.sort();
                v
            };
            (sorted(p) != sorted(s)).then(|| p.get().cloned().unwrap_or_default())
        };
        let number = |p: &Val<i64>, s: &Val<i64>| (p != s).then(|| seconds(p).unwrap_or(0));
        let body = UpdateDomain {
            domain: string(&plan.domain, &prior.domain),
            domain_type: None,
            soa_email: string(&plan.soa_email, &prior.soa_email),
            master_ips: list(&plan.master_ips, &prior.master_ips),
            axfr_ips: list(&plan.axfr_ips, &prior.axfr_ips),
            description: string(&plan.description, &prior.description),
            status: plan
                .status
                .get()
                .filter(|_| plan.status != prior.status)
                .cloned(),
            group: string(&plan.group, &prior.group),
            ttl_sec: number(&plan.ttl_sec, &prior.ttl_sec),
            refresh_sec: number(&plan.refresh_sec, &prior.refresh_sec),
            retry_sec: number(&plan.retry_sec, &prior.retry_sec),
            expire_sec: number(&plan.expire_sec, &prior.expire_sec),
            tags: if plan.tags.is_known() {
                list(&plan.tags, &prior.tags)
            } else {
                None
            },
        };
        match state.client.domains().update(id, &body).await {
            Ok(d) => resp.set(DomainModel::from_api(&d)),
            Err(e) => common::api_error(
                &mut resp.diagnostics,
                &format!("Unable to update domain {id}"),
                &e,
                |f| req.op.field_path(f),
            ),
        }
    }

    async fn delete(&self, req: Read<'_, DomainModel, LinodeState>, diags: &mut Diagnostics) {
        let state = req.data;
        let Some(id) = domain_id(&req.state, diags) else {
            return;
        };
        match state.client.domains().delete(id).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => common::api_error_plain(diags, &format!("Unable to delete domain {id}"), &e),
        }
        state.domain_records.invalidate(&id.to_string());
    }

    async fn import(&self, _state: &LinodeState, req: ImportRequest, resp: &mut ImportResponse) {
        if common::parse_id(&req.id, "id", &mut resp.diagnostics).is_some() {
            resp.set_attr("id", req.id.trim());
        }
    }

    /// Version 0 is linode/linode's SDKv2 state (and this provider's before it declared
    /// version 1): unset values stored as `""`, `0` or `[]` become null.
    async fn upgrade_state(&self, req: UpgradeStateRequest, resp: &mut UpgradeStateResponse) {
        let mut json = req.json;
        tfplugin::upgrade::sdkv2_zero_values_to_null(&self.schema(), &mut json);
        resp.set_json(&json);
    }
}

