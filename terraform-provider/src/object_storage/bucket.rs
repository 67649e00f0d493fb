//! `linode_object_storage_bucket`.

use linode_sdk::models::object_storage::{
    Bucket, CreateBucket, EndpointType, ObjectAcl, UpdateBucketAccess, UploadBucketSsl,
};
use linode_sdk::s3::{LifecycleRule, VersioningStatus};
use serde::{Deserialize, Serialize};
use tfplugin::resource::{
    ApplyResponse, CreateRequest, DeleteRequest, ImportRequest, ImportResponse, ModifyPlanRequest, ReadRequest,
    ReadResponse, UpdateRequest,
};
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::{AttributePath, Diagnostics, Resource, Val, Value, async_trait, validators};

use super::{MISSING_KEYS_HELP, S3Session, check_obj_region, cluster_to_region, key_source};
use crate::LinodeState;
use crate::common;

/// The resource.
pub struct BucketResource;

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
    acl: Val<String>,
    cors_enabled: Val<bool>,
    endpoint: Val<String>,
    s3_endpoint: Val<String>,
    endpoint_type: Val<String>,
    hostname: Val<String>,
    versioning: Val<bool>,
    #[serde(default)]
    lifecycle_rule: Vec<RuleModel>,
    #[serde(default)]
    cert: Vec<CertModel>,
}

