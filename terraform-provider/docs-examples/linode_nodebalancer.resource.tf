resource "linode_nodebalancer" "web" {
  label                = "web-lb"
  region               = "fr-par" # checked at plan time: it must offer NodeBalancers
  type                 = "premium" # common (Linode's default), premium or premium_40gb; a change replaces it
  client_conn_throttle = 20
  firewall_id          = 12345 # attached at creation; `firewalls` shows what is attached
  tags                 = ["web"]

  # Backends in a VPC subnet; `vpcs` is read back from the API, so a change made elsewhere shows.
  vpcs = [{
    subnet_id = 67890
  }]
}
