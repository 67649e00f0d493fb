resource "linode_object_storage_object" "robots" {
  bucket       = linode_object_storage_bucket.logs.label
  region       = linode_object_storage_bucket.logs.region
  key          = "site/robots.txt"
  content      = "User-agent: *\nDisallow: /\n"
  content_type = "text/plain"
  metadata = {
    owner = "web-team"
  }
}

# Binary content from a local file; a change of the file uploads it again.
resource "linode_object_storage_object" "logo" {
  bucket = linode_object_storage_bucket.logs.label
  region = linode_object_storage_bucket.logs.region
  key    = "site/logo.png"
  source = "${path.module}/logo.png"
  acl    = "public-read"
}
