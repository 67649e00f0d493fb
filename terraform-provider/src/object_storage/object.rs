//! `linode_object_storage_object`.

use std::collections::BTreeMap;

use base64::Engine;
use linode_sdk::s3::{CannedAcl, PutOptions, etag_of};
use serde::{Deserialize, Serialize};
use tfplugin::resource::{
    ApplyResponse, CreateRequest, DeleteRequest, ImportRequest, ImportResponse, ModifyPlanRequest, ReadRequest,
    ReadResponse, UpdateRequest, ValidateRequest,
};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::{AttributePath, Diagnostics, Resource, Type, Val, Value, async_trait, validators};

use super::{S3Session, check_obj_region, cluster_to_region, same_region};
use crate::LinodeState;
use crate::common;

/// The resource.
pub struct ObjectResource;

#[derive(Serialize, Deserialize, Clone, Default)]
struct ObjectModel {
    id: Val<String>,
    bucket: Val<String>,
    key: Val<String>,
    region: Val<String>,
    cluster: Val<String>,
    access_key: Val<String>,
    secret_key: Val<String>,
    content: Val<String>,
    content_base64: Val<String>,
    source: Val<String>,
    acl: Val<String>,
    cache_control: Val<String>,
    content_disposition: Val<String>,
    content_encoding: Val<String>,
    content_language: Val<String>,
    content_type: Val<String>,
    endpoint: Val<String>,
    etag: Val<String>,
    force_destroy: Val<bool>,
    metadata: Val<BTreeMap<String, String>>,
    version_id: Val<String>,
    website_redirect: Val<String>,
}

/// Attributes that describe the stored object: a change uploads it again.
const UPLOADED: &[&str] = &[
    "content",
    "content_base64",
    "source",
    "acl",
    "cache_control",
    "content_disposition",
    "content_encoding",
    "content_language",
    "content_type",
    "etag",
    "metadata",
    "website_redirect",
];

impl ObjectModel {
    fn region_id(&self) -> Option<String> {
        self.region.get().cloned().or_else(|| self.cluster.get().map(|c| cluster_to_region(c)))
    }

    /// The bytes to upload.
    fn body(&self) -> Result<Vec<u8>, (String, String)> {
        if let Some(c) = self.content.get() {
            return Ok(c.clone().into_bytes());
        }
        if let Some(b) = self.content_base64.get() {
            return base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .map_err(|e| ("content_base64".to_string(), format!("Not valid base64: {e}")));
        }
        if let Some(path) = self.source.get() {
            return std::fs::read(path).map_err(|e| ("source".to_string(), format!("Unable to read {path:?}: {e}")));
        }
        Err(("content".into(), "Set one of content, content_base64 or source.".into()))
    }
}

fn strip_quotes(etag: &str) -> String {
    etag.trim_matches('"').to_string()
}

/// Uploads the object with all its attributes; returns (etag, version_id).
async fn upload(session: &S3Session, m: &ObjectModel, body: Vec<u8>) -> Result<(Option<String>, Option<String>), linode_sdk::Error> {
    let bucket = m.bucket.get().cloned().unwrap_or_default();
    let key = m.key.get().cloned().unwrap_or_default();
    let options = PutOptions {
        acl: Some(m.acl.get().map(String::as_str).unwrap_or("private").parse::<CannedAcl>()?),
        cache_control: m.cache_control.get().cloned(),
        content_disposition: m.content_disposition.get().cloned(),
        content_encoding: m.content_encoding.get().cloned(),
        content_language: m.content_language.get().cloned(),
        content_type: m.content_type.get().cloned(),
        metadata: m.metadata.get().cloned().unwrap_or_default().into_iter().collect(),
        website_redirect: m.website_redirect.get().cloned(),
        ..PutOptions::default()
    };
    let out = session
        .call(|s3| {
            let (bucket, key, body, options) = (bucket.clone(), key.clone(), body.clone(), options.clone());
            async move { s3.put_object_with(&bucket, &key, body, &options).await }
        })
        .await?;
    Ok((out.etag.as_deref().map(strip_quotes), out.version_id))
}

