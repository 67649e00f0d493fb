# A zone with one record of each common type.

resource "linode_domain" "zone" {
  domain    = "scenario.example.net"
  type      = "master"
  soa_email = "hostmaster@scenario.example.net"
  ttl_sec   = 300
  tags      = ["scenario"]
}

resource "linode_domain_record" "www" {
  domain_id   = linode_domain.zone.id
  name        = "www"
  record_type = "A"
  target      = "203.0.113.10"
  ttl_sec     = 300
}

resource "linode_domain_record" "www6" {
  domain_id   = linode_domain.zone.id
  name        = "www"
  record_type = "AAAA"
  target      = "2001:db8::10"
}

resource "linode_domain_record" "blog" {
  domain_id   = linode_domain.zone.id
  name        = "blog"
  record_type = "CNAME"
  target      = "www.scenario.example.net"
}

resource "linode_domain_record" "mail" {
  domain_id   = linode_domain.zone.id
  name        = ""
  record_type = "MX"
  target      = "mail.scenario.example.net"
  priority    = 10
}

resource "linode_domain_record" "spf" {
  domain_id   = linode_domain.zone.id
  name        = ""
  record_type = "TXT"
  target      = "v=spf1 mx -all"
}

resource "linode_domain_record" "sip" {
  domain_id   = linode_domain.zone.id
  record_type = "SRV"
  service     = "sip"
  protocol    = "tcp"
  target      = "sip.scenario.example.net"
  priority    = 10
  weight      = 5
  port        = 5060
}

resource "linode_domain_record" "caa" {
  domain_id   = linode_domain.zone.id
  name        = ""
  record_type = "CAA"
  tag         = "issue"
  target      = "letsencrypt.org"
}

data "linode_domain" "zone" {
  domain = linode_domain.zone.domain
}

data "linode_domain_record" "www" {
  domain_id = linode_domain.zone.id
  # Referencing the record (not the literal "www") makes Terraform read it after it exists.
  name = linode_domain_record.www.name
}

output "zone_id" {
  value = linode_domain.zone.id
}

# The data source's `id` and `domain` are optional, not computed (as in linode/linode): read
# during this apply (the zone is made in the same run), the one not set stays null, so read a
# computed attribute from it.
output "zone_status" {
  value = data.linode_domain.zone.status
}
