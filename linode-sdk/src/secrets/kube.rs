//! Kubernetes manifests: plain `Secret`s and Bitnami `SealedSecret`s.
//!
//! Sealing follows sealed-secrets' `HybridEncrypt` (pkg/crypto/crypto.go): for each value a
//! random 32-byte AES session key; RSA-OAEP with SHA-256 (and MGF1-SHA-256) encrypts the session
//! key with the scope label as OAEP label; AES-256-GCM with an all-zero 12-byte nonce (the key is
//! used once) encrypts the value. The output is the 2-byte big-endian length of the RSA
//! ciphertext, the RSA ciphertext, then the AES-GCM ciphertext and tag, in standard base64.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use aes_gcm::aead::{Aead as _, KeyInit as _};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore as _;
use rsa::pkcs1::DecodeRsaPublicKey as _;
use rsa::pkcs8::DecodePublicKey as _;
use rsa::traits::PublicKeyParts as _;
use rsa::{Oaep, RsaPublicKey};
use serde::Serialize;
use sha2::Sha256;
use x509_cert::der::{DecodePem as _, Encode as _};
use zeroize::{Zeroize as _, Zeroizing};

use super::bundle::Bundle;
use super::error::{Result, SecretsError};
use super::key::SecretValue;

/// Annotation that makes a SealedSecret cluster-wide.
pub const CLUSTER_WIDE_ANNOTATION: &str = "sealedsecrets.bitnami.com/cluster-wide";
/// Annotation that makes a SealedSecret namespace-wide.
pub const NAMESPACE_WIDE_ANNOTATION: &str = "sealedsecrets.bitnami.com/namespace-wide";
/// Label set on every rendered object.
pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
/// Annotation recording the bundle's environment.
pub const ENVIRONMENT_ANNOTATION: &str = "linode-secrets/environment";

const SESSION_KEY_LEN: usize = 32;

/// Where a SealedSecret may be unsealed; it decides the OAEP label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SealingScope {
    /// Only as this name in this namespace: label `<namespace>/<name>`.
    #[default]
    Strict,
    /// Under any name in this namespace: label `<namespace>`.
    NamespaceWide,
    /// Anywhere: empty label.
    ClusterWide,
}

impl SealingScope {
    /// The OAEP label for a secret `name` in `namespace`.
    pub fn label(self, namespace: &str, name: &str) -> String {
        match self {
            Self::Strict => format!("{namespace}/{name}"),
            Self::NamespaceWide => namespace.to_owned(),
            Self::ClusterWide => String::new(),
        }
    }

    /// The annotations that tell the controller this scope (none for strict).
    pub fn annotations(self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        match self {
            Self::Strict => {}
            Self::NamespaceWide => {
                out.insert(NAMESPACE_WIDE_ANNOTATION.to_owned(), "true".to_owned());
            }
            Self::ClusterWide => {
                out.insert(CLUSTER_WIDE_ANNOTATION.to_owned(), "true".to_owned());
            }
        }
        out
    }
}

impl fmt::Display for SealingScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Strict => "strict",
            Self::NamespaceWide => "namespace-wide",
            Self::ClusterWide => "cluster-wide",
        })
    }
}

impl FromStr for SealingScope {
    type Err = String;

    fn from_str(text: &str) -> std::result::Result<Self, String> {
        match text {
            "strict" => Ok(Self::Strict),
            "namespace-wide" => Ok(Self::NamespaceWide),
            "cluster-wide" => Ok(Self::ClusterWide),
            other => Err(format!(
                "{other:?} is not a sealing scope (strict, namespace-wide or cluster-wide)"
            )),
        }
    }
}

/// The sealed-secrets controller's public key, from its certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealingCertificate {
    key: RsaPublicKey,
}

impl SealingCertificate {
    /// Reads PEM: an X.509 `CERTIFICATE` with an RSA key (what `kubeseal --fetch-cert` prints),
    /// or a bare `PUBLIC KEY` / `RSA PUBLIC KEY`.
    pub fn from_pem(pem: &str) -> Result<Self> {
        let bad =
            |what: &str, e: &dyn fmt::Display| SecretsError::Certificate(format!("{what}: {e}"));
        let key = if pem.contains("-----BEGIN CERTIFICATE-----") {
            let cert = x509_cert::Certificate::from_pem(pem.trim().as_bytes())
                .map_err(|e| bad("not a PEM X.509 certificate", &e))?;
            let spki = cert
                .tbs_certificate
                .subject_public_key_info
                .to_der()
                .map_err(|e| bad("re-encoding the public key", &e))?;
            RsaPublicKey::from_public_key_der(&spki)
                .map_err(|e| bad("the certificate's key is not an RSA public key", &e))?
        } else if pem.contains("-----BEGIN PUBLIC KEY-----") {
            RsaPublicKey::from_public_key_pem(pem.trim())
                .map_err(|e| bad("not an RSA public key", &e))?
        } else if pem.contains("-----BEGIN RSA PUBLIC KEY-----") {
            RsaPublicKey::from_pkcs1_pem(pem.trim())
                .map_err(|e| bad("not an RSA public key", &e))?
        } else {
            return Err(SecretsError::Certificate(
                "expected a PEM CERTIFICATE (or PUBLIC KEY) block".into(),
            ));
        };
        if key.size() < 256 {
            return Err(SecretsError::Certificate(format!(
                "RSA key of {} bits is too small (at least 2048)",
                key.size() * 8
            )));
        }
        Ok(Self { key })
    }

