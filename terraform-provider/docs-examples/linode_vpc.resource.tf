resource "linode_vpc" "app" {
  label       = "app"
  region      = "fr-par"
  description = "The application's private network"
}
