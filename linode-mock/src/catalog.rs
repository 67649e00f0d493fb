//! The static catalog, as Linode lists it: regions and their plan availability, Linode types,
//! Kubernetes versions per LKE tier, LKE / NodeBalancer / Object Storage types, network transfer
//! prices, Object Storage endpoints, legacy clusters and quotas.
//!
//! Provenance (recorded production traffic of Linode's Go client, `linode/linodego`
//! `test/integration/fixtures`):
//! - `catalog/regions.json`: `GET /regions` of `TestVPC_List` (2026): 34 core and 12 distributed
//!   regions with their labels, capabilities, monitors, placement-group limits and site types.
//!   The recordings redact most resolvers; IPv4 resolvers are Linode's where any recording kept
//!   them, the rest (and every IPv6 resolver) are documentation addresses of the same count.
//! - `catalog/linode_types.json`: `GET /linode/types` of `TestTypes_List`, the latest full
//!   listing recorded (37 types: nanode, standard, dedicated, premium, highmem, GPU RTX6000).
//! - Kubernetes versions, LKE / NodeBalancer types, network transfer prices, Object Storage
//!   endpoints and quota limits: the recordings named next to each table below.
//!
//! Availability (`/regions/availability`) is derived, not replayed: a GPU or premium plan is
//! available where the region lists `GPU Linodes` or `Premium Plans`, which is also the rule
//! the emulator applies to LKE pools. The real answer also reflects stock on hand.

use std::sync::LazyLock;

use serde::Deserialize;
use serde_json::{Value, json};

/// Capability of regions offering GPU plans.
pub const GPU_LINODES: &str = "GPU Linodes";
/// Capability of regions offering premium plans.
pub const PREMIUM_PLANS: &str = "Premium Plans";
/// Capability of regions offering LKE.
pub const KUBERNETES: &str = "Kubernetes";
/// Capability of regions offering LKE Enterprise.
pub const KUBERNETES_ENTERPRISE: &str = "Kubernetes Enterprise";

/// A region of the catalog.
#[derive(Debug, Clone)]
pub struct Region {
    /// Region id, e.g. `fr-par`.
    pub id: String,
    /// Display label, e.g. `Paris, FR`.
    pub label: String,
    /// Capabilities, e.g. `Kubernetes`, `Object Storage`, `GPU Linodes`.
    pub capabilities: Vec<String>,
    /// `core` or `distributed`.
    pub site_type: String,
    /// The API representation, as Linode serves it.
    doc: Value,
}

/// The typed part of a region document.
#[derive(Deserialize)]
struct RegionFields {
    id: String,
    label: String,
    capabilities: Vec<String>,
    site_type: String,
}

impl Region {
    /// Whether the region lists `capability`.
    pub fn has(&self, capability: &str) -> bool {
        self.capabilities.iter().any(|c| c == capability)
    }

    /// Whether GPU Linodes are offered here.
    pub fn gpu(&self) -> bool {
        self.has(GPU_LINODES)
    }

    /// Whether Linodes of type `t` can be deployed here (GPU and premium plans need the
    /// matching capability, every plan needs `Linodes`).
    pub fn offers(&self, t: &LinodeType) -> bool {
        self.has("Linodes")
            && match t.class.as_str() {
                "gpu" => self.has(GPU_LINODES),
                "premium" => self.has(PREMIUM_PLANS),
                _ => true,
            }
    }

    /// API representation (`GET /regions/{id}`).
    pub fn to_json(&self) -> Value {
        self.doc.clone()
    }
}

fn parse_list<T>(name: &str, text: &str, typed: impl Fn(Value) -> Result<T, String>) -> Vec<T> {
    let docs: Vec<Value> = serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("built-in catalog {name} is not valid JSON: {e}"));
    docs.into_iter()
        .map(|d| typed(d).unwrap_or_else(|e| panic!("built-in catalog {name}: {e}")))
        .collect()
}

static REGIONS: LazyLock<Vec<Region>> = LazyLock::new(|| {
    parse_list(
        "regions.json",
        include_str!("catalog/regions.json"),
        |doc| {
            let f = RegionFields::deserialize(&doc).map_err(|e| e.to_string())?;
            Ok(Region {
                id: f.id,
                label: f.label,
                capabilities: f.capabilities,
                site_type: f.site_type,
                doc,
            })
        },
    )
});

