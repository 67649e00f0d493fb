//! Cloud Firewall models: firewalls, their rules, devices and account settings.

use serde::{Deserialize, Serialize};

use super::{null_default, string_enum};

string_enum! {
    /// Firewall status.
    FirewallStatus {
        /// Rules are enforced.
        Enabled = "enabled",
        /// Rules are not enforced.
        Disabled = "disabled",
        /// Being deleted (read-only).
        Deleted = "deleted",
    }
}

string_enum! {
    /// What a rule or a policy does with matching traffic.
    FirewallAction {
        /// Let the traffic through.
        Accept = "ACCEPT",
        /// Drop the traffic.
        Drop = "DROP",
    }
}

string_enum! {
    /// The network protocol a rule matches.
    FirewallProtocol {
        /// TCP (ports allowed).
        Tcp = "TCP",
        /// UDP (ports allowed).
        Udp = "UDP",
        /// ICMP (no ports).
        Icmp = "ICMP",
        /// IP-in-IP encapsulation (no ports).
        Ipencap = "IPENCAP",
    }
}

string_enum! {
    /// The kind of entity a firewall protects.
    FirewallDeviceType {
        /// A Linode instance (its legacy configuration-profile interfaces).
        Linode = "linode",
        /// A NodeBalancer.
        NodeBalancer = "nodebalancer",
        /// One Linode interface (instances with Linode Interfaces).
        LinodeInterface = "linode_interface",
    }
}

/// The addresses a rule matches: IPv4 and IPv6 addresses or networks in `IP/mask` form.
///
/// The API wants at least one of the two lists, and no empty list: empty lists are left
/// out of requests.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FirewallAddresses {
    /// IPv4 addresses or networks, e.g. `0.0.0.0/0`.
    #[serde(
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub ipv4: Vec<String>,
    /// IPv6 addresses or networks, e.g. `::/0`.
    #[serde(
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub ipv6: Vec<String>,
}

/// One inbound or outbound rule, in requests and responses.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FirewallRule {
    /// `ACCEPT` or `DROP`.
    pub action: FirewallAction,
    /// `TCP`, `UDP`, `ICMP` or `IPENCAP`.
    pub protocol: FirewallProtocol,
    /// Ports for TCP/UDP, e.g. `22, 80-90` (at most 15 pieces; a range counts two);
    /// `None` matches every port, and must be `None` for ICMP and IPENCAP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ports: Option<String>,
    /// Addresses the rule matches.
    pub addresses: FirewallAddresses,
    /// Label (3-32 characters), for display.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Description (1-100 characters), for display.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl FirewallRule {
    /// A rule with `action` for `protocol` traffic from or to `addresses`.
    pub fn new(
        action: FirewallAction,
        protocol: FirewallProtocol,
        addresses: FirewallAddresses,
    ) -> Self {
        FirewallRule {
            action,
            protocol,
            addresses,
            ..Default::default()
        }
    }

    /// Sets the ports (TCP and UDP only).
    #[must_use]
    pub fn ports(mut self, ports: impl Into<String>) -> Self {
        self.ports = Some(ports.into());
        self
    }

    /// Sets the label.
    #[must_use]
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
}

/// A firewall's rules as the API returns them (`rules` of a firewall, `GET .../rules`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FirewallRules {
    /// Inbound rules, applied in order (the API may send `null` for none).
    #[serde(deserialize_with = "null_default")]
    pub inbound: Vec<FirewallRule>,
    /// What happens to inbound traffic no rule matches.
    pub inbound_policy: FirewallAction,
    /// Outbound rules, applied in order (the API may send `null` for none).
    #[serde(deserialize_with = "null_default")]
    pub outbound: Vec<FirewallRule>,
    /// What happens to outbound traffic no rule matches.
    pub outbound_policy: FirewallAction,
    /// 8-hex-digit hash of the rules, to compare versions.
    pub fingerprint: Option<String>,
    /// Rules version, starting at 1 and bumped on every change.
    pub version: Option<u64>,
}

/// The rules of a firewall as sent on create (`rules`) and by `PUT .../rules`, which
/// replaces them all.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FirewallRulesOptions {
    /// Inbound rules (at most 25), applied in order.
    pub inbound: Vec<FirewallRule>,
    /// What happens to inbound traffic no rule matches.
    pub inbound_policy: FirewallAction,
    /// Outbound rules (at most 25), applied in order.
    pub outbound: Vec<FirewallRule>,
    /// What happens to outbound traffic no rule matches.
    pub outbound_policy: FirewallAction,
}

/// `PUT /networking/firewalls/{id}/rules` body.
pub type UpdateFirewallRules = FirewallRulesOptions;

impl From<FirewallRules> for FirewallRulesOptions {
    /// The writable part of the rules, e.g. to change one rule and send them all back.
    fn from(r: FirewallRules) -> Self {
        FirewallRulesOptions {
            inbound: r.inbound,
            inbound_policy: r.inbound_policy,
            outbound: r.outbound,
            outbound_policy: r.outbound_policy,
        }
    }
}

