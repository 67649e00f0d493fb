//! The domain data sources, one file each.

pub(crate) mod domain;
pub(crate) mod domain_record;
pub(crate) mod domain_zonefile;
pub(crate) mod domains;
