//! Integration tests of linode-sdk against wiremock (one test binary, modules per area).

mod client;
mod common;
mod domains;
mod firewalls;
mod lke;
mod network_transfer;
mod nodebalancers;
mod object_storage;
mod pagination;
mod regions;
mod retry;
#[cfg(feature = "s3")]
mod s3;
mod spec_examples;
mod vpcs;
