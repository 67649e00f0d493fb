# The zone file Linode serves for a domain, as a single text.
data "linode_domain_zonefile" "example" {
  domain_id = linode_domain.example.id
}

output "zone_file" {
  value = join("\n", data.linode_domain_zonefile.example.zone_file)
}
