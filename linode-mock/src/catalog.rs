//! The static catalog: regions, Linode types, Kubernetes versions and tiers, LKE /
//! NodeBalancer / Object Storage types, legacy Object Storage clusters.

use serde_json::{Value, json};

/// A region of the catalog.
#[derive(Debug, Clone, Copy)]
pub struct Region {
    /// Region id, e.g. `fr-par`.
    pub id: &'static str,
    /// Display label.
    pub label: &'static str,
    /// ISO country code.
    pub country: &'static str,
    /// Whether GPU Linodes are offered here.
    pub gpu: bool,
}

/// Every region the emulator knows.
pub const REGIONS: &[Region] = &[
    Region {
        id: "us-east",
        label: "Newark, NJ",
        country: "us",
        gpu: false,
    },
    Region {
        id: "us-ord",
        label: "Chicago, IL",
        country: "us",
        gpu: true,
    },
    Region {
        id: "us-sea",
        label: "Seattle, WA",
        country: "us",
        gpu: true,
    },
    Region {
        id: "fr-par",
        label: "Paris, FR",
        country: "fr",
        gpu: true,
    },
    Region {
        id: "de-fra-2",
        label: "Frankfurt 2, DE",
        country: "de",
        gpu: false,
    },
    Region {
        id: "eu-west",
        label: "London, UK",
        country: "gb",
        gpu: false,
    },
    Region {
        id: "ap-south",
        label: "Singapore, SG",
        country: "sg",
        gpu: true,
    },
];

/// Finds a region by id.
pub fn region(id: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.id == id)
}

/// The region id for a region id or legacy Object Storage cluster id (`us-east-1`).
pub fn resolve_obj_region(id: &str) -> Option<&'static str> {
    if let Some(r) = region(id) {
        return Some(r.id);
    }
    id.strip_suffix("-1").and_then(region).map(|r| r.id)
}

/// Legacy cluster id of a region (`us-east` → `us-east-1`).
pub fn obj_cluster_id(region: &str) -> String {
    format!("{region}-1")
}

impl Region {
    /// API representation (`GET /regions/{id}`).
    pub fn to_json(&self) -> Value {
        let mut caps = vec![
            "Linodes",
            "NodeBalancers",
            "Block Storage",
            "Object Storage",
            "Kubernetes",
            "Cloud Firewall",
            "Vlans",
            "VPCs",
            "Metadata",
            "Placement Groups",
        ];
        if self.gpu {
            caps.push("GPU Linodes");
        }
        let n = REGIONS.iter().position(|r| r.id == self.id).unwrap_or(0) + 1;
        json!({
            "id": self.id,
            "label": self.label,
            "country": self.country,
            "capabilities": caps,
            "status": "ok",
            "site_type": "core",
            "resolvers": {
                "ipv4": format!("192.0.2.{n},192.0.2.{}", n + 100),
                "ipv6": format!("2001:db8::{n},2001:db8::{:x}", n + 100)
            },
            "placement_group_limits": {"maximum_pgs_per_customer": null, "maximum_linodes_per_pg": 5}
        })
    }
}

/// A Linode type (plan).
#[derive(Debug, Clone, Copy)]
pub struct LinodeType {
    /// Type id, e.g. `g6-standard-2`.
    pub id: &'static str,
    /// Display label.
    pub label: &'static str,
    /// `nanode`, `standard`, `dedicated`, `gpu`, `highmem`.
    pub class: &'static str,
    /// Number of vCPUs.
    pub vcpus: u32,
    /// Memory in MB.
    pub memory: u32,
    /// Disk in MB.
    pub disk: u32,
    /// Number of GPUs.
    pub gpus: u32,
    /// Monthly price in US dollars.
    pub monthly: f64,
}

const fn t(
    id: &'static str,
    label: &'static str,
    class: &'static str,
    vcpus: u32,
    memory: u32,
    gpus: u32,
    monthly: f64,
) -> LinodeType {
    LinodeType {
        id,
        label,
        class,
        vcpus,
        memory,
        disk: memory * 20,
        gpus,
        monthly,
    }
}

