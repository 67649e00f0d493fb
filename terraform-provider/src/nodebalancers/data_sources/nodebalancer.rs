//! `data "linode_nodebalancer"`.

use serde::{Deserialize, Serialize};
use tfplugin::data_source::{DataSourceReadRequest, DataSourceReadResponse};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::{DataSource, Type, Val, async_trait};

use crate::nodebalancers::nodebalancer::{FirewallModel, NodeBalancerModel, TransferModel, fetch, firewalls_type, transfer_type};
use crate::common;

/// `data "linode_nodebalancer"`.
pub struct NodeBalancerDataSource;

#[derive(Serialize, Deserialize, Default)]
struct NodeBalancerDataModel {
    id: Val<i64>,
    label: Val<String>,
    region: Val<String>,
    client_conn_throttle: Val<i64>,
    client_udp_sess_throttle: Val<i64>,
    hostname: Val<String>,
    ipv4: Val<String>,
    ipv6: Val<String>,
    created: Val<String>,
    updated: Val<String>,
    tags: Val<Vec<String>>,
    transfer: Val<Vec<TransferModel>>,
    firewalls: Val<Vec<FirewallModel>>,
}

#[async_trait]
impl DataSource for NodeBalancerDataSource {
    fn type_name(&self) -> &str {
        "linode_nodebalancer"
    }

    fn schema(&self) -> Schema {
        let string = |text: &str| Attribute::string().computed().description(text);
        let number = |text: &str| Attribute::number().computed().description(text);
        Schema::new()
            .description("A Linode NodeBalancer, looked up by ID.")
            .attr("id", Attribute::number().required().description("The NodeBalancer's ID."))
            .attr("label", string("The label."))
            .attr("region", string("The region."))
            .attr("client_conn_throttle", number("Connections per second allowed per client IP (0 = off)."))
            .attr("client_udp_sess_throttle", number("UDP sessions per second allowed per client (0 = off)."))
            .attr("hostname", string("The hostname."))
            .attr("ipv4", string("The public IPv4 address."))
            .attr("ipv6", string("The public IPv6 address."))
            .attr("created", string("When the NodeBalancer was created."))
            .attr("updated", string("When the NodeBalancer was last updated."))
            .attr("tags", Attribute::set(Type::String).computed().description("The tags."))
            .attr("transfer", Attribute::of(transfer_type()).computed().description("This month's transfer in MB."))
            .attr("firewalls", Attribute::of(firewalls_type()).computed().description("The attached Cloud Firewalls."))
    }

    async fn read(&self, req: DataSourceReadRequest, resp: &mut DataSourceReadResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(st), Some(m)) = (common::state(&req.ctx, diags), req.config_as::<NodeBalancerDataModel>(diags))
        else {
            return;
        };
        let Some(id) = m.id.get().and_then(|i| u64::try_from(*i).ok()) else {
            diags.error_at("id", "Invalid id", "id must be a positive number.");
            return;
        };
        let (nb, fw) = match fetch(&st.client, id).await {
            Ok(Some(found)) => found,
            Ok(None) => return diags.error_at("id", "NodeBalancer not found", format!("No NodeBalancer {id}.")),
            Err(e) => return common::api_error_plain(diags, &format!("Unable to read NodeBalancer {id}"), &e),
        };
        let r = NodeBalancerModel::from_api(&NodeBalancerModel::default(), &nb, &fw);
        resp.set_state(&NodeBalancerDataModel {
            id: Val::Known(id as i64),
            label: r.label,
            region: r.region,
            client_conn_throttle: r.client_conn_throttle,
            client_udp_sess_throttle: r.client_udp_sess_throttle,
            hostname: r.hostname,
            ipv4: r.ipv4,
            ipv6: r.ipv6,
            created: r.created,
            updated: r.updated,
            tags: r.tags,
            transfer: r.transfer,
            firewalls: r.firewalls,
        });
    }
}
