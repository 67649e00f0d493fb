# Terraform 1.10 or later: the value is read for this run only, never stored in plan or state.
ephemeral "linode_secret" "grafana_admin" {
  bucket = "platform-secrets"
  region = "us-mia"
  name   = "platform/grafana-admin-password"
}

provider "grafana" {
  url  = "https://grafana.example.com"
  auth = "admin:${ephemeral.linode_secret.grafana_admin.value}"
}
