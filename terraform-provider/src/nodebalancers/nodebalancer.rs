//! `linode_nodebalancer`: a NodeBalancer (managed load balancer).

use linode_sdk::models::nodebalancers::{
    CreateNodeBalancer, Firewall, FirewallRule, NodeBalancer, NodeBalancerTransfer, NodeBalancerVpcOptions,
    UpdateNodeBalancer,
};
use linode_sdk::{Client, ListParams};
use regex::Regex;
use serde::{Deserialize, Serialize};
use tfplugin::resource::{
    ApplyResponse, CreateRequest, DeleteRequest, ImportRequest, ImportResponse, ModifyPlanRequest, ReadRequest,
    ReadResponse, UpdateRequest, UpgradeStateRequest, UpgradeStateResponse,
};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::{Diagnostics, Resource, Type, Val, Value, async_trait, validators};

use crate::common;

/// The resource.
pub struct NodeBalancerResource;

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
    Type::list(Type::object([("in", Type::Number), ("out", Type::Number), ("total", Type::Number)]))
}

/// The type of `firewalls`.
pub(crate) fn firewalls_type() -> Type {
    let rule = Type::object([
        ("action", Type::String),
        ("label", Type::String),
        ("description", Type::String),
        ("protocol", Type::String),
        ("ports", Type::String),
        ("ipv4", Type::list(Type::String)),
        ("ipv6", Type::list(Type::String)),
    ]);
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

/// State and plan of `linode_nodebalancer`.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(crate) struct NodeBalancerModel {
    pub id: Val<String>,
    pub label: Val<String>,
    pub region: Val<String>,
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

/// A VPC attachment (`vpcs`), set at creation.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub(crate) struct VpcModel {
    pub subnet_id: i64,
    pub ipv4_range: Val<String>,
    pub ipv6_range: Val<String>,
    pub ipv4_range_auto_assign: Val<bool>,
}

impl NodeBalancerModel {
    /// The state for `nb` and its firewalls; `prior` supplies what the API does not echo
    /// (`firewall_id`, the firewall attached at creation) and the declared case of tags.
    pub(crate) fn from_api(prior: &NodeBalancerModel, nb: &NodeBalancer, firewalls: &[Firewall]) -> Self {
        let same_tags = |p: &[String]| {
            p.len() == nb.tags.len() && p.iter().all(|t| nb.tags.iter().any(|a| a.eq_ignore_ascii_case(t)))
        };
        NodeBalancerModel {
            id: Val::Known(nb.id.to_string()),
            label: Val::Known(nb.label.clone()),
            region: Val::Known(nb.region.clone()),
            client_conn_throttle: Val::Known(nb.client_conn_throttle.into()),
            client_udp_sess_throttle: Val::Known(nb.client_udp_sess_throttle.unwrap_or(0).into()),
            // Only set at creation (firewalls attached later, e.g. by linode_firewall, show in
            // `firewalls` and must not plan a replacement).
            firewall_id: prior.firewall_id.clone().resolve(None),
            hostname: Val::Known(nb.hostname.clone()),
            ipv4: Val::Known(nb.ipv4.clone()),
            ipv6: nb.ipv6.clone().into(),
            created: Val::Known(nb.created.clone()),
            updated: Val::Known(nb.updated.clone()),
            tags: match &prior.tags {
                Val::Known(p) if same_tags(p) => Val::Known(p.clone()),
                _ => Val::Known(nb.tags.clone()),
            },
            transfer: Val::Known(vec![TransferModel::from(&nb.transfer)]),
            firewalls: Val::Known(firewalls.iter().map(FirewallModel::from).collect()),
            // The API does not return VPC attachments with the NodeBalancer: keep the configured
            // ones (ranges Linode chose stay unset).
            vpcs: match &prior.vpcs {
                Val::Known(v) => Val::Known(
                    v.iter()
                        .map(|x| VpcModel {
                            subnet_id: x.subnet_id,
                            ipv4_range: x.ipv4_range.clone().resolve(None),
                            ipv6_range: x.ipv6_range.clone().resolve(None),
                            ipv4_range_auto_assign: Val::Null,
                        })
                        .collect(),
                ),
                _ => Val::Null,
            },
        }
    }
}

