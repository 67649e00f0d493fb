//! LKE (Linode Kubernetes Engine) models.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Nullable, int_or_string, null_default, string_enum};

string_enum! {
    /// Cluster status (newer than the 4.189 spec).
    LkeClusterStatus {
        /// The control plane is up.
        Ready = "ready",
        /// Still provisioning.
        NotReady = "not_ready",
    }
}

string_enum! {
    /// Node status.
    LkeNodeStatus {
        /// The node is a ready Kubernetes node.
        Ready = "ready",
        /// The node is being created or recycled.
        NotReady = "not_ready",
    }
}

string_enum! {
    /// Cluster tier.
    LkeTier {
        /// Standard LKE.
        Standard = "standard",
        /// LKE Enterprise.
        Enterprise = "enterprise",
    }
}

string_enum! {
    /// Cluster IP stack.
    StackType {
        /// IPv4 only.
        Ipv4 = "ipv4",
        /// Dual stack.
        Ipv4Ipv6 = "ipv4-ipv6",
    }
}

string_enum! {
    /// Node pool update strategy.
    UpdateStrategy {
        /// Nodes are replaced one by one on update.
        RollingUpdate = "rolling_update",
        /// Changes apply when nodes are recycled.
        OnRecycle = "on_recycle",
    }
}

string_enum! {
    /// Node pool disk encryption.
    DiskEncryption {
        /// Disks are encrypted.
        Enabled = "enabled",
        /// Disks are not encrypted.
        Disabled = "disabled",
    }
}

string_enum! {
    /// Kubernetes taint effect.
    TaintEffect {
        /// `NoSchedule`.
        NoSchedule = "NoSchedule",
        /// `PreferNoSchedule`.
        PreferNoSchedule = "PreferNoSchedule",
        /// `NoExecute`.
        NoExecute = "NoExecute",
    }
}

string_enum! {
    /// Pool disk filesystem.
    DiskType {
        /// Raw disk.
        Raw = "raw",
        /// ext4 filesystem.
        Ext4 = "ext4",
    }
}

/// An LKE cluster.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LkeCluster {
    /// Cluster id (absent from the 4.189 spec's create/update examples; always sent by the API).
    pub id: u64,
    /// Label.
    pub label: String,
    /// Region id.
    pub region: String,
    /// Kubernetes version, e.g. `1.31`.
    pub k8s_version: String,
    /// Status (newer than the spec; `None` if not sent).
    pub status: Option<LkeClusterStatus>,
    /// Tier (newer than the spec).
    pub tier: Option<LkeTier>,
    /// Tags.
    #[serde(deserialize_with = "null_default")]
    pub tags: Vec<String>,
    /// Control-plane settings.
    pub control_plane: ControlPlane,
    /// Whether Akamai App Platform is enabled.
    pub apl_enabled: Option<bool>,
    /// VPC id (enterprise).
    pub vpc_id: Option<u64>,
    /// Subnet id (enterprise).
    pub subnet_id: Option<u64>,
    /// IP stack.
    pub stack_type: Option<StackType>,
    /// Locks on the cluster.
    #[serde(deserialize_with = "null_default")]
    pub locks: Vec<String>,
    /// Creation time (`YYYY-MM-DDTHH:MM:SS`).
    pub created: String,
    /// Last update time.
    pub updated: String,
}

/// Control-plane settings of a cluster.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ControlPlane {
    /// High availability (irreversible once on).
    pub high_availability: bool,
    /// Audit logs.
    pub audit_logs_enabled: Option<bool>,
    /// Metrics.
    pub metrics_enabled: Option<bool>,
    /// Access control list (when the API includes it).
    pub acl: Option<ControlPlaneAcl>,
}

/// Control-plane ACL.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ControlPlaneAcl {
    /// Whether the ACL is enforced.
    pub enabled: bool,
    /// Allowed addresses.
    pub addresses: Option<AclAddresses>,
    /// Revision id (the API spells it `revision-id`).
    #[serde(rename = "revision-id", alias = "revision_id")]
    pub revision_id: Option<String>,
}

/// Allowed addresses of a control-plane ACL.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AclAddresses {
    /// IPv4 addresses/CIDRs.
    #[serde(deserialize_with = "null_default")]
    pub ipv4: Vec<String>,
    /// IPv6 addresses/CIDRs.
    #[serde(deserialize_with = "null_default")]
    pub ipv6: Vec<String>,
}

