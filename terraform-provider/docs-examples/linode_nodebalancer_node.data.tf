data "linode_nodebalancer_node" "backend" {
  id              = 1111111
  nodebalancer_id = 1234567
  config_id       = 7654321
}

output "backend_status" {
  value = data.linode_nodebalancer_node.backend.status
}
