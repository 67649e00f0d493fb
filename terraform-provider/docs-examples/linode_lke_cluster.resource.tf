resource "linode_lke_cluster" "prod" {
  label       = "prod"
  k8s_version = "1.33"
  region      = "us-east"
  tags        = ["prod"]

  # Pools created by linode_lke_node_pool carry this tag; the cluster ignores them.
  external_pool_tags = ["external"]

  pool {
    label = "system"
    type  = "g6-standard-2"
    count = 3
  }

  # Autoscaled pool: no count needed (starts at autoscaler.min); the autoscaler's
  # changes to the live node count never show as drift.
  pool {
    label = "workers"
    type  = "g6-dedicated-4"

    autoscaler {
      min = 2
      max = 10
    }

    labels = {
      "workload" = "batch"
    }

    taint {
      effect = "NoSchedule"
      key    = "workload"
      value  = "batch"
    }
  }

  control_plane {
    high_availability = true

    acl {
      enabled = true
      addresses {
        ipv4 = ["203.0.113.0/24"]
      }
    }
  }

  timeouts {
    create = "45m"
  }
}

output "kubeconfig" {
  value     = base64decode(linode_lke_cluster.prod.kubeconfig)
  sensitive = true
}
