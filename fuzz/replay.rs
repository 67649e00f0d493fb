//! Replays the saved fuzz inputs of a target in the normal test suite. Not part of the fuzz
//! crate: tfplugin's, linode-sdk's and linode-mock's `fuzz_corpus` tests compile it in with
//! `#[path]`, so each replays its targets' `fuzz/corpus/<target>/` and
//! `fuzz/regressions/<target>/` (crashes found and fixed) through the targets' entry points.

use std::path::PathBuf;

/// Runs `run` on every saved input of `target`; panics naming the first input that breaks an
/// invariant, and when there is no input at all, so the replay cannot pass by replaying nothing.
pub fn replay(target: &str, run: fn(&[u8])) {
    let fuzz = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut count = 0;
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(dir).join(target)) else { continue };
        for entry in entries {
            let path = entry.expect("corpus entry").path();
            let data = std::fs::read(&path).expect("corpus file");
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{target}: {} breaks an invariant", path.display());
            count += 1;
        }
    }
    assert!(count > 0, "no fuzz corpus for {target} under {}", fuzz.display());
    eprintln!("{target}: replayed {count} inputs");
}
