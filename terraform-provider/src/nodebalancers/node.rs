//! `linode_nodebalancer_node`: a backend of a NodeBalancer config.

use std::net::SocketAddrV4;
use std::sync::Arc;

use futures::TryStreamExt;
use linode_sdk::ListParams;
use linode_sdk::models::nodebalancers::{
    CreateNodeBalancerNode, NodeBalancerNode, NodeBalancerVpcConfig, NodeMode, NodeStatus,
    UpdateNodeBalancerNode,
};
use serde::{Deserialize, Serialize};
use tfplugin::resource::{ImportRequest, ImportResponse};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{Applied, Create, Read, Refreshed, TypedResource, Update};
use tfplugin::{Diagnostics, Val, Value, async_trait, validators};

use super::api_id;
use crate::{LinodeState, common};

/// `linode_nodebalancer_node`.
pub(crate) struct NodeResource;

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
    pub mode: Val<NodeMode>,
    pub status: Val<NodeStatus>,
}

impl NodeModel {
    /// The state the API describes. `subnet_id` is request-only: the API answers
    /// `vpc_config_id`, whose VPC configuration (`vpc`, looked up by the caller) names the subnet.
    pub(crate) fn from_api(n: &NodeBalancerNode, vpc: Option<&NodeBalancerVpcConfig>) -> Self {
        NodeModel {
            id: Val::Known(n.id.to_string()),
            nodebalancer_id: Val::Known(n.nodebalancer_id as i64),
            config_id: Val::Known(n.config_id as i64),
            label: Val::Known(n.label.clone()),
            address: Val::Known(n.address.clone()),
            subnet_id: vpc.map(|v| v.subnet_id as i64).into(),
            vpc_config_id: n.vpc_config_id.map(|v| v as i64).into(),
            weight: Val::Known(n.weight.into()),
            mode: Val::Known(n.mode.clone()),
            status: Val::Known(n.status.clone()),
        }
    }
}

/// The VPC configuration a VPC backend goes through; `None` for a backend outside VPCs or when
/// the configuration is gone.
pub(crate) async fn vpc_config_of(
    st: &LinodeState,
    n: &NodeBalancerNode,
) -> Result<Option<NodeBalancerVpcConfig>, linode_sdk::Error> {
    match n.vpc_config_id {
        Some(id) => {
            st.client
                .nodebalancers()
                .get_vpc_config_opt(n.nodebalancer_id, id)
                .await
        }
        None => Ok(None),
    }
}

/// The state of `n`, with the subnet of its VPC configuration.
async fn model(st: &LinodeState, n: &NodeBalancerNode) -> Result<NodeModel, linode_sdk::Error> {
    Ok(NodeModel::from_api(n, vpc_config_of(st, n).await?.as_ref()))
}

/// The address rule: `PRIVATE_IPV4:PORT`.
fn address_validator() -> impl validators::Validator {
    validators::from_fn(
        "a private IPv4 address and port, e.g. 192.168.10.5:80",
        |v| match v.as_str() {
            Some(s) => match s.parse::<SocketAddrV4>() {
                Ok(a) if a.ip().is_private() && a.port() > 0 => Ok(()),
                Ok(a) if a.port() == 0 => Err(format!("{s:?} needs a port between 1 and 65535")),
                Ok(_) => Err(format!(
                    "{s:?} is not a private address: NodeBalancers reach backends over private IPv4 (10.0.0.0/8, \
                 172.16.0.0/12, 192.168.0.0/16), e.g. 192.168.10.5:80"
                )),
                Err(_) => Err(format!(
                    "{s:?} must be PRIVATE_IP:PORT, e.g. 192.168.10.5:80"
                )),
            },
            None => Ok(()),
        },
    )
}

/// The key of a config's nodes in the listing cache.
fn cache_key(nb: u64, config: u64) -> String {
    format!("{nb},{config}")
}

/// The nodes of a config, from the per-process listing cache.
async fn cached_nodes(
    st: &LinodeState,
    nb: u64,
    config: u64,
) -> Result<Arc<Vec<NodeBalancerNode>>, linode_sdk::Error> {
    let client = st.client.clone();
    st.nodebalancer_nodes
        .get_or_list(&cache_key(nb, config), || async move {
            client
                .nodebalancers()
                .list_all_nodes(nb, config, ListParams::new().page_size(500))
                .try_collect()
                .await
        })
        .await
}

fn parents(m: &NodeModel, diags: &mut Diagnostics) -> Option<(u64, u64)> {
    match (api_id(&m.nodebalancer_id), api_id(&m.config_id)) {
        (Some(nb), Some(config)) => Some((nb, config)),
        (None, _) => {
            diags.error_at(
                "nodebalancer_id",
                "Invalid nodebalancer_id",
                "nodebalancer_id must be a positive number.",
            );
            None
        }
        (_, None) => {
            diags.error_at(
                "config_id",
                "Invalid config_id",
                "config_id must be a positive number.",
            );
            None
        }
    }
}

fn ids(m: &NodeModel, diags: &mut Diagnostics) -> Option<(u64, u64, u64)> {
    let (nb, config) = parents(m, diags)?;
    let id = common::parse_id(
        m.id.get().map(String::as_str).unwrap_or_default(),
        "id",
        diags,
    )?;
    Some((nb, config, id))
}

