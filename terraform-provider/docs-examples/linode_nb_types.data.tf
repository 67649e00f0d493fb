data "linode_nb_types" "premium" {
  filter {
    name     = "label"
    values   = ["Premium"]
    match_by = "substring"
  }
  order_by = "label"
}

output "premium_monthly" {
  value = [for t in data.linode_nb_types.premium.types : t.price[0].monthly]
}
