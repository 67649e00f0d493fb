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
    /// Linodes per flexible placement group (newer).
    pub maximum_linodes_per_flexible_pg: Option<u64>,
}

/// The services of a region that Akamai Cloud Pulse monitors (newer than the 4.189 spec).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RegionMonitors {
    /// Services with alerts, e.g. `Managed Databases`.
    #[serde(deserialize_with = "null_default")]
    pub alerts: Vec<String>,
    /// Services with metrics.
    #[serde(deserialize_with = "null_default")]
    pub metrics: Vec<String>,
}

/// Whether a plan can be deployed in a region (`GET /regions/availability`): the API reports
/// GPU and premium plans only.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RegionAvailability {
    /// Region id.
    pub region: String,
    /// Linode type id, e.g. `g1-gpu-rtx6000-1`.
    pub plan: String,
    /// Whether the plan can be deployed there now.
    pub available: bool,
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
    /// Monitored services (newer).
    pub monitors: Option<RegionMonitors>,
}

impl Region {
    /// `true` if the region lists `capability` (case-insensitive).
    pub fn has_capability(&self, capability: &str) -> bool {
        self.capabilities.iter().any(|c| c.eq_ignore_ascii_case(capability))
    }
}
