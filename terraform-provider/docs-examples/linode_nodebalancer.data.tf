data "linode_nodebalancer" "web" {
  id = 1234567
}

output "lb_address" {
  value = data.linode_nodebalancer.web.ipv4
}

output "lb_firewalls" {
  value = [for f in data.linode_nodebalancer.web.firewalls : f.label]
}
