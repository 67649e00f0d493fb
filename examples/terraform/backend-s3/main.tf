# Terraform state kept in the platform's versioned `infra-state` bucket through Terraform's own
# s3 backend (Terraform >= 1.6 option names). Settings that differ per installation are given
# at init time, see backend.hcl.example:
#
#   terraform init -backend-config=backend.hcl
#
# Against the emulator the acceptance suite passes its endpoint and keys the same way.

terraform {
  required_providers {
    linode = {
      source = "linode-rs/linode"
    }
  }

  backend "s3" {
    bucket = "infra-state"
    key    = "stacks/dns/terraform.tfstate"

    # Linode Object Storage is S3-compatible, not AWS: skip the AWS-only checks.
    region                      = "fr-par"
    use_path_style              = true
    skip_credentials_validation = true
    skip_region_validation      = true
    skip_requesting_account_id  = true
    skip_metadata_api_check     = true
    skip_s3_checksum            = true
    use_lockfile                = true
  }
}

provider "linode" {}

resource "linode_domain" "stack" {
  domain    = "state.example.org"
  type      = "master"
  soa_email = "hostmaster@state.example.org"
}
