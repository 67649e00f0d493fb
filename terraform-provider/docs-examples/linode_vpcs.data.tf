data "linode_vpcs" "paris" {
  filter {
    name   = "region"
    values = ["fr-par"]
  }
}
