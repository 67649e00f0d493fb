# The NodeBalancer data sources: two NodeBalancers with ports and a backend, then each data
# source reads them back (filters of each match_by, order_by and order) and outputs what it saw.
# (linode_nodebalancer_vpc/_vpcs need a VPC subnet, which this provider does not manage yet.)
terraform {
  required_providers {
    linode = { source = "linode-rs/linode" }
  }
}

resource "linode_nodebalancer" "web" {
  label  = "ds-web-eu"
  region = "fr-par"
  type   = "premium"
  tags   = ["web", "prod"]
}

resource "linode_nodebalancer" "api" {
  label  = "ds-api-us"
  region = "us-east"
  tags   = ["api"]
}

resource "linode_nodebalancer_config" "http" {
  nodebalancer_id = linode_nodebalancer.web.id
  port            = 80
  check           = "http"
  check_path      = "/healthz"
}

resource "linode_nodebalancer_config" "tcp" {
  nodebalancer_id = linode_nodebalancer.web.id
  port            = 5432
  protocol        = "tcp"
  check           = "connection"
}

resource "linode_nodebalancer_node" "backend" {
  nodebalancer_id = linode_nodebalancer.web.id
  config_id       = linode_nodebalancer_config.http.id
  label           = "ds-backend"
  address         = "192.168.10.5:80"
}

data "linode_nodebalancer" "web" {
  id = linode_nodebalancer.web.id
}

# Exact, sent to the API as an X-Filter.
data "linode_nodebalancers" "in_paris" {
  filter {
    name   = "region"
    values = [linode_nodebalancer.web.region]
  }
  depends_on = [linode_nodebalancer.api]
}

# Substring on tags and a regular expression on labels, ordered.
data "linode_nodebalancers" "by_label" {
  filter {
    name     = "tags"
    values   = ["pro"]
    match_by = "substring"
  }
  filter {
    name     = "label"
    values   = ["^ds-(web|api)-"]
    match_by = "re"
  }
  order_by   = "label"
  order      = "desc"
  depends_on = [linode_nodebalancer.web, linode_nodebalancer.api]
}

data "linode_nodebalancer_config" "http" {
  id              = linode_nodebalancer_config.http.id
  nodebalancer_id = linode_nodebalancer.web.id
}

data "linode_nodebalancer_configs" "tcp" {
  nodebalancer_id = linode_nodebalancer.web.id
  filter {
    name   = "protocol"
    values = ["tcp"]
  }
  depends_on = [linode_nodebalancer_config.tcp]
}

data "linode_nodebalancer_configs" "checked" {
  nodebalancer_id = linode_nodebalancer.web.id
  filter {
    name     = "check_path"
    values   = ["health"]
    match_by = "substring"
  }
  order_by   = "port"
  depends_on = [linode_nodebalancer_config.http, linode_nodebalancer_config.tcp]
}

data "linode_nodebalancer_node" "backend" {
  id              = linode_nodebalancer_node.backend.id
  nodebalancer_id = linode_nodebalancer.web.id
  config_id       = linode_nodebalancer_config.http.id
}

data "linode_nb_types" "premium" {
  filter {
    name     = "label"
    values   = ["(?i)premium"]
    match_by = "re"
  }
  order_by = "label"
  order    = "asc"
}

output "web_hostname" {
  value = data.linode_nodebalancer.web.hostname
}

output "web_transfer" {
  value = data.linode_nodebalancer.web.transfer
}

output "in_paris" {
  value = [for nb in data.linode_nodebalancers.in_paris.nodebalancers : nb.label]
}

output "by_label" {
  value = [for nb in data.linode_nodebalancers.by_label.nodebalancers : nb.label]
}

output "http_check" {
  value = "${data.linode_nodebalancer_config.http.check} ${data.linode_nodebalancer_config.http.check_path}"
}

output "tcp_ports" {
  value = data.linode_nodebalancer_configs.tcp.nodebalancer_configs[*].port
}

output "checked_ports" {
  value = data.linode_nodebalancer_configs.checked.nodebalancer_configs[*].port
}

output "backend" {
  value = "${data.linode_nodebalancer_node.backend.address} ${data.linode_nodebalancer_node.backend.mode}"
}

output "premium_types" {
  value = [for t in data.linode_nb_types.premium.types : t.id]
}
