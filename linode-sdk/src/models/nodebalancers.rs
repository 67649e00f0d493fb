//! NodeBalancer models.

use serde::{Deserialize, Serialize};

// `GET /nodebalancers/{id}/firewalls` answers firewalls; their models live in `firewalls`.
pub use super::firewalls::{Firewall, FirewallAddresses, FirewallRule, FirewallRules, FirewallStatus};
use super::{Nullable, null_default, string_enum};

string_enum! {
    /// Config protocol.
    Protocol { /// HTTP.
        Http = "http", /// HTTPS (TLS terminated on the NodeBalancer).
        Https = "https", /// TCP.
        Tcp = "tcp", /// UDP.
        Udp = "udp" }
}

string_enum! {
    /// Balancing algorithm.
    Algorithm { /// Round robin.
        RoundRobin = "roundrobin", /// Least connections.
        LeastConn = "leastconn", /// Source IP hash.
        Source = "source", /// Ring hash (UDP).
        RingHash = "ring_hash" }
}

string_enum! {
    /// Session stickiness.
    Stickiness { /// None.
        None = "none", /// Table.
        Table = "table", /// HTTP cookie.
        HttpCookie = "http_cookie", /// Session (UDP).
        Session = "session", /// Source IP (UDP).
        SourceIp = "source_ip" }
}

string_enum! {
    /// Health check type.
    HealthCheck { /// No check.
        None = "none", /// TCP connect.
        Connection = "connection", /// HTTP status.
        Http = "http", /// HTTP body match.
        HttpBody = "http_body" }
}

string_enum! {
    /// Proxy protocol.
    ProxyProtocol { /// None.
        None = "none", /// v1.
        V1 = "v1", /// v2.
        V2 = "v2" }
}

string_enum! {
    /// TLS cipher suite.
    CipherSuite { /// Recommended.
        Recommended = "recommended", /// Legacy.
        Legacy = "legacy", /// None (non-TLS protocols).
        None = "none" }
}

string_enum! {
    /// Backend node mode.
    NodeMode { /// Takes traffic.
        Accept = "accept", /// Takes none.
        Reject = "reject", /// No new connections.
        Drain = "drain", /// Only when all accept nodes are down.
        Backup = "backup" }
}

string_enum! {
    /// Backend node health.
    NodeStatus { /// Unknown.
        Unknown = "unknown", /// Up.
        Up = "UP", /// Down.
        Down = "DOWN" }
}

string_enum! {
    /// NodeBalancer plan (newer than the spec).
    NodeBalancerPlan { /// Common.
        Common = "common", /// Premium.
        Premium = "premium", /// Premium 40 Gb.
        Premium40Gb = "premium_40gb" }
}

/// Transfer statistics in MB for this month.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NodeBalancerTransfer {
    /// Inbound.
    #[serde(rename = "in")]
    pub inbound: Option<f64>,
    /// Outbound.
    #[serde(rename = "out")]
    pub outbound: Option<f64>,
    /// Total.
    pub total: Option<f64>,
}

/// The LKE cluster a NodeBalancer belongs to.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LkeClusterRef {
    /// Cluster id.
    pub id: u64,
    /// Label.
    pub label: String,
    /// Type (`lkecluster`).
    #[serde(rename = "type")]
    pub kind: String,
    /// API URL.
    pub url: String,
}

/// A NodeBalancer.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NodeBalancer {
    /// Id.
    pub id: u64,
    /// Label.
    pub label: String,
    /// Region.
    pub region: String,
    /// Hostname.
    pub hostname: String,
    /// Public IPv4.
    pub ipv4: String,
    /// Public IPv6.
    pub ipv6: Option<String>,
    /// Connections per second per client IP (0 = off).
    pub client_conn_throttle: u32,
    /// UDP sessions per second per client (newer).
    pub client_udp_sess_throttle: Option<u32>,
    /// Transfer statistics.
    pub transfer: NodeBalancerTransfer,
    /// Tags.
    #[serde(deserialize_with = "null_default")]
    pub tags: Vec<String>,
    /// Plan (newer).
    #[serde(rename = "type")]
    pub plan: Option<NodeBalancerPlan>,
    /// Owning LKE cluster (newer).
    pub lke_cluster: Option<LkeClusterRef>,
    /// Locks (newer).
    #[serde(deserialize_with = "null_default")]
    pub locks: Vec<String>,
    /// Creation time.
    pub created: String,
    /// Update time.
    pub updated: String,
}

