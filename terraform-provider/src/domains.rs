//! Domains (DNS): linode_domain, linode_domain_record and their data sources, on tfplugin's typed
//! layer. The API's own forms of declared values (rounded timings, names relative to the zone,
//! qualified targets, ...) are semantic equalities declared on the attributes (the `rules` module).

use std::sync::Arc;

use tfplugin::{DataSource, Resource, typed};

mod data_sources;
mod domain;
mod domain_record;
mod rules;

/// This family's resources.
pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![
        typed::resource(domain::DomainResource),
        typed::resource(domain_record::DomainRecordResource),
    ]
}

/// This family's data sources.
pub fn data_sources() -> Vec<Arc<dyn DataSource>> {
    vec![
        typed::data_source(data_sources::domain::DomainDataSource),
        typed::data_source(data_sources::domain_record::DomainRecordDataSource),
        typed::data_source(data_sources::domain_zonefile::DomainZonefileDataSource),
        typed::data_source(data_sources::domains::DomainsDataSource),
    ]
}