/// The S3 endpoint of the object's bucket: the configured `endpoint`, else the bucket's.
async fn endpoint_of(state: &LinodeState, m: &ObjectModel) -> Result<String, linode_sdk::Error> {
    if let Some(e) = m.endpoint.get() {
        return Ok(e.clone());
    }
    let region = m.region_id().unwrap_or_default();
    let bucket = m.bucket.get().cloned().unwrap_or_default();
    let b = state.client.object_storage().get_bucket(&region, &bucket).await?;
    Ok(b.s3_endpoint_host())
}

async fn open(state: &LinodeState, ctx: &tfplugin::Context, m: &ObjectModel, diags: &mut Diagnostics) -> Option<S3Session> {
    let endpoint = match endpoint_of(state, m).await {
        Ok(e) => e,
        Err(e) => {
            common::api_error_plain(diags, "Unable to find the bucket's S3 endpoint", &e);
            return None;
        }
    };
    let region = m.region_id().unwrap_or_default();
    let bucket = m.bucket.get().cloned().unwrap_or_default();
    match S3Session::open(
        state,
        ctx,
        &endpoint,
        &region,
        &bucket,
        m.access_key.get().map(String::as_str),
        m.secret_key.get().map(String::as_str),
    )
    .await
    {
        Ok(s) => Some(s),
        Err(msg) => {
            diags.error("Unable to reach the bucket over S3", msg);
            None
        }
    }
}

/// Fills computed attributes after an upload.
async fn after_upload(state: &LinodeState, session: &S3Session, m: &mut ObjectModel, etag: Option<String>, version: Option<String>) {
    let endpoint = endpoint_of(state, m).await.ok();
    m.endpoint = endpoint.into();
    m.id = Val::Known(format!("{}/{}", m.bucket.get().cloned().unwrap_or_default(), m.key.get().cloned().unwrap_or_default()));
    if !m.etag.is_known() {
        m.etag = etag.into();
    }
    m.version_id = version.into();
    if m.content_type.is_unknown() {
        let (b, k) = (m.bucket.get().cloned().unwrap_or_default(), m.key.get().cloned().unwrap_or_default());
        let head = session
            .call(|s3| {
                let (b, k) = (b.clone(), k.clone());
                async move { s3.head_object_opt(&b, &k, None).await }
            })
            .await;
        m.content_type = head.ok().flatten().and_then(|h| h.content_type).into();
    }
}

#[async_trait]
impl Resource for ObjectResource {
    fn type_name(&self) -> &str {
        "linode_object_storage_object"
    }

