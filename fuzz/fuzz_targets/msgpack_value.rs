#![no_main]
//! tfplugin: see tfplugin::testing::fuzz::msgpack_value.

libfuzzer_sys::fuzz_target!(|data: &[u8]| tfplugin::testing::fuzz::msgpack_value(data));
