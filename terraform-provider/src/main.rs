//! The `terraform-provider-linode` binary: Terraform starts it and talks to it over gRPC.
//! `terraform-provider-linode --version` prints its version and the commit it was built from.

use terraform_provider_linode::{LinodeProvider, PROVIDER_ADDRESS};

/// The commit this binary was built from: `scripts/release.sh` sets `LINODE_BUILD_COMMIT`
/// (other builds say `unknown`; a build without git must still work).
const COMMIT: &str = match option_env!("LINODE_BUILD_COMMIT") {
    Some(commit) => commit,
    None => "unknown",
};

#[tokio::main]
async fn main() {
    let version = format!("{} (commit {COMMIT})", env!("CARGO_PKG_VERSION"));
    let options = tfplugin::ServeOptions::new(PROVIDER_ADDRESS).version(version);
    tfplugin::serve(LinodeProvider::new(), options).await;
}
