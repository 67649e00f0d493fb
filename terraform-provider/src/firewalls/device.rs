//! `linode_firewall_device`: one attachment of a firewall to a Linode, a NodeBalancer or a
//! Linode interface, managed apart from the firewall (leave the matching `linodes`,
//! `nodebalancers` or `interfaces` of the `linode_firewall` unset).

use linode_sdk::models::firewalls::{CreateFirewallDevice, FirewallDevice, FirewallDeviceType};
use serde::{Deserialize, Serialize};
use tfplugin::resource::{ImportRequest, ImportResponse};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{Applied, Create, Read, Refreshed, TypedResource, Update};
use tfplugin::{Diagnostics, Val, Value, async_trait};

use crate::{LinodeState, common};

/// `linode_firewall_device`.
pub(crate) struct DeviceResource;

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub(crate) struct DeviceResourceModel {
    id: Val<String>,
    firewall_id: Val<i64>,
    entity_id: Val<i64>,
    entity_type: Val<FirewallDeviceType>,
    created: Val<String>,
    updated: Val<String>,
}

impl DeviceResourceModel {
    fn from_api(firewall_id: u64, d: &FirewallDevice) -> DeviceResourceModel {
        DeviceResourceModel {
            id: Val::Known(d.id.to_string()),
            firewall_id: Val::Known(firewall_id as i64),
            entity_id: Val::Known(d.entity.id as i64),
            entity_type: Val::Known(d.entity.kind.clone()),
            created: Val::Known(common::api_time(&d.created)),
            updated: Val::Known(common::api_time(&d.updated)),
        }
    }
}

fn ids(m: &DeviceResourceModel, diags: &mut Diagnostics) -> Option<(u64, u64)> {
    let Some(firewall) = m.firewall_id.get().and_then(|f| u64::try_from(*f).ok()) else {
        diags.error_at(
            "firewall_id",
            "Invalid firewall ID",
            "The firewall device has no firewall ID.",
        );
        return None;
    };
    let id = common::parse_id(m.id.get().map_or("", String::as_str), "id", diags)?;
    Some((firewall, id))
}

/// The API calls the entity's fields `id` and `type`.
fn field_path(f: &str) -> Option<tfplugin::AttributePath> {
    common::same_name(match f {
        "id" => "entity_id",
        "type" => "entity_type",
        other => other,
    })
}

#[async_trait]
impl TypedResource for DeviceResource {
    type Model = DeviceResourceModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_firewall_device"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .description(
                "Attaches a Cloud Firewall to one Linode, NodeBalancer or Linode interface. An entity has at most one \
                 firewall; every change replaces the attachment.",
            )
            .attr("id", Attribute::string().computed().use_state_for_unknown().description("The ID of the firewall device."))
            .attr("firewall_id", Attribute::number().required().requires_replace().description("The ID of the firewall."))
            .attr(
                "entity_id",
                Attribute::number().required().requires_replace().description("The ID of the Linode, NodeBalancer or interface."),
            )
            .attr(
                "entity_type",
                Attribute::string()
                    .default("linode")
                    .requires_replace()
                    .one_of(FirewallDeviceType::VALUES)
                    .description("`linode` (the default), `nodebalancer` or `linode_interface`."),
            )
            .attr(
                "created",
                Attribute::string().computed().use_state_for_unknown().description("When the device was created (RFC 3339)."),
            )
            .attr(
                "updated",
                Attribute::string().computed().use_state_for_unknown().description("When the device was last updated (RFC 3339)."),
            )
    }

    async fn create(
        &self,
        req: Create<'_, DeviceResourceModel, LinodeState>,
        resp: &mut Applied<DeviceResourceModel>,
    ) {
        let (state, m) = (req.data, req.plan);
        let diags = &mut resp.diagnostics;
        let (Some(firewall_id), Some(entity_id)) = (
            m.firewall_id.get().and_then(|f| u64::try_from(*f).ok()),
            m.entity_id.get().and_then(|e| u64::try_from(*e).ok()),
        ) else {
            return diags.error(
                "Invalid firewall device",
                "firewall_id and entity_id must be positive numbers.",
            );
        };
        let kind = m
            .entity_type
            .get()
            .cloned()
            .unwrap_or(FirewallDeviceType::Linode);
        let body = CreateFirewallDevice {
            id: entity_id,
            kind: kind.clone(),
        };
        match state
            .client
            .firewalls()
            .create_device(firewall_id, &body)
            .await
        {
            Ok(d) => {
                tracing::info!(
                    firewall_id,
                    device_id = d.id,
                    entity_id,
                    "firewall device created"
                );
                resp.set(DeviceResourceModel::from_api(firewall_id, &d));
            }
            Err(e) if e.is_not_found() => diags.error_at(
                "entity_id",
                "Unable to attach the firewall",
                format!(
                    "Firewall {firewall_id} or {} {entity_id} does not exist.",
                    kind.as_str()
                ),
            ),
            Err(e) => common::api_error(
                diags,
                &format!("Unable to attach firewall {firewall_id}"),
                &e,
                field_path,
            ),
        }
    }

    async fn read(
        &self,
        req: Read<'_, DeviceResourceModel, LinodeState>,
        resp: &mut Refreshed<DeviceResourceModel>,
    ) {
        let Some((firewall_id, id)) = ids(&req.state, &mut resp.diagnostics) else {
            return;
        };
        match req
            .data
            .client
            .firewalls()
            .get_device_opt(firewall_id, id)
            .await
        {
            Ok(Some(d)) => resp.set(DeviceResourceModel::from_api(firewall_id, &d)),
            Ok(None) => resp.remove(),
            Err(e) if e.is_not_found() => resp.remove(),
            Err(e) => common::api_error_plain(
                &mut resp.diagnostics,
                &format!("Unable to read firewall device {id}"),
                &e,
            ),
        }
    }

    // Every argument replaces the device: nothing changes in place.
    async fn update(
        &self,
        req: Update<'_, DeviceResourceModel, LinodeState>,
        resp: &mut Applied<DeviceResourceModel>,
    ) {
        resp.set(req.plan);
    }

    async fn delete(
        &self,
        req: Read<'_, DeviceResourceModel, LinodeState>,
        diags: &mut Diagnostics,
    ) {
        let Some((firewall_id, id)) = ids(&req.state, diags) else {
            return;
        };
        match req
            .data
            .client
            .firewalls()
            .delete_device(firewall_id, id)
            .await
        {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => common::api_error_plain(
                diags,
                &format!("Unable to detach firewall device {id}"),
                &e,
            ),
        }
    }

    async fn import(&self, _state: &LinodeState, req: ImportRequest, resp: &mut ImportResponse) {
        let Some([firewall_id, id]) =
            common::parse_import_ids::<2>(&req.id, "<firewall_id>,<id>", &mut resp.diagnostics)
        else {
            return;
        };
        resp.set_attr("firewall_id", Value::from(firewall_id as i64));
        resp.set_attr("id", id.to_string());
    }
}
