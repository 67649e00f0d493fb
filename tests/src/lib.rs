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

/// What the platform declares, per emulator collection (temporary S3 keys must be gone).
pub fn platform_expected_counts() -> std::collections::BTreeMap<String, usize> {
    [
        ("clusters", 1),
        ("pools", 2),
        ("nodebalancers", 1),
        ("nb_configs", 2),
        ("nb_nodes", 0),
        ("domains", 1),
        ("records", 9),
        ("buckets", 4),
        ("obj_keys", 1),
        ("firewalls", 2),
        // The ingress NodeBalancer, and the 3 + 2 nodes of the two pools (attached by LKE).
        ("fw_devices", 6),
        ("vpcs", 0),
        ("subnets", 0),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}
