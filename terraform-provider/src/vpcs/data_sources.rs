//! The VPC data sources, one file each.

pub(crate) mod ips;
pub(crate) mod subnet;
pub(crate) mod subnets;
pub(crate) mod vpc;
pub(crate) mod vpcs;
