//! `data "linode_lke_cluster"`: a cluster, its pools and control plane.

use std::collections::BTreeMap;

use linode_sdk::models::lke::{LkeTier, NodePool};
use serde::Serialize;
use tfplugin::data_source::{DataSourceReadRequest, DataSourceReadResponse};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::{DataSource, Type, async_trait};

use super::computed;
use crate::lke::{NodeModel, cluster_pools, nodes_from_api, nodes_type};
use crate::common;

fn pools_type() -> Type {
    Type::list(Type::object([
        ("id", Type::Number),
        ("label", Type::String),
        ("count", Type::Number),
        ("type", Type::String),
        ("tags", Type::set(Type::String)),
        ("disk_encryption", Type::String),
        ("labels", Type::map(Type::String)),
        ("firewall_id", Type::Number),
        ("k8s_version", Type::String),
        ("update_strategy", Type::String),
        (
            "taints",
            Type::list(Type::object([
                ("effect", Type::String),
                ("key", Type::String),
                ("value", Type::String),
            ])),
        ),
        ("nodes", nodes_type()),
        (
            "autoscaler",
            Type::list(Type::object([
                ("enabled", Type::Bool),
                ("min", Type::Number),
                ("max", Type::Number),
            ])),
        ),
        (
            "disks",
            Type::list(Type::object([
                ("size", Type::Number),
                ("type", Type::String),
            ])),
        ),
    ]))
}

fn control_plane_type() -> Type {
    let addresses = Type::object([
        ("ipv4", Type::set(Type::String)),
        ("ipv6", Type::set(Type::String)),
    ]);
    let acl = Type::object([
        ("enabled", Type::Bool),
        ("addresses", Type::list(addresses)),
    ]);
    Type::list(Type::object([
        ("high_availability", Type::Bool),
        ("audit_logs_enabled", Type::Bool),
        ("acl", Type::list(acl)),
    ]))
}

#[derive(Serialize)]
struct TaintOut {
    effect: String,
    key: String,
    value: String,
}

#[derive(Serialize)]
struct AutoscalerOut {
    enabled: bool,
    min: i64,
    max: i64,
}

#[derive(Serialize)]
struct DiskOut {
    size: i64,
    #[serde(rename = "type")]
    disk_type: String,
}

#[derive(Serialize)]
struct PoolOut {
    id: i64,
    label: String,
    count: i64,
    #[serde(rename = "type")]
    node_type: String,
    tags: Vec<String>,
    disk_encryption: Option<String>,
    labels: BTreeMap<String, String>,
    firewall_id: Option<i64>,
    k8s_version: Option<String>,
    update_strategy: Option<String>,
    taints: Vec<TaintOut>,
    nodes: Vec<NodeModel>,
    autoscaler: Vec<AutoscalerOut>,
    disks: Vec<DiskOut>,
}

fn pool_out(p: &NodePool) -> PoolOut {
    PoolOut {
        id: p.id as i64,
        label: p.label.clone().unwrap_or_default(),
        count: p.count as i64,
        node_type: p.node_type.clone(),
        tags: p.tags.clone(),
        disk_encryption: p.disk_encryption.as_ref().map(|d| d.as_str().to_string()),
        labels: p.labels.clone(),
        firewall_id: p.firewall_id.map(|f| f as i64),
        k8s_version: p.k8s_version.clone(),
        update_strategy: p.update_strategy.as_ref().map(|u| u.as_str().to_string()),
        taints: p
            .taints
            .iter()
            .map(|t| TaintOut {
                effect: t.effect.as_str().to_string(),
                key: t.key.clone(),
                value: t.value.clone(),
            })
            .collect(),
        nodes: nodes_from_api(p),
        autoscaler: vec![AutoscalerOut {
            enabled: p.autoscaler.enabled,
            min: p.autoscaler.min as i64,
            max: p.autoscaler.max as i64,
        }],
        disks: p
            .disks
            .iter()
            .map(|d| DiskOut {
                size: d.size as i64,
                disk_type: d.disk_type.as_str().to_string(),
            })
            .collect(),
    }
}

#[derive(Serialize)]
struct AddressesOut {
    ipv4: Vec<String>,
    ipv6: Vec<String>,
}

#[derive(Serialize)]
struct AclOut {
    enabled: bool,
    addresses: Vec<AddressesOut>,
}

#[derive(Serialize)]
struct ControlPlaneOut {
    high_availability: bool,
    audit_logs_enabled: bool,
    acl: Vec<AclOut>,
}

#[derive(Serialize)]
struct ClusterOut {
    id: i64,
    label: String,
    region: String,
    k8s_version: String,
    tier: String,
    tags: Vec<String>,
    status: String,
    created: String,
    updated: String,
    apl_enabled: bool,
    vpc_id: Option<i64>,
    subnet_id: Option<i64>,
    stack_type: Option<String>,
    api_endpoints: Vec<String>,
    kubeconfig: Option<String>,
    dashboard_url: Option<String>,
    pools: Vec<PoolOut>,
    control_plane: Vec<ControlPlaneOut>,
}

/// `data "linode_lke_cluster"`.
pub(crate) struct ClusterDataSource;

