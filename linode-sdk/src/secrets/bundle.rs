//! Bundles: the set of secrets one Kubernetes Secret is made of, declared in YAML.
//!
//! ```yaml
//! name: platform            # Kubernetes Secret name (DNS-1123 subdomain)
//! environment: production
//! namespace: inference      # Kubernetes namespace (DNS-1123 label)
//! scope: strict             # optional: strict (default), namespace-wide or cluster-wide
//! labels: {team: platform}  # optional, copied onto the rendered Secret
//! secrets:
//!   - key: grafana-admin-password        # data key in the Secret
//!     description: Grafana admin login
//!     rotation_period: 90d               # optional
//!     source: platform/grafana-admin     # optional store name, default <name>/<key>
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;

use super::error::{Result, SecretsError};
use super::kube::SealingScope;
use super::period::RotationPeriod;
use super::store::validate_name;

/// A validated bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    /// Name of the rendered Kubernetes Secret.
    pub name: String,
    /// Environment the bundle belongs to (recorded as an annotation).
    pub environment: String,
    /// Kubernetes namespace of the rendered Secret.
    pub namespace: String,
    /// Sealing scope for SealedSecrets.
    pub scope: SealingScope,
    /// Labels copied onto the rendered Secret.
    pub labels: BTreeMap<String, String>,
    /// The secrets, in file order.
    pub secrets: Vec<BundleSecret>,
}

/// One entry of a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleSecret {
    /// Data key in the rendered Secret.
    pub key: String,
    /// What the secret is for.
    pub description: String,
    /// How often it must be rotated, if at all.
    pub rotation_period: Option<RotationPeriod>,
    /// Name of the secret in the store (`<bundle name>/<key>` unless given).
    pub source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBundle {
    name: Option<String>,
    environment: Option<String>,
    namespace: Option<String>,
    scope: Option<String>,
    labels: Option<BTreeMap<String, String>>,
    secrets: Option<Vec<RawSecret>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSecret {
    key: Option<String>,
    description: Option<String>,
    rotation_period: Option<String>,
    source: Option<String>,
}

impl Bundle {
    /// Reads and validates a bundle file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| SecretsError::Io {
            context: format!("reading bundle {}", path.display()),
            source,
        })?;
        Self::from_yaml(&text, &path.display().to_string())
    }

    /// Parses and validates bundle YAML; `origin` (a file name) prefixes every error, and each
    /// error names the offending field, e.g. `secrets[2].rotation_period`.
    pub fn from_yaml(text: &str, origin: &str) -> Result<Self> {
        let err = |field: &str, reason: String| SecretsError::Bundle {
            origin: origin.into(),
            field: field.into(),
            reason,
        };
        let raw: RawBundle = serde_path_to_error::deserialize(
            serde_yaml_ng::Deserializer::from_str(text),
        )
        .map_err(|e| {
            let path = e.path().to_string();
            let field = if path == "." {
                "(document)".to_owned()
            } else {
                path
            };
            err(&field, e.into_inner().to_string())
        })?;
        let required = |value: Option<String>, field: &str| -> Result<String> {
            match value {
                Some(v) if !v.trim().is_empty() => Ok(v),
                _ => Err(err(field, "is required".into())),
            }
        };
        let name = required(raw.name, "name")?;
        check_dns_subdomain(&name).map_err(|r| err("name", r))?;
        let environment = required(raw.environment, "environment")?;
        check_dns_label(&environment).map_err(|r| err("environment", r))?;
        let namespace = required(raw.namespace, "namespace")?;
        check_dns_label(&namespace).map_err(|r| err("namespace", r))?;
        let scope = match raw.scope.as_deref() {
            None => SealingScope::Strict,
            Some(text) => text.parse().map_err(|r: String| err("scope", r))?,
        };
        let labels = raw.labels.unwrap_or_default();
        for (key, value) in &labels {
            check_label(key, value).map_err(|r| err(&format!("labels.{key}"), r))?;
        }
        let raw_secrets = raw.secrets.unwrap_or_default();
        if raw_secrets.is_empty() {
            return Err(err("secrets", "must list at least one secret".into()));
        }
        let mut seen = BTreeSet::new();
        let mut secrets = Vec::with_capacity(raw_secrets.len());
        for (i, entry) in raw_secrets.into_iter().enumerate() {
            let field = |f: &str| format!("secrets[{i}].{f}");
            let key = required(entry.key, &field("key"))?;
            check_data_key(&key).map_err(|r| err(&field("key"), r))?;
            if !seen.insert(key.clone()) {
                return Err(err(&field("key"), format!("duplicate key {key:?}")));
            }
            let description = required(entry.description, &field("description"))?;
            let rotation_period = entry
                .rotation_period
                .map(|p| p.parse::<RotationPeriod>())
                .transpose()
                .map_err(|e| match e {
                    SecretsError::InvalidPeriod { value, reason } => {
                        err(&field("rotation_period"), format!("{value:?}: {reason}"))
                    }
                    other => err(&field("rotation_period"), other.to_string()),
                })?;
            let source = entry.source.unwrap_or_else(|| format!("{name}/{key}"));
            validate_name(&source).map_err(|e| err(&field("source"), e.to_string()))?;
            secrets.push(BundleSecret {
                key,
                description,
                rotation_period,
                source,
            });
        }
        Ok(Self {
            name,
            environment,
            namespace,
            scope,
            labels,
            secrets,
        })
    }
}

