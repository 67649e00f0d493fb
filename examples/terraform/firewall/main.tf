# Cloud Firewalls: one that lets only HTTP and HTTPS reach a NodeBalancer (rules in order, inbound
# policy DROP), and one attached to a second NodeBalancer through linode_firewall_device.

resource "linode_nodebalancer" "web" {
  label  = "scenario-fw-web"
  region = "fr-par"
}

resource "linode_nodebalancer" "admin" {
  label  = "scenario-fw-admin"
  region = "fr-par"
}

resource "linode_firewall" "web" {
  label           = "scenario-web-fw"
  tags            = ["scenario"]
  inbound_policy  = "DROP"
  outbound_policy = "ACCEPT"

  inbound {
    label    = "allow-http"
    action   = "ACCEPT"
    protocol = "TCP"
    ports    = "80"
    ipv4     = ["0.0.0.0/0"]
    ipv6     = ["::/0"]
  }

  inbound {
    label       = "allow-https"
    description = "TLS to the ingress"
    action      = "ACCEPT"
    protocol    = "TCP"
    ports       = "443"
    ipv4        = ["0.0.0.0/0"]
    ipv6        = ["::/0"]
  }

  outbound {
    label    = "no-smtp"
    action   = "DROP"
    protocol = "TCP"
    ports    = "25, 465, 587"
    ipv4     = ["0.0.0.0/0"]
  }

  nodebalancers = [linode_nodebalancer.web.id]
}

resource "linode_firewall" "admin" {
  label           = "scenario-admin-fw"
  inbound_policy  = "DROP"
  outbound_policy = "ACCEPT"

  inbound {
    label    = "office-https"
    action   = "ACCEPT"
    protocol = "TCP"
    ports    = "443"
    ipv4     = ["203.0.113.0/24", "198.51.100.7"]
  }

  inbound {
    label    = "office-ping"
    action   = "ACCEPT"
    protocol = "ICMP"
    ipv4     = ["203.0.113.0/24"]
  }
}

resource "linode_firewall_device" "admin" {
  firewall_id = linode_firewall.admin.id
  entity_id   = linode_nodebalancer.admin.id
  entity_type = "nodebalancer"
}

output "web_firewall" {
  value = {
    id      = linode_firewall.web.id
    status  = linode_firewall.web.status
    inbound = [for r in linode_firewall.web.inbound : "${r.label}:${r.ports}"]
    devices = [for d in linode_firewall.web.devices : "${d.type}/${d.entity_id}"]
  }
}

output "admin_device" {
  value = linode_firewall_device.admin.id
}
