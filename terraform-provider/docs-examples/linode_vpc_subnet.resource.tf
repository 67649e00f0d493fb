resource "linode_vpc" "app" {
  label  = "app"
  region = "fr-par"
}

# Private (RFC 1918), /1 to /29, and no overlap with the VPC's other subnets: checked at plan time.
resource "linode_vpc_subnet" "web" {
  vpc_id = linode_vpc.app.id
  label  = "web"
  ipv4   = "10.0.1.0/24"
}
