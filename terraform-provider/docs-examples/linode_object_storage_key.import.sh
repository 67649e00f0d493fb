# <id>: the secret key cannot be recovered, so `secret_key` stays null after import.
terraform import linode_object_storage_key.ci_reader 1234