/// A VPC attachment given on NodeBalancer create; it becomes a [`NodeBalancerVpcConfig`]
/// that keeps the subnet in use until the NodeBalancer is deleted.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NodeBalancerVpcOptions {
    /// Subnet id (the subnet must be in the NodeBalancer's region).
    pub subnet_id: u64,
    /// IPv4 range inside the subnet for the NodeBalancer's backend addresses, e.g. `10.0.0.64/30`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv4_range: Option<String>,
    /// IPv6 range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv6_range: Option<String>,
    /// Auto-assign an IPv4 range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv4_range_auto_assign: Option<bool>,
}

/// `POST /nodebalancers` body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CreateNodeBalancer {
    /// Region (required).
    pub region: String,
    /// Label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Connection throttle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_conn_throttle: Option<u32>,
    /// UDP session throttle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_udp_sess_throttle: Option<u32>,
    /// Tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Configs created with the NodeBalancer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub configs: Option<Vec<CreateNodeBalancerConfig>>,
    /// Cloud Firewall to attach (a NodeBalancer has at most one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub firewall_id: Option<u64>,
    /// Plan (`common` when left out).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub plan: Option<NodeBalancerPlan>,
    /// VPC attachments (one per subnet).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpcs: Option<Vec<NodeBalancerVpcOptions>>,
    /// Reserved IPv4 to use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv4: Option<String>,
}

/// `PUT /nodebalancers/{id}` body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UpdateNodeBalancer {
    /// Label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Connection throttle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_conn_throttle: Option<u32>,
    /// UDP session throttle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_udp_sess_throttle: Option<u32>,
    /// Replace the tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

/// Up/down node counts of a config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NodesStatus {
    /// Healthy nodes.
    pub up: u32,
    /// Unhealthy nodes.
    pub down: u32,
}

/// A NodeBalancer config (one port).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NodeBalancerConfig {
    /// Id.
    pub id: u64,
    /// NodeBalancer id.
    pub nodebalancer_id: u64,
    /// Port.
    pub port: u16,
    /// Protocol.
    pub protocol: Protocol,
    /// Algorithm.
    pub algorithm: Algorithm,
    /// Stickiness.
    pub stickiness: Stickiness,
    /// Health check.
    pub check: HealthCheck,
    /// Seconds between checks.
    pub check_interval: u32,
    /// Check timeout in seconds.
    pub check_timeout: u32,
    /// Failed checks before a node is down.
    pub check_attempts: u32,
    /// HTTP check path.
    pub check_path: Option<String>,
    /// HTTP body regex.
    pub check_body: Option<String>,
    /// Passive checks.
    pub check_passive: bool,
    /// Proxy protocol.
    pub proxy_protocol: ProxyProtocol,
    /// Cipher suite.
    pub cipher_suite: CipherSuite,
    /// Certificate common name.
    pub ssl_commonname: Option<String>,
    /// Certificate fingerprint.
    pub ssl_fingerprint: Option<String>,
    /// Certificate (redacted by the API as `<REDACTED>`).
    pub ssl_cert: Option<String>,
    /// Private key (redacted by the API).
    pub ssl_key: Option<String>,
    /// Node health counts.
    pub nodes_status: NodesStatus,
    /// UDP check port (newer).
    pub udp_check_port: Option<u16>,
    /// UDP session timeout (newer).
    pub udp_session_timeout: Option<u32>,
}

/// Config fields shared by create, update and rebuild.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NodeBalancerConfigOptions {
    /// Port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Protocol.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
    /// Algorithm.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<Algorithm>,
    /// Stickiness.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stickiness: Option<Stickiness>,
    /// Health check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<HealthCheck>,
    /// Check interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_interval: Option<u32>,
    /// Check timeout.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_timeout: Option<u32>,
    /// Check attempts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_attempts: Option<u32>,
    /// Check path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_path: Option<String>,
    /// Check body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_body: Option<String>,
    /// Passive checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_passive: Option<bool>,
    /// Proxy protocol.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy_protocol: Option<ProxyProtocol>,
    /// Cipher suite.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cipher_suite: Option<CipherSuite>,
    /// TLS certificate (PEM); `Nullable::Null` removes it.
    #[serde(skip_serializing_if = "Nullable::is_keep")]
    pub ssl_cert: Nullable<String>,
    /// TLS key (PEM); `Nullable::Null` removes it.
    #[serde(skip_serializing_if = "Nullable::is_keep")]
    pub ssl_key: Nullable<String>,
    /// UDP check port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub udp_check_port: Option<u16>,
}

