//! Secrets: the `linode_secret` resource (write-only value), metadata and bundle data sources,
//! the SealedSecret data source and the `linode_secret` ephemeral resource.

use std::sync::Arc;

use tfplugin::{DataSource, EphemeralResource, Resource};

/// This family's resources.
pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![]
}

/// This family's data sources.
pub fn data_sources() -> Vec<Arc<dyn DataSource>> {
    vec![]
}

/// This family's ephemeral resources.
pub fn ephemeral_resources() -> Vec<Arc<dyn EphemeralResource>> {
    vec![]
}
