data "linode_nodebalancer_vpcs" "all" {
  nodebalancer_id = 1234567
  filter {
    name     = "ipv4_range"
    values   = ["^10\\.0\\."]
    match_by = "re"
  }
  order_by = "subnet_id"
}

output "vpc_ranges" {
  value = data.linode_nodebalancer_vpcs.all.vpc_configs[*].ipv4_range
}
