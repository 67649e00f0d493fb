locals {
  region = {
    cluster      = lookup(var.region_overrides, "cluster", var.default_region)
    nodebalancer = lookup(var.region_overrides, "nodebalancer", var.default_region)
    buckets      = lookup(var.region_overrides, "buckets", var.default_region)
  }
  tags = ["platform", var.environment]

  # Hostnames served by the ingress NodeBalancer.
  ingress_hosts = toset(["app", "api", "grafana", "argocd"])
}

# ---------------------------------------------------------------------------------------------
# Kubernetes
# ---------------------------------------------------------------------------------------------

data "linode_lke_versions" "available" {}

resource "linode_lke_cluster" "platform" {
  label       = "${var.name}-lke"
  region      = local.region.cluster
  # element() rather than versions[0]: Terraform 1.0 cannot index a nested attribute directly.
  k8s_version = element(data.linode_lke_versions.available.versions, 0).id
  tags        = local.tags

  control_plane {
    high_availability = true

    acl {
      enabled = true
      addresses {
        ipv4 = var.admin_cidrs_v4
        ipv6 = var.admin_cidrs_v6
      }
    }
  }

  # General workloads: the cluster autoscaler keeps between 3 and 10 nodes.
  pool {
    label       = "baseline"
    type        = "g6-standard-8"
    count       = 3
    tags        = ["baseline"]
    firewall_id = linode_firewall.nodes.id

    autoscaler {
      min = 3
      max = 10
    }

    labels = {
      "platform/pool" = "baseline"
    }
  }

  # vLLM inference: GPU nodes that only GPU workloads may schedule on.
  pool {
    label       = "gpu"
    type        = "g1-gpu-rtx6000-1"
    count       = var.gpu_node_count
    tags        = ["gpu"]
    firewall_id = linode_firewall.nodes.id

    labels = {
      "platform/pool"  = "gpu"
      "platform/model" = "vllm"
    }

    taint {
      key    = "nvidia.com/gpu"
      value  = "present"
      effect = "NoSchedule"
    }
  }

  timeouts {
    create = "30m"
  }
}

# ---------------------------------------------------------------------------------------------
# Ingress
# ---------------------------------------------------------------------------------------------

resource "linode_nodebalancer" "ingress" {
  label                = "${var.name}-ingress"
  region               = local.region.nodebalancer
  client_conn_throttle = 20
  tags                 = local.tags
}

resource "linode_nodebalancer_config" "http" {
  nodebalancer_id = linode_nodebalancer.ingress.id
  port            = 80
  protocol        = "tcp"
  algorithm       = "roundrobin"
  check           = "connection"
  check_interval  = 10
  check_timeout   = 5
  check_attempts  = 3
}

resource "linode_nodebalancer_config" "https" {
  nodebalancer_id = linode_nodebalancer.ingress.id
  port            = 443
  protocol        = "tcp"
  algorithm       = "leastconn"
  proxy_protocol  = "v2"
  check           = "connection"
  check_interval  = 10
  check_timeout   = 5
  check_attempts  = 3
}

# ---------------------------------------------------------------------------------------------
# Edge: Cloud Firewalls (see README.md, "The edge")
# ---------------------------------------------------------------------------------------------

# The ingress NodeBalancer accepts HTTP and HTTPS from anywhere and nothing else: every other
# inbound packet meets the DROP policy. Outbound stays open (health checks and proxied traffic
# to the nodes).
resource "linode_firewall" "ingress" {
  label           = "${var.name}-ingress"
  tags            = local.tags
  inbound_policy  = "DROP"
  outbound_policy = "ACCEPT"

  inbound {
    label       = "http"
    description = "HTTP to the ingress (redirected to HTTPS by the ingress controller)"
    action      = "ACCEPT"
    protocol    = "TCP"
    ports       = "80"
    ipv4        = ["0.0.0.0/0"]
    ipv6        = ["::/0"]
  }

  inbound {
    label       = "https"
    description = "HTTPS to the ingress"
    action      = "ACCEPT"
    protocol    = "TCP"
    ports       = "443"
    ipv4        = ["0.0.0.0/0"]
    ipv6        = ["::/0"]
  }

  nodebalancers = [linode_nodebalancer.ingress.id]
}

