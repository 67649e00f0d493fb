terraform {
  # 1.0 is the oldest Terraform this configuration is tested with.
  required_version = ">= 1.0.0"

  required_providers {
    # The only line that differs from a linode/linode configuration.
    linode = {
      source = "linode-rs/linode"
    }
  }
}

# Credentials come from the environment (LINODE_TOKEN, LINODE_URL), never from the configuration.
provider "linode" {
  # Versioning and lifecycle rules are S3 operations: let the provider mint short-lived keys
  # limited to the bucket it works on, instead of keeping long-lived keys in the configuration.
  obj_use_temp_keys = true
}
