data "linode_lke_versions" "standard" {}

data "linode_lke_versions" "enterprise" {
  tier = "enterprise"
}

resource "linode_lke_cluster" "latest" {
  label       = "latest"
  region      = "us-east"
  k8s_version = data.linode_lke_versions.standard.versions[0].id # newest first

  pool {
    type  = "g6-standard-2"
    count = 3
  }
}
