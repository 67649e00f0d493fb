data "linode_object_storage_bucket" "logs" {
  label  = "acme-logs"
  region = "us-east"
}

output "logs_endpoint" {
  value = data.linode_object_storage_bucket.logs.s3_endpoint
}
