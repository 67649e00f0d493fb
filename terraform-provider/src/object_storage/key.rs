//! `linode_object_storage_key`.

use std::collections::BTreeSet;

use linode_sdk::models::object_storage::{
    BucketPermission, CreateObjectStorageKey, KeyBucketAccess, ObjectStorageKey, UpdateObjectStorageKey,
};
use serde::{Deserialize, Serialize};
use tfplugin::resource::{
    ApplyResponse, CreateRequest, DeleteRequest, ImportRequest, ImportResponse, ModifyPlanRequest, ReadRequest,
    ReadResponse, UpdateRequest,
};
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::{AttributePath, Diagnostics, Resource, Type, Val, Value, async_trait, validators};

use super::{check_obj_region, cluster_to_region};
use crate::LinodeState;
use crate::common;

/// The resource.
pub struct KeyResource;

#[derive(Serialize, Deserialize, Clone, Default)]
struct KeyModel {
    id: Val<String>,
    label: Val<String>,
    access_key: Val<String>,
    secret_key: Val<String>,
    limited: Val<bool>,
    regions: Val<BTreeSet<String>>,
    regions_details: Val<Vec<RegionDetail>>,
    #[serde(default)]
    bucket_access: Vec<AccessModel>,
}

#[derive(Serialize, Deserialize, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
struct RegionDetail {
    id: Option<String>,
    s3_endpoint: Option<String>,
    endpoint_type: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Default, PartialEq, Debug)]
struct AccessModel {
    bucket_name: Val<String>,
    cluster: Val<String>,
    region: Val<String>,
    permissions: Val<String>,
}

impl AccessModel {
    fn region_id(&self) -> Option<String> {
        self.region.get().cloned().or_else(|| self.cluster.get().map(|c| cluster_to_region(c)))
    }

    /// What identifies a grant: bucket, region and permissions.
    fn identity(&self) -> (Option<String>, Option<String>, Option<String>) {
        (self.bucket_name.get().cloned(), self.region_id(), self.permissions.get().cloned())
    }
}

fn permission(p: &str) -> BucketPermission {
    if p == "read_only" { BucketPermission::ReadOnly } else { BucketPermission::ReadWrite }
}

fn permission_str(p: &BucketPermission) -> String {
    match p {
        BucketPermission::ReadOnly => "read_only".into(),
        _ => "read_write".into(),
    }
}

fn field_attr(field: &str) -> Option<AttributePath> {
    if field.starts_with("bucket_access") {
        return Some(AttributePath::new("bucket_access"));
    }
    match field {
        "label" => Some(AttributePath::new("label")),
        f if f.starts_with("regions") => Some(AttributePath::new("regions")),
        _ => None,
    }
}

impl KeyModel {
    /// Copies what the API says, keeping the secret (the API only shows it at create) and the
    /// configured shape of `bucket_access`.
    fn apply_key(&mut self, k: &ObjectStorageKey) {
        self.id = Val::Known(k.id.to_string());
        self.label = Val::Known(k.label.clone());
        self.access_key = Val::Known(k.access_key.clone());
        if !k.secret_key.is_empty() && k.secret_key != "[REDACTED]" {
            self.secret_key = Val::Known(k.secret_key.clone());
        } else if self.secret_key.is_unknown() {
            self.secret_key = Val::Null;
        }
        self.limited = Val::Known(k.limited);
        self.regions = Val::Known(k.regions.iter().map(|r| r.id.clone()).collect());
        let mut details: Vec<RegionDetail> = k
            .regions
            .iter()
            .map(|r| RegionDetail {
                id: Some(r.id.clone()),
                s3_endpoint: r.s3_endpoint.clone(),
                endpoint_type: r
                    .endpoint_type
                    .as_ref()
                    .and_then(|t| serde_json::to_value(t).ok())
                    .and_then(|v| v.as_str().map(str::to_string)),
            })
            .collect();
        details.sort();
        self.regions_details = Val::Known(details);
        self.bucket_access = k
            .bucket_access
            .iter()
            .map(|a| {
                let region = a.region.clone().or_else(|| a.cluster.as_deref().map(cluster_to_region));
                AccessModel {
                    bucket_name: Val::Known(a.bucket_name.clone()),
                    cluster: Val::Known(
                        a.cluster.clone().unwrap_or_else(|| format!("{}-1", region.clone().unwrap_or_default())),
                    ),
                    region: region.into(),
                    permissions: Val::Known(permission_str(&a.permissions)),
                }
            })
            .collect();
    }
}

