//! The region data sources, one file each.

pub(crate) mod region;
pub(crate) mod regions;
