//! NodeBalancer data sources, one file each: `linode_nodebalancer`, `linode_nodebalancers`,
//! `linode_nodebalancer_config`, `linode_nodebalancer_configs`, `linode_nodebalancer_node`,
//! `linode_nodebalancer_vpc`, `linode_nodebalancer_vpcs` and `linode_nb_types`.

pub(crate) mod nb_types;
pub(crate) mod nodebalancer;
pub(crate) mod nodebalancer_config;
pub(crate) mod nodebalancer_configs;
pub(crate) mod nodebalancer_node;
pub(crate) mod nodebalancer_vpc;
pub(crate) mod nodebalancer_vpcs;
pub(crate) mod nodebalancers;

use futures::TryStreamExt;
use futures::stream::BoxStream;
use tfplugin::Diagnostics;

use crate::common;

/// A positive id from a required number attribute, or an error on `attr`.
pub(crate) fn required_id(
    value: &tfplugin::Val<i64>,
    attr: &str,
    diags: &mut Diagnostics,
) -> Option<u64> {
    let id = super::api_id(value);
    if id.is_none() {
        diags.error_at(
            attr,
            format!("Invalid {attr}"),
            format!("{attr} must be a positive number."),
        );
    }
    id
}

/// Every item of a listing under NodeBalancer `nb` (its configs, its VPC configurations), or an
/// error: on `nodebalancer_id` when the NodeBalancer does not exist.
pub(crate) async fn list_under<T>(
    listing: BoxStream<'static, linode_sdk::Result<T>>,
    nb: u64,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<Vec<T>> {
    match listing.try_collect().await {
        Ok(items) => Some(items),
        Err(e) if e.is_not_found() => {
            diags.error_at(
                "nodebalancer_id",
                "NodeBalancer not found",
                format!("No NodeBalancer {nb}."),
            );
            None
        }
        Err(e) => {
            common::api_error_plain(
                diags,
                &format!("Unable to list the {what} of NodeBalancer {nb}"),
                &e,
            );
            None
        }
    }
}