#[async_trait]
impl Resource for KeyResource {
    fn type_name(&self) -> &str {
        "linode_object_storage_key"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .description(
                "An Object Storage access key. The secret is only shown by the API when the key is created; \
                 the provider keeps it in state (an imported key has no secret).",
            )
            .attr("id", Attribute::string().computed().use_state_for_unknown().description("The key's id."))
            .attr(
                "label",
                Attribute::string().required().validate(validators::length_between(0, 50)).description("The key's label (changed in place)."),
            )
            .attr("access_key", Attribute::string().computed().use_state_for_unknown().description("The S3 access key."))
            .attr(
                "secret_key",
                Attribute::string()
                    .computed()
                    .sensitive()
                    .use_state_for_unknown()
                    .description("The S3 secret key, known only from the create response (null after import)."),
            )
            .attr("limited", Attribute::bool().computed().use_state_for_unknown().description("Whether the key is limited to the buckets in `bucket_access`."))
            .attr(
                "regions",
                Attribute::set(Type::String)
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .validate(validators::size_between(1, 1000))
                    .description("Regions the key works in (all regions, or those of `bucket_access`, when unset)."),
            )
            .attr(
                "regions_details",
                Attribute::set(Type::object([
                    ("id", Type::String),
                    ("s3_endpoint", Type::String),
                    ("endpoint_type", Type::String),
                ]))
                .computed()
                .description("The key's regions with their S3 endpoint and endpoint type."),
            )
            .block(
                "bucket_access",
                Block::set(
                    Schema::new()
                        .description("Limits the key to a bucket (changing grants replaces the key).")
                        .attr("bucket_name", Attribute::string().required().description("The bucket's label."))
                        .attr(
                            "cluster",
                            Attribute::string()
                                .optional()
                                .computed()
                                .use_state_for_unknown()
                                .deprecated("Use `region` instead.")
                                .description("Deprecated: the bucket's cluster, e.g. `us-east-1`. Use `region`."),
                        )
                        .attr(
                            "region",
                            Attribute::string().optional().computed().use_state_for_unknown().description("The bucket's region."),
                        )
                        .attr(
                            "permissions",
                            Attribute::string()
                                .required()
                                .validate(validators::one_of(&["read_only", "read_write"]))
                                .description("read_only or read_write."),
                        ),
                ),
            )
    }

    async fn modify_plan(&self, req: &mut ModifyPlanRequest, diags: &mut Diagnostics) {
        let ctx = req.ctx.clone();
        let Some(state) = ctx.provider_data::<LinodeState>() else { return };
        let creating = req.is_create();
        let access = req.config.get("bucket_access").and_then(Value::as_elements).map(<[Value]>::to_vec).unwrap_or_default();
        let mut wanted = Vec::new();
        for a in &access {
            let m: AccessModel = a.to_model().unwrap_or_default();
            let element = AttributePath::root().attr("bucket_access").element(a.clone());
            match (m.region.is_null(), m.cluster.is_null()) {
                (true, true) => diags.error_at(element.clone().attr("region"), "Missing region", "Set `region` for each bucket_access block."),
                (false, false) if !a.get("region").is_some_and(Value::is_unknown) && !a.get("cluster").is_some_and(Value::is_unknown) => {
                    diags.error_at(element.clone().attr("cluster"), "Conflicting arguments", "Set only one of `region` and `cluster`.")
                }
                _ => {}
            }
            if creating && let Some(region) = m.region_id() {
                let attr = if m.region.is_known() { "region" } else { "cluster" };
                check_obj_region(state, &region, element.attr(attr), diags).await;
            }
            wanted.push(m.identity());
        }
        if let Some(regions) = req.config.get("regions").and_then(Value::as_elements)
            && creating
        {
            for r in regions.iter().filter_map(Value::as_str) {
                check_obj_region(state, r, AttributePath::new("regions"), diags).await;
            }
        }
        if creating {
            return;
        }
        // bucket_access grants cannot be changed: a different set replaces the key.
        let prior: Vec<AccessModel> = req
            .state
            .get("bucket_access")
            .and_then(Value::as_elements)
            .map(|els| els.iter().filter_map(|e| e.to_model().ok()).collect())
            .unwrap_or_default();
        let mut have: Vec<_> = prior.iter().map(AccessModel::identity).collect();
        have.sort();
        wanted.sort();
        if have != wanted {
            req.requires_replace.push(AttributePath::new("bucket_access"));
        }
        // regions_details only changes with regions.
        let planned_regions = req.plan.get("regions").cloned();
        if planned_regions.as_ref() == req.state.get("regions")
            && let (Some(d), Some(prior_details)) = (req.plan.get_mut("regions_details"), req.state.get("regions_details"))
        {
            *d = prior_details.clone();
        }
    }

