data "linode_vpc" "app" {
  id = "12345"
}
