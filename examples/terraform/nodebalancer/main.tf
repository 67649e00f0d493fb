# A NodeBalancer with one HTTP config and two backends.

resource "linode_nodebalancer" "web" {
  label                = "scenario-web"
  region               = "fr-par"
  client_conn_throttle = 10
  tags                 = ["scenario"]
}

resource "linode_nodebalancer_config" "http" {
  nodebalancer_id = linode_nodebalancer.web.id
  port            = 80
  protocol        = "http"
  check           = "http"
  check_path      = "/healthz"
  stickiness      = "http_cookie"
  algorithm       = "roundrobin"
}

resource "linode_nodebalancer_node" "backend" {
  count = 2

  nodebalancer_id = linode_nodebalancer.web.id
  config_id       = linode_nodebalancer_config.http.id
  label           = "backend-${count.index}"
  address         = "192.168.10.${count.index + 10}:8080"
  weight          = 50
  mode            = "accept"
}

data "linode_nodebalancer" "web" {
  id = linode_nodebalancer.web.id
}

data "linode_nodebalancer_config" "http" {
  id              = linode_nodebalancer_config.http.id
  nodebalancer_id = linode_nodebalancer.web.id
}

output "ipv4" {
  value = data.linode_nodebalancer.web.ipv4
}
