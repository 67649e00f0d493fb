# The firewall data sources: one firewall by id, and the firewalls narrowed by filters of each
# kind and ordered.
terraform {
  required_providers {
    linode = { source = "linode-rs/linode" }
  }
}

resource "linode_nodebalancer" "lb" {
  label  = "ds-fw-lb"
  region = "fr-par"
}

resource "linode_firewall" "web" {
  for_each = toset(["ds-web-a", "ds-web-b"])

  label           = each.key
  tags            = ["ds-web"]
  inbound_policy  = "DROP"
  outbound_policy = "ACCEPT"

  inbound {
    label    = "allow-https"
    action   = "ACCEPT"
    protocol = "TCP"
    ports    = "443"
    ipv4     = ["0.0.0.0/0"]
  }

  nodebalancers = each.key == "ds-web-a" ? [linode_nodebalancer.lb.id] : []
}

resource "linode_firewall" "db" {
  label           = "ds-db"
  tags            = ["ds-db"]
  inbound_policy  = "DROP"
  outbound_policy = "DROP"
}

data "linode_firewall" "web_a" {
  id = linode_firewall.web["ds-web-a"].id
}

# Exact, on a field the API filters (sent as X-Filter).
data "linode_firewalls" "tagged" {
  filter {
    name   = "tags"
    values = [one(linode_firewall.db.tags)]
  }
}

# Substring, ordered by label, last first.
data "linode_firewalls" "web" {
  depends_on = [linode_firewall.web]

  filter {
    name     = "label"
    values   = ["web-"]
    match_by = "substring"
  }
  order_by = "label"
  order    = "desc"
}

# Regular expression.
data "linode_firewalls" "re" {
  depends_on = [linode_firewall.web, linode_firewall.db]

  filter {
    name     = "label"
    values   = ["^ds-(db|web-b)$"]
    match_by = "re"
  }
  order_by = "id"
}

output "web_a_devices" {
  value = [for d in data.linode_firewall.web_a.devices : "${d.type}/${d.entity_id}"]
}

output "web_a_inbound" {
  value = [for r in data.linode_firewall.web_a.inbound : "${r.action} ${r.protocol} ${r.ports}"]
}

output "tagged" {
  value = [for f in data.linode_firewalls.tagged.firewalls : f.label]
}

output "web_desc" {
  value = [for f in data.linode_firewalls.web.firewalls : f.label]
}

output "re" {
  value = [for f in data.linode_firewalls.re.firewalls : f.label]
}
