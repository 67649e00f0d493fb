# A VPC with two subnets; the subnet ranges are checked at plan time (private, canonical, no
# overlap between subnets of the VPC).

resource "linode_vpc" "app" {
  label       = "scenario-vpc"
  region      = "fr-par"
  description = "scenario network"
}

resource "linode_vpc_subnet" "web" {
  vpc_id = linode_vpc.app.id
  label  = "web"
  ipv4   = "10.10.1.0/24"
}

resource "linode_vpc_subnet" "db" {
  vpc_id = linode_vpc.app.id
  label  = "db"
  ipv4   = "10.10.2.0/24"
}

output "vpc" {
  value = {
    id      = linode_vpc.app.id
    subnets = { for s in [linode_vpc_subnet.web, linode_vpc_subnet.db] : s.label => s.ipv4 }
  }
}
