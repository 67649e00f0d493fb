# <region>:<bucket>/<key>
terraform import linode_object_storage_object.robots us-east:acme-logs/site/robots.txt
