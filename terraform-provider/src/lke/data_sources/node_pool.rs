//! `data "linode_lke_node_pool"`: one node pool of a cluster, by id.

use std::collections::BTreeMap;

use linode_sdk::models::lke::{NodePool, Taint};
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Type, Val, async_trait};

use crate::lke::{NodeModel, nodes_from_api, nodes_type};
use crate::{LinodeState, common};

#[derive(Serialize, Deserialize, Clone, Debug, Default)]
struct AutoscalerModel {
    enabled: bool,
    min: i64,
    max: i64,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default)]
struct DiskModel {
    size: i64,
    #[serde(rename = "type")]
    disk_type: String,
}

#[derive(Serialize, Deserialize, Default)]
pub(crate) struct NodePoolModel {
    id: Val<i64>,
    cluster_id: Val<i64>,
    label: Val<String>,
    node_count: Val<i64>,
    #[serde(rename = "type")]
    node_type: Val<String>,
    disk_encryption: Val<String>,
    firewall_id: Val<i64>,
    k8s_version: Val<String>,
    update_strategy: Val<String>,
    labels: Val<BTreeMap<String, String>>,
    tags: Val<Vec<String>>,
    nodes: Val<Vec<NodeModel>>,
    disks: Val<Vec<DiskModel>>,
    taints: Val<Vec<Taint>>,
    autoscaler: Val<AutoscalerModel>,
}

impl NodePoolModel {
    fn fill(&mut self, p: &NodePool) {
        self.label = Val::Known(p.label.clone().unwrap_or_default());
        self.node_count = Val::Known(i64::from(p.count));
        self.node_type = Val::Known(p.node_type.clone());
        self.disk_encryption = p.disk_encryption.as_ref().map(|d| d.as_str().to_string()).into();
        self.firewall_id = p.firewall_id.map(|f| f as i64).into();
        self.k8s_version = p.k8s_version.clone().into();
        self.update_strategy = p.update_strategy.as_ref().map(|u| u.as_str().to_string()).into();
        self.labels = Val::Known(p.labels.clone());
        self.tags = Val::Known(p.tags.clone());
        self.nodes = Val::Known(nodes_from_api(p));
        self.disks = Val::Known(
            p.disks.iter().map(|d| DiskModel { size: d.size as i64, disk_type: d.disk_type.as_str().to_string() }).collect(),
        );
        self.taints = Val::Known(p.taints.clone());
        self.autoscaler = Val::Known(AutoscalerModel {
            enabled: p.autoscaler.enabled,
            min: i64::from(p.autoscaler.min),
            max: i64::from(p.autoscaler.max),
        });
    }
}

/// `data "linode_lke_node_pool"`.
pub(crate) struct NodePoolDataSource;

#[async_trait]
impl TypedDataSource for NodePoolDataSource {
    type Model = NodePoolModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_lke_node_pool"
    }

    fn schema(&self) -> Schema {
        let computed = |ty: Type, d: &str| Attribute::of(ty).computed().description(d);
        let string = |d: &str| computed(Type::String, d);
        Schema::new()
            .description("One node pool of an LKE cluster.")
            .attr("id", Attribute::number().required().description("The pool's ID."))
            .attr("cluster_id", Attribute::number().required().description("The cluster's ID."))
            .attr("label", string("The pool's label."))
            .attr("node_count", computed(Type::Number, "The number of nodes."))
            .attr("type", string("The Linode type of the nodes."))
            .attr("disk_encryption", string("Local disk encryption: `enabled` or `disabled`."))
            .attr("firewall_id", computed(Type::Number, "The Cloud Firewall of the nodes."))
            .attr("k8s_version", string("The pool's Kubernetes version (LKE Enterprise)."))
            .attr("update_strategy", string("`rolling_update` or `on_recycle` (LKE Enterprise)."))
            .attr("labels", computed(Type::map(Type::String), "Kubernetes labels of the nodes."))
            .attr("tags", computed(Type::list(Type::String), "The pool's tags."))
            .attr("nodes", computed(nodes_type(), "The nodes: `id`, `instance_id`, `status`."))
            .attr("disks", computed(Type::list(Type::object([("size", Type::Number), ("type", Type::String)])), "Extra disks."))
            .attr(
                "taints",
                computed(
                    Type::list(Type::object([("effect", Type::String), ("key", Type::String), ("value", Type::String)])),
                    "Kubernetes taints of the nodes.",
                ),
            )
            .attr(
                "autoscaler",
                computed(
                    Type::object([("enabled", Type::Bool), ("min", Type::Number), ("max", Type::Number)]),
                    "The autoscaler: `enabled`, `min`, `max`.",
                ),
            )
    }

    async fn read(&self, req: DataRead<'_, NodePoolModel, LinodeState>, diags: &mut Diagnostics) -> Option<NodePoolModel> {
        let mut m = req.config;
        let (Some(cluster), Some(id)) = (m.cluster_id.get().copied(), m.id.get().copied()) else { return None };
        match req.data.client.lke().get_pool_opt(cluster as u64, id as u64).await {
            Ok(Some(p)) => {
                m.fill(&p);
                Some(m)
            }
            Ok(None) => {
                diags.error_at("id", "Node pool not found", format!("LKE cluster {cluster} has no node pool {id}."));
                None
            }
            Err(e) => {
                common::api_error_plain(diags, "Unable to read the LKE node pool", &e);
                None
            }
        }
    }
}
