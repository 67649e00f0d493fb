//! Acceptance-test harness: real Terraform CLIs driving `terraform-provider-linode` against the
//! `linode-mock` emulator, both run as the binaries users run.
//!
//! The binaries come from the workspace's `target/debug` (the README's test command builds them
//! before the tests run); Terraform CLIs come from `PATH` and from the tools folder that
//! `scripts/setup-tools.sh` fills.

pub mod mock;
pub mod paths;
pub mod terraform;

pub use mock::Mock;
pub use terraform::{Cli, Workdir};
