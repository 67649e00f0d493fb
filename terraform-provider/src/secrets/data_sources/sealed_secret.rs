//! Data source `linode_sealed_secret`: a bundle rendered as a Bitnami SealedSecret manifest.

use linode_sdk::secrets::{SealingCertificate, SealingScope, render_sealed_secret};
use serde::{Deserialize, Serialize};
use tfplugin::data_source::{DataSourceReadRequest, DataSourceReadResponse};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::{DataSource, Val, async_trait, validators};

use super::secret_bundle::parse_bundle;
use crate::secrets::{DEFAULT_PREFIX, Location, OpenStore, location_attrs, master_key, store_error};
use crate::common;

/// The data source.
pub struct SealedSecretDataSource;

#[derive(Serialize, Deserialize, Default)]
struct SealedData {
    id: Val<String>,
    bucket: Val<String>,
    region: Val<String>,
    prefix: Val<String>,
    access_key: Val<String>,
    secret_key: Val<String>,
    bundle_yaml: Val<String>,
    certificate: Val<String>,
    name: Val<String>,
    namespace: Val<String>,
    scope: Val<String>,
    manifest: Val<String>,
}

#[async_trait]
impl DataSource for SealedSecretDataSource {
    fn type_name(&self) -> &str {
        "linode_sealed_secret"
    }

    fn schema(&self) -> Schema {
        let schema = Schema::new().description(
            "A secrets bundle rendered as a Bitnami `SealedSecret` manifest for a sealed-secrets controller: \
             every value is read from the store with the master key (LINODE_SECRETS_KEY) and sealed for the \
             controller's certificate, so the manifest holds ciphertext only and may be kept in the state or \
             committed. Sealing is randomised: the manifest text changes on every read even when the values \
             do not.",
        );
        location_attrs(schema, false)
            .attr("id", Attribute::string().computed().description("`<namespace>/<name>` of the SealedSecret."))
            .attr(
                "bundle_yaml",
                Attribute::string()
                    .required()
                    .description("The bundle YAML (e.g. `file(\"bundles/platform.yaml\")`)."),
            )
            .attr(
                "certificate",
                Attribute::string()
                    .required()
                    .description("The sealed-secrets controller's certificate, PEM (`kubeseal --fetch-cert`)."),
            )
            .attr("name", Attribute::string().optional().description("The Secret's name (default: the bundle's name)."))
            .attr(
                "namespace",
                Attribute::string().optional().description("The Secret's namespace (default: the bundle's namespace)."),
            )
            .attr(
                "scope",
                Attribute::string()
                    .optional()
                    .validate(validators::one_of(&["strict", "namespace-wide", "cluster-wide"]))
                    .description(
                        "The sealing scope: strict (name and namespace bound), namespace-wide or cluster-wide \
                         (default: the bundle's scope, strict unless it says otherwise).",
                    ),
            )
            .attr("manifest", Attribute::string().computed().description("The SealedSecret manifest (YAML)."))
    }

    async fn read(&self, req: DataSourceReadRequest, resp: &mut DataSourceReadResponse) {
        let diags = &mut resp.diagnostics;
        let Some(state) = common::state(&req.ctx, diags) else { return };
        let Some(mut m) = req.config_as::<SealedData>(diags) else { return };
        let Some(mut bundle) = parse_bundle(m.bundle_yaml.get(), diags) else { return };
        if let Some(ns) = m.namespace.get() {
            bundle.namespace = ns.clone();
        }
        let scope = match m.scope.get().map(|s| s.parse::<SealingScope>()) {
            Some(Ok(s)) => s,
            Some(Err(e)) => return diags.error_at("scope", "Invalid scope", e),
            None => bundle.scope,
        };
        let cert = match SealingCertificate::from_pem(m.certificate.get().map(String::as_str).unwrap_or_default()) {
            Ok(c) => c,
            Err(e) => return store_error(diags, "Invalid certificate", &e),
        };
        let Some(key) = master_key(diags) else { return };
        let loc = Location {
            region: m.region.get().map(String::as_str).unwrap_or_default(),
            bucket: m.bucket.get().map(String::as_str).unwrap_or_default(),
            prefix: m.prefix.get().map(String::as_str).unwrap_or(DEFAULT_PREFIX),
            access_key: m.access_key.get().map(String::as_str),
            secret_key: m.secret_key.get().map(String::as_str),
        };
        let Some(open) = OpenStore::open_existing(state, &req.ctx, &loc, diags).await else { return };
        let values = open.store.bundle_values(&key, &bundle).await;
        open.close(diags).await;
        let values = match values {
            Ok(v) => v,
            Err(e) => return store_error(diags, "Unable to read the bundle's secrets", &e),
        };
        let name = m.name.get().cloned();
        match render_sealed_secret(&bundle, name.as_deref(), &values, &cert, scope) {
            Ok(manifest) => {
                m.id = Val::Known(format!("{}/{}", bundle.namespace, name.as_deref().unwrap_or(&bundle.name)));
                m.manifest = Val::Known(manifest);
                resp.set_state(&m);
            }
            Err(e) => store_error(diags, "Unable to render the SealedSecret", &e),
        }
    }
}
