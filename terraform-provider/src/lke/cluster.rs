//! `linode_lke_cluster`: an LKE cluster with its nested node pools.
//!
//! Unlike linode/linode, nested pools are matched by identity, not list position: planning pairs
//! every configured pool with a pool of the prior state (by label, then by equal content, then by
//! type) and carries its id, so reordering `pool` blocks changes nothing and removing one block
//! deletes exactly that pool. Autoscaled pools keep their configured count (the autoscaler owns the
//! live count), pools owned by `linode_lke_node_pool` resources (`external_pool_tags`) are ignored,
//! and create waits until every node is ready and the kubeconfig is served.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use linode_sdk::ListParams;
use linode_sdk::models::Nullable;
use linode_sdk::models::linode_types::LinodeClass;
use linode_sdk::models::lke::{
    AclAddresses, ControlPlaneAclOptions, ControlPlaneOptions, CreateLkeCluster, CreateNodePool,
    DiskEncryption, LkeCluster, LkeTier, NodePool, StackType, UpdateLkeCluster, UpdateNodePool,
    UpdateStrategy,
};
use serde::{Deserialize, Serialize};
use tfplugin::resource::{
    ApplyResponse, CreateRequest, DeleteRequest, ImportRequest, ImportResponse, ModifyPlanRequest,
    ReadRequest, ReadResponse, UpdateRequest, ValidateRequest,
};
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::validators::{self, Validator};
use tfplugin::{
    AttributePath, Context, Diagnostics, Resource, Type, Val, Value, async_trait, timeouts,
};

use super::{
    AutoscalerModel, NodeModel, TaintModel, ValExt, autoscaler_from_api, autoscaler_to_api,
    cluster_pools, keep_case, labels_val, nodes_from_api, nodes_type, tags_intersect, taint_block,
    taints_from_api, taints_to_api, unknowns_to_null, wait_options,
};
use crate::LinodeState;
use crate::common;

