//! `linode_object_storage_bucket`: the bucket (REST), its access and certificate, and, over S3,
//! its versioning and lifecycle rules.
//!
//! Lifecycle rules are a keyed list block (paired by `id`, then by content): their order in the
//! configuration or in S3's answer never shows as a change. Versioning and lifecycle rules are
//! only read over S3 when they are managed (set in configuration, or after import).

use linode_sdk::models::object_storage::{Bucket, CreateBucket, EndpointType, ObjectAcl, UpdateBucketAccess, UploadBucketSsl};
use linode_sdk::s3::{LifecycleRule, VersioningStatus};
use serde::{Deserialize, Serialize};
use tfplugin::resource::{ImportRequest, ImportResponse, UpgradeStateRequest, UpgradeStateResponse};
use tfplugin::schema::{Attribute, Block, Pairing, Schema};
use tfplugin::typed::{Applied, Create, PlanChange, Read, Refreshed, TypedResource, Update};
use tfplugin::validators;
use tfplugin::{AttributePath, Context, Diagnostics, Val, async_trait, equality};

use super::{MISSING_KEYS_HELP, ObjRegion, S3Session, check_label, cluster_to_region, empty_bucket, key_source};
use crate::{LinodeState, common};

/// The resource.
pub(crate) struct BucketResource;

/// Private-state flag: versioning or lifecycle rules are managed, so reads refresh them over S3.
const PRIVATE_S3_MANAGED: &str = "s3_managed";

#[derive(Serialize, Deserialize, Clone, Default)]
pub(crate) struct BucketModel {
    id: Val<String>,
    label: Val<String>,
    region: Val<String>,
    cluster: Val<String>,
    access_key: Val<String>,
    secret_key: Val<String>,
    acl: Val<ObjectAcl>,
    cors_enabled: Val<bool>,
    endpoint: Val<String>,
    s3_endpoint: Val<String>,
    endpoint_type: Val<EndpointType>,
    hostname: Val<String>,
    versioning: Val<bool>,
    lifecycle_rule: Vec<RuleModel>,
    cert: Vec<CertModel>,
}

#[derive(Serialize, Deserialize, Clone, Default, PartialEq, Debug)]
pub(crate) struct RuleModel {
    id: Val<String>,
    prefix: Val<String>,
    enabled: Val<bool>,
    abort_incomplete_multipart_upload_days: Val<i64>,
    expiration: Vec<ExpirationModel>,
    noncurrent_version_expiration: Vec<NoncurrentModel>,
}

#[derive(Serialize, Deserialize, Clone, Default, PartialEq, Debug)]
pub(crate) struct ExpirationModel {
    date: Val<String>,
    days: Val<i64>,
    expired_object_delete_marker: Val<bool>,
}

#[derive(Serialize, Deserialize, Clone, Default, PartialEq, Debug)]
pub(crate) struct NoncurrentModel {
    days: Val<i64>,
}

#[derive(Serialize, Deserialize, Clone, Default, PartialEq)]
pub(crate) struct CertModel {
    certificate: Val<String>,
    private_key: Val<String>,
}

fn days(description: &str) -> Attribute {
    Attribute::number().optional().validate(validators::between(1.0, 2_147_483_647.0)).description(description)
}

fn lifecycle_block() -> Block {
    let expiration = Schema::new()
        .description("When current objects expire.")
        .attr("date", Attribute::string().optional().description("The date (YYYY-MM-DD, midnight UTC) objects expire on."))
        .attr("days", days("Days after creation objects expire."))
        .attr(
            "expired_object_delete_marker",
            Attribute::bool().optional().description("Whether to remove delete markers that have no noncurrent versions left (versioned buckets)."),
        );
    let noncurrent = Schema::new()
        .description("When noncurrent versions expire.")
        .attr("days", days("Days after becoming noncurrent versions expire.").required());
    let rule = Schema::new()
        .description("A lifecycle rule, applied through S3 (needs S3 credentials).")
        .attr(
            "id",
            Attribute::string().optional().computed().use_state_for_unknown().description(
                "The rule's unique id. Rules are matched by id (then by content), so their order never causes a diff; a rule without an id gets one.",
            ),
        )
        .attr(
            "prefix",
            Attribute::string()
                .optional()
                .semantic_equality(equality::null_is_empty())
                .description("The key prefix the rule applies to (the whole bucket when unset)."),
        )
        .attr("enabled", Attribute::bool().required().description("Whether the rule is applied."))
        .attr("abort_incomplete_multipart_upload_days", days("Days after which incomplete multipart uploads are aborted."))
        .block("expiration", Block::list(expiration).max_items(1))
        .block("noncurrent_version_expiration", Block::list(noncurrent).max_items(1));
    Block::list(rule).paired_by(Pairing::by("id").then_same_configuration())
}

