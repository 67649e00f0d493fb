//! `linode_lke_cluster`: an LKE cluster with its nested node pools.
//!
//! Unlike linode/linode, nested pools are paired with the pools in state by identity, not list
//! position (label, then equal content, then shape; declared on the block and done by
//! tfplugin), so reordering `pool` blocks changes nothing and removing one block deletes exactly
//! that pool. Autoscaled pools keep their configured count (the autoscaler owns the live count),
//! pools owned by `linode_lke_node_pool` resources (`external_pool_tags`) are ignored, and create
//! waits until the kubeconfig is served and every node is ready.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use linode_sdk::ListParams;
use linode_sdk::models::lke::{
    AclAddresses, ControlPlaneAclOptions, ControlPlaneOptions, CreateLkeCluster, DiskEncryption,
    LkeCluster, LkeTier, NodePool, StackType, UpdateLkeCluster, UpdateStrategy,
};
use serde::{Deserialize, Serialize};
use tfplugin::resource::{ImportRequest, ImportResponse, UpgradeStateRequest, UpgradeStateResponse};
use tfplugin::schema::{Attribute, Block, Pairing, Schema};
use tfplugin::typed::{Applied, Create, PlanChange, Read, Refreshed, TypedResource, Update};
use tfplugin::validators::{self, DataValidator, PlanCheck};
use tfplugin::{AttributePath, Diagnostics, Type, Val, Value, async_trait, equality};

use super::pool::PoolModel;
use super::{autoscaler_block, cluster_pools, nodes_type, taint_block, tags_intersect, wait_options};
use crate::regions::{KnownRegion, KnownType, gpu_in_region};
use crate::{LinodeState, common};

const CREATE_TIMEOUT: Duration = Duration::from_secs(35 * 60);
const UPDATE_TIMEOUT: Duration = Duration::from_secs(40 * 60);
const DELETE_TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// `linode_lke_cluster`.
pub(crate) struct ClusterResource;

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
pub(crate) struct ClusterModel {
    id: Val<String>,
    label: Val<String>,
    k8s_version: Val<String>,
    region: Val<String>,
    tier: Val<LkeTier>,
    apl_enabled: Val<bool>,
    tags: Val<Vec<String>>,
    external_pool_tags: Val<Vec<String>>,
    subnet_id: Val<i64>,
    vpc_id: Val<i64>,
    stack_type: Val<StackType>,
    api_endpoints: Val<Vec<String>>,
    kubeconfig: Val<String>,
    dashboard_url: Val<String>,
    status: Val<String>,
    pool: Vec<PoolModel>,
    control_plane: Vec<ControlPlaneModel>,
}

/// Every element of a set of strings must be an IPv4 (or IPv6) address or CIDR.
fn ip_or_cidr(v6: bool) -> impl validators::Validator {
    let family = if v6 { "IPv6" } else { "IPv4" };
    validators::from_fn(format!("each element must be an {family} address or CIDR"), move |v| {
        for s in v.as_elements().unwrap_or_default().iter().filter_map(Value::as_str) {
            let ok = if v6 {
                s.parse::<ipnet::Ipv6Net>().is_ok() || s.parse::<std::net::Ipv6Addr>().is_ok()
            } else {
                s.parse::<ipnet::Ipv4Net>().is_ok() || s.parse::<std::net::Ipv4Addr>().is_ok()
            };
            if !ok {
                let example = if v6 { "2001:db8::/32" } else { "203.0.113.0/24" };
                return Err(format!("{s:?} is not an {family} address or CIDR (e.g. {example})."));
            }
        }
        Ok(())
    })
}

