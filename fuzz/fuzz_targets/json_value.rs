#![no_main]
//! tfplugin: see tfplugin::testing::fuzz::json_value.

libfuzzer_sys::fuzz_target!(|data: &[u8]| tfplugin::testing::fuzz::json_value(data));
