//! DNS: linode_domain, linode_domain_record and their data sources.

use std::sync::Arc;

use tfplugin::{DataSource, Resource};

mod domain;
mod domain_data;
mod domain_record;
mod domain_record_data;
mod rules;

pub use domain::DomainResource;
pub use domain_data::DomainDataSource;
pub use domain_record::DomainRecordResource;
pub use domain_record_data::DomainRecordDataSource;

/// This family's resources.
pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![Arc::new(DomainResource), Arc::new(DomainRecordResource)]
}

/// This family's data sources.
pub fn data_sources() -> Vec<Arc<dyn DataSource>> {
    vec![Arc::new(DomainDataSource), Arc::new(DomainRecordDataSource)]
}