/// Every region, in the order Linode lists them.
pub fn regions() -> &'static [Region] {
    &REGIONS
}

/// Finds a region by id.
pub fn region(id: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.id == id)
}

/// A Linode type (plan).
#[derive(Debug, Clone)]
pub struct LinodeType {
    /// Type id, e.g. `g6-standard-2`.
    pub id: String,
    /// `nanode`, `standard`, `dedicated`, `premium`, `gpu` or `highmem`.
    pub class: String,
    /// Number of GPUs.
    pub gpus: u32,
    /// The API representation, as Linode serves it.
    doc: Value,
}

#[derive(Deserialize)]
struct TypeFields {
    id: String,
    class: String,
    gpus: u32,
}

impl LinodeType {
    /// API representation (`GET /linode/types/{id}`).
    pub fn to_json(&self) -> Value {
        self.doc.clone()
    }
}

static TYPES: LazyLock<Vec<LinodeType>> = LazyLock::new(|| {
    parse_list(
        "linode_types.json",
        include_str!("catalog/linode_types.json"),
        |doc| {
            let f = TypeFields::deserialize(&doc).map_err(|e| e.to_string())?;
            Ok(LinodeType {
                id: f.id,
                class: f.class,
                gpus: f.gpus,
                doc,
            })
        },
    )
});

/// Every Linode type, in the order Linode lists them.
pub fn linode_types() -> &'static [LinodeType] {
    &TYPES
}

/// Finds a Linode type by id.
pub fn linode_type(id: &str) -> Option<&'static LinodeType> {
    TYPES.iter().find(|t| t.id == id)
}

/// Availability entries (`{region, plan, available}`) of one region: the GPU and premium
/// plans, the only ones the real endpoint reports. Distributed sites have none.
pub fn availability(region: &Region) -> Vec<Value> {
    if region.site_type != "core" {
        return Vec::new();
    }
    TYPES
        .iter()
        .filter(|t| matches!(t.class.as_str(), "gpu" | "premium"))
        .map(|t| json!({"region": region.id, "plan": t.id, "available": region.offers(t)}))
        .collect()
}

/// LKE tiers.
pub const LKE_TIERS: &[&str] = &["standard", "enterprise"];

/// Kubernetes versions offered per tier, newest first. Standard: the two newest versions of
/// every 2026 recording of `GET /lke/tiers/standard/versions` (`TestLKECluster_Update`) and
/// 1.33, which the longer recordings of the same year still list. Enterprise: the recorded
/// `GET /lke/tiers/enterprise/versions` of `TestLKECluster_Enterprise_BYOVPC_smoke` (2026).
pub fn k8s_versions(tier: &str) -> &'static [&'static str] {
    match tier {
        "standard" => &["1.35", "1.34", "1.33"],
        "enterprise" => &[
            "v1.33.6+lke7",
            "v1.33.6+lke6",
            "v1.32.9+lke4",
            "v1.32.9+lke2",
            "v1.32.8+lke13",
            "v1.32.8+lke12",
            "v1.32.8+lke10",
            "v1.31.9+lke7",
            "v1.31.9+lke6",
            "v1.31.9+lke5",
            "v1.31.8+lke5",
            "v1.31.8+lke3",
            "v1.31.8+lke1",
            "v1.31.6+lke3",
            "v1.31.6+lke2",
            "v1.31.1+lke4",
            "v1.31.1+lke1",
            "v1.29.4+lke1",
        ],
        _ => &[],
    }
}

/// A priced service type; `None` monthly prices are the network transfer prices, which are
/// hourly only.
fn priced(
    id: &str,
    label: &str,
    price: (f64, Option<f64>),
    region_prices: &[(&str, f64, Option<f64>)],
) -> Value {
    json!({
        "id": id,
        "label": label,
        "price": {"hourly": price.0, "monthly": price.1},
        "region_prices": region_prices
            .iter()
            .map(|(r, h, m)| json!({"id": r, "hourly": h, "monthly": m}))
            .collect::<Vec<_>>(),
        "transfer": 0
    })
}

/// `GET /lke/types` (recorded in `TestLKEType_List`).
pub fn lke_types() -> Vec<Value> {
    vec![
        priced("lke-sa", "LKE Standard Availability", (0.0, Some(0.0)), &[]),
        priced(
            "lke-ha",
            "LKE High Availability",
            (0.09, Some(60.0)),
            &[("id-cgk", 0.108, Some(72.0)), ("br-gru", 0.126, Some(84.0))],
        ),
    ]
}