    /// Wraps an RSA public key directly (no size check, for tests and callers that have one).
    pub fn from_public_key(key: RsaPublicKey) -> Self {
        Self { key }
    }

    /// The RSA public key.
    pub fn public_key(&self) -> &RsaPublicKey {
        &self.key
    }

    /// Seals one value for `label` with the sealed-secrets hybrid scheme; raw bytes (not base64).
    pub fn hybrid_encrypt(&self, plaintext: &[u8], label: &str) -> Result<Vec<u8>> {
        let mut session_key = Zeroizing::new([0u8; SESSION_KEY_LEN]);
        rand::rng().fill_bytes(session_key.as_mut());
        let rsa_ciphertext = self
            .key
            .encrypt(
                &mut rsa::rand_core::OsRng,
                Oaep::new_with_label::<Sha256, _>(label),
                session_key.as_ref(),
            )
            .map_err(|e| SecretsError::Seal {
                key: label.into(),
                reason: e.to_string(),
            })?;
        let length = u16::try_from(rsa_ciphertext.len()).map_err(|_| SecretsError::Seal {
            key: label.into(),
            reason: "RSA ciphertext longer than 65535 bytes".into(),
        })?;
        let aes = Aes256Gcm::new_from_slice(session_key.as_ref()).expect("32-byte key");
        let sealed = aes
            .encrypt(Nonce::from_slice(&[0u8; 12]), plaintext)
            .expect("AES-GCM encryption of an in-memory value cannot fail");
        let mut out = Vec::with_capacity(2 + rsa_ciphertext.len() + sealed.len());
        out.extend_from_slice(&length.to_be_bytes());
        out.extend_from_slice(&rsa_ciphertext);
        out.extend_from_slice(&sealed);
        Ok(out)
    }
}

