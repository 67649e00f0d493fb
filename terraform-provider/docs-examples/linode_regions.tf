# Regions in the US that offer both NodeBalancers and GPU Linodes.
data "linode_regions" "us_gpu" {
  filter {
    name   = "country"
    values = ["us"]
  }

  filter {
    name   = "capabilities"
    values = ["NodeBalancers"]
  }

  filter {
    name   = "capabilities"
    values = ["GPU Linodes"]
  }
}

output "region_ids" {
  value = data.linode_regions.us_gpu.regions[*].id
}
