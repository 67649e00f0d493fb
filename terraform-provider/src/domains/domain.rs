//! `linode_domain`: a DNS zone managed by Linode's DNS Manager.

use linode_sdk::models::domains::{CreateDomain, Domain, DomainStatus, DomainType, UpdateDomain};
use serde::{Deserialize, Serialize};
use tfplugin::resource::{
    ApplyResponse, CreateRequest, DeleteRequest, ImportRequest, ImportResponse, ReadRequest, ReadResponse,
    UpdateRequest, ValidateRequest,
};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::{Diagnostics, Resource, Type, Val, Value, async_trait, validators};

use super::rules::{self, keep_number, keep_set, keep_string, same_tag, soa_equivalent};
use crate::common;

/// The resource.
pub struct DomainResource;

/// State and plan of `linode_domain`.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(crate) struct DomainModel {
    pub id: Val<String>,
    pub domain: Val<String>,
    #[serde(rename = "type")]
    pub domain_type: Val<String>,
    pub group: Val<String>,
    pub status: Val<String>,
    pub description: Val<String>,
    pub master_ips: Val<Vec<String>>,
    pub axfr_ips: Val<Vec<String>>,
    pub ttl_sec: Val<i64>,
    pub retry_sec: Val<i64>,
    pub expire_sec: Val<i64>,
    pub refresh_sec: Val<i64>,
    pub soa_email: Val<String>,
    pub tags: Val<Vec<String>>,
}

/// The validator of domain names (the API's pattern).
pub(crate) fn domain_name_validator() -> impl validators::Validator {
    validators::from_fn("must be a valid domain name, e.g. example.com", |v| match v.as_str() {
        Some(name) if !rules::valid_domain(name) => {
            Err(format!("{name:?} is not a valid domain name (expected something like example.com)"))
        }
        _ => Ok(()),
    })
}

fn soa_timing(what: &str) -> Attribute {
    Attribute::number().optional().validate(validators::between(0.0, 2_419_200.0)).description(format!(
        "{what}, in seconds. Linode rounds the value up to the next of 30, 120, 300, 3600, 7200, 14400, 28800, \
         57600, 86400, 172800, 345600, 604800, 1209600 and 2419200; a declared value that rounds to the stored \
         one plans no change. 0 means the default."
    ))
}

impl DomainModel {
    /// The state for `d`, keeping declared forms (`prior`) the API stores differently but
    /// equivalently (rounded timings, case, empty vs unset).
    pub(crate) fn from_api(prior: &DomainModel, d: &Domain) -> DomainModel {
        let ci = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        let exact = |a: &str, b: &str| a == b;
        DomainModel {
            id: Val::Known(d.id.to_string()),
            domain: keep_string(&prior.domain, Some(&d.domain), ci),
            domain_type: Val::Known(d.domain_type.as_str().to_string()),
            group: keep_string(&prior.group, Some(&d.group), exact),
            status: Val::Known(d.status.as_str().to_string()),
            description: keep_string(&prior.description, Some(&d.description), exact),
            master_ips: keep_set(&prior.master_ips, &d.master_ips, exact),
            axfr_ips: keep_set(&prior.axfr_ips, &d.axfr_ips, exact),
            ttl_sec: keep_number(&prior.ttl_sec, i64::from(d.ttl_sec), soa_equivalent),
            retry_sec: keep_number(&prior.retry_sec, i64::from(d.retry_sec), soa_equivalent),
            expire_sec: keep_number(&prior.expire_sec, i64::from(d.expire_sec), soa_equivalent),
            refresh_sec: keep_number(&prior.refresh_sec, i64::from(d.refresh_sec), soa_equivalent),
            soa_email: keep_string(&prior.soa_email, Some(&d.soa_email), ci),
            tags: match &prior.tags {
                Val::Known(p) if rules::same_elements(p, &d.tags, &same_tag) => Val::Known(p.clone()),
                _ => Val::Known(d.tags.clone()),
            },
        }
    }
}

fn u32_of(v: &Val<i64>) -> Option<u32> {
    v.get().and_then(|n| u32::try_from(*n).ok())
}

fn domain_id(id: &Val<String>, diags: &mut Diagnostics) -> Option<u64> {
    common::parse_id(id.get().map(String::as_str).unwrap_or_default(), "id", diags)
}

