//! `data "linode_nodebalancer"`: one NodeBalancer by id, with its firewalls and VPC
//! configurations.

use linode_sdk::models::nodebalancers::{
    Firewall, FirewallRule, NodeBalancer, NodeBalancerVpcConfig,
};
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Type, Val, async_trait};

use super::required_id;
use crate::nodebalancers::nodebalancer::{
    TransferModel, fetch, firewalls_attribute, transfer_type,
};
use crate::{LinodeState, common};

/// `data "linode_nodebalancer"`.
pub(crate) struct NodeBalancerDataSource;

/// A firewall rule as the data source shows it.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
struct RuleItem {
    label: Option<String>,
    action: String,
    protocol: String,
    ports: Option<String>,
    ipv4: Vec<String>,
    ipv6: Vec<String>,
}

impl From<&FirewallRule> for RuleItem {
    fn from(r: &FirewallRule) -> Self {
        RuleItem {
            label: r.label.clone(),
            action: r.action.as_str().to_owned(),
            protocol: r.protocol.as_str().to_owned(),
            ports: r.ports.clone(),
            ipv4: r.addresses.ipv4.clone(),
            ipv6: r.addresses.ipv6.clone(),
        }
    }
}

/// An attached firewall as the data source shows it.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
struct FirewallItem {
    id: i64,
    label: String,
    tags: Vec<String>,
    inbound_policy: String,
    outbound_policy: String,
    status: String,
    created: String,
    updated: String,
    inbound: Vec<RuleItem>,
    outbound: Vec<RuleItem>,
}

impl From<&Firewall> for FirewallItem {
    fn from(f: &Firewall) -> Self {
        FirewallItem {
            id: f.id as i64,
            label: f.label.clone(),
            tags: f.tags.clone(),
            inbound_policy: f.rules.inbound_policy.as_str().to_owned(),
            outbound_policy: f.rules.outbound_policy.as_str().to_owned(),
            status: f.status.as_str().to_owned(),
            created: f.created.clone(),
            updated: f.updated.clone(),
            inbound: f.rules.inbound.iter().map(RuleItem::from).collect(),
            outbound: f.rules.outbound.iter().map(RuleItem::from).collect(),
        }
    }
}

/// A VPC configuration as the data source shows it.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
struct VpcItem {
    subnet_id: i64,
    ipv4_range: Option<String>,
    ipv6_range: Option<String>,
}

impl From<&NodeBalancerVpcConfig> for VpcItem {
    fn from(c: &NodeBalancerVpcConfig) -> Self {
        VpcItem {
            subnet_id: c.subnet_id as i64,
            ipv4_range: c.ipv4_range.clone(),
            ipv6_range: c.ipv6_range.clone(),
        }
    }
}

/// One NodeBalancer as `linode_nodebalancers` lists it (and this data source shows it, with
/// `firewalls` and `vpcs` besides).
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(crate) struct NodeBalancerItem {
    pub id: i64,
    label: String,
    region: String,
    client_conn_throttle: i64,
    client_udp_sess_throttle: i64,
    hostname: String,
    ipv4: String,
    ipv6: Option<String>,
    created: String,
    updated: String,
    transfer: Vec<TransferModel>,
    tags: Vec<String>,
}

impl From<&NodeBalancer> for NodeBalancerItem {
    fn from(nb: &NodeBalancer) -> Self {
        NodeBalancerItem {
            id: nb.id as i64,
            label: nb.label.clone(),
            region: nb.region.clone(),
            client_conn_throttle: nb.client_conn_throttle.into(),
            client_udp_sess_throttle: nb.client_udp_sess_throttle.unwrap_or(0).into(),
            hostname: nb.hostname.clone(),
            ipv4: nb.ipv4.clone(),
            ipv6: nb.ipv6.clone(),
            created: nb.created.clone(),
            updated: nb.updated.clone(),
            transfer: vec![TransferModel::from(&nb.transfer)],
            tags: nb.tags.clone(),
        }
    }
}

