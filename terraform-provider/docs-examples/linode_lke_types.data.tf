data "linode_lke_types" "all" {}

output "ha_control_plane_monthly" {
  value = one([for t in data.linode_lke_types.all.types : t.price[0].monthly if t.id == "lke-ha"])
}
