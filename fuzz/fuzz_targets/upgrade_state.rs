#![no_main]
//! tfplugin: see tfplugin::testing::fuzz::upgrade_state.

libfuzzer_sys::fuzz_target!(|data: &[u8]| tfplugin::testing::fuzz::upgrade_state(data));
