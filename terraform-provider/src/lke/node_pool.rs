//! `linode_lke_node_pool`: a node pool managed apart from its cluster. Give it a tag listed in
//! the cluster's `external_pool_tags` so that the cluster resource leaves it alone.

use std::collections::BTreeMap;
use std::time::Duration;

use linode_sdk::models::linode_types::LinodeClass;
use serde::{Deserialize, Serialize};
use tfplugin::resource::{
    ApplyResponse, CreateRequest, DeleteRequest, ImportRequest, ImportResponse, ModifyPlanRequest,
    ReadRequest, ReadResponse, UpdateRequest, ValidateRequest,
};
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::{
    AttributePath, Context, Diagnostics, Resource, Type, Val, Value, async_trait, validators,
};

use super::cluster::{PoolModel, create_pool_request, pool_from_api, pool_update_request};
use super::{
    AutoscalerModel, NodeModel, TaintModel, cluster_pools, nodes_type, taint_block, wait_options,
};
use crate::LinodeState;
use crate::common;

/// How long create and update wait for the pool's nodes.
const READY_TIMEOUT: Duration = Duration::from_secs(25 * 60);

/// `linode_lke_node_pool`.
pub(crate) struct NodePoolResource;

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
struct NodePoolModel {
    id: Val<String>,
    cluster_id: Val<i64>,
    label: Val<String>,
    firewall_id: Val<i64>,
    node_count: Val<i64>,
    #[serde(rename = "type")]
    node_type: Val<String>,
    disk_encryption: Val<String>,
    tags: Val<Vec<String>>,
    nodes: Val<Vec<NodeModel>>,
    labels: Val<BTreeMap<String, String>>,
    k8s_version: Val<String>,
    update_strategy: Val<String>,
    autoscaler: Vec<AutoscalerModel>,
    taint: Vec<TaintModel>,
}

impl NodePoolModel {
    fn as_pool(&self) -> PoolModel {
        PoolModel {
            id: self.id.get().and_then(|s| s.parse().ok()).into(),
            label: self.label.clone(),
            count: self.node_count.clone(),
            node_type: self.node_type.clone(),
            firewall_id: self.firewall_id.clone(),
            labels: self.labels.clone(),
            taint: self.taint.clone(),
            tags: self.tags.clone(),
            disk_encryption: self.disk_encryption.clone(),
            nodes: self.nodes.clone(),
            autoscaler: self.autoscaler.clone(),
            k8s_version: self.k8s_version.clone(),
            update_strategy: self.update_strategy.clone(),
        }
    }

    fn from_pool(cluster_id: u64, p: PoolModel) -> NodePoolModel {
        NodePoolModel {
            id: p.id.map(|i| i.to_string()),
            cluster_id: Val::Known(cluster_id as i64),
            label: p.label,
            firewall_id: p.firewall_id,
            node_count: p.count,
            node_type: p.node_type,
            disk_encryption: p.disk_encryption,
            // tags and labels are optional+computed here: always known.
            tags: Val::Known(p.tags.get().cloned().unwrap_or_default()),
            nodes: p.nodes,
            labels: Val::Known(p.labels.get().cloned().unwrap_or_default()),
            k8s_version: p.k8s_version,
            update_strategy: p.update_strategy,
            autoscaler: p.autoscaler,
            taint: p.taint,
        }
    }
}

fn ids(m: &NodePoolModel, diags: &mut Diagnostics) -> Option<(u64, u64)> {
    let cluster = m.cluster_id.get().copied().filter(|c| *c > 0);
    let Some(cluster) = cluster else {
        diags.error_at(
            "cluster_id",
            "Invalid cluster ID",
            "The node pool has no cluster ID.",
        );
        return None;
    };
    let id = common::parse_id(m.id.get().map_or("", String::as_str), "id", diags)?;
    Some((cluster as u64, id))
}

