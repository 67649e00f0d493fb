data "linode_domain" "by_name" {
  domain = "example.com"
}

output "zone_id" {
  value = data.linode_domain.by_name.id
}
