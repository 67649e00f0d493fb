//! `linode_lke_node_pool`: a node pool managed apart from its cluster. Give it a tag listed in
//! the cluster's `external_pool_tags` so that the cluster resource leaves it alone.

use std::collections::BTreeMap;
use std::time::Duration;

use linode_sdk::models::linode_types::LinodeClass;
use linode_sdk::models::lke::{DiskEncryption, Taint, UpdateStrategy};
use serde::{Deserialize, Serialize};
use tfplugin::resource::{ImportRequest, ImportResponse};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{Applied, Create, PlanChange, Read, Refreshed, TypedResource, Update};
use tfplugin::validators::{self, DataValidator, PlanCheck};
use tfplugin::{AttributePath, Context, Diagnostics, Type, Val, Value, async_trait, equality};

use super::pool::PoolModel;
use super::{AutoscalerModel, NodeModel, autoscaler_block, cluster_pools, nodes_type, taint_block, wait_options};
use crate::regions::gpu_in_region;
use crate::{LinodeState, common};

/// How long create and update wait for the pool's nodes.
const READY_TIMEOUT: Duration = Duration::from_secs(25 * 60);

/// `linode_lke_node_pool`.
pub(crate) struct NodePoolResource;

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub(crate) struct NodePoolModel {
    id: Val<String>,
    cluster_id: Val<i64>,
    label: Val<String>,
    firewall_id: Val<i64>,
    node_count: Val<i64>,
    #[serde(rename = "type")]
    node_type: Val<String>,
    disk_encryption: Val<DiskEncryption>,
    tags: Val<Vec<String>>,
    nodes: Val<Vec<NodeModel>>,
    labels: Val<BTreeMap<String, String>>,
    k8s_version: Val<String>,
    update_strategy: Val<UpdateStrategy>,
    autoscaler: Vec<AutoscalerModel>,
    taint: Vec<Taint>,
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
            tags: p.tags,
            nodes: p.nodes,
            labels: p.labels,
            k8s_version: p.k8s_version,
            update_strategy: p.update_strategy,
            autoscaler: p.autoscaler,
            taint: p.taint,
        }
    }
}

fn ids(m: &NodePoolModel, diags: &mut Diagnostics) -> Option<(u64, u64)> {
    let Some(cluster) = m.cluster_id.get().copied().filter(|c| *c > 0) else {
        diags.error_at("cluster_id", "Invalid cluster ID", "The node pool has no cluster ID.");
        return None;
    };
    let id = common::parse_id(m.id.get().map_or("", String::as_str), "id", diags)?;
    Some((cluster as u64, id))
}

