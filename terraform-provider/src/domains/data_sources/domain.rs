//! `data "linode_domain"`: a domain looked up by ID or by name.

use linode_sdk::models::domains::Domain;
use linode_sdk::{Filter, ListParams};
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Type, Val, async_trait};

use crate::{LinodeState, common};

/// The data source.
pub(crate) struct DomainDataSource;

/// One domain, as `linode_domain` and each element of `linode_domains` show it.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(crate) struct DomainDataModel {
    pub id: Val<i64>,
    pub domain: Val<String>,
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
            id: Val::Known(d.id as i64),
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

/// The attributes of a domain. `id` and `domain` are optional, as in the official schema, also
/// inside `linode_domains` (where `lookup` is false: they are only results there).
pub(crate) fn domain_schema(lookup: bool) -> Schema {
    let (id, domain) = if lookup {
        (
            "The domain's ID (set this or `domain`).",
            "The domain name (set this or `id`).",
        )
    } else {
        ("The domain's ID.", "The domain name.")
    };
    let string = |text: &str| Attribute::string().computed().description(text);
    let seconds = |text: &str| Attribute::number().computed().description(text);
    let set = |text: &str| Attribute::set(Type::String).computed().description(text);
    Schema::new()
        .attr("id", Attribute::number().optional().description(id))
        .attr("domain", Attribute::string().optional().description(domain))
        .attr("type", string("`master` or `slave`."))
        .attr("group", string("The deprecated group label."))
        .attr(
            "status",
            string("`active`, `disabled`, `edit_mode` or `has_errors`."),
        )
        .attr("description", string("The description."))
        .attr(
            "master_ips",
            set("The primary nameservers (slave domains)."),
        )
        .attr(
            "axfr_ips",
            set("The IP addresses allowed to transfer the zone."),
        )
        .attr(
            "ttl_sec",
            seconds("The default TTL of records, in seconds (0: the default)."),
        )
        .attr(
            "retry_sec",
            seconds("The SOA retry interval, in seconds (0: the default)."),
        )
        .attr(
            "expire_sec",
            seconds("The SOA expiry, in seconds (0: the default)."),
        )
        .attr(
            "refresh_sec",
            seconds("The SOA refresh interval, in seconds (0: the default)."),
        )
        .attr("soa_email", string("The Start of Authority email address."))
        .attr("tags", set("The domain's tags."))
}

#[async_trait]
impl TypedDataSource for DomainDataSource {
    type Model = DomainDataModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_domain"
    }

    fn schema(&self) -> Schema {
        domain_schema(true).description("A Linode domain, looked up by `id` or by `domain` name.")
    }

    async fn validate(&self, config: &DomainDataModel, diags: &mut Diagnostics) {
        if config.id.is_null() && config.domain.is_null() {
            diags.error_at(
                "id",
                "Missing domain lookup",
                "Set `id` or `domain` to look a domain up.",
            );
        }
    }

    async fn read(
        &self,
        req: DataRead<'_, DomainDataModel, LinodeState>,
        diags: &mut Diagnostics,
    ) -> Option<DomainDataModel> {
        let (state, m) = (req.data, req.config);
        let found = if let Some(id) = m.id.get() {
            let Ok(id) = u64::try_from(*id) else {
                diags.error_at(
                    "id",
                    "Invalid ID",
                    format!("A domain ID is a positive number, not {id}."),
                );
                return None;
            };
            match state.client.domains().get_opt(id).await {
                Ok(d) => d,
                Err(e) => {
                    common::api_error_plain(diags, &format!("Unable to read domain {id}"), &e);
                    return None;
                }
            }
        } else {
            let name = m.domain.get().cloned().unwrap_or_default();
            // Names are unique and stored in lower case: one filtered call.
            let params =
                ListParams::new().filter(Filter::new().eq("domain", name.to_ascii_lowercase()));
            match state.client.domains().list(&params).await {
                Ok(page) => page
                    .data
                    .into_iter()
                    .find(|d| d.domain.eq_ignore_ascii_case(&name)),
                Err(e) => {
                    common::api_error_plain(
                        diags,
                        &format!("Unable to look up domain {name:?}"),
                        &e,
                    );
                    return None;
                }
            }
        };
        match found {
            Some(d)
                if m.domain
                    .get()
                    .is_none_or(|n| n.eq_ignore_ascii_case(&d.domain)) =>
            {
                let mut out = DomainDataModel::from(&d);
                if m.domain.is_known() {
                    out.domain = m.domain.clone(); // configured values come back as configured
                }
                Some(out)
            }
            Some(d) => {
                let wanted = m.domain.get().cloned().unwrap_or_default();
                diags.error_at(
                    "domain",
                    "Domain mismatch",
                    format!("Domain {} is {:?}, not {wanted:?}.", d.id, d.domain),
                );
                None
            }
            None => {
                let (attr, what) = match m.id.get() {
                    Some(id) => ("id", id.to_string()),
                    None => (
                        "domain",
                        format!("{:?}", m.domain.get().cloned().unwrap_or_default()),
                    ),
                };
                diags.error_at(
                    attr,
                    "Domain not found",
                    format!("No domain {what} in this account."),
                );
                None
            }
        }
    }
}