/// Every Linode type. `g1-gpu-rtx6000` is kept as an alias of the one-GPU plan because the
/// project's examples use it.
pub const TYPES: &[LinodeType] = &[
    t("g6-nanode-1", "Nanode 1GB", "nanode", 1, 1024, 0, 5.0),
    t("g6-standard-1", "Linode 2GB", "standard", 1, 2048, 0, 12.0),
    t("g6-standard-2", "Linode 4GB", "standard", 2, 4096, 0, 24.0),
    t("g6-standard-4", "Linode 8GB", "standard", 4, 8192, 0, 48.0),
    t(
        "g6-standard-6",
        "Linode 16GB",
        "standard",
        6,
        16384,
        0,
        96.0,
    ),
    t(
        "g6-standard-8",
        "Linode 32GB",
        "standard",
        8,
        32768,
        0,
        192.0,
    ),
    t(
        "g6-standard-16",
        "Linode 64GB",
        "standard",
        16,
        65536,
        0,
        384.0,
    ),
    t(
        "g6-dedicated-2",
        "Dedicated 4GB",
        "dedicated",
        2,
        4096,
        0,
        36.0,
    ),
    t(
        "g6-dedicated-4",
        "Dedicated 8GB",
        "dedicated",
        4,
        8192,
        0,
        72.0,
    ),
    t(
        "g6-dedicated-8",
        "Dedicated 16GB",
        "dedicated",
        8,
        16384,
        0,
        144.0,
    ),
    t(
        "g6-dedicated-16",
        "Dedicated 32GB",
        "dedicated",
        16,
        32768,
        0,
        288.0,
    ),
    t(
        "g6-dedicated-32",
        "Dedicated 64GB",
        "dedicated",
        32,
        65536,
        0,
        576.0,
    ),
    t("g7-highmem-1", "Linode 24GB", "highmem", 2, 24576, 0, 60.0),
    t("g7-highmem-2", "Linode 48GB", "highmem", 2, 49152, 0, 120.0),
    t(
        "g1-gpu-rtx6000",
        "Dedicated 32GB + RTX6000 GPU x1",
        "gpu",
        8,
        32768,
        1,
        1000.0,
    ),
    t(
        "g1-gpu-rtx6000-1",
        "Dedicated 32GB + RTX6000 GPU x1",
        "gpu",
        8,
        32768,
        1,
        1000.0,
    ),
    t(
        "g1-gpu-rtx6000-2",
        "Dedicated 64GB + RTX6000 GPU x2",
        "gpu",
        16,
        65536,
        2,
        2000.0,
    ),
    t(
        "g1-gpu-rtx6000-3",
        "Dedicated 96GB + RTX6000 GPU x3",
        "gpu",
        20,
        98304,
        3,
        3000.0,
    ),
    t(
        "g1-gpu-rtx6000-4",
        "Dedicated 128GB + RTX6000 GPU x4",
        "gpu",
        24,
        131072,
        4,
        4000.0,
    ),
];

/// Finds a Linode type by id.
pub fn linode_type(id: &str) -> Option<&'static LinodeType> {
    TYPES.iter().find(|t| t.id == id)
}

fn hourly(monthly: f64) -> f64 {
    (monthly / 730.0 * 1000.0).round() / 1000.0
}

impl LinodeType {
    /// API representation (`GET /linode/types/{id}`).
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "label": self.label,
            "class": self.class,
            "vcpus": self.vcpus,
            "memory": self.memory,
            "disk": self.disk,
            "gpus": self.gpus,
            "transfer": (self.memory / 1024).max(1) * 1000,
            "network_out": 1000 + self.vcpus * 1000,
            "price": {"hourly": hourly(self.monthly), "monthly": self.monthly},
            "region_prices": [],
            "addons": {"backups": {"price": {"hourly": hourly(self.monthly / 5.0), "monthly": self.monthly / 5.0}, "region_prices": []}},
            "successor": null
        })
    }
}

/// Kubernetes versions offered per tier. The standard tier uses `major.minor`, the enterprise
/// tier uses full LKE-E version strings like the real API.
pub fn k8s_versions(tier: &str) -> &'static [&'static str] {
    match tier {
        "standard" => &["1.33", "1.32", "1.31"],
        "enterprise" => &["v1.33.1+lke1", "v1.32.4+lke3", "v1.31.8+lke5"],
        _ => &[],
    }
}

/// LKE tiers.
pub const LKE_TIERS: &[&str] = &["standard", "enterprise"];

fn priced(id: &str, label: &str, monthly: f64, transfer: u64) -> Value {
    json!({
        "id": id,
        "label": label,
        "price": {"hourly": hourly(monthly), "monthly": monthly},
        "region_prices": [
            {"id": "id-cgk", "hourly": hourly(monthly * 1.2), "monthly": monthly * 1.2},
            {"id": "br-gru", "hourly": hourly(monthly * 1.4), "monthly": monthly * 1.4}
        ],
        "transfer": transfer
    })
}

/// `GET /lke/types`.
pub fn lke_types() -> Vec<Value> {
    vec![
        priced("lke-sa", "LKE Standard Availability", 0.0, 0),
        priced("lke-ha", "LKE High Availability", 60.0, 0),
        priced("lke-e", "LKE Enterprise", 300.0, 0),
    ]
}

/// `GET /nodebalancers/types`.
pub fn nodebalancer_types() -> Vec<Value> {
    vec![priced("nodebalancer", "NodeBalancer", 10.0, 0)]
}

/// `GET /object-storage/types`.
pub fn object_storage_types() -> Vec<Value> {
    vec![priced("objectstorage", "Object Storage", 5.0, 1000)]
}

/// The monthly price of the LKE HA control plane (for docs and tests).
pub const LKE_HA_MONTHLY: f64 = 60.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gpu_availability_is_per_region() {
        assert!(region("fr-par").unwrap().gpu);
        assert!(!region("us-east").unwrap().gpu);
        let caps = region("fr-par").unwrap().to_json()["capabilities"].clone();
        assert!(caps.as_array().unwrap().iter().any(|c| c == "GPU Linodes"));
        assert!(caps.as_array().unwrap().iter().any(|c| c == "Kubernetes"));
    }

    #[test]
    fn types_include_gpu_aliases() {
        assert_eq!(linode_type("g1-gpu-rtx6000").unwrap().gpus, 1);
        assert_eq!(linode_type("g1-gpu-rtx6000-4").unwrap().gpus, 4);
        assert!(linode_type("g6-standard-8").is_some());
        assert!(linode_type("nope").is_none());
    }

    #[test]
    fn legacy_clusters_resolve() {
        assert_eq!(resolve_obj_region("us-east-1"), Some("us-east"));
        assert_eq!(resolve_obj_region("fr-par"), Some("fr-par"));
        assert_eq!(resolve_obj_region("mars-1"), None);
    }
}
