//! Data source `linode_secret_bundle`: which secrets of a bundle exist and which are due, no
//! values.

use linode_sdk::secrets::{Bundle, SecretStore, SecretsError};
use serde::{Deserialize, Serialize};
use tfplugin::data_source::{DataSourceReadRequest, DataSourceReadResponse};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::{DataSource, Diagnostics, Type, Val, async_trait};

use crate::secrets::{DEFAULT_PREFIX, Location, OpenStore, location_attrs, store_error};
use crate::common;

/// The data source.
pub struct BundleDataSource;

#[derive(Serialize, Deserialize, Default)]
struct BundleData {
    id: Val<String>,
    bucket: Val<String>,
    region: Val<String>,
    prefix: Val<String>,
    access_key: Val<String>,
    secret_key: Val<String>,
    bundle_yaml: Val<String>,
    name: Val<String>,
    environment: Val<String>,
    namespace: Val<String>,
    keys: Val<Vec<BundleKey>>,
    missing: Val<Vec<String>>,
    due: Val<Vec<String>>,
}

#[derive(Serialize, Deserialize, Default)]
struct BundleKey {
    key: Val<String>,
    description: Val<String>,
    source: Val<String>,
    rotation_period: Val<String>,
    present: Val<bool>,
    version_id: Val<String>,
    due: Val<bool>,
}

/// Parses `bundle_yaml`, recording errors on it.
pub(crate) fn parse_bundle(text: Option<&String>, diags: &mut Diagnostics) -> Option<Bundle> {
    match Bundle::from_yaml(text.map(String::as_str).unwrap_or_default(), "bundle_yaml") {
        Ok(b) => Some(b),
        Err(e) => {
            store_error(diags, "Invalid bundle", &e);
            None
        }
    }
}

/// The status of every key of `bundle` in `store`.
async fn statuses<B: linode_sdk::secrets::ObjectBackend>(
    store: &SecretStore<B>,
    bundle: &Bundle,
) -> Result<Vec<BundleKey>, SecretsError> {
    let now = time::OffsetDateTime::now_utc();
    let mut out = Vec::with_capacity(bundle.secrets.len());
    for entry in &bundle.secrets {
        let mut k = BundleKey {
            key: Val::Known(entry.key.clone()),
            description: Val::Known(entry.description.clone()),
            source: Val::Known(entry.source.clone()),
            rotation_period: entry.rotation_period.map(|p| p.to_string()).into(),
            present: Val::Known(false),
            version_id: Val::Null,
            due: Val::Known(false),
        };
        match store.metadata(&entry.source, None).await {
            Ok(meta) => {
                // The bundle's period wins over the stored one.
                let period = entry.rotation_period.or(meta.rotation_period);
                k.present = Val::Known(true);
                k.version_id = meta.version_id.clone().into();
                k.due = Val::Known(period.is_some_and(|p| meta.rotated + p.duration() <= now));
            }
            Err(SecretsError::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
        out.push(k);
    }
    Ok(out)
}

#[async_trait]
impl DataSource for BundleDataSource {
    fn type_name(&self) -> &str {
        "linode_secret_bundle"
    }

    fn schema(&self) -> Schema {
        let schema = Schema::new().description(
            "The status of a secrets bundle (the YAML declaration of one Kubernetes Secret): which of its \
             secrets exist in the store and which are due for rotation. Reads metadata only: no master key \
             is needed and no value is exposed.",
        );
        location_attrs(schema, false)
            .attr("id", Attribute::string().computed().description("`<bucket>/<prefix>` and the bundle's name."))
            .attr(
                "bundle_yaml",
                Attribute::string()
                    .required()
                    .description("The bundle YAML (e.g. `file(\"bundles/platform.yaml\")`)."),
            )
            .attr("name", Attribute::string().computed().description("The name of the Kubernetes Secret."))
            .attr("environment", Attribute::string().computed().description("The bundle's environment."))
            .attr("namespace", Attribute::string().computed().description("The Kubernetes namespace."))
            .attr(
                "keys",
                Attribute::list(Type::object([
                    ("key", Type::String),
                    ("description", Type::String),
                    ("source", Type::String),
                    ("rotation_period", Type::String),
                    ("present", Type::Bool),
                    ("version_id", Type::String),
                    ("due", Type::Bool),
                ]))
                .computed()
                .description(
                    "Every key of the bundle in file order: key, description, source (the secret's name in the \
                     store), rotation_period, present (the secret exists), version_id (its latest version) and \
                     due (its rotation period, from the bundle or else the store, has elapsed).",
                ),
            )
            .attr(
                "missing",
                Attribute::list(Type::String).computed().description("Keys whose secret does not exist in the store."),
            )
            .attr("due", Attribute::list(Type::String).computed().description("Keys whose secret is due for rotation."))
    }

    async fn read(&self, req: DataSourceReadRequest, resp: &mut DataSourceReadResponse) {
        let diags = &mut resp.diagnostics;
        let Some(state) = common::state(&req.ctx, diags) else { return };
        let Some(mut m) = req.config_as::<BundleData>(diags) else { return };
        let Some(bundle) = parse_bundle(m.bundle_yaml.get(), diags) else { return };
        let loc = Location {
            region: m.region.get().map(String::as_str).unwrap_or_default(),
            bucket: m.bucket.get().map(String::as_str).unwrap_or_default(),
            prefix: m.prefix.get().map(String::as_str).unwrap_or(DEFAULT_PREFIX),
            access_key: m.access_key.get().map(String::as_str),
            secret_key: m.secret_key.get().map(String::as_str),
        };
        let Some(open) = OpenStore::open_existing(state, &req.ctx, &loc, diags).await else { return };
        let found = statuses(&open.store, &bundle).await;
        let id = format!("{}/{}{}", loc.bucket, open.store.object_key(""), bundle.name);
        open.close(diags).await;
        let keys = match found {
            Ok(k) => k,
            Err(e) => return store_error(diags, "Unable to read the bundle's secrets", &e),
        };
        let pick = |f: &dyn Fn(&BundleKey) -> bool| -> Vec<String> {
            keys.iter().filter(|k| f(k)).filter_map(|k| k.key.get().cloned()).collect()
        };
        m.missing = Val::Known(pick(&|k| k.present.get() == Some(&false)));
        m.due = Val::Known(pick(&|k| k.due.get() == Some(&true)));
        m.id = Val::Known(id);
        m.name = Val::Known(bundle.name.clone());
        m.environment = Val::Known(bundle.environment.clone());
        m.namespace = Val::Known(bundle.namespace.clone());
        m.keys = Val::Known(keys);
        resp.set_state(&m);
    }
}
