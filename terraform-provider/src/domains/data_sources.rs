//! The domain data sources.

pub(crate) mod domain;
pub(crate) mod domain_record;
