# <id>
terraform import linode_firewall.web 12345