/// The `vpcs` of the create request; the write-only `ipv4_range_auto_assign` comes from the
/// configuration (plans never hold it).
fn vpc_options(plan: &NodeBalancerModel, config: &Value) -> Option<Vec<NodeBalancerVpcOptions>> {
    let vpcs = plan.vpcs.get()?;
    let configured = config.get("vpcs").and_then(Value::as_elements).unwrap_or_default();
    Some(
        vpcs.iter()
            .enumerate()
            .map(|(i, v)| NodeBalancerVpcOptions {
                subnet_id: u64::try_from(v.subnet_id).unwrap_or_default(),
                ipv4_range: v.ipv4_range.get().cloned(),
                ipv6_range: v.ipv6_range.get().cloned(),
                ipv4_range_auto_assign: configured
                    .get(i)
                    .and_then(|c| c.get("ipv4_range_auto_assign"))
                    .and_then(Value::as_bool),
            })
            .collect(),
    )
}

/// The NodeBalancer and its firewalls, `None` when it is gone.
pub(crate) async fn fetch(client: &Client, id: u64) -> Result<Option<(NodeBalancer, Vec<Firewall>)>, linode_sdk::Error> {
    let Some(nb) = client.nodebalancers().get_opt(id).await? else { return Ok(None) };
    let firewalls = match client.nodebalancers().list_firewalls(id, &ListParams::new().page_size(500)).await {
        Ok(page) => page.data,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(Some((nb, firewalls)))
}

/// The label rule of NodeBalancers: 3-32 letters, digits, `-` and `_`.
pub(crate) fn label_validator() -> impl validators::Validator {
    let re = Regex::new(r"^[a-zA-Z0-9_-]*$").expect("static regex");
    validators::from_fn("3-32 characters: letters, digits, '-' and '_'", move |v| match v.as_str() {
        Some(s) if !(3..=32).contains(&s.chars().count()) => {
            Err(format!("the label must be 3-32 characters long, got {} ({s:?})", s.chars().count()))
        }
        Some(s) if !re.is_match(s) => {
            Err(format!("the label may only contain letters, digits, '-' and '_', got {s:?}"))
        }
        _ => Ok(()),
    })
}

fn nb_id(m: &NodeBalancerModel, diags: &mut Diagnostics) -> Option<u64> {
    common::parse_id(m.id.get().map(String::as_str).unwrap_or_default(), "id", diags)
}

fn u32_of(v: &Val<i64>) -> Option<u32> {
    v.get().and_then(|n| u32::try_from(*n).ok())
}

#[async_trait]
impl Resource for NodeBalancerResource {
    fn type_name(&self) -> &str {
        "linode_nodebalancer"
    }

    fn schema(&self) -> Schema {
        let computed = |text: &str| Attribute::string().computed().description(text);
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
                    .validate(label_validator())
                    .description(
                        "The label: 3-32 letters, digits, `-` and `_`. Linode generates one when it is not set.",
                    ),
            )
            .attr(
                "region",
                Attribute::string().default("us-east").requires_replace().description(
                    "The region, e.g. `us-east` (the default). It must offer NodeBalancers; the plan checks it \
                     against Linode's region list. Changing it replaces the NodeBalancer.",
                ),
            )
            .attr(
                "client_conn_throttle",
                Attribute::number()
                    .default(0)
                    .validate(validators::between(0.0, 20.0))
                    .description("Connections per second allowed per client IP, 0-20 (0 disables throttling)."),
            )
            .attr(
                "client_udp_sess_throttle",
                Attribute::number()
                    .default(0)
                    .validate(validators::between(0.0, 20.0))
                    .description("UDP sessions per second allowed per client, 0-20 (0 disables throttling)."),
            )
            .attr(
                "firewall_id",
                Attribute::number()
                    .optional()
                    .requires_replace()
                    .description("The ID of a Cloud Firewall to attach at creation. Changing it replaces the NodeBalancer."),
            )
            .attr(
                "hostname",
                computed("The NodeBalancer's hostname (ending in ip.linodeusercontent.com).").use_state_for_unknown(),
            )
            .attr("ipv4", computed("The public IPv4 address.").use_state_for_unknown())
            .attr("ipv6", computed("The public IPv6 address.").use_state_for_unknown())
            .attr("created", computed("When the NodeBalancer was created.").use_state_for_unknown())
            .attr("updated", computed("When the NodeBalancer was last updated."))
            .attr(
                "tags",
                Attribute::set(Type::String)
                    .default(Value::set([]))
                    .description("Tags for organizing the NodeBalancer (compared case-insensitively)."),
            )
            .attr(
                "transfer",
                Attribute::of(transfer_type())
                    .computed()
                    .description("This month's transfer in MB: one object with `in`, `out` and `total`."),
            )
            .attr(
                "firewalls",
                Attribute::of(firewalls_type()).computed().description(
                    "The Cloud Firewalls attached to the NodeBalancer, with their policies and rules.",
                ),
            )
            .attr(
                "vpcs",
                Attribute::list_nested(
                    Schema::new()
                        .attr(
                            "subnet_id",
                            Attribute::number().required().description("The VPC subnet to attach the NodeBalancer to."),
                        )
                        .attr(
                            "ipv4_range",
                            Attribute::string()
                                .optional()
                                .computed()
                                .description("The IPv4 range (CIDR) of the subnet the NodeBalancer uses."),
                        )
                        .attr(
                            "ipv6_range",
                            Attribute::string()
                                .optional()
                                .computed()
                                .description("The IPv6 range (CIDR) of the subnet the NodeBalancer uses."),
                        )
                        .attr(
                            "ipv4_range_auto_assign",
                            Attribute::bool()
                                .optional()
                                .write_only()
                                .description("Let Linode choose the IPv4 range (write-only, Terraform 1.11+)."),
                        ),
                )
                .optional()
                .requires_replace()
                .description(
                    "VPC subnets to attach at creation (API v4beta). Changing them replaces the NodeBalancer.",
                ),
            )
    }

    async fn modify_plan(&self, req: &mut ModifyPlanRequest, diags: &mut Diagnostics) {
        let Some(region) = req.plan.get("region").and_then(Value::as_str).map(str::to_string) else {
            return; // unknown (from another resource): checked at apply
        };
        let unchanged = req.state.get("region").and_then(Value::as_str) == Some(region.as_str());
        if unchanged {
            return;
        }
        let Some(st) = common::state(&req.ctx, diags) else { return };
        st.catalog.check_region(&st.client, &region, Some("NodeBalancers"), "region", diags).await;
    }

    async fn create(&self, req: CreateRequest, resp: &mut ApplyResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(st), Some(plan)) = (common::state(&req.ctx, diags), req.plan_as::<NodeBalancerModel>(diags)) else {
            return;
        };
        let body = CreateNodeBalancer {
            region: plan.region.get().cloned().unwrap_or_else(|| "us-east".into()),
            label: plan.label.get().cloned(),
            client_conn_throttle: u32_of(&plan.client_conn_throttle),
            client_udp_sess_throttle: u32_of(&plan.client_udp_sess_throttle),
            tags: plan.tags.get().cloned(),
            firewall_id: plan.firewall_id.get().and_then(|f| u64::try_from(*f).ok()),
            vpcs: vpc_options(&plan, &req.config),
            ..Default::default()
        };
        let nodebalancers = st.client.nodebalancers();
        // NodeBalancer labels are unique per account: after an ambiguous failure, look for it by
        // label. Without a label there is nothing to look for, so the create is not repeated.
        let created = match body.label.clone() {
            Some(label) => {
                let find = || async {
                    let filter = linode_sdk::Filter::new().eq("label", label.clone());
                    let page = nodebalancers.list(&linode_sdk::ListParams::new().filter(filter)).await?;
                    Ok(page.data.into_iter().filter(|nb| nb.label == label).collect())
                };
                let ownership = common::Ownership::Ids(|nb: &linode_sdk::models::nodebalancers::NodeBalancer| nb.id);
                common::create_once(&req.ctx, &st.client, "NodeBalancer", ownership, || nodebalancers.create(&body), find).await
            }
            None => nodebalancers.create(&body).await,
        };
        let nb = match created {
            Ok(nb) => nb,
            Err(e) => return common::api_error(diags, "Unable to create the NodeBalancer", &e, common::same_name),
        };
        let firewalls = match fetch(&st.client, nb.id).await {
            Ok(Some((_, fw))) => fw,
            Ok(None) => Vec::new(),
            Err(e) => {
                // Created: keep it in state so that it is not orphaned, and report the problem.
                diags.warning("Unable to list the NodeBalancer's firewalls", e.to_string());
                Vec::new()
            }
        };
        resp.set_state(&NodeBalancerModel::from_api(&plan, &nb, &firewalls));
    }

    async fn read(&self, req: ReadRequest, resp: &mut ReadResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(st), Some(prior)) = (common::state(&req.ctx, diags), req.state_as::<NodeBalancerModel>(diags)) else {
            return;
        };
        let Some(id) = nb_id(&prior, diags) else { return };
        match fetch(&st.client, id).await {
            Ok(Some((nb, fw))) => resp.set_state(&NodeBalancerModel::from_api(&prior, &nb, &fw)),
            Ok(None) => {
                st.nodebalancer_configs.invalidate(&id.to_string());
                resp.remove();
            }
            Err(e) => common::api_error_plain(diags, &format!("Unable to read NodeBalancer {id}"), &e),
        }
    }

    async fn update(&self, req: UpdateRequest, resp: &mut ApplyResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(st), Some(plan), Some(prior)) = (
            common::state(&req.ctx, diags),
            req.plan_as::<NodeBalancerModel>(diags),
            req.state_as::<NodeBalancerModel>(diags),
        ) else {
            return;
        };
        let Some(id) = nb_id(&prior, diags) else { return };
        let changed_number = |p: &Val<i64>, s: &Val<i64>| if p != s { u32_of(p) } else { None };
        let body = UpdateNodeBalancer {
            label: plan.label.get().filter(|_| plan.label != prior.label).cloned(),
            client_conn_throttle: changed_number(&plan.client_conn_throttle, &prior.client_conn_throttle),
            client_udp_sess_throttle: changed_number(&plan.client_udp_sess_throttle, &prior.client_udp_sess_throttle),
            tags: plan.tags.get().filter(|_| plan.tags != prior.tags).cloned(),
        };
        if let Err(e) = st.client.nodebalancers().update(id, &body).await {
            return common::api_error(diags, &format!("Unable to update NodeBalancer {id}"), &e, common::same_name);
        }
        match fetch(&st.client, id).await {
            Ok(Some((nb, fw))) => resp.set_state(&NodeBalancerModel::from_api(&plan, &nb, &fw)),
            Ok(None) => diags.error("NodeBalancer disappeared", format!("NodeBalancer {id} was deleted during the update.")),
            Err(e) => common::api_error_plain(diags, &format!("Unable to read NodeBalancer {id}"), &e),
        }
    }

    async fn delete(&self, req: DeleteRequest, diags: &mut Diagnostics) {
        let (Some(st), Some(prior)) = (common::state(&req.ctx, diags), req.state_as::<NodeBalancerModel>(diags)) else {
            return;
        };
        let Some(id) = nb_id(&prior, diags) else { return };
        match st.client.nodebalancers().delete(id).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => common::api_error_plain(diags, &format!("Unable to delete NodeBalancer {id}"), &e),
        }
        st.nodebalancer_configs.invalidate(&id.to_string());
    }

    async fn import(&self, req: ImportRequest, resp: &mut ImportResponse) {
        if common::parse_id(&req.id, "id", &mut resp.diagnostics).is_some() {
            resp.set_attr("id", req.id.trim());
        }
    }

    /// Version 0 stored `transfer` as a single object (a map); version 1 stores a list of one.
    async fn upgrade_state(&self, req: UpgradeStateRequest, resp: &mut UpgradeStateResponse) {
        if req.version != 0 {
            resp.diagnostics.error(
                "Unable to upgrade resource state",
                format!("linode_nodebalancer has no state upgrade from schema version {}.", req.version),
            );
            return;
        }
        let serde_json::Value::Object(mut old) = req.json else {
            resp.diagnostics.error("Unable to upgrade resource state", "The stored state is not a JSON object.");
            return;
        };
        let schema = self.schema();
        old.retain(|k, _| schema.attribute(k).is_some());
        let number = |v: Option<&serde_json::Value>| {
            v.and_then(|x| x.as_f64().or_else(|| x.as_str().and_then(|s| s.parse().ok()))).unwrap_or(0.0)
        };
        if let Some(serde_json::Value::Object(t)) = old.get("transfer").cloned() {
            old.insert(
                "transfer".into(),
                serde_json::json!([{ "in": number(t.get("in")), "out": number(t.get("out")), "total": number(t.get("total")) }]),
            );
        }
        // Numbers stored as strings by the old SDK-based schema.
        for key in ["client_conn_throttle", "client_udp_sess_throttle", "firewall_id"] {
            if let Some(serde_json::Value::String(s)) = old.get(key).cloned() {
                old.insert(key.into(), s.parse::<i64>().map_or(serde_json::Value::Null, serde_json::Value::from));
            }
        }
        let bytes = serde_json::to_vec(&serde_json::Value::Object(old)).unwrap_or_default();
        match Value::from_json(&bytes, &schema.value_type()) {
            Ok(v) => resp.state = v,
            Err(e) => resp.diagnostics.push(e.into()),
        }
    }
}