const CREATE_TIMEOUT: Duration = Duration::from_secs(35 * 60);
const UPDATE_TIMEOUT: Duration = Duration::from_secs(40 * 60);
const DELETE_TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// `linode_lke_cluster`.
pub(crate) struct ClusterResource;

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub(crate) struct PoolModel {
    pub id: Val<i64>,
    pub label: Val<String>,
    pub count: Val<i64>,
    #[serde(rename = "type")]
    pub node_type: Val<String>,
    pub firewall_id: Val<i64>,
    pub labels: Val<BTreeMap<String, String>>,
    pub taint: Vec<TaintModel>,
    pub tags: Val<Vec<String>>,
    pub disk_encryption: Val<String>,
    pub nodes: Val<Vec<NodeModel>>,
    pub autoscaler: Vec<AutoscalerModel>,
    pub k8s_version: Val<String>,
    pub update_strategy: Val<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
struct AddressesModel {
    ipv4: Val<Vec<String>>,
    ipv6: Val<Vec<String>>,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
struct AclModel {
    enabled: Val<bool>,
    addresses: Vec<AddressesModel>,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
struct ControlPlaneModel {
    high_availability: Val<bool>,
    audit_logs_enabled: Val<bool>,
    acl: Vec<AclModel>,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
struct ClusterModel {
    id: Val<String>,
    label: Val<String>,
    k8s_version: Val<String>,
    region: Val<String>,
    tier: Val<String>,
    apl_enabled: Val<bool>,
    tags: Val<Vec<String>>,
    external_pool_tags: Val<Vec<String>>,
    subnet_id: Val<i64>,
    vpc_id: Val<i64>,
    stack_type: Val<String>,
    api_endpoints: Val<Vec<String>>,
    kubeconfig: Val<String>,
    dashboard_url: Val<String>,
    status: Val<String>,
    pool: Vec<PoolModel>,
    control_plane: Vec<ControlPlaneModel>,
}

/// Checks that every element of a set of strings is an IPv4 (or IPv6) address or CIDR.
struct IpOrCidr {
    v6: bool,
}

impl Validator for IpOrCidr {
    fn description(&self) -> String {
        format!(
            "each element must be an {} address or CIDR",
            if self.v6 { "IPv6" } else { "IPv4" }
        )
    }

    fn validate(
        &self,
        value: &Value,
        path: &AttributePath,
        _config: &Value,
        diags: &mut Diagnostics,
    ) {
        for s in value
            .as_elements()
            .unwrap_or_default()
            .iter()
            .filter_map(Value::as_str)
        {
            let ok = if self.v6 {
                s.parse::<ipnet::Ipv6Net>().is_ok() || s.parse::<std::net::Ipv6Addr>().is_ok()
            } else {
                s.parse::<ipnet::Ipv4Net>().is_ok() || s.parse::<std::net::Ipv4Addr>().is_ok()
            };
            if !ok {
                diags.error_at(
                    path.clone(),
                    "Invalid control plane ACL address",
                    format!(
                        "{s:?} is not an {} address or CIDR (e.g. {}).",
                        if self.v6 { "IPv6" } else { "IPv4" },
                        if self.v6 {
                            "2001:db8::/32"
                        } else {
                            "203.0.113.0/24"
                        }
                    ),
                );
            }
        }
    }
}

pub(crate) fn pool_schema() -> Schema {
    Schema::new()
        .description("A node pool of the cluster. Pools are matched by identity (label, then content), not by position.")
        .attr("id", Attribute::number().computed().description("The ID of the node pool."))
        .attr("label", Attribute::string().default("").description("The label of the node pool."))
        .attr(
            "count",
            Attribute::number()
                .optional()
                .computed()
                .validate(validators::between(1.0, 100.0))
                .description(
                    "The number of nodes in the pool (1-100). Optional when `autoscaler` is set: the pool is created with \
                     `autoscaler.min` nodes and the autoscaler's later changes never show as drift.",
                ),
        )
        .attr(
            "type",
            Attribute::string().required().description(
                "The Linode type of the nodes, e.g. `g6-standard-2`. Changing it replaces this pool only (a new pool is \
                 created, then the old one deleted), never the cluster.",
            ),
        )
        .attr("firewall_id", Attribute::number().optional().computed().description("The ID of the Cloud Firewall of the pool's nodes."))
        .attr("labels", Attribute::map(Type::String).optional().description("Kubernetes labels added to the pool's nodes."))
        .attr("tags", Attribute::set(Type::String).optional().description("Tags of the node pool (compared ignoring case)."))
        .attr(
            "disk_encryption",
            Attribute::string()
                .optional()
                .computed()
                .validate(validators::one_of(&["enabled", "disabled"]))
                .description("Local disk encryption of the nodes: `enabled` or `disabled`. Changing it replaces this pool."),
        )
        .attr("nodes", Attribute::of(nodes_type()).computed().description("The nodes of the pool: `id`, `instance_id` and `status`."))
        .attr(
            "k8s_version",
            Attribute::string().optional().computed().description("The Kubernetes version of the pool (LKE Enterprise only)."),
        )
        .attr(
            "update_strategy",
            Attribute::string()
                .optional()
                .computed()
                .validate(validators::one_of(&["rolling_update", "on_recycle"]))
                .description("How nodes are updated: `rolling_update` or `on_recycle` (LKE Enterprise only)."),
        )
        .block("taint", taint_block())
        .block(
            "autoscaler",
            Block::list(
                Schema::new()
                    .description("Autoscaling of the pool. Removing the block disables the autoscaler.")
                    .attr("min", Attribute::number().required().validate(validators::between(1.0, 100.0)).description("The minimum number of nodes."))
                    .attr("max", Attribute::number().required().validate(validators::between(1.0, 100.0)).description("The maximum number of nodes.")),
            )
            .max_items(1),
        )
}

fn control_plane_block() -> Block {
    let addresses = Schema::new()
        .description("The addresses allowed to reach the control plane.")
        .attr(
            "ipv4",
            Attribute::set(Type::String)
                .optional()
                .computed()
                .validate(IpOrCidr { v6: false })
                .description("IPv4 addresses or CIDRs allowed to reach the control plane."),
        )
        .attr(
            "ipv6",
            Attribute::set(Type::String)
                .optional()
                .computed()
                .validate(IpOrCidr { v6: true })
                .description("IPv6 addresses or CIDRs allowed to reach the control plane."),
        );
    let acl = Schema::new()
        .description("The control plane's access control list.")
        .attr(
            "enabled",
            Attribute::bool()
                .optional()
                .computed()
                .description("Whether the ACL is enforced."),
        )
        .block("addresses", Block::list(addresses).max_items(1));
    Block::list(
        Schema::new()
            .description("Control plane settings.")
            .attr(
                "high_availability",
                Attribute::bool()
                    .optional()
                    .computed()
                    .description("Whether the control plane is highly available. Once enabled it cannot be disabled."),
            )
            .attr("audit_logs_enabled", Attribute::bool().optional().computed().description("Whether control plane audit logs are enabled."))
            .block("acl", Block::list(acl).max_items(1)),
    )
    .max_items(1)
}

/// Maps API error fields (`node_pools[1].type`, `control_plane.acl...`) to attributes.
fn api_field(field: &str) -> Option<AttributePath> {
    if let Some(rest) = field.strip_prefix("node_pools[") {
        let (idx, attr) = rest.split_once("].")?;
        let attr = attr.split(['.', '[']).next().unwrap_or(attr);
        return Some(
            AttributePath::root()
                .attr("pool")
                .index(idx.parse().ok()?)
                .attr(attr),
        );
    }
    if let Some(rest) = field.strip_prefix("control_plane.") {
        let attr = rest.split(['.', '[']).next().unwrap_or(rest);
        return Some(
            AttributePath::root()
                .attr("control_plane")
                .index(0)
                .attr(attr),
        );
    }
    common::same_name(field)
}

fn tier_of(m: &ClusterModel) -> Option<LkeTier> {
    match m.tier.get().map(String::as_str) {
        Some("enterprise") => Some(LkeTier::Enterprise),
        Some("standard") => Some(LkeTier::Standard),
        _ => None,
    }
}

fn disk_encryption(v: &Val<String>) -> Option<DiskEncryption> {
    match v.get().map(String::as_str) {
        Some("enabled") => Some(DiskEncryption::Enabled),
        Some("disabled") => Some(DiskEncryption::Disabled),
        _ => None,
    }
}

fn update_strategy(v: &Val<String>) -> Option<UpdateStrategy> {
    match v.get().map(String::as_str) {
        Some("rolling_update") => Some(UpdateStrategy::RollingUpdate),
        Some("on_recycle") => Some(UpdateStrategy::OnRecycle),
        _ => None,
    }
}

/// The node count a pool is created with: `count`, else the autoscaler's minimum.
fn initial_count(p: &PoolModel) -> u32 {
    p.count
        .get()
        .copied()
        .or_else(|| p.autoscaler.first().and_then(|a| a.min.get().copied()))
        .unwrap_or(1)
        .max(1) as u32
}

pub(crate) fn create_pool_request(p: &PoolModel) -> CreateNodePool {
    let count = initial_count(p);
    CreateNodePool {
        node_type: p.node_type.unwrap_or_default(),
        count,
        autoscaler: p
            .autoscaler
            .first()
            .map(|a| autoscaler_to_api(Some(a), None, count)),
        disks: None,
        labels: p.labels.get().filter(|l| !l.is_empty()).cloned(),
        taints: (!p.taint.is_empty()).then(|| taints_to_api(&p.taint)),
        tags: p.tags.get().filter(|t| !t.is_empty()).cloned(),
        disk_encryption: disk_encryption(&p.disk_encryption),
        firewall_id: p.firewall_id.get().map(|f| *f as u64),
        k8s_version: p.k8s_version.get().cloned(),
        label: p.label.get().filter(|l| !l.is_empty()).cloned(),
        update_strategy: update_strategy(&p.update_strategy),
    }
}

fn control_plane_options(cp: &ControlPlaneModel) -> ControlPlaneOptions {
    ControlPlaneOptions {
        high_availability: cp.high_availability.get().copied(),
        audit_logs_enabled: cp.audit_logs_enabled.get().copied(),
        metrics_enabled: None,
        acl: cp.acl.first().map(|a| {
            let addresses = a.addresses.first().map(|ad| AclAddresses {
                ipv4: ad.ipv4.unwrap_or_default(),
                ipv6: ad.ipv6.unwrap_or_default(),
            });
            ControlPlaneAclOptions {
                enabled: Some(a.enabled.get().copied().unwrap_or(!a.addresses.is_empty())),
                addresses,
                revision_id: None,
            }
        }),
    }
}

/// The state of one pool from the API, with `prior` (state or plan) deciding null-vs-empty,
/// tag case and the count of autoscaled pools.
pub(crate) fn pool_from_api(api: &NodePool, prior: Option<&PoolModel>) -> PoolModel {
    let prior_tags = prior.and_then(|p| p.tags.get());
    let count = match prior.and_then(|p| p.count.get()) {
        // The autoscaler moves the live count; the configured count is what we track.
        Some(c) if api.autoscaler.enabled => *c,
        _ => api.count as i64,
    };
    PoolModel {
        id: Val::Known(api.id as i64),
        label: Val::Known(api.label.clone().unwrap_or_default()),
        count: Val::Known(count),
        node_type: Val::Known(api.node_type.clone()),
        firewall_id: api.firewall_id.map(|f| f as i64).into(),
        labels: labels_val(
            &prior.map(|p| p.labels.clone()).unwrap_or_default(),
            &api.labels,
        ),
        taint: taints_from_api(api),
        tags: if api.tags.is_empty() && prior_tags.is_none() {
            Val::Null
        } else {
            Val::Known(keep_case(prior_tags, &api.tags))
        },
        disk_encryption: api
            .disk_encryption
            .as_ref()
            .map(|d| d.as_str().to_string())
            .into(),
        nodes: Val::Known(nodes_from_api(api)),
        autoscaler: autoscaler_from_api(api),
        k8s_version: api.k8s_version.clone().into(),
        update_strategy: api
            .update_strategy
            .as_ref()
            .map(|u| u.as_str().to_string())
            .into(),
    }
}

/// Refreshes a cluster. `prior` is the state (or, after apply, the plan with pool ids filled in);
/// `Ok(None)` means the cluster is gone.
async fn read_cluster(
    state: &LinodeState,
    id: u64,
    prior: &ClusterModel,
    importing: bool,
) -> Result<Option<ClusterModel>, linode_sdk::Error> {
    let lke = state.client.lke();
    let Some(cluster) = lke.get_opt(id).await? else {
        return Ok(None);
    };
    let pools = match cluster_pools(state, id).await {
        Ok(p) => p,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    let not_ready = |e: &linode_sdk::Error| matches!(e.status(), Some(400 | 404 | 503));
    let kubeconfig = match lke.get_kubeconfig(id).await {
        Ok(k) => Val::Known(k.kubeconfig),
        Err(e) if not_ready(&e) => prior.kubeconfig.clone().or_known(String::new()),
        Err(e) => return Err(e),
    };
    let api_endpoints = match lke.list_api_endpoints(id).await {
        Ok(p) => Val::Known(p.data.into_iter().map(|e| e.endpoint).collect()),
        Err(e) if not_ready(&e) => prior.api_endpoints.clone().or_known(vec![]),
        Err(e) => return Err(e),
    };
    let standard = cluster
        .tier
        .as_ref()
        .is_none_or(|t| *t == LkeTier::Standard);
    let dashboard_url = if standard {
        match lke.get_dashboard_url(id).await {
            Ok(d) => Val::Known(d.url),
            Err(e) if not_ready(&e) => prior.dashboard_url.clone().or_known(String::new()),
            Err(e) => return Err(e),
        }
    } else {
        prior.dashboard_url.clone().or_known(String::new())
    };

    let external = prior.external_pool_tags.unwrap_or_default();
    let owned: Vec<&NodePool> = pools
        .iter()
        .filter(|p| !tags_intersect(&p.tags, &external))
        .collect();
    // Prior order for pools that still exist, then pools new to us (e.g. after import).
    let mut out_pools = Vec::new();
    let mut seen = HashSet::new();
    for pp in &prior.pool {
        if let Some(pid) = pp.id.get()
            && let Some(api) = owned.iter().find(|a| a.id as i64 == *pid)
        {
            seen.insert(api.id);
            out_pools.push(pool_from_api(api, Some(pp)));
        }
    }
    for api in owned.iter().filter(|a| !seen.contains(&a.id)) {
        out_pools.push(pool_from_api(api, None));
    }

    let control_plane = match prior.control_plane.first() {
        Some(pcp) => vec![control_plane_from_api(state, &cluster, Some(pcp), false).await?],
        // An imported cluster whose control plane has the defaults (no HA, no audit logs, ACL
        // off) keeps the block out of state, so a configuration without it plans no change.
        None if importing => {
            let cp = control_plane_from_api(state, &cluster, None, true).await?;
            if is_default_control_plane(&cp) { vec![] } else { vec![cp] }
        }
        None => vec![],
    };

    Ok(Some(ClusterModel {
        id: Val::Known(cluster.id.to_string()),
        label: Val::Known(cluster.label.clone()),
        k8s_version: Val::Known(cluster.k8s_version.clone()),
        region: Val::Known(cluster.region.clone()),
        tier: Val::Known(
            cluster
                .tier
                .as_ref()
                .map_or("standard", LkeTier::as_str)
                .to_string(),
        ),
        apl_enabled: Val::Known(cluster.apl_enabled.unwrap_or(false)),
        tags: Val::Known(keep_case(prior.tags.get(), &cluster.tags)),
        external_pool_tags: prior.external_pool_tags.clone(),
        subnet_id: cluster.subnet_id.map(|v| v as i64).into(),
        vpc_id: cluster.vpc_id.map(|v| v as i64).into(),
        stack_type: Val::Known(
            cluster
                .stack_type
                .as_ref()
                .map_or("ipv4", StackType::as_str)
                .to_string(),
        ),
        api_endpoints,
        kubeconfig,
        dashboard_url,
        status: Val::Known(
            cluster
                .status
                .as_ref()
                .map_or("ready", |s| s.as_str())
                .to_string(),
        ),
        pool: out_pools,
        control_plane,
    }))
}

/// Whether a control plane read from the API is what a cluster without a `control_plane` block
/// gets: no high availability, no audit logs, ACL disabled without addresses.
fn is_default_control_plane(cp: &ControlPlaneModel) -> bool {
    let empty = |v: &Val<Vec<String>>| v.get().is_none_or(|a| a.is_empty());
    cp.high_availability.get() != Some(&true)
        && cp.audit_logs_enabled.get() != Some(&true)
        && cp.acl.iter().all(|acl| {
            acl.enabled.get() != Some(&true) && acl.addresses.iter().all(|a| empty(&a.ipv4) && empty(&a.ipv6))
        })
}

async fn control_plane_from_api(
    state: &LinodeState,
    cluster: &LkeCluster,
    prior: Option<&ControlPlaneModel>,
    importing: bool,
) -> Result<ControlPlaneModel, linode_sdk::Error> {
    let cp = &cluster.control_plane;
    let prior_acl = prior.and_then(|p| p.acl.first());
    let acl = if prior_acl.is_some() || importing {
        let api_acl = match &cp.acl {
            Some(a) => Some(a.clone()),
            None => match state.client.lke().get_control_plane_acl(cluster.id).await {
                Ok(a) => Some(a),
                Err(e) if matches!(e.status(), Some(400 | 404)) => None,
                Err(e) => return Err(e),
            },
        };
        let api_acl = api_acl.unwrap_or_default();
        let addrs = api_acl.addresses.clone().unwrap_or_default();
        let prior_addr = prior_acl.and_then(|a| a.addresses.first());
        let addresses = if prior_addr.is_some() || importing {
            vec![AddressesModel {
                ipv4: Val::Known(keep_case(
                    prior_addr.and_then(|a| a.ipv4.get()),
                    &addrs.ipv4,
                )),
                ipv6: Val::Known(keep_case(
                    prior_addr.and_then(|a| a.ipv6.get()),
                    &addrs.ipv6,
                )),
            }]
        } else {
            vec![]
        };
        vec![AclModel {
            enabled: Val::Known(api_acl.enabled),
            addresses,
        }]
    } else {
        vec![]
    };
    Ok(ControlPlaneModel {
        high_availability: Val::Known(cp.high_availability),
        audit_logs_enabled: Val::Known(cp.audit_logs_enabled.unwrap_or(false)),
        acl,
    })
}

// ---------- planning ----------

fn tagset(t: &Val<Vec<String>>) -> Vec<String> {
    let mut v: Vec<String> = t
        .unwrap_or_default()
        .iter()
        .map(|s| s.to_lowercase())
        .collect();
    v.sort();
    v.dedup();
    v
}

fn taintset(t: &[TaintModel]) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = t
        .iter()
        .map(|t| {
            (
                t.key.unwrap_or_default(),
                t.value.unwrap_or_default(),
                t.effect.unwrap_or_default(),
            )
        })
        .collect();
    v.sort();
    v
}

fn same_shape(c: &PoolModel, p: &PoolModel) -> bool {
    c.node_type == p.node_type
        && c.labels.unwrap_or_default() == p.labels.unwrap_or_default()
        && taintset(&c.taint) == taintset(&p.taint)
        && tagset(&c.tags) == tagset(&p.tags)
}

fn same_content(c: &PoolModel, p: &PoolModel) -> bool {
    same_shape(c, p)
        && c.autoscaler == p.autoscaler
        && (c.count.is_null() || c.count == p.count)
        && (c.firewall_id.is_null() || c.firewall_id == p.firewall_id)
        && c.label.unwrap_or_default() == p.label.unwrap_or_default()
}

/// Whether a planned pool leaves prior pool `p` as it is (so its nodes stay the same).
fn equivalent(a: &PoolModel, p: &PoolModel) -> bool {
    a.id == p.id
        && same_shape(a, p)
        && a.label.unwrap_or_default() == p.label.unwrap_or_default()
        && a.count == p.count
        && a.firewall_id == p.firewall_id
        && a.disk_encryption == p.disk_encryption
        && a.autoscaler == p.autoscaler
        && a.k8s_version == p.k8s_version
        && a.update_strategy == p.update_strategy
}

/// For each configured pool, the index of the prior pool it is (label, then identical content,
/// then same shape, then same type), each prior pool used at most once.
fn match_pools(config: &[PoolModel], prior: &[PoolModel]) -> Vec<Option<usize>> {
    let mut out: Vec<Option<usize>> = vec![None; config.len()];
    let mut used = vec![false; prior.len()];
    type Rule = fn(&PoolModel, &PoolModel) -> bool;
    let rules: [Rule; 4] = [
        |c, p| c.label.get().is_some_and(|l| !l.is_empty()) && c.label == p.label,
        same_content,
        same_shape,
        |c, p| c.node_type.is_known() && c.node_type == p.node_type,
    ];
    for rule in rules {
        for (i, c) in config.iter().enumerate() {
            if out[i].is_some() {
                continue;
            }
            if let Some(j) =
                (0..prior.len()).find(|&j| !used[j] && prior[j].id.is_known() && rule(c, &prior[j]))
            {
                used[j] = true;
                out[i] = Some(j);
            }
        }
    }
    out
}

/// The planned pool for configured pool `c`, continuing prior pool `p` when it matched.
fn plan_pool(c: &PoolModel, p: Option<&PoolModel>, version_changes: bool) -> PoolModel {
    let keep = p.filter(|p| {
        p.node_type == c.node_type
            && (c.disk_encryption.is_null() || c.disk_encryption == p.disk_encryption)
    });
    let or_prior = |cv: &Val<String>, pv: Option<&Val<String>>| -> Val<String> {
        if cv.is_null() {
            pv.cloned().unwrap_or(Val::Unknown)
        } else {
            cv.clone()
        }
    };
    let count = if !c.count.is_null() {
        c.count.clone()
    } else if let Some(a) = c.autoscaler.first() {
        match keep {
            Some(p) if p.count.is_known() => p.count.clone(),
            _ => a.min.clone(),
        }
    } else {
        Val::Unknown
    };
    let mut planned = PoolModel {
        id: keep.map_or(Val::Unknown, |p| p.id.clone()),
        label: c.label.clone().or_known(String::new()),
        count,
        node_type: c.node_type.clone(),
        firewall_id: if c.firewall_id.is_null() {
            keep.map_or(Val::Unknown, |p| p.firewall_id.clone())
        } else {
            c.firewall_id.clone()
        },
        labels: c.labels.clone(),
        taint: c.taint.clone(),
        tags: c.tags.clone(),
        disk_encryption: or_prior(&c.disk_encryption, keep.map(|p| &p.disk_encryption)),
        nodes: Val::Unknown,
        autoscaler: c.autoscaler.clone(),
        k8s_version: or_prior(&c.k8s_version, keep.map(|p| &p.k8s_version)),
        update_strategy: or_prior(&c.update_strategy, keep.map(|p| &p.update_strategy)),
    };
    if let Some(p) = keep
        && equivalent(&planned, p)
        && !version_changes
    {
        planned.nodes = p.nodes.clone();
    }
    planned
}

/// After an update, values this apply did not touch (planned as known from the prior state) are
/// kept as planned, even if something else moved them meanwhile (an autoscaler adding a node
/// between plan and apply): Terraform rejects a known planned value that changes. The next
/// refresh shows the new values.
fn settle_to_plan(new: &mut ClusterModel, planned: &ClusterModel) {
    fn settle<T: Clone>(v: &mut Val<T>, planned: &Val<T>) {
        if planned.is_known() {
            *v = planned.clone();
        }
    }
    settle(&mut new.tier, &planned.tier);
    settle(&mut new.apl_enabled, &planned.apl_enabled);
    settle(&mut new.subnet_id, &planned.subnet_id);
    settle(&mut new.vpc_id, &planned.vpc_id);
    settle(&mut new.stack_type, &planned.stack_type);
    settle(&mut new.api_endpoints, &planned.api_endpoints);
    settle(&mut new.kubeconfig, &planned.kubeconfig);
    settle(&mut new.dashboard_url, &planned.dashboard_url);
    settle(&mut new.status, &planned.status);
    for (np, pp) in new.pool.iter_mut().zip(&planned.pool) {
        if np.id == pp.id {
            settle(&mut np.nodes, &pp.nodes);
        }
    }
}

/// An unknown planned value becomes the prior one.
fn keep<T: Clone>(planned: &mut Val<T>, prior: &Val<T>) {
    if planned.is_unknown() {
        *planned = prior.clone();
    }
}

/// Plans the computed parts of `control_plane`: unset flags keep their prior values, an unset
/// `acl.enabled` means "enabled when addresses are given" (what apply sends), and an unset
/// address family is empty.
fn plan_control_plane(
    plan: &mut ClusterModel,
    config: &ClusterModel,
    prior: Option<&ClusterModel>,
) {
    let Some(pc) = plan.control_plane.first_mut() else {
        return;
    };
    let prior_cp = prior.and_then(|p| p.control_plane.first());
    if let Some(prc) = prior_cp {
        keep(&mut pc.high_availability, &prc.high_availability);
        keep(&mut pc.audit_logs_enabled, &prc.audit_logs_enabled);
    }
    let config_acl = config.control_plane.first().and_then(|c| c.acl.first());
    if let (Some(pa), Some(ca)) = (pc.acl.first_mut(), config_acl) {
        if ca.enabled.is_null() {
            pa.enabled = Val::Known(!ca.addresses.is_empty());
        }
        if let Some(ad) = pa.addresses.first_mut() {
            if ad.ipv4.is_unknown() {
                ad.ipv4 = Val::Known(vec![]);
            }
            if ad.ipv6.is_unknown() {
                ad.ipv6 = Val::Known(vec![]);
            }
        }
    }
}

fn gpu_regions(regions: &[linode_sdk::models::regions::Region]) -> String {
    let mut ids: Vec<&str> = regions
        .iter()
        .filter(|r| r.has_capability("GPU Linodes"))
        .map(|r| r.id.as_str())
        .collect();
    ids.sort_unstable();
    ids.join(", ")
}

async fn valid_versions(
    state: &LinodeState,
    tier: Option<LkeTier>,
) -> Result<Vec<String>, linode_sdk::Error> {
    let lke = state.client.lke();
    let params = ListParams::new().page_size(500);
    Ok(match tier {
        Some(LkeTier::Enterprise) => lke
            .list_tier_versions(&LkeTier::Enterprise, &params)
            .await?
            .data
            .into_iter()
            .map(|v| v.id)
            .collect(),
        _ => lke
            .list_versions(&params)
            .await?
            .data
            .into_iter()
            .map(|v| v.id)
            .collect(),
    })
}

async fn validate_against_catalog(
    state: &LinodeState,
    config: &ClusterModel,
    prior: Option<&ClusterModel>,
    diags: &mut Diagnostics,
) {
    let client = &state.client;
    let changed = |f: fn(&ClusterModel) -> &Val<String>| prior.is_none_or(|p| f(p) != f(config));
    let region = match config.region.get() {
        Some(r) if changed(|m| &m.region) => state
            .catalog
            .check_region(client, r, Some("Kubernetes"), "region", diags)
            .await
            .cloned(),
        Some(r) => state
            .catalog
            .regions(client)
            .await
            .ok()
            .and_then(|rs| rs.iter().find(|x| &x.id == r).cloned()),
        None => None,
    };
    let prior_types: HashSet<String> = prior
        .map(|p| {
            p.pool
                .iter()
                .filter_map(|pp| pp.node_type.get().cloned())
                .collect()
        })
        .unwrap_or_default();
    for (i, pool) in config.pool.iter().enumerate() {
        let Some(t) = pool.node_type.get() else {
            continue;
        };
        if prior_types.contains(t) && prior.is_some_and(|p| p.region == config.region) {
            continue;
        }
        let path = AttributePath::root()
            .attr("pool")
            .index(i as i64)
            .attr("type");
        let Some(ty) = state
            .catalog
            .check_type(client, t, path.clone(), diags)
            .await
        else {
            continue;
        };
        if ty.class == LinodeClass::Gpu
            && let Some(region) = &region
            && !region.has_capability("GPU Linodes")
        {
            let regions = state
                .catalog
                .regions(client)
                .await
                .map(gpu_regions)
                .unwrap_or_default();
            diags.error_at(
                path,
                "GPU type not available in this region",
                format!(
                    "{t:?} is a GPU type, but region {:?} does not offer GPU Linodes. Regions with GPUs: {regions}.",
                    region.id
                ),
            );
        }
    }
    if let Some(v) = config.k8s_version.get()
        && changed(|m| &m.k8s_version)
    {
        let tier = tier_of(config).or_else(|| prior.and_then(tier_of));
        match valid_versions(state, tier).await {
            Ok(_)
                if let Some(old) = prior.and_then(|p| p.k8s_version.get())
                    && super::version_key(v) < super::version_key(old) =>
            {
                diags.error_at(
                    "k8s_version",
                    "Kubernetes version cannot be downgraded",
                    format!("The cluster runs Kubernetes {old}; LKE cannot downgrade it to {v}."),
                )
            }
            Ok(versions) if !versions.contains(v) => diags.error_at(
                "k8s_version",
                "Unknown Kubernetes version",
                format!(
                    "{v:?} is not an available LKE Kubernetes version. Available: {}.",
                    versions.join(", ")
                ),
            ),
            Ok(_) => {}
            Err(e) => {
                common::api_error_plain(diags, "Unable to list LKE versions for validation", &e)
            }
        }
    }
}

// ---------- apply ----------

fn cluster_id(m: &ClusterModel, diags: &mut Diagnostics) -> Option<u64> {
    common::parse_id(m.id.get().map_or("", String::as_str), "id", diags)
}

fn wait_error(diags: &mut Diagnostics, id: u64, what: &str, e: &linode_sdk::Error) {
    let detail = match e {
        linode_sdk::Error::WaitTimeout { .. } => format!(
            "{e}. LKE cluster {id} exists and is recorded in the state (as tainted); \
             run `terraform apply` again to replace it, or raise `timeouts.{what}`."
        ),
        _ => format!("{e}. LKE cluster {id} exists and is recorded in the state."),
    };
    diags.error(format!("LKE cluster {id} did not become ready"), detail);
}

/// Sets `state` after a failed wait: what is known, everything else null.
fn set_partial(resp: &mut ApplyResponse, m: &ClusterModel) {
    resp.set_state(m);
    unknowns_to_null(&mut resp.state);
}

pub(crate) fn pool_update_request(
    planned: &PoolModel,
    prior: &PoolModel,
    api: Option<&NodePool>,
    enterprise: bool,
) -> Option<UpdateNodePool> {
    let mut req = UpdateNodePool::default();
    let mut any = false;
    let autoscaled = !planned.autoscaler.is_empty();
    if planned.autoscaler != prior.autoscaler {
        let current = api.map(|a| &a.autoscaler);
        let count = planned
            .count
            .get()
            .map_or(api.map_or(1, |a| a.count), |c| *c as u32);
        req.autoscaler = Some(autoscaler_to_api(
            planned.autoscaler.first(),
            current,
            count,
        ));
        any = true;
    }
    if !autoscaled
        && let Some(c) = planned.count.get()
        && (prior.count.get() != Some(c) || api.is_some_and(|a| a.count as i64 != *c))
    {
        req.count = Some(*c as u32);
        any = true;
    }
    if planned.labels.unwrap_or_default() != prior.labels.unwrap_or_default() {
        req.labels = Some(planned.labels.unwrap_or_default());
        any = true;
    }
    if taintset(&planned.taint) != taintset(&prior.taint) {
        req.taints = Some(taints_to_api(&planned.taint));
        any = true;
    }
    if tagset(&planned.tags) != tagset(&prior.tags) {
        req.tags = Some(planned.tags.unwrap_or_default());
        any = true;
    }
    if planned.label.unwrap_or_default() != prior.label.unwrap_or_default() {
        req.label = Some(planned.label.unwrap_or_default());
        any = true;
    }
    if let Some(f) = planned.firewall_id.get()
        && prior.firewall_id.get() != Some(f)
    {
        req.firewall_id = Nullable::Value(*f as u64);
        any = true;
    }
    if enterprise {
        if let Some(v) = planned.k8s_version.get()
            && prior.k8s_version.get() != Some(v)
        {
            req.k8s_version = Some(v.clone());
            any = true;
        }
        if planned.update_strategy.is_known() && planned.update_strategy != prior.update_strategy {
            req.update_strategy = update_strategy(&planned.update_strategy);
            any = true;
        }
    }
    any.then_some(req)
}

#[async_trait]
impl Resource for ClusterResource {
    fn type_name(&self) -> &str {
        "linode_lke_cluster"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .description(
                "Manages a Linode Kubernetes Engine (LKE) cluster and its node pools. Nested pools are matched by \
                 identity, not position: reordering `pool` blocks never recreates a pool, and removing a block deletes \
                 exactly that pool. Create waits until every node is ready and the kubeconfig is available.",
            )
            .attr("id", Attribute::string().computed().use_state_for_unknown().description("The ID of the cluster."))
            .attr(
                "label",
                Attribute::string().required().validate(validators::length_between(1, 32)).description("The unique label of the cluster."),
            )
            .attr(
                "k8s_version",
                Attribute::string().required().description(
                    "The Kubernetes version, e.g. `1.33`. Upgrading updates the cluster in place and recycles every node.",
                ),
            )
            .attr("region", Attribute::string().required().requires_replace().description("The region of the cluster, e.g. `us-east`."))
            .attr(
                "tier",
                Attribute::string()
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .requires_replace()
                    .validate(validators::one_of(&["standard", "enterprise"]))
                    .description("The cluster tier: `standard` or `enterprise`."),
            )
            .attr(
                "apl_enabled",
                Attribute::bool()
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .requires_replace()
                    .description("Whether Akamai App Platform is enabled on the cluster."),
            )
            .attr(
                "tags",
                Attribute::set(Type::String).default(Value::set([])).description("Tags of the cluster (compared ignoring case)."),
            )
            .attr(
                "external_pool_tags",
                Attribute::set(Type::String).optional().description(
                    "Pools carrying any of these tags are managed elsewhere (by `linode_lke_node_pool`) and ignored by this resource.",
                ),
            )
            .attr("subnet_id", Attribute::number().optional().computed().use_state_for_unknown().description("The VPC subnet of the cluster (LKE Enterprise)."))
            .attr("vpc_id", Attribute::number().optional().computed().use_state_for_unknown().description("The VPC of the cluster (LKE Enterprise)."))
            .attr(
                "stack_type",
                Attribute::string()
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .validate(validators::one_of(&["ipv4", "ipv4-ipv6"]))
                    .description("The IP stack of the cluster: `ipv4` or `ipv4-ipv6`."),
            )
            .attr("api_endpoints", Attribute::list(Type::String).computed().use_state_for_unknown().description("The Kubernetes API endpoints."))
            .attr(
                "kubeconfig",
                Attribute::string().computed().sensitive().use_state_for_unknown().description("The base64-encoded kubeconfig of the cluster."),
            )
            .attr("dashboard_url", Attribute::string().computed().use_state_for_unknown().description("The Kubernetes dashboard URL (standard tier)."))
            .attr("status", Attribute::string().computed().description("The status of the cluster."))
            .block("pool", Block::list(pool_schema()))
            .block("control_plane", control_plane_block())
            .timeouts(&["create", "update", "delete"])
    }

    async fn validate(&self, req: &ValidateRequest, diags: &mut Diagnostics) {
        let pools = req
            .config
            .get("pool")
            .and_then(Value::as_elements)
            .unwrap_or_default();
        let enterprise = req.config.get("tier").and_then(Value::as_str) == Some("enterprise");
        if pools.is_empty() && !enterprise && req.config.get("pool").is_some_and(Value::is_known) {
            diags.error_at(
                "pool",
                "At least one node pool is required",
                "A standard LKE cluster needs at least one `pool` block.",
            );
        }
        for (i, p) in pools.iter().enumerate() {
            let at = |name: &str| {
                AttributePath::root()
                    .attr("pool")
                    .index(i as i64)
                    .attr(name)
            };
            let autoscaler = p
                .get("autoscaler")
                .and_then(Value::as_elements)
                .unwrap_or_default();
            if p.get("count").is_some_and(Value::is_null)
                && autoscaler.is_empty()
                && p.get("autoscaler").is_some_and(Value::is_known)
            {
                diags.error_at(at("count"), "Missing node count", "Set `count`, or an `autoscaler` block (the pool then starts with `autoscaler.min` nodes).");
            }
            if let Some(a) = autoscaler.first()
                && let (Some(min), Some(max)) = (
                    a.get("min").and_then(Value::as_i64),
                    a.get("max").and_then(Value::as_i64),
                )
                && min > max
            {
                diags.error_at(
                    at("autoscaler").index(0).attr("min"),
                    "Invalid autoscaler bounds",
                    format!("The autoscaler minimum ({min}) is greater than its maximum ({max})."),
                );
            }
        }
    }

    async fn modify_plan(&self, req: &mut ModifyPlanRequest, diags: &mut Diagnostics) {
        let ctx: Context = req.ctx.clone();
        let Some(state) = common::state(&ctx, diags) else {
            return;
        };
        // A `dynamic` block over a collection not known yet: nothing to match or check until it is.
        let known = |v: &Value| {
            v.is_known()
                && v.as_elements()
                    .is_none_or(|e| e.iter().all(Value::is_known))
        };
        if !["pool", "control_plane"]
            .iter()
            .all(|b| req.config.get(b).is_none_or(known))
        {
            return;
        }
        let (Some(config), Some(mut plan)) = (
            req.config_as::<ClusterModel>(diags),
            req.plan_as::<ClusterModel>(diags),
        ) else {
            return;
        };
        let prior = if req.is_create() {
            None
        } else {
            req.state_as::<ClusterModel>(diags)
        };
        validate_against_catalog(state, &config, prior.as_ref(), diags).await;
        if let (Some(p), Some(cp)) = (
            prior.as_ref().and_then(|p| p.control_plane.first()),
            config.control_plane.first(),
        ) && p.high_availability == Val::Known(true)
            && cp.high_availability == Val::Known(false)
        {
            diags.error_at(
                AttributePath::root().attr("control_plane").index(0).attr("high_availability"),
                "High availability cannot be disabled",
                "The control plane of this cluster is highly available; LKE cannot turn high availability off. \
                 Keep `high_availability = true` (or replace the cluster).",
            );
        }
        if diags.has_errors() {
            return;
        }
        let prior_pools = prior.as_ref().map(|p| p.pool.clone()).unwrap_or_default();
        let version_changes = prior
            .as_ref()
            .is_some_and(|p| p.k8s_version != config.k8s_version);
        let matches = match_pools(&config.pool, &prior_pools);
        plan.pool = config
            .pool
            .iter()
            .zip(&matches)
            .map(|(c, m)| plan_pool(c, m.map(|j| &prior_pools[j]), version_changes))
            .collect();
        plan_control_plane(&mut plan, &config, prior.as_ref());
        if let Some(p) = &prior {
            // Values an update never changes stay as they are (not "known after apply").
            keep(&mut plan.tier, &p.tier);
            keep(&mut plan.apl_enabled, &p.apl_enabled);
            keep(&mut plan.subnet_id, &p.subnet_id);
            keep(&mut plan.vpc_id, &p.vpc_id);
            keep(&mut plan.stack_type, &p.stack_type);
            keep(&mut plan.api_endpoints, &p.api_endpoints);
            keep(&mut plan.kubeconfig, &p.kubeconfig);
            keep(&mut plan.dashboard_url, &p.dashboard_url);
            if !version_changes {
                keep(&mut plan.status, &p.status);
            }
        }
        req.set_plan(&plan, diags);
    }

    async fn create(&self, req: CreateRequest, resp: &mut ApplyResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(state), Some(mut m)) = (
            common::state(&req.ctx, diags),
            req.plan_as::<ClusterModel>(diags),
        ) else {
            return;
        };
        let started = Instant::now();
        let timeout = timeouts::get(&req.plan, "create", CREATE_TIMEOUT);
        let body = CreateLkeCluster {
            label: m.label.unwrap_or_default(),
            region: m.region.unwrap_or_default(),
            k8s_version: m.k8s_version.unwrap_or_default(),
            node_pools: m.pool.iter().map(create_pool_request).collect(),
            tags: m.tags.get().cloned(),
            control_plane: m.control_plane.first().map(control_plane_options),
            tier: tier_of(&m),
            apl_enabled: m.apl_enabled.get().copied(),
            vpc_id: m.vpc_id.get().map(|v| *v as u64),
            subnet_id: m.subnet_id.get().map(|v| *v as u64),
            stack_type: match m.stack_type.get().map(String::as_str) {
                Some("ipv4-ipv6") => Some(StackType::Ipv4Ipv6),
                Some("ipv4") => Some(StackType::Ipv4),
                _ => None,
            },
        };
        let lke = state.client.lke();
        // Cluster labels are unique per account: after an ambiguous failure, look for it by label.
        let find = || async {
            let filter = linode_sdk::Filter::new().eq("label", body.label.clone());
            let page = lke.list(&linode_sdk::ListParams::new().filter(filter)).await?;
            Ok(page.data.into_iter().find(|c| c.label == body.label))
        };
        let cluster = match common::create_reconciled("LKE cluster", || lke.create(&body), find).await {
            Ok(c) => c,
            Err(e) => {
                common::api_error(diags, "Unable to create LKE cluster", &e, api_field);
                return;
            }
        };
        let id = cluster.id;
        m.id = Val::Known(id.to_string());
        state.lke_pools.invalidate(&id.to_string());
        tracing::info!(
            cluster_id = id,
            pools = m.pool.len(),
            "LKE cluster created; waiting for its kubeconfig and nodes"
        );
        let remaining = || timeout.saturating_sub(started.elapsed());
        if let Err(e) = lke
            .wait_for_kubeconfig(id, &wait_options(state, &req.ctx, remaining()))
            .await
        {
            wait_error(diags, id, "create", &e);
            set_partial(resp, &m);
            return;
        }
        tracing::info!(
            cluster_id = id,
            "LKE cluster kubeconfig available; waiting for nodes to be ready"
        );
        let pools = match lke
            .wait_for_nodes_ready(id, &wait_options(state, &req.ctx, remaining()))
            .await
        {
            Ok(p) => p,
            Err(e) => {
                wait_error(diags, id, "create", &e);
                set_partial(resp, &m);
                return;
            }
        };
        tracing::info!(
            cluster_id = id,
            elapsed_s = started.elapsed().as_secs(),
            "LKE cluster ready"
        );
        // Pools are listed in creation order, which is the order of the request.
        let mut sorted = pools.clone();
        sorted.sort_by_key(|p| p.id);
        for (pm, api) in m.pool.iter_mut().zip(&sorted) {
            pm.id = Val::Known(api.id as i64);
        }
        state.lke_pools.invalidate(&id.to_string());
        match read_cluster(state, id, &m, false).await {
            Ok(Some(new)) => resp.set_state(&new),
            Ok(None) => resp.diagnostics.error(
                "LKE cluster vanished",
                format!("LKE cluster {id} was deleted while it was being created."),
            ),
            Err(e) => {
                common::api_error_plain(
                    &mut resp.diagnostics,
                    &format!("Unable to read LKE cluster {id}"),
                    &e,
                );
                set_partial(resp, &m);
            }
        }
    }

    async fn read(&self, req: ReadRequest, resp: &mut ReadResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(state), Some(prior)) = (
            common::state(&req.ctx, diags),
            req.state_as::<ClusterModel>(diags),
        ) else {
            return;
        };
        let Some(id) = cluster_id(&prior, diags) else {
            return;
        };
        let importing = prior.label.is_null();
        match read_cluster(state, id, &prior, importing).await {
            Ok(Some(m)) => resp.set_state(&m),
            Ok(None) => resp.remove(),
            Err(e) => common::api_error_plain(
                &mut resp.diagnostics,
                &format!("Unable to read LKE cluster {id}"),
                &e,
            ),
        }
    }

    async fn update(&self, req: UpdateRequest, resp: &mut ApplyResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(state), Some(mut m), Some(prior)) = (
            common::state(&req.ctx, diags),
            req.plan_as::<ClusterModel>(diags),
            req.state_as::<ClusterModel>(diags),
        ) else {
            return;
        };
        let Some(id) = cluster_id(&prior, diags) else {
            return;
        };
        let planned = m.clone();
        let started = Instant::now();
        let timeout = timeouts::get(&req.plan, "update", UPDATE_TIMEOUT);
        let lke = state.client.lke();
        let key = id.to_string();
        let enterprise = tier_of(&prior) == Some(LkeTier::Enterprise);

        // The cluster itself.
        let version_changes = m.k8s_version != prior.k8s_version;
        let mut put = UpdateLkeCluster::default();
        if m.label != prior.label {
            put.label = m.label.get().cloned();
        }
        if version_changes {
            put.k8s_version = m.k8s_version.get().cloned();
        }
        if tagset(&m.tags) != tagset(&prior.tags) {
            put.tags = Some(m.tags.unwrap_or_default());
        }
        if m.control_plane != prior.control_plane
            && let Some(cp) = m.control_plane.first()
        {
            put.control_plane = Some(control_plane_options(cp));
        }
        if put != UpdateLkeCluster::default()
            && let Err(e) = lke.update(id, &put).await
        {
            common::api_error(
                diags,
                &format!("Unable to update LKE cluster {id}"),
                &e,
                api_field,
            );
            return;
        }

        // Pools: create new ones, update matched ones in place, then delete the rest.
        let api_pools = match cluster_pools(state, id).await {
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
        let mut must_wait = version_changes;
        for (i, pm) in m.pool.iter_mut().enumerate() {
            if pm.id.is_known() {
                continue;
            }
            match lke.create_pool(id, &create_pool_request(pm)).await {
                Ok(p) => {
                    tracing::info!(cluster_id = id, pool_id = p.id, "LKE pool created");
                    pm.id = Val::Known(p.id as i64);
                    must_wait = true;
                }
                Err(e) => {
                    state.lke_pools.invalidate(&key);
                    common::api_error(diags, "Unable to create LKE node pool", &e, |f| {
                        Some(
                            AttributePath::root()
                                .attr("pool")
                                .index(i as i64)
                                .attr(f.split(['.', '[']).next().unwrap_or(f)),
                        )
                    });
                    return;
                }
            }
        }
        for (i, pm) in m.pool.iter().enumerate() {
            let Some(pid) = pm.id.get() else { continue };
            let Some(pp) = prior.pool.iter().find(|p| p.id.get() == Some(pid)) else {
                continue;
            };
            let api = api_pools.iter().find(|a| a.id as i64 == *pid);
            if let Some(body) = pool_update_request(pm, pp, api, enterprise) {
                must_wait |= body.count.is_some();
                if let Err(e) = lke.update_pool(id, *pid as u64, &body).await {
                    state.lke_pools.invalidate(&key);
                    common::api_error(
                        diags,
                        &format!("Unable to update LKE node pool {pid}"),
                        &e,
                        |f| {
                            Some(
                                AttributePath::root()
                                    .attr("pool")
                                    .index(i as i64)
                                    .attr(f.split(['.', '[']).next().unwrap_or(f)),
                            )
                        },
                    );
                    return;
                }
            }
        }
        let keep: HashSet<i64> = m.pool.iter().filter_map(|p| p.id.get().copied()).collect();
        for pp in &prior.pool {
            let Some(pid) = pp.id.get() else { continue };
            if keep.contains(pid) {
                continue;
            }
            tracing::info!(cluster_id = id, pool_id = pid, "deleting LKE pool");
            if let Err(e) = lke.delete_pool(id, *pid as u64).await
                && !e.is_not_found()
            {
                state.lke_pools.invalidate(&key);
                common::api_error_plain(
                    diags,
                    &format!("Unable to delete LKE node pool {pid}"),
                    &e,
                );
                return;
            }
        }
        if version_changes {
            tracing::info!(
                cluster_id = id,
                "Kubernetes version changed: recycling all nodes"
            );
            if let Err(e) = lke.recycle(id).await {
                common::api_error_plain(
                    diags,
                    &format!("Unable to recycle the nodes of LKE cluster {id}"),
                    &e,
                );
                return;
            }
        }
        state.lke_pools.invalidate(&key);
        if must_wait {
            let opts = wait_options(state, &req.ctx, timeout.saturating_sub(started.elapsed()));
            if let Err(e) = lke.wait_for_nodes_ready(id, &opts).await {
                wait_error(diags, id, "update", &e);
            }
        }
        state.lke_pools.invalidate(&key);
        match read_cluster(state, id, &m, false).await {
            Ok(Some(mut new)) if !resp.diagnostics.has_errors() => {
                settle_to_plan(&mut new, &planned);
                resp.set_state(&new)
            }
            Ok(Some(new)) => {
                resp.set_state(&new);
                unknowns_to_null(&mut resp.state);
            }
            Ok(None) => resp.diagnostics.error(
                "LKE cluster vanished",
                format!("LKE cluster {id} was deleted during the update."),
            ),
            Err(e) => common::api_error_plain(
                &mut resp.diagnostics,
                &format!("Unable to read LKE cluster {id}"),
                &e,
            ),
        }
    }

    async fn delete(&self, req: DeleteRequest, diags: &mut Diagnostics) {
        let (Some(state), Some(m)) = (
            common::state(&req.ctx, diags),
            req.state_as::<ClusterModel>(diags),
        ) else {
            return;
        };
        let Some(id) = cluster_id(&m, diags) else {
            return;
        };
        let lke = state.client.lke();
        match lke.delete(id).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => return,
            Err(e) => {
                common::api_error_plain(diags, &format!("Unable to delete LKE cluster {id}"), &e);
                return;
            }
        }
        state.lke_pools.invalidate(&id.to_string());
        if state.polling.skip_lke_cluster_delete_poll {
            return;
        }
        let timeout = timeouts::get(&req.state, "delete", DELETE_TIMEOUT);
        if let Err(e) = lke
            .wait_for_deleted(id, &wait_options(state, &req.ctx, timeout))
            .await
        {
            diags.error(
                format!("LKE cluster {id} was not deleted in time"),
                e.to_string(),
            );
        }
    }

    async fn import(&self, req: ImportRequest, resp: &mut ImportResponse) {
        if req.id.trim().parse::<u64>().is_err() {
            resp.diagnostics.error(
                "Invalid import ID",
                format!("Expected a numeric LKE cluster ID, got {:?}.", req.id),
            );
            return;
        }
        resp.set_attr("id", req.id.trim().to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(id: i64, ty: &str, count: i64, label: &str) -> PoolModel {
        PoolModel {
            id: Val::Known(id),
            label: Val::Known(label.into()),
            count: Val::Known(count),
            node_type: Val::Known(ty.into()),
            ..Default::default()
        }
    }

    #[test]
    fn pools_match_by_content_not_position() {
        let prior = vec![
            pool(1, "a", 1, ""),
            pool(2, "a", 3, ""),
            pool(3, "b", 2, ""),
        ];
        let mut config = vec![pool(0, "b", 2, ""), pool(0, "a", 3, "")];
        config.iter_mut().for_each(|p| p.id = Val::Null);
        assert_eq!(match_pools(&config, &prior), vec![Some(2), Some(1)]);
    }

    #[test]
    fn labels_win_over_content() {
        let prior = vec![pool(1, "a", 1, "x"), pool(2, "a", 1, "y")];
        let mut config = vec![pool(0, "a", 1, "y")];
        config[0].id = Val::Null;
        assert_eq!(match_pools(&config, &prior), vec![Some(1)]);
    }

    #[test]
    fn api_fields_map_to_pool_paths() {
        assert_eq!(
            api_field("node_pools[1].type").unwrap().to_string(),
            AttributePath::root()
                .attr("pool")
                .index(1)
                .attr("type")
                .to_string()
        );
        assert_eq!(api_field("label").unwrap().to_string(), "label");
    }
}
