//! LKE data sources, one file each: `linode_lke_cluster`, `linode_lke_clusters`,
//! `linode_lke_node_pool`, `linode_lke_types`, `linode_lke_version(s)`.

use tfplugin::Type;
use tfplugin::schema::Attribute;

pub(crate) mod cluster;
pub(crate) mod clusters;
pub(crate) mod node_pool;
pub(crate) mod types;
pub(crate) mod versions;

pub(crate) fn computed(ty: Type, description: &str) -> Attribute {
    Attribute::of(ty).computed().description(description)
}