/// Kubernetes object names: DNS-1123 subdomain.
pub(crate) fn check_dns_subdomain(name: &str) -> std::result::Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 253
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    ok.then_some(()).ok_or_else(|| {
        format!("{name:?} is not a DNS-1123 subdomain (lower-case letters, digits, '-', '.', at most 253)")
    })
}

/// Kubernetes namespaces: DNS-1123 label.
pub(crate) fn check_dns_label(name: &str) -> std::result::Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    ok.then_some(()).ok_or_else(|| {
        format!("{name:?} is not a DNS-1123 label (lower-case letters, digits, '-', at most 63)")
    })
}

/// Keys of a Secret's `data`.
fn check_data_key(key: &str) -> std::result::Result<(), String> {
    let ok = !key.is_empty()
        && key.len() <= 253
        && key != "."
        && key != ".."
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    ok.then_some(()).ok_or_else(|| {
        format!("{key:?} is not a valid Secret data key (letters, digits, '-', '_', '.')")
    })
}

/// Kubernetes label keys (optionally prefixed) and values.
fn check_label(key: &str, value: &str) -> std::result::Result<(), String> {
    let name = key.rsplit_once('/').map_or(key, |(prefix, name)| {
        if check_dns_subdomain(prefix).is_err() {
            ""
        } else {
            name
        }
    });
    let part = |s: &str, allow_empty: bool| {
        (allow_empty && s.is_empty())
            || (!s.is_empty()
                && s.len() <= 63
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
                && s.starts_with(|c: char| c.is_ascii_alphanumeric())
                && s.ends_with(|c: char| c.is_ascii_alphanumeric()))
    };
    if !part(name, false) {
        return Err(format!("{key:?} is not a valid Kubernetes label key"));
    }
    if !part(value, true) {
        return Err(format!("{value:?} is not a valid Kubernetes label value"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
name: platform
environment: production
namespace: inference
labels:
  team: platform
secrets:
  - key: grafana-admin-password
    description: Grafana admin login
    rotation_period: 90d
  - key: hf_token
    description: Hugging Face token
    source: shared/huggingface-token
"#;

    fn error_of(yaml: &str) -> String {
        Bundle::from_yaml(yaml, "b.yaml").unwrap_err().to_string()
    }

    #[test]
    fn loads_a_valid_bundle() {
        let bundle = Bundle::from_yaml(GOOD, "b.yaml").unwrap();
        assert_eq!(bundle.name, "platform");
        assert_eq!(bundle.namespace, "inference");
        assert_eq!(bundle.scope, SealingScope::Strict);
        assert_eq!(bundle.secrets.len(), 2);
        assert_eq!(bundle.secrets[0].source, "platform/grafana-admin-password");
        assert_eq!(
            bundle.secrets[0].rotation_period.unwrap().to_string(),
            "90d"
        );
        assert_eq!(bundle.secrets[1].source, "shared/huggingface-token");
        assert_eq!(bundle.secrets[1].rotation_period, None);
        assert_eq!(bundle.labels["team"], "platform");
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(
            error_of(&GOOD.replace("rotation_period: 90d", "rotation_period: 9x")),
            "bundle b.yaml: secrets[0].rotation_period: \"9x\": expected a number and a unit m, h, d or w (e.g. 90d)"
        );
        assert_eq!(
            error_of(&GOOD.replace("namespace: inference\n", "")),
            "bundle b.yaml: namespace: is required"
        );
        assert!(
            error_of(&GOOD.replace("    description: Hugging Face token\n", ""))
                .starts_with("bundle b.yaml: secrets[1].description: is required")
        );
        assert!(
            error_of(&GOOD.replace("key: hf_token", "key: grafana-admin-password"))
                .contains("secrets[1].key: duplicate key")
        );
        assert!(
            error_of(&GOOD.replace("name: platform", "name: Platform_1"))
                .starts_with("bundle b.yaml: name: \"Platform_1\" is not a DNS-1123 subdomain")
        );
        assert!(
            error_of(&GOOD.replace("key: hf_token", "key: hf token"))
                .contains("secrets[1].key: \"hf token\" is not a valid Secret data key")
        );
        let unknown = error_of(&GOOD.replace("    rotation_period: 90d", "    rotation: 90d"));
        assert!(
            unknown.starts_with("bundle b.yaml: secrets[0]"),
            "{unknown}"
        );
        assert!(unknown.contains("unknown field `rotation`"), "{unknown}");
        let typed = error_of(&GOOD.replace("rotation_period: 90d", "rotation_period: [90]"));
        assert!(
            typed.starts_with("bundle b.yaml: secrets[0].rotation_period: "),
            "{typed}"
        );
        assert!(
            error_of(&format!("{GOOD}scope: everywhere\n")).starts_with("bundle b.yaml: scope: ")
        );
        assert!(
            error_of("name: a\nenvironment: b\nnamespace: c\nsecrets: []\n")
                .ends_with("secrets: must list at least one secret")
        );
        assert!(
            error_of(&GOOD.replace("team: platform", "team: \"two words\""))
                .contains("labels.team")
        );
    }

    #[test]
    fn scopes_parse() {
        let b = Bundle::from_yaml(&format!("{GOOD}scope: cluster-wide\n"), "b").unwrap();
        assert_eq!(b.scope, SealingScope::ClusterWide);
        let b = Bundle::from_yaml(&format!("{GOOD}scope: namespace-wide\n"), "b").unwrap();
        assert_eq!(b.scope, SealingScope::NamespaceWide);
    }
}
