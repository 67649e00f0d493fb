//! Resource `linode_secret`: one secret of the store, its value write-only.

use std::collections::BTreeMap;

use linode_sdk::secrets::{PutOptions, RotationPeriod, SecretMetadata, SecretValue, SecretsError};
use serde::{Deserialize, Serialize};
use tfplugin::resource::{
    ApplyResponse, CreateRequest, DeleteRequest, ImportRequest, ImportResponse, ModifyPlanRequest, ReadRequest,
    ReadResponse, UpdateRequest, ValidateRequest,
};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::{Diagnostics, Resource, Type, Val, Value, async_trait};

use super::{DEFAULT_PREFIX, Location, OpenStore, location_attrs, master_key, rfc3339, store_error};
use crate::LinodeState;
use crate::common;
use crate::object_storage::{MISSING_KEYS_HELP, check_obj_region, key_source};

/// The resource.
pub struct SecretResource;

#[derive(Serialize, Deserialize, Clone, Default)]
struct SecretModel {
    id: Val<String>,
    bucket: Val<String>,
    region: Val<String>,
    prefix: Val<String>,
    name: Val<String>,
    value: Val<String>,
    value_wo: Val<String>,
    value_wo_version: Val<i64>,
    rotation_period: Val<String>,
    labels: Val<BTreeMap<String, String>>,
    access_key: Val<String>,
    secret_key: Val<String>,
    version_id: Val<String>,
    created: Val<String>,
    updated: Val<String>,
    key_id: Val<String>,
}

fn s(v: &Val<String>) -> &str {
    v.get().map(String::as_str).unwrap_or_default()
}

impl SecretModel {
    fn location(&self) -> Location<'_> {
        Location {
            region: s(&self.region),
            bucket: s(&self.bucket),
            prefix: self.prefix.get().map(String::as_str).unwrap_or(DEFAULT_PREFIX),
            access_key: self.access_key.get().map(String::as_str),
            secret_key: self.secret_key.get().map(String::as_str),
        }
    }

    /// Fills the computed attributes from a written or read version.
    fn fill(&mut self, id: String, meta: &SecretMetadata) {
        self.id = Val::Known(id);
        self.version_id = meta.version_id.clone().into();
        self.created = Val::Known(rfc3339(meta.created));
        self.updated = Val::Known(rfc3339(meta.updated));
        self.key_id = Val::Known(meta.key_id.clone());
        // Keep the configured spelling when it means the same period ("90d" vs "90D").
        let same = self.rotation_period.get().and_then(|p| p.parse::<RotationPeriod>().ok()) == meta.rotation_period;
        if !(same && self.rotation_period.is_known()) {
            self.rotation_period = meta.rotation_period.map(|p| p.to_string()).into();
        }
        // The state never holds the write-only value.
        self.value_wo = Val::Null;
    }
}

/// The value to write: `value_wo` (only in the configuration) or `value`.
fn configured_value(config: &SecretModel, diags: &mut Diagnostics) -> Option<SecretValue> {
    let (attr, v) = if !config.value_wo.is_null() { ("value_wo", &config.value_wo) } else { ("value", &config.value) };
    match v {
        Val::Known(v) => Some(SecretValue::from(v.as_str())),
        Val::Unknown => {
            diags.error_at(attr, "Secret value not known", "The secret value is still unknown at apply time.");
            None
        }
        Val::Null => {
            diags.error_at("value_wo", "Missing secret value", "Set `value_wo` (Terraform 1.11 or later) or `value`.");
            None
        }
    }
}

fn put_options(plan: &SecretModel) -> PutOptions {
    PutOptions {
        rotation_period: plan.rotation_period.get().and_then(|p| p.parse().ok()),
        // Labels are replaced as configured (none configured: none kept).
        labels: Some(plan.labels.get().cloned().unwrap_or_default()),
    }
}

/// Writes a new version with the configured value; fills `plan`'s computed attributes.
async fn write(
    state: &LinodeState,
    ctx: &tfplugin::Context,
    config: &SecretModel,
    plan: &mut SecretModel,
    creating: bool,
    diags: &mut Diagnostics,
) {
    let Some(key) = master_key(diags) else { return };
    let Some(value) = configured_value(config, diags) else { return };
    let Some(open) = OpenStore::open_existing(state, ctx, &plan.location(), diags).await else { return };
    let name = s(&plan.name).to_string();
    if creating {
        match open.store.metadata(&name, None).await {
            Ok(_) => {
                diags.error_at(
                    "name",
                    "Secret already exists",
                    format!(
                        "Secret {name:?} already exists in bucket {:?}. Import it (`terraform import` with id \
                         `{}:{}:{}:{name}`) instead of creating it again.",
                        s(&plan.bucket),
                        s(&plan.region),
                        s(&plan.bucket),
                        plan.location().prefix,
                    ),
                );
                open.close(diags).await;
                return;
            }
            Err(SecretsError::NotFound { .. }) => {}
            Err(e) => {
                store_error(diags, "Unable to read the secret", &e);
                open.close(diags).await;
                return;
            }
        }
    }
    match open.store.put(&key, &name, &value, put_options(plan)).await {
        Ok(meta) => {
            let id = format!("{}/{}", s(&plan.bucket), open.store.object_key(&name));
            plan.fill(id, &meta);
        }
        Err(e) => store_error(diags, "Unable to write the secret", &e),
    }
    open.close(diags).await;
}

