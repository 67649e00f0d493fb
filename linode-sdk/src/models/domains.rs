//! Domain (DNS) models.

use serde::{Deserialize, Serialize};

use super::{Nullable, null_default, string_enum};

string_enum! {
    /// Domain type.
    DomainType { /// Linode is the primary nameserver.
        Master = "master", /// Linode is a secondary nameserver.
        Slave = "slave" }
}

string_enum! {
    /// Domain status.
    DomainStatus { /// Served.
        Active = "active", /// Not served.
        Disabled = "disabled", /// Legacy edit mode.
        EditMode = "edit_mode", /// The zone has errors.
        HasErrors = "has_errors" }
}

string_enum! {
    /// DNS record type.
    RecordType { /// A.
        A = "A", /// AAAA.
        Aaaa = "AAAA", /// NS.
        Ns = "NS", /// MX.
        Mx = "MX", /// CNAME.
        Cname = "CNAME", /// TXT.
        Txt = "TXT", /// SRV.
        Srv = "SRV", /// PTR.
        Ptr = "PTR", /// CAA.
        Caa = "CAA" }
}

/// A domain.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Domain {
    /// Id.
    pub id: u64,
    /// Domain name.
    pub domain: String,
    /// Type.
    #[serde(rename = "type")]
    pub domain_type: DomainType,
    /// Status.
    pub status: DomainStatus,
    /// Description.
    #[serde(deserialize_with = "null_default")]
    pub description: String,
    /// SOA email (master).
    #[serde(deserialize_with = "null_default")]
    pub soa_email: String,
    /// Primary nameservers (slave).
    #[serde(deserialize_with = "null_default")]
    pub master_ips: Vec<String>,
    /// IPs allowed to AXFR.
    #[serde(deserialize_with = "null_default")]
    pub axfr_ips: Vec<String>,
    /// Group (deprecated).
    #[serde(deserialize_with = "null_default")]
    pub group: String,
    /// Default TTL.
    pub ttl_sec: u32,
    /// SOA refresh.
    pub refresh_sec: u32,
    /// SOA retry.
    pub retry_sec: u32,
    /// SOA expire.
    pub expire_sec: u32,
    /// Tags.
    #[serde(deserialize_with = "null_default")]
    pub tags: Vec<String>,
    /// Creation time (not in every API version).
    pub created: Option<String>,
    /// Update time (not in every API version).
    pub updated: Option<String>,
}

/// `POST /domains` body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CreateDomain {
    /// Domain name (required).
    pub domain: String,
    /// Type (required).
    #[serde(rename = "type")]
    pub domain_type: DomainType,
    /// SOA email (required for master).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub soa_email: Option<String>,
    /// Primary nameservers (required for slave).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master_ips: Option<Vec<String>>,
    /// AXFR IPs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub axfr_ips: Option<Vec<String>>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<DomainStatus>,
    /// Group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// TTL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl_sec: Option<u32>,
    /// Refresh.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_sec: Option<u32>,
    /// Retry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_sec: Option<u32>,
    /// Expire.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expire_sec: Option<u32>,
    /// Tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

/// `PUT /domains/{id}` body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UpdateDomain {
    /// Domain name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Type.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub domain_type: Option<DomainType>,
    /// SOA email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub soa_email: Option<String>,
    /// Primary nameservers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master_ips: Option<Vec<String>>,
    /// AXFR IPs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub axfr_ips: Option<Vec<String>>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<DomainStatus>,
    /// Group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// TTL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl_sec: Option<u32>,
    /// Refresh.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_sec: Option<u32>,
    /// Retry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_sec: Option<u32>,
    /// Expire.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expire_sec: Option<u32>,
    /// Replace the tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

/// `POST /domains/{id}/clone` body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CloneDomain {
    /// The new domain name.
    pub domain: String,
}

/// `POST /domains/import` body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportDomain {
    /// Domain to import.
    pub domain: String,
    /// Nameserver that allows AXFR.
    pub remote_nameserver: String,
}

/// A DNS record.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DomainRecord {
    /// Id.
    pub id: u64,
    /// Type.
    #[serde(rename = "type")]
    pub record_type: RecordType,
    /// Name (hostname part).
    pub name: String,
    /// Target.
    pub target: String,
    /// Priority (MX, SRV).
    pub priority: u32,
    /// Weight (SRV).
    pub weight: u32,
    /// Port (SRV).
    pub port: u32,
    /// Service (SRV).
    pub service: Option<String>,
    /// Protocol (SRV).
    pub protocol: Option<String>,
    /// TTL.
    pub ttl_sec: u32,
    /// CAA tag.
    pub tag: Option<String>,
    /// Creation time.
    pub created: String,
    /// Update time.
    pub updated: String,
}

/// `POST /domains/{id}/records` body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CreateDomainRecord {
    /// Type (required).
    #[serde(rename = "type")]
    pub record_type: RecordType,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Priority.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<u32>,
    /// Weight.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<u32>,
    /// Port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u32>,
    /// Service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Protocol.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// TTL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl_sec: Option<u32>,
    /// CAA tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

/// `PUT /domains/{id}/records/{recordId}` body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UpdateDomainRecord {
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Priority.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<u32>,
    /// Weight.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<u32>,
    /// Port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u32>,
    /// Service (`Nullable::Null` clears it).
    #[serde(skip_serializing_if = "Nullable::is_keep")]
    pub service: Nullable<String>,
    /// Protocol (`Nullable::Null` clears it).
    #[serde(skip_serializing_if = "Nullable::is_keep")]
    pub protocol: Nullable<String>,
    /// TTL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl_sec: Option<u32>,
    /// CAA tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

/// `GET /domains/{id}/zone-file`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ZoneFile {
    /// The zone file, one line per entry.
    pub zone_file: Vec<String>,
}
