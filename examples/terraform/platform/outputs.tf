output "cluster_id" {
  description = "ID of the LKE cluster."
  value       = linode_lke_cluster.platform.id
}

output "api_endpoints" {
  description = "Kubernetes API server endpoints."
  value       = linode_lke_cluster.platform.api_endpoints
}

output "kubeconfig" {
  description = "Base64-encoded kubeconfig for the cluster."
  value       = linode_lke_cluster.platform.kubeconfig
  sensitive   = true
}

output "nodebalancer" {
  description = "Addresses of the ingress NodeBalancer."
  value = {
    hostname = linode_nodebalancer.ingress.hostname
    ipv4     = linode_nodebalancer.ingress.ipv4
    ipv6     = linode_nodebalancer.ingress.ipv6
  }
}

output "edge" {
  description = "The Cloud Firewalls: their IDs, what they let in, and what they are attached to."
  value = {
    ingress = {
      id            = linode_firewall.ingress.id
      inbound       = [for r in linode_firewall.ingress.inbound : "${r.action} ${r.protocol} ${r.ports}"]
      policy        = linode_firewall.ingress.inbound_policy
      nodebalancers = linode_firewall.ingress.nodebalancers
    }
    nodes = {
      id      = linode_firewall.nodes.id
      inbound = [for r in linode_firewall.nodes.inbound : "${r.action} ${r.protocol} ${r.ports == null ? "-" : r.ports} ${r.label}"]
      policy  = linode_firewall.nodes.inbound_policy
      pools   = { for p in linode_lke_cluster.platform.pool : p.label => p.firewall_id }
    }
  }
}

output "bucket_endpoints" {
  description = "S3 hostname of each bucket."
  value = {
    for b in [
      linode_object_storage_bucket.infra_state,
      linode_object_storage_bucket.analytics_exports,
      linode_object_storage_bucket.backups,
    ] : b.label => b.hostname
  }
}

output "workload_access_key" {
  description = "Access key ID of the workloads' Object Storage key (the secret stays in state, marked sensitive)."
  value       = linode_object_storage_key.platform.access_key
}

output "secrets_missing" {
  description = "Keys of the platform's secret bundle that the store does not hold yet."
  value       = data.linode_secret_bundle.platform.missing
}

output "secrets_due" {
  description = "Keys of the platform's secret bundle that are due for rotation."
  value       = data.linode_secret_bundle.platform.due
}
