//! `data "linode_domain_zonefile"`: the zone file Linode renders for a domain.

use std::time::{Duration, Instant};

use linode_sdk::models::domains::DomainType;
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Type, Val, async_trait};

use crate::{LinodeState, common};

/// How long a master domain's zone file may take to be rendered after a change.
const RENDER_TIMEOUT: Duration = Duration::from_secs(120);

/// The data source.
pub(crate) struct DomainZonefileDataSource;

#[derive(Serialize, Deserialize, Default)]
pub(crate) struct ZonefileModel {
    domain_id: Val<i64>,
    zone_file: Val<Vec<String>>,
    id: Val<String>,
}

#[async_trait]
impl TypedDataSource for DomainZonefileDataSource {
    type Model = ZonefileModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_domain_zonefile"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .description(
                "The zone file Linode renders for a domain, one line per element. Linode renders it shortly after a \
                 change: an empty zone file of a master domain is read again until it is there (at most two \
                 minutes); a slave domain's is empty.",
            )
            .attr("domain_id", Attribute::number().required().description("The ID of the domain."))
            .attr("zone_file", Attribute::list(Type::String).computed().description("The lines of the zone file."))
            .attr("id", Attribute::string().computed().description("The ID of the domain, as a string."))
    }

    async fn read(
        &self,
        req: DataRead<'_, ZonefileModel, LinodeState>,
        diags: &mut Diagnostics,
    ) -> Option<ZonefileModel> {
        let (state, mut m) = (req.data, req.config);
        let Some(id) = m.domain_id.get().and_then(|d| u64::try_from(*d).ok()) else {
            diags.error_at(
                "domain_id",
                "Invalid domain_id",
                "domain_id must be a positive number.",
            );
            return None;
        };
        let domains = state.client.domains();
        let failed = |diags: &mut Diagnostics, e: &linode_sdk::Error| -> Option<ZonefileModel> {
            common::api_error(
                diags,
                &format!("Unable to read the zone file of domain {id}"),
                e,
                |_| Some("domain_id".into()),
            );
            None
        };
        let started = Instant::now();
        let mut lines = match domains.get_zone_file(id).await {
            Ok(z) => z.zone_file,
            Err(e) => return failed(diags, &e),
        };
        if lines.is_empty() {
            // A slave domain's zone comes from its masters: Linode renders none.
            let master = match domains.get(id).await {
                Ok(d) => d.domain_type == DomainType::Master,
                Err(e) => return failed(diags, &e),
            };
            let cancel = req.op.ctx.cancellation();
            while master && lines.is_empty() && started.elapsed() < RENDER_TIMEOUT {
                tokio::select! {
                    () = cancel.cancelled() => break,
                    () = tokio::time::sleep(state.polling.event_poll) => {}
                }
                lines = match domains.get_zone_file(id).await {
                    Ok(z) => z.zone_file,
                    Err(e) => return failed(diags, &e),
                };
            }
        }
        m.id = Val::Known(id.to_string());
        m.zone_file = Val::Known(lines);
        Some(m)
    }
}
