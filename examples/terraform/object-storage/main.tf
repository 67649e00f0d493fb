# A versioned bucket with CORS and a lifecycle rule, a key limited to it, and one object.

data "linode_object_storage_endpoints" "fr_par" {
  filter {
    name   = "region"
    values = ["fr-par"]
  }
}

resource "linode_object_storage_bucket" "assets" {
  label        = "scenario-assets"
  region       = "fr-par"
  acl          = "private"
  cors_enabled = true
  versioning   = true

  lifecycle_rule {
    id      = "tmp"
    prefix  = "tmp/"
    enabled = true

    expiration {
      days = 7
    }
  }
}

resource "linode_object_storage_key" "assets" {
  label = "scenario-assets"

  bucket_access {
    bucket_name = linode_object_storage_bucket.assets.label
    region      = linode_object_storage_bucket.assets.region
    permissions = "read_write"
  }
}

resource "linode_object_storage_object" "index" {
  bucket       = linode_object_storage_bucket.assets.label
  region       = linode_object_storage_bucket.assets.region
  key          = "index.html"
  content      = "<h1>hello from the scenario</h1>"
  content_type = "text/html"
  access_key   = linode_object_storage_key.assets.access_key
  secret_key   = linode_object_storage_key.assets.secret_key
}

data "linode_object_storage_bucket" "assets" {
  label  = linode_object_storage_bucket.assets.label
  region = "fr-par"
}

output "bucket_hostname" {
  value = data.linode_object_storage_bucket.assets.hostname
}
