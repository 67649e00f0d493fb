//! Linode instance type models (the plan catalog).

use serde::{Deserialize, Serialize};

use super::{Price, RegionPrice, null_default, string_enum};

string_enum! {
    /// Type class.
    LinodeClass { /// Nanode.
        Nanode = "nanode", /// Shared CPU.
        Standard = "standard", /// Dedicated CPU.
        Dedicated = "dedicated", /// Premium.
        Premium = "premium", /// GPU.
        Gpu = "gpu", /// High memory.
        Highmem = "highmem" }
}

/// Backup add-on pricing.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct BackupsAddon {
    /// Price.
    pub price: Price,
    /// Region prices.
    #[serde(deserialize_with = "null_default")]
    pub region_prices: Vec<RegionPrice>,
}

/// Add-ons of a type.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Addons {
    /// Backups.
    pub backups: BackupsAddon,
}

/// A Linode type, e.g. `g6-standard-8`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LinodeType {
    /// Id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Class.
    pub class: LinodeClass,
    /// Disk in MB.
    pub disk: u64,
    /// Memory in MB.
    pub memory: u64,
    /// vCPUs.
    pub vcpus: u32,
    /// GPUs.
    pub gpus: u32,
    /// Outbound bandwidth in Mbit/s.
    pub network_out: u64,
    /// Monthly transfer in GB.
    pub transfer: u64,
    /// Price.
    pub price: Price,
    /// Region prices.
    #[serde(deserialize_with = "null_default")]
    pub region_prices: Vec<RegionPrice>,
    /// Add-ons.
    pub addons: Addons,
    /// Replacement type, if this one is deprecated.
    pub successor: Option<String>,
}