#[async_trait]
impl DataSource for ClusterDataSource {
    fn type_name(&self) -> &str {
        "linode_lke_cluster"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .description("Reads an LKE cluster, its node pools, kubeconfig and control plane settings.")
            .attr("id", Attribute::number().required().description("The ID of the cluster."))
            .attr("label", computed(Type::String, "The label of the cluster."))
            .attr("region", computed(Type::String, "The region of the cluster."))
            .attr("k8s_version", computed(Type::String, "The Kubernetes version of the cluster."))
            .attr("tier", computed(Type::String, "The tier: `standard` or `enterprise`."))
            .attr("tags", computed(Type::set(Type::String), "Tags of the cluster."))
            .attr("status", computed(Type::String, "The status of the cluster."))
            .attr("created", computed(Type::String, "When the cluster was created."))
            .attr("updated", computed(Type::String, "When the cluster was last updated."))
            .attr("apl_enabled", computed(Type::Bool, "Whether Akamai App Platform is enabled."))
            .attr("vpc_id", computed(Type::Number, "The VPC of the cluster (LKE Enterprise)."))
            .attr("subnet_id", computed(Type::Number, "The VPC subnet of the cluster (LKE Enterprise)."))
            .attr("stack_type", computed(Type::String, "The IP stack: `ipv4` or `ipv4-ipv6`."))
            .attr("api_endpoints", computed(Type::list(Type::String), "The Kubernetes API endpoints."))
            .attr("kubeconfig", computed(Type::String, "The base64-encoded kubeconfig (null while it is being provisioned).").sensitive())
            .attr("dashboard_url", computed(Type::String, "The Kubernetes dashboard URL (standard tier)."))
            .attr(
                "pools",
                computed(
                    pools_type(),
                    "The node pools: `id`, `label`, `count`, `type`, `tags`, `disk_encryption`, `labels`, `firewall_id`, \
                     `k8s_version`, `update_strategy`, `taints`, `nodes`, `autoscaler` (`enabled`, `min`, `max`) and `disks`.",
                ),
            )
            .attr(
                "control_plane",
                computed(control_plane_type(), "Control plane settings: `high_availability`, `audit_logs_enabled` and `acl`."),
            )
    }

    async fn read(&self, req: DataSourceReadRequest, resp: &mut DataSourceReadResponse) {
        let diags = &mut resp.diagnostics;
        let Some(state) = common::state(&req.ctx, diags) else {
            return;
        };
        let Some(id) = req
            .config
            .get("id")
            .and_then(tfplugin::Value::as_i64)
            .filter(|i| *i > 0)
        else {
            diags.error_at(
                "id",
                "Invalid cluster ID",
                "Expected a positive cluster ID.",
            );
            return;
        };
        let id = id as u64;
        let lke = state.client.lke();
        let cluster = match lke.get(id).await {
            Ok(c) => c,
            Err(e) => {
                common::api_error_plain(diags, &format!("Unable to read LKE cluster {id}"), &e);
                return;
            }
        };
        let pools = match cluster_pools(state, id).await {
            Ok(p) => p,
            Err(e) => {
                common::api_error_plain(
                    diags,
                    &format!("Unable to list the pools of LKE cluster {id}"),
                    &e,
                );
                return;
            }
        };
        let unavailable = |e: &linode_sdk::Error| matches!(e.status(), Some(400 | 404 | 503));
        let kubeconfig = match lke.get_kubeconfig(id).await {
            Ok(k) => Some(k.kubeconfig),
            Err(e) if unavailable(&e) => None,
            Err(e) => return common::api_error_plain(diags, "Unable to read the kubeconfig", &e),
        };
        let api_endpoints = match lke.list_api_endpoints(id).await {
            Ok(p) => p.data.into_iter().map(|e| e.endpoint).collect(),
            Err(e) if unavailable(&e) => vec![],
            Err(e) => {
                return common::api_error_plain(diags, "Unable to list the API endpoints", &e);
            }
        };
        let standard = cluster
            .tier
            .as_ref()
            .is_none_or(|t| *t == LkeTier::Standard);
        let dashboard_url = if standard {
            match lke.get_dashboard_url(id).await {
                Ok(d) => Some(d.url),
                Err(e) if unavailable(&e) => None,
                Err(e) => {
                    return common::api_error_plain(diags, "Unable to read the dashboard URL", &e);
                }
            }
        } else {
            None
        };
        let cp = &cluster.control_plane;
        let acl = match &cp.acl {
            Some(a) => Some(a.clone()),
            None => match lke.get_control_plane_acl(id).await {
                Ok(a) => Some(a),
                Err(e) if matches!(e.status(), Some(400 | 404)) => None,
                Err(e) => {
                    return common::api_error_plain(
                        diags,
                        "Unable to read the control plane ACL",
                        &e,
                    );
                }
            },
        };
        resp.set_state(&ClusterOut {
            id: cluster.id as i64,
            label: cluster.label.clone(),
            region: cluster.region.clone(),
            k8s_version: cluster.k8s_version.clone(),
            tier: cluster
                .tier
                .as_ref()
                .map_or("standard", LkeTier::as_str)
                .to_string(),
            tags: cluster.tags.clone(),
            status: cluster
                .status
                .as_ref()
                .map_or("ready", |s| s.as_str())
                .to_string(),
            created: cluster.created.clone(),
            updated: cluster.updated.clone(),
            apl_enabled: cluster.apl_enabled.unwrap_or(false),
            vpc_id: cluster.vpc_id.map(|v| v as i64),
            subnet_id: cluster.subnet_id.map(|v| v as i64),
            stack_type: cluster.stack_type.as_ref().map(|s| s.as_str().to_string()),
            api_endpoints,
            kubeconfig,
            dashboard_url,
            pools: pools.iter().map(pool_out).collect(),
            control_plane: vec![ControlPlaneOut {
                high_availability: cp.high_availability,
                audit_logs_enabled: cp.audit_logs_enabled.unwrap_or(false),
                acl: acl
                    .map(|a| {
                        let addrs = a.addresses.unwrap_or_default();
                        vec![AclOut {
                            enabled: a.enabled,
                            addresses: vec![AddressesOut {
                                ipv4: addrs.ipv4,
                                ipv6: addrs.ipv6,
                            }],
                        }]
                    })
                    .unwrap_or_default(),
            }],
        });
    }
}
