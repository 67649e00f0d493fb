//! VPC models: VPCs, subnets and the addresses in use in them.

use serde::{Deserialize, Serialize};

use super::null_default;

/// An IP range of a VPC (`{"range": "10.0.0.0/8"}`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct VpcRange {
    /// The range in CIDR form.
    pub range: String,
}

/// A Linode interface in a subnet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct VpcSubnetInterface {
    /// Interface id.
    pub id: u64,
    /// Whether the interface is up (the Linode is booted with it).
    pub active: bool,
    /// Configuration profile of a legacy interface (`None` for Linode Interfaces).
    pub config_id: Option<u64>,
}

/// A Linode with interfaces in a subnet.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct VpcSubnetLinode {
    /// Linode id.
    pub id: u64,
    /// Its interfaces in the subnet.
    #[serde(deserialize_with = "null_default")]
    pub interfaces: Vec<VpcSubnetInterface>,
}

/// A NodeBalancer with a VPC configuration in a subnet (newer than the 4.189 spec).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct VpcSubnetNodeBalancer {
    /// NodeBalancer id.
    pub id: u64,
    /// The range of the subnet the NodeBalancer uses.
    pub ipv4_range: String,
    /// IPv6 ranges the NodeBalancer uses (IPv6 VPCs).
    #[serde(deserialize_with = "null_default")]
    pub ipv6_ranges: Vec<VpcRange>,
}

/// A Managed Database with an address in a subnet (newer than the 4.189 spec).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct VpcSubnetDatabase {
    /// Database id.
    pub id: u64,
    /// The range of the subnet the database uses.
    pub ipv4_range: Option<String>,
}

/// A VPC subnet.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct VpcSubnet {
    /// Id.
    pub id: u64,
    /// Label (1-64 characters, unique in the VPC).
    pub label: String,
    /// IPv4 range in CIDR form (RFC 1918).
    pub ipv4: String,
    /// Linodes with interfaces in the subnet.
    #[serde(deserialize_with = "null_default")]
    pub linodes: Vec<VpcSubnetLinode>,
    /// NodeBalancers using the subnet (newer).
    #[serde(deserialize_with = "null_default")]
    pub nodebalancers: Vec<VpcSubnetNodeBalancer>,
    /// Managed Databases using the subnet (newer).
    #[serde(deserialize_with = "null_default")]
    pub databases: Vec<VpcSubnetDatabase>,
    /// IPv6 ranges of the subnet (IPv6 VPCs; newer).
    #[serde(deserialize_with = "null_default")]
    pub ipv6: Vec<VpcRange>,
    /// Creation time.
    pub created: String,
    /// Update time.
    pub updated: Option<String>,
}

/// A VPC.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Vpc {
    /// Id.
    pub id: u64,
    /// Label (1-64 characters, unique on the account).
    pub label: String,
    /// Description (at most 255 characters).
    pub description: String,
    /// Region id.
    pub region: String,
    /// Subnets.
    #[serde(deserialize_with = "null_default")]
    pub subnets: Vec<VpcSubnet>,
    /// The IPv4 ranges subnets may use (newer).
    #[serde(deserialize_with = "null_default")]
    pub ipv4: Vec<VpcRange>,
    /// IPv6 ranges of the VPC (IPv6 VPCs; newer).
    #[serde(deserialize_with = "null_default")]
    pub ipv6: Vec<VpcRange>,
    /// Creation time.
    pub created: String,
    /// Update time.
    pub updated: Option<String>,
}

/// A subnet in a [`CreateVpc`] request, or the `POST /vpcs/{id}/subnets` body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CreateVpcSubnet {
    /// Label (required; 1-64 characters: ASCII letters, digits, `-` and `_`).
    pub label: String,
    /// IPv4 range in CIDR form (required): private (RFC 1918), prefix /1 to /29, not
    /// overlapping another subnet of the VPC.
    pub ipv4: String,
}

impl CreateVpcSubnet {
    /// A subnet `label` with the range `ipv4`.
    pub fn new(label: impl Into<String>, ipv4: impl Into<String>) -> Self {
        CreateVpcSubnet {
            label: label.into(),
            ipv4: ipv4.into(),
        }
    }
}

/// `PUT /vpcs/{id}/subnets/{subnetId}` body (only the label can change).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UpdateVpcSubnet {
    /// New label.
    pub label: String,
}

/// `POST /vpcs` body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CreateVpc {
    /// Label (required; 1-64 characters: ASCII letters, digits, `-` and `_`).
    pub label: String,
    /// Region id (required; the region needs the `VPCs` capability).
    pub region: String,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Subnets created with the VPC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnets: Option<Vec<CreateVpcSubnet>>,
}

/// `PUT /vpcs/{id}` body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UpdateVpc {
    /// New label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// New description (`Some("")` clears it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// An address in use in a VPC (`GET /vpcs/ips`, `GET /vpcs/{id}/ips`): a Linode
/// interface's address, or the range a NodeBalancer uses.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct VpcIp {
    /// Single address (a Linode interface), if any.
    pub address: Option<String>,
    /// Address range (a NodeBalancer's range or a routed range), if any.
    pub address_range: Option<String>,
    /// VPC id.
    pub vpc_id: u64,
    /// Subnet id.
    pub subnet_id: u64,
    /// Region id.
    pub region: String,
    /// Linode of the interface (`None` for a NodeBalancer).
    pub linode_id: Option<u64>,
    /// Configuration profile of a legacy interface.
    pub config_id: Option<u64>,
    /// Interface id.
    pub interface_id: Option<u64>,
    /// NodeBalancer using the range (newer).
    pub nodebalancer_id: Option<u64>,
    /// Whether the address is in use by a running interface.
    pub active: bool,
    /// Public address mapped 1:1 to this one, if any.
    pub nat_1_1: Option<String>,
    /// Gateway of the subnet.
    pub gateway: Option<String>,
    /// Prefix length of the subnet.
    pub prefix: Option<u8>,
    /// Netmask of the subnet.
    pub subnet_mask: Option<String>,
}
