# <id>
terraform import linode_vpc.app 12345
