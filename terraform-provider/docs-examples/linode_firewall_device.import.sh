# <firewall_id>,<id>
terraform import linode_firewall_device.web 12345,67890
