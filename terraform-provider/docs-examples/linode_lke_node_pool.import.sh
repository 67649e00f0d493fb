# <cluster_id>,<id>
terraform import linode_lke_node_pool.gpu 12345,67890
