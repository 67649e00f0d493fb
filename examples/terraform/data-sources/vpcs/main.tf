# The VPC data sources: a VPC and a subnet by id, VPCs and subnets narrowed by filters of each
# kind, and the addresses in use in the VPC (a NodeBalancer's range in a subnet).
terraform {
  required_providers {
    linode = { source = "linode-rs/linode" }
  }
}

resource "linode_vpc" "app" {
  label       = "ds-app-net"
  region      = "fr-par"
  description = "application network"
}

resource "linode_vpc" "ops" {
  label  = "ds-ops-net"
  region = "us-ord"
}

resource "linode_vpc_subnet" "web" {
  vpc_id = linode_vpc.app.id
  label  = "web"
  ipv4   = "10.20.1.0/24"
}

resource "linode_vpc_subnet" "db" {
  vpc_id = linode_vpc.app.id
  label  = "db"
  ipv4   = "10.20.2.0/24"
}

resource "linode_nodebalancer" "internal" {
  label  = "ds-vpc-lb"
  region = "fr-par"
  vpcs = [{
    subnet_id  = linode_vpc_subnet.web.id
    ipv4_range = "10.20.1.8/30"
  }]
}

data "linode_vpc" "app" {
  id = linode_vpc.app.id
}

# Read once the NodeBalancer uses the subnet.
data "linode_vpc_subnet" "web" {
  vpc_id     = linode_vpc.app.id
  id         = linode_vpc_subnet.web.id
  depends_on = [linode_nodebalancer.internal]
}

# Exact.
data "linode_vpcs" "paris" {
  depends_on = [linode_vpc.app, linode_vpc.ops]

  filter {
    name   = "region"
    values = ["fr-par"]
  }
}

# Regular expression.
data "linode_vpcs" "named" {
  depends_on = [linode_vpc.app, linode_vpc.ops]

  filter {
    name     = "label"
    values   = ["^ds-.*-net$"]
    match_by = "re"
  }
}

# Substring.
data "linode_vpc_subnets" "tens" {
  vpc_id     = linode_vpc.app.id
  depends_on = [linode_vpc_subnet.web, linode_vpc_subnet.db]

  filter {
    name     = "ipv4"
    values   = ["10.20."]
    match_by = "substring"
  }
}

data "linode_vpc_ips" "app" {
  vpc_id     = linode_vpc.app.id
  depends_on = [linode_nodebalancer.internal]

  filter {
    name   = "region"
    values = ["fr-par"]
  }
}

output "vpc_description" {
  value = data.linode_vpc.app.description
}

output "subnet_nodebalancers" {
  value = [for n in data.linode_vpc_subnet.web.nodebalancers : n.id]
}

output "paris_vpcs" {
  value = [for v in data.linode_vpcs.paris.vpcs : v.label]
}

output "named_vpcs" {
  value = [for v in data.linode_vpcs.named.vpcs : v.label]
}

output "subnets" {
  value = { for s in data.linode_vpc_subnets.tens.vpc_subnets : s.label => s.ipv4 }
}

output "vpc_ips" {
  value = [for ip in data.linode_vpc_ips.app.vpc_ips : ip.address_range]
}
