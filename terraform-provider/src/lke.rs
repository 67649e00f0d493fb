//! LKE: linode_lke_cluster, linode_lke_node_pool and the LKE data sources.
//!
//! Shared here: the nested pool models (taints, autoscaler, nodes), the pool listing through the
//! per-cluster [`ListCache`](crate::common::ListCache), waiter options and small normalisations.

mod cluster;
mod data_sources;
mod node_pool;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use linode_sdk::models::lke::{Autoscaler, NodePool, Taint, TaintEffect};
use linode_sdk::{ListParams, WaitOptions};
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::{Context, DataSource, Resource, Type, Val, Value, validators};

use crate::LinodeState;

/// This family's resources.
pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![
        Arc::new(cluster::ClusterResource),
        Arc::new(node_pool::NodePoolResource),
    ]
}

/// This family's data sources.
pub fn data_sources() -> Vec<Arc<dyn DataSource>> {
    vec![
        Arc::new(data_sources::ClusterDataSource),
        Arc::new(data_sources::VersionsDataSource),
        Arc::new(data_sources::TypesDataSource),
    ]
}

/// `unwrap_or_default` for [`Val`]: the known value or the type's default.
pub(crate) trait ValExt<T> {
    fn unwrap_or_default(&self) -> T;
}

impl<T: Clone + Default> ValExt<T> for Val<T> {
    fn unwrap_or_default(&self) -> T {
        self.get().cloned().unwrap_or_default()
    }
}

/// A Kubernetes taint (`taint` set block).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub(crate) struct TaintModel {
    pub effect: Val<String>,
    pub key: Val<String>,
    pub value: Val<String>,
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

/// The `taint` set block.
pub(crate) fn taint_block() -> Block {
    Block::set(
        Schema::new()
            .description("A Kubernetes taint applied to every node of the pool.")
            .attr(
                "effect",
                Attribute::string()
                    .required()
                    .validate(validators::one_of(&[
                        "NoSchedule",
                        "PreferNoSchedule",
                        "NoExecute",
                    ]))
                    .description(
                        "The taint effect: `NoSchedule`, `PreferNoSchedule` or `NoExecute`.",
                    ),
            )
            .attr(
                "key",
                Attribute::string()
                    .required()
                    .validate(validators::length_between(1, 253))
                    .description("The taint key."),
            )
            .attr(
                "value",
                Attribute::string()
                    .required()
                    .validate(validators::length_between(1, 63))
                    .description("The taint value."),
            ),
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

pub(crate) fn taints_from_api(pool: &NodePool) -> Vec<TaintModel> {
    pool.taints
        .iter()
        .map(|t| TaintModel {
            effect: Val::Known(t.effect.as_str().to_string()),
            key: Val::Known(t.key.clone()),
            value: Val::Known(t.value.clone()),
        })
        .collect()
}

pub(crate) fn taints_to_api(taints: &[TaintModel]) -> Vec<Taint> {
    taints
        .iter()
        .map(|t| Taint {
            key: t.key.unwrap_or_default(),
            value: t.value.unwrap_or_default(),
            effect: match t.effect.get().map(String::as_str) {
                Some("PreferNoSchedule") => TaintEffect::PreferNoSchedule,
                Some("NoExecute") => TaintEffect::NoExecute,
                _ => TaintEffect::NoSchedule,
            },
        })
        .collect()
}

/// The autoscaler to send: enabled with the block's bounds, or disabled. A disabled autoscaler
/// keeps the pool's current bounds (never 0, which the API rejects).
pub(crate) fn autoscaler_to_api(
    block: Option<&AutoscalerModel>,
    current: Option<&Autoscaler>,
    count: u32,
) -> Autoscaler {
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
            Autoscaler {
                enabled: false,
                min,
                max,
            }
        }
    }
}

pub(crate) fn autoscaler_from_api(pool: &NodePool) -> Vec<AutoscalerModel> {
    if pool.autoscaler.enabled {
        vec![AutoscalerModel {
            min: Val::Known(pool.autoscaler.min as i64),
            max: Val::Known(pool.autoscaler.max as i64),
        }]
    } else {
        vec![]
    }
}

/// Tags as the API has them, but spelled as in `prior` when they are the same set ignoring case
/// (the API may change the case of tags).
pub(crate) fn keep_case(prior: Option<&Vec<String>>, api: &[String]) -> Vec<String> {
    if let Some(prior) = prior {
        let norm = |v: &[String]| {
            let mut v: Vec<String> = v.iter().map(|s| s.to_lowercase()).collect();
            v.sort();
            v.dedup();
            v
        };
        if norm(prior) == norm(api) {
            return prior.clone();
        }
    }
    api.to_vec()
}

/// Whether two tag lists share a tag (ignoring case).
pub(crate) fn tags_intersect(a: &[String], b: &[String]) -> bool {
    a.iter()
        .any(|x| b.iter().any(|y| x.eq_ignore_ascii_case(y)))
}

/// An optional collection attribute: null stays null when the API has nothing.
pub(crate) fn opt_collection<T>(prior_was_set: bool, v: T, empty: bool) -> Val<T> {
    if empty && !prior_was_set {
        Val::Null
    } else {
        Val::Known(v)
    }
}

pub(crate) fn labels_val(
    prior: &Val<BTreeMap<String, String>>,
    api: &BTreeMap<String, String>,
) -> Val<BTreeMap<String, String>> {
    opt_collection(prior.is_known(), api.clone(), api.is_empty())
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

/// Waiter options polling at `lke_node_ready_poll_ms`, cancelled with the operation.
pub(crate) fn wait_options(state: &LinodeState, ctx: &Context, timeout: Duration) -> WaitOptions {
    let poll = state
        .polling
        .lke_node_ready_poll
        .max(Duration::from_millis(1));
    WaitOptions::with_timeout(timeout)
        .poll(poll, poll * 4)
        .cancel(ctx.cancellation().clone())
}

/// A sort key for Kubernetes version ids (`1.33` > `1.9`, `v1.33.1+lke1` > `v1.32.4+lke3`).
pub(crate) fn version_key(v: &str) -> Vec<u64> {
    v.trim_start_matches('v')
        .split(['.', '+', '-'])
        .map(|p| p.trim_start_matches("lke").parse().unwrap_or(0))
        .collect()
}

/// Replaces every unknown in `v` with null (for states returned alongside an error).
pub(crate) fn unknowns_to_null(v: &mut Value) {
    match v {
        Value::Unknown(_) => *v = Value::Null,
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
            items.iter_mut().for_each(unknowns_to_null)
        }
        Value::Map(m) | Value::Object(m) => m.values_mut().for_each(unknowns_to_null),
        _ => {}
    }
}
