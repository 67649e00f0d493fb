//! LKE: linode_lke_cluster, linode_lke_node_pool and the LKE data sources.

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