/// A rule in S3's form (dates are checked at plan time).
fn to_sdk(rule: &RuleModel) -> LifecycleRule {
    let exp = rule.expiration.first();
    LifecycleRule {
        id: rule.id.get().cloned(),
        prefix: rule.prefix.get().cloned().unwrap_or_default(),
        enabled: rule.enabled.get().copied().unwrap_or(true),
        expiration_days: exp.and_then(|e| e.days.get()).map(|d| *d as i32),
        expiration_date: exp.and_then(|e| e.date.get()).and_then(|d| parse_date(d)),
        expired_object_delete_marker: exp.and_then(|e| e.expired_object_delete_marker.get()).copied(),
        noncurrent_version_expiration_days: rule.noncurrent_version_expiration.first().and_then(|e| e.days.get()).map(|d| *d as i32),
        abort_incomplete_multipart_upload_days: rule.abort_incomplete_multipart_upload_days.get().map(|d| *d as i32),
    }
}

/// A rule read over S3.
fn from_sdk(rule: &LifecycleRule) -> RuleModel {
    let date = |d: time::Date| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
    RuleModel {
        id: rule.id.clone().into(),
        prefix: Val::Known(rule.prefix.clone()),
        enabled: Val::Known(rule.enabled),
        abort_incomplete_multipart_upload_days: rule.abort_incomplete_multipart_upload_days.map(i64::from).into(),
        expiration: rule
            .has_expiration()
            .then(|| ExpirationModel {
                date: rule.expiration_date.map(date).into(),
                days: rule.expiration_days.map(i64::from).into(),
                expired_object_delete_marker: rule.expired_object_delete_marker.into(),
            })
            .into_iter()
            .collect(),
        noncurrent_version_expiration: rule
            .noncurrent_version_expiration_days
            .map(|d| NoncurrentModel { days: Val::Known(i64::from(d)) })
            .into_iter()
            .collect(),
    }
}

/// Gives every rule without an id a fresh `rule-<n>` id.
fn fill_rule_ids(rules: &mut [RuleModel]) {
    let taken: Vec<String> = rules.iter().filter_map(|r| r.id.get().cloned()).collect();
    let mut fresh = (1..).map(|n| format!("rule-{n}")).filter(|id| !taken.contains(id));
    for rule in rules.iter_mut().filter(|r| !r.id.is_known()) {
        rule.id = fresh.next().map_or(Val::Null, Val::Known);
    }
}

