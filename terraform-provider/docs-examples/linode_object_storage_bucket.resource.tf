resource "linode_object_storage_bucket" "logs" {
  label  = "acme-logs"
  region = "us-east"
  acl    = "private"

  # Versioning and lifecycle rules go through S3: the provider uses `access_key`/`secret_key`
  # here, else its `obj_access_key`/`obj_secret_key`, else (with `obj_use_temp_keys = true`) a
  # temporary key limited to this bucket. Without any of them the plan says so.
  versioning = true

  # Rules are matched by `id`: the order the API returns them in never shows as a change.
  lifecycle_rule {
    id      = "expire-tmp"
    prefix  = "tmp/"
    enabled = true

    expiration {
      days = 7
    }
  }

  lifecycle_rule {
    id                                     = "old-versions"
    enabled                                = true
    abort_incomplete_multipart_upload_days = 3

    noncurrent_version_expiration {
      days = 30
    }
  }
}