#[async_trait]
impl Resource for DomainResource {
    fn type_name(&self) -> &str {
        "linode_domain"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .description(
                "A domain (DNS zone) in Linode's DNS Manager. Import with `terraform import linode_domain.x <id>`.",
            )
            .attr("id", Attribute::string().computed().use_state_for_unknown().description("The domain's ID."))
            .attr(
                "domain",
                Attribute::string()
                    .required()
                    .validate(domain_name_validator())
                    .description("The domain name, e.g. `example.com`. Changing it renames the zone in place."),
            )
            .attr(
                "type",
                Attribute::string()
                    .required()
                    .requires_replace()
                    .validate(validators::one_of(&["master", "slave"]))
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
                    .description("Deprecated by Linode: a group label for the domain (at most 50 characters)."),
            )
            .attr(
                "status",
                Attribute::string()
                    .optional()
                    .computed()
                    .validate(validators::one_of(&["active", "disabled"]))
                    .description("`active` (served) or `disabled`. Defaults to what Linode chooses (`active`)."),
            )
            .attr(
                "description",
                Attribute::string()
                    .optional()
                    .validate(validators::length_between(0, 253))
                    .description("A description of the domain (at most 253 characters)."),
            )
            .attr(
                "master_ips",
                Attribute::set(Type::String)
                    .optional()
                    .description("The IP addresses of the primary nameservers. Required when `type` is `slave`."),
            )
            .attr(
                "axfr_ips",
                Attribute::set(Type::String)
                    .optional()
                    .description("The IP addresses allowed to transfer the zone (AXFR)."),
            )
            .attr("ttl_sec", soa_timing("The default TTL of the zone's records"))
            .attr("retry_sec", soa_timing("How long secondaries wait before retrying a failed refresh"))
            .attr("expire_sec", soa_timing("How long secondaries keep serving the zone without a refresh"))
            .attr("refresh_sec", soa_timing("How often secondaries refresh the zone"))
            .attr(
                "soa_email",
                Attribute::string()
                    .optional()
                    .description("The Start of Authority email address. Required when `type` is `master`."),
            )
            .attr(
                "tags",
                Attribute::set(Type::String)
                    .optional()
                    .computed()
                    .description("Tags for organizing the domain (compared case-insensitively)."),
            )
    }

    async fn validate(&self, req: &ValidateRequest, diags: &mut Diagnostics) {
        let get = |name: &str| req.config.get(name).cloned().unwrap_or(Value::Null);
        match get("type").as_str() {
            Some("master") if get("soa_email").is_null() => diags.error_at(
                "soa_email",
                "Missing soa_email",
                "soa_email is required for master domains: Linode uses it in the zone's SOA record.",
            ),
            Some("slave") => {
                let ips = get("master_ips");
                if ips.is_null() || ips.as_elements().is_some_and(<[Value]>::is_empty) {
                    diags.error_at(
                        "master_ips",
                        "Missing master_ips",
                        "master_ips needs at least one IP address for slave domains: Linode copies the zone from them.",
                    );
                }
            }
            _ => {}
        }
    }

