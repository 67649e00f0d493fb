//! Fuzz entry points for linode-sdk and linode-mock. `sdk.rs` and `mock.rs` are also compiled
//! into those crates' corpus replay tests (`#[path]`), so the normal suite runs the same checks
//! on every saved input.

pub mod mock;
pub mod sdk;
