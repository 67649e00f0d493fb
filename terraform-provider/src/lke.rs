//! LKE: linode_lke_cluster, linode_lke_node_pool and the LKE data sources.
//!
//! Shared here: the nested pool models (taints, autoscaler, nodes), the pool listing through the
//! per-cluster [`ListCache`](crate::common::ListCache), waiter options and small normalisations.

mod cluster;
mod data_sources;
mod node_pool;
mod pool;

use std::sync::Arc;
use std::time::Duration;

use linode_sdk::models::lke::{Autoscaler, NodePool, TaintEffect};
use linode_sdk::{ListParams, WaitOptions};
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::{AttributePath, Context, DataSource, Diagnostics, Resource, Type, Val, typed, validators};

use crate::LinodeState;

/// This family's resources.
pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![
        typed::resource(cluster::ClusterResource),
        typed::resource(node_pool::NodePoolResource),
    ]
}

/// This family's data sources.
pub fn data_sources() -> Vec<Arc<dyn DataSource>> {
    vec![
        Arc::new(data_sources::cluster::ClusterDataSource),
        typed::data_source(data_sources::clusters::ClustersDataSource),
        typed::data_source(data_sources::node_pool::NodePoolDataSource),
        typed::data_source(data_sources::types::TypesDataSource),
        typed::data_source(data_sources::versions::VersionDataSource),
        typed::data_source(data_sources::versions::VersionsDataSource),
    ]
}

/// The `autoscaler` block (`min`/`max` required on the cluster's pools, optional on
/// `linode_lke_node_pool`, as in the official schemas).
pub(crate) fn autoscaler_block(required: bool) -> Block {
    let bound = |d: &str| {
        let a = if required { Attribute::number().required() } else { Attribute::number().optional() };
        a.validate(validators::between(1.0, 100.0)).description(d)
    };
    Block::list(
        Schema::new()
            .description("Autoscaling of the pool. Removing the block disables the autoscaler.")
            .attr("min", bound("The minimum number of nodes."))
            .attr("max", bound("The maximum number of nodes.")),
    )
    .max_items(1)
}

/// Records an error on `path` (the `autoscaler` block) when its minimum exceeds its maximum.
pub(crate) fn check_autoscaler_bounds(a: Option<&AutoscalerModel>, path: AttributePath, diags: &mut Diagnostics) {
    if let Some(a) = a
        && let (Some(min), Some(max)) = (a.min.get(), a.max.get())
        && min > max
    {
        diags.error_at(
            path.index(0).attr("min"),
            "Invalid autoscaler bounds",
            format!("The autoscaler minimum ({min}) is greater than its maximum ({max})."),
        );
    }
}

/// The `autoscaler` block.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub(crate) struct AutoscalerModel {
    pub min: Val<i64>,
    pub max: Val<i64>,
}

/// One node of a pool (`nodes`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub(crate) struct NodeModel {
    pub id: String,
    pub instance_id: Val<i64>,
    pub status: String,
}

/// The type of `nodes`.
pub(crate) fn nodes_type() -> Type {
    Type::list(Type::object([
        ("id", Type::String),
        ("instance_id", Type::Number),
        ("status", Type::String),
    ]))
}

/// The `taint` set block (its elements are the SDK's `Taint`).
pub(crate) fn taint_block() -> Block {
    Block::set(
        Schema::new()
            .description("A Kubernetes taint applied to every node of the pool.")
            .attr(
                "effect",
                Attribute::string()
                    .required()
                    .one_of(TaintEffect::VALUES)
                    .description("The taint effect: `NoSchedule`, `PreferNoSchedule` or `NoExecute`."),
            )
            .attr("key", Attribute::string().required().validate(validators::length_between(1, 253)).description("The taint key."))
            .attr("value", Attribute::string().required().validate(validators::length_between(1, 63)).description("The taint value.")),
    )
}

pub(crate) fn nodes_from_api(pool: &NodePool) -> Vec<NodeModel> {
    pool.nodes
        .iter()
        .map(|n| NodeModel {
            id: n.id.clone(),
            instance_id: n.instance_id.map(|i| i as i64).into(),
            status: n.status.as_str().to_string(),
        })
        .collect()
}

/// The autoscaler to send: enabled with the block's bounds, or disabled. A disabled autoscaler
/// keeps the pool's current bounds (never 0, which the API rejects).
pub(crate) fn autoscaler_to_api(block: Option<&AutoscalerModel>, current: Option<&Autoscaler>, count: u32) -> Autoscaler {
    match block {
        Some(a) => Autoscaler {
            enabled: true,
            min: a.min.get().copied().unwrap_or(1).max(1) as u32,
            max: a.max.get().copied().unwrap_or(1).max(1) as u32,
        },
        None => {
            let (min, max) = current
                .filter(|c| c.min >= 1 && c.max >= 1)
                .map_or((count.max(1), count.max(1)), |c| (c.min, c.max));
            Autoscaler { enabled: false, min, max }
        }
    }
}

pub(crate) fn autoscaler_from_api(pool: &NodePool) -> Vec<AutoscalerModel> {
    if pool.autoscaler.enabled {
        vec![AutoscalerModel {
            min: Val::Known(i64::from(pool.autoscaler.min)),
            max: Val::Known(i64::from(pool.autoscaler.max)),
        }]
    } else {
        vec![]
    }
}

/// Whether two tag lists share a tag (ignoring case).
pub(crate) fn tags_intersect(a: &[String], b: &[String]) -> bool {
    a.iter().any(|x| b.iter().any(|y| x.eq_ignore_ascii_case(y)))
}

/// The cluster's pools, listed once per refresh through the shared cache.
pub(crate) async fn cluster_pools(
    state: &LinodeState,
    cluster_id: u64,
) -> Result<Arc<Vec<NodePool>>, linode_sdk::Error> {
    let client = state.client.clone();
    state
        .lke_pools
        .get_or_list(&cluster_id.to_string(), || async move {
            use futures::TryStreamExt;
            client
                .lke()
                .list_all_pools(cluster_id, ListParams::new().page_size(500))
                .try_collect()
                .await
        })
        .await
}

/// Waiter options, cancelled with the operation: a fixed interval of `lke_node_ready_poll_ms`
/// when configured, else linode-sdk's default, which notices readiness within about a tenth of
/// the time waited (see [`linode_sdk::wait`]).
pub(crate) fn wait_options(state: &LinodeState, ctx: &Context, timeout: Duration) -> WaitOptions {
    let opts = WaitOptions::with_timeout(timeout).cancel(ctx.cancellation().clone());
    match state.polling.lke_node_ready_poll {
        Some(every) => opts.poll(every, every),
        None => opts,
    }
}

/// A sort key for Kubernetes version ids (`1.33` > `1.9`, `v1.33.1+lke1` > `v1.32.4+lke3`).
pub(crate) fn version_key(v: &str) -> Vec<u64> {
    v.trim_start_matches('v')
        .split(['.', '+', '-'])
        .map(|p| p.trim_start_matches("lke").parse().unwrap_or(0))
        .collect()
}
