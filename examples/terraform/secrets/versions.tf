terraform {
  # Write-only attributes (value_wo) need Terraform 1.11 or later.
  required_version = ">= 1.11"

  required_providers {
    linode = {
      source = "linode-rs/linode"
    }
  }
}

# S3 credentials come from LINODE_OBJ_ACCESS_KEY / LINODE_OBJ_SECRET_KEY, the secrets master key
# from LINODE_SECRETS_KEY. Force delete lets destroy remove the bucket with its secret versions.
provider "linode" {
  obj_bucket_force_delete = true
}
