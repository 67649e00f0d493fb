resource "linode_nodebalancer" "web" {
  label                = "web-lb"
  region               = "fr-par" # checked at plan time: it must offer NodeBalancers
  client_conn_throttle = 20
  tags                 = ["web"]
}
