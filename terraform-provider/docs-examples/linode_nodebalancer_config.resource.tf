resource "linode_nodebalancer_config" "https" {
  nodebalancer_id = linode_nodebalancer.web.id
  port            = 443
  protocol        = "https"
  ssl_cert        = file("${path.module}/tls/web.crt")
  ssl_key         = file("${path.module}/tls/web.key") # kept in state; Linode returns <REDACTED>
  algorithm       = "leastconn"
  check           = "http"
  check_path      = "/healthz"
  check_attempts  = 3
  check_timeout   = 5
  check_interval  = 10
}
