# The TCP ports of a NodeBalancer, highest first.
data "linode_nodebalancer_configs" "tcp" {
  nodebalancer_id = 1234567
  filter {
    name   = "protocol"
    values = ["tcp"]
  }
  order_by = "port"
  order    = "desc"
}

output "tcp_ports" {
  value = data.linode_nodebalancer_configs.tcp.nodebalancer_configs[*].port
}