    fn schema(&self) -> Schema {
        let s = |d: &str| Attribute::string().optional().description(d.to_string());
        Schema::new()
            .description(
                "An object in an Object Storage bucket, uploaded over S3 with the resource's keys, the provider's \
                 `obj_access_key`/`obj_secret_key`, or a temporary key (`obj_use_temp_keys`). Import with \
                 `<region>:<bucket>/<key>`.",
            )
            .attr("id", Attribute::string().computed().use_state_for_unknown().description("`<bucket>/<key>`."))
            .attr("bucket", Attribute::string().required().requires_replace().description("The bucket's label."))
            .attr("key", Attribute::string().required().requires_replace().description("The object's key (name)."))
            .attr(
                "region",
                Attribute::string()
                    .optional()
                    .requires_replace_if("the region changes (not just `us-east-1` to `us-east`)", |prior, planned| {
                        match (prior.as_str(), planned.as_str()) {
                            (Some(a), Some(b)) => !same_region(a, b),
                            _ => false,
                        }
                    })
                    .validate(validators::conflicts_with(&["cluster"]))
                    .description("The bucket's region, e.g. `us-east`."),
            )
            .attr(
                "cluster",
                Attribute::string()
                    .optional()
                    .requires_replace_if("the cluster changes region", |prior, planned| match (prior.as_str(), planned.as_str()) {
                        (Some(a), Some(b)) => !same_region(a, b),
                        _ => false,
                    })
                    .deprecated("Use `region` instead.")
                    .description("Deprecated: the bucket's cluster, e.g. `us-east-1`. Use `region`."),
            )
            .attr("access_key", s("S3 access key (overrides the provider's)."))
            .attr("secret_key", Attribute::string().optional().sensitive().description("S3 secret key (overrides the provider's)."))
            .attr(
                "content",
                s("The object's content as a UTF-8 string. Exactly one of content, content_base64 and source is required."),
            )
            .attr("content_base64", s("The object's content, base64-encoded (for binary data)."))
            .attr("source", s("Path of a local file to upload."))
            .attr(
                "acl",
                Attribute::string()
                    .default("private")
                    .validate(validators::one_of(&CannedAcl::NAMES))
                    .description("The canned ACL of the object, e.g. private or public-read."),
            )
            .attr("cache_control", s("The Cache-Control header stored with the object."))
            .attr("content_disposition", s("The Content-Disposition header stored with the object."))
            .attr("content_encoding", s("The Content-Encoding header stored with the object."))
            .attr("content_language", s("The Content-Language header stored with the object."))
            .attr(
                "content_type",
                Attribute::string().optional().computed().use_state_for_unknown().description("The MIME type of the object."),
            )
            .attr(
                "endpoint",
                Attribute::string().optional().computed().use_state_for_unknown().description("The S3 endpoint (the bucket's when unset)."),
            )
            .attr(
                "etag",
                Attribute::string()
                    .optional()
                    .computed()
                    .description("The object's ETag (the MD5 of its content); a change uploads the object again."),
            )
            .attr("force_destroy", Attribute::bool().default(false).description("Delete every version of the object on destroy."))
            .attr(
                "metadata",
                Attribute::map(Type::String)
                    .default(Value::map(Vec::<(String, Value)>::new()))
                    .validate(validators::from_fn("keys must be lowercase", |v| {
                        match v.as_entries().and_then(|m| m.keys().find(|k| k.to_lowercase() != **k)) {
                            Some(k) => Err(format!("Metadata key {k:?} must be lowercase (S3 stores keys in lowercase).")),
                            None => Ok(()),
                        }
                    }))
                    .description("User metadata (x-amz-meta-*) with lowercase keys."),
            )
            .attr("version_id", Attribute::string().computed().description("The version id of the uploaded object (versioned buckets)."))
            .attr("website_redirect", s("Where a website request for the object redirects."))
    }

    async fn validate(&self, req: &ValidateRequest, diags: &mut Diagnostics) {
        let set = |n: &str| req.config.get(n).is_some_and(|v| !v.is_null());
        let unknown = |n: &str| req.config.get(n).is_some_and(Value::is_unknown);
        let sources = ["content", "content_base64", "source"];
        let count = sources.iter().filter(|n| set(n)).count();
        if count > 1 {
            for n in sources.iter().filter(|n| set(n)) {
                diags.error_at(*n, "Conflicting content", "Set exactly one of content, content_base64 and source.");
            }
        } else if count == 0 && !sources.iter().any(|n| unknown(n)) {
            diags.error_at("content", "Missing content", "Set exactly one of content, content_base64 and source.");
        }
        if !set("region") && !set("cluster") {
            diags.error_at("region", "Missing region", "Set `region` (the bucket's region, e.g. \"us-east\").");
        }
    }

    async fn modify_plan(&self, req: &mut ModifyPlanRequest, diags: &mut Diagnostics) {
        let ctx = req.ctx.clone();
        let Some(state) = ctx.provider_data::<LinodeState>() else { return };
        let creating = req.is_create();
        if creating {
            if let Some(r) = req.config.get("region").and_then(Value::as_str) {
                check_obj_region(state, r, AttributePath::new("region"), diags).await;
            } else if let Some(c) = req.config.get("cluster").and_then(Value::as_str) {
                check_obj_region(state, &cluster_to_region(c), AttributePath::new("cluster"), diags).await;
            }
        }
        let Some(plan) = req.plan_as::<ObjectModel>(&mut Diagnostics::new()) else { return };
        // Predict the ETag from the content, so drift of the stored object plans an upload.
        let config_etag_set = req.config.get("etag").is_some_and(|v| !v.is_null());
        let content_known = ["content", "content_base64", "source"]
            .iter()
            .all(|n| !req.config.get(n).is_some_and(Value::is_unknown));
        if !config_etag_set {
            // Single-part uploads have the MD5 of the stored bytes as ETag (whatever the
            // Content-Encoding says about them).
            let predicted = if content_known {
                match plan.body() {
                    Ok(body) => Value::from(etag_of(&body)),
                    Err((attr, msg)) => {
                        if attr != "content" {
                            diags.error_at(attr.as_str(), "Invalid content", msg);
                        }
                        Value::unknown()
                    }
                }
            } else {
                Value::unknown()
            };
            if let Some(e) = req.plan.get_mut("etag") {
                *e = predicted;
            }
        }
        let upload = creating || UPLOADED.iter().any(|n| req.plan.get(n) != req.state.get(n));
        if let Some(v) = req.plan.get_mut("version_id") {
            *v = if upload { Value::unknown() } else { req.state.get("version_id").cloned().unwrap_or(Value::Null) };
        }
        if !creating && upload && req.config.get("content_type").is_some_and(Value::is_null) {
            // S3 keeps its default content type for an upload without one.
            if let (Some(p), Some(s)) = (req.plan.get_mut("content_type"), req.state.get("content_type")) {
                *p = s.clone();
            }
        }
    }

