# <domain_id>,<id>
terraform import linode_domain_record.www 1234567,7654321
