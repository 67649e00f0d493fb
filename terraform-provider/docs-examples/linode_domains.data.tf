# The production zones under example.com, ordered by name.
data "linode_domains" "production" {
  filter {
    name   = "tags"
    values = ["production"]
  }

  filter {
    name     = "domain"
    values   = ["example.com"]
    match_by = "substring"
  }

  order_by = "domain"
}

output "production_zones" {
  value = data.linode_domains.production.domains[*].domain
}
