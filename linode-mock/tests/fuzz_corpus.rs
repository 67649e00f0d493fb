//! The fuzz corpus and every saved crash replayed through the cargo-fuzz targets' own entry
//! points (compiled in from `fuzz/src/mock.rs`; scripts/fuzz.sh runs the fuzzers).

#[path = "../../fuzz/src/mock.rs"]
mod mock;
#[path = "../../fuzz/replay.rs"]
mod replay;

use replay::replay;

#[test]
fn mock_filter_corpus() {
    replay("mock_filter", mock::mock_filter);
}

#[test]
fn mock_rest_body_corpus() {
    replay("mock_rest_body", mock::mock_rest_body);
}
