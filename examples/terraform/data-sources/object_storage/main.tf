# The Object Storage data sources: a bucket, the (deprecated) cluster, endpoints narrowed and
# ordered, and the account's quotas, one by id.
terraform {
  required_providers {
    linode = { source = "linode-rs/linode" }
  }
}

resource "linode_object_storage_bucket" "logs" {
  label  = "ds-logs"
  region = "us-east"
}

data "linode_object_storage_bucket" "logs" {
  label      = linode_object_storage_bucket.logs.label
  region     = "us-east"
  depends_on = [linode_object_storage_bucket.logs]
}

data "linode_object_storage_cluster" "primary" {
  id = "us-east-1"
}

data "linode_object_storage_endpoints" "e1_in_us" {
  filter {
    name     = "region"
    values   = ["us-"]
    match_by = "substring"
  }

  filter {
    name   = "endpoint_type"
    values = ["E1"]
  }

  order_by = "region"
}

data "linode_object_storage_endpoints" "by_regex" {
  filter {
    name     = "region"
    values   = ["^(fr|nl)-"]
    match_by = "re"
  }
}

data "linode_object_storage_quotas" "buckets" {
  filter {
    name   = "resource_metric"
    values = ["bucket"]
  }
}

data "linode_object_storage_quota" "first" {
  quota_id = element(data.linode_object_storage_quotas.buckets.quotas, 0).quota_id
}

output "bucket_endpoint" {
  value = data.linode_object_storage_bucket.logs.s3_endpoint
}

output "cluster_region" {
  value = data.linode_object_storage_cluster.primary.region
}

output "us_e1_regions" {
  value = data.linode_object_storage_endpoints.e1_in_us.endpoints[*].region
}

output "fr_nl_regions" {
  value = data.linode_object_storage_endpoints.by_regex.endpoints[*].region
}

output "bucket_limits" {
  value = { for q in data.linode_object_storage_quotas.buckets.quotas : q.quota_id => q.quota_limit }
}

output "first_quota_usage" {
  value = data.linode_object_storage_quota.first.quota_usage
}

check "filters_select_the_right_endpoints" {
  assert {
    condition     = data.linode_object_storage_cluster.primary.region == "us-east"
    error_message = "us-east-1 is in us-east"
  }

  assert {
    condition     = join(",", data.linode_object_storage_endpoints.e1_in_us.endpoints[*].region) == join(",", sort(data.linode_object_storage_endpoints.e1_in_us.endpoints[*].region))
    error_message = "ordered by region"
  }

  assert {
    condition     = alltrue([for e in data.linode_object_storage_endpoints.by_regex.endpoints : can(regex("^(fr|nl)-", e.region))])
    error_message = "the regular expression selects fr- and nl- regions only"
  }
}
