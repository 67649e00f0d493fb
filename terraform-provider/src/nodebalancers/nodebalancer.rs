//! `linode_nodebalancer`: a NodeBalancer (managed load balancer), with the firewalls and VPC
//! configurations the API reports for it.

use futures::TryStreamExt;
use linode_sdk::models::nodebalancers::{
    CreateNodeBalancer, Firewall, FirewallRule, NodeBalancer, NodeBalancerPlan,
    NodeBalancerTransfer, NodeBalancerVpcConfig, NodeBalancerVpcOptions, UpdateNodeBalancer,
};
use linode_sdk::{Client, Filter, ListParams};
use serde::{Deserialize, Serialize};
use tfplugin::resource::{
    ImportRequest, ImportResponse, UpgradeStateRequest, UpgradeStateResponse,
};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{Applied, Create, Read, Refreshed, TypedResource, Update};
use tfplugin::{Diagnostics, Type, Val, Value, async_trait, equality, validators};

use super::not_echoed;
use crate::regions::KnownRegion;
use crate::{LinodeState, common};

/// The region of a NodeBalancer whose configuration names none (as the official provider).
const DEFAULT_REGION: &str = "us-east";

/// `linode_nodebalancer`.
pub(crate) struct NodeBalancerResource;

/// One element of `transfer`: this month's traffic in MB.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub(crate) struct TransferModel {
    #[serde(rename = "in")]
    pub inbound: f64,
    pub out: f64,
    pub total: f64,
}

impl From<&NodeBalancerTransfer> for TransferModel {
    fn from(t: &NodeBalancerTransfer) -> Self {
        TransferModel {
            inbound: t.inbound.unwrap_or(0.0),
            out: t.outbound.unwrap_or(0.0),
            total: t.total.unwrap_or(0.0),
        }
    }
}

/// A firewall rule inside `firewalls`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub(crate) struct RuleModel {
    pub action: String,
    pub label: Option<String>,
    pub description: Option<String>,
    pub protocol: String,
    pub ports: Option<String>,
    pub ipv4: Vec<String>,
    pub ipv6: Vec<String>,
}

impl From<&FirewallRule> for RuleModel {
    fn from(r: &FirewallRule) -> Self {
        RuleModel {
            action: r.action.as_str().to_owned(),
            label: r.label.clone(),
            description: r.description.clone(),
            protocol: r.protocol.as_str().to_owned(),
            ports: r.ports.clone(),
            ipv4: r.addresses.ipv4.clone(),
            ipv6: r.addresses.ipv6.clone(),
        }
    }
}

/// A firewall attached to the NodeBalancer (`firewalls`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub(crate) struct FirewallModel {
    pub id: i64,
    pub label: String,
    pub tags: Vec<String>,
    pub inbound_policy: String,
    pub outbound_policy: String,
    pub status: String,
    pub created: String,
    pub updated: String,
    pub inbound: Vec<RuleModel>,
    pub outbound: Vec<RuleModel>,
}

impl From<&Firewall> for FirewallModel {
    fn from(f: &Firewall) -> Self {
        FirewallModel {
            id: f.id as i64,
            label: f.label.clone(),
            tags: f.tags.clone(),
            inbound_policy: f.rules.inbound_policy.as_str().to_owned(),
            outbound_policy: f.rules.outbound_policy.as_str().to_owned(),
            status: f.status.as_str().to_string(),
            created: f.created.clone(),
            updated: f.updated.clone(),
            inbound: f.rules.inbound.iter().map(RuleModel::from).collect(),
            outbound: f.rules.outbound.iter().map(RuleModel::from).collect(),
        }
    }
}

/// The type of `transfer`.
pub(crate) fn transfer_type() -> Type {
    Type::list(Type::object([
        ("in", Type::Number),
        ("out", Type::Number),
        ("total", Type::Number),
    ]))
}

/// The fields of a firewall rule; `addresses` is the collection type of `ipv4`/`ipv6` (a list in
/// the resource, a set in the data source, as in the official schemas).
fn rule_fields(addresses: fn(Type) -> Type) -> Vec<(&'static str, Type)> {
    vec![
        ("action", Type::String),
        ("label", Type::String),
        ("description", Type::String),
        ("protocol", Type::String),
        ("ports", Type::String),
        ("ipv4", addresses(Type::String)),
        ("ipv6", addresses(Type::String)),
    ]
}

