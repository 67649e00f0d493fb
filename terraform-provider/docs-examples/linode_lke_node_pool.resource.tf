resource "linode_lke_cluster" "main" {
  label              = "main"
  k8s_version        = "1.33"
  region             = "fr-par"
  external_pool_tags = ["external"]

  pool {
    type  = "g6-standard-2"
    count = 3
  }
}

# A GPU pool managed on its own; its "external" tag keeps linode_lke_cluster away from it.
resource "linode_lke_node_pool" "gpu" {
  cluster_id = linode_lke_cluster.main.id
  label      = "gpu"
  type       = "g1-gpu-rtx6000-1"
  tags       = ["external"]

  autoscaler {
    min = 1
    max = 3
  }
}
