variable "name" {
  description = "Name prefix for the platform's resources."
  type        = string
  default     = "platform"
}

variable "environment" {
  description = "Environment tag applied to every resource (production, staging, ...)."
  type        = string
  default     = "production"
}

variable "default_region" {
  description = "Region every component is placed in unless region_overrides says otherwise."
  type        = string
  default     = "fr-par"
}

variable "region_overrides" {
  description = "Per-component region overrides; keys: cluster, nodebalancer, buckets."
  type        = map(string)
  default     = {}
}

variable "domain" {
  description = "The DNS zone that fronts the platform."
  type        = string
  default     = "platform.example.com"
}

variable "admin_cidrs_v4" {
  description = "IPv4 addresses or networks allowed to reach the Kubernetes control plane."
  type        = list(string)
  default     = ["203.0.113.0/24"]
}

variable "admin_cidrs_v6" {
  description = "IPv6 addresses or networks allowed to reach the Kubernetes control plane."
  type        = list(string)
  default     = ["2001:db8::/32"]
}

variable "gpu_node_count" {
  description = "Number of GPU nodes serving vLLM."
  type        = number
  default     = 2
}

variable "state_bucket" {
  description = "Label of the versioned bucket that keeps Terraform state."
  type        = string
  default     = "infra-state"
}