/// The type of the resource's `firewalls`.
pub(crate) fn firewalls_type() -> Type {
    let rule = Type::object(rule_fields(Type::list));
    Type::list(Type::object([
        ("id", Type::Number),
        ("label", Type::String),
        ("tags", Type::set(Type::String)),
        ("inbound_policy", Type::String),
        ("outbound_policy", Type::String),
        ("status", Type::String),
        ("created", Type::String),
        ("updated", Type::String),
        ("inbound", Type::list(rule.clone())),
        ("outbound", Type::list(rule)),
    ]))
}

/// The data sources' `firewalls`: nested attributes, rule addresses as sets.
pub(crate) fn firewalls_attribute() -> Attribute {
    let string = |d: &str| Attribute::string().computed().description(d);
    let rules = |d: &str| {
        let mut rule = Schema::new();
        for (name, ty) in rule_fields(Type::set) {
            if name != "description" {
                rule = rule.attr(
                    name,
                    Attribute::of(ty)
                        .computed()
                        .description(format!("The rule's {name}.")),
                );
            }
        }
        Attribute::list_nested(rule).computed().description(d)
    };
    Attribute::list_nested(
        Schema::new()
            .attr(
                "id",
                Attribute::number()
                    .computed()
                    .description("The firewall's ID."),
            )
            .attr("label", string("The firewall's label."))
            .attr(
                "tags",
                Attribute::set(Type::String)
                    .computed()
                    .description("The firewall's tags."),
            )
            .attr(
                "inbound_policy",
                string("What happens to inbound traffic no rule matches: ACCEPT or DROP."),
            )
            .attr(
                "outbound_policy",
                string("What happens to outbound traffic no rule matches: ACCEPT or DROP."),
            )
            .attr("status", string("`enabled`, `disabled` or `deleted`."))
            .attr("created", string("When the firewall was created."))
            .attr("updated", string("When the firewall was last updated."))
            .attr("inbound", rules("The inbound rules."))
            .attr("outbound", rules("The outbound rules.")),
    )
    .computed()
    .description("The Cloud Firewalls attached to the NodeBalancer, with their policies and rules.")
}

/// A VPC configuration of the NodeBalancer (`vpcs`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub(crate) struct VpcModel {
    pub subnet_id: Val<i64>,
    pub ipv4_range: Val<String>,
    pub ipv6_range: Val<String>,
    pub ipv4_range_auto_assign: Val<bool>,
}

impl From<&NodeBalancerVpcConfig> for VpcModel {
    fn from(c: &NodeBalancerVpcConfig) -> Self {
        VpcModel {
            subnet_id: Val::Known(c.subnet_id as i64),
            ipv4_range: c.ipv4_range.clone().into(),
            ipv6_range: c.ipv6_range.clone().into(),
            // Write-only: never in state.
            ipv4_range_auto_assign: Val::Null,
        }
    }
}

/// State and plan of `linode_nodebalancer`.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(crate) struct NodeBalancerModel {
    pub id: Val<String>,
    pub label: Val<String>,
    pub region: Val<String>,
    #[serde(rename = "type")]
    pub plan: Val<NodeBalancerPlan>,
    pub client_conn_throttle: Val<i64>,
    pub client_udp_sess_throttle: Val<i64>,
    pub firewall_id: Val<i64>,
    pub hostname: Val<String>,
    pub ipv4: Val<String>,
    pub ipv6: Val<String>,
    pub created: Val<String>,
    pub updated: Val<String>,
    pub tags: Val<Vec<String>>,
    pub transfer: Val<Vec<TransferModel>>,
    pub firewalls: Val<Vec<FirewallModel>>,
    pub vpcs: Val<Vec<VpcModel>>,
}

/// What the API says about one NodeBalancer: itself, its firewalls and its VPC configurations.
pub(crate) struct Fetched {
    pub nb: NodeBalancer,
    pub firewalls: Vec<Firewall>,
    pub vpcs: Vec<NodeBalancerVpcConfig>,
}

