//! Shared helpers.

use std::path::PathBuf;

/// The example provider binary built by `cargo test` (`target/<profile>/examples/example_provider`).
pub fn example_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).expect("target profile dir");
    let path = profile_dir.join("examples").join(format!("example_provider{}", std::env::consts::EXE_SUFFIX));
    assert!(path.is_file(), "example provider not built at {}", path.display());
    path
}
