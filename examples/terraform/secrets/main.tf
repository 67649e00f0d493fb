# A versioned bucket as the secret store, the Grafana admin password written to it without ever
# landing in the state, and the metadata data sources (no values).

variable "grafana_admin_password" {
  type      = string
  sensitive = true
}

resource "linode_object_storage_bucket" "secrets" {
  label      = "scenario-secrets"
  region     = "us-east"
  versioning = true
}

resource "linode_secret" "grafana_admin" {
  bucket           = linode_object_storage_bucket.secrets.label
  region           = linode_object_storage_bucket.secrets.region
  name             = "platform/grafana-admin-password"
  value_wo         = var.grafana_admin_password
  value_wo_version = 1
  rotation_period  = "90d"
  labels = {
    owner = "observability"
  }
}

data "linode_secret" "grafana_admin" {
  bucket = linode_secret.grafana_admin.bucket
  region = linode_secret.grafana_admin.region
  name   = linode_secret.grafana_admin.name

  depends_on = [linode_secret.grafana_admin]
}

data "linode_secret_bundle" "platform" {
  bucket      = linode_secret.grafana_admin.bucket
  region      = linode_secret.grafana_admin.region
  bundle_yaml = file("${path.module}/platform.yaml")

  depends_on = [linode_secret.grafana_admin]
}

output "grafana_admin_version" {
  value = data.linode_secret.grafana_admin.version_id
}

output "grafana_admin_due" {
  value = data.linode_secret.grafana_admin.due
}

output "platform_missing" {
  value = data.linode_secret_bundle.platform.missing
}