impl NodeBalancerModel {
    /// The state the API describes. `firewall_id` is not part of the answer (it is only a
    /// create option); its attribute's equality keeps the configured value.
    pub(crate) fn from_api(f: &Fetched) -> Self {
        let nb = &f.nb;
        NodeBalancerModel {
            id: Val::Known(nb.id.to_string()),
            label: Val::Known(nb.label.clone()),
            region: Val::Known(nb.region.clone()),
            plan: nb.plan.clone().into(),
            client_conn_throttle: Val::Known(nb.client_conn_throttle.into()),
            client_udp_sess_throttle: Val::Known(nb.client_udp_sess_throttle.unwrap_or(0).into()),
            firewall_id: Val::Null,
            hostname: Val::Known(nb.hostname.clone()),
            ipv4: Val::Known(nb.ipv4.clone()),
            ipv6: nb.ipv6.clone().into(),
            created: Val::Known(nb.created.clone()),
            updated: Val::Known(nb.updated.clone()),
            tags: Val::Known(nb.tags.clone()),
            transfer: Val::Known(vec![TransferModel::from(&nb.transfer)]),
            firewalls: Val::Known(f.firewalls.iter().map(FirewallModel::from).collect()),
            vpcs: Val::Known(f.vpcs.iter().map(VpcModel::from).collect()),
        }
    }
}

/// The `vpcs` of the create request; the write-only `ipv4_range_auto_assign` comes from the
/// configuration (plans never hold it).
fn vpc_options(
    plan: &NodeBalancerModel,
    config: &NodeBalancerModel,
) -> Option<Vec<NodeBalancerVpcOptions>> {
    let vpcs = plan.vpcs.get()?;
    let configured = config.vpcs.get().map(Vec::as_slice).unwrap_or_default();
    Some(
        vpcs.iter()
            .enumerate()
            .map(|(i, v)| NodeBalancerVpcOptions {
                subnet_id: super::api_id(&v.subnet_id).unwrap_or_default(),
                ipv4_range: v.ipv4_range.get().cloned(),
                ipv6_range: v.ipv6_range.get().cloned(),
                ipv4_range_auto_assign: configured
                    .get(i)
                    .and_then(|c| c.ipv4_range_auto_assign.get().copied()),
            })
            .collect(),
    )
}

/// The NodeBalancer, its firewalls and its VPC configurations; `None` when it is gone.
pub(crate) async fn fetch(client: &Client, id: u64) -> Result<Option<Fetched>, linode_sdk::Error> {
    let Some(nb) = client.nodebalancers().get_opt(id).await? else {
        return Ok(None);
    };
    let nodebalancers = client.nodebalancers();
    let listed = futures::future::try_join(
        nodebalancers
            .list_all_firewalls(id, ListParams::new().page_size(500))
            .try_collect::<Vec<_>>(),
        nodebalancers
            .list_all_vpc_configs(id, ListParams::new().page_size(500))
            .try_collect::<Vec<_>>(),
    )
    .await;
    match listed {
        Ok((firewalls, vpcs)) => Ok(Some(Fetched {
            nb,
            firewalls,
            vpcs,
        })),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// The label rule of NodeBalancers: 3-32 letters, digits, `-` and `_`.
pub(crate) fn label_validator() -> impl validators::Validator {
    validators::from_fn(
        "3-32 characters: letters, digits, '-' and '_'",
        move |v| match v.as_str() {
            Some(s) if !(3..=32).contains(&s.chars().count()) => Err(format!(
                "the label must be 3-32 characters long, got {} ({s:?})",
                s.chars().count()
            )),
            Some(s) if !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') => Err(format!(
                "the label may only contain letters, digits, '-' and '_', got {s:?}"
            )),
            _ => Ok(()),
        },
    )
}

/// A UTC timestamp without its zone suffix: the API answers `2025-01-02T03:04:05`, the official
/// provider stored `2025-01-02T03:04:05Z` (RFC 3339); both are the same instant.
fn utc_timestamp(s: &str) -> String {
    s.strip_suffix('Z')
        .or_else(|| s.strip_suffix("+00:00"))
        .unwrap_or(s)
        .to_string()
}

fn nb_id(m: &NodeBalancerModel, diags: &mut Diagnostics) -> Option<u64> {
    common::parse_id(
        m.id.get().map(String::as_str).unwrap_or_default(),
        "id",
        diags,
    )
}

fn u32_of(v: &Val<i64>) -> Option<u32> {
    v.get().and_then(|n| u32::try_from(*n).ok())
}

