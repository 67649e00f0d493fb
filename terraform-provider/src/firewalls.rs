//! Cloud Firewalls: linode_firewall, linode_firewall_device and the firewall data sources.
//!
//! Shared here: the rule model (one `inbound`/`outbound` element, in the order configured), the
//! plan-time checks of rules (addresses, ports, protocols), the equalities that absorb the API's
//! normalisations (`22,80` is `22, 80`; `192.0.2.1` is `192.0.2.1/32`), and the reading of a
//! firewall's devices.

mod data_sources;
mod device;
mod firewall;

use std::sync::Arc;

use futures::TryStreamExt;
use linode_sdk::ListParams;
use linode_sdk::models::firewalls::{
    Firewall, FirewallAction, FirewallAddresses, FirewallDevice, FirewallDeviceType,
    FirewallProtocol, FirewallRule,
};
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::{
    AttributePath, DataSource, Diagnostics, Resource, Type, Val, Value, typed, validators,
};

use crate::LinodeState;

/// This family's resources.
pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![
        typed::resource(firewall::FirewallResource),
        typed::resource(device::DeviceResource),
    ]
}

/// This family's data sources.
pub fn data_sources() -> Vec<Arc<dyn DataSource>> {
    vec![
        typed::data_source(data_sources::firewall::FirewallDataSource),
        typed::data_source(data_sources::firewalls::FirewallsDataSource),
    ]
}

/// Most rules in one direction (Linode's limit).
const MAX_RULES: usize = 25;
/// Most port pieces in one rule: a port counts one, a range two (Linode's limit).
const MAX_PORT_PIECES: usize = 15;

/// One `inbound` or `outbound` rule.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub(crate) struct RuleModel {
    pub label: Val<String>,
    pub action: Val<FirewallAction>,
    pub protocol: Val<FirewallProtocol>,
    pub description: Val<String>,
    pub ports: Val<String>,
    pub ipv4: Val<Vec<String>>,
    pub ipv6: Val<Vec<String>>,
}

impl RuleModel {
    /// The rule as the API shows it: unset description is `""`, unset ports and address families
    /// are null.
    pub fn from_api(r: &FirewallRule) -> RuleModel {
        let family = |list: &Vec<String>| {
            if list.is_empty() {
                Val::Null
            } else {
                Val::Known(list.clone())
            }
        };
        RuleModel {
            label: Val::Known(r.label.clone().unwrap_or_default()),
            action: Val::Known(r.action.clone()),
            protocol: Val::Known(r.protocol.clone()),
            description: Val::Known(r.description.clone().unwrap_or_default()),
            ports: r.ports.clone().filter(|p| !p.is_empty()).into(),
            ipv4: family(&r.addresses.ipv4),
            ipv6: family(&r.addresses.ipv6),
        }
    }

    /// The rule to send: empty values are left out, as the API wants.
    pub fn to_api(&self) -> FirewallRule {
        let nonempty = |v: &Val<String>| v.get().filter(|s| !s.is_empty()).cloned();
        FirewallRule {
            action: self.action.get().cloned().unwrap_or_default(),
            protocol: self.protocol.get().cloned().unwrap_or_default(),
            ports: nonempty(&self.ports),
            addresses: FirewallAddresses {
                ipv4: self.ipv4.get().cloned().unwrap_or_default(),
                ipv6: self.ipv6.get().cloned().unwrap_or_default(),
            },
            label: nonempty(&self.label),
            description: nonempty(&self.description),
        }
    }
}

/// One element of `devices`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub(crate) struct DeviceModel {
    /// The device (attachment) id; null where only the firewall's `entities` were read.
    pub id: Option<i64>,
    pub entity_id: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub label: String,
    pub url: String,
}

impl DeviceModel {
    fn from_api(d: &FirewallDevice) -> DeviceModel {
        DeviceModel {
            id: Some(d.id as i64),
            entity_id: d.entity.id as i64,
            kind: d.entity.kind.as_str().to_string(),
            label: d.entity.label.clone().unwrap_or_default(),
            url: d.entity.url.clone(),
        }
    }
}