fn pool_schema() -> Schema {
    let opt_computed = || Attribute::string().optional().computed().use_state_for_unknown();
    Schema::new()
        .description("A node pool of the cluster. Pools are matched by identity (label, then content), not by position.")
        .attr("id", Attribute::number().computed().use_state_for_unknown().description("The ID of the node pool."))
        .attr("label", Attribute::string().default("").description("The label of the node pool."))
        .attr(
            "count",
            Attribute::number()
                .optional()
                .computed()
                .keep_planned()
                .validate(validators::between(1.0, 100.0))
                .description(
                    "The number of nodes in the pool (1-100). Optional when `autoscaler` is set: the pool is created with \
                     `autoscaler.min` nodes and the autoscaler's later changes never show as drift.",
                ),
        )
        .attr(
            "type",
            Attribute::string().required().validate_with_data(KnownType { region: Some("region") }).description(
                "The Linode type of the nodes, e.g. `g6-standard-2`. Changing it replaces this pool only (a new pool is \
                 created, then the old one deleted), never the cluster.",
            ),
        )
        .attr(
            "firewall_id",
            Attribute::number()
                .optional()
                .computed()
                .use_state_for_unknown()
                .description("The ID of the Cloud Firewall of the pool's nodes."),
        )
        .attr(
            "labels",
            Attribute::map(Type::String)
                .optional()
                .semantic_equality(equality::null_is_empty())
                .description("Kubernetes labels added to the pool's nodes."),
        )
        .attr(
            "tags",
            Attribute::set(Type::String)
                .optional()
                .semantic_equality(equality::either(equality::null_is_empty(), equality::case_insensitive()))
                .description("Tags of the node pool (compared ignoring case)."),
        )
        .attr(
            "disk_encryption",
            opt_computed()
                .one_of(DiskEncryption::VALUES)
                .description("Local disk encryption of the nodes: `enabled` or `disabled`. Changing it replaces this pool."),
        )
        .attr(
            "nodes",
            Attribute::of(nodes_type())
                .computed()
                .keep_planned()
                .description("The nodes of the pool: `id`, `instance_id` and `status`."),
        )
        .attr("k8s_version", opt_computed().description("The Kubernetes version of the pool (LKE Enterprise only)."))
        .attr(
            "update_strategy",
            opt_computed()
                .one_of(UpdateStrategy::VALUES)
                .description("How nodes are updated: `rolling_update` or `on_recycle` (LKE Enterprise only)."),
        )
        .block("taint", taint_block())
        .block("autoscaler", autoscaler_block(true))
}

fn control_plane_block() -> Block {
    let flag = |d: &str| Attribute::bool().optional().computed().use_state_for_unknown().description(d);
    let family = |v6: bool, d: &str| {
        Attribute::set(Type::String)
            .optional()
            .computed()
            .semantic_equality(equality::case_insensitive())
            .validate(ip_or_cidr(v6))
            .description(d)
    };
    let addresses = Schema::new()
        .description("The addresses allowed to reach the control plane.")
        .attr("ipv4", family(false, "IPv4 addresses or CIDRs allowed to reach the control plane."))
        .attr("ipv6", family(true, "IPv6 addresses or CIDRs allowed to reach the control plane."));
    let acl = Schema::new()
        .description("The control plane's access control list.")
        .attr("enabled", Attribute::bool().optional().computed().description("Whether the ACL is enforced."))
        .block("addresses", Block::list(addresses).max_items(1));
    Block::list(
        Schema::new()
            .description("Control plane settings.")
            .attr("high_availability", flag("Whether the control plane is highly available. Once enabled it cannot be disabled."))
            .attr("audit_logs_enabled", flag("Whether control plane audit logs are enabled."))
            .block("acl", Block::list(acl).max_items(1)),
    )
    .max_items(1)
}

/// Plan-time check of the region: it offers Kubernetes, and, when it changes on an existing
/// cluster, the pools' GPU types are available there.
struct ClusterRegion;

#[async_trait]
impl DataValidator<LinodeState> for ClusterRegion {
    fn description(&self) -> String {
        "must be a region offering Kubernetes (and GPUs, for GPU pools)".into()
    }