# The node pools accept only what LKE nodes need, and only from Linode's private network
# (192.168.128.0/17: the nodes' private addresses, the control plane's and the NodeBalancers'
# back-end addresses). Nothing from the Internet reaches a node directly: user traffic comes
# through the ingress NodeBalancer, the API server through LKE's own tunnel. LKE attaches this
# firewall to every node of a pool whose `firewall_id` names it, including nodes the autoscaler
# adds later, so `linodes` is left unset here.
resource "linode_firewall" "nodes" {
  label           = "${var.name}-nodes"
  tags            = local.tags
  inbound_policy  = "DROP"
  outbound_policy = "ACCEPT"

  # The control plane reaches each kubelet (logs, exec, metrics) on 10250.
  inbound {
    label    = "kubelet"
    action   = "ACCEPT"
    protocol = "TCP"
    ports    = "10250"
    ipv4     = ["192.168.128.0/17"]
  }

  # The WireGuard tunnel between the control plane and the nodes.
  inbound {
    label    = "wireguard"
    action   = "ACCEPT"
    protocol = "UDP"
    ports    = "51820"
    ipv4     = ["192.168.128.0/17"]
  }

  # Calico, the pod network: BGP between nodes on 179, and pod traffic in IP-in-IP.
  inbound {
    label    = "calico-bgp"
    action   = "ACCEPT"
    protocol = "TCP"
    ports    = "179"
    ipv4     = ["192.168.128.0/17"]
  }

  inbound {
    label    = "calico-ipip"
    action   = "ACCEPT"
    protocol = "IPENCAP"
    ipv4     = ["192.168.128.0/17"]
  }

  # NodePort services: the ingress NodeBalancer forwards to the ingress controller's NodePorts
  # from its private back-end addresses (192.168.255.0/24, inside the range above).
  inbound {
    label    = "nodeports-tcp"
    action   = "ACCEPT"
    protocol = "TCP"
    ports    = "30000-32767"
    ipv4     = ["192.168.128.0/17"]
  }

  inbound {
    label    = "nodeports-udp"
    action   = "ACCEPT"
    protocol = "UDP"
    ports    = "30000-32767"
    ipv4     = ["192.168.128.0/17"]
  }
}

# ---------------------------------------------------------------------------------------------
# DNS
# ---------------------------------------------------------------------------------------------

resource "linode_domain" "platform" {
  domain    = var.domain
  type      = "master"
  soa_email = "hostmaster@${var.domain}"
  ttl_sec   = 300
  tags      = local.tags
}

resource "linode_domain_record" "ingress_v4" {
  for_each = local.ingress_hosts

  domain_id   = linode_domain.platform.id
  name        = each.key
  record_type = "A"
  target      = linode_nodebalancer.ingress.ipv4
  ttl_sec     = 300
}

resource "linode_domain_record" "ingress_v6" {
  for_each = local.ingress_hosts

  domain_id   = linode_domain.platform.id
  name        = each.key
  record_type = "AAAA"
  target      = linode_nodebalancer.ingress.ipv6
  ttl_sec     = 300
}

resource "linode_domain_record" "caa" {
  domain_id   = linode_domain.platform.id
  name        = ""
  record_type = "CAA"
  tag         = "issue"
  target      = "letsencrypt.org"
}

# ---------------------------------------------------------------------------------------------
# Object Storage
# ---------------------------------------------------------------------------------------------

# Terraform state for every stack of the platform (see ../backend-s3); versions keep history.
resource "linode_object_storage_bucket" "infra_state" {
  label      = var.state_bucket
  region     = local.region.buckets
  acl        = "private"
  versioning = true
}

# Analytics exports are only useful for a month.
resource "linode_object_storage_bucket" "analytics_exports" {
  label  = "${var.name}-analytics-exports"
  region = local.region.buckets
  acl    = "private"

  lifecycle_rule {
    id      = "expire-exports"
    enabled = true
    prefix  = "exports/"

    expiration {
      days = 30
    }

    abort_incomplete_multipart_upload_days = 3
  }
}

resource "linode_object_storage_bucket" "backups" {
  label      = "${var.name}-backups"
  region     = local.region.buckets
  acl        = "private"
  versioning = true

  lifecycle_rule {
    id      = "prune-old-versions"
    enabled = true

    noncurrent_version_expiration {
      days = 90
    }
  }
}

# The key the platform's workloads use: limited to the platform's buckets.
resource "linode_object_storage_key" "platform" {
  label = "${var.name}-workloads"

  dynamic "bucket_access" {
    for_each = {
      state     = linode_object_storage_bucket.infra_state
      analytics = linode_object_storage_bucket.analytics_exports
      backups   = linode_object_storage_bucket.backups
    }
    content {
      bucket_name = bucket_access.value.label
      region      = bucket_access.value.region
      permissions = bucket_access.key == "state" ? "read_only" : "read_write"
    }
  }
}

# ---------------------------------------------------------------------------------------------
# Secrets
# ---------------------------------------------------------------------------------------------

# The secret manager's store: client-side-encrypted secrets, one object version per secret
# version (see infra/secrets/README.md). Values are written by operators with `linode-secrets`
# or by `linode_secret` resources; this configuration only reads metadata.
resource "linode_object_storage_bucket" "secrets" {
  label      = "${var.name}-secrets"
  region     = local.region.buckets
  acl        = "private"
  versioning = true
}

# The platform's secret bundle (infra/secrets/bundles/platform.yaml): which keys exist in the
# store, which are missing, which are due for rotation. Metadata only: no value reaches state.
data "linode_secret_bundle" "platform" {
  bucket      = linode_object_storage_bucket.secrets.label
  region      = linode_object_storage_bucket.secrets.region
  bundle_yaml = file("${path.module}/secrets-bundle.yaml")
}