    async fn create(&self, req: CreateRequest, resp: &mut ApplyResponse) {
        let diags = &mut resp.diagnostics;
        let Some(state) = common::state(&req.ctx, diags) else { return };
        let Some(mut plan) = req.plan_as::<ObjectModel>(diags) else { return };
        let body = match plan.body() {
            Ok(b) => b,
            Err((attr, msg)) => {
                diags.error_at(attr.as_str(), "Invalid content", msg);
                return;
            }
        };
        let Some(session) = open(state, &req.ctx, &plan, diags).await else { return };
        match upload(&session, &plan, body).await {
            Ok((etag, version)) => {
                after_upload(state, &session, &mut plan, etag, version).await;
                resp.set_state(&plan);
            }
            Err(e) => diags.error("Unable to upload the object", e.to_string()),
        }
        session.close(&mut resp.diagnostics).await;
    }

    async fn read(&self, req: ReadRequest, resp: &mut ReadResponse) {
        let diags = &mut resp.diagnostics;
        let Some(state) = common::state(&req.ctx, diags) else { return };
        let Some(mut m) = req.state_as::<ObjectModel>(diags) else { return };
        let (Some(bucket), Some(key), Some(region)) = (m.bucket.get().cloned(), m.key.get().cloned(), m.region_id()) else {
            diags.error_at("id", "Incomplete object state", "bucket, key and region are needed to read an object.");
            return;
        };
        match state.client.object_storage().get_bucket_opt(&region, &bucket).await {
            Ok(Some(_)) => {}
            Ok(None) => {
                resp.remove();
                return;
            }
            Err(e) => {
                common::api_error_plain(diags, "Unable to read the object's bucket", &e);
                return;
            }
        }
        let Some(session) = open(state, &req.ctx, &m, diags).await else { return };
        let head = session
            .call(|s3| {
                let (b, k) = (bucket.clone(), key.clone());
                async move { s3.head_object_opt(&b, &k, None).await }
            })
            .await;
        session.close(diags).await;
        let head = match head {
            Ok(Some(h)) => h,
            Ok(None) => {
                resp.remove();
                return;
            }
            Err(e) => {
                diags.error("Unable to read the object", e.to_string());
                return;
            }
        };
        m.id = Val::Known(format!("{bucket}/{key}"));
        m.etag = head.etag.as_deref().map(strip_quotes).into();
        m.version_id = head.version_id.clone().into();
        if head.content_type.is_some() || m.content_type.is_unknown() {
            m.content_type = head.content_type.clone().into();
        }
        m.metadata = Val::Known(head.metadata.iter().map(|(k, v)| (k.to_lowercase(), v.clone())).collect());
        if m.endpoint.is_null() {
            m.endpoint = endpoint_of(state, &m).await.ok().into();
        }
        match state.client.object_storage().get_object_acl(&region, &bucket, &key).await {
            Ok(a) => {
                let acl = serde_json::to_value(&a.acl).ok().and_then(|v| v.as_str().map(str::to_string));
                if let Some(acl) = acl.filter(|a| a != "custom") {
                    m.acl = Val::Known(acl);
                }
            }
            Err(e) if e.is_not_found() => {}
            Err(e) => common::api_error_plain(diags, "Unable to read the object's ACL", &e),
        }
        if m.acl.is_null() {
            m.acl = Val::Known("private".into());
        }
        if m.force_destroy.is_null() {
            m.force_destroy = Val::Known(false);
        }
        resp.set_state(&m);
    }

