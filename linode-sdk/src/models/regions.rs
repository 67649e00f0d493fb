//! Region models.

use serde::{Deserialize, Serialize};

use super::{null_default, string_enum};

string_enum! {
    /// Region status.
    RegionStatus { /// Operating normally.
        Ok = "ok", /// Outage.
        Outage = "outage" }
}

/// DNS resolvers of a region.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Resolvers {
    /// IPv4 resolvers (comma separated).
    pub ipv4: String,
    /// IPv6 resolvers (comma separated).
    pub ipv6: String,
}

/// Placement group limits of a region.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PlacementGroupLimits {
    /// Placement groups per customer (`None` = unlimited).
    pub maximum_pgs_per_customer: Option<u64>,
    /// Linodes per placement group.
    pub maximum_linodes_per_pg: Option<u64>,
}

/// A region.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Region {
    /// Id, e.g. `fr-par`.
    pub id: String,
    /// Label.
    pub label: String,
    /// Country code.
    pub country: String,
    /// Capabilities, e.g. `Kubernetes`, `NodeBalancers`, `Object Storage`.
    #[serde(deserialize_with = "null_default")]
    pub capabilities: Vec<String>,
    /// Status.
    pub status: RegionStatus,
    /// Resolvers.
    pub resolvers: Resolvers,
    /// `core` or `distributed` (the 4.189 spec spells it `site-type`).
    #[serde(alias = "site-type")]
    pub site_type: Option<String>,
    /// Placement group limits.
    pub placement_group_limits: Option<PlacementGroupLimits>,
}

impl Region {
    /// `true` if the region lists `capability` (case-insensitive).
    pub fn has_capability(&self, capability: &str) -> bool {
        self.capabilities.iter().any(|c| c.eq_ignore_ascii_case(capability))
    }
}
