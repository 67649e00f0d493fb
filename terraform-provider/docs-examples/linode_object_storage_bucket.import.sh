# <region>:<label> (a deprecated cluster id such as us-east-1 is accepted too)
terraform import linode_object_storage_bucket.logs us-east:acme-logs
