//! NodeBalancer data sources, one file each.

pub(crate) mod nodebalancer;
pub(crate) mod nodebalancer_config;
