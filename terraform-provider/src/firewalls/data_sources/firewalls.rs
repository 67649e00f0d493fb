//! `data "linode_firewalls"`: the Cloud Firewalls, narrowed by `filter` blocks and ordered.

use futures::TryStreamExt;
use linode_sdk::ListParams;
use linode_sdk::models::firewalls::FirewallAction;
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Type, Val, async_trait};

use crate::LinodeState;
use crate::common::{
    self,
    filter::{FilterModel, Filterable, Query},
};
use crate::firewalls::{DeviceModel, FirewallView, RuleModel};

/// What `filter` and `order_by` may name (as the official `filterConfig`); the API filters
/// labels and tags.
static FILTERABLE: Filterable = Filterable {
    fields: &["id", "label", "tags", "status", "created", "updated"],
    api: &["label", "tags"],
    ordered: true,
};

/// The data source.
pub(crate) struct FirewallsDataSource;

/// A rule as this data source shows it (no `description`; addresses as sets, as the official
/// schema has them).
#[derive(Serialize, Deserialize, Clone, Debug)]
struct ListedRule {
    label: String,
    action: String,
    protocol: String,
    ports: Option<String>,
    ipv4: Option<Vec<String>>,
    ipv6: Option<Vec<String>>,
}

impl From<RuleModel> for ListedRule {
    fn from(r: RuleModel) -> ListedRule {
        ListedRule {
            label: r.label.into_option().unwrap_or_default(),
            action: r
                .action
                .get()
                .map(|a| a.as_str().to_string())
                .unwrap_or_default(),
            protocol: r
                .protocol
                .get()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            ports: r.ports.into_option(),
            ipv4: r.ipv4.into_option(),
            ipv6: r.ipv6.into_option(),
        }
    }
}

/// One firewall of the list.
#[derive(Serialize, Deserialize, Clone, Debug)]
struct ListedFirewall {
    id: i64,
    label: String,
    tags: Vec<String>,
    disabled: bool,
    inbound_policy: FirewallAction,
    outbound_policy: FirewallAction,
    linodes: Vec<i64>,
    nodebalancers: Vec<i64>,
    interfaces: Vec<i64>,
    status: String,
    created: String,
    updated: String,
    inbound: Vec<ListedRule>,
    outbound: Vec<ListedRule>,
    devices: Vec<DeviceModel>,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct FirewallsModel {
    id: Val<String>,
    order_by: Val<String>,
    order: Val<String>,
    filter: Vec<FilterModel>,
    firewalls: Val<Vec<ListedFirewall>>,
}

fn element_schema() -> Schema {
    let string = |d: &str| Attribute::string().computed().description(d);
    let ids = |d: &str| Attribute::set(Type::Number).computed().description(d);
    let rule = Schema::new()
        .attr("label", string("The rule's label."))
        .attr("action", string("`ACCEPT` or `DROP`."))
        .attr("protocol", string("`TCP`, `UDP`, `ICMP` or `IPENCAP`."))
        .attr(
            "ports",
            string("The ports (TCP and UDP); null for every port."),
        )
        .attr(
            "ipv4",
            Attribute::set(Type::String)
                .computed()
                .description("The IPv4 addresses or networks."),
        )
        .attr(
            "ipv6",
            Attribute::set(Type::String)
                .computed()
                .description("The IPv6 addresses or networks."),
        );
    let device = Schema::new()
        .attr(
            "id",
            Attribute::number().computed().description("The device ID: null here (a listing of firewalls has none; `linode_firewall` reads it)."),
        )
        .attr("entity_id", Attribute::number().computed().description("The ID of the Linode, NodeBalancer or interface."))
        .attr("type", string("`linode`, `nodebalancer` or `linode_interface`."))
        .attr("label", string("The entity's label."))
        .attr("url", string("The entity's API path."));
    Schema::new()
        .attr(
            "id",
            Attribute::number()
                .computed()
                .description("The ID of the firewall."),
        )
        .attr("label", string("The label."))
        .attr(
            "tags",
            Attribute::set(Type::String)
                .computed()
                .description("The tags."),
        )
        .attr(
            "disabled",
            Attribute::bool()
                .computed()
                .description("Whether the rules are not enforced."),
        )
        .attr(
            "inbound_policy",
            string("What happens to inbound traffic no rule matches."),
        )
        .attr(
            "outbound_policy",
            string("What happens to outbound traffic no rule matches."),
        )
        .attr(
            "linodes",
            ids("The IDs of the Linodes the firewall protects."),
        )
        .attr(
            "nodebalancers",
            ids("The IDs of the NodeBalancers the firewall protects."),
        )
        .attr(
            "interfaces",
            ids("The IDs of the Linode interfaces the firewall protects."),
        )
        .attr("status", string("`enabled`, `disabled` or `deleted`."))
        .attr(
            "created",
            string("When the firewall was created (RFC 3339)."),
        )
        .attr(
            "updated",
            string("When the firewall was last updated (RFC 3339)."),
        )
        .attr(
            "inbound",
            Attribute::list_nested(rule.clone())
                .computed()
                .description("The inbound rules, in order."),
        )
        .attr(
            "outbound",
            Attribute::list_nested(rule)
                .computed()
                .description("The outbound rules, in order."),
        )
        .attr(
            "devices",
            Attribute::list_nested(device)
                .computed()
                .description("What the firewall is attached to."),
        )
}

#[async_trait]
impl TypedDataSource for FirewallsDataSource {
    type Model = FirewallsModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_firewalls"
    }

