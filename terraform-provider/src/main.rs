//! The `terraform-provider-linode` binary: Terraform starts it and talks to it over gRPC.

use terraform_provider_linode::{LinodeProvider, PROVIDER_ADDRESS};

#[tokio::main]
async fn main() {
    tfplugin::serve(LinodeProvider::new(), tfplugin::ServeOptions::new(PROVIDER_ADDRESS)).await;
}
