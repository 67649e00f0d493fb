# The DNS data sources: a zone by name and by id, zones narrowed by filters of each kind and
# ordered, a record by name, and the zone file Linode serves.
terraform {
  required_providers {
    linode = { source = "linode-rs/linode" }
  }
}

resource "linode_domain" "shop" {
  domain    = "shop.example.net"
  type      = "master"
  soa_email = "hostmaster@shop.example.net"
  tags      = ["production"]
}

resource "linode_domain" "blog" {
  domain    = "blog.example.net"
  type      = "master"
  soa_email = "hostmaster@blog.example.net"
  tags      = ["production"]
}

resource "linode_domain" "lab" {
  domain    = "lab.example.org"
  type      = "master"
  soa_email = "hostmaster@lab.example.org"
  tags      = ["staging"]
}

resource "linode_domain_record" "www" {
  domain_id   = linode_domain.shop.id
  name        = "www"
  record_type = "A"
  target      = "192.0.2.20"
}

data "linode_domain" "by_name" {
  domain     = linode_domain.shop.domain
  depends_on = [linode_domain.shop]
}

data "linode_domain" "by_id" {
  id = linode_domain.blog.id
}

# Exact on an API-filterable field (sent as X-Filter), substring client-side, newest name first.
data "linode_domains" "production" {
  filter {
    name   = "tags"
    values = ["production"]
  }

  filter {
    name     = "domain"
    values   = ["example.net"]
    match_by = "substring"
  }

  order_by   = "domain"
  order      = "desc"
  depends_on = [linode_domain.shop, linode_domain.blog, linode_domain.lab]
}

data "linode_domains" "by_regex" {
  filter {
    name     = "domain"
    values   = ["^lab\\."]
    match_by = "re"
  }

  depends_on = [linode_domain.shop, linode_domain.blog, linode_domain.lab]
}

data "linode_domain_record" "www" {
  domain_id  = linode_domain.shop.id
  name       = "www"
  depends_on = [linode_domain_record.www]
}

data "linode_domain_zonefile" "shop" {
  domain_id  = linode_domain.shop.id
  depends_on = [linode_domain_record.www]
}

# `id` and `domain` are optional, not computed, in linode/linode's schema: when the data source is
# read during apply (it looks up a zone made in the same run), Terraform keeps them as configured.
# Computed attributes are always what was read.
output "zone_by_name" {
  value = data.linode_domain.by_name.soa_email
}

output "zone_by_id" {
  value = data.linode_domain.by_id.tags
}

output "production_zones" {
  value = data.linode_domains.production.domains[*].domain
}

output "lab_zones" {
  value = data.linode_domains.by_regex.domains[*].domain
}

output "www_target" {
  value = data.linode_domain_record.www.target
}

output "zone_file" {
  value = join("\n", data.linode_domain_zonefile.shop.zone_file)
}

check "filters_select_the_right_zones" {
  assert {
    condition     = join(",", data.linode_domains.production.domains[*].domain) == "shop.example.net,blog.example.net"
    error_message = "production zones under example.net, in descending order"
  }

  assert {
    condition     = join(",", data.linode_domains.by_regex.domains[*].domain) == "lab.example.org"
    error_message = "the regular expression selects the lab zone only"
  }

  assert {
    condition     = strcontains(join("\n", data.linode_domain_zonefile.shop.zone_file), "192.0.2.20")
    error_message = "the zone file holds the www record"
  }
}
