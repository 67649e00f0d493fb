terraform {
  required_providers {
    linode = {
      source = "linode-rs/linode"
    }
  }
}

# The token comes from LINODE_TOKEN; S3 operations (bucket versioning, lifecycle rules, objects)
# use short-lived keys limited to the bucket they touch.
provider "linode" {
  obj_use_temp_keys = true
}
