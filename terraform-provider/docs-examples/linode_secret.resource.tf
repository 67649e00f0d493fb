# The master key never goes into the configuration: export LINODE_SECRETS_KEY before running
# Terraform. The bucket must have versioning enabled.
variable "grafana_admin_password" {
  type      = string
  sensitive = true
}

# Terraform 1.11 or later: the value is write-only and never lands in the plan or the state.
# Bump value_wo_version to write a new value (rotation).
resource "linode_secret" "grafana_admin" {
  bucket           = linode_object_storage_bucket.secrets.label
  region           = linode_object_storage_bucket.secrets.region
  name             = "platform/grafana-admin-password"
  value_wo         = var.grafana_admin_password
  value_wo_version = 3
  rotation_period  = "90d"
  labels = {
    owner = "observability"
  }
}

# Terraform older than 1.11 has no write-only attributes: use the sensitive `value`
# (kept in the state).
resource "linode_secret" "vllm_api_key" {
  bucket = linode_object_storage_bucket.secrets.label
  region = linode_object_storage_bucket.secrets.region
  prefix = "secrets/"
  name   = "platform/vllm-api-key"
  value  = var.vllm_api_key
}
