//! Ephemeral resource `linode_secret`: a secret's value for this run only, never stored.

use serde::{Deserialize, Serialize};
use tfplugin::ephemeral::{OpenRequest, OpenResponse};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::{EphemeralResource, Val, async_trait};

use super::{DEFAULT_PREFIX, Location, OpenStore, location_attrs, master_key, rfc3339, store_error};
use crate::common;

/// The ephemeral resource.
pub struct SecretEphemeral;

#[derive(Serialize, Deserialize, Default)]
struct SecretOpen {
    bucket: Val<String>,
    region: Val<String>,
    prefix: Val<String>,
    access_key: Val<String>,
    secret_key: Val<String>,
    name: Val<String>,
    version: Val<String>,
    value: Val<String>,
    version_id: Val<String>,
    key_id: Val<String>,
    updated: Val<String>,
}

#[async_trait]
impl EphemeralResource for SecretEphemeral {
    fn type_name(&self) -> &str {
        "linode_secret"
    }

    fn schema(&self) -> Schema {
        let schema = Schema::new().description(
            "Reads and decrypts a secret's value with the master key (LINODE_SECRETS_KEY) for this Terraform \
             run only (Terraform 1.10 or later): the value is never written to the plan or the state. Use it \
             in provider blocks, write-only attributes or other ephemeral contexts.",
        );
        location_attrs(schema, false)
            .attr("name", Attribute::string().required().description("The secret's name in the store."))
            .attr(
                "version",
                Attribute::string().optional().description("An object version id to read instead of the latest."),
            )
            .attr(
                "value",
                Attribute::string().computed().sensitive().description("The decrypted value (UTF-8 text)."),
            )
            .attr("version_id", Attribute::string().computed().description("The object version id read."))
            .attr("key_id", Attribute::string().computed().description("The fingerprint of the master key used."))
            .attr("updated", Attribute::string().computed().description("When this version was written (RFC 3339)."))
    }

    async fn open(&self, req: OpenRequest, resp: &mut OpenResponse) {
        let diags = &mut resp.diagnostics;
        let Some(state) = common::state(&req.ctx, diags) else { return };
        let Some(mut m) = req.config_as::<SecretOpen>(diags) else { return };
        let Some(key) = master_key(diags) else { return };
        let loc = Location {
            region: m.region.get().map(String::as_str).unwrap_or_default(),
            bucket: m.bucket.get().map(String::as_str).unwrap_or_default(),
            prefix: m.prefix.get().map(String::as_str).unwrap_or(DEFAULT_PREFIX),
            access_key: m.access_key.get().map(String::as_str),
            secret_key: m.secret_key.get().map(String::as_str),
        };
        let Some(open) = OpenStore::open_existing(state, &req.ctx, &loc, diags).await else { return };
        let name = m.name.get().cloned().unwrap_or_default();
        let found = open.store.get(&key, &name, m.version.get().map(String::as_str)).await;
        open.close(diags).await;
        let secret = match found {
            Ok(s) => s,
            Err(e) => return store_error(diags, "Unable to read the secret", &e),
        };
        let Some(text) = secret.value.expose_str() else {
            diags.error_at(
                "name",
                "Secret value is not text",
                format!("Secret {name:?} holds binary data; Terraform strings must be UTF-8."),
            );
            return;
        };
        m.value = Val::Known(text.to_string());
        m.version_id = secret.metadata.version_id.clone().into();
        m.key_id = Val::Known(secret.metadata.key_id.clone());
        m.updated = Val::Known(rfc3339(secret.metadata.updated));
        resp.set_result(&m);
    }
}
