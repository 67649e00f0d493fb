# The bucket-count quota of every endpoint.
data "linode_object_storage_quotas" "buckets" {
  filter {
    name   = "resource_metric"
    values = ["bucket"]
  }
}

output "bucket_limits" {
  value = { for q in data.linode_object_storage_quotas.buckets.quotas : q.s3_endpoint => q.quota_limit }
}
