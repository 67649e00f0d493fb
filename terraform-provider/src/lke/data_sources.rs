//! LKE data sources, one file each: `linode_lke_cluster`, `linode_lke_versions`,
//! `linode_lke_types`.

use tfplugin::Type;
use tfplugin::schema::Attribute;

pub(crate) mod cluster;
pub(crate) mod types;
pub(crate) mod versions;

pub(crate) fn computed(ty: Type, description: &str) -> Attribute {
    Attribute::of(ty).computed().description(description)
}
