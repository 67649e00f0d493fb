//! `linode_nodebalancer_node`: a backend of a NodeBalancer config.

use std::net::SocketAddrV4;
use std::sync::Arc;

use futures::TryStreamExt;
use linode_sdk::ListParams;
use linode_sdk::models::nodebalancers::{CreateNodeBalancerNode, NodeBalancerNode, NodeMode, UpdateNodeBalancerNode};
use serde::{Deserialize, Serialize};
use tfplugin::resource::{
    ApplyResponse, CreateRequest, DeleteRequest, ImportRequest, ImportResponse, ReadRequest, ReadResponse,
    UpdateRequest,
};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::{Diagnostics, Resource, Val, async_trait, validators};

use crate::{LinodeState, common};

/// The resource.
pub struct NodeBalancerNodeResource;

/// State and plan of `linode_nodebalancer_node`.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(crate) struct NodeModel {
    pub id: Val<String>,
    pub nodebalancer_id: Val<i64>,
    pub config_id: Val<i64>,
    pub label: Val<String>,
    pub address: Val<String>,
    pub subnet_id: Val<i64>,
    pub vpc_config_id: Val<i64>,
    pub weight: Val<i64>,
    pub mode: Val<String>,
    pub status: Val<String>,
}

impl NodeModel {
    fn from_api(prior: &NodeModel, n: &NodeBalancerNode) -> Self {
        NodeModel {
            id: Val::Known(n.id.to_string()),
            nodebalancer_id: Val::Known(n.nodebalancer_id as i64),
            config_id: Val::Known(n.config_id as i64),
            label: Val::Known(n.label.clone()),
            address: Val::Known(n.address.clone()),
            // `subnet_id` is request-only: the API answers `vpc_config_id`.
            subnet_id: prior.subnet_id.clone().resolve(None),
            vpc_config_id: n.vpc_config_id.map_or(Val::Null, |v| Val::Known(v as i64)),
            weight: Val::Known(n.weight.into()),
            mode: Val::Known(n.mode.as_str().to_string()),
            status: Val::Known(n.status.as_str().to_string()),
        }
    }
}

/// The address rule: `PRIVATE_IPV4:PORT`.
fn address_validator() -> impl validators::Validator {
    validators::from_fn("a private IPv4 address and port, e.g. 192.168.10.5:80", |v| match v.as_str() {
        Some(s) => match s.parse::<SocketAddrV4>() {
            Ok(a) if a.ip().is_private() && a.port() > 0 => Ok(()),
            Ok(a) if a.port() == 0 => Err(format!("{s:?} needs a port between 1 and 65535")),
            Ok(_) => Err(format!(
                "{s:?} is not a private address: NodeBalancers reach backends over private IPv4 (10.0.0.0/8, \
                 172.16.0.0/12, 192.168.0.0/16), e.g. 192.168.10.5:80"
            )),
            Err(_) => Err(format!("{s:?} must be PRIVATE_IP:PORT, e.g. 192.168.10.5:80")),
        },
        None => Ok(()),
    })
}

/// The key of a config's nodes in the listing cache.
fn cache_key(nb: u64, config: u64) -> String {
    format!("{nb},{config}")
}

/// The nodes of a config, from the per-process listing cache.
async fn cached_nodes(st: &LinodeState, nb: u64, config: u64) -> Result<Arc<Vec<NodeBalancerNode>>, linode_sdk::Error> {
    let client = st.client.clone();
    st.nodebalancer_nodes
        .get_or_list(&cache_key(nb, config), || async move {
            client.nodebalancers().list_all_nodes(nb, config, ListParams::new().page_size(500)).try_collect().await
        })
        .await
}

fn parents(m: &NodeModel, diags: &mut Diagnostics) -> Option<(u64, u64)> {
    let nb = m.nodebalancer_id.get().and_then(|n| u64::try_from(*n).ok());
    let config = m.config_id.get().and_then(|n| u64::try_from(*n).ok());
    match (nb, config) {
        (Some(nb), Some(config)) => Some((nb, config)),
        (None, _) => {
            diags.error_at("nodebalancer_id", "Invalid nodebalancer_id", "nodebalancer_id must be a positive number.");
            None
        }
        (_, None) => {
            diags.error_at("config_id", "Invalid config_id", "config_id must be a positive number.");
            None
        }
    }
}

fn ids(m: &NodeModel, diags: &mut Diagnostics) -> Option<(u64, u64, u64)> {
    let (nb, config) = parents(m, diags)?;
    let id = common::parse_id(m.id.get().map(String::as_str).unwrap_or_default(), "id", diags)?;
    Some((nb, config, id))
}

/// Forgets the listings a node change affects (the config's nodes and its node counts).
fn invalidate(st: &LinodeState, nb: u64, config: u64) {
    st.nodebalancer_nodes.invalidate(&cache_key(nb, config));
    st.nodebalancer_configs.invalidate(&nb.to_string());
}

