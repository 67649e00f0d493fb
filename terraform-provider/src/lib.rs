//! `terraform-provider-linode`: the Linode provider for Terraform, on [`tfplugin`] and
//! [`linode_sdk`].
//!
//! Resource types and attributes follow the official `linode/linode` provider, so existing
//! configurations move over by changing only `required_providers`. Each resource family lives in
//! its own module, one file per resource or data source, with its schema and model beside it.

pub mod catalog;
pub mod common;
pub mod dns;
pub mod lke;
pub mod nodebalancer;
pub mod object_storage;
pub mod provider;
pub mod secrets;

pub use provider::{LinodeProvider, LinodeState};

/// The provider's source address (what `required_providers` names).
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/linode-rs/linode";