/// The type of `devices`.
pub(crate) fn devices_type() -> Type {
    Type::list(Type::object([
        ("id", Type::Number),
        ("entity_id", Type::Number),
        ("type", Type::String),
        ("label", Type::String),
        ("url", Type::String),
    ]))
}

/// The type of `inbound`/`outbound` in `data "linode_firewall"` (addresses as lists, a
/// `description`, as in the official schema).
pub(crate) fn rules_type() -> Type {
    Type::list(Type::object([
        ("label", Type::String),
        ("action", Type::String),
        ("protocol", Type::String),
        ("ports", Type::String),
        ("ipv4", Type::list(Type::String)),
        ("ipv6", Type::list(Type::String)),
        ("description", Type::String),
    ]))
}

/// A firewall's devices, listed once (one paginated call).
pub(crate) async fn list_devices(
    state: &LinodeState,
    id: u64,
) -> Result<Vec<FirewallDevice>, linode_sdk::Error> {
    state
        .client
        .firewalls()
        .list_all_devices(id, ListParams::new().page_size(500))
        .try_collect()
        .await
}

/// The ids of the devices of one kind, sorted.
pub(crate) fn entity_ids(devices: &[FirewallDevice], kind: &FirewallDeviceType) -> Vec<i64> {
    let mut ids: Vec<i64> = devices
        .iter()
        .filter(|d| &d.entity.kind == kind)
        .map(|d| d.entity.id as i64)
        .collect();
    ids.sort_unstable();
    ids
}

/// What every view of a firewall shows (the resource's and the data sources' computed parts).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub(crate) struct FirewallView {
    pub label: String,
    pub tags: Vec<String>,
    pub disabled: bool,
    pub inbound: Vec<RuleModel>,
    pub inbound_policy: FirewallAction,
    pub outbound: Vec<RuleModel>,
    pub outbound_policy: FirewallAction,
    pub linodes: Vec<i64>,
    pub nodebalancers: Vec<i64>,
    pub interfaces: Vec<i64>,
    pub devices: Vec<DeviceModel>,
    pub status: String,
    pub created: String,
    pub updated: String,
}

impl FirewallView {
    /// The view of `fw` from its `entities` alone (a listing of firewalls carries no device ids,
    /// so `devices[*].id` is null).
    pub fn from_listing(fw: &Firewall) -> FirewallView {
        let devices: Vec<FirewallDevice> = fw
            .entities
            .iter()
            .map(|e| FirewallDevice {
                entity: e.clone(),
                ..Default::default()
            })
            .collect();
        let mut view = FirewallView::new(fw, &devices);
        view.devices.iter_mut().for_each(|d| d.id = None);
        view
    }

    /// The view of `fw` with its `devices`.
    pub fn new(fw: &Firewall, devices: &[FirewallDevice]) -> FirewallView {
        FirewallView {
            label: fw.label.clone(),
            tags: fw.tags.clone(),
            disabled: fw.status.as_str() == "disabled",
            inbound: fw.rules.inbound.iter().map(RuleModel::from_api).collect(),
            inbound_policy: fw.rules.inbound_policy.clone(),
            outbound: fw.rules.outbound.iter().map(RuleModel::from_api).collect(),
            outbound_policy: fw.rules.outbound_policy.clone(),
            linodes: entity_ids(devices, &FirewallDeviceType::Linode),
            nodebalancers: entity_ids(devices, &FirewallDeviceType::NodeBalancer),
            interfaces: entity_ids(devices, &FirewallDeviceType::LinodeInterface),
            devices: devices.iter().map(DeviceModel::from_api).collect(),
            status: fw.status.as_str().to_string(),
            created: crate::common::api_time(&fw.created),
            updated: crate::common::api_time(&fw.updated),
        }
    }
}