/// The monthly price of the LKE HA control plane (for docs and tests).
pub const LKE_HA_MONTHLY: f64 = 60.0;

/// `GET /nodebalancers/types` (recorded in `TestNodeBalancerType_List`).
pub fn nodebalancer_types() -> Vec<Value> {
    vec![
        priced(
            "nodebalancer",
            "NodeBalancer",
            (0.015, Some(10.0)),
            &[("id-cgk", 0.018, Some(12.0)), ("br-gru", 0.021, Some(14.0))],
        ),
        priced(
            "nodebalancer-pr100",
            "Nodebalancer Premium",
            (0.225, Some(150.0)),
            &[
                ("br-gru", 0.315, Some(210.0)),
                ("id-cgk", 0.27, Some(180.0)),
            ],
        ),
    ]
}

/// `GET /network-transfer/prices` (recorded in `TestNetworkTransferPrice_List`).
pub fn network_transfer_prices() -> Vec<Value> {
    vec![
        priced(
            "distributed_network_transfer",
            "Distributed Network Transfer",
            (0.01, None),
            &[],
        ),
        priced(
            "network_transfer",
            "Network Transfer",
            (0.005, None),
            &[("id-cgk", 0.015, None), ("br-gru", 0.007, None)],
        ),
    ]
}

/// `GET /object-storage/types`: no recording exists; this is Linode's published subscription
/// (5 USD a month with 1 TB of transfer), without region prices.
pub fn object_storage_types() -> Vec<Value> {
    let mut t = priced("objectstorage", "Object Storage", (0.0075, Some(5.0)), &[]);
    t["transfer"] = json!(1000);
    vec![t]
}

/// An Object Storage endpoint: where a region's buckets of one endpoint type live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjEndpoint {
    /// Region id.
    pub region: &'static str,
    /// `E0` to `E3`.
    pub endpoint_type: &'static str,
    /// Linode's S3 host name for it. The emulator serves every endpoint on its one S3
    /// address, which is what its answers report as `s3_endpoint`; the host names identify
    /// the endpoints (legacy cluster ids, quota ids).
    pub host: &'static str,
}

const fn ep(region: &'static str, endpoint_type: &'static str, host: &'static str) -> ObjEndpoint {
    ObjEndpoint {
        region,
        endpoint_type,
        host,
    }
}

/// Every Object Storage endpoint, as `GET /object-storage/endpoints` lists them (recorded in
/// `TestObjectStorageBucket_Access_Get`, 2026): the regions with `Object Storage` except
/// `us-iad-2`, which the newer region listing gives the capability but no recorded listing gives
/// an endpoint (so it takes no buckets here). A region's first endpoint is the default for new
/// buckets.
pub const OBJ_ENDPOINTS: &[ObjEndpoint] = &[
    ep("ap-south", "E0", "ap-south-1.linodeobjects.com"),
    ep("us-iad", "E1", "us-iad-1.linodeobjects.com"),
    ep("fr-par", "E1", "fr-par-1.linodeobjects.com"),
    ep("us-southeast", "E0", "us-southeast-1.linodeobjects.com"),
    ep("br-gru", "E1", "br-gru-1.linodeobjects.com"),
    ep("au-mel", "E2", "au-mel-1.linodeobjects.com"),
    ep("in-maa", "E1", "in-maa-1.linodeobjects.com"),
    ep("us-sea", "E1", "us-sea-1.linodeobjects.com"),
    ep("de-fra-2", "E3", "de-fra-1.linodeobjects.com"),
    ep("us-lax", "E1", "us-lax-1.linodeobjects.com"),
    ep("us-lax", "E3", "us-lax-4.linodeobjects.com"),
    ep("it-mil", "E1", "it-mil-1.linodeobjects.com"),
    ep("us-mia", "E1", "us-mia-1.linodeobjects.com"),
    ep("se-sto", "E1", "se-sto-1.linodeobjects.com"),
    ep("id-cgk", "E1", "id-cgk-1.linodeobjects.com"),
    ep("eu-central", "E0", "eu-central-1.linodeobjects.com"),
    ep("gb-lon", "E3", "gb-lon-1.linodeobjects.com"),
    ep("nl-ams", "E1", "nl-ams-1.linodeobjects.com"),
    ep("es-mad", "E1", "es-mad-1.linodeobjects.com"),
    ep("jp-osa", "E1", "jp-osa-1.linodeobjects.com"),
    ep("us-east", "E0", "us-east-1.linodeobjects.com"),
    ep("sg-sin-2", "E3", "sg-sin-1.linodeobjects.com"),
    ep("jp-tyo-3", "E3", "jp-tyo-1.linodeobjects.com"),
    ep("us-ord", "E1", "us-ord-1.linodeobjects.com"),
    ep("us-ord", "E3", "us-ord-10.linodeobjects.com"),
];

