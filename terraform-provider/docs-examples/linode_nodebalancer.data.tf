data "linode_nodebalancer" "web" {
  id = 1234567
}

output "lb_address" {
  value = data.linode_nodebalancer.web.ipv4
}