#[derive(Serialize)]
struct ObjectMeta {
    name: String,
    namespace: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<String, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SecretManifest {
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMeta,
    #[serde(rename = "type")]
    secret_type: &'static str,
    data: BTreeMap<String, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SealedSecretManifest {
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMeta,
    spec: SealedSecretSpec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SealedSecretSpec {
    encrypted_data: BTreeMap<String, String>,
    template: SecretTemplate,
}

#[derive(Serialize)]
struct SecretTemplate {
    metadata: ObjectMeta,
    #[serde(rename = "type")]
    secret_type: &'static str,
}

fn metadata(bundle: &Bundle, name: &str, extra: BTreeMap<String, String>) -> ObjectMeta {
    let mut labels = bundle.labels.clone();
    labels.insert(MANAGED_BY_LABEL.into(), "linode-secrets".into());
    let mut annotations = extra;
    annotations.insert(ENVIRONMENT_ANNOTATION.into(), bundle.environment.clone());
    ObjectMeta {
        name: name.into(),
        namespace: bundle.namespace.clone(),
        labels,
        annotations,
    }
}

fn values_in_order<'a>(
    bundle: &Bundle,
    values: &'a BTreeMap<String, SecretValue>,
) -> Result<Vec<(&'a str, &'a SecretValue)>> {
    if let Some(extra) = values
        .keys()
        .find(|k| !bundle.secrets.iter().any(|s| &s.key == *k))
    {
        return Err(SecretsError::Render(format!(
            "{extra:?} is not a key of bundle {}",
            bundle.name
        )));
    }
    bundle
        .secrets
        .iter()
        .map(|s| {
            values
                .get_key_value(&s.key)
                .map(|(k, v)| (k.as_str(), v))
                .ok_or_else(|| {
                    SecretsError::Render(format!(
                        "no value for key {} (secret {})",
                        s.key, s.source
                    ))
                })
        })
        .collect()
}

fn check_name(name: &str) -> Result<()> {
    super::bundle::check_dns_subdomain(name).map_err(SecretsError::Render)
}

/// Renders a `v1` `Secret` (YAML) holding every key of `bundle`, `data` in base64.
/// `name` overrides the bundle's name. The output holds the secret values: handle with care.
pub fn render_secret(
    bundle: &Bundle,
    name: Option<&str>,
    values: &BTreeMap<String, SecretValue>,
) -> Result<Zeroizing<String>> {
    let name = name.unwrap_or(&bundle.name);
    check_name(name)?;
    let data = values_in_order(bundle, values)?
        .into_iter()
        .map(|(k, v)| (k.to_owned(), STANDARD.encode(v.expose())))
        .collect();
    let mut manifest = SecretManifest {
        api_version: "v1",
        kind: "Secret",
        metadata: metadata(bundle, name, BTreeMap::new()),
        secret_type: "Opaque",
        data,
    };
    let out = serde_yaml_ng::to_string(&manifest).map_err(|e| SecretsError::Render(e.to_string()));
    manifest.data.values_mut().for_each(|v| v.zeroize());
    out.map(Zeroizing::new)
}

/// Renders a `bitnami.com/v1alpha1` `SealedSecret` (YAML) for `bundle`, every value sealed for
/// `cert` under `scope` (scope annotations are added for non-strict scopes). `name` overrides
/// the bundle's name. The output holds no clear value.
pub fn render_sealed_secret(
    bundle: &Bundle,
    name: Option<&str>,
    values: &BTreeMap<String, SecretValue>,
    cert: &SealingCertificate,
    scope: SealingScope,
) -> Result<String> {
    let name = name.unwrap_or(&bundle.name);
    check_name(name)?;
    let label = scope.label(&bundle.namespace, name);
    let mut encrypted_data = BTreeMap::new();
    for (key, value) in values_in_order(bundle, values)? {
        let sealed = cert
            .hybrid_encrypt(value.expose(), &label)
            .map_err(|e| match e {
                SecretsError::Seal { reason, .. } => SecretsError::Seal {
                    key: key.into(),
                    reason,
                },
                other => other,
            })?;
        encrypted_data.insert(key.to_owned(), STANDARD.encode(sealed));
    }
    let manifest = SealedSecretManifest {
        api_version: "bitnami.com/v1alpha1",
        kind: "SealedSecret",
        metadata: metadata(bundle, name, scope.annotations()),
        spec: SealedSecretSpec {
            encrypted_data,
            template: SecretTemplate {
                metadata: metadata(bundle, name, scope.annotations()),
                secret_type: "Opaque",
            },
        },
    };
    serde_yaml_ng::to_string(&manifest).map_err(|e| SecretsError::Render(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::RsaPrivateKey;

    const CERT: &str = include_str!("testdata/controller-cert.pem");
    const PUBKEY: &str = include_str!("testdata/controller-pubkey.pem");

    fn bundle() -> Bundle {
        Bundle::from_yaml(
            "name: platform\nenvironment: production\nnamespace: inference\nsecrets:\n  - key: a\n    description: A\n  - key: b\n    description: B\n",
            "t",
        )
        .unwrap()
    }

    fn values() -> BTreeMap<String, SecretValue> {
        BTreeMap::from([
            ("a".to_owned(), "alpha".into()),
            ("b".to_owned(), SecretValue::new(vec![0, 255, 10])),
        ])
    }

    /// The controller's side of the scheme, written from the format description.
    fn hybrid_decrypt(key: &RsaPrivateKey, data: &[u8], label: &str) -> Option<Vec<u8>> {
        let len = usize::from(u16::from_be_bytes([data[0], data[1]]));
        let session = key
            .decrypt(Oaep::new_with_label::<Sha256, _>(label), &data[2..2 + len])
            .ok()?;
        Aes256Gcm::new_from_slice(&session)
            .ok()?
            .decrypt(Nonce::from_slice(&[0u8; 12]), &data[2 + len..])
            .ok()
    }

    fn test_key() -> RsaPrivateKey {
        RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 1024).unwrap()
    }

    #[test]
    fn certificate_and_public_key_pem_give_the_same_key() {
        let from_cert = SealingCertificate::from_pem(CERT).unwrap();
        let from_key = SealingCertificate::from_pem(PUBKEY).unwrap();
        assert_eq!(from_cert, from_key);
        assert_eq!(from_cert.public_key().size(), 256);
        let err = SealingCertificate::from_pem("hello")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("sealing certificate: expected a PEM CERTIFICATE"),
            "{err}"
        );
        let broken = CERT.replace("MIID", "MIIE");
        assert!(SealingCertificate::from_pem(&broken).is_err());
    }

    #[test]
    fn hybrid_layout_and_labels() {
        let private = test_key();
        let cert = SealingCertificate::from_public_key(private.to_public_key());
        let sealed = cert.hybrid_encrypt(b"value", "inference/platform").unwrap();
        assert_eq!(&sealed[..2], &128u16.to_be_bytes());
        assert_eq!(sealed.len(), 2 + 128 + 5 + 16);
        assert_eq!(
            hybrid_decrypt(&private, &sealed, "inference/platform").unwrap(),
            b"value"
        );
        assert!(hybrid_decrypt(&private, &sealed, "inference/other").is_none());
        assert!(hybrid_decrypt(&private, &sealed, "").is_none());
        let cluster = cert.hybrid_encrypt(b"v", "").unwrap();
        assert_eq!(hybrid_decrypt(&private, &cluster, "").unwrap(), b"v");
    }

    #[test]
    fn scope_labels_and_annotations() {
        assert_eq!(SealingScope::Strict.label("ns", "n"), "ns/n");
        assert_eq!(SealingScope::NamespaceWide.label("ns", "n"), "ns");
        assert_eq!(SealingScope::ClusterWide.label("ns", "n"), "");
        assert!(SealingScope::Strict.annotations().is_empty());
        assert_eq!(
            SealingScope::ClusterWide.annotations()[CLUSTER_WIDE_ANNOTATION],
            "true"
        );
        assert_eq!(
            SealingScope::NamespaceWide.annotations()[NAMESPACE_WIDE_ANNOTATION],
            "true"
        );
        assert_eq!(
            "cluster-wide".parse::<SealingScope>().unwrap(),
            SealingScope::ClusterWide
        );
    }

    #[test]
    fn renders_a_plain_secret() {
        let yaml = render_secret(&bundle(), None, &values()).unwrap();
        let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&yaml).unwrap();
        assert_eq!(doc["apiVersion"], "v1");
        assert_eq!(doc["kind"], "Secret");
        assert_eq!(doc["type"], "Opaque");
        assert_eq!(doc["metadata"]["name"], "platform");
        assert_eq!(doc["metadata"]["namespace"], "inference");
        assert_eq!(
            doc["metadata"]["labels"][MANAGED_BY_LABEL],
            "linode-secrets"
        );
        assert_eq!(
            doc["metadata"]["annotations"][ENVIRONMENT_ANNOTATION],
            "production"
        );
        assert_eq!(doc["data"]["a"], "YWxwaGE=");
        assert_eq!(doc["data"]["b"], "AP8K");
        let renamed = render_secret(&bundle(), Some("other"), &values()).unwrap();
        assert!(renamed.contains("name: other"));
    }