#[async_trait]
impl Resource for SecretResource {
    fn type_name(&self) -> &str {
        "linode_secret"
    }

    fn schema(&self) -> Schema {
        let schema = Schema::new().description(
            "A secret in the secret store: a versioned Object Storage bucket holding values encrypted on this \
             machine with the master key from LINODE_SECRETS_KEY (Linode has no secrets API). Each apply that \
             writes the value adds an object version; destroying leaves a delete marker so the history stays \
             readable. Give the value with the write-only `value_wo` (Terraform 1.11 or later: it never lands in \
             the plan or the state) and bump `value_wo_version` to write a new one; older Terraform uses the \
             sensitive `value`, which is kept in the state. The provider only reads metadata when refreshing: \
             a version written outside Terraform shows as a new `version_id`; with `value` the configured value \
             is then written again, with `value_wo` bump `value_wo_version` to do so.",
        );
        location_attrs(schema, true)
            .attr(
                "id",
                Attribute::string()
                    .computed()
                    .use_state_for_unknown()
                    .description("The secret's object: `<bucket>/<prefix><name>`."),
            )
            .attr(
                "name",
                Attribute::string()
                    .required()
                    .requires_replace()
                    .description("The secret's name in the store, e.g. `platform/grafana-admin-password`."),
            )
            .attr(
                "value_wo",
                Attribute::string().optional().sensitive().write_only().description(
                    "The secret value, write-only (Terraform 1.11 or later): sent to the provider at apply time \
                     and never stored in the plan or the state. Terraform cannot see changes to it: bump \
                     `value_wo_version` to write a new value. Exactly one of `value_wo` and `value` is required.",
                ),
            )
            .attr(
                "value_wo_version",
                Attribute::number().optional().description(
                    "Any number: changing it writes `value_wo` again as a new version (rotation).",
                ),
            )
            .attr(
                "value",
                Attribute::string().optional().sensitive().description(
                    "The secret value for Terraform older than 1.11, which has no write-only attributes. \
                     Sensitive, but stored in the state: prefer `value_wo`.",
                ),
            )
            .attr(
                "rotation_period",
                Attribute::string().optional().computed().validate(super::rotation_period_validator()).description(
                    "How often the value must be rotated, e.g. `90d`, `12w` or `6m` (data sources report it as due). \
                     When not set, the stored period is kept (the store cannot remove one).",
                ),
            )
            .attr(
                "labels",
                Attribute::map(Type::String).optional().description("Labels stored with the secret's metadata."),
            )
            .attr("version_id", Attribute::string().computed().description("The object version id of the current value."))
            .attr(
                "created",
                Attribute::string()
                    .computed()
                    .use_state_for_unknown()
                    .description("When the secret's first version was written (RFC 3339)."),
            )
            .attr("updated", Attribute::string().computed().description("When the current version was written (RFC 3339)."))
            .attr(
                "key_id",
                Attribute::string()
                    .computed()
                    .use_state_for_unknown()
                    .description("The fingerprint of the master key the value is encrypted with (`sha256:…`)."),
            )
    }

    async fn validate(&self, req: &ValidateRequest, diags: &mut Diagnostics) {
        let has = |a: &str| req.config.get(a).is_some_and(|v| !v.is_null());
        match (has("value_wo"), has("value")) {
            (true, true) => diags.error_at(
                "value_wo",
                "Conflicting secret values",
                "Set either `value_wo` (write-only, Terraform 1.11 or later) or `value` (older Terraform), not both.",
            ),
            (false, false) => diags.error_at(
                "value_wo",
                "Missing secret value",
                "Set `value_wo` (write-only, Terraform 1.11 or later; never stored in the state) or, with older \
                 Terraform, `value`.",
            ),
            _ => {}
        }
    }

    async fn modify_plan(&self, req: &mut ModifyPlanRequest, diags: &mut Diagnostics) {
        let Some(state) = common::state(&req.ctx, diags) else { return };
        if req.plan.is_null() {
            return;
        }
        if req.config.get("value_wo").is_some_and(|v| !v.is_null()) && !state.write_only_attributes_allowed {
            let version = if state.terraform_version.is_empty() { "This Terraform" } else { &state.terraform_version };
            diags.error_at(
                "value_wo",
                "Write-only attributes need Terraform 1.11 or later",
                format!(
                    "Terraform {version} does not support write-only attributes, so `value_wo` cannot be sent. \
                     Use `value` instead (sensitive, but stored in the state), or upgrade Terraform to 1.11 or later."
                ),
            );
        }
        if let Some(region) = req.config.get("region").and_then(Value::as_str)
            && (req.is_create() || req.state.get("region") != req.config.get("region"))
        {
            check_obj_region(state, region, "region".into(), diags).await;
        }
        // S3 credentials: resource keys, provider keys or temporary keys (unknown keys: later).
        let attr = |a: &str| req.config.get(a).cloned().unwrap_or(Value::Null);
        let (access, secret) = (attr("access_key"), attr("secret_key"));
        if !access.is_unknown()
            && !secret.is_unknown()
            && key_source(state, access.as_str(), secret.as_str()).is_none()
        {
            diags.error_at("access_key", "No S3 credentials for the secrets bucket", MISSING_KEYS_HELP);
        }
        // A plan that writes a value needs the master key: say so now rather than at apply.
        if req.plan != req.state {
            let _ = master_key(diags);
        }
    }