/// The endpoints of a region (empty when it has no Object Storage).
pub fn obj_endpoints(region: &str) -> impl Iterator<Item = &'static ObjEndpoint> + '_ {
    OBJ_ENDPOINTS.iter().filter(move |e| e.region == region)
}

/// The endpoint of a region with the given type, or the region's default one.
pub fn obj_endpoint(region: &str, endpoint_type: Option<&str>) -> Option<&'static ObjEndpoint> {
    obj_endpoints(region).find(|e| endpoint_type.is_none_or(|t| e.endpoint_type == t))
}

impl ObjEndpoint {
    /// The legacy cluster id (`us-east-1`) of an E0/E1 endpoint; E2 and E3 endpoints have none.
    pub fn cluster_id(&self) -> Option<&'static str> {
        matches!(self.endpoint_type, "E0" | "E1")
            .then(|| self.host.trim_end_matches(".linodeobjects.com"))
    }
}

/// The legacy clusters (`GET /object-storage/clusters`): one per E0/E1 endpoint.
pub fn obj_clusters() -> impl Iterator<Item = (&'static str, &'static ObjEndpoint)> {
    OBJ_ENDPOINTS
        .iter()
        .filter_map(|e| e.cluster_id().map(|c| (c, e)))
}

/// The region id for a region id or legacy cluster id (`us-east-1`) that offers Object
/// Storage.
pub fn resolve_obj_region(id: &str) -> Option<&'static str> {
    OBJ_ENDPOINTS
        .iter()
        .find(|e| e.region == id || e.cluster_id() == Some(id))
        .map(|e| e.region)
}

/// One per-endpoint quota kind: `(quota_type, quota_name, description, resource_metric,
/// has_usage)`.
pub type QuotaKind = (&'static str, &'static str, &'static str, &'static str, bool);

/// Per-endpoint quota kinds, in Linode's order (recorded in `TestObjectStorageQuotas_List`).
/// E0/E1 endpoints have the first three, E2/E3 endpoints all seven.
pub const QUOTA_KINDS: &[QuotaKind] = &[
    (
        "obj-bytes",
        "Total Capacity",
        "Current total capacity per account, per endpoint",
        "byte",
        true,
    ),
    (
        "obj-objects",
        "Number of Objects",
        "Current number of objects per account, per endpoint",
        "object",
        true,
    ),
    (
        "obj-buckets",
        "Number of Buckets",
        "Current number of buckets per account, per endpoint",
        "bucket",
        true,
    ),
    (
        "obj-total-ingress-throughput",
        "Ingress Throughput (per endpoint)",
        "Current total ingress bandwidth per account, per endpoint",
        "byte_per_second",
        false,
    ),
    (
        "obj-total-egress-throughput",
        "Egress Throughput (per endpoint)",
        "Current total egress bandwidth per account, per endpoint",
        "byte_per_second",
        false,
    ),
    (
        "obj-per-ip-ingress-throughput",
        "Ingress Throughput (per IP)",
        "Current ingress bandwidth per account, per destination IP address",
        "byte_per_second",
        false,
    ),
    (
        "obj-per-ip-egress-throughput",
        "Egress Throughput (per IP)",
        "Current egress bandwidth per account, per destination IP address",
        "byte_per_second",
        false,
    ),
];

