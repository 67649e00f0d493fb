# Metadata only: no master key needed, no value exposed.
data "linode_secret" "grafana_admin" {
  bucket = "platform-secrets"
  region = "us-mia"
  name   = "platform/grafana-admin-password"
}

check "grafana_password_rotation" {
  assert {
    condition     = !data.linode_secret.grafana_admin.due
    error_message = "The Grafana admin password is due for rotation since ${data.linode_secret.grafana_admin.rotation_due_at}."
  }
}