    async fn create(&self, req: CreateRequest, resp: &mut ApplyResponse) {
        let diags = &mut resp.diagnostics;
        let Some(state) = common::state(&req.ctx, diags) else { return };
        let Some(config) = req.config_as::<SecretModel>(diags) else { return };
        let Some(mut plan) = req.plan_as::<SecretModel>(diags) else { return };
        write(state, &req.ctx, &config, &mut plan, true, diags).await;
        if !diags.has_errors() {
            resp.set_state(&plan);
        }
    }

    async fn read(&self, req: ReadRequest, resp: &mut ReadResponse) {
        let diags = &mut resp.diagnostics;
        let Some(state) = common::state(&req.ctx, diags) else { return };
        let Some(mut m) = req.state_as::<SecretModel>(diags) else { return };
        let open = match OpenStore::open(state, &req.ctx, &m.location(), diags).await {
            Ok(Some(o)) => o,
            Ok(None) => return resp.remove(),
            Err(()) => return,
        };
        let name = s(&m.name).to_string();
        let found = open.store.metadata(&name, None).await;
        let id = format!("{}/{}", s(&m.bucket), open.store.object_key(&name));
        open.close(diags).await;
        let meta = match found {
            Ok(meta) => meta,
            Err(SecretsError::NotFound { .. } | SecretsError::BucketMissing { .. }) => return resp.remove(),
            Err(e) => return store_error(diags, "Unable to read the secret", &e),
        };
        if m.version_id.is_known() && m.version_id.get() != meta.version_id.as_ref() && !m.value.is_null() {
            // A version written outside Terraform: forget the value so that the plan writes the
            // configured one again (values are never decrypted to compare).
            m.value = Val::Null;
        }
        if !(meta.labels.is_empty() && m.labels.is_null()) {
            m.labels = Val::Known(meta.labels.clone());
        }
        m.fill(id, &meta);
        resp.set_state(&m);
    }

    async fn update(&self, req: UpdateRequest, resp: &mut ApplyResponse) {
        let diags = &mut resp.diagnostics;
        let Some(state) = common::state(&req.ctx, diags) else { return };
        let Some(config) = req.config_as::<SecretModel>(diags) else { return };
        let Some(mut plan) = req.plan_as::<SecretModel>(diags) else { return };
        write(state, &req.ctx, &config, &mut plan, false, diags).await;
        if !diags.has_errors() {
            resp.set_state(&plan);
        }
    }

    async fn delete(&self, req: DeleteRequest, diags: &mut Diagnostics) {
        let Some(state) = common::state(&req.ctx, diags) else { return };
        let Some(m) = req.state_as::<SecretModel>(diags) else { return };
        let open = match OpenStore::open(state, &req.ctx, &m.location(), diags).await {
            Ok(Some(o)) => o,
            Ok(None) | Err(()) => return,
        };
        match open.store.delete(s(&m.name)).await {
            Ok(()) | Err(SecretsError::NotFound { .. } | SecretsError::BucketMissing { .. }) => {}
            Err(e) => store_error(diags, "Unable to delete the secret", &e),
        }
        open.close(diags).await;
    }

    async fn import(&self, req: ImportRequest, resp: &mut ImportResponse) {
        // `<region>:<bucket>:<prefix>:<name>`, or `<region>:<bucket>:<name>` with the default prefix.
        let parts: Vec<&str> = req.id.splitn(4, ':').collect();
        let (region, bucket, prefix, name) = match parts.as_slice() {
            [r, b, p, n] => (*r, *b, *p, *n),
            [r, b, n] => (*r, *b, DEFAULT_PREFIX, *n),
            _ => ("", "", "", ""),
        };
        if region.is_empty() || bucket.is_empty() || name.is_empty() {
            resp.diagnostics.error(
                "Invalid import id",
                format!(
                    "Expected `<region>:<bucket>:<prefix>:<name>` (e.g. `us-mia:platform-secrets:secrets/:grafana/admin`) \
                     or `<region>:<bucket>:<name>` for the default prefix `secrets/`; got {:?}.",
                    req.id
                ),
            );
            return;
        }
        let m = SecretModel {
            region: Val::Known(region.to_string()),
            bucket: Val::Known(bucket.to_string()),
            prefix: Val::Known(prefix.to_string()),
            name: Val::Known(name.to_string()),
            ..SecretModel::default()
        };
        resp.set_state(&m);
    }
}
