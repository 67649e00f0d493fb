//! The registry docs in `docs/` are generated from the schemas: they must match what the code
//! would generate now (regenerate with `cargo run -p terraform-provider-linode --example gen-docs`).

use std::path::Path;

use terraform_provider_linode::LinodeProvider;

#[test]
fn docs_match_the_schemas() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = manifest.parent().unwrap().join("docs");
    let pages = tfplugin::docs::generate(&LinodeProvider::new(), &manifest.join("docs-examples"));
    assert!(pages.len() > 20, "a page per resource and data source");
    let mut stale = Vec::new();
    for (relative, text) in &pages {
        if std::fs::read_to_string(docs.join(relative)).ok().as_deref() != Some(text.as_str()) {
            stale.push(relative.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "docs/ is out of date for {stale:?}: run `cargo run -p terraform-provider-linode --example gen-docs`"
    );
    for required in ["resources/lke_cluster.md", "resources/domain_record.md", "data-sources/regions.md"] {
        assert!(pages.iter().any(|(p, _)| p.ends_with(required)), "{required} is generated");
    }
}