/// The pool from the cluster's (cached) pool listing; `Ok(None)` when it or the cluster is gone.
async fn find_pool(
    state: &LinodeState,
    cluster_id: u64,
    id: u64,
    prior: &NodePoolModel,
) -> Result<Option<NodePoolModel>, linode_sdk::Error> {
    let pools = match cluster_pools(state, cluster_id).await {
        Ok(p) => p,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    let prior_pool = prior.as_pool();
    Ok(pools
        .iter()
        .find(|p| p.id == id)
        .map(|p| NodePoolModel::from_pool(cluster_id, pool_from_api(p, Some(&prior_pool)))))
}

async fn wait_ready(
    state: &LinodeState,
    ctx: &Context,
    cluster_id: u64,
    id: u64,
    target: u32,
    diags: &mut Diagnostics,
) {
    tracing::info!(
        cluster_id,
        pool_id = id,
        target,
        "waiting for LKE pool nodes to be ready"
    );
    let opts = wait_options(state, ctx, READY_TIMEOUT);
    if let Err(e) = state
        .client
        .lke()
        .wait_for_pool_count(cluster_id, id, target, &opts)
        .await
    {
        diags.error(
            format!("LKE node pool {id} did not become ready"),
            e.to_string(),
        );
    }
}

/// The node count the API should reach: the configured count, or the autoscaler's minimum.
fn target(m: &NodePoolModel, api_count: Option<u32>) -> u32 {
    if m.autoscaler.is_empty() {
        m.node_count
            .get()
            .map_or(api_count.unwrap_or(1), |c| *c as u32)
    } else {
        api_count.unwrap_or_else(|| m.autoscaler[0].min.get().copied().unwrap_or(1) as u32)
    }
}

#[async_trait]
impl Resource for NodePoolResource {
    fn type_name(&self) -> &str {
        "linode_lke_node_pool"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .description(
                "Manages a node pool of an LKE cluster separately from the cluster. Tag it with one of the cluster's \
                 `external_pool_tags` so that `linode_lke_cluster` ignores it. Create and update wait until the pool's \
                 nodes are ready.",
            )
            .attr("id", Attribute::string().computed().use_state_for_unknown().description("The ID of the node pool."))
            .attr("cluster_id", Attribute::number().required().requires_replace().description("The ID of the LKE cluster."))
            .attr("label", Attribute::string().default("").description("The label of the node pool."))
            .attr("firewall_id", Attribute::number().optional().computed().description("The ID of the Cloud Firewall of the nodes."))
            .attr(
                "node_count",
                Attribute::number()
                    .optional()
                    .computed()
                    .validate(validators::between(1.0, 100.0))
                    .description(
                        "The number of nodes. Optional with `autoscaler` (the pool starts with `autoscaler.min` nodes and \
                         the autoscaler's changes never show as drift).",
                    ),
            )
            .attr("type", Attribute::string().required().requires_replace().description("The Linode type of the nodes, e.g. `g6-standard-2`."))
            .attr(
                "disk_encryption",
                Attribute::string()
                    .optional()
                    .computed()
                    .validate(validators::one_of(&["enabled", "disabled"]))
                    .requires_replace_if("when configured", |_, planned| planned.is_known() && !planned.is_null())
                    .description("Local disk encryption: `enabled` or `disabled`. Changing it replaces the pool."),
            )
            .attr("tags", Attribute::set(Type::String).default(Value::set([])).description("Tags of the pool (compared ignoring case)."))
            .attr("nodes", Attribute::of(nodes_type()).computed().description("The nodes of the pool: `id`, `instance_id` and `status`."))
            .attr(
                "labels",
                Attribute::map(Type::String).default(Value::map::<&str>([])).description("Kubernetes labels added to the nodes."),
            )
            .attr("k8s_version", Attribute::string().optional().computed().description("The Kubernetes version of the pool (LKE Enterprise only)."))
            .attr(
                "update_strategy",
                Attribute::string()
                    .optional()
                    .computed()
                    .validate(validators::one_of(&["rolling_update", "on_recycle"]))
                    .description("How nodes are updated: `rolling_update` or `on_recycle` (LKE Enterprise only)."),
            )
            .block(
                "autoscaler",
                Block::list(
                    Schema::new()
                        .description("Autoscaling of the pool. Removing the block disables the autoscaler.")
                        .attr("min", Attribute::number().optional().validate(validators::between(1.0, 100.0)).description("The minimum number of nodes."))
                        .attr("max", Attribute::number().optional().validate(validators::between(1.0, 100.0)).description("The maximum number of nodes.")),
                )
                .max_items(1),
            )
            .block("taint", taint_block())
    }

    async fn validate(&self, req: &ValidateRequest, diags: &mut Diagnostics) {
        let autoscaler = req
            .config
            .get("autoscaler")
            .and_then(Value::as_elements)
            .unwrap_or_default();
        if req.config.get("node_count").is_some_and(Value::is_null)
            && autoscaler.is_empty()
            && req.config.get("autoscaler").is_some_and(Value::is_known)
        {
            diags.error_at(
                "node_count",
                "Missing node count",
                "Set `node_count`, or an `autoscaler` block.",
            );
        }
        if let Some(a) = autoscaler.first()
            && let (Some(min), Some(max)) = (
                a.get("min").and_then(Value::as_i64),
                a.get("max").and_then(Value::as_i64),
            )
            && min > max
        {
            diags.error_at(
                AttributePath::root()
                    .attr("autoscaler")
                    .index(0)
                    .attr("min"),
                "Invalid autoscaler bounds",
                format!("The autoscaler minimum ({min}) is greater than its maximum ({max})."),
            );
        }
    }

    async fn modify_plan(&self, req: &mut ModifyPlanRequest, diags: &mut Diagnostics) {
        let ctx: Context = req.ctx.clone();
        let Some(state) = common::state(&ctx, diags) else {
            return;
        };
        let (Some(config), Some(mut plan)) = (
            req.config_as::<NodePoolModel>(diags),
            req.plan_as::<NodePoolModel>(diags),
        ) else {
            return;
        };
        let prior = if req.is_create() {
            None
        } else {
            req.state_as::<NodePoolModel>(diags)
        };
        if prior.is_none()
            && let (Some(t), Some(cluster_id)) = (config.node_type.get(), config.cluster_id.get())
            && let Some(ty) = state
                .catalog
                .check_type(&state.client, t, "type", diags)
                .await
            && ty.class == LinodeClass::Gpu
        {
            match state.client.lke().get_opt(*cluster_id as u64).await {
                Ok(Some(cluster)) => {
                    let regions = state
                        .catalog
                        .regions(&state.client)
                        .await
                        .map(<[_]>::to_vec)
                        .unwrap_or_default();
                    if regions
                        .iter()
                        .any(|r| r.id == cluster.region && !r.has_capability("GPU Linodes"))
                    {
                        let mut gpu: Vec<&str> = regions
                            .iter()
                            .filter(|r| r.has_capability("GPU Linodes"))
                            .map(|r| r.id.as_str())
                            .collect();
                        gpu.sort_unstable();
                        diags.error_at(
                            "type",
                            "GPU type not available in this region",
                            format!(
                                "{t:?} is a GPU type, but the cluster's region {:?} does not offer GPU Linodes. Regions with GPUs: {}.",
                                cluster.region,
                                gpu.join(", ")
                            ),
                        );
                    }
                }
                Ok(None) => diags.error_at(
                    "cluster_id",
                    "Unknown LKE cluster",
                    format!("LKE cluster {cluster_id} does not exist."),
                ),
                Err(e) => common::api_error_plain(
                    diags,
                    "Unable to read the LKE cluster for validation",
                    &e,
                ),
            }
        }
        if diags.has_errors() {
            return;
        }
        // An autoscaled pool keeps its tracked count: the autoscaler owns the live one.
        if config.node_count.is_null()
            && let Some(a) = config.autoscaler.first()
        {
            plan.node_count = match prior.as_ref().map(|p| &p.node_count) {
                Some(c @ Val::Known(_)) => c.clone(),
                _ => a.min.clone(),
            };
            req.set_plan(&plan, diags);
        }
    }

    async fn create(&self, req: CreateRequest, resp: &mut ApplyResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(state), Some(m)) = (
            common::state(&req.ctx, diags),
            req.plan_as::<NodePoolModel>(diags),
        ) else {
            return;
        };
        let Some(cluster_id) = m.cluster_id.get().map(|c| *c as u64) else {
            return;
        };
        let body = create_pool_request(&m.as_pool());
        let created = match state.client.lke().create_pool(cluster_id, &body).await {
            Ok(p) => p,
            Err(e) => {
                common::api_error(diags, "Unable to create LKE node pool", &e, |f| {
                    Some(AttributePath::root().attr(if f == "count" { "node_count" } else { f }))
                });
                return;
            }
        };
        let key = cluster_id.to_string();
        state.lke_pools.invalidate(&key);
        let mut m = m;
        m.id = Val::Known(created.id.to_string());
        wait_ready(state, &req.ctx, cluster_id, created.id, body.count, diags).await;
        state.lke_pools.invalidate(&key);
        match find_pool(state, cluster_id, created.id, &m).await {
            Ok(Some(new)) => resp.set_state(&new),
            Ok(None) => resp.diagnostics.error(
                "LKE node pool vanished",
                format!("Node pool {} was deleted while it was created.", created.id),
            ),
            Err(e) => common::api_error_plain(
                &mut resp.diagnostics,
                "Unable to read the LKE node pool",
                &e,
            ),
        }
        if resp.diagnostics.has_errors() {
            super::unknowns_to_null(&mut resp.state);
        }
    }

    async fn read(&self, req: ReadRequest, resp: &mut ReadResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(state), Some(prior)) = (
            common::state(&req.ctx, diags),
            req.state_as::<NodePoolModel>(diags),
        ) else {
            return;
        };
        let Some((cluster_id, id)) = ids(&prior, diags) else {
            return;
        };
        match find_pool(state, cluster_id, id, &prior).await {
            Ok(Some(m)) => resp.set_state(&m),
            Ok(None) => resp.remove(),
            Err(e) => common::api_error_plain(
                &mut resp.diagnostics,
                &format!("Unable to read LKE node pool {id}"),
                &e,
            ),
        }
    }

    async fn update(&self, req: UpdateRequest, resp: &mut ApplyResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(state), Some(m), Some(prior)) = (
            common::state(&req.ctx, diags),
            req.plan_as::<NodePoolModel>(diags),
            req.state_as::<NodePoolModel>(diags),
        ) else {
            return;
        };
        let Some((cluster_id, id)) = ids(&prior, diags) else {
            return;
        };
        let key = cluster_id.to_string();
        let api = match cluster_pools(state, cluster_id).await {
            Ok(pools) => pools.iter().find(|p| p.id == id).cloned(),
            Err(e) => {
                common::api_error_plain(diags, "Unable to read the LKE node pool", &e);
                return;
            }
        };
        let enterprise = api.as_ref().is_some_and(|a| a.k8s_version.is_some());
        if let Some(body) =
            pool_update_request(&m.as_pool(), &prior.as_pool(), api.as_ref(), enterprise)
        {
            if let Err(e) = state.client.lke().update_pool(cluster_id, id, &body).await {
                state.lke_pools.invalidate(&key);
                common::api_error(
                    diags,
                    &format!("Unable to update LKE node pool {id}"),
                    &e,
                    |f| {
                        Some(AttributePath::root().attr(if f == "count" {
                            "node_count"
                        } else {
                            f
                        }))
                    },
                );
                return;
            }
            state.lke_pools.invalidate(&key);
            if let Some(count) = body.count {
                wait_ready(state, &req.ctx, cluster_id, id, count, diags).await;
            } else if body.autoscaler.is_some_and(|a| !a.enabled) {
                wait_ready(
                    state,
                    &req.ctx,
                    cluster_id,
                    id,
                    target(&m, api.as_ref().map(|a| a.count)),
                    diags,
                )
                .await;
            }
        }
        state.lke_pools.invalidate(&key);
        match find_pool(state, cluster_id, id, &m).await {
            Ok(Some(new)) => resp.set_state(&new),
            Ok(None) => resp.diagnostics.error(
                "LKE node pool vanished",
                format!("Node pool {id} was deleted during the update."),
            ),
            Err(e) => common::api_error_plain(
                &mut resp.diagnostics,
                "Unable to read the LKE node pool",
                &e,
            ),
        }
        if resp.diagnostics.has_errors() {
            super::unknowns_to_null(&mut resp.state);
        }
    }

    async fn delete(&self, req: DeleteRequest, diags: &mut Diagnostics) {
        let (Some(state), Some(m)) = (
            common::state(&req.ctx, diags),
            req.state_as::<NodePoolModel>(diags),
        ) else {
            return;
        };
        let Some((cluster_id, id)) = ids(&m, diags) else {
            return;
        };
        match state.client.lke().delete_pool(cluster_id, id).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => {
                common::api_error_plain(diags, &format!("Unable to delete LKE node pool {id}"), &e)
            }
        }
        state.lke_pools.invalidate(&cluster_id.to_string());
    }

    async fn import(&self, req: ImportRequest, resp: &mut ImportResponse) {
        let Some([cluster_id, id]) =
            common::parse_import_ids::<2>(&req.id, "<cluster_id>,<id>", &mut resp.diagnostics)
        else {
            return;
        };
        resp.set_attr("cluster_id", Value::from(cluster_id as i64));
        resp.set_attr("id", id.to_string());
    }
}