/// The schema of a rule block (`inbound`, `outbound`).
pub(crate) fn rule_schema(direction: &str) -> Schema {
    let family = |v6: bool| {
        let name = if v6 { "IPv6" } else { "IPv4" };
        Attribute::list(Type::String)
            .optional()
            .validate(validators::size_between(1, 255))
            .validate(addresses_validator(v6))
            .semantic_equality(same_addresses)
            .description(format!(
                "{name} addresses or networks the rule matches, e.g. `{}`.",
                if v6 { "::/0" } else { "0.0.0.0/0" }
            ))
    };
    Schema::new()
        .description(format!("An {direction} rule. Rules apply in the order written; the first match decides."))
        .attr(
            "label",
            Attribute::string()
                .required()
                .validate(validators::length_between(3, 32))
                .description("The rule's label (3-32 characters)."),
        )
        .attr(
            "action",
            Attribute::string().required().one_of(FirewallAction::VALUES).description("`ACCEPT` or `DROP`."),
        )
        .attr(
            "protocol",
            Attribute::string()
                .required()
                .one_of(FirewallProtocol::VALUES)
                .description("`TCP`, `UDP`, `ICMP` or `IPENCAP`."),
        )
        .attr(
            "description",
            Attribute::string()
                .optional()
                .computed()
                .default("")
                .validate(validators::length_between(0, 100))
                .description("A description of the rule (at most 100 characters)."),
        )
        .attr(
            "ports",
            Attribute::string()
                .optional()
                .validate(ports_validator())
                .semantic_equality(tfplugin::equality::normalized(normalize_ports))
                .description(
                    "Ports for TCP and UDP, e.g. `22, 80, 8000-8080` (at most 15 pieces, a range counting two); \
                     unset matches every port. Not allowed for ICMP and IPENCAP.",
                ),
        )
        .attr("ipv4", family(false))
        .attr("ipv6", family(true))
}

/// Validator: a list of IPv4 (or IPv6) addresses or networks.
fn addresses_validator(v6: bool) -> impl validators::Validator {
    let family = if v6 { "IPv6" } else { "IPv4" };
    validators::from_fn(
        format!("each element must be an {family} address or network"),
        move |v| {
            for s in v
                .as_elements()
                .unwrap_or_default()
                .iter()
                .filter_map(Value::as_str)
            {
                if normalize_address(s, v6).is_none() {
                    let example = if v6 {
                        "2001:db8::/32"
                    } else {
                        "203.0.113.0/24"
                    };
                    return Err(format!(
                        "{s:?} is not an {family} address or network (e.g. {example})."
                    ));
                }
            }
            Ok(())
        },
    )
}

/// An address or network in the API's canonical form (`192.0.2.1` → `192.0.2.1/32`).
fn normalize_address(s: &str, v6: bool) -> Option<String> {
    let s = s.trim();
    if v6 {
        s.parse::<ipnet::Ipv6Net>()
            .ok()
            .or_else(|| {
                s.parse::<std::net::Ipv6Addr>()
                    .ok()
                    .map(ipnet::Ipv6Net::from)
            })
            .map(|n| n.to_string())
    } else {
        s.parse::<ipnet::Ipv4Net>()
            .ok()
            .or_else(|| {
                s.parse::<std::net::Ipv4Addr>()
                    .ok()
                    .map(ipnet::Ipv4Net::from)
            })
            .map(|n| n.to_string())
    }
}

