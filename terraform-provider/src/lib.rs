//! `terraform-provider-linode`: the Linode provider for Terraform, on [`tfplugin`] and
//! [`linode_sdk`].
//!
//! Resource types and attributes follow the official `linode/linode` provider, so existing
//! configurations move over by changing only `required_providers`. Each resource family lives in
//! its own module named with the SDK's noun (`domains`, `lke`, `nodebalancers`, `object_storage`,
//! `regions`, `secrets`): one file per resource at the family's root, one file per data source in
//! its `data_sources/` folder, named after the type without the family prefix.

pub mod common;
pub mod domains;
pub mod firewalls;
pub mod lke;
pub mod nodebalancers;
pub mod object_storage;
pub mod provider;
pub mod regions;
pub mod secrets;
pub mod vpcs;

pub use provider::{LinodeProvider, LinodeState};

/// The provider's source address (what `required_providers` names).
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/linode-rs/linode";
