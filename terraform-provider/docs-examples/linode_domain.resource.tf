resource "linode_domain" "example" {
  domain    = "example.com"
  type      = "master"
  soa_email = "hostmaster@example.com"

  # Linode rounds timings up to valid values (3000 is stored as 3600); the declared value never
  # shows as a change.
  ttl_sec = 3000
  tags    = ["production"]
}