/// `vpcs`. Replacement is decided per field rather than on the whole list: a field Linode
/// chose (a range left unset) is planned as the state's value, or stays "known after apply" when
/// the API reported none, and neither is a change.
fn vpcs_attribute() -> Attribute {
    let changed = |prior: &Value, planned: &Value| !planned.is_unknown() && prior != planned;
    let range = |d: &str| {
        Attribute::string()
            .optional()
            .computed()
            .use_state_for_unknown()
            .requires_replace_if("when set to another range", changed)
            .description(d)
    };
    let count = |v: &Value| v.as_elements().map_or(0, <[Value]>::len);
    Attribute::list_nested(
        Schema::new()
            .attr(
                "subnet_id",
                Attribute::number().required().requires_replace().description("The VPC subnet to attach the NodeBalancer to."),
            )
            .attr(
                "ipv4_range",
                range("The IPv4 range (CIDR) of the subnet the NodeBalancer takes its backend addresses from."),
            )
            .attr(
                "ipv6_range",
                range("The IPv6 range (CIDR) of the subnet the NodeBalancer takes its backend addresses from."),
            )
            .attr(
                "ipv4_range_auto_assign",
                Attribute::bool()
                    .optional()
                    .write_only()
                    .description("Let Linode choose a /30 inside `ipv4_range` (write-only, Terraform 1.11+)."),
            ),
    )
    .optional()
    .requires_replace_if("when subnets are added or removed", move |prior, planned| {
        !planned.is_unknown() && count(prior) != count(planned)
    })
    .semantic_equality(equality::null_is_empty())
    .description(
        "VPC subnets to attach at creation, as the API reports them (`GET /nodebalancers/{id}/vpcs`: a change made \
         elsewhere shows as drift). Changing them replaces the NodeBalancer.",
    )
}

