data "linode_nodebalancer_config" "https" {
  id              = 7654321
  nodebalancer_id = 1234567
}