#[async_trait]
impl Resource for NodeBalancerNodeResource {
    fn type_name(&self) -> &str {
        "linode_nodebalancer_node"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .description(
                "A backend of a NodeBalancer config. Import with \
                 `terraform import linode_nodebalancer_node.x <nodebalancer_id>,<config_id>,<id>`. When the backing \
                 Linode is replaced, Linode deletes the node: use `replace_triggered_by` on the instance.",
            )
            .attr("id", Attribute::string().computed().use_state_for_unknown().description("The node's ID."))
            .attr(
                "nodebalancer_id",
                Attribute::number().required().requires_replace().description("The ID of the NodeBalancer."),
            )
            .attr(
                "config_id",
                Attribute::number().required().requires_replace().description("The ID of the NodeBalancer config."),
            )
            .attr(
                "label",
                Attribute::string()
                    .required()
                    .validate(validators::length_between(3, 32))
                    .description("The node's label, 3-32 characters."),
            )
            .attr(
                "address",
                Attribute::string()
                    .required()
                    .validate(address_validator())
                    .description("The backend's private IPv4 address and port, e.g. `192.168.10.5:80`."),
            )
            .attr(
                "subnet_id",
                Attribute::number()
                    .optional()
                    .requires_replace()
                    .description("The VPC subnet of the backend (VPC NodeBalancers). Changing it replaces the node."),
            )
            .attr(
                "vpc_config_id",
                Attribute::number().computed().description("The NodeBalancer VPC configuration of a VPC backend."),
            )
            .attr(
                "weight",
                Attribute::number()
                    .optional()
                    .computed()
                    .validate(validators::between(1.0, 255.0))
                    .description("The share of traffic relative to other nodes, 1-255."),
            )
            .attr(
                "mode",
                Attribute::string()
                    .optional()
                    .computed()
                    .validate(validators::one_of(&["accept", "reject", "drain", "backup"]))
                    .description(
                        "`accept` (takes traffic), `reject`, `drain` (no new connections) or `backup` (only when \
                         every accept node is down).",
                    ),
            )
            .attr("status", Attribute::string().computed().description("Health: `UP`, `DOWN` or `unknown`."))
    }

    async fn create(&self, req: CreateRequest, resp: &mut ApplyResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(st), Some(plan)) = (common::state(&req.ctx, diags), req.plan_as::<NodeModel>(diags)) else {
            return;
        };
        let Some((nb, config)) = parents(&plan, diags) else { return };
        let body = CreateNodeBalancerNode {
            address: plan.address.get().cloned().unwrap_or_default(),
            label: plan.label.get().cloned().unwrap_or_default(),
            weight: plan.weight.get().and_then(|w| u32::try_from(*w).ok()),
            mode: plan.mode.get().map(|m| NodeMode::from(m.as_str())),
            subnet_id: plan.subnet_id.get().and_then(|s| u64::try_from(*s).ok()),
        };
        let result = st.client.nodebalancers().create_node(nb, config, &body).await;
        invalidate(st, nb, config);
        match result {
            Ok(n) => resp.set_state(&NodeModel::from_api(&plan, &n)),
            Err(e) => common::api_error(diags, "Unable to create the NodeBalancer node", &e, common::same_name),
        }
    }

    async fn read(&self, req: ReadRequest, resp: &mut ReadResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(st), Some(prior)) = (common::state(&req.ctx, diags), req.state_as::<NodeModel>(diags)) else {
            return;
        };
        let Some((nb, config, id)) = ids(&prior, diags) else { return };
        match cached_nodes(st, nb, config).await {
            Ok(nodes) => match nodes.iter().find(|n| n.id == id) {
                Some(n) => resp.set_state(&NodeModel::from_api(&prior, n)),
                None => resp.remove(),
            },
            Err(e) if e.is_not_found() => resp.remove(),
            Err(e) => common::api_error_plain(diags, &format!("Unable to list the nodes of config {config}"), &e),
        }
    }

    async fn update(&self, req: UpdateRequest, resp: &mut ApplyResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(st), Some(plan), Some(prior)) = (
            common::state(&req.ctx, diags),
            req.plan_as::<NodeModel>(diags),
            req.state_as::<NodeModel>(diags),
        ) else {
            return;
        };
        let Some((nb, config, id)) = ids(&prior, diags) else { return };
        let body = UpdateNodeBalancerNode {
            address: plan.address.get().cloned(),
            label: plan.label.get().cloned(),
            weight: plan.weight.get().and_then(|w| u32::try_from(*w).ok()),
            mode: plan.mode.get().map(|m| NodeMode::from(m.as_str())),
            subnet_id: None,
        };
        let result = st.client.nodebalancers().update_node(nb, config, id, &body).await;
        invalidate(st, nb, config);
        match result {
            Ok(n) => resp.set_state(&NodeModel::from_api(&plan, &n)),
            Err(e) => common::api_error(diags, &format!("Unable to update NodeBalancer node {id}"), &e, common::same_name),
        }
    }

    async fn delete(&self, req: DeleteRequest, diags: &mut Diagnostics) {
        let (Some(st), Some(prior)) = (common::state(&req.ctx, diags), req.state_as::<NodeModel>(diags)) else {
            return;
        };
        let Some((nb, config, id)) = ids(&prior, diags) else { return };
        match st.client.nodebalancers().delete_node(nb, config, id).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => common::api_error_plain(diags, &format!("Unable to delete NodeBalancer node {id}"), &e),
        }
        invalidate(st, nb, config);
    }

    async fn import(&self, req: ImportRequest, resp: &mut ImportResponse) {
        let Some([nb, config, id]) =
            common::parse_import_ids::<3>(&req.id, "<nodebalancer_id>,<config_id>,<id>", &mut resp.diagnostics)
        else {
            return;
        };
        resp.set_attr("nodebalancer_id", nb);
        resp.set_attr("config_id", config);
        resp.set_attr("id", id.to_string());
    }
}
