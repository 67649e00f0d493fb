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
}

output "us_endpoints" {
  value = data.linode_object_storage_endpoints.e1_in_us.endpoints[*].s3_endpoint
}
