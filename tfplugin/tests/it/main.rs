//! Integration tests: the in-process harness, the plugin binary's handshake and mTLS, and the
//! real Terraform CLI.
mod debug;
mod fuzz_corpus;
mod harness;
mod mtls;
mod terraform;
#[allow(dead_code)]
mod support;
