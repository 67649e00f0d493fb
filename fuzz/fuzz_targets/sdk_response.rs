#![no_main]
//! linode-sdk: see linode_fuzz::sdk::sdk_response.

libfuzzer_sys::fuzz_target!(|data: &[u8]| linode_fuzz::sdk::sdk_response(data));
