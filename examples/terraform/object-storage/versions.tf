terraform {
  required_providers {
    linode = {
      source = "linode-rs/linode"
    }
  }
}

provider "linode" {
  obj_use_temp_keys       = true
  obj_bucket_force_delete = true
}
