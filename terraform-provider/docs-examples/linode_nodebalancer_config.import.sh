# <nodebalancer_id>,<id>
terraform import linode_nodebalancer_config.https 1234567,7654321
