data "linode_firewall" "web" {
  id = 12345
}

output "web_rules" {
  value = [for r in data.linode_firewall.web.inbound : "${r.action} ${r.protocol} ${r.ports}"]
}