    #[test]
    fn missing_or_extra_values_are_errors() {
        let mut partial = values();
        partial.remove("b");
        let err = render_secret(&bundle(), None, &partial)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "rendering manifest: no value for key b (secret platform/b)"
        );
        let mut extra = values();
        extra.insert("zz".into(), "x".into());
        assert!(
            render_secret(&bundle(), None, &extra)
                .unwrap_err()
                .to_string()
                .contains("\"zz\"")
        );
        assert!(render_secret(&bundle(), Some("Bad_Name"), &values()).is_err());
    }

    #[test]
    fn renders_a_sealed_secret_per_scope() {
        let private = test_key();
        let cert = SealingCertificate::from_public_key(private.to_public_key());
        for (scope, label) in [
            (SealingScope::Strict, "inference/platform"),
            (SealingScope::NamespaceWide, "inference"),
            (SealingScope::ClusterWide, ""),
        ] {
            let yaml = render_sealed_secret(&bundle(), None, &values(), &cert, scope).unwrap();
            assert!(!yaml.contains("YWxwaGE=") && !yaml.contains(": alpha"));
            let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&yaml).unwrap();
            assert_eq!(doc["apiVersion"], "bitnami.com/v1alpha1");
            assert_eq!(doc["kind"], "SealedSecret");
            assert_eq!(doc["metadata"]["name"], "platform");
            assert_eq!(
                doc["spec"]["template"]["metadata"]["namespace"],
                "inference"
            );
            assert_eq!(doc["spec"]["template"]["type"], "Opaque");
            for (annotation, wanted) in [
                (CLUSTER_WIDE_ANNOTATION, scope == SealingScope::ClusterWide),
                (
                    NAMESPACE_WIDE_ANNOTATION,
                    scope == SealingScope::NamespaceWide,
                ),
            ] {
                let present = doc["metadata"]["annotations"].get(annotation).is_some();
                assert_eq!(present, wanted, "{scope} {annotation}");
            }
            let a = STANDARD
                .decode(doc["spec"]["encryptedData"]["a"].as_str().unwrap())
                .unwrap();
            let b = STANDARD
                .decode(doc["spec"]["encryptedData"]["b"].as_str().unwrap())
                .unwrap();
            assert_eq!(hybrid_decrypt(&private, &a, label).unwrap(), b"alpha");
            assert_eq!(
                hybrid_decrypt(&private, &b, label).unwrap(),
                vec![0, 255, 10]
            );
        }
    }
}
