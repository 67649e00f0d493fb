# The platform bundle as a SealedSecret for the cluster's sealed-secrets controller: ciphertext
# only, so it can be applied by GitOps or committed. Reading it needs LINODE_SECRETS_KEY.
data "linode_sealed_secret" "platform" {
  bucket      = "platform-secrets"
  region      = "us-mia"
  bundle_yaml = file("${path.module}/bundles/platform.yaml")
  certificate = file("${path.module}/controller.pem") # kubeseal --fetch-cert
  namespace   = "inference"
}

resource "local_file" "platform_sealed_secret" {
  filename = "${path.module}/gitops/platform-sealedsecret.yaml"
  content  = data.linode_sealed_secret.platform.manifest
}
