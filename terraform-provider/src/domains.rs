//! Domains (DNS): linode_domain, linode_domain_record and their data sources.

use std::sync::Arc;

use tfplugin::{DataSource, Resource};

mod data_sources;
mod domain;
mod domain_record;
mod rules;

pub use domain::DomainResource;
pub use data_sources::domain::DomainDataSource;
pub use domain_record::DomainRecordResource;
pub use data_sources::domain_record::DomainRecordDataSource;

/// This family's resources.
pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![Arc::new(DomainResource), Arc::new(DomainRecordResource)]
}

/// This family's data sources.
pub fn data_sources() -> Vec<Arc<dyn DataSource>> {
    vec![Arc::new(DomainDataSource), Arc::new(DomainRecordDataSource)]
}
