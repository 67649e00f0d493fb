//! Secrets: the `linode_secret` resource (write-only value), metadata and bundle data sources,
//! the SealedSecret data source and the `linode_secret` ephemeral resource.
//!
//! Linode has no secrets API: secrets live in a versioned Object Storage bucket, encrypted on
//! this machine before upload ([`linode_sdk::secrets`]). S3 credentials resolve like every Object
//! Storage resource ([`crate::object_storage::S3Session`]); the master key comes from
//! `LINODE_SECRETS_KEY` and is only read by the operations that encrypt or decrypt. Values never
//! reach logs or diagnostics.

mod data_sources;
mod ephemeral;
mod secret;

use std::sync::Arc;

use linode_sdk::s3::S3Client;
use linode_sdk::secrets::{MASTER_KEY_ENV, MasterKey, SecretStore, SecretsError};
use tfplugin::schema::Attribute;
use tfplugin::{AttributePath, DataSource, Diagnostics, EphemeralResource, Resource, validators};

use crate::LinodeState;
use crate::object_storage::{KeySource, S3Session};

/// This family's resources.
pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![Arc::new(secret::SecretResource)]
}

/// This family's data sources.
pub fn data_sources() -> Vec<Arc<dyn DataSource>> {
    vec![
        Arc::new(data_sources::secret::SecretDataSource),
        Arc::new(data_sources::secret_bundle::BundleDataSource),
        Arc::new(data_sources::sealed_secret::SealedSecretDataSource),
    ]
}

/// This family's ephemeral resources.
pub fn ephemeral_resources() -> Vec<Arc<dyn EphemeralResource>> {
    vec![Arc::new(ephemeral::SecretEphemeral)]
}

/// The default key prefix of secrets in the bucket.
pub(crate) const DEFAULT_PREFIX: &str = "secrets/";

/// What to tell users when no master key is set.
const MISSING_KEY_HELP: &str = "This needs the secrets master key, and none is set. Export \
     LINODE_SECRETS_KEY (32 bytes, base64 or 64 hex digits; `linode-secrets generate-key` makes one) \
     in the environment Terraform runs in. The key never goes into the configuration or the state.";

/// The master key from `lookup(LINODE_SECRETS_KEY)`, or an error diagnostic (which never quotes
/// the key text).
pub(crate) fn master_key_from(lookup: impl Fn(&str) -> Option<String>, diags: &mut Diagnostics) -> Option<MasterKey> {
    match lookup(MASTER_KEY_ENV) {
        Some(text) if !text.trim().is_empty() => match MasterKey::parse(&text) {
            Ok(key) => Some(key),
            Err(e) => {
                diags.error("Invalid secrets master key", format!("{MASTER_KEY_ENV}: {e}"));
                None
            }
        },
        _ => {
            diags.error("Secrets master key not set", MISSING_KEY_HELP);
            None
        }
    }
}

tokio::task_local! {
    static MASTER_KEY_TEXT: Option<String>;
}

/// Runs `f` with `key` (hex or base64 text; `None`: no key) as the secrets master key instead of
/// the `LINODE_SECRETS_KEY` environment variable, for the operations `f` runs on this task only.
/// For programs that embed the provider (and tests, which cannot change the environment of a
/// process whose tests run in parallel).
pub async fn with_master_key<F: std::future::Future>(key: Option<String>, f: F) -> F::Output {
    MASTER_KEY_TEXT.scope(key, f).await
}

/// The master key: the one given to [`with_master_key`] for this task, else `LINODE_SECRETS_KEY`
/// (read per operation, never stored).
pub(crate) fn master_key(diags: &mut Diagnostics) -> Option<MasterKey> {
    match MASTER_KEY_TEXT.try_with(Clone::clone) {
        Ok(text) => master_key_from(|_| text.clone(), diags),
        Err(_) => master_key_from(|name| std::env::var(name).ok(), diags),
    }
}

/// Where a store lives and how to reach it.
pub(crate) struct Location<'a> {
    pub region: &'a str,
    pub bucket: &'a str,
    pub prefix: &'a str,
    pub access_key: Option<&'a str>,
    pub secret_key: Option<&'a str>,
}

/// An open store with the S3 session behind it (close it to revoke a temporary key).
pub(crate) struct OpenStore {
    pub store: SecretStore<S3Client>,
    session: S3Session,
}

impl OpenStore {
    /// Opens the store: finds the bucket's S3 endpoint through the REST API (`GET
    /// /object-storage/buckets/<region>/<bucket>`), then resolves S3 credentials like the Object
    /// Storage resources do. A missing bucket is `Ok(None)` with no diagnostic (callers decide).
    pub async fn open(
        state: &LinodeState,
        ctx: &tfplugin::Context,
        loc: &Location<'_>,
        diags: &mut Diagnostics,
    ) -> Result<Option<OpenStore>, ()> {
        let bucket = match state.client.object_storage().get_bucket_opt(loc.region, loc.bucket).await {
            Ok(Some(b)) => b,
            Ok(None) => return Ok(None),
            Err(e) => {
                crate::common::api_error_plain(diags, "Unable to read the secrets bucket", &e);
                return Err(());
            }
        };
        let endpoint = bucket.s3_endpoint_host();
        match S3Session::open(state, ctx, &endpoint, loc.region, loc.bucket, loc.access_key, loc.secret_key).await {
            Ok(session) => {
                if session.source == KeySource::Temporary {
                    // A fresh temporary key may be refused for a moment: wait until the bucket
                    // answers through the session's 403 retry before the store uses the client.
                    let bucket = loc.bucket.to_string();
                    let warm = session
                        .call(|s3| {
                            let bucket = bucket.clone();
                            async move { s3.get_bucket_versioning(&bucket).await }
                        })
                        .await;
                    if let Err(e) = warm {
                        crate::common::api_error_plain(diags, "Unable to reach the secrets bucket over S3", &e);
                        session.close(diags).await;
                        return Err(());
                    }
                }
                let store = SecretStore::new(session.client.clone(), loc.bucket, loc.prefix);
                Ok(Some(OpenStore { store, session }))
            }
            Err(msg) => {
                diags.error_at("access_key", "Unable to reach the secrets bucket over S3", msg);
                Err(())
            }
        }
    }