    async fn create(&self, req: CreateRequest, resp: &mut ApplyResponse) {
        let diags = &mut resp.diagnostics;
        let Some(state) = common::state(&req.ctx, diags) else { return };
        let Some(mut plan) = req.plan_as::<KeyModel>(diags) else { return };
        let access: Vec<KeyBucketAccess> = plan
            .bucket_access
            .iter()
            .map(|a| KeyBucketAccess {
                region: a.region_id(),
                cluster: None,
                bucket_name: a.bucket_name.get().cloned().unwrap_or_default(),
                permissions: permission(a.permissions.get().map(String::as_str).unwrap_or("read_write")),
            })
            .collect();
        let label = plan.label.get().cloned().unwrap_or_default();
        let body = CreateObjectStorageKey {
            label: label.clone(),
            bucket_access: (!access.is_empty()).then_some(access),
            regions: plan.regions.get().map(|r| r.iter().cloned().collect()),
        };
        let key = match create_key(&req.ctx, state, &body).await {
            Ok(k) => k,
            Err(e) => {
                common::api_error(diags, "Unable to create the Object Storage key", &e, field_attr);
                return;
            }
        };
        let configured = plan.bucket_access.clone();
        plan.apply_key(&key);
        plan.bucket_access = keep_configured_shape(&configured, std::mem::take(&mut plan.bucket_access));
        resp.set_state(&plan);
    }

    async fn read(&self, req: ReadRequest, resp: &mut ReadResponse) {
        let diags = &mut resp.diagnostics;
        let Some(state) = common::state(&req.ctx, diags) else { return };
        let Some(mut m) = req.state_as::<KeyModel>(diags) else { return };
        let Some(id) = m.id.get().and_then(|id| common::parse_id(id, "id", diags)) else { return };
        match state.client.object_storage().get_key_opt(id).await {
            Ok(Some(k)) => {
                let known = m.bucket_access.clone();
                m.apply_key(&k);
                m.bucket_access = keep_configured_shape(&known, std::mem::take(&mut m.bucket_access));
                resp.set_state(&m);
            }
            Ok(None) => resp.remove(),
            Err(e) => common::api_error_plain(diags, "Unable to read the Object Storage key", &e),
        }
    }

    async fn update(&self, req: UpdateRequest, resp: &mut ApplyResponse) {
        let diags = &mut resp.diagnostics;
        let Some(state) = common::state(&req.ctx, diags) else { return };
        let Some(mut plan) = req.plan_as::<KeyModel>(diags) else { return };
        let Some(prior) = req.state_as::<KeyModel>(diags) else { return };
        let Some(id) = prior.id.get().and_then(|id| common::parse_id(id, "id", diags)) else { return };
        let body = UpdateObjectStorageKey {
            label: (plan.label != prior.label).then(|| plan.label.get().cloned()).flatten(),
            regions: match (&plan.regions, &prior.regions) {
                (Val::Known(new), old) if old.get() != Some(new) => Some(new.iter().cloned().collect()),
                _ => None,
            },
        };
        let key = match state.client.object_storage().update_key(id, &body).await {
            Ok(k) => k,
            Err(e) => {
                common::api_error(diags, "Unable to update the Object Storage key", &e, field_attr);
                resp.state = req.state.clone();
                return;
            }
        };
        let configured = plan.bucket_access.clone();
        let secret = prior.secret_key.clone();
        plan.apply_key(&key);
        plan.secret_key = secret;
        plan.bucket_access = keep_configured_shape(&configured, std::mem::take(&mut plan.bucket_access));
        resp.set_state(&plan);
    }