#[async_trait]
impl TypedResource for NodeBalancerResource {
    type Model = NodeBalancerModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_nodebalancer"
    }

    fn schema(&self) -> Schema {
        let computed = |text: &str| Attribute::string().computed().description(text);
        let throttle = |text: &str| {
            Attribute::number()
                .default(0)
                .validate(validators::between(0.0, 20.0))
                .description(text)
        };
        Schema::new()
            .version(1)
            .description(
                "A Linode NodeBalancer. Configure ports with `linode_nodebalancer_config` and backends with \
                 `linode_nodebalancer_node`. Import with `terraform import linode_nodebalancer.x <id>`.",
            )
            .attr("id", Attribute::string().computed().use_state_for_unknown().description("The NodeBalancer's ID."))
            .attr(
                "label",
                Attribute::string()
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .validate(label_validator())
                    .description("The label: 3-32 letters, digits, `-` and `_`. Linode generates one when it is not set."),
            )
            .attr(
                "region",
                Attribute::string()
                    .default(DEFAULT_REGION)
                    .requires_replace()
                    .validate_with_data(KnownRegion(Some("NodeBalancers")))
                    .description(
                        "The region, e.g. `us-east` (the default). It must offer NodeBalancers; the plan checks it against \
                         Linode's region list. Changing it replaces the NodeBalancer.",
                    ),
            )
            .attr(
                "type",
                Attribute::string()
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .one_of(NodeBalancerPlan::VALUES)
                    .requires_replace()
                    .description(
                        "The NodeBalancer's plan: `common` (Linode's default), `premium` or `premium_40gb`. Changing it \
                         replaces the NodeBalancer.",
                    ),
            )
            .attr(
                "client_conn_throttle",
                throttle("Connections per second allowed per client IP, 0-20 (0 disables throttling)."),
            )
            .attr(
                "client_udp_sess_throttle",
                throttle("UDP sessions per second allowed per client, 0-20 (0 disables throttling)."),
            )
            .attr(
                "firewall_id",
                Attribute::number().optional().requires_replace().semantic_equality(not_echoed()).description(
                    "The ID of a Cloud Firewall to attach at creation (read back in `firewalls`). Changing it replaces the \
                     NodeBalancer.",
                ),
            )
            .attr(
                "hostname",
                computed("The NodeBalancer's hostname (ending in ip.linodeusercontent.com).").use_state_for_unknown(),
            )
            .attr("ipv4", computed("The public IPv4 address.").use_state_for_unknown())
            .attr("ipv6", computed("The public IPv6 address.").use_state_for_unknown())
            .attr(
                "created",
                computed("When the NodeBalancer was created.")
                    .use_state_for_unknown()
                    .semantic_equality(equality::normalized(utc_timestamp)),
            )
            .attr(
                "updated",
                computed("When the NodeBalancer was last updated.").semantic_equality(equality::normalized(utc_timestamp)),
            )
            .attr(
                "tags",
                Attribute::set(Type::String)
                    .default(Value::set([]))
                    .semantic_equality(equality::case_insensitive())
                    .description("Tags for organizing the NodeBalancer (compared ignoring case)."),
            )
            .attr(
                "transfer",
                Attribute::of(transfer_type())
                    .computed()
                    .description("This month's transfer in MB: one object with `in`, `out` and `total`."),
            )
            .attr(
                "firewalls",
                Attribute::of(firewalls_type())
                    .computed()
                    .description("The Cloud Firewalls attached to the NodeBalancer, with their policies and rules."),
            )
            .attr("vpcs", vpcs_attribute())
    }

    async fn create(
        &self,
        req: Create<'_, NodeBalancerModel, LinodeState>,
        resp: &mut Applied<NodeBalancerModel>,
    ) {
        let (st, plan) = (req.data, &req.plan);
        let diags = &mut resp.diagnostics;
        let body = CreateNodeBalancer {
            region: plan
                .region
                .get()
                .cloned()
                .unwrap_or_else(|| DEFAULT_REGION.into()),
            label: plan.label.get().cloned(),
            client_conn_throttle: u32_of(&plan.client_conn_throttle),
            client_udp_sess_throttle: u32_of(&plan.client_udp_sess_throttle),
            tags: plan.tags.get().cloned(),
            firewall_id: super::api_id(&plan.firewall_id),
            plan: plan.plan.get().cloned(),
            vpcs: vpc_options(plan, &req.config),
            ..Default::default()
        };
        let nodebalancers = st.client.nodebalancers();
        // NodeBalancer labels are unique per account: after an ambiguous failure, look for it by
        // label. Without a label there is nothing to look for, so the create is not repeated.
        let created = match body.label.clone() {
            Some(label) => {
                let find = || async {
                    let filter = Filter::new().eq("label", label.clone());
                    let page = nodebalancers
                        .list(&ListParams::new().filter(filter))
                        .await?;
                    Ok(page
                        .data
                        .into_iter()
                        .filter(|nb| nb.label == label)
                        .collect())
                };
                let ownership = common::Ownership::Ids(|nb: &NodeBalancer| nb.id);
                common::create_once(
                    req.op.ctx,
                    &st.client,
                    "NodeBalancer",
                    ownership,
                    || nodebalancers.create(&body),
                    find,
                )
                .await
            }
            None => nodebalancers.create(&body).await,
        };
        let nb = match created {
            Ok(nb) => nb,
            Err(e) => {
                return common::api_error(diags, "Unable to create the NodeBalancer", &e, |f| {
                    req.op.field_path(f)
                });
            }
        };
        match fetch(&st.client, nb.id).await {
            Ok(Some(f)) => resp.set(NodeBalancerModel::from_api(&f)),
            Ok(None) => diags.error(
                "NodeBalancer vanished",
                format!("NodeBalancer {} was deleted while it was created.", nb.id),
            ),
            Err(e) => {
                // Created: keep it in state so that it is not orphaned, and report the problem.
                common::api_error_plain(
                    diags,
                    "Unable to read the new NodeBalancer's firewalls and VPCs",
                    &e,
                );
                let mut partial = NodeBalancerModel::from_api(&Fetched {
                    nb,
                    firewalls: vec![],
                    vpcs: vec![],
                });
                partial.firewalls = Val::Unknown;
                partial.vpcs = plan.vpcs.clone();
                resp.set_partial(partial);
            }
        }
    }

    async fn read(
        &self,
        req: Read<'_, NodeBalancerModel, LinodeState>,
        resp: &mut Refreshed<NodeBalancerModel>,
    ) {
        let Some(id) = nb_id(&req.state, &mut resp.diagnostics) else {
            return;
        };
        match fetch(&req.data.client, id).await {
            Ok(Some(f)) => resp.set(NodeBalancerModel::from_api(&f)),
            Ok(None) => {
                req.data.nodebalancer_configs.invalidate(&id.to_string());
                resp.remove();
            }
            Err(e) => common::api_error_plain(
                &mut resp.diagnostics,
                &format!("Unable to read NodeBalancer {id}"),
                &e,
            ),
        }
    }

    async fn update(
        &self,
        req: Update<'_, NodeBalancerModel, LinodeState>,
        resp: &mut Applied<NodeBalancerModel>,
    ) {
        let (st, plan, prior) = (req.data, &req.plan, &req.prior);
        let diags = &mut resp.diagnostics;
        let Some(id) = nb_id(prior, diags) else {
            return;
        };
        let changed_number = |p: &Val<i64>, s: &Val<i64>| if p != s { u32_of(p) } else { None };
        let body = UpdateNodeBalancer {
            label: plan
                .label
                .get()
                .filter(|_| plan.label != prior.label)
                .cloned(),
            client_conn_throttle: changed_number(
                &plan.client_conn_throttle,
                &prior.client_conn_throttle,
            ),
            client_udp_sess_throttle: changed_number(
                &plan.client_udp_sess_throttle,
                &prior.client_udp_sess_throttle,
            ),
            tags: plan.tags.get().filter(|_| plan.tags != prior.tags).cloned(),
        };
        if body != UpdateNodeBalancer::default()
            && let Err(e) = st.client.nodebalancers().update(id, &body).await
        {
            return common::api_error(
                diags,
                &format!("Unable to update NodeBalancer {id}"),
                &e,
                |f| req.op.field_path(f),
            );
        }
        match fetch(&st.client, id).await {
            Ok(Some(f)) => resp.set(NodeBalancerModel::from_api(&f)),
            Ok(None) => diags.error(
                "NodeBalancer disappeared",
                format!("NodeBalancer {id} was deleted during the update."),
            ),
            Err(e) => {
                common::api_error_plain(diags, &format!("Unable to read NodeBalancer {id}"), &e)
            }
        }
    }

    async fn delete(&self, req: Read<'_, NodeBalancerModel, LinodeState>, diags: &mut Diagnostics) {
        let Some(id) = nb_id(&req.state, diags) else {
            return;
        };
        match req.data.client.nodebalancers().delete(id).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => {
                common::api_error_plain(diags, &format!("Unable to delete NodeBalancer {id}"), &e)
            }
        }
        req.data.nodebalancer_configs.invalidate(&id.to_string());
    }

    async fn import(&self, _st: &LinodeState, req: ImportRequest, resp: &mut ImportResponse) {
        if common::parse_id(&req.id, "id", &mut resp.diagnostics).is_some() {
            resp.set_attr("id", req.id.trim());
        }
    }

    /// Version 0 (the official provider's first framework schema) stored `transfer` as a map of
    /// strings; version 1 stores a list of one object of numbers.
    async fn upgrade_state(&self, req: UpgradeStateRequest, resp: &mut UpgradeStateResponse) {
        let mut json = req.json;
        let Some(old) = json.as_object_mut() else {
            // Not an object: set_json reports it.
            return resp.set_json(&json);
        };
        let number = |v: Option<&serde_json::Value>| {
            v.and_then(|x| {
                x.as_f64()
                    .or_else(|| x.as_str().and_then(|s| s.parse().ok()))
            })
            .unwrap_or(0.0)
        };
        if let Some(serde_json::Value::Object(t)) = old.get("transfer").cloned() {
            old.insert(
                "transfer".into(),
                serde_json::json!([{ "in": number(t.get("in")), "out": number(t.get("out")), "total": number(t.get("total")) }]),
            );
        }
        // Numbers stored as strings by the SDKv2 schema before it.
        for key in [
            "client_conn_throttle",
            "client_udp_sess_throttle",
            "firewall_id",
        ] {
            if let Some(serde_json::Value::String(s)) = old.get(key).cloned() {
                old.insert(
                    key.into(),
                    s.parse::<i64>()
                        .map_or(serde_json::Value::Null, serde_json::Value::from),
                );
            }
        }
        // Attributes the schema no longer has are dropped.
        resp.set_json(&json);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::validators::Validator as _;

    #[test]
    fn labels_are_3_to_32_letters_digits_dashes_and_underscores() {
        let rejected = |s: &str| {
            let mut diags = Diagnostics::new();
            label_validator().validate(&Value::from(s), &tfplugin::AttributePath::new("label"), &Value::Null, &mut diags);
            diags.has_errors()
        };
        for ok in ["web", "web_lb-01", "ABC", &"a".repeat(32)] {
            assert!(!rejected(ok), "{ok:?} is a valid label");
        }
        for bad in ["ab", &"a".repeat(33), "web lb", "web.lb", "wéb"] {
            assert!(rejected(bad), "{bad:?} is not a valid label");
        }
    }

    #[test]
    fn utc_timestamps_compare_without_their_zone_suffix() {
        let eq = equality::normalized(utc_timestamp);
        assert!(eq(
            &Value::from("2025-01-02T03:04:05Z"),
            &Value::from("2025-01-02T03:04:05")
        ));
        assert!(eq(
            &Value::from("2025-01-02T03:04:05+00:00"),
            &Value::from("2025-01-02T03:04:05")
        ));
        assert!(!eq(
            &Value::from("2025-01-02T03:04:05Z"),
            &Value::from("2025-01-02T03:04:06")
        ));
    }
}