/// An entity a firewall is attached to (a device's `entity`, a firewall's `entities`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FirewallEntity {
    /// Id of the Linode, NodeBalancer or Linode interface.
    pub id: u64,
    /// Kind of entity.
    #[serde(rename = "type")]
    pub kind: FirewallDeviceType,
    /// The entity's label (`null` for an interface).
    pub label: Option<String>,
    /// API path of the entity, e.g. `/v4/nodebalancers/123`.
    pub url: String,
    /// For a Linode interface, the Linode it belongs to.
    pub parent_entity: Option<Box<FirewallEntity>>,
}

/// A Cloud Firewall.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Firewall {
    /// Id.
    pub id: u64,
    /// Label (3-32 characters, unique).
    pub label: String,
    /// Status.
    pub status: FirewallStatus,
    /// Rules.
    pub rules: FirewallRules,
    /// Tags.
    #[serde(deserialize_with = "null_default")]
    pub tags: Vec<String>,
    /// What the firewall is attached to (newer than the 4.189 spec).
    #[serde(deserialize_with = "null_default")]
    pub entities: Vec<FirewallEntity>,
    /// Creation time.
    pub created: String,
    /// Update time.
    pub updated: String,
}

/// Devices to attach when a firewall is created; empty lists are left out.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FirewallDevices {
    /// Linode instance ids.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub linodes: Vec<u64>,
    /// NodeBalancer ids.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nodebalancers: Vec<u64>,
    /// Linode interface ids.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub linode_interfaces: Vec<u64>,
}

impl FirewallDevices {
    /// `true` when no device is listed.
    pub fn is_empty(&self) -> bool {
        self.linodes.is_empty()
            && self.nodebalancers.is_empty()
            && self.linode_interfaces.is_empty()
    }
}

/// `POST /networking/firewalls` body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CreateFirewall {
    /// Label (required; 3-32 characters, starts with a letter, unique).
    pub label: String,
    /// Rules (required).
    pub rules: FirewallRulesOptions,
    /// Tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Devices to attach.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub devices: Option<FirewallDevices>,
}

/// `PUT /networking/firewalls/{id}` body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UpdateFirewall {
    /// New label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// `enabled` or `disabled`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<FirewallStatus>,
    /// Replace the tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

/// One attachment of a firewall (`/networking/firewalls/{id}/devices`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FirewallDevice {
    /// Device id (the attachment, not the entity).
    pub id: u64,
    /// The attached entity.
    pub entity: FirewallEntity,
    /// Creation time.
    pub created: String,
    /// Update time.
    pub updated: String,
}

/// `POST /networking/firewalls/{id}/devices` body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CreateFirewallDevice {
    /// Id of the Linode, NodeBalancer or Linode interface.
    pub id: u64,
    /// Kind of entity.
    #[serde(rename = "type")]
    pub kind: FirewallDeviceType,
}

/// The firewalls new entities get by default (`GET /networking/firewalls/settings`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DefaultFirewallIds {
    /// For new Linodes with configuration-profile interfaces.
    pub linode: Option<u64>,
    /// For new NodeBalancers.
    pub nodebalancer: Option<u64>,
    /// For new public Linode interfaces.
    pub public_interface: Option<u64>,
    /// For new VPC Linode interfaces.
    pub vpc_interface: Option<u64>,
}

/// Account-wide firewall settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FirewallSettings {
    /// Default firewalls per kind of entity.
    pub default_firewall_ids: DefaultFirewallIds,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_accept_null_lists_and_keep_unknown_protocols() {
        let r: FirewallRules = serde_json::from_str(
            r#"{"inbound":[{"action":"ACCEPT","protocol":"ALL","addresses":{"ipv4":["0.0.0.0/0"]}}],
                "inbound_policy":"DROP","outbound":null,"outbound_policy":"ACCEPT","version":2,"fingerprint":"cddbc8f5"}"#,
        )
        .unwrap();
        assert_eq!(r.inbound[0].protocol, FirewallProtocol::Other("ALL".into()));
        assert!(r.inbound[0].addresses.ipv6.is_empty());
        assert!(r.outbound.is_empty());
        assert_eq!(r.inbound_policy, FirewallAction::Drop);
    }

    #[test]
    fn requests_leave_out_empty_address_lists_and_devices() {
        let rule = FirewallRule::new(
            FirewallAction::Accept,
            FirewallProtocol::Tcp,
            FirewallAddresses {
                ipv4: vec!["192.0.2.0/24".into()],
                ipv6: vec![],
            },
        )
        .ports("22, 80-90")
        .label("web");
        assert_eq!(
            serde_json::to_value(&rule).unwrap(),
            serde_json::json!({"action": "ACCEPT", "protocol": "TCP", "ports": "22, 80-90",
                               "addresses": {"ipv4": ["192.0.2.0/24"]}, "label": "web"})
        );
        let devices = FirewallDevices {
            nodebalancers: vec![7],
            ..Default::default()
        };
        assert!(!devices.is_empty());
        assert_eq!(
            serde_json::to_value(&devices).unwrap(),
            serde_json::json!({"nodebalancers": [7]})
        );
    }
}
