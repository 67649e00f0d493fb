# The region data sources: one region by id, and the regions narrowed by filters of each kind.
terraform {
  required_providers {
    linode = { source = "linode-rs/linode" }
  }
}

data "linode_region" "paris" {
  id = "fr-par"
}

# Exact: regions offering GPUs in the US.
data "linode_regions" "us_gpu" {
  filter {
    name   = "capabilities"
    values = ["GPU Linodes"]
  }
  filter {
    name   = "country"
    values = ["us"]
  }
}

# Substring and regular expression.
data "linode_regions" "frankfurt" {
  filter {
    name     = "label"
    values   = ["Frankfurt"]
    match_by = "substring"
  }
}

data "linode_regions" "core_eu" {
  filter {
    name     = "id"
    values   = ["^(fr|de|nl|se|it|es|gb)-"]
    match_by = "re"
  }
  filter {
    name   = "site_type"
    values = ["core"]
  }
}

output "paris_capabilities" {
  value = data.linode_region.paris.capabilities
}

output "us_gpu_regions" {
  value = [for r in data.linode_regions.us_gpu.regions : r.id]
}

output "frankfurt_regions" {
  value = [for r in data.linode_regions.frankfurt.regions : r.id]
}

output "core_eu_regions" {
  value = [for r in data.linode_regions.core_eu.regions : r.id]
}
