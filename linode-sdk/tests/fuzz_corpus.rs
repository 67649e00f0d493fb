//! The fuzz corpus and every saved crash replayed through the cargo-fuzz targets' own entry
//! points (compiled in from `fuzz/src/sdk.rs`; scripts/fuzz.sh runs the fuzzers).

#[path = "../../fuzz/src/sdk.rs"]
mod sdk;
#[path = "../../fuzz/replay.rs"]
mod replay;

use replay::replay;

#[test]
fn sdk_response_corpus() {
    replay("sdk_response", sdk::sdk_response);
}

#[test]
fn bundle_yaml_corpus() {
    replay("bundle_yaml", sdk::bundle_yaml);
}
