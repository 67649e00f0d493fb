//! `data "linode_domain_record"`: a record of a domain, looked up by ID or by name.

use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Val, async_trait};

use crate::domains::domain_record::cached_records;
use crate::domains::rules;
use crate::{LinodeState, common};

/// The data source.
pub(crate) struct DomainRecordDataSource;

#[derive(Serialize, Deserialize, Default)]
pub(crate) struct RecordDataModel {
    id: Val<i64>,
    name: Val<String>,
    domain_id: Val<i64>,
    #[serde(rename = "type")]
    record_type: Val<String>,
    ttl_sec: Val<i64>,
    target: Val<String>,
    priority: Val<i64>,
    weight: Val<i64>,
    port: Val<i64>,
    protocol: Val<String>,
    service: Val<String>,
    tag: Val<String>,
}

#[async_trait]
impl TypedDataSource for DomainRecordDataSource {
    type Model = RecordDataModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_domain_record"
    }

    fn schema(&self) -> Schema {
        let number = |text: &str| Attribute::number().computed().description(text);
        let string = |text: &str| Attribute::string().computed().description(text);
        Schema::new()
            .description("A DNS record of a Linode domain, looked up by `id` or by `name`.")
            .attr(
                "id",
                Attribute::number()
                    .optional()
                    .description("The record's ID (set this or `name`)."),
            )
            .attr(
                "name",
                Attribute::string().optional().description(
                    "The record's name, relative (`www`) or fully qualified (set this or `id`).",
                ),
            )
            .attr(
                "domain_id",
                Attribute::number()
                    .required()
                    .description("The ID of the record's domain."),
            )
            .attr(
                "type",
                string("The record type (A, AAAA, NS, MX, CNAME, TXT, SRV, PTR, CAA)."),
            )
            .attr(
                "ttl_sec",
                number("The TTL in seconds (0 = the domain's default)."),
            )
            .attr("target", string("The record's target."))
            .attr("priority", number("The priority (MX, SRV)."))
            .attr("weight", number("The weight (SRV)."))
            .attr("port", number("The port (SRV)."))
            .attr("protocol", string("The protocol (SRV)."))
            .attr("service", string("The service (SRV)."))
            .attr("tag", string("The CAA tag."))
    }

    async fn validate(&self, config: &RecordDataModel, diags: &mut Diagnostics) {
        if config.id.is_null() && config.name.is_null() {
            diags.error_at(
                "id",
                "Missing record lookup",
                "Set `id` or `name` to look a record up.",
            );
        }
    }

    async fn read(
        &self,
        req: DataRead<'_, RecordDataModel, LinodeState>,
        diags: &mut Diagnostics,
    ) -> Option<RecordDataModel> {
        let (state, m) = (req.data, req.config);
        let Some(domain_id) = m.domain_id.get().and_then(|d| u64::try_from(*d).ok()) else {
            diags.error_at(
                "domain_id",
                "Invalid domain_id",
                "domain_id must be a positive number.",
            );
            return None;
        };
        // One paginated listing of the domain's records, shared with the record resources.
        let records = match cached_records(state, domain_id).await {
            Ok(r) => r,
            Err(e) => {
                let action = format!("Unable to list the records of domain {domain_id}");
                common::api_error(diags, &action, &e, |_| Some("domain_id".into()));
                return None;
            }
        };
        let found = if let Some(id) = m.id.get() {
            records
                .iter()
                .find(|r| i64::try_from(r.id).ok() == Some(*id))
        } else {
            let wanted = m.name.get().cloned().unwrap_or_default();
            // A fully qualified name needs the zone to compare.
            let zone = if wanted.trim_end_matches('.').contains('.') {
                state
                    .client
                    .domains()
                    .get(domain_id)
                    .await
                    .ok()
                    .map(|d| d.domain)
                    .unwrap_or_default()
            } else {
                String::new()
            };
            let key = |name: &str| rules::relative_name(name, &zone);
            records.iter().find(|r| key(&wanted) == key(&r.name))
        };
        let Some(r) = found else {
            let (attr, what) = match m.id.get() {
                Some(id) => ("id", id.to_string()),
                None => (
                    "name",
                    format!("{:?}", m.name.get().cloned().unwrap_or_default()),
                ),
            };
            diags.error_at(
                attr,
                "Domain record not found",
                format!("Domain {domain_id} has no record {what}."),
            );
            return None;
        };
        Some(RecordDataModel {
            id: Val::Known(r.id as i64),
            // Configured values come back as configured.
            name: if m.name.is_known() {
                m.name.clone()
            } else {
                Val::Known(r.name.clone())
            },
            domain_id: Val::Known(domain_id as i64),
            record_type: Val::Known(r.record_type.as_str().to_string()),
            ttl_sec: Val::Known(r.ttl_sec.into()),
            target: Val::Known(r.target.clone()),
            priority: Val::Known(r.priority.into()),
            weight: Val::Known(r.weight.into()),
            port: Val::Known(r.port.into()),
            protocol: r.protocol.clone().into(),
            service: r.service.clone().into(),
            tag: r.tag.clone().into(),
        })
    }
}
