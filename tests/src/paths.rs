//! Where the workspace, its binaries and its tools are.

use std::path::PathBuf;

/// The workspace root (the folder holding the root `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The folder cargo puts debug binaries in.
pub fn debug_bin_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
        .join("debug")
}

/// Path of a workspace binary, which must already be built.
///
/// # Panics
/// When the binary is missing, with the command that builds it.
pub fn binary(name: &str) -> PathBuf {
    let path = debug_bin_dir().join(name);
    assert!(
        path.is_file(),
        "{} is not built: run `cargo build --workspace` first (the README's test command does)",
        path.display()
    );
    path
}

/// A scenario folder under `examples/terraform/`.
pub fn example(name: &str) -> PathBuf {
    workspace_root().join("examples/terraform").join(name)
}
