//! VPCs: linode_vpc, linode_vpc_subnet and the VPC data sources.
//!
//! Shared here: the checks of labels and subnet ranges (done at plan time with Linode's rules,
//! including "no overlap with another subnet of the VPC"), and the subnet's computed parts
//! (Linodes, NodeBalancers and databases using it) as every view shows them.

mod data_sources;
mod subnet;
mod vpc;

use std::sync::Arc;

use futures::TryStreamExt;
use ipnet::Ipv4Net;
use linode_sdk::ListParams;
use linode_sdk::models::vpcs::{VpcRange, VpcSubnet};
use serde::{Deserialize, Serialize};
use tfplugin::validators::{self, DataValidator, PlanCheck};
use tfplugin::{DataSource, Diagnostics, Resource, Type, Value, async_trait, typed};

use crate::{LinodeState, common};

/// This family's resources.
pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![
        typed::resource(vpc::VpcResource),
        typed::resource(subnet::SubnetResource),
    ]
}

/// This family's data sources.
pub fn data_sources() -> Vec<Arc<dyn DataSource>> {
    vec![
        typed::data_source(data_sources::vpc::VpcDataSource),
        typed::data_source(data_sources::vpcs::VpcsDataSource),
        typed::data_source(data_sources::subnet::SubnetDataSource),
        typed::data_source(data_sources::subnets::SubnetsDataSource),
        typed::data_source(data_sources::ips::IpsDataSource),
    ]
}

/// Validator: a VPC or subnet label (1-64 ASCII letters, digits, `-` and `_`, no `--`).
pub(crate) fn label_validator() -> impl validators::Validator {
    validators::from_fn("1-64 ASCII letters, digits, dashes and underscores", |v| {
        let Some(label) = v.as_str() else {
            return Ok(());
        };
        if !(1..=64).contains(&label.chars().count()) {
            return Err(format!("{label:?} must be 1-64 characters long."));
        }
        if !label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            || label.contains("--")
        {
            return Err(format!(
                "{label:?} may only use ASCII letters, digits, dashes and underscores (no `--`)."
            ));
        }
        Ok(())
    })
}

/// The private ranges (RFC 1918) subnets must be in.
const PRIVATE: [&str; 3] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];
/// The range Linode keeps for itself.
const RESERVED: &str = "192.168.128.0/17";

/// Whether two networks share an address.
fn overlaps(a: &Ipv4Net, b: &Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// What is wrong with a subnet range, following Linode's rules (without the overlap check).
pub(crate) fn range_problem(ipv4: &str) -> Option<String> {
    let Ok(range) = ipv4.parse::<Ipv4Net>() else {
        return Some(format!(
            "{ipv4:?} is not an IPv4 range in CIDR form, e.g. 10.0.0.0/24."
        ));
    };
    let net = |s: &str| s.parse::<Ipv4Net>().unwrap_or_default();
    if range.trunc() != range {
        Some(format!(
            "{ipv4:?} is not in canonical form: use {}.",
            range.trunc()
        ))
    } else if !(1..=29).contains(&range.prefix_len()) {
        Some(format!(
            "{ipv4:?}: the prefix length must be between 1 and 29."
        ))
    } else if !PRIVATE.iter().any(|p| net(p).contains(&range)) {
        Some(format!(
            "{ipv4:?} is not a private range (RFC 1918: {}).",
            PRIVATE.join(", ")
        ))
    } else if overlaps(&range, &net(RESERVED)) {
        Some(format!(
            "{ipv4:?} overlaps {RESERVED}, which Linode reserves."
        ))
    } else {
        None
    }
}

/// Validator: a subnet range Linode accepts.
pub(crate) fn range_validator() -> impl validators::Validator {
    validators::from_fn(
        "a private IPv4 range in CIDR form, prefix /1 to /29",
        |v| match v.as_str() {
            Some(r) => range_problem(r).map_or(Ok(()), Err),
            None => Ok(()),
        },
    )
}

/// Plan-time check of a subnet's `ipv4`: it overlaps no other subnet of its VPC (`vpc_id` of
/// the configuration).
pub(crate) struct NoOverlap;

#[async_trait]
impl DataValidator<LinodeState> for NoOverlap {
    fn description(&self) -> String {
        "must not overlap another subnet of the VPC".into()
    }

    async fn validate(&self, state: &LinodeState, check: PlanCheck<'_>, diags: &mut Diagnostics) {
        let (Some(ipv4), Some(vpc_id)) = (
            check.value.as_str(),
            check
                .config
                .get("vpc_id")
                .and_then(Value::as_i64)
                .and_then(|v| u64::try_from(v).ok()),
        ) else {
            return;
        };
        let Ok(range) = ipv4.parse::<Ipv4Net>() else {
            return;
        };
        let own = check
            .prior
            .get("id")
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<u64>().ok());
        let subnets = match list_subnets(state, vpc_id).await {
            Ok(s) => s,
            Err(e) if e.is_not_found() => {
                return diags.error_at(
                    "vpc_id",
                    "Unknown VPC",
                    format!("VPC {vpc_id} does not exist."),
                );
            }
            Err(e) => {
                return common::api_error_plain(
                    diags,
                    "Unable to list the VPC's subnets for validation",
                    &e,
                );
            }
        };
        let clash = subnets.iter().filter(|s| Some(s.id) != own).find(|s| {
            s.ipv4
                .parse::<Ipv4Net>()
                .is_ok_and(|other| overlaps(&range, &other))
        });
        if let Some(other) = clash {
            diags.error_at(
                check.path.clone(),
                "Overlapping subnet range",
                format!("{ipv4} overlaps subnet {:?} ({}) of VPC {vpc_id}; subnets of a VPC cannot overlap.", other.label, other.ipv4),
            );
        }
    }
}

