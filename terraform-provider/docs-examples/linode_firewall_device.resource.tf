resource "linode_firewall" "web" {
  label           = "web-edge"
  inbound_policy  = "DROP"
  outbound_policy = "ACCEPT"
  # nodebalancers left unset: the attachment below is managed on its own.
}

resource "linode_nodebalancer" "web" {
  label  = "web"
  region = "fr-par"
}

resource "linode_firewall_device" "web" {
  firewall_id = linode_firewall.web.id
  entity_id   = linode_nodebalancer.web.id
  entity_type = "nodebalancer"
}
