//! Object Storage: buckets, keys, objects and their data sources.

use std::sync::Arc;

use tfplugin::{DataSource, Resource};

/// This family's resources.
pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![]
}

/// This family's data sources.
pub fn data_sources() -> Vec<Arc<dyn DataSource>> {
    vec![]
}
