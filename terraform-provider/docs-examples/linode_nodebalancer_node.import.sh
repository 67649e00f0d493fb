# <nodebalancer_id>,<config_id>,<id>
terraform import 'linode_nodebalancer_node.backend[0]' 1234567,7654321,1111111
