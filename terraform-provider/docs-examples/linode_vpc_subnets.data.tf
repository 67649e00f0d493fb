data "linode_vpc_subnets" "web" {
  vpc_id = 12345

  filter {
    name     = "label"
    values   = ["web"]
    match_by = "substring"
  }
}