    async fn validate(&self, state: &LinodeState, check: PlanCheck<'_>, diags: &mut Diagnostics) {
        KnownRegion(Some("Kubernetes")).validate(state, check, diags).await;
        let Some(region) = check.value.as_str() else { return };
        if check.prior.is_null() {
            return; // on create, each pool type is checked against the region itself
        }
        let pools = check.config.get("pool").and_then(Value::as_elements).unwrap_or_default();
        let types = state.catalog.types(&state.client).await.unwrap_or_default();
        for (i, pool) in pools.iter().enumerate() {
            let Some(t) = pool.get("type").and_then(Value::as_str) else { continue };
            if types.iter().any(|ty| ty.id == t && ty.class == linode_sdk::models::linode_types::LinodeClass::Gpu) {
                let path = AttributePath::new("pool").index(i as i64).attr("type");
                gpu_in_region(state, t, region, path, diags).await;
            }
        }
    }
}

/// Plan-time check of `k8s_version`: a version LKE offers for the cluster's tier, never a
/// downgrade.
struct K8sVersion;

#[async_trait]
impl DataValidator<LinodeState> for K8sVersion {
    fn description(&self) -> String {
        "must be a Kubernetes version LKE offers for the tier, not lower than the current one".into()
    }

    async fn validate(&self, state: &LinodeState, check: PlanCheck<'_>, diags: &mut Diagnostics) {
        let Some(v) = check.value.as_str() else { return };
        if let Some(old) = check.prior.get("k8s_version").and_then(Value::as_str)
            && super::version_key(v) < super::version_key(old)
        {
            diags.error_at(
                check.path.clone(),
                "Kubernetes version cannot be downgraded",
                format!("The cluster runs Kubernetes {old}; LKE cannot downgrade it to {v}."),
            );
            return;
        }
        let tier = [check.config, check.prior].iter().find_map(|m| m.get("tier").and_then(Value::as_str));
        let lke = state.client.lke();
        let params = ListParams::new().page_size(500);
        let versions = match tier {
            Some("enterprise") => {
                lke.list_tier_versions(&LkeTier::Enterprise, &params).await.map(|p| p.data.into_iter().map(|v| v.id).collect())
            }
            _ => lke.list_versions(&params).await.map(|p| p.data.into_iter().map(|v| v.id).collect::<Vec<_>>()),
        };
        match versions {
            Ok(ids) if !ids.iter().any(|id| id == v) => diags.error_at(
                check.path.clone(),
                "Unknown Kubernetes version",
                format!("{v:?} is not an available LKE Kubernetes version. Available: {}.", ids.join(", ")),
            ),
            Ok(_) => {}
            Err(e) => common::api_error_plain(diags, "Unable to list LKE versions for validation", &e),
        }
    }
}

