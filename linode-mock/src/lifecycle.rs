//! Delayed state transitions, evaluated lazily against the clock.
//!
//! Nothing runs in the background: a node stores the instant it turns `ready` and a cluster
//! the instant its kubeconfig appears, and reads compare with "now". This keeps transitions
//! exact across restarts (`--state`) and costs nothing when idle. `POST /__admin/settle`
//! completes every pending transition at once for tests that must not wait.

use std::time::Duration;

use crate::state::{Cluster, LkeNode, State};

/// Runtime-adjustable delays (also served by `GET/PUT /__admin/config`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Delays {
    /// How long a new LKE node stays `not_ready`, in milliseconds.
    pub node_ready_delay_ms: u64,
    /// How long after cluster creation (or regeneration) the kubeconfig is unavailable, in milliseconds.
    pub kubeconfig_delay_ms: u64,
}

impl Delays {
    /// Builds delays from durations.
    pub fn new(node_ready: Duration, kubeconfig: Duration) -> Self {
        Self {
            node_ready_delay_ms: node_ready.as_millis() as u64,
            kubeconfig_delay_ms: kubeconfig.as_millis() as u64,
        }
    }
}

/// `ready` or `not_ready` for a node at `now_ms`.
pub fn node_status(node: &LkeNode, now_ms: u64) -> &'static str {
    if now_ms >= node.ready_ms {
        "ready"
    } else {
        "not_ready"
    }
}

/// Whether the cluster's kubeconfig can be fetched at `now_ms`.
pub fn kubeconfig_ready(cluster: &Cluster, now_ms: u64) -> bool {
    now_ms >= cluster.kubeconfig_ready_ms
}

/// Milliseconds until the kubeconfig appears (0 when available).
pub fn kubeconfig_wait_ms(cluster: &Cluster, now_ms: u64) -> u64 {
    cluster.kubeconfig_ready_ms.saturating_sub(now_ms)
}

/// Cluster status: `ready` once its kubeconfig is available, `not_ready` before.
pub fn cluster_status(cluster: &Cluster, now_ms: u64) -> &'static str {
    if kubeconfig_ready(cluster, now_ms) {
        "ready"
    } else {
        "not_ready"
    }
}

/// Completes every pending transition (all nodes ready, all kubeconfigs available, every
/// NodeBalancer's stats available) as of `now_ms`.
pub fn settle(state: &mut State, now_ms: u64) {
    for nb in state.nodebalancers.values_mut() {
        nb.stats_ready_ms = nb.stats_ready_ms.min(now_ms);
    }
    for pool in state.pools.values_mut() {
        for node in &mut pool.nodes {
            node.ready_ms = node.ready_ms.min(now_ms);
        }
    }
    for cluster in state.clusters.values_mut() {
        cluster.kubeconfig_ready_ms = cluster.kubeconfig_ready_ms.min(now_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_turns_ready_at_its_instant() {
        let n = LkeNode {
            id: "1-a".into(),
            instance_id: 1,
            ready_ms: 1000,
        };
        assert_eq!(node_status(&n, 999), "not_ready");
        assert_eq!(node_status(&n, 1000), "ready");
    }

    #[test]
    fn settle_completes_everything() {
        let mut s = State::default();
        s.pools.insert(
            1,
            crate::state::Pool {
                id: 1,
                cluster_id: 1,
                type_id: "g6-standard-1".into(),
                count: 1,
                autoscaler: serde_json::json!({}),
                disks: serde_json::json!([]),
                labels: serde_json::json!({}),
                taints: serde_json::json!([]),
                tags: vec![],
                label: None,
                firewall_id: None,
                k8s_version: None,
                update_strategy: None,
                disk_encryption: "disabled".into(),
                nodes: vec![LkeNode {
                    id: "1-a".into(),
                    instance_id: 1,
                    ready_ms: u64::MAX,
                }],
            },
        );
        settle(&mut s, 50);
        assert_eq!(node_status(&s.pools[&1].nodes[0], 50), "ready");
    }
}