/// Every subnet of a VPC (one paginated listing).
pub(crate) async fn list_subnets(
    state: &LinodeState,
    vpc_id: u64,
) -> Result<Vec<VpcSubnet>, linode_sdk::Error> {
    state
        .client
        .vpcs()
        .list_all_subnets(vpc_id, ListParams::new().page_size(500))
        .try_collect()
        .await
}

/// `{range}`, as IPv6 ranges are shown.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub(crate) struct RangeModel {
    pub range: String,
}

impl From<&VpcRange> for RangeModel {
    fn from(r: &VpcRange) -> RangeModel {
        RangeModel {
            range: r.range.clone(),
        }
    }
}

/// An interface of a Linode in a subnet.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub(crate) struct InterfaceModel {
    id: i64,
    config_id: Option<i64>,
    active: bool,
}

/// A Linode in a subnet.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub(crate) struct SubnetLinodeModel {
    id: i64,
    interfaces: Vec<InterfaceModel>,
}

/// A NodeBalancer or database using a subnet.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub(crate) struct SubnetUserModel {
    id: i64,
    ipv4_range: Option<String>,
    ipv6_ranges: Vec<RangeModel>,
}

/// What every view of a subnet shows.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub(crate) struct SubnetView {
    pub id: u64,
    pub label: String,
    pub ipv4: Option<String>,
    pub ipv6: Vec<RangeModel>,
    pub linodes: Vec<SubnetLinodeModel>,
    pub databases: Vec<SubnetUserModel>,
    pub nodebalancers: Vec<SubnetUserModel>,
    pub created: String,
    pub updated: String,
}

impl From<&VpcSubnet> for SubnetView {
    fn from(s: &VpcSubnet) -> SubnetView {
        SubnetView {
            id: s.id,
            label: s.label.clone(),
            ipv4: Some(s.ipv4.clone()).filter(|r| !r.is_empty()),
            ipv6: s.ipv6.iter().map(RangeModel::from).collect(),
            linodes: s
                .linodes
                .iter()
                .map(|l| SubnetLinodeModel {
                    id: l.id as i64,
                    interfaces: l
                        .interfaces
                        .iter()
                        .map(|i| InterfaceModel {
                            id: i.id as i64,
                            config_id: i.config_id.map(|c| c as i64),
                            active: i.active,
                        })
                        .collect(),
                })
                .collect(),
            databases: s
                .databases
                .iter()
                .map(|d| SubnetUserModel {
                    id: d.id as i64,
                    ipv4_range: d.ipv4_range.clone(),
                    ipv6_ranges: vec![],
                })
                .collect(),
            nodebalancers: s
                .nodebalancers
                .iter()
                .map(|n| SubnetUserModel {
                    id: n.id as i64,
                    ipv4_range: Some(n.ipv4_range.clone()),
                    ipv6_ranges: n.ipv6_ranges.iter().map(RangeModel::from).collect(),
                })
                .collect(),
            created: common::api_time(&s.created),
            updated: common::api_time(s.updated.as_deref().unwrap_or(&s.created)),
        }
    }
}

/// The type of a subnet's `linodes`.
pub(crate) fn linodes_type() -> Type {
    Type::list(Type::object([
        ("id", Type::Number),
        (
            "interfaces",
            Type::list(Type::object([
                ("id", Type::Number),
                ("config_id", Type::Number),
                ("active", Type::Bool),
            ])),
        ),
    ]))
}

/// The type of a subnet's `databases` and `nodebalancers`.
pub(crate) fn users_type() -> Type {
    Type::list(Type::object([
        ("id", Type::Number),
        ("ipv4_range", Type::String),
        (
            "ipv6_ranges",
            Type::list(Type::object([("range", Type::String)])),
        ),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::validators::Validator;

    #[test]
    fn ranges_follow_linode_rules() {
        assert_eq!(range_problem("10.0.0.0/24"), None);
        assert_eq!(range_problem("192.168.0.0/24"), None);
        assert!(
            range_problem("10.0.0.1/24")
                .unwrap()
                .contains("10.0.0.0/24")
        );
        assert!(
            range_problem("10.0.0.0/30")
                .unwrap()
                .contains("between 1 and 29")
        );
        assert!(range_problem("8.8.8.0/24").unwrap().contains("private"));
        assert!(
            range_problem("192.168.200.0/24")
                .unwrap()
                .contains("192.168.128.0/17")
        );
        assert!(range_problem("10.0.0.0").is_some());
        let a: Ipv4Net = "10.0.0.0/16".parse().unwrap();
        assert!(overlaps(&a, &"10.0.5.0/24".parse().unwrap()));
        assert!(!overlaps(&a, &"10.1.0.0/24".parse().unwrap()));
    }

    #[test]
    fn labels_allow_letters_digits_dashes_and_underscores() {
        let check = |s: &str| {
            let mut diags = Diagnostics::new();
            label_validator().validate(
                &Value::from(s),
                &tfplugin::AttributePath::new("label"),
                &Value::Null,
                &mut diags,
            );
            diags.has_errors()
        };
        assert!(!check("app_vpc-1"));
        assert!(check("app vpc"));
        assert!(check("a--b"));
        assert!(check(""));
    }
}
