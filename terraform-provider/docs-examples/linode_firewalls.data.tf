# The firewalls tagged "edge" whose label starts with "web-", newest first.
data "linode_firewalls" "edge" {
  filter {
    name   = "tags"
    values = ["edge"]
  }
  filter {
    name     = "label"
    values   = ["^web-"]
    match_by = "re"
  }
  order_by = "created"
  order    = "desc"
}
