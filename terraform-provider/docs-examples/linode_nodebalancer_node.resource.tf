resource "linode_nodebalancer_node" "backend" {
  count           = 2
  nodebalancer_id = linode_nodebalancer.web.id
  config_id       = linode_nodebalancer_config.https.id
  label           = "backend-${count.index}"
  address         = "192.168.145.${10 + count.index}:80" # a private IPv4 and a port
  weight          = 50
  mode            = "accept"
}
