//! Data source `linode_secret`: a secret's metadata, never its value.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tfplugin::data_source::{DataSourceReadRequest, DataSourceReadResponse};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::{DataSource, Type, Val, async_trait};

use crate::secrets::{DEFAULT_PREFIX, Location, OpenStore, location_attrs, rfc3339, store_error};
use crate::common;

/// The data source.
pub struct SecretDataSource;

#[derive(Serialize, Deserialize, Default)]
struct SecretData {
    id: Val<String>,
    bucket: Val<String>,
    region: Val<String>,
    prefix: Val<String>,
    access_key: Val<String>,
    secret_key: Val<String>,
    name: Val<String>,
    version: Val<String>,
    version_id: Val<String>,
    revision: Val<i64>,
    key_id: Val<String>,
    created: Val<String>,
    updated: Val<String>,
    rotated: Val<String>,
    rotation_period: Val<String>,
    rotation_due_at: Val<String>,
    due: Val<bool>,
    labels: Val<BTreeMap<String, String>>,
}

#[async_trait]
impl DataSource for SecretDataSource {
    fn type_name(&self) -> &str {
        "linode_secret"
    }

    fn schema(&self) -> Schema {
        let schema = Schema::new().description(
            "The metadata of a secret in the secret store (versions, dates, rotation, labels). Reads object \
             metadata only: no master key is needed and the value is never exposed (use the `linode_secret` \
             ephemeral resource for that).",
        );
        let computed = |d: &str| Attribute::string().computed().description(d.to_string());
        location_attrs(schema, false)
            .attr("id", computed("`<bucket>/<prefix><name>`."))
            .attr("name", Attribute::string().required().description("The secret's name in the store."))
            .attr(
                "version",
                Attribute::string().optional().description("An object version id to describe instead of the latest."),
            )
            .attr("version_id", computed("The object version id described."))
            .attr("revision", Attribute::number().computed().description("1 for the first version, one more per version."))
            .attr("key_id", computed("The fingerprint of the master key the value is encrypted with."))
            .attr("created", computed("When the first version was written (RFC 3339)."))
            .attr("updated", computed("When this version was written (RFC 3339)."))
            .attr("rotated", computed("When the value last changed (RFC 3339); rotation is due from here."))
            .attr("rotation_period", computed("The rotation period (e.g. `90d`), null when none."))
            .attr("rotation_due_at", computed("When rotation is due (RFC 3339), null without a rotation period."))
            .attr("due", Attribute::bool().computed().description("Whether the rotation period has elapsed."))
            .attr("labels", Attribute::map(Type::String).computed().description("The secret's labels."))
    }

    async fn read(&self, req: DataSourceReadRequest, resp: &mut DataSourceReadResponse) {
        let diags = &mut resp.diagnostics;
        let Some(state) = common::state(&req.ctx, diags) else { return };
        let Some(mut m) = req.config_as::<SecretData>(diags) else { return };
        let loc = Location {
            region: m.region.get().map(String::as_str).unwrap_or_default(),
            bucket: m.bucket.get().map(String::as_str).unwrap_or_default(),
            prefix: m.prefix.get().map(String::as_str).unwrap_or(DEFAULT_PREFIX),
            access_key: m.access_key.get().map(String::as_str),
            secret_key: m.secret_key.get().map(String::as_str),
        };
        let Some(open) = OpenStore::open_existing(state, &req.ctx, &loc, diags).await else { return };
        let name = m.name.get().cloned().unwrap_or_default();
        let found = open.store.metadata(&name, m.version.get().map(String::as_str)).await;
        let id = format!("{}/{}", loc.bucket, open.store.object_key(&name));
        open.close(diags).await;
        let (meta, due_at) = match found.and_then(|meta| meta.rotation_due_at().map(|due| (meta, due))) {
            Ok(found) => found,
            Err(e) => return store_error(diags, "Unable to read the secret's metadata", &e),
        };
        let now = time::OffsetDateTime::now_utc();
        m.id = Val::Known(id);
        m.version_id = meta.version_id.clone().into();
        m.revision = Val::Known(meta.revision as i64);
        m.key_id = Val::Known(meta.key_id.clone());
        m.created = Val::Known(rfc3339(meta.created));
        m.updated = Val::Known(rfc3339(meta.updated));
        m.rotated = Val::Known(rfc3339(meta.rotated));
        m.rotation_period = meta.rotation_period.map(|p| p.to_string()).into();
        m.rotation_due_at = due_at.map(rfc3339).into();
        m.due = Val::Known(due_at.is_some_and(|at| at <= now));
        m.labels = Val::Known(meta.labels.clone());
        resp.set_state(&m);
    }
}