    async fn create(&self, req: CreateRequest, resp: &mut ApplyResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(st), Some(plan)) = (common::state(&req.ctx, diags), req.plan_as::<DomainModel>(diags)) else {
            return;
        };
        let body = CreateDomain {
            domain: plan.domain.get().cloned().unwrap_or_default(),
            domain_type: DomainType::from(plan.domain_type.get().map(String::as_str).unwrap_or("master")),
            soa_email: plan.soa_email.get().cloned(),
            master_ips: plan.master_ips.get().cloned(),
            axfr_ips: plan.axfr_ips.get().cloned(),
            description: plan.description.get().cloned(),
            status: plan.status.get().map(|s| DomainStatus::from(s.as_str())),
            group: plan.group.get().cloned(),
            ttl_sec: u32_of(&plan.ttl_sec),
            refresh_sec: u32_of(&plan.refresh_sec),
            retry_sec: u32_of(&plan.retry_sec),
            expire_sec: u32_of(&plan.expire_sec),
            tags: plan.tags.get().cloned(),
        };
        let domains = st.client.domains();
        let find = || async {
            let filter = linode_sdk::Filter::new().eq("domain", body.domain.clone());
            let page = domains.list(&linode_sdk::ListParams::new().filter(filter)).await?;
            Ok(page.data.into_iter().filter(|d| d.domain.eq_ignore_ascii_case(&body.domain)).collect())
        };
        let ownership = common::Ownership::Ids(|d: &linode_sdk::models::domains::Domain| d.id); // domains carry no `created`
        match common::create_once(&req.ctx, &st.client, "domain", ownership, || domains.create(&body), find).await {
            Ok(d) => resp.set_state(&DomainModel::from_api(&plan, &d)),
            Err(e) => common::api_error(diags, "Unable to create the domain", &e, common::same_name),
        }
    }

    async fn read(&self, req: ReadRequest, resp: &mut ReadResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(st), Some(prior)) = (common::state(&req.ctx, diags), req.state_as::<DomainModel>(diags)) else {
            return;
        };
        let Some(id) = domain_id(&prior.id, diags) else { return };
        match st.client.domains().get_opt(id).await {
            Ok(Some(d)) => resp.set_state(&DomainModel::from_api(&prior, &d)),
            Ok(None) => {
                st.domain_records.invalidate(&id.to_string());
                resp.remove();
            }
            Err(e) => common::api_error_plain(diags, &format!("Unable to read domain {id}"), &e),
        }
    }

    async fn update(&self, req: UpdateRequest, resp: &mut ApplyResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(st), Some(plan), Some(prior)) = (
            common::state(&req.ctx, diags),
            req.plan_as::<DomainModel>(diags),
            req.state_as::<DomainModel>(diags),
        ) else {
            return;
        };
        let Some(id) = domain_id(&prior.id, diags) else { return };
        // Send what changed; an unset value clears (empty string, empty list, 0 = default).
        let string = |p: &Val<String>, s: &Val<String>| (p != s).then(|| p.get().cloned().unwrap_or_default());
        let list = |p: &Val<Vec<String>>, s: &Val<Vec<String>>| {
            let (pv, sv) = (p.get().cloned().unwrap_or_default(), s.get().cloned().unwrap_or_default());
            (!rules::same_elements(&pv, &sv, &|a: &str, b: &str| a == b)).then_some(pv)
        };
        let number = |p: &Val<i64>, s: &Val<i64>| (p != s).then(|| u32_of(p).unwrap_or(0));
        let body = UpdateDomain {
            domain: string(&plan.domain, &prior.domain),
            domain_type: None,
            soa_email: string(&plan.soa_email, &prior.soa_email),
            master_ips: list(&plan.master_ips, &prior.master_ips),
            axfr_ips: list(&plan.axfr_ips, &prior.axfr_ips),
            description: string(&plan.description, &prior.description),
            status: plan.status.get().filter(|_| plan.status != prior.status).map(|s| DomainStatus::from(s.as_str())),
            group: string(&plan.group, &prior.group),
            ttl_sec: number(&plan.ttl_sec, &prior.ttl_sec),
            refresh_sec: number(&plan.refresh_sec, &prior.refresh_sec),
            retry_sec: number(&plan.retry_sec, &prior.retry_sec),
            expire_sec: number(&plan.expire_sec, &prior.expire_sec),
            tags: plan.tags.get().filter(|_| plan.tags.is_known() && list(&plan.tags, &prior.tags).is_some()).cloned(),
        };
        match st.client.domains().update(id, &body).await {
            Ok(d) => resp.set_state(&DomainModel::from_api(&plan, &d)),
            Err(e) => common::api_error(diags, &format!("Unable to update domain {id}"), &e, common::same_name),
        }
    }

    async fn delete(&self, req: DeleteRequest, diags: &mut Diagnostics) {
        let (Some(st), Some(prior)) = (common::state(&req.ctx, diags), req.state_as::<DomainModel>(diags)) else {
            return;
        };
        let Some(id) = domain_id(&prior.id, diags) else { return };
        match st.client.domains().delete(id).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => common::api_error_plain(diags, &format!("Unable to delete domain {id}"), &e),
        }
        st.domain_records.invalidate(&id.to_string());
    }

    async fn import(&self, req: ImportRequest, resp: &mut ImportResponse) {
        if common::parse_id(&req.id, "id", &mut resp.diagnostics).is_some() {
            resp.set_attr("id", req.id.trim());
        }
    }
}
