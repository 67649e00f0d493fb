terraform import linode_domain.example 1234567