    async fn update(&self, req: UpdateRequest, resp: &mut ApplyResponse) {
        let diags = &mut resp.diagnostics;
        let Some(state) = common::state(&req.ctx, diags) else { return };
        let Some(mut plan) = req.plan_as::<ObjectModel>(diags) else { return };
        let upload_needed = UPLOADED.iter().any(|n| req.plan.get(n) != req.state.get(n));
        if !upload_needed {
            if plan.version_id.is_unknown() {
                plan.version_id = req.state_as::<ObjectModel>(diags).map(|p| p.version_id).unwrap_or_default();
            }
            resp.set_state(&plan);
            return;
        }
        let body = match plan.body() {
            Ok(b) => b,
            Err((attr, msg)) => {
                diags.error_at(attr.as_str(), "Invalid content", msg);
                return;
            }
        };
        let Some(session) = open(state, &req.ctx, &plan, diags).await else { return };
        match upload(&session, &plan, body).await {
            Ok((etag, version)) => {
                after_upload(state, &session, &mut plan, etag, version).await;
                resp.set_state(&plan);
            }
            Err(e) => diags.error("Unable to upload the object", e.to_string()),
        }
        session.close(&mut resp.diagnostics).await;
    }

    async fn delete(&self, req: DeleteRequest, diags: &mut Diagnostics) {
        let Some(state) = common::state(&req.ctx, diags) else { return };
        let Some(m) = req.state_as::<ObjectModel>(diags) else { return };
        let (Some(bucket), Some(key)) = (m.bucket.get().cloned(), m.key.get().cloned()) else { return };
        let Some(session) = open(state, &req.ctx, &m, diags).await else { return };
        let result: Result<(), linode_sdk::Error> = async {
            if m.force_destroy.get() == Some(&true) {
                let versions = session
                    .call(|s3| {
                        let (b, k) = (bucket.clone(), key.clone());
                        async move { s3.list_object_versions(&b, Some(&k)).await }
                    })
                    .await?;
                for v in versions.into_iter().filter(|v| v.key == key) {
                    session
                        .call(|s3| {
                            let (b, k, id) = (bucket.clone(), key.clone(), v.version_id.clone());
                            async move { s3.delete_object(&b, &k, Some(&id)).await }
                        })
                        .await?;
                }
                // Every version is gone; a plain delete now would only add a delete marker.
                return Ok(());
            }
            match session
                .call(|s3| {
                    let (b, k) = (bucket.clone(), key.clone());
                    async move { s3.delete_object(&b, &k, None).await }
                })
                .await
            {
                Ok(_) => Ok(()),
                Err(e) if e.is_not_found() => Ok(()),
                Err(e) => Err(e),
            }
        }
        .await;
        if let Err(e) = result {
            diags.error("Unable to delete the object", e.to_string());
        }
        session.close(diags).await;
    }

    async fn import(&self, req: ImportRequest, resp: &mut ImportResponse) {
        let parsed = req.id.split_once(':').and_then(|(region, rest)| {
            let (bucket, key) = rest.split_once('/')?;
            (!region.is_empty() && !bucket.is_empty() && !key.is_empty())
                .then(|| (cluster_to_region(region), bucket.to_string(), key.to_string()))
        });
        let Some((region, bucket, key)) = parsed else {
            resp.diagnostics.error(
                "Invalid import ID",
                format!("Expected `<region>:<bucket>/<key>` (e.g. `us-east:my-bucket/path/file.txt`), got {:?}.", req.id),
            );
            return;
        };
        resp.set_attr("id", format!("{bucket}/{key}"));
        resp.set_attr("bucket", bucket);
        resp.set_attr("key", key);
        resp.set_attr("region", region);
        resp.set_attr("force_destroy", false);
        resp.set_attr("acl", "private");
    }
}
