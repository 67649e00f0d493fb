terraform {
  required_providers {
    linode = {
      source = "linode-rs/linode"
    }
  }
}

provider "linode" {}
