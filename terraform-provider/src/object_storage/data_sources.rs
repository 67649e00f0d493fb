//! The Object Storage data sources.

pub(crate) mod bucket;
pub(crate) mod endpoints;
