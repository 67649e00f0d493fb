#![no_main]
//! linode-mock: see linode_fuzz::mock::mock_rest_body.

libfuzzer_sys::fuzz_target!(|data: &[u8]| linode_fuzz::mock::mock_rest_body(data));
