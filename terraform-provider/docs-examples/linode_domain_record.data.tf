data "linode_domain_record" "www" {
  domain_id = data.linode_domain.by_name.id
  name      = "www"
}
