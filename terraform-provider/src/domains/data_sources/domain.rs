//! `data "linode_domain"`: a domain looked up by ID or by name.

use linode_sdk::models::domains::Domain;
use linode_sdk::{Filter, ListParams};
use serde::{Deserialize, Serialize};
use tfplugin::data_source::{DataSourceReadRequest, DataSourceReadResponse};
use tfplugin::resource::ValidateRequest;
use tfplugin::schema::{Attribute, Schema};
use tfplugin::{DataSource, Diagnostics, Type, Val, async_trait};

use crate::common;

/// The data source.
pub struct DomainDataSource;

#[derive(Serialize, Deserialize, Default)]
struct DomainDataModel {
    id: Val<String>,
    domain: Val<String>,
    #[serde(rename = "type")]
    domain_type: Val<String>,
    group: Val<String>,
    status: Val<String>,
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

impl From<&Domain> for DomainDataModel {
    fn from(d: &Domain) -> Self {
        DomainDataModel {
            id: Val::Known(d.id.to_string()),
            domain: Val::Known(d.domain.clone()),
            domain_type: Val::Known(d.domain_type.as_str().to_string()),
            group: Val::Known(d.group.clone()),
            status: Val::Known(d.status.as_str().to_string()),
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

#[async_trait]
impl DataSource for DomainDataSource {
    fn type_name(&self) -> &str {
        "linode_domain"
    }

    fn schema(&self) -> Schema {
        let computed = |text: &str| Attribute::string().computed().description(text);
        let seconds = |text: &str| Attribute::number().computed().description(text);
        Schema::new()
            .description("A Linode domain, looked up by `id` or by `domain` name.")
            .attr("id", Attribute::string().optional().computed().description("The domain's ID (set this or `domain`)."))
            .attr(
                "domain",
                Attribute::string().optional().computed().description("The domain name (set this or `id`)."),
            )
            .attr("type", computed("`master` or `slave`."))
            .attr("group", computed("The deprecated group label."))
            .attr("status", computed("`active`, `disabled`, `edit_mode` or `has_errors`."))
            .attr("description", computed("The description."))
            .attr("master_ips", Attribute::set(Type::String).computed().description("Primary nameservers (slave)."))
            .attr("axfr_ips", Attribute::set(Type::String).computed().description("IPs allowed to transfer the zone."))
            .attr("ttl_sec", seconds("The default TTL of records, in seconds."))
            .attr("retry_sec", seconds("The SOA retry interval, in seconds."))
            .attr("expire_sec", seconds("The SOA expiry, in seconds."))
            .attr("refresh_sec", seconds("The SOA refresh interval, in seconds."))
            .attr("soa_email", computed("The Start of Authority email address."))
            .attr("tags", Attribute::set(Type::String).computed().description("The domain's tags."))
    }

    async fn validate(&self, req: &ValidateRequest, diags: &mut Diagnostics) {
        let set = |n: &str| req.config.get(n).is_some_and(|v| !v.is_null());
        if !set("id") && !set("domain") {
            diags.error_at("id", "Missing domain lookup", "Set `id` or `domain` to look a domain up.");
        }
    }

    async fn read(&self, req: DataSourceReadRequest, resp: &mut DataSourceReadResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(st), Some(m)) = (common::state(&req.ctx, diags), req.config_as::<DomainDataModel>(diags)) else {
            return;
        };
        let found = if let Some(id) = m.id.get() {
            let Some(id) = common::parse_id(id, "id", diags) else { return };
            match st.client.domains().get_opt(id).await {
                Ok(d) => d,
                Err(e) => return common::api_error_plain(diags, &format!("Unable to read domain {id}"), &e),
            }
        } else {
            let name = m.domain.get().cloned().unwrap_or_default();
            let params = ListParams::new().filter(Filter::new().eq("domain", name.to_ascii_lowercase()));
            match st.client.domains().list(&params).await {
                Ok(page) => page.data.into_iter().find(|d| d.domain.eq_ignore_ascii_case(&name)),
                Err(e) => return common::api_error_plain(diags, &format!("Unable to look up domain {name:?}"), &e),
            }
        };
        match found {
            Some(d) if m.domain.get().is_none_or(|n| n.eq_ignore_ascii_case(&d.domain)) => {
                let mut out = DomainDataModel::from(&d);
                if m.domain.is_known() {
                    out.domain = m.domain.clone(); // configured values come back as configured
                }
                resp.set_state(&out);
            }
            Some(d) => diags.error_at(
                "domain",
                "Domain mismatch",
                format!("Domain {} is {:?}, not {:?}.", d.id, d.domain, m.domain.get().cloned().unwrap_or_default()),
            ),
            None => {
                let what = m.id.get().map_or_else(|| format!("{:?}", m.domain.get().cloned().unwrap_or_default()), |id| id.clone());
                let attr = if m.id.is_known() { "id" } else { "domain" };
                diags.error_at(attr, "Domain not found", format!("No domain {what} in this account."));
            }
        }
    }
}