/// `POST /nodebalancers/{id}/configs` body (also a config inside [`CreateNodeBalancer`]).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CreateNodeBalancerConfig {
    /// Config fields.
    #[serde(flatten)]
    pub config: NodeBalancerConfigOptions,
    /// Nodes (only inside [`CreateNodeBalancer`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nodes: Option<Vec<CreateNodeBalancerNode>>,
}

/// `PUT /nodebalancers/{id}/configs/{configId}` body.
pub type UpdateNodeBalancerConfig = NodeBalancerConfigOptions;

/// `POST /nodebalancers/{id}/configs/{configId}/rebuild` body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RebuildNodeBalancerConfig {
    /// Config fields.
    #[serde(flatten)]
    pub config: NodeBalancerConfigOptions,
    /// The complete node set: nodes with `id` are updated, without are created, others deleted.
    pub nodes: Vec<RebuildNodeBalancerNode>,
}

/// A node in a rebuild request.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RebuildNodeBalancerNode {
    /// Existing node id to update.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// Node fields.
    #[serde(flatten)]
    pub node: CreateNodeBalancerNode,
}

/// A NodeBalancer backend node.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NodeBalancerNode {
    /// Id.
    pub id: u64,
    /// `PRIVATE_IP:PORT`.
    pub address: String,
    /// Label.
    pub label: String,
    /// Health.
    pub status: NodeStatus,
    /// Weight 1..255.
    pub weight: u32,
    /// Mode.
    pub mode: NodeMode,
    /// Config id.
    pub config_id: u64,
    /// NodeBalancer id.
    pub nodebalancer_id: u64,
    /// The NodeBalancer VPC configuration the node is reached through (`None` for a
    /// node outside any VPC). Newer than the spec; the node's `subnet_id` is request-only.
    pub vpc_config_id: Option<u64>,
}

/// `POST /nodebalancers/{id}/configs/{configId}/nodes` body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CreateNodeBalancerNode {
    /// `PRIVATE_IP:PORT` (required).
    pub address: String,
    /// Label (required).
    pub label: String,
    /// Weight.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<u32>,
    /// Mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<NodeMode>,
    /// VPC subnet of the address, for a backend reached through one of the NodeBalancer's
    /// VPC configurations (request-only: responses carry `vpc_config_id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<u64>,
}

/// `PUT /nodebalancers/{id}/configs/{configId}/nodes/{nodeId}` body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UpdateNodeBalancerNode {
    /// Address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Weight.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<u32>,
    /// Mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<NodeMode>,
    /// VPC subnet of the address, for a backend reached through one of the NodeBalancer's
    /// VPC configurations (request-only: responses carry `vpc_config_id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<u64>,
}

/// `PUT /nodebalancers/{id}/firewalls` body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UpdateNodeBalancerFirewalls {
    /// The complete list of firewall ids to attach.
    pub firewall_ids: Vec<u64>,
}

/// A NodeBalancer VPC configuration (`/nodebalancers/{id}/vpcs`, newer than the spec).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NodeBalancerVpcConfig {
    /// Id.
    pub id: u64,
    /// NodeBalancer id.
    pub nodebalancer_id: u64,
    /// VPC id.
    pub vpc_id: u64,
    /// Subnet id.
    pub subnet_id: u64,
    /// IPv4 range used in the subnet.
    pub ipv4_range: Option<String>,
    /// IPv6 range used in the subnet.
    pub ipv6_range: Option<String>,
    /// Whether the IPv4 range was auto-assigned.
    pub ipv4_range_auto_assign: Option<bool>,
}

/// Readings over time: `[unix time in milliseconds, value]` pairs.
pub type StatsSeries = Vec<[f64; 2]>;

/// Traffic readings of a NodeBalancer, in bits per second.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NodeBalancerTrafficStats {
    /// Inbound traffic.
    #[serde(rename = "in", deserialize_with = "null_default")]
    pub inbound: StatsSeries,
    /// Outbound traffic.
    #[serde(rename = "out", deserialize_with = "null_default")]
    pub outbound: StatsSeries,
}

/// The readings of [`NodeBalancerStats`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NodeBalancerStatsData {
    /// Connections.
    #[serde(deserialize_with = "null_default")]
    pub connections: StatsSeries,
    /// Traffic.
    pub traffic: NodeBalancerTrafficStats,
}

/// `GET /nodebalancers/{id}/stats`: the last 24 hours of readings. The API answers 400
/// (`Stats are unavailable at this time.`) for a NodeBalancer created minutes ago.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NodeBalancerStats {
    /// Chart title.
    pub title: String,
    /// Readings.
    pub data: NodeBalancerStatsData,
}
