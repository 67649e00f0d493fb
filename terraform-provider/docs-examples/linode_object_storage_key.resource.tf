# A key limited to one bucket, read-only. Its secret is only shown when the key is created;
# the provider keeps it in state (sensitive).
resource "linode_object_storage_key" "ci_reader" {
  label = "ci-reader"

  bucket_access {
    bucket_name = linode_object_storage_bucket.logs.label
    region      = linode_object_storage_bucket.logs.region
    permissions = "read_only"
  }
}

output "ci_reader_secret" {
  value     = linode_object_storage_key.ci_reader.secret_key
  sensitive = true
}