/// The attributes of a NodeBalancer shared by both NodeBalancer data sources; `id` as given
/// (required here, computed in lists).
pub(crate) fn nodebalancer_schema(id: Attribute) -> Schema {
    let string = |text: &str| Attribute::string().computed().description(text);
    let number = |text: &str| Attribute::number().computed().description(text);
    Schema::new()
        .attr("id", id.description("The NodeBalancer's ID."))
        .attr("label", string("The label."))
        .attr("region", string("The region."))
        .attr(
            "client_conn_throttle",
            number("Connections per second allowed per client IP (0 = off)."),
        )
        .attr(
            "client_udp_sess_throttle",
            number("UDP sessions per second allowed per client (0 = off)."),
        )
        .attr("hostname", string("The hostname."))
        .attr("ipv4", string("The public IPv4 address."))
        .attr("ipv6", string("The public IPv6 address."))
        .attr("created", string("When the NodeBalancer was created."))
        .attr("updated", string("When the NodeBalancer was last updated."))
        .attr(
            "transfer",
            Attribute::of(transfer_type())
                .computed()
                .description("This month's transfer in MB."),
        )
        .attr(
            "tags",
            Attribute::set(Type::String)
                .computed()
                .description("The tags."),
        )
}

#[derive(Serialize, Deserialize, Default)]
pub(crate) struct NodeBalancerDataModel {
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
    transfer: Val<Vec<TransferModel>>,
    tags: Val<Vec<String>>,
    firewalls: Val<Vec<FirewallItem>>,
    vpcs: Val<Vec<VpcItem>>,
}

#[async_trait]
impl TypedDataSource for NodeBalancerDataSource {
    type Model = NodeBalancerDataModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_nodebalancer"
    }

    fn schema(&self) -> Schema {
        let range = |d: &str| Attribute::string().computed().description(d);
        nodebalancer_schema(Attribute::number().required())
            .description("A Linode NodeBalancer, looked up by ID, with its firewalls and VPC configurations.")
            .attr("firewalls", firewalls_attribute())
            .attr(
                "vpcs",
                Attribute::list_nested(
                    Schema::new()
                        .attr("subnet_id", Attribute::number().computed().description("The VPC subnet."))
                        .attr("ipv4_range", range("The IPv4 range (CIDR) the NodeBalancer uses in the subnet."))
                        .attr("ipv6_range", range("The IPv6 range (CIDR) the NodeBalancer uses in the subnet.")),
                )
                .computed()
                .description("The NodeBalancer's VPC configurations."),
            )
    }

    async fn read(
        &self,
        req: DataRead<'_, NodeBalancerDataModel, LinodeState>,
        diags: &mut Diagnostics,
    ) -> Option<NodeBalancerDataModel> {
        let id = required_id(&req.config.id, "id", diags)?;
        let f = match fetch(&req.data.client, id).await {
            Ok(Some(f)) => f,
            Ok(None) => {
                diags.error_at(
                    "id",
                    "NodeBalancer not found",
                    format!("No NodeBalancer {id}."),
                );
                return None;
            }
            Err(e) => {
                common::api_error_plain(diags, &format!("Unable to read NodeBalancer {id}"), &e);
                return None;
            }
        };
        let nb = NodeBalancerItem::from(&f.nb);
        Some(NodeBalancerDataModel {
            id: Val::Known(nb.id),
            label: Val::Known(nb.label),
            region: Val::Known(nb.region),
            client_conn_throttle: Val::Known(nb.client_conn_throttle),
            client_udp_sess_throttle: Val::Known(nb.client_udp_sess_throttle),
            hostname: Val::Known(nb.hostname),
            ipv4: Val::Known(nb.ipv4),
            ipv6: nb.ipv6.into(),
            created: Val::Known(nb.created),
            updated: Val::Known(nb.updated),
            transfer: Val::Known(nb.transfer),
            tags: Val::Known(nb.tags),
            firewalls: Val::Known(f.firewalls.iter().map(FirewallItem::from).collect()),
            vpcs: Val::Known(f.vpcs.iter().map(VpcItem::from).collect()),
        })
    }
}
