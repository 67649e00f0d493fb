//! `linode_firewall`: a Cloud Firewall, its rules in the order written, and the devices it
//! protects.
//!
//! Rules are a list: Linode applies them in order, so the order configured is the order sent and
//! a rule reordered or changed out of band shows as drift. Devices are managed per kind only
//! when the kind is configured (`linodes`, `nodebalancers`, `interfaces`): a firewall that LKE
//! attaches to a pool's nodes (the pool's `firewall_id`) leaves `linodes` unset and never fights
//! LKE over them.

use std::collections::BTreeSet;

use linode_sdk::models::firewalls::{
    CreateFirewall, CreateFirewallDevice, Firewall, FirewallAction, FirewallDeviceType,
    FirewallDevices, FirewallRulesOptions, FirewallStatus, UpdateFirewall,
};
use linode_sdk::{Filter, ListParams};
use serde::{Deserialize, Serialize};
use tfplugin::resource::{ImportRequest, ImportResponse};
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::typed::{Applied, Create, PlanChange, Read, Refreshed, TypedResource, Update};
use tfplugin::{Diagnostics, Type, Val, Value, async_trait, equality, validators};

use super::{
    DeviceModel, FirewallView, RuleModel, check_rules, devices_type, list_devices, rule_schema,
};
use crate::{LinodeState, common};

/// `linode_firewall`.
pub(crate) struct FirewallResource;

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub(crate) struct FirewallModel {
    id: Val<String>,
    label: Val<String>,
    tags: Val<Vec<String>>,
    disabled: Val<bool>,
    inbound_policy: Val<FirewallAction>,
    outbound_policy: Val<FirewallAction>,
    linodes: Val<Vec<i64>>,
    nodebalancers: Val<Vec<i64>>,
    interfaces: Val<Vec<i64>>,
    devices: Val<Vec<DeviceModel>>,
    status: Val<String>,
    created: Val<String>,
    updated: Val<String>,
    inbound: Vec<RuleModel>,
    outbound: Vec<RuleModel>,
}

impl FirewallModel {
    fn from_view(id: u64, v: FirewallView) -> FirewallModel {
        FirewallModel {
            id: Val::Known(id.to_string()),
            label: Val::Known(v.label),
            tags: Val::Known(v.tags),
            disabled: Val::Known(v.disabled),
            inbound_policy: Val::Known(v.inbound_policy),
            outbound_policy: Val::Known(v.outbound_policy),
            linodes: Val::Known(v.linodes),
            nodebalancers: Val::Known(v.nodebalancers),
            interfaces: Val::Known(v.interfaces),
            devices: Val::Known(v.devices),
            status: Val::Known(v.status),
            created: Val::Known(v.created),
            updated: Val::Known(v.updated),
            inbound: v.inbound,
            outbound: v.outbound,
        }
    }

    fn rules(&self) -> FirewallRulesOptions {
        FirewallRulesOptions {
            inbound: self.inbound.iter().map(RuleModel::to_api).collect(),
            inbound_policy: self.inbound_policy.get().cloned().unwrap_or_default(),
            outbound: self.outbound.iter().map(RuleModel::to_api).collect(),
            outbound_policy: self.outbound_policy.get().cloned().unwrap_or_default(),
        }
    }

    /// The configured device ids of each kind (`None` for a kind left to others).
    fn device_kinds(&self) -> [(FirewallDeviceType, Option<&Vec<i64>>); 3] {
        [
            (FirewallDeviceType::Linode, self.linodes.get()),
            (FirewallDeviceType::NodeBalancer, self.nodebalancers.get()),
            (FirewallDeviceType::LinodeInterface, self.interfaces.get()),
        ]
    }
}