#[derive(Serialize, Deserialize, Clone, Default, PartialEq, Debug)]
pub(crate) struct RuleModel {
    id: Val<String>,
    prefix: Val<String>,
    enabled: Val<bool>,
    abort_incomplete_multipart_upload_days: Val<i64>,
    #[serde(default)]
    expiration: Vec<ExpirationModel>,
    #[serde(default)]
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

/// The API's bucket label rule: 3-63 characters; lowercase letters, digits, dashes between them,
/// dot-separated parts.
pub(crate) fn check_label(label: &str) -> Result<(), String> {
    let re = regex::Regex::new(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:[.][a-z0-9]+(?:-[a-z0-9]+)*)*$").expect("static regex");
    if !(3..=63).contains(&label.len()) {
        return Err(format!("Bucket labels must be 3-63 characters long, got {} ({label:?}).", label.len()));
    }
    if !re.is_match(label) {
        return Err(format!(
            "{label:?} is not a valid bucket label: use lowercase letters, digits, dashes (not at the start or \
             end of a part) and periods between parts."
        ));
    }
    Ok(())
}

const ACLS: &[&str] = &["private", "public-read", "authenticated-read", "public-read-write"];

fn lifecycle_schema() -> Schema {
    Schema::new()
        .description("A lifecycle rule, applied through S3 (needs S3 credentials).")
        .attr(
            "id",
            Attribute::string()
                .optional()
                .computed()
                .description("The rule's unique id. Rules are matched by id, so their order never causes a diff; a rule without an id gets one."),
        )
        .attr("prefix", Attribute::string().optional().description("The key prefix the rule applies to (the whole bucket when unset)."))
        .attr("enabled", Attribute::bool().required().description("Whether the rule is applied."))
        .attr(
            "abort_incomplete_multipart_upload_days",
            Attribute::number()
                .optional()
                .validate(validators::between(1.0, 2_147_483_647.0))
                .description("Days after which incomplete multipart uploads are aborted."),
        )
        .block(
            "expiration",
            Block::list(
                Schema::new()
                    .description("When current objects expire.")
                    .attr("date", Attribute::string().optional().description("The date (YYYY-MM-DD, midnight UTC) objects expire on."))
                    .attr(
                        "days",
                        Attribute::number()
                            .optional()
                            .validate(validators::between(1.0, 2_147_483_647.0))
                            .description("Days after creation objects expire."),
                    )
                    .attr(
                        "expired_object_delete_marker",
                        Attribute::bool().optional().description("Whether to remove delete markers that have no noncurrent versions left (versioned buckets)."),
                    ),
            )
            .max_items(1),
        )
        .block(
            "noncurrent_version_expiration",
            Block::list(
                Schema::new().description("When noncurrent versions expire.").attr(
                    "days",
                    Attribute::number()
                        .required()
                        .validate(validators::between(1.0, 2_147_483_647.0))
                        .description("Days after becoming noncurrent versions expire."),
                ),
            )
            .max_items(1),
        )
}

/// Converts a rule of the configuration to its S3 form (dates are checked at plan time; one that
/// does not parse here is an error on the rule).
fn to_sdk(rule: &RuleModel) -> Result<LifecycleRule, String> {
    let exp = rule.expiration.first();
    let expiration_date = match exp.and_then(|e| e.date.get()) {
        Some(d) => Some(parse_date(d).ok_or_else(|| format!("{d:?} is not a date like 2027-01-31."))?),
        None => None,
    };
    Ok(LifecycleRule {
        id: rule.id.get().cloned(),
        prefix: rule.prefix.get().cloned().unwrap_or_default(),
        enabled: rule.enabled.get().copied().unwrap_or(true),
        expiration_days: exp.and_then(|e| e.days.get()).map(|d| *d as i32),
        expiration_date,
        expired_object_delete_marker: exp.and_then(|e| e.expired_object_delete_marker.get()).copied(),
        noncurrent_version_expiration_days: rule.noncurrent_version_expiration.first().and_then(|e| e.days.get()).map(|d| *d as i32),
        abort_incomplete_multipart_upload_days: rule.abort_incomplete_multipart_upload_days.get().map(|d| *d as i32),
    })
}

/// Converts a rule read over S3, shaped like `known` (the state's rule with the same id) where the
/// API cannot tell a null from an empty value.
fn from_sdk(rule: &LifecycleRule, known: Option<&RuleModel>) -> RuleModel {
    let prefix = if rule.prefix.is_empty() && known.is_none_or(|k| k.prefix.is_null()) {
        Val::Null
    } else {
        Val::Known(rule.prefix.clone())
    };
    RuleModel {
        id: rule.id.clone().into(),
        prefix,
        enabled: Val::Known(rule.enabled),
        abort_incomplete_multipart_upload_days: rule.abort_incomplete_multipart_upload_days.map(i64::from).into(),
        expiration: rule
            .has_expiration()
            .then(|| ExpirationModel {
                date: rule.expiration_date.map(|d| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())).into(),
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

/// Orders rules read over S3 like the known rules (matched by id), unknown ones last: the API's
/// order never shows as a change.
pub(crate) fn order_rules(known: &[RuleModel], api: &[LifecycleRule]) -> Vec<RuleModel> {
    let mut out = Vec::with_capacity(api.len());
    let mut used = vec![false; api.len()];
    for k in known {
        if let Some(i) = api.iter().enumerate().position(|(i, r)| !used[i] && r.id.is_some() && r.id.as_ref() == k.id.get()) {
            used[i] = true;
            out.push(from_sdk(&api[i], Some(k)));
        }
    }
    for (i, r) in api.iter().enumerate() {
        if !used[i] {
            out.push(from_sdk(r, None));
        }
    }
    out
}

/// Gives every rule without an id a fresh `rule-<n>` id.
fn fill_rule_ids(rules: &mut [RuleModel]) {
    let mut n = 0;
    for i in 0..rules.len() {
        if rules[i].id.is_known() {
            continue;
        }
        let id = loop {
            n += 1;
            let candidate = format!("rule-{n}");
            if !rules.iter().any(|r| r.id.get() == Some(&candidate)) {
                break candidate;
            }
        };
        rules[i].id = Val::Known(id);
    }
}

/// Whether two rules agree on everything but the id.
fn same_rule_content(a: &RuleModel, b: &RuleModel) -> bool {
    RuleModel { id: Val::Null, ..a.clone() } == RuleModel { id: Val::Null, ..b.clone() }
}

/// A `YYYY-MM-DD` date (a real one: not 2027-02-31).
fn parse_date(d: &str) -> Option<time::Date> {
    time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

fn parse_acl(acl: &str) -> ObjectAcl {
    serde_json::from_value(serde_json::Value::String(acl.to_string())).unwrap_or(ObjectAcl::Private)
}

fn acl_str(acl: &ObjectAcl) -> String {
    serde_json::to_value(acl).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_else(|| "private".into())
}

fn endpoint_type_str(t: &EndpointType) -> String {
    serde_json::to_value(t).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

fn field_attr(field: &str) -> Option<AttributePath> {
    match field {
        "label" | "region" | "cluster" | "acl" | "cors_enabled" | "endpoint_type" | "s3_endpoint" => {
            Some(AttributePath::new(field))
        }
        "certificate" | "private_key" => Some(AttributePath::new("cert")),
        _ => None,
    }
}

impl BucketModel {
    /// The bucket's region (from `region`, or the deprecated `cluster`).
    fn region_id(&self) -> Option<String> {
        self.region.get().cloned().or_else(|| self.cluster.get().map(|c| cluster_to_region(c)))
    }

    fn keys(&self) -> (Option<&str>, Option<&str>) {
        (self.access_key.get().map(String::as_str), self.secret_key.get().map(String::as_str))
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
        self.endpoint_type = b.endpoint_type.as_ref().map(endpoint_type_str).into();
    }

    fn s3_endpoint_or_empty(&self) -> String {
        self.s3_endpoint.get().cloned().unwrap_or_default()
    }
}

/// Applies versioning and lifecycle rules over S3 when they differ from `prior`.
async fn apply_s3(state: &LinodeState, plan: &mut BucketModel, prior: Option<&BucketModel>, diags: &mut Diagnostics) {
    let want_versioning = plan.versioning.get().copied();
    let prior_versioning = prior.and_then(|p| p.versioning.get().copied()).unwrap_or(false);
    let versioning_change = match want_versioning {
        Some(v) => v != prior_versioning,
        None => false,
    };
    fill_rule_ids(&mut plan.lifecycle_rule);
    let prior_rules = prior.map(|p| p.lifecycle_rule.as_slice()).unwrap_or(&[]);
    let lifecycle_change = plan.lifecycle_rule != prior_rules;
    if !versioning_change && !lifecycle_change {
        return;
    }
    let (Some(label), Some(region)) = (plan.label.get().cloned(), plan.region_id()) else { return };
    let (ak, sk) = plan.keys();
    let session = match S3Session::open(state, &plan.s3_endpoint_or_empty(), &region, &label, ak, sk).await {
        Ok(s) => s,
        Err(msg) => {
            let path = if versioning_change { "versioning" } else { "lifecycle_rule" };
            diags.error_at(path, "Unable to reach the bucket over S3", msg);
            return;
        }
    };
    if versioning_change && let Some(enabled) = want_versioning {
        let bucket = label.clone();
        if let Err(e) = session.call(|s3| { let b = bucket.clone(); async move { s3.put_bucket_versioning(&b, enabled).await } }).await {
            diags.error_at("versioning", "Unable to set bucket versioning", e.to_string());
        }
    }
    if lifecycle_change && !diags.has_errors() {
        match plan.lifecycle_rule.iter().map(to_sdk).collect::<Result<Vec<LifecycleRule>, String>>() {
            Err(msg) => diags.error_at("lifecycle_rule", "Invalid lifecycle rule", msg),
            Ok(rules) => {
                let bucket = label.clone();
                let result = if rules.is_empty() {
                    session.call(|s3| { let b = bucket.clone(); async move { s3.delete_lifecycle_rules(&b).await } }).await
                } else {
                    session
                        .call(|s3| {
                            let (b, r) = (bucket.clone(), rules.clone());
                            async move { s3.put_lifecycle_rules(&b, &r).await }
                        })
                        .await
                };
                if let Err(e) = result {
                    diags.error_at("lifecycle_rule", "Unable to set the bucket's lifecycle rules", e.to_string());
                }
            }
        }
    }
    session.close(state, diags).await;
}

/// Refreshes versioning and lifecycle rules over S3 (only called when they are managed).
async fn read_s3(state: &LinodeState, m: &mut BucketModel, diags: &mut Diagnostics) {
    let (Some(label), Some(region)) = (m.label.get().cloned(), m.region_id()) else { return };
    let (ak, sk) = m.keys();
    if key_source(state, ak, sk).is_none() {
        if !s3_managed(m) {
            // Only the private flag asked for it (e.g. after import): nothing to warn about.
            if m.versioning.is_null() {
                m.versioning = Val::Known(false);
            }
            return;
        }
        diags.warning(
            "Bucket versioning and lifecycle rules not refreshed",
            format!("Bucket {label:?}: {MISSING_KEYS_HELP}"),
        );
        return;
    }
    let session = match S3Session::open(state, &m.s3_endpoint_or_empty(), &region, &label, ak, sk).await {
        Ok(s) => s,
        Err(msg) => {
            diags.error("Unable to reach the bucket over S3", msg);
            return;
        }
    };
    let bucket = label.clone();
    match session.call(|s3| { let b = bucket.clone(); async move { s3.get_bucket_versioning(&b).await } }).await {
        Ok(v) => m.versioning = Val::Known(v == VersioningStatus::Enabled),
        Err(e) => diags.error("Unable to read bucket versioning", e.to_string()),
    }
    match session.call(|s3| { let b = bucket.clone(); async move { s3.get_lifecycle_rules(&b).await } }).await {
        Ok(rules) => m.lifecycle_rule = order_rules(&m.lifecycle_rule, &rules),
        Err(e) => diags.error("Unable to read the bucket's lifecycle rules", e.to_string()),
    }
    session.close(state, diags).await;
}

/// Refreshes acl and cors_enabled.
async fn read_access(state: &LinodeState, m: &mut BucketModel, region: &str, label: &str, diags: &mut Diagnostics) {
    match state.client.object_storage().get_bucket_access(region, label).await {
        Ok(a) => {
            if a.acl != ObjectAcl::Custom {
                m.acl = Val::Known(acl_str(&a.acl));
            }
            if let Some(c) = a.cors_enabled {
                m.cors_enabled = Val::Known(c);
            } else if m.cors_enabled.is_unknown() {
                m.cors_enabled = Val::Null;
            }
        }
        // `GET .../access` is newer than some API deployments (405/404 there): keep what we know.
        Err(e) if matches!(e.status(), Some(404 | 405)) => {
            if m.cors_enabled.is_unknown() {
                m.cors_enabled = Val::Null;
            }
        }
        Err(e) => common::api_error_plain(diags, "Unable to read the bucket's access settings", &e),
    }
}

fn s3_managed(m: &BucketModel) -> bool {
    m.versioning.get() == Some(&true) || !m.lifecycle_rule.is_empty()
}

#[async_trait]
impl Resource for BucketResource {
    fn type_name(&self) -> &str {
        "linode_object_storage_bucket"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .description(
                "A Linode Object Storage bucket. Versioning and lifecycle rules are set through S3 with the \
                 resource's keys, the provider's `obj_access_key`/`obj_secret_key`, or a temporary key \
                 (`obj_use_temp_keys`); a missing key is reported at plan time.",
            )
            .attr("id", Attribute::string().computed().use_state_for_unknown().description("`<region>:<label>`."))
            .attr(
                "label",
                Attribute::string()
                    .required()
                    .requires_replace()
                    .validate(validators::from_fn("must be a valid bucket label", |v| match v.as_str() {
                        Some(s) => check_label(s),
                        None => Ok(()),
                    }))
                    .description("The bucket's name: 3-63 lowercase letters, digits, dashes and periods, unique across Object Storage."),
            )
            .attr(
                "region",
                Attribute::string()
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .requires_replace()
                    .description("The region of the bucket, e.g. `us-east`. Must offer Object Storage."),
            )
            .attr(
                "cluster",
                Attribute::string()
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .requires_replace()
                    .validate(validators::conflicts_with(&["region"]))
                    .deprecated("Use `region` instead (a cluster `us-east-1` is region `us-east`).")
                    .description("Deprecated: the Object Storage cluster, e.g. `us-east-1`. Use `region`."),
            )
            .attr("access_key", Attribute::string().optional().description("S3 access key for versioning and lifecycle rules (overrides the provider's)."))
            .attr(
                "secret_key",
                Attribute::string().optional().sensitive().description("S3 secret key for versioning and lifecycle rules (overrides the provider's)."),
            )
            .attr(
                "acl",
                Attribute::string()
                    .default("private")
                    .validate(validators::one_of(ACLS))
                    .description("The canned ACL: private, public-read, authenticated-read or public-read-write."),
            )
            .attr(
                "cors_enabled",
                Attribute::bool().optional().computed().use_state_for_unknown().description("Whether the bucket allows all cross-origin requests (not supported by E2/E3 endpoints)."),
            )
            .attr(
                "endpoint",
                Attribute::string()
                    .computed()
                    .use_state_for_unknown()
                    .deprecated("Use `s3_endpoint` instead.")
                    .description("Deprecated: the bucket's hostname. Use `s3_endpoint`."),
            )
            .attr(
                "s3_endpoint",
                Attribute::string()
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .requires_replace()
                    .description("The S3 endpoint of the bucket (chosen by Linode when unset)."),
            )
            .attr(
                "endpoint_type",
                Attribute::string()
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .requires_replace()
                    .validate(validators::one_of(&["E0", "E1", "E2", "E3"]))
                    .description("The endpoint type: E0, E1, E2 or E3 (chosen by Linode when unset)."),
            )
            .attr("hostname", Attribute::string().computed().use_state_for_unknown().description("The bucket's hostname, for URLs."))
            .attr(
                "versioning",
                Attribute::bool()
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .description("Whether versioning is enabled. Turning it off after it was on suspends it (S3 cannot return a bucket to unversioned). Needs S3 credentials."),
            )
            .block("lifecycle_rule", Block::list(lifecycle_schema()))
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

    async fn modify_plan(&self, req: &mut ModifyPlanRequest, diags: &mut Diagnostics) {
        let ctx = req.ctx.clone();
        let Some(state) = ctx.provider_data::<LinodeState>() else { return };
        let config = req.config.clone();
        let creating = req.is_create();
        let cfg_region = config.get("region").cloned().unwrap_or(Value::Null);
        let cfg_cluster = config.get("cluster").cloned().unwrap_or(Value::Null);
        let prior_region = req.state.get("region").cloned().unwrap_or(Value::Null);
        // Region (or the deprecated cluster) must offer Object Storage and have an S3 endpoint.
        if let Some(r) = cfg_region.as_str() {
            if creating || prior_region.as_str() != Some(r) {
                check_obj_region(state, r, AttributePath::new("region"), diags).await;
            }
        } else if let Some(c) = cfg_cluster.as_str() {
            let r = cluster_to_region(c);
            if creating || prior_region.as_str() != Some(r.as_str()) {
                check_obj_region(state, &r, AttributePath::new("cluster"), diags).await;
            }
            if let Some(v) = req.plan.get_mut("region") {
                *v = Value::from(r);
            }
        } else if cfg_region.is_null() && cfg_cluster.is_null() {
            diags.error_at("region", "Missing region", "Set `region` (for example \"us-east\") for the bucket.");
        }
        if creating
            && let (Some(label), Some(region)) = (config.get("label").and_then(Value::as_str), req.plan.get("region").and_then(Value::as_str))
        {
            let id = format!("{region}:{label}");
            if let Some(v) = req.plan.get_mut("id") {
                *v = Value::from(id);
            }
        }

        // Lifecycle rules: unsupported fields, unique ids, ids kept for unchanged rules.
        let Some(plan) = req.plan_as::<BucketModel>(&mut Diagnostics::new()) else { return };
        let prior: Option<BucketModel> = if creating { None } else { req.state_as(&mut Diagnostics::new()) };
        let mut plan = plan;
        let mut seen = std::collections::HashSet::new();
        for (i, rule) in plan.lifecycle_rule.iter().enumerate() {
            let path = AttributePath::root().attr("lifecycle_rule").index(i as i64);
            if let Some(id) = rule.id.get()
                && !seen.insert(id.clone())
            {
                diags.error_at(path.clone().attr("id"), "Duplicate lifecycle rule id", format!("Rule id {id:?} is used twice."));
            }
            if let Some(e) = rule.expiration.first() {
                let epath = path.clone().attr("expiration").index(0);
                if let Some(d) = e.date.get()
                    && parse_date(d).is_none()
                {
                    diags.error_at(epath.clone().attr("date"), "Invalid date", format!("{d:?} is not a date like 2027-01-31."));
                }
                if e.days.is_null() && e.date.is_null() && e.expired_object_delete_marker.is_null() {
                    diags.error_at(
                        epath.attr("days"),
                        "Missing expiration",
                        "Set `days`, `date` or `expired_object_delete_marker` in the expiration block.",
                    );
                }
            }
        }
        let cfg_ids: Vec<Value> = config
            .get("lifecycle_rule")
            .and_then(Value::as_elements)
            .map(|rules| rules.iter().map(|r| r.get("id").cloned().unwrap_or(Value::Null)).collect())
            .unwrap_or_default();
        let mut changed = false;
        if let Some(prior) = &prior {
            for (i, rule) in plan.lifecycle_rule.iter_mut().enumerate() {
                if cfg_ids.get(i).is_some_and(Value::is_null) {
                    // A rule without a configured id keeps the id of the identical prior rule.
                    let same = prior.lifecycle_rule.iter().find(|p| p.id.is_known() && same_rule_content(p, rule));
                    let new_id = same.map(|p| p.id.clone()).unwrap_or(Val::Unknown);
                    if rule.id != new_id {
                        rule.id = new_id;
                        changed = true;
                    }
                }
            }
        }
        if changed {
            req.set_plan(&plan, diags);
        }

        // Versioning and lifecycle rules need S3 credentials: say so now, not with a 403 at apply.
        let cfg_versioning = config.get("versioning").cloned().unwrap_or(Value::Null);
        let prior_versioning = prior.as_ref().and_then(|p| p.versioning.get().copied()).unwrap_or(false);
        let needs_versioning = match cfg_versioning.as_bool() {
            Some(v) => v || v != prior_versioning && !creating,
            None => cfg_versioning.is_unknown(),
        };
        let prior_rules = prior.as_ref().map(|p| p.lifecycle_rule.len()).unwrap_or(0);
        let needs_lifecycle = !plan.lifecycle_rule.is_empty() || prior_rules > 0;
        let keys_unknown = config.get("access_key").is_some_and(Value::is_unknown)
            || config.get("secret_key").is_some_and(Value::is_unknown);
        if (needs_versioning || needs_lifecycle)
            && !keys_unknown
            && key_source(
                state,
                config.get("access_key").and_then(Value::as_str),
                config.get("secret_key").and_then(Value::as_str),
            )
            .is_none()
        {
            let path = if needs_versioning { "versioning" } else { "lifecycle_rule" };
            diags.error_at(path, "S3 credentials required", MISSING_KEYS_HELP);
        }
    }

    async fn create(&self, req: CreateRequest, resp: &mut ApplyResponse) {
        let diags = &mut resp.diagnostics;
        let Some(state) = common::state(&req.ctx, diags) else { return };
        let Some(mut plan) = req.plan_as::<BucketModel>(diags) else { return };
        let (Some(label), Some(region)) = (plan.label.get().cloned(), plan.region_id()) else {
            diags.error_at("region", "Missing region", "Set `region` for the bucket.");
            return;
        };
        let create = CreateBucket {
            label: label.clone(),
            region: Some(region.clone()),
            cluster: None,
            acl: plan.acl.get().map(|a| parse_acl(a)),
            cors_enabled: plan.cors_enabled.get().copied(),
            endpoint_type: plan
                .endpoint_type
                .get()
                .and_then(|t| serde_json::from_value(serde_json::Value::String(t.clone())).ok()),
            s3_endpoint: plan.s3_endpoint.get().cloned(),
        };
        let api = state.client.object_storage();
        // Creating a bucket the account already has answers 200 with that bucket: look first,
        // so that a bucket made outside this configuration is never taken over. After that, a
        // bucket found after an ambiguous failure can only be the one this create made.
        match api.get_bucket_opt(&region, &label).await {
            Ok(None) => {}
            Ok(Some(_)) => {
                diags.error_at(
                    "label",
                    "Bucket already exists",
                    format!(
                        "Bucket {label:?} already exists in {region}; this configuration did not create it. Import it \
                         (`terraform import <address> {region}:{label}`) or choose another label."
                    ),
                );
                return;
            }
            Err(e) => return common::api_error_plain(diags, "Unable to check whether the bucket exists", &e),
        }
        let find = || async { api.get_bucket_opt(&region, &label).await.map(|b| b.into_iter().collect()) };
        let ownership = common::Ownership::Created(|b: &Bucket| Some(b.created.as_str()));
        let bucket = match common::create_once(&req.ctx, &state.client, "bucket", ownership, || api.create_bucket(&create), find).await {
            Ok(b) => b,
            Err(e) => {
                common::api_error(diags, "Unable to create the bucket", &e, field_attr);
                return;
            }
        };
        plan.apply_bucket(&bucket);
        if let Some(cert) = plan.cert.first() {
            let ssl = UploadBucketSsl {
                certificate: cert.certificate.get().cloned().unwrap_or_default(),
                private_key: cert.private_key.get().cloned().unwrap_or_default(),
            };
            if let Err(e) = api.upload_bucket_ssl(&region, &label, &ssl).await {
                common::api_error(diags, "Unable to upload the bucket's certificate", &e, field_attr);
            }
        }
        if !plan.versioning.is_known() || plan.versioning.get() == Some(&false) {
            // A new bucket is unversioned: nothing to do over S3 for versioning.
            plan.versioning = Val::Known(false);
        }
        let fresh = BucketModel { versioning: Val::Known(false), ..Default::default() };
        apply_s3(state, &mut plan, Some(&fresh), diags).await;
        read_access(state, &mut plan, &region, &label, diags).await;
        if s3_managed(&plan) {
            resp.private.set(PRIVATE_S3_MANAGED, &true);
        }
        resp.set_state(&plan);
    }

    async fn read(&self, req: ReadRequest, resp: &mut ReadResponse) {
        let diags = &mut resp.diagnostics;
        let Some(state) = common::state(&req.ctx, diags) else { return };
        let Some(mut m) = req.state_as::<BucketModel>(diags) else { return };
        let (label, region) = match (m.label.get().cloned(), m.region_id()) {
            (Some(l), Some(r)) => (l, r),
            _ => match m.id.get().and_then(|id| super::split_bucket_id(id)) {
                Some((r, l)) => (l, r),
                None => {
                    diags.error_at("id", "Invalid bucket ID", "Expected `<region>:<label>`.");
                    return;
                }
            },
        };
        let api = state.client.object_storage();
        let bucket = match api.get_bucket_opt(&region, &label).await {
            Ok(Some(b)) => b,
            Ok(None) => {
                resp.remove();
                return;
            }
            Err(e) => {
                common::api_error_plain(diags, "Unable to read the bucket", &e);
                return;
            }
        };
        m.apply_bucket(&bucket);
        if m.acl.is_null() {
            m.acl = Val::Known("private".into());
        }
        read_access(state, &mut m, &region, &label, diags).await;
        if !m.cert.is_empty() {
            match api.get_bucket_ssl(&region, &label).await {
                Ok(ssl) if !ssl.ssl => m.cert.clear(),
                Ok(_) => {}
                Err(e) => common::api_error_plain(diags, "Unable to read the bucket's certificate", &e),
            }
        }
        let managed = req.private.get::<bool>(PRIVATE_S3_MANAGED).unwrap_or(false) || s3_managed(&m);
        if managed {
            read_s3(state, &mut m, diags).await;
            resp.private.set(PRIVATE_S3_MANAGED, &true);
        } else if !m.versioning.is_known() {
            m.versioning = Val::Known(false);
        }
        resp.set_state(&m);
    }

    async fn update(&self, req: UpdateRequest, resp: &mut ApplyResponse) {
        update_bucket(&req, resp).await;
        if resp.diagnostics.has_errors() {
            // Nothing is half-recorded: the next plan retries every change (all are idempotent).
            resp.state = req.state.clone();
        }
    }

    async fn delete(&self, req: DeleteRequest, diags: &mut Diagnostics) {
        let Some(state) = common::state(&req.ctx, diags) else { return };
        let Some(m) = req.state_as::<BucketModel>(diags) else { return };
        let (Some(label), Some(region)) = (m.label.get().cloned(), m.region_id()) else { return };
        let api = state.client.object_storage();
        if state.object_storage.bucket_force_delete {
            let (ak, sk) = m.keys();
            let session = match S3Session::open(state, &m.s3_endpoint_or_empty(), &region, &label, ak, sk).await {
                Ok(s) => s,
                Err(msg) => {
                    diags.error(
                        "Unable to empty the bucket",
                        format!("`obj_bucket_force_delete` empties buckets over S3. {msg}"),
                    );
                    return;
                }
            };
            if let Err(e) = empty_bucket(&session, &label).await {
                diags.error("Unable to empty the bucket", format!("Bucket {label:?}: {e}"));
            }
            session.close(state, diags).await;
            if diags.has_errors() {
                return;
            }
        }
        match api.delete_bucket(&region, &label).await {
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

    async fn import(&self, req: ImportRequest, resp: &mut ImportResponse) {
        let Some((region, label)) = super::split_bucket_id(&req.id) else {
            resp.diagnostics.error(
                "Invalid import ID",
                format!("Expected `<region>:<label>` (a deprecated cluster id such as `us-east-1` works too), got {:?}.", req.id),
            );
            return;
        };
        resp.set_attr("id", format!("{region}:{label}"));
        resp.set_attr("label", label);
        resp.set_attr("region", region);
        resp.set_attr("acl", "private");
        // Versioning and lifecycle rules may be in use: refresh them (when S3 keys are available).
        resp.private.set(PRIVATE_S3_MANAGED, &true);
    }
}

/// Applies an update (the caller restores the prior state on errors).
async fn update_bucket(req: &UpdateRequest, resp: &mut ApplyResponse) {
    let diags = &mut resp.diagnostics;
    let Some(state) = common::state(&req.ctx, diags) else { return };
    let Some(mut plan) = req.plan_as::<BucketModel>(diags) else { return };
    let Some(prior) = req.state_as::<BucketModel>(diags) else { return };
    let (Some(label), Some(region)) = (prior.label.get().cloned(), prior.region_id()) else { return };
    let api = state.client.object_storage();
    let acl_change = plan.acl.is_known() && plan.acl != prior.acl;
    let cors_change = plan.cors_enabled.is_known() && plan.cors_enabled != prior.cors_enabled;
    if acl_change || cors_change {
        let access = UpdateBucketAccess {
            acl: plan.acl.get().map(|a| parse_acl(a)),
            cors_enabled: plan.cors_enabled.get().copied(),
        };
        if let Err(e) = api.update_bucket_access(&region, &label, &access).await {
            common::api_error(diags, "Unable to update the bucket's access", &e, field_attr);
            return;
        }
    }
    if plan.cert != prior.cert {
        if !prior.cert.is_empty()
            && let Err(e) = api.delete_bucket_ssl(&region, &label).await
            && !e.is_not_found()
        {
            common::api_error_plain(diags, "Unable to delete the bucket's old certificate", &e);
            return;
        }
        if let Some(cert) = plan.cert.first() {
            let ssl = UploadBucketSsl {
                certificate: cert.certificate.get().cloned().unwrap_or_default(),
                private_key: cert.private_key.get().cloned().unwrap_or_default(),
            };
            if let Err(e) = api.upload_bucket_ssl(&region, &label, &ssl).await {
                common::api_error(diags, "Unable to upload the bucket's certificate", &e, field_attr);
                return;
            }
        }
    }
    apply_s3(state, &mut plan, Some(&prior), diags).await;
    if diags.has_errors() {
        return;
    }
    if plan.versioning.is_unknown() {
        plan.versioning = prior.versioning.clone();
    }
    if plan.cors_enabled.is_unknown() {
        read_access(state, &mut plan, &region, &label, diags).await;
    }
    if s3_managed(&plan) || s3_managed(&prior) {
        resp.private.set(PRIVATE_S3_MANAGED, &true);
    }
    resp.set_state(&plan);
}

/// Deletes every object version and delete marker, then any remaining current object.
async fn empty_bucket(session: &S3Session, bucket: &str) -> Result<(), linode_sdk::Error> {
    let b = bucket.to_string();
    let versions = session.call(|s3| { let b = b.clone(); async move { s3.list_object_versions(&b, None).await } }).await?;
    for v in versions {
        let (b, key, vid) = (b.clone(), v.key.clone(), v.version_id.clone());
        session
            .call(|s3| {
                let (b, key, vid) = (b.clone(), key.clone(), vid.clone());
                async move { s3.delete_object(&b, &key, Some(&vid)).await }
            })
            .await?;
    }
    let objects = session.call(|s3| { let b = b.clone(); async move { s3.list_objects(&b, None).await } }).await?;
    for o in objects {
        let key = o.key.clone();
        session
            .call(|s3| {
                let (b, key) = (b.clone(), key.clone());
                async move { s3.delete_object(&b, &key, None).await }
            })
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_the_api_rule() {
        assert!(check_label("my-bucket.v2").is_ok());
        assert!(check_label("ab").is_err());
        assert!(check_label(&"a".repeat(64)).is_err());
        assert!(check_label("My_Bucket").is_err());
        assert!(check_label("-bucket").is_err());
        assert!(check_label("bucket..x").is_err());
    }

    fn rule(id: &str, days: i32) -> LifecycleRule {
        LifecycleRule { id: Some(id.into()), enabled: true, expiration_days: Some(days), ..Default::default() }
    }

    #[test]
    fn rules_are_matched_by_id_not_position() {
        let known = order_rules(&[], &[rule("a", 1), rule("b", 2)]);
        let reordered = order_rules(&known, &[rule("b", 2), rule("new", 3), rule("a", 1)]);
        let ids: Vec<_> = reordered.iter().map(|r| r.id.get().cloned().unwrap()).collect();
        assert_eq!(ids, ["a", "b", "new"]);
        assert_eq!(reordered[0], known[0]);
    }

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