    fn schema(&self) -> Schema {
        FILTERABLE.schema(
            Schema::new()
                .description(
                    "The Cloud Firewalls, optionally narrowed by `filter` blocks (every filter must match; within one \
                     filter any value may match) and ordered. Filterable fields: id, label, tags, status, created, updated.",
                )
                .attr("firewalls", Attribute::list_nested(element_schema()).computed().description("The firewalls that match.")),
        )
    }

    async fn validate(&self, config: &FirewallsModel, diags: &mut Diagnostics) {
        Query::new(&config.filter, &config.order_by, &config.order).validate(diags);
    }

    async fn read(
        &self,
        req: DataRead<'_, FirewallsModel, LinodeState>,
        diags: &mut Diagnostics,
    ) -> Option<FirewallsModel> {
        let (state, mut m) = (req.data, req.config);
        let query = Query::new(&m.filter, &m.order_by, &m.order);
        let params = ListParams::new()
            .page_size(500)
            .filter(query.api_filter(&FILTERABLE));
        let listed: Vec<_> = match state
            .client
            .firewalls()
            .list_all(params)
            .try_collect()
            .await
        {
            Ok(l) => l,
            Err(e) => {
                common::api_error_plain(diags, "Unable to list firewalls", &e);
                return None;
            }
        };
        let items: Vec<ListedFirewall> = listed
            .iter()
            .map(|fw| {
                let v = FirewallView::from_listing(fw);
                ListedFirewall {
                    id: fw.id as i64,
                    label: v.label,
                    tags: v.tags,
                    disabled: v.disabled,
                    inbound_policy: v.inbound_policy,
                    outbound_policy: v.outbound_policy,
                    linodes: v.linodes,
                    nodebalancers: v.nodebalancers,
                    interfaces: v.interfaces,
                    status: v.status,
                    created: v.created,
                    updated: v.updated,
                    inbound: v.inbound.into_iter().map(ListedRule::from).collect(),
                    outbound: v.outbound.into_iter().map(ListedRule::from).collect(),
                    devices: v.devices,
                }
            })
            .collect();
        let firewalls = query.apply(items, diags);
        m.id = Val::Known(query.id());
        m.firewalls = Val::Known(firewalls);
        Some(m)
    }
}
