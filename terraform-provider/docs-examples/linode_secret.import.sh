# <region>:<bucket>:<prefix>:<name>, or <region>:<bucket>:<name> for the default prefix secrets/
terraform import linode_secret.grafana_admin us-mia:platform-secrets:secrets/:platform/grafana-admin-password