/// The pool from the cluster's (cached) pool listing; `Ok(None)` when it or the cluster is gone.
/// `tracked` is the count in state (kept for an autoscaled pool).
async fn find_pool(
    state: &LinodeState,
    cluster_id: u64,
    id: u64,
    tracked: Option<i64>,
) -> Result<Option<NodePoolModel>, linode_sdk::Error> {
    let pools = match cluster_pools(state, cluster_id).await {
        Ok(p) => p,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(pools
        .iter()
        .find(|p| p.id == id)
        .map(|p| NodePoolModel::from_pool(cluster_id, PoolModel::from_api(p, tracked))))
}

async fn wait_ready(state: &LinodeState, ctx: &Context, cluster_id: u64, id: u64, target: u32, diags: &mut Diagnostics) {
    tracing::info!(cluster_id, pool_id = id, target, "waiting for LKE pool nodes to be ready");
    let opts = wait_options(state, ctx, READY_TIMEOUT);
    if let Err(e) = state.client.lke().wait_for_pool_count(cluster_id, id, target, &opts).await {
        diags.error(format!("LKE node pool {id} did not become ready"), e.to_string());
    }
}

/// The node count the API should reach: the configured count, or the autoscaler's minimum.
fn target(m: &NodePoolModel, api_count: Option<u32>) -> u32 {
    if m.autoscaler.is_empty() {
        m.node_count.get().map_or(api_count.unwrap_or(1), |c| *c as u32)
    } else {
        api_count.unwrap_or_else(|| m.autoscaler[0].min.get().copied().unwrap_or(1) as u32)
    }
}

/// The API names the node count `count`.
fn field_path(f: &str) -> Option<AttributePath> {
    common::same_name(if f == "count" { "node_count" } else { f })
}

/// Plan-time check of `type`: a Linode type, and a GPU type only in a cluster whose region
/// offers GPUs.
struct PoolType;

#[async_trait]
impl DataValidator<LinodeState> for PoolType {
    fn description(&self) -> String {
        "must be a Linode type available in the cluster's region".into()
    }

    async fn validate(&self, state: &LinodeState, check: PlanCheck<'_>, diags: &mut Diagnostics) {
        let Some(t) = check.value.as_str() else { return };
        let Some(ty) = state.catalog.check_type(&state.client, t, check.path.clone(), diags).await else { return };
        let Some(cluster_id) = check.config.get("cluster_id").and_then(Value::as_i64) else { return };
        if ty.class != LinodeClass::Gpu {
            return;
        }
        match state.client.lke().get_opt(cluster_id as u64).await {
            Ok(Some(cluster)) => gpu_in_region(state, t, &cluster.region, check.path.clone(), diags).await,
            Ok(None) => diags.error_at(
                "cluster_id",
                "Unknown LKE cluster",
                format!("LKE cluster {cluster_id} does not exist."),
            ),
            Err(e) => common::api_error_plain(diags, "Unable to read the LKE cluster for validation", &e),
        }
    }
}

#[async_trait]
impl TypedResource for NodePoolResource {
    type Model = NodePoolModel;
    type Data = LinodeState;

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
            .attr(
                "firewall_id",
                Attribute::number()
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .description("The ID of the Cloud Firewall of the nodes."),
            )
            .attr(
                "node_count",
                Attribute::number()
                    .optional()
                    .computed()
                    .keep_planned()
                    .validate(validators::between(1.0, 100.0))
                    .description(
                        "The number of nodes. Optional with `autoscaler` (the pool starts with `autoscaler.min` nodes and \
                         the autoscaler's changes never show as drift).",
                    ),
            )
            .attr(
                "type",
                Attribute::string()
                    .required()
                    .requires_replace()
                    .validate_with_data(PoolType)
                    .description("The Linode type of the nodes, e.g. `g6-standard-2`."),
            )
            .attr(
                "disk_encryption",
                Attribute::string()
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .one_of(DiskEncryption::VALUES)
                    .requires_replace_if("when configured", |_, planned| planned.is_known())
                    .description("Local disk encryption: `enabled` or `disabled`. Changing it replaces the pool."),
            )
            .attr(
                "tags",
                Attribute::set(Type::String)
                    .default(Value::set([]))
                    .semantic_equality(equality::case_insensitive())
                    .description("Tags of the pool (compared ignoring case)."),
            )
            .attr(
                "nodes",
                Attribute::of(nodes_type())
                    .computed()
                    .keep_planned()
                    .description("The nodes of the pool: `id`, `instance_id` and `status`."),
            )
            .attr(
                "labels",
                Attribute::map(Type::String).default(Value::map::<&str>([])).description("Kubernetes labels added to the nodes."),
            )
            .attr(
                "k8s_version",
                Attribute::string()
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .description("The Kubernetes version of the pool (LKE Enterprise only)."),
            )
            .attr(
                "update_strategy",
                Attribute::string()
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .one_of(UpdateStrategy::VALUES)
                    .description("How nodes are updated: `rolling_update` or `on_recycle` (LKE Enterprise only)."),
            )
            .block("autoscaler", autoscaler_block(false))
            .block("taint", taint_block())
    }

    async fn validate(&self, config: &NodePoolModel, diags: &mut Diagnostics) {
        if config.node_count.is_null() && config.autoscaler.is_empty() {
            diags.error_at("node_count", "Missing node count", "Set `node_count`, or an `autoscaler` block.");
        }
        super::check_autoscaler_bounds(config.autoscaler.first(), AttributePath::new("autoscaler"), diags);
    }

    async fn modify_plan(&self, _state: &LinodeState, req: &mut PlanChange<'_, NodePoolModel>, _diags: &mut Diagnostics) {
        // An autoscaled pool keeps its tracked count: the autoscaler owns the live one.
        if req.config.node_count.is_null()
            && let Some(a) = req.config.autoscaler.first()
        {
            req.plan.node_count = match req.prior.as_ref().map(|p| &p.node_count) {
                Some(c @ Val::Known(_)) => c.clone(),
                _ => a.min.clone(),
            };
        }
    }

    async fn create(&self, req: Create<'_, NodePoolModel, LinodeState>, resp: &mut Applied<NodePoolModel>) {
        let (state, mut m) = (req.data, req.plan);
        let diags = &mut resp.diagnostics;
        let Some(cluster_id) = m.cluster_id.get().map(|c| *c as u64) else { return };
        let body = m.as_pool().create_request();
        let created = match state.client.lke().create_pool(cluster_id, &body).await {
            Ok(p) => p,
            Err(e) => return common::api_error(diags, "Unable to create LKE node pool", &e, field_path),
        };
        let key = cluster_id.to_string();
        state.lke_pools.invalidate(&key);
        m.id = Val::Known(created.id.to_string());
        wait_ready(state, req.op.ctx, cluster_id, created.id, body.count, diags).await;
        state.lke_pools.invalidate(&key);
        let failed = diags.has_errors();
        match find_pool(state, cluster_id, created.id, m.node_count.get().copied()).await {
            Ok(Some(new)) if failed => resp.set_partial(new),
            Ok(Some(new)) => resp.set(new),
            Ok(None) => {
                diags.error("LKE node pool vanished", format!("Node pool {} was deleted while it was created.", created.id));
                resp.set_partial(m);
            }
            Err(e) => {
                common::api_error_plain(diags, "Unable to read the LKE node pool", &e);
                resp.set_partial(m);
            }
        }
    }

    async fn read(&self, req: Read<'_, NodePoolModel, LinodeState>, resp: &mut Refreshed<NodePoolModel>) {
        let Some((cluster_id, id)) = ids(&req.state, &mut resp.diagnostics) else { return };
        match find_pool(req.data, cluster_id, id, req.state.node_count.get().copied()).await {
            Ok(Some(m)) => resp.set(m),
            Ok(None) => resp.remove(),
            Err(e) => common::api_error_plain(&mut resp.diagnostics, &format!("Unable to read LKE node pool {id}"), &e),
        }
    }

    async fn update(&self, req: Update<'_, NodePoolModel, LinodeState>, resp: &mut Applied<NodePoolModel>) {
        let (state, m, prior) = (req.data, req.plan, req.prior);
        let diags = &mut resp.diagnostics;
        let Some((cluster_id, id)) = ids(&prior, diags) else { return };
        let key = cluster_id.to_string();
        let api = match cluster_pools(state, cluster_id).await {
            Ok(pools) => pools.iter().find(|p| p.id == id).cloned(),
            Err(e) => return common::api_error_plain(diags, "Unable to read the LKE node pool", &e),
        };
        let enterprise = api.as_ref().is_some_and(|a| a.k8s_version.is_some());
        if let Some(body) = m.as_pool().update_request(&prior.as_pool(), api.as_ref(), enterprise) {
            let result = state.client.lke().update_pool(cluster_id, id, &body).await;
            state.lke_pools.invalidate(&key);
            if let Err(e) = result {
                return common::api_error(diags, &format!("Unable to update LKE node pool {id}"), &e, field_path);
            }
            let disabled = body.autoscaler.as_ref().is_some_and(|a| !a.enabled);
            if let Some(count) = body.count.or_else(|| disabled.then(|| target(&m, api.as_ref().map(|a| a.count)))) {
                wait_ready(state, req.op.ctx, cluster_id, id, count, diags).await;
            }
        }
        state.lke_pools.invalidate(&key);
        let failed = diags.has_errors();
        match find_pool(state, cluster_id, id, m.node_count.get().copied()).await {
            Ok(Some(new)) if failed => resp.set_partial(new),
            Ok(Some(new)) => resp.set(new),
            Ok(None) => diags.error("LKE node pool vanished", format!("Node pool {id} was deleted during the update.")),
            Err(e) => common::api_error_plain(diags, "Unable to read the LKE node pool", &e),
        }
    }

    async fn delete(&self, req: Read<'_, NodePoolModel, LinodeState>, diags: &mut Diagnostics) {
        let Some((cluster_id, id)) = ids(&req.state, diags) else { return };
        match req.data.client.lke().delete_pool(cluster_id, id).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => common::api_error_plain(diags, &format!("Unable to delete LKE node pool {id}"), &e),
        }
        req.data.lke_pools.invalidate(&cluster_id.to_string());
    }

    async fn import(&self, _state: &LinodeState, req: ImportRequest, resp: &mut ImportResponse) {
        let Some([cluster_id, id]) = common::parse_import_ids::<2>(&req.id, "<cluster_id>,<id>", &mut resp.diagnostics)
        else {
            return;
        };
        resp.set_attr("cluster_id", Value::from(cluster_id as i64));
        resp.set_attr("id", id.to_string());
    }
}
