//! NodeBalancers: `linode_nodebalancer`, `linode_nodebalancer_config`, `linode_nodebalancer_node`
//! and their data sources, on tfplugin's typed layer.
//!
//! Reads of configs and nodes go through the per-process listing caches in
//! [`LinodeState`](crate::LinodeState): one paginated listing per NodeBalancer (configs) or per
//! config (nodes) serves every read of a refresh; writes invalidate the affected listings.
//! Resources return what the API says; where the API answers in another form than the one
//! configured (tags in another case, secrets withheld, request-only fields) the attribute
//! declares a semantic equality instead.

use std::sync::Arc;

use tfplugin::equality::Equality;
use tfplugin::{DataSource, Resource, Value, typed};

mod config;
mod data_sources;
mod node;
mod nodebalancer;

/// This family's resources.
pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![
        typed::resource(nodebalancer::NodeBalancerResource),
        typed::resource(config::ConfigResource),
        typed::resource(node::NodeResource),
    ]
}

/// This family's data sources.
pub fn data_sources() -> Vec<Arc<dyn DataSource>> {
    use data_sources::*;
    vec![
        typed::data_source(nodebalancer::NodeBalancerDataSource),
        typed::data_source(nodebalancers::NodeBalancersDataSource),
        typed::data_source(nodebalancer_config::ConfigDataSource),
        typed::data_source(nodebalancer_configs::ConfigsDataSource),
        typed::data_source(nodebalancer_node::NodeDataSource),
        typed::data_source(nodebalancer_vpc::VpcDataSource),
        typed::data_source(nodebalancer_vpcs::VpcsDataSource),
        typed::data_source(nb_types::TypesDataSource),
    ]
}

/// For values the API accepts but never answers (a firewall attached at creation, a secret it
/// withholds): a read that finds nothing (null) equals any earlier value, so the configured value
/// stays in state; values that are both present compare equal up to surrounding whitespace
/// (PEM text the API may reformat).
pub(crate) fn not_echoed() -> impl Equality + Clone {
    |earlier: &Value, read: &Value| match (earlier.as_str(), read.as_str()) {
        (Some(a), Some(b)) => a.trim() == b.trim(),
        _ => read.is_null(),
    }
}

/// A positive number attribute as an API id, `None` when it is not one.
pub(crate) fn api_id(v: &tfplugin::Val<i64>) -> Option<u64> {
    v.get()
        .and_then(|n| u64::try_from(*n).ok())
        .filter(|n| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_echoed_keeps_earlier_values_only_when_the_api_answers_nothing() {
        let eq = not_echoed();
        assert!(
            eq(&Value::from(12), &Value::Null),
            "a firewall id the API does not echo"
        );
        assert!(
            eq(&Value::from("KEY\n"), &Value::from("KEY")),
            "whitespace around PEM text"
        );
        assert!(!eq(&Value::from("KEY"), &Value::from("OTHER")));
        assert!(!eq(&Value::from(12), &Value::from(13)));
    }
}
