//! NodeBalancers: linode_nodebalancer, linode_nodebalancer_config, linode_nodebalancer_node and their data sources.
//!
//! Reads of configs and nodes go through the per-process listing caches in
//! [`LinodeState`](crate::LinodeState): one paginated listing per NodeBalancer (configs) or per
//! config (nodes) serves every read of a refresh; writes invalidate the affected listings.

use std::sync::Arc;

use tfplugin::{DataSource, Resource};

mod nodebalancer;
mod config;
mod data_sources;
mod node;

pub use nodebalancer::NodeBalancerResource;
pub use config::NodeBalancerConfigResource;
pub use data_sources::nodebalancer::NodeBalancerDataSource;
pub use data_sources::nodebalancer_config::NodeBalancerConfigDataSource;
pub use node::NodeBalancerNodeResource;

/// This family's resources.
pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![Arc::new(NodeBalancerResource), Arc::new(NodeBalancerConfigResource), Arc::new(NodeBalancerNodeResource)]
}

/// This family's data sources.
pub fn data_sources() -> Vec<Arc<dyn DataSource>> {
    vec![Arc::new(NodeBalancerDataSource), Arc::new(NodeBalancerConfigDataSource)]
}
