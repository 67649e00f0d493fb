#![no_main]
//! linode-mock: see linode_fuzz::mock::mock_filter.

libfuzzer_sys::fuzz_target!(|data: &[u8]| linode_fuzz::mock::mock_filter(data));
