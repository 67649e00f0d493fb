# The NodeBalancers in Paris tagged "web", ordered by label.
data "linode_nodebalancers" "web" {
  filter {
    name   = "region"
    values = ["fr-par"] # exact matches on label, ipv4 and region are filtered by the API
  }
  filter {
    name     = "tags"
    values   = ["web"]
    match_by = "substring" # or "re" for a regular expression
  }
  order_by = "label"
  order    = "asc"
}

output "web_lbs" {
  value = [for nb in data.linode_nodebalancers.web.nodebalancers : nb.hostname]
}
