# The LKE data sources, reading a cluster this configuration makes.
terraform {
  required_providers {
    linode = { source = "linode-rs/linode" }
  }
}

data "linode_lke_versions" "standard" {}

data "linode_lke_version" "newest" {
  id = data.linode_lke_versions.standard.versions[0].id
}

resource "linode_lke_cluster" "ds" {
  label       = "ds-cluster"
  region      = "fr-par"
  k8s_version = data.linode_lke_version.newest.id
  tags        = ["data-sources"]

  pool {
    label = "web"
    type  = "g6-standard-1"
    count = 1
  }
}

data "linode_lke_cluster" "ds" {
  id = linode_lke_cluster.ds.id
}

data "linode_lke_node_pool" "web" {
  cluster_id = linode_lke_cluster.ds.id
  id         = linode_lke_cluster.ds.pool[0].id
}

# Exact (sent to the API as X-Filter), substring and regular expression, ordered.
data "linode_lke_clusters" "tagged" {
  filter {
    name   = "tags"
    values = ["data-sources"]
  }
  order_by   = "label"
  order      = "desc"
  depends_on = [linode_lke_cluster.ds]
}

data "linode_lke_clusters" "ds_like" {
  filter {
    name     = "label"
    values   = ["ds-"]
    match_by = "substring"
  }
  filter {
    name     = "region"
    values   = ["^fr-"]
    match_by = "re"
  }
  depends_on = [linode_lke_cluster.ds]
}

data "linode_lke_types" "ha" {
  filter {
    name     = "label"
    values   = ["High Availability"]
    match_by = "substring"
  }
  order_by = "label"
}

output "newest_version" {
  value = data.linode_lke_version.newest.id
}

output "pool_nodes" {
  value = length(data.linode_lke_node_pool.web.nodes)
}

output "cluster_pools" {
  value = [for p in data.linode_lke_cluster.ds.pools : p.type]
}

output "tagged_clusters" {
  value = [for c in data.linode_lke_clusters.tagged.lke_clusters : c.label]
}

output "matching_clusters" {
  value = [for c in data.linode_lke_clusters.ds_like.lke_clusters : c.id]
}

output "ha_price" {
  value = data.linode_lke_types.ha.types[0].price[0].monthly
}