    /// Like [`open`](Self::open), with a missing bucket as an error on `bucket`.
    pub async fn open_existing(
        state: &LinodeState,
        ctx: &tfplugin::Context,
        loc: &Location<'_>,
        diags: &mut Diagnostics,
    ) -> Option<OpenStore> {
        match Self::open(state, ctx, loc, diags).await {
            Ok(Some(s)) => Some(s),
            Ok(None) => {
                diags.error_at(
                    "bucket",
                    "Secrets bucket not found",
                    format!("Bucket {:?} does not exist in region {:?}.", loc.bucket, loc.region),
                );
                None
            }
            Err(()) => None,
        }
    }

    /// Revokes the temporary key, if any.
    pub async fn close(self, diags: &mut Diagnostics) {
        self.session.close(diags).await;
    }
}

/// Records a secret-store error on the attribute it is about. Store errors never hold values.
pub(crate) fn store_error(diags: &mut Diagnostics, summary: &str, err: &SecretsError) {
    let attr = match err {
        SecretsError::BucketMissing { .. } | SecretsError::VersioningNotEnabled { .. } => Some("bucket"),
        SecretsError::InvalidName { .. } | SecretsError::NotFound { .. } => Some("name"),
        SecretsError::InvalidLabel { .. } => Some("labels"),
        SecretsError::InvalidPeriod { .. } => Some("rotation_period"),
        SecretsError::Bundle { .. } => Some("bundle_yaml"),
        SecretsError::Certificate(_) => Some("certificate"),
        _ => None,
    };
    let mut detail = err.to_string();
    if let SecretsError::WrongKey { .. } = err {
        detail.push_str(
            ". Export the master key this secret was written with as LINODE_SECRETS_KEY, or re-wrap the store \
             with `linode-secrets rewrap`.",
        );
    }
    match attr {
        Some(a) => diags.error_at(AttributePath::new(a), summary, detail),
        None => diags.error(summary, detail),
    }
}

/// Formats a time as RFC 3339.
pub(crate) fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// Validator: a rotation period such as `90d`.
pub(crate) fn rotation_period_validator() -> impl tfplugin::validators::Validator {
    validators::from_fn("must be a rotation period such as 30d, 12w or 6m", |v| match v.as_str() {
        Some(s) => s
            .parse::<linode_sdk::secrets::RotationPeriod>()
            .map(|_| ())
            .map_err(|e| format!("Invalid rotation period {s:?}: {e}")),
        None => Ok(()),
    })
}

/// The location attributes shared by every schema of the family (bucket, region, prefix and the
/// optional S3 keys). `replace` marks them as forcing replacement (the resource).
pub(crate) fn location_attrs(schema: tfplugin::schema::Schema, replace: bool) -> tfplugin::schema::Schema {
    let rep = |a: Attribute| if replace { a.requires_replace() } else { a };
    let prefix = Attribute::string().optional().description(
        "The key prefix of the secret store in the bucket (default `secrets/`; a trailing `/` is added when missing).",
    );
    let prefix = if replace { prefix.computed().default(DEFAULT_PREFIX).requires_replace() } else { prefix };
    schema
        .attr(
            "bucket",
            rep(Attribute::string()
                .required()
                .description("The versioned Object Storage bucket holding the secret store (versioning must be Enabled).")),
        )
        .attr(
            "region",
            rep(Attribute::string()
                .required()
                .description("The bucket's region (e.g. `us-mia`); its S3 endpoint is looked up through the API.")),
        )
        .attr("prefix", prefix)
        .attr(
            "access_key",
            Attribute::string().optional().sensitive().description(
                "The S3 access key to use; defaults to the provider's `obj_access_key` (or a temporary key with `obj_use_temp_keys`).",
            ),
        )
        .attr(
            "secret_key",
            Attribute::string()
                .optional()
                .sensitive()
                .description("The S3 secret key to use; defaults to the provider's `obj_secret_key`."),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn master_key_is_required_and_never_quoted() {
        let mut diags = Diagnostics::new();
        assert!(master_key_from(|_| None, &mut diags).is_none());
        assert!(diags.to_string().contains("LINODE_SECRETS_KEY"), "{diags}");

        let mut diags = Diagnostics::new();
        assert!(master_key_from(|_| Some("not-a-key-zzzz".into()), &mut diags).is_none());
        assert!(diags.has_errors());
        assert!(!diags.to_string().contains("not-a-key-zzzz"), "{diags}");

        let mut diags = Diagnostics::new();
        let hex = "ab".repeat(32);
        assert!(master_key_from(|_| Some(hex.clone()), &mut diags).is_some());
        assert!(!diags.has_errors());
    }
}
