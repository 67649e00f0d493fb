data "linode_vpc_subnet" "web" {
  vpc_id = 12345
  id     = "67890"
}