/// Address lists equal once each element is in canonical form (order kept).
fn same_addresses(a: &Value, b: &Value) -> bool {
    let canonical = |v: &Value| -> Option<Vec<String>> {
        v.as_elements()?
            .iter()
            .map(|e| {
                e.as_str()
                    .map(|s| normalize_address(s, s.contains(':')).unwrap_or_else(|| s.to_string()))
            })
            .collect()
    };
    match (canonical(a), canonical(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// Ports as the API writes them: pieces separated by `, `.
fn normalize_ports(p: &str) -> String {
    p.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What is wrong with a port string, following Linode's rules.
pub(crate) fn ports_problem(ports: &str) -> Option<String> {
    let mut pieces = 0;
    for piece in ports.split(',').map(str::trim) {
        let port = |s: &str| {
            s.trim()
                .parse::<u32>()
                .ok()
                .filter(|p| (1..=65535).contains(p))
        };
        match piece.split_once('-') {
            _ if piece.is_empty() => return Some(format!("{ports:?} has an empty port.")),
            Some((a, b)) => match (port(a), port(b)) {
                (Some(a), Some(b)) if a < b => pieces += 2,
                (Some(_), Some(_)) => {
                    return Some(format!(
                        "In {piece:?} the range must go from the lower port to the higher."
                    ));
                }
                _ => return Some(format!("{piece:?} is not a port range of ports 1-65535.")),
            },
            None if port(piece).is_some() => pieces += 1,
            None => return Some(format!("{piece:?} is not a port (1-65535).")),
        }
    }
    (pieces > MAX_PORT_PIECES)
        .then(|| format!("{ports:?} has {pieces} port pieces; at most {MAX_PORT_PIECES} are allowed (a range counts two)."))
}

fn ports_validator() -> impl validators::Validator {
    validators::from_fn(
        "ports and port ranges (1-65535), at most 15 pieces",
        |v| match v.as_str() {
            Some(p) => ports_problem(p).map_or(Ok(()), Err),
            None => Ok(()),
        },
    )
}

/// Checks across the attributes of each rule: at most 25 per direction, an address family in
/// each, no ports for ICMP and IPENCAP.
pub(crate) fn check_rules(direction: &str, rules: &[RuleModel], diags: &mut Diagnostics) {
    if rules.len() > MAX_RULES {
        diags.error_at(
            direction,
            "Too many firewall rules",
            format!(
                "A firewall can have at most {MAX_RULES} {direction} rules; {} are configured.",
                rules.len()
            ),
        );
    }
    for (i, r) in rules.iter().enumerate() {
        let at = |name: &str| AttributePath::new(direction).index(i as i64).attr(name);
        if r.ipv4.is_null() && r.ipv6.is_null() {
            diags.error_at(
                at("ipv4"),
                "Missing rule addresses",
                format!("The {direction} rule needs `ipv4`, `ipv6` or both (e.g. `ipv4 = [\"0.0.0.0/0\"]`)."),
            );
        }
        if let (Some(p @ (FirewallProtocol::Icmp | FirewallProtocol::Ipencap)), Some(_)) =
            (r.protocol.get(), r.ports.get())
        {
            diags.error_at(
                at("ports"),
                "Ports not allowed",
                format!(
                    "Ports are not allowed for {} rules; remove `ports`.",
                    p.as_str()
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_follow_linode_rules() {
        assert_eq!(ports_problem("22"), None);
        assert_eq!(ports_problem("22, 80-90,443"), None);
        assert!(ports_problem("0").is_some());
        assert!(ports_problem("65536").is_some());
        assert!(ports_problem("90-80").unwrap().contains("lower port"));
        assert!(ports_problem("22,,80").is_some());
        assert!(ports_problem("http").is_some());
        let sixteen = (1..=16)
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(",");
        assert!(ports_problem(&sixteen).unwrap().contains("at most 15"));
        assert_eq!(normalize_ports("22,80-90 ,443"), "22, 80-90, 443");
    }

    #[test]
    fn addresses_compare_in_canonical_form() {
        let list = |items: &[&str]| Value::list(items.iter().map(|s| Value::from(*s)));
        assert!(same_addresses(
            &list(&["192.0.2.1", "::1"]),
            &list(&["192.0.2.1/32", "::1/128"])
        ));
        assert!(
            !same_addresses(
                &list(&["192.0.2.1", "192.0.2.2"]),
                &list(&["192.0.2.2/32", "192.0.2.1/32"])
            ),
            "order is kept"
        );
        assert_eq!(
            normalize_address("10.0.0.0/8", false).as_deref(),
            Some("10.0.0.0/8")
        );
        assert_eq!(normalize_address("10.0.0.256", false), None);
        assert_eq!(
            normalize_address("2001:db8::/32", true).as_deref(),
            Some("2001:db8::/32")
        );
    }

    #[test]
    fn rules_round_trip_through_the_api_form() {
        let rule = RuleModel {
            label: Val::Known("web".into()),
            action: Val::Known(FirewallAction::Accept),
            protocol: Val::Known(FirewallProtocol::Tcp),
            description: Val::Known(String::new()),
            ports: Val::Known("80, 443".into()),
            ipv4: Val::Known(vec!["0.0.0.0/0".into()]),
            ipv6: Val::Null,
        };
        let api = rule.to_api();
        assert_eq!(api.description, None, "an empty description is not sent");
        assert!(api.addresses.ipv6.is_empty());
        assert_eq!(RuleModel::from_api(&api), rule);
    }
}
