//! Node pools as both LKE resources see them: the nested `pool` blocks of `linode_lke_cluster`
//! and `linode_lke_node_pool`. The model, its conversions to and from the API, and the update a
//! change needs.

use std::collections::BTreeMap;

use linode_sdk::models::Nullable;
use linode_sdk::models::lke::{CreateNodePool, DiskEncryption, NodePool, Taint, UpdateNodePool, UpdateStrategy};
use serde::{Deserialize, Serialize};
use tfplugin::Val;

use super::{AutoscalerModel, NodeModel, autoscaler_from_api, autoscaler_to_api, nodes_from_api};

/// One node pool.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub(crate) struct PoolModel {
    pub id: Val<i64>,
    pub label: Val<String>,
    pub count: Val<i64>,
    #[serde(rename = "type")]
    pub node_type: Val<String>,
    pub firewall_id: Val<i64>,
    pub labels: Val<BTreeMap<String, String>>,
    pub taint: Vec<Taint>,
    pub tags: Val<Vec<String>>,
    pub disk_encryption: Val<DiskEncryption>,
    pub nodes: Val<Vec<NodeModel>>,
    pub autoscaler: Vec<AutoscalerModel>,
    pub k8s_version: Val<String>,
    pub update_strategy: Val<UpdateStrategy>,
}

impl PoolModel {
    /// The node count a pool is created with: `count`, else the autoscaler's minimum.
    pub fn initial_count(&self) -> u32 {
        self.count
            .get()
            .copied()
            .or_else(|| self.autoscaler.first().and_then(|a| a.min.get().copied()))
            .unwrap_or(1)
            .max(1) as u32
    }

    /// The create request for this pool.
    pub fn create_request(&self) -> CreateNodePool {
        let count = self.initial_count();
        CreateNodePool {
            node_type: self.node_type.get().cloned().unwrap_or_default(),
            count,
            autoscaler: self.autoscaler.first().map(|a| autoscaler_to_api(Some(a), None, count)),
            disks: None,
            labels: self.labels.get().filter(|l| !l.is_empty()).cloned(),
            taints: (!self.taint.is_empty()).then(|| self.taint.clone()),
            tags: self.tags.get().filter(|t| !t.is_empty()).cloned(),
            disk_encryption: self.disk_encryption.get().cloned(),
            firewall_id: self.firewall_id.get().map(|f| *f as u64),
            k8s_version: self.k8s_version.get().cloned(),
            label: self.label.get().filter(|l| !l.is_empty()).cloned(),
            update_strategy: self.update_strategy.get().cloned(),
        }
    }

    /// The pool as the API has it. `tracked_count` is the count in state for an autoscaled pool:
    /// the autoscaler moves the live count, the configured one is what is tracked, so it never
    /// shows as drift.
    pub fn from_api(api: &NodePool, tracked_count: Option<i64>) -> PoolModel {
        let count = match tracked_count {
            Some(c) if api.autoscaler.enabled => c,
            _ => i64::from(api.count),
        };
        PoolModel {
            id: Val::Known(api.id as i64),
            label: Val::Known(api.label.clone().unwrap_or_default()),
            count: Val::Known(count),
            node_type: Val::Known(api.node_type.clone()),
            firewall_id: api.firewall_id.map(|f| f as i64).into(),
            labels: Val::Known(api.labels.clone()),
            taint: api.taints.clone(),
            tags: Val::Known(api.tags.clone()),
            disk_encryption: api.disk_encryption.clone().into(),
            nodes: Val::Known(nodes_from_api(api)),
            autoscaler: autoscaler_from_api(api),
            k8s_version: api.k8s_version.clone().into(),
            update_strategy: api.update_strategy.clone().into(),
        }
    }

    /// The update that turns pool `prior` (as the API has it now: `api`) into `self`, if any.
    /// Kubernetes version and update strategy are only sent for LKE Enterprise.
    pub fn update_request(&self, prior: &PoolModel, api: Option<&NodePool>, enterprise: bool) -> Option<UpdateNodePool> {
        let mut req = UpdateNodePool::default();
        if self.autoscaler != prior.autoscaler {
            let count = self.count.get().map_or(api.map_or(1, |a| a.count), |c| *c as u32);
            req.autoscaler = Some(autoscaler_to_api(self.autoscaler.first(), api.map(|a| &a.autoscaler), count));
        }
        if self.autoscaler.is_empty()
            && let Some(c) = self.count.get()
            && (prior.count.get() != Some(c) || api.is_some_and(|a| i64::from(a.count) != *c))
        {
            req.count = Some(*c as u32);
        }
        if self.labels.get().cloned().unwrap_or_default() != prior.labels.get().cloned().unwrap_or_default() {
            req.labels = Some(self.labels.get().cloned().unwrap_or_default());
        }
        if !same_set(&self.taint, &prior.taint) {
            req.taints = Some(self.taint.clone());
        }
        if self.tags.get().cloned().unwrap_or_default() != prior.tags.get().cloned().unwrap_or_default() {
            req.tags = Some(self.tags.get().cloned().unwrap_or_default());
        }
        if self.label.get().cloned().unwrap_or_default() != prior.label.get().cloned().unwrap_or_default() {
            req.label = Some(self.label.get().cloned().unwrap_or_default());
        }
        if let Some(f) = self.firewall_id.get()
            && prior.firewall_id.get() != Some(f)
        {
            req.firewall_id = Nullable::Value(*f as u64);
        }
        if enterprise {
            if let Some(v) = self.k8s_version.get()
                && prior.k8s_version.get() != Some(v)
            {
                req.k8s_version = Some(v.clone());
            }
            if self.update_strategy.is_known() && self.update_strategy != prior.update_strategy {
                req.update_strategy = self.update_strategy.get().cloned();
            }
        }
        (req != UpdateNodePool::default()).then_some(req)
    }
}

/// Whether two slices hold the same elements, in any order.
fn same_set<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    a.len() == b.len() && a.iter().all(|x| b.contains(x)) && b.iter().all(|x| a.contains(x))
}
