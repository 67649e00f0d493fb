data "linode_nodebalancer_vpc" "backends" {
  nodebalancer_id = 1234567
  id              = 42
}

output "backend_range" {
  value = data.linode_nodebalancer_vpc.backends.ipv4_range
}
