//! `data "linode_firewall"`: one Cloud Firewall by ID, with its rules and devices.

use linode_sdk::models::firewalls::FirewallAction;
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Type, Val, async_trait};

use crate::firewalls::{
    DeviceModel, FirewallView, RuleModel, devices_type, list_devices, rules_type,
};
use crate::{LinodeState, common};

/// The data source.
pub(crate) struct FirewallDataSource;

#[derive(Serialize, Deserialize)]
pub(crate) struct FirewallDataModel {
    id: i64,
    label: Val<String>,
    tags: Val<Vec<String>>,
    disabled: Val<bool>,
    inbound: Val<Vec<RuleModel>>,
    inbound_policy: Val<FirewallAction>,
    outbound: Val<Vec<RuleModel>>,
    outbound_policy: Val<FirewallAction>,
    linodes: Val<Vec<i64>>,
    nodebalancers: Val<Vec<i64>>,
    interfaces: Val<Vec<i64>>,
    devices: Val<Vec<DeviceModel>>,
    status: Val<String>,
    created: Val<String>,
    updated: Val<String>,
}

#[async_trait]
impl TypedDataSource for FirewallDataSource {
    type Model = FirewallDataModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_firewall"
    }

    fn schema(&self) -> Schema {
        let string = |d: &str| Attribute::string().computed().description(d);
        let ids = |d: &str| Attribute::set(Type::Number).computed().description(d);
        Schema::new()
            .description("A Cloud Firewall, looked up by ID: its rules in order, its policies and its devices.")
            .attr("id", Attribute::number().required().description("The ID of the firewall."))
            .attr("label", string("The label."))
            .attr("tags", Attribute::set(Type::String).computed().description("The tags."))
            .attr("disabled", Attribute::bool().computed().description("Whether the rules are not enforced."))
            .attr(
                "inbound",
                Attribute::of(rules_type())
                    .computed()
                    .description("The inbound rules, in order: `label`, `action`, `protocol`, `ports`, `ipv4`, `ipv6`, `description`."),
            )
            .attr("inbound_policy", string("What happens to inbound traffic no rule matches."))
            .attr(
                "outbound",
                Attribute::of(rules_type()).computed().description("The outbound rules, in order."),
            )
            .attr("outbound_policy", string("What happens to outbound traffic no rule matches."))
            .attr("linodes", ids("The IDs of the Linodes the firewall protects."))
            .attr("nodebalancers", ids("The IDs of the NodeBalancers the firewall protects."))
            .attr("interfaces", ids("The IDs of the Linode interfaces the firewall protects."))
            .attr("devices", Attribute::of(devices_type()).computed().description("The devices the firewall is attached to."))
            .attr("status", string("`enabled`, `disabled` or `deleted`."))
            .attr("created", string("When the firewall was created (RFC 3339)."))
            .attr("updated", string("When the firewall was last updated (RFC 3339)."))
    }

    async fn read(
        &self,
        req: DataRead<'_, FirewallDataModel, LinodeState>,
        diags: &mut Diagnostics,
    ) -> Option<FirewallDataModel> {
        let (state, id) = (req.data, req.config.id);
        let Ok(fid) = u64::try_from(id) else {
            diags.error_at(
                "id",
                "Invalid firewall ID",
                format!("{id} is not a firewall ID."),
            );
            return None;
        };
        let found = match state.client.firewalls().get_opt(fid).await {
            Ok(f) => f,
            Err(e) => {
                common::api_error_plain(diags, &format!("Unable to read firewall {id}"), &e);
                return None;
            }
        };
        let Some(fw) = found else {
            diags.error_at(
                "id",
                "Firewall not found",
                format!("Firewall {id} does not exist."),
            );
            return None;
        };
        let devices = match list_devices(state, fid).await {
            Ok(d) => d,
            Err(e) => {
                common::api_error_plain(
                    diags,
                    &format!("Unable to list the devices of firewall {id}"),
                    &e,
                );
                return None;
            }
        };
        let v = FirewallView::new(&fw, &devices);
        Some(FirewallDataModel {
            id,
            label: Val::Known(v.label),
            tags: Val::Known(v.tags),
            disabled: Val::Known(v.disabled),
            inbound: Val::Known(v.inbound),
            inbound_policy: Val::Known(v.inbound_policy),
            outbound: Val::Known(v.outbound),
            outbound_policy: Val::Known(v.outbound_policy),
            linodes: Val::Known(v.linodes),
            nodebalancers: Val::Known(v.nodebalancers),
            interfaces: Val::Known(v.interfaces),
            devices: Val::Known(v.devices),
            status: Val::Known(v.status),
            created: Val::Known(v.created),
            updated: Val::Known(v.updated),
        })
    }
}
