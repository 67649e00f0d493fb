data "linode_lke_cluster" "prod" {
  id = 12345
}

output "pool_node_ids" {
  value = flatten([for p in data.linode_lke_cluster.prod.pools : [for n in p.nodes : n.instance_id]])
}
