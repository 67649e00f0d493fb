# Which secrets of a bundle exist and which are due for rotation (no values).
data "linode_secret_bundle" "platform" {
  bucket      = "platform-secrets"
  region      = "us-mia"
  bundle_yaml = file("${path.module}/bundles/platform.yaml")
}

check "platform_secrets_complete" {
  assert {
    condition     = length(data.linode_secret_bundle.platform.missing) == 0
    error_message = "Missing secrets: ${join(", ", data.linode_secret_bundle.platform.missing)}."
  }
}

output "platform_secrets_due" {
  value = data.linode_secret_bundle.platform.due
}