/// `GET/PUT /lke/clusters/{id}/control_plane_acl` body: `{"acl": {...}}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ControlPlaneAclResponse {
    /// The ACL.
    pub acl: ControlPlaneAcl,
}

/// Control-plane ACL settings in requests.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ControlPlaneAclOptions {
    /// Enable or disable the ACL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Allowed addresses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addresses: Option<AclAddresses>,
    /// Revision id.
    #[serde(rename = "revision-id", skip_serializing_if = "Option::is_none")]
    pub revision_id: Option<String>,
}

/// `PUT /lke/clusters/{id}/control_plane_acl` body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UpdateControlPlaneAcl {
    /// The new ACL.
    pub acl: ControlPlaneAclOptions,
}

/// Control-plane settings in create/update requests.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ControlPlaneOptions {
    /// High availability.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high_availability: Option<bool>,
    /// Audit logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit_logs_enabled: Option<bool>,
    /// Metrics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics_enabled: Option<bool>,
    /// ACL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acl: Option<ControlPlaneAclOptions>,
}

/// `POST /lke/clusters` body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CreateLkeCluster {
    /// Label (required).
    pub label: String,
    /// Region (required).
    pub region: String,
    /// Kubernetes version (required).
    pub k8s_version: String,
    /// Node pools (at least one).
    pub node_pools: Vec<CreateNodePool>,
    /// Tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Control plane.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub control_plane: Option<ControlPlaneOptions>,
    /// Tier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<LkeTier>,
    /// Akamai App Platform.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apl_enabled: Option<bool>,
    /// VPC id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<u64>,
    /// Subnet id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<u64>,
    /// IP stack.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stack_type: Option<StackType>,
}

/// `PUT /lke/clusters/{id}` body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UpdateLkeCluster {
    /// New label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Upgrade to this Kubernetes version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub k8s_version: Option<String>,
    /// Replace the tags (`Some(vec![])` clears them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Control-plane changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub control_plane: Option<ControlPlaneOptions>,
}

/// Node pool autoscaler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Autoscaler {
    /// Whether autoscaling is on.
    pub enabled: bool,
    /// Minimum node count.
    pub min: u32,
    /// Maximum node count.
    pub max: u32,
}

/// A pool disk.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PoolDisk {
    /// Size in MB.
    pub size: u64,
    /// Filesystem.
    #[serde(rename = "type")]
    pub disk_type: DiskType,
}

/// A Kubernetes taint.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Taint {
    /// Key.
    pub key: String,
    /// Value.
    pub value: String,
    /// Effect.
    pub effect: TaintEffect,
}

/// A node of a pool.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LkeNode {
    /// Node id (a string such as `12345-6aa78910bc`).
    pub id: String,
    /// Linode instance id (the 4.189 spec types it as string in pool listings, so both are accepted).
    #[serde(deserialize_with = "int_or_string")]
    pub instance_id: Option<u64>,
    /// Node status.
    pub status: LkeNodeStatus,
    /// Pool id (newer than the spec).
    pub pool_id: Option<u64>,
}

/// An LKE node pool.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NodePool {
    /// Pool id.
    pub id: u64,
    /// Linode type of the nodes.
    #[serde(rename = "type")]
    pub node_type: String,
    /// Target node count.
    pub count: u32,
    /// Nodes.
    #[serde(deserialize_with = "null_default")]
    pub nodes: Vec<LkeNode>,
    /// Autoscaler.
    pub autoscaler: Autoscaler,
    /// Extra disks.
    #[serde(deserialize_with = "null_default")]
    pub disks: Vec<PoolDisk>,
    /// Kubernetes labels.
    #[serde(deserialize_with = "null_default")]
    pub labels: BTreeMap<String, String>,
    /// Kubernetes taints.
    #[serde(deserialize_with = "null_default")]
    pub taints: Vec<Taint>,
    /// Tags.
    #[serde(deserialize_with = "null_default")]
    pub tags: Vec<String>,
    /// Disk encryption (newer).
    pub disk_encryption: Option<DiskEncryption>,
    /// Firewall id (newer).
    pub firewall_id: Option<u64>,
    /// Pool Kubernetes version (enterprise).
    pub k8s_version: Option<String>,
    /// Pool label (newer).
    pub label: Option<String>,
    /// Update strategy (enterprise).
    pub update_strategy: Option<UpdateStrategy>,
    /// Locks (newer).
    #[serde(deserialize_with = "null_default")]
    pub locks: Vec<String>,
}

