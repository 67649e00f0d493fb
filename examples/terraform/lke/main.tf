# An LKE cluster whose default pool Terraform manages inline, and a second pool managed as its own
# resource: external_pool_tags tells the cluster to leave pools carrying that tag alone.

variable "region" {
  type    = string
  default = "fr-par"
}

data "linode_lke_versions" "all" {}

data "linode_lke_types" "all" {}

resource "linode_lke_cluster" "example" {
  label              = "scenario-lke"
  region             = var.region
  k8s_version        = element(data.linode_lke_versions.all.versions, 0).id # element(): Terraform 1.0 cannot index nested attributes
  tags               = ["scenario"]
  external_pool_tags = ["external"]

  pool {
    type  = "g6-standard-2"
    count = 2
    labels = {
      role = "system"
    }
  }
}

resource "linode_lke_node_pool" "workers" {
  cluster_id = linode_lke_cluster.example.id
  type       = "g6-standard-4"
  tags       = ["external", "workers"]

  autoscaler {
    min = 1
    max = 4
  }
}

data "linode_lke_cluster" "example" {
  id = linode_lke_cluster.example.id

  # Read the cluster after its separately managed pool exists, so `pools` lists both.
  depends_on = [linode_lke_node_pool.workers]
}

output "pool_ids" {
  value = [for p in data.linode_lke_cluster.example.pools : p.id]
}

output "api_endpoints" {
  value = linode_lke_cluster.example.api_endpoints
}
