//! The region data sources.

pub(crate) mod regions;
