# The addresses NodeBalancers and Linodes use in one VPC, in Paris.
data "linode_vpc_ips" "app" {
  vpc_id = 12345

  filter {
    name   = "region"
    values = ["fr-par"]
  }
}