    async fn delete(&self, req: DeleteRequest, diags: &mut Diagnostics) {
        let Some(state) = common::state(&req.ctx, diags) else { return };
        let Some(m) = req.state_as::<KeyModel>(diags) else { return };
        let Some(id) = m.id.get().and_then(|id| common::parse_id(id, "id", diags)) else { return };
        match state.client.object_storage().delete_key(id).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => common::api_error_plain(diags, "Unable to delete the Object Storage key", &e),
        }
    }

    async fn import(&self, req: ImportRequest, resp: &mut ImportResponse) {
        if req.id.trim().parse::<u64>().is_err() {
            resp.diagnostics.error("Invalid import ID", format!("Expected the key's numeric id, got {:?}.", req.id));
            return;
        }
        resp.set_attr("id", req.id.trim().to_string());
        resp.diagnostics.warning(
            "The secret key cannot be imported",
            "Linode only shows an Object Storage key's secret when the key is created, so `secret_key` stays \
             null for an imported key. Create a new key if you need its secret in Terraform.",
        );
    }
}

/// Keeps `bucket_access` elements as configured where the API agrees (so a grant given by
/// `cluster` keeps its null `region` shape, and vice versa).
fn keep_configured_shape(configured: &[AccessModel], api: Vec<AccessModel>) -> Vec<AccessModel> {
    api.into_iter()
        .map(|a| {
            match configured.iter().find(|c| c.identity() == a.identity()) {
                Some(c) => AccessModel {
                    bucket_name: a.bucket_name,
                    cluster: if c.cluster.is_known() { c.cluster.clone() } else { a.cluster },
                    region: if c.region.is_known() { c.region.clone() } else { a.region },
                    permissions: a.permissions,
                },
                None => a,
            }
        })
        .collect()
}

/// Creates a key. A key's secret is only shown in the create response, so a key that a create
/// failing ambiguously made (same label and grants, absent before the first attempt) is revoked
/// and the create tried again: nothing is left behind, and keys that existed before are never
/// touched.
async fn create_key(
    ctx: &tfplugin::Context,
    state: &LinodeState,
    body: &CreateObjectStorageKey,
) -> Result<ObjectStorageKey, linode_sdk::Error> {
    use futures::TryStreamExt;
    let api = &state.client.object_storage();
    let find = || async {
        let keys: Vec<ObjectStorageKey> =
            api.list_all_keys(linode_sdk::ListParams::new().page_size(500)).try_collect().await?;
        Ok(keys.into_iter().filter(|k| orphan(k, body)).collect())
    };
    let ownership = common::Ownership::Ids(|k: &ObjectStorageKey| k.id);
    let revoke = |k: ObjectStorageKey| async move { api.delete_key(k.id).await };
    common::create_or_discard(ctx, &state.client, "Object Storage key", ownership, || api.create_key(body), find, revoke)
        .await
}

/// Whether `k` looks like the key a failed create call made (same label and grants).
fn orphan(k: &ObjectStorageKey, body: &CreateObjectStorageKey) -> bool {
    let mut wanted: Vec<(String, String)> = body
        .bucket_access
        .iter()
        .flatten()
        .map(|a| (a.bucket_name.clone(), permission_str(&a.permissions)))
        .collect();
    let mut have: Vec<(String, String)> =
        k.bucket_access.iter().map(|a| (a.bucket_name.clone(), permission_str(&a.permissions))).collect();
    wanted.sort();
    have.sort();
    k.label == body.label && wanted == have
}
