# How many buckets the account has at the us-east-1 endpoint, and how many it may have.
data "linode_object_storage_quota" "buckets" {
  quota_id = "obj-buckets-us-east-1.linodeobjects.com"
}

output "buckets_left" {
  value = data.linode_object_storage_quota.buckets.quota_usage.quota_limit - data.linode_object_storage_quota.buckets.quota_usage.usage
}
