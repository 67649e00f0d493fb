//! The fuzz corpus and every saved crash replayed through the entry points the cargo-fuzz
//! targets call (`tfplugin::testing::fuzz`; scripts/fuzz.sh runs the fuzzers).

#[path = "../../../fuzz/replay.rs"]
mod replay;

use replay::replay;

#[test]
fn msgpack_value_corpus() {
    replay("msgpack_value", tfplugin::testing::fuzz::msgpack_value);
}

#[test]
fn json_value_corpus() {
    replay("json_value", tfplugin::testing::fuzz::json_value);
}

#[test]
fn dynamic_value_corpus() {
    replay("dynamic_value", tfplugin::testing::fuzz::dynamic_value);
}

#[test]
fn upgrade_state_corpus() {
    replay("upgrade_state", tfplugin::testing::fuzz::upgrade_state);
}
