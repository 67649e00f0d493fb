resource "linode_nodebalancer" "web" {
  label  = "web"
  region = "fr-par"
}

# Only HTTP and HTTPS reach the NodeBalancer; rules apply in the order written.
resource "linode_firewall" "web" {
  label           = "web-edge"
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
    label    = "allow-https"
    action   = "ACCEPT"
    protocol = "TCP"
    ports    = "443"
    ipv4     = ["0.0.0.0/0"]
    ipv6     = ["::/0"]
  }

  nodebalancers = [linode_nodebalancer.web.id]
}