/// Reads the firewall and its devices; `Ok(None)` when it is gone.
async fn read_firewall(
    state: &LinodeState,
    id: u64,
) -> Result<Option<FirewallModel>, linode_sdk::Error> {
    let Some(fw) = state.client.firewalls().get_opt(id).await? else {
        return Ok(None);
    };
    let devices = match list_devices(state, id).await {
        Ok(d) => d,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(Some(FirewallModel::from_view(
        id,
        FirewallView::new(&fw, &devices),
    )))
}

fn firewall_id(m: &FirewallModel, diags: &mut Diagnostics) -> Option<u64> {
    common::parse_id(m.id.get().map_or("", String::as_str), "id", diags)
}

fn ids(v: Option<&Vec<i64>>) -> Vec<u64> {
    v.into_iter()
        .flatten()
        .filter_map(|i| u64::try_from(*i).ok())
        .collect()
}

/// The API names `interfaces` `linode_interfaces` (in `devices` of a create).
fn field_path(
    schema_path: impl Fn(&str) -> Option<tfplugin::AttributePath>,
    field: &str,
) -> Option<tfplugin::AttributePath> {
    let field = field.strip_prefix("rules.").unwrap_or(field);
    let field = match field.split_once('[') {
        Some(("devices.linodes", _)) | Some(("linodes", _)) => "linodes",
        Some(("devices.nodebalancers", _)) | Some(("nodebalancers", _)) => "nodebalancers",
        Some(("devices.linode_interfaces", _)) => "interfaces",
        _ => field,
    };
    schema_path(field)
}

/// Brings the devices of each configured kind to the configured ids: detaches the others, then
/// attaches the missing ones.
async fn sync_devices(state: &LinodeState, id: u64, m: &FirewallModel, diags: &mut Diagnostics) {
    let api = state.client.firewalls();
    let current = match list_devices(state, id).await {
        Ok(d) => d,
        Err(e) => {
            return common::api_error_plain(
                diags,
                &format!("Unable to list the devices of firewall {id}"),
                &e,
            );
        }
    };
    for (kind, wanted) in m.device_kinds() {
        let Some(wanted) = wanted else { continue };
        let wanted: BTreeSet<u64> = ids(Some(wanted)).into_iter().collect();
        let attached: Vec<_> = current.iter().filter(|d| d.entity.kind == kind).collect();
        for d in attached.iter().filter(|d| !wanted.contains(&d.entity.id)) {
            tracing::info!(
                firewall_id = id,
                device_id = d.id,
                entity_id = d.entity.id,
                "detaching firewall device"
            );
            if let Err(e) = api.delete_device(id, d.id).await
                && !e.is_not_found()
            {
                return common::api_error_plain(
                    diags,
                    &format!(
                        "Unable to detach {} {} from firewall {id}",
                        kind.as_str(),
                        d.entity.id
                    ),
                    &e,
                );
            }
        }
        for entity in wanted
            .iter()
            .filter(|e| !attached.iter().any(|d| d.entity.id == **e))
        {
            tracing::info!(
                firewall_id = id,
                entity_id = entity,
                kind = kind.as_str(),
                "attaching firewall device"
            );
            let body = CreateFirewallDevice {
                id: *entity,
                kind: kind.clone(),
            };
            if let Err(e) = api.create_device(id, &body).await {
                let attr = match kind {
                    FirewallDeviceType::Linode => "linodes",
                    FirewallDeviceType::NodeBalancer => "nodebalancers",
                    _ => "interfaces",
                };
                let detail = if e.is_not_found() {
                    format!("{} {entity} does not exist.", kind.as_str())
                } else {
                    e.to_string()
                };
                diags.error_at(
                    attr,
                    format!(
                        "Unable to attach {} {entity} to firewall {id}",
                        kind.as_str()
                    ),
                    detail,
                );
                return;
            }
        }
    }
}

#[async_trait]
impl TypedResource for FirewallResource {
    type Model = FirewallModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_firewall"
    }

    fn schema(&self) -> Schema {
        let devices = |name: &str| {
            Attribute::set(Type::Number)
                .optional()
                .computed()
                .use_state_for_unknown()
                .description(format!(
                    "The IDs of the {name} the firewall protects. When set, the firewall is attached to exactly these; \
                     when unset, attachments made elsewhere are only read."
                ))
        };
        let policy = |direction: &str| {
            Attribute::string()
                .required()
                .one_of(FirewallAction::VALUES)
                .description(format!(
                    "What happens to {direction} traffic no rule matches: `ACCEPT` or `DROP`."
                ))
        };
        let kept = |d: &str| {
            Attribute::string()
                .computed()
                .use_state_for_unknown()
                .description(d)
        };
        Schema::new()
            .description(
                "A Linode Cloud Firewall: ordered inbound and outbound rules, default policies, and the Linodes, \
                 NodeBalancers and interfaces it protects.",
            )
            .attr("id", kept("The ID of the firewall."))
            .attr(
                "label",
                Attribute::string()
                    .required()
                    .validate(validators::length_between(3, 32))
                    .description("The label (3-32 characters, unique on the account)."),
            )
            .attr(
                "tags",
                Attribute::set(Type::String)
                    .default(Value::set([]))
                    .semantic_equality(equality::case_insensitive())
                    .description("Tags (compared ignoring case)."),
            )
            .attr("disabled", Attribute::bool().default(false).description("Whether the rules are not enforced."))
            .attr("inbound_policy", policy("inbound"))
            .attr("outbound_policy", policy("outbound"))
            .attr("linodes", devices("Linodes"))
            .attr("nodebalancers", devices("NodeBalancers"))
            .attr("interfaces", devices("Linode interfaces"))
            .attr(
                "devices",
                Attribute::of(devices_type())
                    .computed()
                    .use_state_for_unknown()
                    .description("Every device the firewall is attached to: `id`, `entity_id`, `type`, `label`, `url`."),
            )
            .attr("status", kept("`enabled`, `disabled` or `deleted`."))
            .attr("created", kept("When the firewall was created (RFC 3339)."))
            .attr("updated", Attribute::string().computed().description("When the firewall was last updated (RFC 3339)."))
            .block("inbound", Block::list(rule_schema("inbound")))
            .block("outbound", Block::list(rule_schema("outbound")))
    }

    async fn validate(&self, config: &FirewallModel, diags: &mut Diagnostics) {
        check_rules("inbound", &config.inbound, diags);
        check_rules("outbound", &config.outbound, diags);
    }

    async fn modify_plan(
        &self,
        _state: &LinodeState,
        req: &mut PlanChange<'_, FirewallModel>,
        _diags: &mut Diagnostics,
    ) {
        let Some(prior) = &req.prior else { return };
        let plan = &mut req.plan;
        let moved = |a: &Val<Vec<i64>>, b: &Val<Vec<i64>>| {
            let set =
                |v: &Val<Vec<i64>>| v.get().map(|l| l.iter().copied().collect::<BTreeSet<_>>());
            !a.is_known() || set(a) != set(b)
        };
        if moved(&plan.linodes, &prior.linodes)
            || moved(&plan.nodebalancers, &prior.nodebalancers)
            || moved(&plan.interfaces, &prior.interfaces)
        {
            plan.devices = Val::Unknown;
        }
        if plan.disabled != prior.disabled {
            plan.status = Val::Unknown;
        }
    }

    async fn create(
        &self,
        req: Create<'_, FirewallModel, LinodeState>,
        resp: &mut Applied<FirewallModel>,
    ) {
        let (state, m) = (req.data, req.plan);
        let diags = &mut resp.diagnostics;
        let devices = FirewallDevices {
            linodes: ids(m.linodes.get()),
            nodebalancers: ids(m.nodebalancers.get()),
            linode_interfaces: ids(m.interfaces.get()),
        };
        let label = m.label.get().cloned().unwrap_or_default();
        let body = CreateFirewall {
            label: label.clone(),
            rules: m.rules(),
            tags: m.tags.get().cloned(),
            devices: (!devices.is_empty()).then_some(devices),
        };
        let api = state.client.firewalls();
        // Firewall labels are unique per account: after an ambiguous failure, look for it by label.
        let find = || async {
            let page = api
                .list(&ListParams::new().filter(Filter::new().eq("label", label.clone())))
                .await?;
            Ok(page.data.into_iter().filter(|f| f.label == label).collect())
        };
        let ownership = common::Ownership::Ids(|f: &Firewall| f.id);
        let fw = match common::create_once(
            req.op.ctx,
            &state.client,
            "firewall",
            ownership,
            || api.create(&body),
            find,
        )
        .await
        {
            Ok(f) => f,
            Err(e) => {
                return common::api_error(diags, "Unable to create the firewall", &e, |f| {
                    field_path(|p| req.op.field_path(p), f)
                });
            }
        };
        tracing::info!(firewall_id = fw.id, "firewall created");
        if m.disabled.get() == Some(&true) {
            let put = UpdateFirewall {
                status: Some(FirewallStatus::Disabled),
                ..Default::default()
            };
            if let Err(e) = api.update(fw.id, &put).await {
                common::api_error_plain(
                    diags,
                    &format!("Unable to disable firewall {}", fw.id),
                    &e,
                );
            }
        }
        match read_firewall(state, fw.id).await {
            Ok(Some(new)) if diags.has_errors() => resp.set_partial(new),
            Ok(Some(new)) => resp.set(new),
            Ok(None) => diags.error(
                "Firewall vanished",
                format!("Firewall {} was deleted while it was created.", fw.id),
            ),
            Err(e) => {
                common::api_error_plain(diags, &format!("Unable to read firewall {}", fw.id), &e);
                let mut partial = m;
                partial.id = Val::Known(fw.id.to_string());
                resp.set_partial(partial);
            }
        }
    }

    async fn read(
        &self,
        req: Read<'_, FirewallModel, LinodeState>,
        resp: &mut Refreshed<FirewallModel>,
    ) {
        let Some(id) = firewall_id(&req.state, &mut resp.diagnostics) else {
            return;
        };
        match read_firewall(req.data, id).await {
            Ok(Some(m)) => resp.set(m),
            Ok(None) => resp.remove(),
            Err(e) => common::api_error_plain(
                &mut resp.diagnostics,
                &format!("Unable to read firewall {id}"),
                &e,
            ),
        }
    }

    async fn update(
        &self,
        req: Update<'_, FirewallModel, LinodeState>,
        resp: &mut Applied<FirewallModel>,
    ) {
        let (state, m, prior) = (req.data, req.plan, req.prior);
        let diags = &mut resp.diagnostics;
        let Some(id) = firewall_id(&prior, diags) else {
            return;
        };
        let api = state.client.firewalls();
        let field = |f: &str| field_path(|p| req.op.field_path(p), f);
        let put = UpdateFirewall {
            label: (m.label != prior.label)
                .then(|| m.label.get().cloned())
                .flatten(),
            status: (m.disabled != prior.disabled).then(|| {
                if m.disabled.get() == Some(&true) {
                    FirewallStatus::Disabled
                } else {
                    FirewallStatus::Enabled
                }
            }),
            tags: (m.tags != prior.tags).then(|| m.tags.get().cloned().unwrap_or_default()),
        };
        if put != UpdateFirewall::default()
            && let Err(e) = api.update(id, &put).await
        {
            return common::api_error(diags, &format!("Unable to update firewall {id}"), &e, field);
        }
        let rules = m.rules();
        if rules != prior.rules()
            && let Err(e) = api.update_rules(id, &rules).await
        {
            return common::api_error(
                diags,
                &format!("Unable to update the rules of firewall {id}"),
                &e,
                field,
            );
        }
        sync_devices(state, id, &m, diags).await;
        match read_firewall(state, id).await {
            Ok(Some(new)) if diags.has_errors() => resp.set_partial(new),
            Ok(Some(new)) => resp.set(new),
            Ok(None) => diags.error(
                "Firewall vanished",
                format!("Firewall {id} was deleted during the update."),
            ),
            Err(e) => common::api_error_plain(diags, &format!("Unable to read firewall {id}"), &e),
        }
    }

    async fn delete(&self, req: Read<'_, FirewallModel, LinodeState>, diags: &mut Diagnostics) {
        let Some(id) = firewall_id(&req.state, diags) else {
            return;
        };
        match req.data.client.firewalls().delete(id).await {
            Ok(()) => tracing::info!(firewall_id = id, "firewall deleted"),
            Err(e) if e.is_not_found() => {}
            Err(e) => {
                common::api_error_plain(diags, &format!("Unable to delete firewall {id}"), &e)
            }
        }
    }

    async fn import(&self, _state: &LinodeState, req: ImportRequest, resp: &mut ImportResponse) {
        match req.id.trim().parse::<u64>() {
            Ok(id) => resp.set_attr("id", id.to_string()),
            Err(_) => resp.diagnostics.error(
                "Invalid import ID",
                format!("Expected a numeric firewall ID, got {:?}.", req.id),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_fields_map_to_rule_paths() {
        let schema = FirewallResource.schema();
        let path = |f: &str| field_path(|p| schema.path_for_api_field(p), f).map(|p| p.to_string());
        assert_eq!(
            path("rules.inbound[1].ports").as_deref(),
            Some("inbound[1].ports")
        );
        assert_eq!(
            path("rules.outbound_policy").as_deref(),
            Some("outbound_policy")
        );
        assert_eq!(
            path("devices.nodebalancers[0]").as_deref(),
            Some("nodebalancers")
        );
        assert_eq!(
            path("devices.linode_interfaces[2]").as_deref(),
            Some("interfaces")
        );
        assert_eq!(path("label").as_deref(), Some("label"));
    }
}