/// The recorded limit of a quota type at an endpoint type.
pub fn quota_limit(endpoint_type: &str, quota_type: &str) -> u64 {
    const TIB: u64 = 1 << 40;
    match (endpoint_type, quota_type) {
        ("E0", "obj-bytes") => 50 * TIB,
        ("E0", "obj-objects") => 50_000_000,
        ("E3", "obj-bytes") => 500 * TIB,
        ("E3", "obj-objects") => 500_000_000,
        (_, "obj-bytes") => 100 * TIB,
        (_, "obj-objects") => 100_000_000,
        (_, "obj-buckets") => 1000,
        (_, "obj-total-ingress-throughput" | "obj-total-egress-throughput") => 1_250_000_000,
        (_, "obj-per-ip-ingress-throughput") => 156_250_000,
        (_, "obj-per-ip-egress-throughput") => 250_000_000,
        _ => 0,
    }
}

/// The quota kinds of an endpoint type.
pub fn quota_kinds(endpoint_type: &str) -> &'static [QuotaKind] {
    match endpoint_type {
        "E0" | "E1" => &QUOTA_KINDS[..3],
        _ => QUOTA_KINDS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_files_parse_and_ids_are_unique() {
        assert_eq!(regions().len(), 46);
        assert_eq!(linode_types().len(), 37);
        let mut ids: Vec<_> = regions().iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), regions().len());
        assert_eq!(region("nl-ams").unwrap().label, "Amsterdam, NL");
        assert_eq!(region("us-den-1").unwrap().site_type, "distributed");
    }

    #[test]
    fn gpu_availability_is_per_region() {
        let par = region("fr-par").unwrap();
        assert!(par.gpu() && par.has(KUBERNETES));
        assert!(!region("us-iad").unwrap().gpu());
        let gpu = linode_type("g1-gpu-rtx6000-1").unwrap();
        assert!(par.offers(gpu));
        assert!(!region("us-iad").unwrap().offers(gpu));
        assert!(
            region("us-iad")
                .unwrap()
                .offers(linode_type("g6-standard-2").unwrap())
        );
        let avail = availability(par);
        assert!(
            avail
                .iter()
                .any(|a| a["plan"] == "g1-gpu-rtx6000-1" && a["available"] == true)
        );
        assert!(availability(region("us-den-1").unwrap()).is_empty());
    }

    #[test]
    fn types_are_linodes() {
        assert_eq!(linode_type("g1-gpu-rtx6000-4").unwrap().gpus, 4);
        assert_eq!(linode_type("g7-premium-2").unwrap().class, "premium");
        assert!(linode_type("g6-standard-8").is_some());
        assert!(linode_type("g1-gpu-rtx6000").is_none());
    }

    #[test]
    fn object_storage_endpoints_follow_the_region_capability() {
        for r in regions().iter().filter(|r| r.id != "us-iad-2") {
            assert_eq!(
                r.has("Object Storage"),
                obj_endpoints(&r.id).next().is_some(),
                "{}",
                r.id
            );
        }
        assert!(obj_endpoints("us-iad-2").next().is_none());
        assert_eq!(obj_endpoint("us-ord", None).unwrap().endpoint_type, "E1");
        assert_eq!(
            obj_endpoint("us-ord", Some("E3")).unwrap().host,
            "us-ord-10.linodeobjects.com"
        );
        assert!(obj_endpoint("fr-par", Some("E3")).is_none());
    }

    #[test]
    fn legacy_clusters_resolve() {
        assert_eq!(resolve_obj_region("us-east-1"), Some("us-east"));
        assert_eq!(resolve_obj_region("fr-par"), Some("fr-par"));
        assert_eq!(resolve_obj_region("de-fra-2"), Some("de-fra-2"));
        assert_eq!(
            resolve_obj_region("de-fra-1"),
            None,
            "E3 endpoints have no cluster"
        );
        assert_eq!(
            resolve_obj_region("eu-west"),
            None,
            "no Object Storage in London 1"
        );
        assert_eq!(resolve_obj_region("mars-1"), None);
        assert_eq!(obj_clusters().count(), 18);
    }

    #[test]
    fn quota_kinds_depend_on_the_endpoint_type() {
        assert_eq!(quota_kinds("E1").len(), 3);
        assert_eq!(quota_kinds("E3").len(), 7);
        assert_eq!(quota_limit("E1", "obj-bytes"), 109_951_162_777_600);
        assert_eq!(quota_limit("E0", "obj-bytes"), 54_975_581_388_800);
        assert_eq!(quota_limit("E3", "obj-bytes"), 549_755_813_888_000);
    }
}