/// A `YYYY-MM-DD` date (a real one: not 2027-02-31).
fn parse_date(d: &str) -> Option<time::Date> {
    time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

impl BucketModel {
    /// The bucket's region (from `region`, or the deprecated `cluster`).
    fn region_id(&self) -> Option<String> {
        self.region.get().cloned().or_else(|| self.cluster.get().map(|c| cluster_to_region(c)))
    }

    /// Label and region, or an error on `id`.
    fn address(&self, diags: &mut Diagnostics) -> Option<(String, String)> {
        match (self.label.get(), self.region_id()) {
            (Some(l), Some(r)) => Some((l.clone(), r)),
            _ => {
                diags.error_at("id", "Invalid bucket ID", "Expected `<region>:<label>`.");
                None
            }
        }
    }

    /// Copies what the API says about the bucket.
    fn apply_bucket(&mut self, b: &Bucket) {
        self.label = Val::Known(b.label.clone());
        self.region = Val::Known(b.region.clone());
        self.cluster = Val::Known(b.cluster.clone());
        self.id = Val::Known(format!("{}:{}", b.region, b.label));
        self.hostname = Val::Known(b.hostname.clone());
        self.endpoint = Val::Known(b.hostname.clone());
        self.s3_endpoint = Val::Known(b.s3_endpoint_host());
        self.endpoint_type = b.endpoint_type.clone().into();
    }

    fn s3_managed(&self) -> bool {
        self.versioning.get() == Some(&true) || !self.lifecycle_rule.is_empty()
    }

    async fn session(&self, state: &LinodeState, ctx: &Context) -> Result<S3Session, String> {
        let (label, region) = (self.label.get().cloned().unwrap_or_default(), self.region_id().unwrap_or_default());
        let endpoint = self.s3_endpoint.get().cloned().unwrap_or_default();
        S3Session::open(state, ctx, &endpoint, &region, &label, self.access_key.get().map(String::as_str), self.secret_key.get().map(String::as_str))
            .await
    }
}

/// Applies versioning and lifecycle rules over S3 when they differ from `prior`.
async fn apply_s3(state: &LinodeState, ctx: &Context, plan: &mut BucketModel, prior: &BucketModel, diags: &mut Diagnostics) {
    let versioning = plan.versioning.get().copied().filter(|v| Some(v) != prior.versioning.get().or(Some(&false)));
    fill_rule_ids(&mut plan.lifecycle_rule);
    let same_rules = plan.lifecycle_rule.len() == prior.lifecycle_rule.len()
        && plan.lifecycle_rule.iter().all(|r| prior.lifecycle_rule.contains(r));
    if versioning.is_none() && same_rules {
        return;
    }
    let label = plan.label.get().cloned().unwrap_or_default();
    let session = match plan.session(state, ctx).await {
        Ok(s) => s,
        Err(msg) => return diags.error_at(if versioning.is_some() { "versioning" } else { "lifecycle_rule" }, "Unable to reach the bucket over S3", msg),
    };
    if let Some(enabled) = versioning
        && let Err(e) = session.call(|s3| { let b = label.clone(); async move { s3.put_bucket_versioning(&b, enabled).await } }).await
    {
        diags.error_at("versioning", "Unable to set bucket versioning", e.to_string());
    }
    if !same_rules && !diags.has_errors() {
        let rules: Vec<LifecycleRule> = plan.lifecycle_rule.iter().map(to_sdk).collect();
        let result = session
            .call(|s3| {
                let (b, r) = (label.clone(), rules.clone());
                async move { if r.is_empty() { s3.delete_lifecycle_rules(&b).await } else { s3.put_lifecycle_rules(&b, &r).await } }
            })
            .await;
        if let Err(e) = result {
            diags.error_at("lifecycle_rule", "Unable to set the bucket's lifecycle rules", e.to_string());
        }
    }
    session.close(diags).await;
}

/// Refreshes versioning and lifecycle rules over S3. `explicit`: they are in the configuration
/// (missing credentials are then worth a warning).
async fn read_s3(state: &LinodeState, ctx: &Context, m: &mut BucketModel, explicit: bool, diags: &mut Diagnostics) {
    if key_source(state, m.access_key.get().map(String::as_str), m.secret_key.get().map(String::as_str)).is_none() {
        if explicit {
            let label = m.label.get().cloned().unwrap_or_default();
            diags.warning("Bucket versioning and lifecycle rules not refreshed", format!("Bucket {label:?}: {MISSING_KEYS_HELP}"));
        } else if m.versioning.is_null() {
            m.versioning = Val::Known(false);
        }
        return;
    }
    let session = match m.session(state, ctx).await {
        Ok(s) => s,
        Err(msg) => return diags.error("Unable to reach the bucket over S3", msg),
    };
    let label = m.label.get().cloned().unwrap_or_default();
    match session.call(|s3| { let b = label.clone(); async move { s3.get_bucket_versioning(&b).await } }).await {
        Ok(v) => m.versioning = Val::Known(v == VersioningStatus::Enabled),
        Err(e) => diags.error("Unable to read bucket versioning", e.to_string()),
    }
    match session.call(|s3| { let b = label.clone(); async move { s3.get_lifecycle_rules(&b).await } }).await {
        Ok(rules) => m.lifecycle_rule = rules.iter().map(from_sdk).collect(),
        Err(e) => diags.error("Unable to read the bucket's lifecycle rules", e.to_string()),
    }
    session.close(diags).await;
}

/// Refreshes `acl` and `cors_enabled`.
async fn read_access(state: &LinodeState, m: &mut BucketModel, diags: &mut Diagnostics) {
    let (label, region) = (m.label.get().cloned().unwrap_or_default(), m.region_id().unwrap_or_default());
    match state.client.object_storage().get_bucket_access(&region, &label).await {
        Ok(a) => {
            if a.acl != ObjectAcl::Custom {
                m.acl = Val::Known(a.acl);
            }
            m.cors_enabled = a.cors_enabled.into();
        }
        // `GET .../access` is newer than some API deployments (405/404 there): keep what we know.
        Err(e) if matches!(e.status(), Some(404 | 405)) => m.cors_enabled = m.cors_enabled.clone().resolve(None),
        Err(e) => common::api_error_plain(diags, "Unable to read the bucket's access settings", &e),
    }
}

async fn upload_cert(state: &LinodeState, cert: &CertModel, region: &str, label: &str, diags: &mut Diagnostics) {
    let ssl = UploadBucketSsl {
        certificate: cert.certificate.get().cloned().unwrap_or_default(),
        private_key: cert.private_key.get().cloned().unwrap_or_default(),
    };
    if let Err(e) = state.client.object_storage().upload_bucket_ssl(region, label, &ssl).await {
        common::api_error(diags, "Unable to upload the bucket's certificate", &e, |_| Some(AttributePath::new("cert")));
    }
}

#[async_trait]
impl TypedResource for BucketResource {
    type Model = BucketModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_object_storage_bucket"
    }

    fn schema(&self) -> Schema {
        let kept = |a: Attribute| a.computed().use_state_for_unknown();
        let place = |a: Attribute| kept(a.optional()).requires_replace().validate_with_data(ObjRegion);
        let endpoint = equality::normalized(|e: &str| e.trim_start_matches("https://").trim_end_matches('/').to_lowercase());
        Schema::new()
            .version(1)
            .description(
                "A Linode Object Storage bucket. Versioning and lifecycle rules are set through S3 with the \
                 resource's keys, the provider's `obj_access_key`/`obj_secret_key`, or a temporary key \
                 (`obj_use_temp_keys`); a missing key is reported at plan time.",
            )
            .attr("id", kept(Attribute::string()).description("`<region>:<label>`."))
            .attr(
                "label",
                Attribute::string()
                    .required()
                    .requires_replace()
                    .validate(validators::from_fn("must be a valid bucket label", |v| v.as_str().map_or(Ok(()), check_label)))
                    .description("The bucket's name: 3-63 lowercase letters, digits, dashes and periods, unique across Object Storage."),
            )
            .attr("region", place(Attribute::string()).description("The region of the bucket, e.g. `us-east`. Must offer Object Storage."))
            .attr(
                "cluster",
                place(Attribute::string())
                    .validate(validators::conflicts_with(&["region"]))
                    .deprecated("Use `region` instead (a cluster `us-east-1` is region `us-east`).")
                    .description("Deprecated: the Object Storage cluster, e.g. `us-east-1`. Use `region`."),
            )
            .attr("access_key", Attribute::string().optional().description("S3 access key for versioning and lifecycle rules (overrides the provider's)."))
            .attr("secret_key", Attribute::string().optional().sensitive().description("S3 secret key for versioning and lifecycle rules (overrides the provider's)."))
            .attr(
                "acl",
                Attribute::string()
                    .default("private")
                    .one_of(&["private", "public-read", "authenticated-read", "public-read-write"])
                    .description("The canned ACL: private, public-read, authenticated-read or public-read-write."),
            )
            .attr("cors_enabled", kept(Attribute::bool().optional()).description("Whether the bucket allows all cross-origin requests (not supported by E2/E3 endpoints)."))
            .attr("endpoint", kept(Attribute::string()).deprecated("Use `s3_endpoint` instead.").description("Deprecated: the bucket's hostname. Use `s3_endpoint`."))
            .attr(
                "s3_endpoint",
                kept(Attribute::string().optional())
                    .requires_replace()
                    .semantic_equality(endpoint)
                    .description("The S3 endpoint of the bucket (chosen by Linode when unset; kept as configured)."),
            )
            .attr(
                "endpoint_type",
                kept(Attribute::string().optional())
                    .requires_replace()
                    .one_of(&["E0", "E1", "E2", "E3"])
                    .description("The endpoint type: E0, E1, E2 or E3 (chosen by Linode when unset)."),
            )
            .attr("hostname", kept(Attribute::string()).description("The bucket's hostname, for URLs."))
            .attr(
                "versioning",
                kept(Attribute::bool().optional()).description(
                    "Whether versioning is enabled. Turning it off after it was on suspends it (S3 cannot return a bucket to unversioned). Needs S3 credentials.",
                ),
            )
            .block("lifecycle_rule", lifecycle_block())
            .block(
                "cert",
                Block::list(
                    Schema::new()
                        .description("A TLS certificate for the bucket's custom domain.")
                        .attr("certificate", Attribute::string().required().sensitive().description("The PEM certificate."))
                        .attr("private_key", Attribute::string().required().sensitive().description("The PEM private key.")),
                )
                .max_items(1),
            )
    }

    async fn validate(&self, config: &BucketModel, diags: &mut Diagnostics) {
        if config.region.is_null() && config.cluster.is_null() {
            diags.error_at("region", "Missing region", "Set `region` (for example \"us-east\") for the bucket.");
        }
        let mut seen = std::collections::HashSet::new();
        for (i, rule) in config.lifecycle_rule.iter().enumerate() {
            let path = AttributePath::new("lifecycle_rule").index(i as i64);
            if let Some(id) = rule.id.get()
                && !seen.insert(id.clone())
            {
                diags.error_at(path.clone().attr("id"), "Duplicate lifecycle rule id", format!("Rule id {id:?} is used twice."));
            }
            if let Some(e) = rule.expiration.first() {
                let at = path.attr("expiration").index(0);
                if let Some(d) = e.date.get().filter(|d| parse_date(d).is_none()) {
                    diags.error_at(at.clone().attr("date"), "Invalid date", format!("{d:?} is not a date like 2027-01-31."));
                }
                if e.days.is_null() && e.date.is_null() && e.expired_object_delete_marker.is_null() {
                    diags.error_at(at.attr("days"), "Missing expiration", "Set `days`, `date` or `expired_object_delete_marker` in the expiration block.");
                }
            }
        }
    }

    async fn modify_plan(&self, state: &LinodeState, req: &mut PlanChange<'_, BucketModel>, diags: &mut Diagnostics) {
        let (config, plan, prior) = (&req.config, &mut req.plan, req.prior.as_ref());
        if config.region.is_null()
            && let Some(c) = config.cluster.get()
        {
            plan.region = Val::Known(cluster_to_region(c));
        }
        if prior.is_none()
            && let (Some(label), Some(region)) = (config.label.get(), plan.region.get())
        {
            plan.id = Val::Known(format!("{region}:{label}"));
        }
        // Versioning and lifecycle rules need S3 credentials: say so now, not with a 403 at apply.
        let was_versioned = prior.and_then(|p| p.versioning.get().copied()).unwrap_or(false);
        let needs_versioning = match config.versioning {
            Val::Known(v) => v || (v != was_versioned && prior.is_some()),
            Val::Unknown => true,
            Val::Null => false,
        };
        let needs_lifecycle = !config.lifecycle_rule.is_empty() || prior.is_some_and(|p| !p.lifecycle_rule.is_empty());
        let keys_unknown = config.access_key.is_unknown() || config.secret_key.is_unknown();
        if (needs_versioning || needs_lifecycle)
            && !keys_unknown
            && key_source(state, config.access_key.get().map(String::as_str), config.secret_key.get().map(String::as_str)).is_none()
        {
            diags.error_at(if needs_versioning { "versioning" } else { "lifecycle_rule" }, "S3 credentials required", MISSING_KEYS_HELP);
        }
    }

    async fn create(&self, req: Create<'_, BucketModel, LinodeState>, resp: &mut Applied<BucketModel>) {
        let (state, mut plan) = (req.data, req.plan);
        let diags = &mut resp.diagnostics;
        let (Some(label), Some(region)) = (plan.label.get().cloned(), plan.region_id()) else {
            return diags.error_at("region", "Missing region", "Set `region` for the bucket.");
        };
        let create = CreateBucket {
            label: label.clone(),
            region: Some(region.clone()),
            cluster: None,
            acl: plan.acl.get().cloned(),
            cors_enabled: plan.cors_enabled.get().copied(),
            endpoint_type: plan.endpoint_type.get().cloned(),
            s3_endpoint: plan.s3_endpoint.get().cloned(),
        };
        let api = state.client.object_storage();
        // Creating a bucket the account already has answers 200 with that bucket: look first, so
        // that a bucket made outside this configuration is never taken over. After that, a bucket
        // found after an ambiguous failure can only be the one this create made.
        match api.get_bucket_opt(&region, &label).await {
            Ok(None) => {}
            Ok(Some(_)) => {
                let detail = format!(
                    "Bucket {label:?} already exists in {region}; this configuration did not create it. Import it \
                     (`terraform import <address> {region}:{label}`) or choose another label."
                );
                return diags.error_at("label", "Bucket already exists", detail);
            }
            Err(e) => return common::api_error_plain(diags, "Unable to check whether the bucket exists", &e),
        }
        let find = || async { api.get_bucket_opt(&region, &label).await.map(|b| b.into_iter().collect()) };
        let ownership = common::Ownership::Created(|b: &Bucket| Some(b.created.as_str()));
        let bucket = match common::create_once(req.op.ctx, &state.client, "bucket", ownership, || api.create_bucket(&create), find).await {
            Ok(b) => b,
            Err(e) => return common::api_error(diags, "Unable to create the bucket", &e, |f| req.op.field_path(f)),
        };
        plan.apply_bucket(&bucket);
        if let Some(cert) = plan.cert.first() {
            upload_cert(state, cert, &region, &label, diags).await;
        }
        // A new bucket is unversioned: nothing to do over S3 for versioning off.
        plan.versioning = Val::Known(plan.versioning.get().copied().unwrap_or(false));
        let fresh = BucketModel { versioning: Val::Known(false), ..Default::default() };
        apply_s3(state, req.op.ctx, &mut plan, &fresh, diags).await;
        read_access(state, &mut plan, diags).await;
        if plan.s3_managed() {
            resp.private.set(PRIVATE_S3_MANAGED, &true);
        }
        resp.set(plan);
    }

    async fn read(&self, req: Read<'_, BucketModel, LinodeState>, resp: &mut Refreshed<BucketModel>) {
        let (state, mut m) = (req.data, req.state);
        let diags = &mut resp.diagnostics;
        let Some((label, region)) = m.address(diags) else { return };
        let api = state.client.object_storage();
        match api.get_bucket_opt(&region, &label).await {
            Ok(Some(b)) => m.apply_bucket(&b),
            Ok(None) => return resp.remove(),
            Err(e) => return common::api_error_plain(diags, "Unable to read the bucket", &e),
        }
        m.acl = m.acl.or_known(ObjectAcl::Private);
        read_access(state, &mut m, diags).await;
        if !m.cert.is_empty() {
            match api.get_bucket_ssl(&region, &label).await {
                Ok(ssl) if !ssl.ssl => m.cert.clear(),
                Ok(_) => {}
                Err(e) => common::api_error_plain(diags, "Unable to read the bucket's certificate", &e),
            }
        }
        let explicit = m.s3_managed();
        if explicit || req.private.get::<bool>(PRIVATE_S3_MANAGED).unwrap_or(false) {
            read_s3(state, req.op.ctx, &mut m, explicit, diags).await;
            resp.private.set(PRIVATE_S3_MANAGED, &true);
        }
        m.versioning = m.versioning.or_known(false);
        resp.set(m);
    }

    async fn update(&self, req: Update<'_, BucketModel, LinodeState>, resp: &mut Applied<BucketModel>) {
        let prior = req.prior.clone();
        match update_bucket(req, resp).await {
            Some(m) if !resp.diagnostics.has_errors() => resp.set(m),
            // Nothing is half-recorded: the next plan retries every change (all are idempotent).
            _ => resp.set(prior),
        }
    }

    async fn delete(&self, req: Read<'_, BucketModel, LinodeState>, diags: &mut Diagnostics) {
        let (state, m) = (req.data, req.state);
        let Some((label, region)) = m.address(diags) else { return };
        if state.object_storage.bucket_force_delete {
            let session = match m.session(state, req.op.ctx).await {
                Ok(s) => s,
                Err(msg) => return diags.error("Unable to empty the bucket", format!("`obj_bucket_force_delete` empties buckets over S3. {msg}")),
            };
            if let Err(e) = empty_bucket(&session, &label).await {
                diags.error("Unable to empty the bucket", format!("Bucket {label:?}: {e}"));
            }
            session.close(diags).await;
            if diags.has_errors() {
                return;
            }
        }
        match state.client.object_storage().delete_bucket(&region, &label).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) if e.is_bad_request() => diags.error(
                "Bucket is not empty",
                format!(
                    "Bucket {label:?} still holds objects (or object versions), so it cannot be deleted: {e}. \
                     Delete them first, or set `obj_bucket_force_delete = true` in the provider block to let \
                     the provider delete every object and version before deleting the bucket."
                ),
            ),
            Err(e) => common::api_error_plain(diags, "Unable to delete the bucket", &e),
        }
    }

    /// Version 0 is linode/linode's state (terraform-plugin-sdk/v2: `""` for unset keys, empty
    /// `cert` and `lifecycle_rule` lists) or this provider's before.
    async fn upgrade_state(&self, req: UpgradeStateRequest, resp: &mut UpgradeStateResponse) {
        let mut json = req.json;
        tfplugin::upgrade::sdkv2_zero_values_to_null(&self.schema(), &mut json);
        resp.set_json(&json);
    }

    async fn import(&self, _state: &LinodeState, req: ImportRequest, resp: &mut ImportResponse) {
        let Some((region, label)) = super::split_bucket_id(&req.id) else {
            let detail = format!("Expected `<region>:<label>` (a deprecated cluster id such as `us-east-1` works too), got {:?}.", req.id);
            return resp.diagnostics.error("Invalid import ID", detail);
        };
        resp.set_attr("id", format!("{region}:{label}"));
        resp.set_attr("label", label);
        resp.set_attr("region", region);
        resp.set_attr("acl", "private");
        // Versioning and lifecycle rules may be in use: refresh them (when S3 keys are available).
        resp.private.set(PRIVATE_S3_MANAGED, &true);
    }
}

