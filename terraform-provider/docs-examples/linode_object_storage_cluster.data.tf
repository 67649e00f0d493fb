# Deprecated by Linode (clusters became regions): prefer linode_object_storage_endpoints.
data "linode_object_storage_cluster" "primary" {
  id = "us-east-1"
}

output "cluster_region" {
  value = data.linode_object_storage_cluster.primary.region
}
