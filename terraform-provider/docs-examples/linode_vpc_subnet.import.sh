# <vpc_id>,<id>
terraform import linode_vpc_subnet.web 12345,67890
