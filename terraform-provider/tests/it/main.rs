//! Provider tests: every resource driven through tfplugin's in-process harness (the same RPC code
//! Terraform talks to) against an in-process linode-mock. No Terraform binary, no Linode account.

mod support;

mod adoption;
mod docs;
mod domains;
mod firewalls;
mod lke;
mod nodebalancers;
mod object_storage;
mod object_storage_data;
mod provider;
mod regions;
mod secrets;
mod vpcs;