/// `POST /lke/clusters/{id}/pools` body, also used inside [`CreateLkeCluster`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CreateNodePool {
    /// Linode type (required).
    #[serde(rename = "type")]
    pub node_type: String,
    /// Node count (required).
    pub count: u32,
    /// Autoscaler.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub autoscaler: Option<Autoscaler>,
    /// Extra disks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disks: Option<Vec<PoolDisk>>,
    /// Kubernetes labels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    /// Kubernetes taints.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taints: Option<Vec<Taint>>,
    /// Tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Disk encryption.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_encryption: Option<DiskEncryption>,
    /// Firewall id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub firewall_id: Option<u64>,
    /// Kubernetes version (enterprise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub k8s_version: Option<String>,
    /// Label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Update strategy (enterprise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_strategy: Option<UpdateStrategy>,
}

impl CreateNodePool {
    /// A pool of `count` nodes of `node_type`.
    pub fn new(node_type: impl Into<String>, count: u32) -> Self {
        CreateNodePool { node_type: node_type.into(), count, ..Default::default() }
    }

    /// Enables the autoscaler between `min` and `max` nodes.
    #[must_use]
    pub fn autoscale(mut self, min: u32, max: u32) -> Self {
        self.autoscaler = Some(Autoscaler { enabled: true, min, max });
        self
    }
}

/// `PUT /lke/clusters/{id}/pools/{poolId}` body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UpdateNodePool {
    /// New node count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// Autoscaler.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub autoscaler: Option<Autoscaler>,
    /// Replace the labels (`Some(empty)` clears them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    /// Replace the taints (`Some(vec![])` clears them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taints: Option<Vec<Taint>>,
    /// Replace the tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Firewall id (`Nullable::Null` detaches).
    #[serde(skip_serializing_if = "Nullable::is_keep")]
    pub firewall_id: Nullable<u64>,
    /// Kubernetes version (enterprise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub k8s_version: Option<String>,
    /// Update strategy (enterprise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_strategy: Option<UpdateStrategy>,
    /// Label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// `GET /lke/clusters/{id}/kubeconfig`: the kubeconfig, base64-encoded YAML.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Kubeconfig {
    /// Base64-encoded kubeconfig YAML.
    pub kubeconfig: String,
}

impl Kubeconfig {
    /// The kubeconfig YAML (base64-decoded). `None` if the value is not valid base64 or UTF-8.
    pub fn decoded(&self) -> Option<String> {
        String::from_utf8(decode_base64(&self.kubeconfig)?).ok()
    }
}

/// Decodes standard base64 (padding optional, whitespace ignored).
fn decode_base64(input: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let clean: Vec<u8> = input.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let data = clean.strip_suffix(b"==").or_else(|| clean.strip_suffix(b"=")).unwrap_or(&clean);
    if data.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(data.len() * 3 / 4);
    for chunk in data.chunks(4) {
        let mut acc = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            acc |= val(*c)? << (18 - 6 * i);
        }
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

/// A Kubernetes API endpoint of a cluster.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ApiEndpoint {
    /// URL, e.g. `https://...:443`.
    pub endpoint: String,
}

/// The cluster dashboard URL.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DashboardUrl {
    /// URL.
    pub url: String,
}

/// A Kubernetes version.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LkeVersion {
    /// Version id, e.g. `1.31`.
    pub id: String,
}

/// A Kubernetes version of a tier (`/lke/tiers/{tier}/versions`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TieredLkeVersion {
    /// Version id, e.g. `v1.31.1+lke1`.
    pub id: String,
    /// Tier.
    pub tier: LkeTier,
}

/// `POST /lke/clusters/{id}/regenerate` body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RegenerateOptions {
    /// Regenerate the kubeconfig.
    pub kubeconfig: bool,
    /// Regenerate the service token.
    pub servicetoken: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubeconfig_decodes_base64() {
        let k = Kubeconfig { kubeconfig: "YXBpVmVyc2lvbjogdjEKa2luZDogQ29uZmln".into() };
        assert_eq!(k.decoded().as_deref(), Some("apiVersion: v1\nkind: Config"));
        assert_eq!(Kubeconfig { kubeconfig: "YQ==".into() }.decoded().as_deref(), Some("a"));
        assert_eq!(Kubeconfig { kubeconfig: "YWI=".into() }.decoded().as_deref(), Some("ab"));
        assert_eq!(Kubeconfig { kubeconfig: "not base64!".into() }.decoded(), None);
    }
}
