#![no_main]
//! linode-sdk: see linode_fuzz::sdk::bundle_yaml.

libfuzzer_sys::fuzz_target!(|data: &[u8]| linode_fuzz::sdk::bundle_yaml(data));
