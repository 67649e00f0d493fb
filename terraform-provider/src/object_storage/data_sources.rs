//! The Object Storage data sources, one file each.

pub(crate) mod bucket;
pub(crate) mod cluster;
pub(crate) mod endpoints;
pub(crate) mod quota;
pub(crate) mod quotas;
