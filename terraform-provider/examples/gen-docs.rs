//! Regenerates the registry-style documentation in `docs/` from the provider's schemas and the
//! HCL snippets in `terraform-provider/docs-examples/`:
//!
//! ```sh
//! cargo run -p terraform-provider-linode --example gen-docs
//! ```
//!
//! A test (`tests/it/docs.rs`) fails when `docs/` is out of date.

use std::path::Path;

use terraform_provider_linode::LinodeProvider;

fn main() -> std::io::Result<()> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = manifest.parent().expect("workspace root").join("docs");
    let pages = tfplugin::docs::generate(&LinodeProvider::new(), &manifest.join("docs-examples"));
    for folder in ["resources", "data-sources", "ephemeral-resources"] {
        let dir = docs.join(folder);
        if dir.is_dir() {
            for entry in std::fs::read_dir(&dir)? {
                let path = entry?.path();
                if path.extension().is_some_and(|e| e == "md") {
                    std::fs::remove_file(path)?;
                }
            }
        }
    }
    for (relative, text) in &pages {
        let path = docs.join(relative);
        std::fs::create_dir_all(path.parent().expect("page folder"))?;
        std::fs::write(&path, text)?;
    }
    println!("wrote {} pages to {}", pages.len(), docs.display());
    Ok(())
}
