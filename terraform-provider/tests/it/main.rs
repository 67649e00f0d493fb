//! Provider tests: every resource driven through tfplugin's in-process harness (the same RPC code
//! Terraform talks to) against an in-process linode-mock. No Terraform binary, no Linode account.

mod support;

mod catalog;
mod dns;
mod docs;
mod lke;
mod nodebalancer;
mod object_storage;
mod provider;
mod secrets;
