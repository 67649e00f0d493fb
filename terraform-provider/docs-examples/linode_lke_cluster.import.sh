terraform import linode_lke_cluster.prod 12345