/// Forgets the listings a node change affects (the config's nodes and its node counts).
fn invalidate(st: &LinodeState, nb: u64, config: u64) {
    st.nodebalancer_nodes.invalidate(&cache_key(nb, config));
    st.nodebalancer_configs.invalidate(&nb.to_string());
}

#[async_trait]
impl TypedResource for NodeResource {
    type Model = NodeModel;
    type Data = LinodeState;

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
                Attribute::number().optional().requires_replace().description(
                    "The VPC subnet of the backend (NodeBalancers with `vpcs`), read back from the node's VPC \
                     configuration. Changing it replaces the node.",
                ),
            )
            .attr(
                "vpc_config_id",
                Attribute::number()
                    .computed()
                    .use_state_for_unknown()
                    .description("The NodeBalancer VPC configuration of a VPC backend."),
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
                Attribute::string().optional().computed().one_of(NodeMode::VALUES).description(
                    "`accept` (takes traffic), `reject`, `drain` (no new connections) or `backup` (only when every \
                     accept node is down).",
                ),
            )
            .attr("status", Attribute::string().computed().description("Health: `UP`, `DOWN` or `unknown`."))
    }

    async fn create(&self, req: Create<'_, NodeModel, LinodeState>, resp: &mut Applied<NodeModel>) {
        let (st, plan) = (req.data, &req.plan);
        let diags = &mut resp.diagnostics;
        let Some((nb, config)) = parents(plan, diags) else {
            return;
        };
        let body = CreateNodeBalancerNode {
            address: plan.address.get().cloned().unwrap_or_default(),
            label: plan.label.get().cloned().unwrap_or_default(),
            weight: plan.weight.get().and_then(|w| u32::try_from(*w).ok()),
            mode: plan.mode.get().cloned(),
            subnet_id: api_id(&plan.subnet_id),
        };
        let result = st
            .client
            .nodebalancers()
            .create_node(nb, config, &body)
            .await;
        invalidate(st, nb, config);
        let node = match result {
            Ok(n) => n,
            Err(e) => {
                return common::api_error(
                    diags,
                    "Unable to create the NodeBalancer node",
                    &e,
                    |f| req.op.field_path(f),
                );
            }
        };
        match model(st, &node).await {
            Ok(m) => resp.set(m),
            Err(e) => {
                common::api_error_plain(diags, "Unable to read the node's VPC configuration", &e);
                resp.set_partial(NodeModel::from_api(&node, None));
            }
        }
    }

    async fn read(&self, req: Read<'_, NodeModel, LinodeState>, resp: &mut Refreshed<NodeModel>) {
        let diags = &mut resp.diagnostics;
        let Some((nb, config, id)) = ids(&req.state, diags) else {
            return;
        };
        let found = match cached_nodes(req.data, nb, config).await {
            Ok(nodes) => nodes.iter().find(|n| n.id == id).cloned(),
            Err(e) if e.is_not_found() => None,
            Err(e) => {
                return common::api_error_plain(
                    diags,
                    &format!("Unable to list the nodes of config {config}"),
                    &e,
                );
            }
        };
        let Some(node) = found else {
            return resp.remove();
        };
        match model(req.data, &node).await {
            Ok(m) => resp.set(m),
            Err(e) => common::api_error_plain(
                diags,
                &format!("Unable to read the VPC configuration of node {id}"),
                &e,
            ),
        }
    }

    async fn update(&self, req: Update<'_, NodeModel, LinodeState>, resp: &mut Applied<NodeModel>) {
        let (st, plan) = (req.data, &req.plan);
        let diags = &mut resp.diagnostics;
        let Some((nb, config, id)) = ids(&req.prior, diags) else {
            return;
        };
        let body = UpdateNodeBalancerNode {
            address: plan.address.get().cloned(),
            label: plan.label.get().cloned(),
            weight: plan.weight.get().and_then(|w| u32::try_from(*w).ok()),
            mode: plan.mode.get().cloned(),
            subnet_id: None,
        };
        let result = st
            .client
            .nodebalancers()
            .update_node(nb, config, id, &body)
            .await;
        invalidate(st, nb, config);
        let node = match result {
            Ok(n) => n,
            Err(e) => {
                return common::api_error(
                    diags,
                    &format!("Unable to update NodeBalancer node {id}"),
                    &e,
                    |f| req.op.field_path(f),
                );
            }
        };
        match model(st, &node).await {
            Ok(m) => resp.set(m),
            Err(e) => common::api_error_plain(
                diags,
                &format!("Unable to read the VPC configuration of node {id}"),
                &e,
            ),
        }
    }

    async fn delete(&self, req: Read<'_, NodeModel, LinodeState>, diags: &mut Diagnostics) {
        let st = req.data;
        let Some((nb, config, id)) = ids(&req.state, diags) else {
            return;
        };
        match st.client.nodebalancers().delete_node(nb, config, id).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => common::api_error_plain(
                diags,
                &format!("Unable to delete NodeBalancer node {id}"),
                &e,
            ),
        }
        invalidate(st, nb, config);
    }

    async fn import(&self, _st: &LinodeState, req: ImportRequest, resp: &mut ImportResponse) {
        let Some([nb, config, id]) = common::parse_import_ids::<3>(
            &req.id,
            "<nodebalancer_id>,<config_id>,<id>",
            &mut resp.diagnostics,
        ) else {
            return;
        };
        resp.set_attr("nodebalancer_id", Value::from(nb as i64));
        resp.set_attr("config_id", Value::from(config as i64));
        resp.set_attr("id", id.to_string());
    }
}