/// Refreshes a cluster. `prior` is the state (or, after apply, the plan): it gives the tracked
/// count of autoscaled pools, the external pool tags and the shape of `control_plane`.
/// `Ok(None)` means the cluster is gone.
async fn read_cluster(
    state: &LinodeState,
    id: u64,
    prior: &ClusterModel,
    importing: bool,
) -> Result<Option<ClusterModel>, linode_sdk::Error> {
    let lke = state.client.lke();
    let Some(cluster) = lke.get_opt(id).await? else { return Ok(None) };
    let pools = match cluster_pools(state, id).await {
        Ok(p) => p,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    // Served once the control plane is up; until then keep what is known.
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
    let dashboard_url = match cluster.tier {
        Some(LkeTier::Enterprise) => prior.dashboard_url.clone().or_known(String::new()),
        _ => match lke.get_dashboard_url(id).await {
            Ok(d) => Val::Known(d.url),
            Err(e) if not_ready(&e) => prior.dashboard_url.clone().or_known(String::new()),
            Err(e) => return Err(e),
        },
    };
    let external = prior.external_pool_tags.get().cloned().unwrap_or_default();
    let tracked = |api: &NodePool| {
        let p = prior.pool.iter().find(|p| p.id == Val::Known(api.id as i64));
        p.and_then(|p| p.count.get().copied())
    };
    let pool = pools
        .iter()
        .filter(|p| !tags_intersect(&p.tags, &external))
        .map(|p| PoolModel::from_api(p, tracked(p)))
        .collect();
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
        tier: Val::Known(cluster.tier.clone().unwrap_or(LkeTier::Standard)),
        apl_enabled: Val::Known(cluster.apl_enabled.unwrap_or(false)),
        tags: Val::Known(cluster.tags.clone()),
        external_pool_tags: prior.external_pool_tags.clone(),
        subnet_id: cluster.subnet_id.map(|v| v as i64).into(),
        vpc_id: cluster.vpc_id.map(|v| v as i64).into(),
        stack_type: Val::Known(cluster.stack_type.clone().unwrap_or(StackType::Ipv4)),
        api_endpoints,
        kubeconfig,
        dashboard_url,
        status: Val::Known(cluster.status.as_ref().map_or("ready", |s| s.as_str()).to_string()),
        pool,
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
    let mut acl = vec![];
    if prior_acl.is_some() || importing {
        let api_acl = match &cp.acl {
            Some(a) => a.clone(),
            None => match state.client.lke().get_control_plane_acl(cluster.id).await {
                Ok(a) => a,
                Err(e) if matches!(e.status(), Some(400 | 404)) => Default::default(),
                Err(e) => return Err(e),
            },
        };
        let addrs = api_acl.addresses.clone().unwrap_or_default();
        let with_addresses = prior_acl.is_some_and(|a| !a.addresses.is_empty()) || importing;
        acl.push(AclModel {
            enabled: Val::Known(api_acl.enabled),
            addresses: if with_addresses {
                vec![AddressesModel { ipv4: Val::Known(addrs.ipv4), ipv6: Val::Known(addrs.ipv6) }]
            } else {
                vec![]
            },
        });
    }
    Ok(ControlPlaneModel {
        high_availability: Val::Known(cp.high_availability),
        audit_logs_enabled: Val::Known(cp.audit_logs_enabled.unwrap_or(false)),
        acl,
    })
}

fn control_plane_options(cp: &ControlPlaneModel) -> ControlPlaneOptions {
    ControlPlaneOptions {
        high_availability: cp.high_availability.get().copied(),
        audit_logs_enabled: cp.audit_logs_enabled.get().copied(),
        metrics_enabled: None,
        acl: cp.acl.first().map(|a| ControlPlaneAclOptions {
            enabled: Some(a.enabled.get().copied().unwrap_or(!a.addresses.is_empty())),
            addresses: a.addresses.first().map(|ad| AclAddresses {
                ipv4: ad.ipv4.get().cloned().unwrap_or_default(),
                ipv6: ad.ipv6.get().cloned().unwrap_or_default(),
            }),
            revision_id: None,
        }),
    }
}

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

/// Records a failed read after apply (the object exists; what is known is kept).
fn read_failed(resp: &mut Applied<ClusterModel>, id: u64, m: ClusterModel, e: Option<linode_sdk::Error>) {
    match e {
        Some(e) => common::api_error_plain(&mut resp.diagnostics, &format!("Unable to read LKE cluster {id}"), &e),
        None => resp.diagnostics.error("LKE cluster vanished", format!("LKE cluster {id} was deleted meanwhile.")),
    }
    resp.set_partial(m);
}

#[async_trait]
impl TypedResource for ClusterResource {
    type Model = ClusterModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_lke_cluster"
    }

    fn schema(&self) -> Schema {
        let kept = |a: Attribute| a.computed().use_state_for_unknown();
        Schema::new()
            .version(1)
            .description(
                "Manages a Linode Kubernetes Engine (LKE) cluster and its node pools. Nested pools are matched by \
                 identity, not position: reordering `pool` blocks never recreates a pool, and removing a block deletes \
                 exactly that pool. Create waits until every node is ready and the kubeconfig is available.",
            )
            .attr("id", kept(Attribute::string()).description("The ID of the cluster."))
            .attr(
                "label",
                Attribute::string()
                    .required()
                    .validate(validators::length_between(1, 32))
                    .description("The unique label of the cluster."),
            )
            .attr(
                "k8s_version",
                Attribute::string().required().validate_with_data(K8sVersion).description(
                    "The Kubernetes version, e.g. `1.33`. Upgrading updates the cluster in place and recycles every node.",
                ),
            )
            .attr(
                "region",
                Attribute::string()
                    .required()
                    .requires_replace()
                    .validate_with_data(ClusterRegion)
                    .description("The region of the cluster, e.g. `us-east`."),
            )
            .attr(
                "tier",
                kept(Attribute::string().optional())
                    .requires_replace()
                    .one_of(LkeTier::VALUES)
                    .description("The cluster tier: `standard` or `enterprise`."),
            )
            .attr(
                "apl_enabled",
                kept(Attribute::bool().optional())
                    .requires_replace()
                    .description("Whether Akamai App Platform is enabled on the cluster."),
            )
            .attr(
                "tags",
                Attribute::set(Type::String)
                    .default(Value::set([]))
                    .semantic_equality(equality::case_insensitive())
                    .description("Tags of the cluster (compared ignoring case)."),
            )
            .attr(
                "external_pool_tags",
                Attribute::set(Type::String).optional().description(
                    "Pools carrying any of these tags are managed elsewhere (by `linode_lke_node_pool`) and ignored by this resource.",
                ),
            )
            .attr("subnet_id", kept(Attribute::number().optional()).description("The VPC subnet of the cluster (LKE Enterprise)."))
            .attr("vpc_id", kept(Attribute::number().optional()).description("The VPC of the cluster (LKE Enterprise)."))
            .attr(
                "stack_type",
                kept(Attribute::string().optional())
                    .one_of(StackType::VALUES)
                    .description("The IP stack of the cluster: `ipv4` or `ipv4-ipv6`."),
            )
            .attr("api_endpoints", kept(Attribute::list(Type::String)).description("The Kubernetes API endpoints."))
            .attr("kubeconfig", kept(Attribute::string()).sensitive().description("The base64-encoded kubeconfig of the cluster."))
            .attr("dashboard_url", kept(Attribute::string()).description("The Kubernetes dashboard URL (standard tier)."))
            .attr("status", kept(Attribute::string()).keep_planned().description("The status of the cluster."))
            .block(
                "pool",
                Block::list(pool_schema()).api_name("node_pools").paired_by(
                    Pairing::by("id")
                        .then_by("label")
                        .then_same_configuration()
                        .then_same(&["type", "labels", "taint", "tags"])
                        .then_same(&["type"])
                        .new_element_when_changed(&["type", "disk_encryption"]),
                ),
            )
            .block("control_plane", control_plane_block())
            .timeouts(&["create", "update", "delete"])
    }

    async fn validate(&self, config: &ClusterModel, diags: &mut Diagnostics) {
        if config.pool.is_empty() && config.tier.get() != Some(&LkeTier::Enterprise) {
            diags.error_at("pool", "At least one node pool is required", "A standard LKE cluster needs at least one `pool` block.");
        }
        for (i, p) in config.pool.iter().enumerate() {
            let at = |name: &str| AttributePath::new("pool").index(i as i64).attr(name);
            if p.count.is_null() && p.autoscaler.is_empty() {
                diags.error_at(
                    at("count"),
                    "Missing node count",
                    "Set `count`, or an `autoscaler` block (the pool then starts with `autoscaler.min` nodes).",
                );
            }
            super::check_autoscaler_bounds(p.autoscaler.first(), at("autoscaler"), diags);
        }
    }

    async fn modify_plan(&self, _state: &LinodeState, req: &mut PlanChange<'_, ClusterModel>, diags: &mut Diagnostics) {
        let (config, plan) = (&req.config, &mut req.plan);
        let prior = req.prior.as_ref();
        if let (Some(p), Some(c)) = (prior.and_then(|p| p.control_plane.first()), config.control_plane.first())
            && p.high_availability == Val::Known(true)
            && c.high_availability == Val::Known(false)
        {
            diags.error_at(
                AttributePath::new("control_plane").index(0).attr("high_availability"),
                "High availability cannot be disabled",
                "The control plane of this cluster is highly available; LKE cannot turn high availability off. \
                 Keep `high_availability = true` (or replace the cluster).",
            );
        }
        // A version upgrade recycles every node.
        if prior.is_some_and(|p| p.k8s_version != config.k8s_version) {
            plan.status = Val::Unknown;
            plan.pool.iter_mut().for_each(|p| p.nodes = Val::Unknown);
        }
        // An autoscaled pool tracks its configured count, or the count it was created with.
        for (planned, configured) in plan.pool.iter_mut().zip(&config.pool) {
            if let (true, Some(a)) = (configured.count.is_null(), configured.autoscaler.first()) {
                let tracked = prior.and_then(|p| p.pool.iter().find(|pp| pp.id.is_known() && pp.id == planned.id));
                planned.count = tracked.map_or(a.min.clone(), |p| p.count.clone());
            }
        }
        // An ACL without `enabled` is enabled when it lists addresses (what apply sends); an
        // unset address family is empty.
        let config_acl = config.control_plane.first().and_then(|c| c.acl.first());
        if let (Some(pa), Some(ca)) = (plan.control_plane.first_mut().and_then(|c| c.acl.first_mut()), config_acl) {
            if ca.enabled.is_null() {
                pa.enabled = Val::Known(!ca.addresses.is_empty());
            }
            for ad in &mut pa.addresses {
                for family in [&mut ad.ipv4, &mut ad.ipv6] {
                    if family.is_unknown() {
                        *family = Val::Known(vec![]);
                    }
                }
            }
        }
    }

    async fn create(&self, req: Create<'_, ClusterModel, LinodeState>, resp: &mut Applied<ClusterModel>) {
        let (state, mut m) = (req.data, req.plan);
        let started = Instant::now();
        let timeout = req.op.timeout("create", CREATE_TIMEOUT);
        let body = CreateLkeCluster {
            label: m.label.get().cloned().unwrap_or_default(),
            region: m.region.get().cloned().unwrap_or_default(),
            k8s_version: m.k8s_version.get().cloned().unwrap_or_default(),
            node_pools: m.pool.iter().map(PoolModel::create_request).collect(),
            tags: m.tags.get().cloned(),
            control_plane: m.control_plane.first().map(control_plane_options),
            tier: m.tier.get().cloned(),
            apl_enabled: m.apl_enabled.get().copied(),
            vpc_id: m.vpc_id.get().map(|v| *v as u64),
            subnet_id: m.subnet_id.get().map(|v| *v as u64),
            stack_type: m.stack_type.get().cloned(),
        };
        let lke = state.client.lke();
        // Cluster labels are unique per account: after an ambiguous failure, look for it by label.
        let find = || async {
            let filter = linode_sdk::Filter::new().eq("label", body.label.clone());
            let page = lke.list(&ListParams::new().filter(filter)).await?;
            Ok(page.data.into_iter().filter(|c| c.label == body.label).collect())
        };
        let ownership = common::Ownership::Ids(|c: &LkeCluster| c.id);
        let cluster = match common::create_once(req.op.ctx, &state.client, "LKE cluster", ownership, || lke.create(&body), find).await {
            Ok(c) => c,
            Err(e) => return common::api_error(&mut resp.diagnostics, "Unable to create LKE cluster", &e, |f| req.op.field_path(f)),
        };
        let id = cluster.id;
        m.id = Val::Known(id.to_string());
        state.lke_pools.invalidate(&id.to_string());
        tracing::info!(cluster_id = id, pools = m.pool.len(), "LKE cluster created; waiting for its kubeconfig and nodes");
        let opts = wait_options(state, req.op.ctx, timeout.saturating_sub(started.elapsed()));
        if let Err(e) = tokio::try_join!(lke.wait_for_kubeconfig(id, &opts), lke.wait_for_nodes_ready(id, &opts)) {
            wait_error(&mut resp.diagnostics, id, "create", &e);
            return resp.set_partial(m);
        }
        tracing::info!(cluster_id = id, elapsed_s = started.elapsed().as_secs(), "LKE cluster ready");
        state.lke_pools.invalidate(&id.to_string());
        match read_cluster(state, id, &m, false).await {
            Ok(Some(new)) => resp.set(new),
            Ok(None) => read_failed(resp, id, m, None),
            Err(e) => read_failed(resp, id, m, Some(e)),
        }
    }

    async fn read(&self, req: Read<'_, ClusterModel, LinodeState>, resp: &mut Refreshed<ClusterModel>) {
        let Some(id) = cluster_id(&req.state, &mut resp.diagnostics) else { return };
        let importing = req.state.label.is_null();
        match read_cluster(req.data, id, &req.state, importing).await {
            Ok(Some(m)) => resp.set(m),
            Ok(None) => resp.remove(),
            Err(e) => common::api_error_plain(&mut resp.diagnostics, &format!("Unable to read LKE cluster {id}"), &e),
        }
    }

    async fn update(&self, req: Update<'_, ClusterModel, LinodeState>, resp: &mut Applied<ClusterModel>) {
        let (state, m, prior) = (req.data, req.plan, req.prior);
        let diags = &mut resp.diagnostics;
        let Some(id) = cluster_id(&prior, diags) else { return };
        let started = Instant::now();
        let timeout = req.op.timeout("update", UPDATE_TIMEOUT);
        let (lke, key) = (state.client.lke(), id.to_string());
        let enterprise = prior.tier.get() == Some(&LkeTier::Enterprise);
        let field = |f: &str| req.op.field_path(f);

        // The cluster itself.
        let version_changes = m.k8s_version != prior.k8s_version;
        let put = UpdateLkeCluster {
            label: (m.label != prior.label).then(|| m.label.get().cloned()).flatten(),
            k8s_version: version_changes.then(|| m.k8s_version.get().cloned()).flatten(),
            tags: (m.tags != prior.tags).then(|| m.tags.get().cloned().unwrap_or_default()),
            control_plane: (m.control_plane != prior.control_plane).then(|| m.control_plane.first().map(control_plane_options)).flatten(),
        };
        if put != UpdateLkeCluster::default()
            && let Err(e) = lke.update(id, &put).await
        {
            return common::api_error(diags, &format!("Unable to update LKE cluster {id}"), &e, field);
        }

        // Pools: create the new ones, update the continued ones, then delete the rest.
        let api_pools = match cluster_pools(state, id).await {
            Ok(p) => p,
            Err(e) => return common::api_error_plain(diags, &format!("Unable to list the pools of LKE cluster {id}"), &e),
        };
        let mut must_wait = version_changes;
        for (i, pm) in m.pool.iter().enumerate() {
            let pool_field = |f: &str| req.op.field_path(&format!("node_pools[{i}].{f}"));
            let result = match pm.id.get() {
                None => lke.create_pool(id, &pm.create_request()).await.map(|p| {
                    tracing::info!(cluster_id = id, pool_id = p.id, "LKE pool created");
                    true
                }),
                Some(pid) => {
                    let pp = prior.pool.iter().find(|p| p.id.get() == Some(pid));
                    let api = api_pools.iter().find(|a| a.id as i64 == *pid);
                    match pp.and_then(|pp| pm.update_request(pp, api, enterprise)) {
                        Some(body) => lke.update_pool(id, *pid as u64, &body).await.map(|_| body.count.is_some()),
                        None => Ok(false),
                    }
                }
            };
            match result {
                Ok(changed_nodes) => must_wait |= changed_nodes,
                Err(e) => {
                    state.lke_pools.invalidate(&key);
                    return common::api_error(diags, "Unable to apply the LKE node pool", &e, pool_field);
                }
            }
        }
        let keep: HashSet<i64> = m.pool.iter().filter_map(|p| p.id.get().copied()).collect();
        for pid in prior.pool.iter().filter_map(|p| p.id.get()).filter(|pid| !keep.contains(pid)) {
            tracing::info!(cluster_id = id, pool_id = pid, "deleting LKE pool");
            if let Err(e) = lke.delete_pool(id, *pid as u64).await
                && !e.is_not_found()
            {
                state.lke_pools.invalidate(&key);
                return common::api_error_plain(diags, &format!("Unable to delete LKE node pool {pid}"), &e);
            }
        }
        if version_changes {
            tracing::info!(cluster_id = id, "Kubernetes version changed: recycling all nodes");
            if let Err(e) = lke.recycle(id).await {
                return common::api_error_plain(diags, &format!("Unable to recycle the nodes of LKE cluster {id}"), &e);
            }
        }
        state.lke_pools.invalidate(&key);
        let mut waited = Ok(());
        if must_wait {
            let opts = wait_options(state, req.op.ctx, timeout.saturating_sub(started.elapsed()));
            waited = lke.wait_for_nodes_ready(id, &opts).await.map(|_| ());
            state.lke_pools.invalidate(&key);
        }
        match (read_cluster(state, id, &m, false).await, waited) {
            (Ok(Some(new)), Ok(())) => resp.set(new),
            (Ok(Some(new)), Err(e)) => {
                wait_error(&mut resp.diagnostics, id, "update", &e);
                resp.set_partial(new);
            }
            (Ok(None), _) => read_failed(resp, id, m, None),
            (Err(e), _) => read_failed(resp, id, m, Some(e)),
        }
    }

    async fn delete(&self, req: Read<'_, ClusterModel, LinodeState>, diags: &mut Diagnostics) {
        let state = req.data;
        let Some(id) = cluster_id(&req.state, diags) else { return };
        let lke = state.client.lke();
        match lke.delete(id).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => return,
            Err(e) => return common::api_error_plain(diags, &format!("Unable to delete LKE cluster {id}"), &e),
        }
        state.lke_pools.invalidate(&id.to_string());
        if state.polling.skip_lke_cluster_delete_poll {
            return;
        }
        let opts = wait_options(state, req.op.ctx, req.op.timeout("delete", DELETE_TIMEOUT));
        if let Err(e) = lke.wait_for_deleted(id, &opts).await {
            diags.error(format!("LKE cluster {id} was not deleted in time"), e.to_string());
        }
    }

    /// Version 0 is linode/linode's state (terraform-plugin-sdk/v2: zero values for unset
    /// optional attributes, the control plane always stored) or this provider's before.
    async fn upgrade_state(&self, req: UpgradeStateRequest, resp: &mut UpgradeStateResponse) {
        let mut json = req.json;
        tfplugin::upgrade::sdkv2_zero_values_to_null(&self.schema(), &mut json);
        let stored: Vec<ControlPlaneModel> =
            serde_json::from_value(json["control_plane"].clone()).unwrap_or_default();
        if stored.first().is_some_and(is_default_control_plane) {
            json["control_plane"] = serde_json::json!([]);
        }
        resp.set_json(&json);
    }

    async fn import(&self, _state: &LinodeState, req: ImportRequest, resp: &mut ImportResponse) {
        match req.id.trim().parse::<u64>() {
            Ok(id) => resp.set_attr("id", id.to_string()),
            Err(_) => resp.diagnostics.error(
                "Invalid import ID",
                format!("Expected a numeric LKE cluster ID, got {:?}.", req.id),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_fields_map_to_pool_paths() {
        let schema = ClusterResource.schema();
        let path = |f: &str| schema.path_for_api_field(f).map(|p| p.to_string());
        assert_eq!(path("node_pools[1].type").as_deref(), Some("pool[1].type"));
        assert_eq!(path("control_plane.acl.addresses.ipv4").as_deref(), Some("control_plane[0].acl[0].addresses[0].ipv4"));
        assert_eq!(path("label").as_deref(), Some("label"));
    }

    #[test]
    fn enum_validators_list_the_sdk_values() {
        assert!(linode_sdk::models::lke::TaintEffect::VALUES.contains(&"NoExecute"));
        assert_eq!(DiskEncryption::VALUES, ["enabled", "disabled"]);
    }
}