/// Applies an update; `None` (with an error) when something failed.
async fn update_bucket(req: Update<'_, BucketModel, LinodeState>, resp: &mut Applied<BucketModel>) -> Option<BucketModel> {
    let (state, mut plan, prior) = (req.data, req.plan, req.prior);
    let diags = &mut resp.diagnostics;
    let (label, region) = prior.address(diags)?;
    let api = state.client.object_storage();
    if (plan.acl.is_known() && plan.acl != prior.acl) || (plan.cors_enabled.is_known() && plan.cors_enabled != prior.cors_enabled) {
        let access = UpdateBucketAccess { acl: plan.acl.get().cloned(), cors_enabled: plan.cors_enabled.get().copied() };
        if let Err(e) = api.update_bucket_access(&region, &label, &access).await {
            common::api_error(diags, "Unable to update the bucket's access", &e, |f| req.op.field_path(f));
            return None;
        }
    }
    if plan.cert != prior.cert {
        if !prior.cert.is_empty()
            && let Err(e) = api.delete_bucket_ssl(&region, &label).await
            && !e.is_not_found()
        {
            common::api_error_plain(diags, "Unable to delete the bucket's old certificate", &e);
            return None;
        }
        if let Some(cert) = plan.cert.first() {
            upload_cert(state, cert, &region, &label, diags).await;
        }
    }
    if !diags.has_errors() {
        apply_s3(state, req.op.ctx, &mut plan, &prior, diags).await;
    }
    plan.versioning = plan.versioning.resolve(prior.versioning.get().copied());
    if plan.cors_enabled.is_unknown() {
        read_access(state, &mut plan, diags).await;
    }
    if plan.s3_managed() || prior.s3_managed() {
        resp.private.set(PRIVATE_S3_MANAGED, &true);
    }
    Some(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_ids_are_filled_uniquely() {
        let mut rules = vec![
            RuleModel { id: Val::Unknown, ..Default::default() },
            RuleModel { id: Val::Known("rule-1".into()), ..Default::default() },
        ];
        fill_rule_ids(&mut rules);
        assert_eq!(rules[0].id.get().map(String::as_str), Some("rule-2"));
    }
}
