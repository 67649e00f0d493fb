//! Object Storage: buckets (with versioning and lifecycle rules over the emulator's S3 endpoint),
//! keys, objects and the data sources.

use futures::TryStreamExt;
use linode_mock::MockHandle;
use linode_sdk::ListParams;
use linode_sdk::s3::{LifecycleRule, S3Client, S3Config, VersioningStatus};
use terraform_provider_linode::LinodeProvider;
use tfplugin::testing::Harness;
use tfplugin::{Value, testing::Outcome};

use crate::support::{Env, assert_error_on, assert_no_errors, provider_config, setup};

const BUCKET: &str = "linode_object_storage_bucket";
const KEY: &str = "linode_object_storage_key";
const OBJECT: &str = "linode_object_storage_object";

fn s3(mock: &MockHandle) -> S3Client {
    S3Client::new(S3Config::new(mock.s3_endpoint(), mock.s3_access_key(), mock.s3_secret_key())).unwrap()
}

fn client(mock: &MockHandle) -> linode_sdk::Client {
    linode_sdk::Client::builder().token(mock.token()).base_url(mock.api_url()).build().unwrap()
}

/// A harness configured with `extra` provider arguments replacing the defaults (`Value::Null`
/// removes one).
async fn harness_with(mock: &MockHandle, extra: &[(&str, Value)]) -> Harness {
    let mut config = provider_config(mock);
    if let Value::Object(m) = &mut config {
        for (k, v) in extra {
            m.insert(k.to_string(), v.clone());
        }
    }
    let h = Harness::new(LinodeProvider::with_env(|_| None));
    assert_no_errors(&h.configure(config).await);
    h
}

fn rule(id: &str, prefix: &str, days: i64) -> Value {
    Value::object([
        ("id", Value::from(id)),
        ("prefix", Value::from(prefix)),
        ("enabled", Value::from(true)),
        ("expiration", Value::list([Value::object([("days", Value::from(days))])])),
    ])
}

fn bucket_config(label: &str, extra: Vec<(&str, Value)>) -> Value {
    let mut attrs = vec![("label", Value::from(label)), ("region", Value::from("us-east"))];
    attrs.extend(extra);
    Value::object(attrs)
}

fn str_attr<'a>(state: &'a Value, name: &str) -> &'a str {
    state.get(name).and_then(Value::as_str).unwrap_or_else(|| panic!("{name} missing in {state:?}"))
}

fn rule_ids(state: &Value) -> Vec<String> {
    state
        .get("lifecycle_rule")
        .and_then(Value::as_elements)
        .unwrap_or(&[])
        .iter()
        .map(|r| r.get("id").and_then(Value::as_str).unwrap_or_default().to_string())
        .collect()
}

async fn create_ok(env: &Env, ty: &str, config: Value) -> Value {
    env.h.create(ty, config).await.expect_ok()
}

#[tokio::test]
async fn bucket_with_versioning_and_lifecycle_is_configured_over_s3() {
    let env = setup().await;
    let config = bucket_config(
        "versioned-bucket",
        vec![("versioning", Value::from(true)), ("lifecycle_rule", Value::list([rule("logs", "logs/", 30), rule("tmp", "tmp/", 1)]))],
    );
    let state = create_ok(&env, BUCKET, config.clone()).await;
    assert_eq!(str_attr(&state, "id"), "us-east:versioned-bucket");
    assert_eq!(str_attr(&state, "cluster"), "us-east-1");
    assert_eq!(str_attr(&state, "s3_endpoint"), env.mock.s3_endpoint());
    assert_eq!(str_attr(&state, "acl"), "private");

    let s3 = s3(&env.mock);
    assert_eq!(s3.get_bucket_versioning("versioned-bucket").await.unwrap(), VersioningStatus::Enabled);
    let rules = s3.get_lifecycle_rules("versioned-bucket").await.unwrap();
    let logs = rules.iter().find(|r| r.id.as_deref() == Some("logs")).expect("rule logs exists");
    assert_eq!((logs.prefix.as_str(), logs.expiration_days, logs.enabled), ("logs/", Some(30), true));
    assert_eq!(rules.len(), 2);

    // Refresh, then the same configuration plans no change.
    let state = env.h.read(BUCKET, &state).await.expect_ok();
    assert_eq!(state.get("versioning"), Some(&Value::from(true)));
    let plan = env.h.plan_update(BUCKET, &state, config).await;
    assert_no_errors(&plan.diagnostics);
    assert!(!plan.has_changes(), "unexpected diff: {:?}", plan.planned_state);
}

#[tokio::test]
async fn lifecycle_rules_reordered_by_the_api_cause_no_diff() {
    let env = setup().await;
    let config = bucket_config("reorder-bucket", vec![("lifecycle_rule", Value::list([rule("a", "a/", 1), rule("b", "b/", 2)]))]);
    let state = create_ok(&env, BUCKET, config.clone()).await;
    // The API now answers with the rules in the other order.
    let s3 = s3(&env.mock);
    let mut rules = s3.get_lifecycle_rules("reorder-bucket").await.unwrap();
    rules.reverse();
    s3.put_lifecycle_rules("reorder-bucket", &rules).await.unwrap();
    assert_eq!(s3.get_lifecycle_rules("reorder-bucket").await.unwrap()[0].id.as_deref(), Some("b"));

    let state = env.h.read(BUCKET, &state).await.expect_ok();
    assert_eq!(rule_ids(&state), ["a", "b"]);
    let plan = env.h.plan_update(BUCKET, &state, config.clone()).await;
    assert_no_errors(&plan.diagnostics);
    assert!(!plan.has_changes(), "reordering showed as a diff: {:?}", plan.planned_state);

    // A rule changed out of band is detected (matched by id) and put back.
    let changed: Vec<LifecycleRule> =
        rules.iter().map(|r| LifecycleRule { expiration_days: r.expiration_days.map(|d| d + 10), ..r.clone() }).collect();
    s3.put_lifecycle_rules("reorder-bucket", &changed).await.unwrap();
    let state = env.h.read(BUCKET, &state).await.expect_ok();
    let plan = env.h.plan_update(BUCKET, &state, config).await;
    assert!(plan.has_changes());
    env.h.apply(&plan).await.expect_ok();
    let rules = s3.get_lifecycle_rules("reorder-bucket").await.unwrap();
    assert_eq!(rules.iter().find(|r| r.id.as_deref() == Some("a")).unwrap().expiration_days, Some(1));
}

#[tokio::test]
async fn lifecycle_rule_without_id_gets_a_stable_one() {
    let env = setup().await;
    let r = Value::object([("prefix", Value::from("x/")), ("enabled", Value::from(true)), ("abort_incomplete_multipart_upload_days", Value::from(3))]);
    let config = bucket_config("noid-bucket", vec![("lifecycle_rule", Value::list([r]))]);
    let state = create_ok(&env, BUCKET, config.clone()).await;
    assert_eq!(rule_ids(&state), ["rule-1"]);
    let state = env.h.read(BUCKET, &state).await.expect_ok();
    let plan = env.h.plan_update(BUCKET, &state, config).await;
    assert!(!plan.has_changes(), "{:?}", plan.planned_state);
}

#[tokio::test]
async fn turning_versioning_off_suspends_it() {
    let env = setup().await;
    let state = create_ok(&env, BUCKET, bucket_config("suspend-bucket", vec![("versioning", Value::from(true))])).await;
    let state = env.h.update(BUCKET, &state, bucket_config("suspend-bucket", vec![("versioning", Value::from(false))])).await.expect_ok();
    assert_eq!(state.get("versioning"), Some(&Value::from(false)));
    assert_eq!(s3(&env.mock).get_bucket_versioning("suspend-bucket").await.unwrap(), VersioningStatus::Suspended);
    let state = env.h.read(BUCKET, &state).await.expect_ok();
    let plan = env.h.plan_update(BUCKET, &state, bucket_config("suspend-bucket", vec![("versioning", Value::from(false))])).await;
    assert!(!plan.has_changes());
}

#[tokio::test]
async fn temporary_keys_are_used_and_revoked() {
    let env = setup().await;
    let h = harness_with(
        &env.mock,
        &[("obj_access_key", Value::Null), ("obj_secret_key", Value::Null), ("obj_use_temp_keys", Value::from(true))],
    )
    .await;
    let config = bucket_config("temp-key-bucket", vec![("versioning", Value::from(true)), ("lifecycle_rule", Value::list([rule("r", "", 5)]))]);
    let state = h.create(BUCKET, config.clone()).await.expect_ok();
    assert_eq!(s3(&env.mock).get_bucket_versioning("temp-key-bucket").await.unwrap(), VersioningStatus::Enabled);
    let state = h.read(BUCKET, &state).await.expect_ok();
    assert!(!h.plan_update(BUCKET, &state, config).await.has_changes());
    // Objects work with temporary keys too.
    let obj = Value::object([
        ("bucket", Value::from("temp-key-bucket")),
        ("key", Value::from("o.txt")),
        ("region", Value::from("us-east")),
        ("content", Value::from("via temp key")),
    ]);
    let obj_state = h.create(OBJECT, obj).await.expect_ok();
    h.read(OBJECT, &obj_state).await.expect_ok();
    assert_no_errors(&h.destroy(OBJECT, &obj_state).await);
    let keys: Vec<_> = client(&env.mock).object_storage().list_all_keys(ListParams::new()).try_collect().await.unwrap();
    assert!(keys.is_empty(), "temporary keys left behind: {keys:?}");
    // The requests show keys were created (limited to the bucket) and deleted.
    let reqs = env.mock.requests();
    let created = reqs.iter().filter(|r| r.method == "POST" && r.path.ends_with("/object-storage/keys")).count();
    let deleted = reqs.iter().filter(|r| r.method == "DELETE" && r.path.contains("/object-storage/keys/")).count();
    assert!(created >= 2, "expected temporary keys for create and read, saw {created}");
    assert_eq!(created, deleted, "every temporary key is revoked");
}

#[tokio::test]
async fn versioning_without_credentials_is_a_plan_error_on_versioning() {
    let env = setup().await;
    let h = harness_with(&env.mock, &[("obj_access_key", Value::Null), ("obj_secret_key", Value::Null)]).await;
    let plan = h.plan_create(BUCKET, bucket_config("nokeys-bucket", vec![("versioning", Value::from(true))])).await;
    assert_error_on(&plan.diagnostics, "versioning");
    let detail = &plan.diagnostics.errors().next().unwrap().detail;
    assert!(detail.contains("obj_use_temp_keys") && detail.contains("access_key"), "{detail}");
    let plan = h.plan_create(BUCKET, bucket_config("nokeys-bucket", vec![("lifecycle_rule", Value::list([rule("a", "", 1)]))])).await;
    assert_error_on(&plan.diagnostics, "lifecycle_rule");
    // Resource-level keys are enough.
    let keys = vec![
        ("versioning", Value::from(true)),
        ("access_key", Value::from(env.mock.s3_access_key())),
        ("secret_key", Value::from(env.mock.s3_secret_key())),
    ];
    h.create(BUCKET, bucket_config("nokeys-bucket", keys)).await.expect_ok();
}

#[tokio::test]
async fn invalid_label_is_an_error_on_label_and_nothing_is_created() {
    let env = setup().await;
    for bad in ["Bad_Label", "ab", "-leading", &"a".repeat(64)] {
        let out = env.h.create(BUCKET, bucket_config(bad, vec![])).await;
        assert_error_on(&out.diagnostics, "label");
    }
    assert!(env.mock.requests().iter().all(|r| r.method != "POST"), "nothing may be created");
}

#[tokio::test]
async fn duplicate_label_is_an_error_on_label() {
    let env = setup().await;
    create_ok(&env, BUCKET, bucket_config("taken-bucket", vec![])).await;
    let out = env.h.create(BUCKET, bucket_config("taken-bucket", vec![])).await;
    assert_error_on(&out.diagnostics, "label");
}

#[tokio::test]
async fn unknown_region_is_a_plan_error_on_region() {
    let env = setup().await;
    let plan = env.h.plan_create(BUCKET, Value::object([("label", Value::from("r-bucket")), ("region", Value::from("mars-1a"))])).await;
    assert_error_on(&plan.diagnostics, "region");
    let plan = env.h.plan_create(BUCKET, Value::object([("label", Value::from("r-bucket")), ("cluster", Value::from("mars-1"))])).await;
    assert_error_on(&plan.diagnostics, "cluster");
}

#[tokio::test]
async fn deprecated_cluster_maps_to_region_and_import_accepts_it() {
    let env = setup().await;
    let config = Value::object([("label", Value::from("cluster-bucket")), ("cluster", Value::from("us-east-1"))]);
    let state = create_ok(&env, BUCKET, config.clone()).await;
    assert_eq!(str_attr(&state, "region"), "us-east");
    assert_eq!(str_attr(&state, "id"), "us-east:cluster-bucket");
    assert!(!env.h.plan_update(BUCKET, &state, config).await.has_changes());
    let imported = env.h.import(BUCKET, "us-east-1:cluster-bucket").await.expect_ok();
    assert_eq!(str_attr(&imported, "id"), "us-east:cluster-bucket");
    assert_eq!(str_attr(&imported, "hostname"), str_attr(&state, "hostname"));
}

#[tokio::test]
async fn acl_and_cors_update_in_place_and_label_replaces() {
    let env = setup().await;
    let state = create_ok(&env, BUCKET, bucket_config("acl-bucket", vec![])).await;
    let config = bucket_config("acl-bucket", vec![("acl", Value::from("public-read")), ("cors_enabled", Value::from(true))]);
    let plan = env.h.plan_update(BUCKET, &state, config.clone()).await;
    assert!(!plan.requires_replacement());
    assert!(plan.planned_state.is_wholly_known(), "{:?}", plan.planned_state);
    let state = env.h.apply(&plan).await.expect_ok();
    assert_eq!(str_attr(&state, "acl"), "public-read");
    let stored = env.mock.state_json().to_string();
    assert!(stored.contains("public-read"), "the emulator has the new ACL");
    let state = env.h.read(BUCKET, &state).await.expect_ok();
    assert!(!env.h.plan_update(BUCKET, &state, config).await.has_changes());
    // Replacing the label replaces the bucket.
    let plan = env.h.plan_update(BUCKET, &state, bucket_config("acl-bucket-2", vec![])).await;
    assert!(plan.requires_replacement());
}

#[tokio::test]
async fn deleted_bucket_is_removed_from_state() {
    let env = setup().await;
    let state = create_ok(&env, BUCKET, bucket_config("gone-bucket", vec![])).await;
    client(&env.mock).object_storage().delete_bucket("us-east", "gone-bucket").await.unwrap();
    let out = env.h.read(BUCKET, &state).await;
    assert_no_errors(&out.diagnostics);
    assert!(out.state.is_null());
}

#[tokio::test]
async fn non_empty_bucket_delete_is_a_clear_error_unless_forced() {
    let env = setup().await;
    let state = create_ok(&env, BUCKET, bucket_config("full-bucket", vec![("versioning", Value::from(true))])).await;
    let s3 = s3(&env.mock);
    s3.put_object("full-bucket", "a.txt", b"one".to_vec()).await.unwrap();
    s3.put_object("full-bucket", "a.txt", b"two".to_vec()).await.unwrap();
    s3.delete_object("full-bucket", "a.txt", None).await.unwrap(); // a delete marker
    s3.put_object("full-bucket", "b.txt", b"three".to_vec()).await.unwrap();

    let diags = env.h.destroy(BUCKET, &state).await;
    let err = diags.errors().next().expect("deleting a non-empty bucket fails");
    assert!(err.detail.contains("obj_bucket_force_delete"), "{err:?}");

    let h = harness_with(&env.mock, &[("obj_bucket_force_delete", Value::from(true))]).await;
    assert_no_errors(&h.destroy(BUCKET, &state).await);
    assert!(client(&env.mock).object_storage().get_bucket_opt("us-east", "full-bucket").await.unwrap().is_none());
}

#[tokio::test]
async fn key_secret_is_kept_and_import_warns() {
    let env = setup().await;
    let state = create_ok(&env, KEY, Value::object([("label", Value::from("ci-key"))])).await;
    let secret = str_attr(&state, "secret_key").to_string();
    assert!(secret.len() > 10 && secret != "[REDACTED]");
    assert_eq!(state.get("limited"), Some(&Value::from(false)));
    // The API redacts the secret on reads: the state keeps it.
    let state = env.h.read(KEY, &state).await.expect_ok();
    assert_eq!(str_attr(&state, "secret_key"), secret);
    // Label changes in place, keeping the secret.
    let plan = env.h.plan_update(KEY, &state, Value::object([("label", Value::from("ci-key-2"))])).await;
    assert!(!plan.requires_replacement());
    assert!(plan.planned_state.is_wholly_known(), "only the label changes: {:?}", plan.planned_state);
    let state = env.h.apply(&plan).await.expect_ok();
    assert_eq!(str_attr(&state, "secret_key"), secret);
    assert!(!env.h.plan_update(KEY, &state, Value::object([("label", Value::from("ci-key-2"))])).await.has_changes());
    // The key works over S3.
    let id = str_attr(&state, "id").to_string();
    let s3k = S3Client::new(S3Config::new(env.mock.s3_endpoint(), str_attr(&state, "access_key"), &secret)).unwrap();
    s3k.create_bucket("made-with-key").await.unwrap();

    let imported = env.h.import(KEY, &id).await;
    assert!(imported.diagnostics.iter().any(|d| d.summary.contains("secret")), "{:?}", imported.diagnostics);
    let imported = imported.expect_ok();
    assert_eq!(str_attr(&imported, "label"), "ci-key-2");
    assert!(imported.get("secret_key").unwrap().is_null());

    assert_no_errors(&env.h.destroy(KEY, &state).await);
    assert!(client(&env.mock).object_storage().get_key_opt(id.parse().unwrap()).await.unwrap().is_none());
}

#[tokio::test]
async fn limited_key_reaches_only_its_bucket() {
    let env = setup().await;
    create_ok(&env, BUCKET, bucket_config("limited-bucket", vec![])).await;
    create_ok(&env, BUCKET, bucket_config("other-bucket", vec![])).await;
    let access = |perm: &str| {
        Value::set([Value::object([
            ("bucket_name", Value::from("limited-bucket")),
            ("region", Value::from("us-east")),
            ("permissions", Value::from(perm)),
        ])])
    };
    let config = Value::object([("label", Value::from("limited")), ("bucket_access", access("read_only"))]);
    let state = create_ok(&env, KEY, config.clone()).await;
    assert_eq!(state.get("limited"), Some(&Value::from(true)));
    let s3k = S3Client::new(S3Config::new(env.mock.s3_endpoint(), str_attr(&state, "access_key"), str_attr(&state, "secret_key"))).unwrap();
    s3(&env.mock).put_object("limited-bucket", "f.txt", b"x".to_vec()).await.unwrap();
    assert!(s3k.get_object("limited-bucket", "f.txt", None).await.is_ok());
    assert_eq!(s3k.put_object("limited-bucket", "g.txt", b"y".to_vec()).await.unwrap_err().status(), Some(403));
    assert_eq!(s3k.get_object("other-bucket", "f.txt", None).await.unwrap_err().status(), Some(403));

    let state = env.h.read(KEY, &state).await.expect_ok();
    assert!(!env.h.plan_update(KEY, &state, config).await.has_changes());
    let plan = env.h.plan_update(KEY, &state, Value::object([("label", Value::from("limited")), ("bucket_access", access("read_write"))])).await;
    assert!(plan.requires_replacement(), "bucket_access changes replace the key");
    // A grant in a region without Object Storage endpoints is refused at plan time.
    let bad = Value::object([
        ("label", Value::from("bad")),
        ("bucket_access", Value::set([Value::object([
            ("bucket_name", Value::from("limited-bucket")),
            ("region", Value::from("nowhere")),
            ("permissions", Value::from("read_only")),
        ])])),
    ]);
    assert_error_on(&env.h.plan_create(KEY, bad).await.diagnostics, "bucket_access");
}

fn object_config(content: &str, extra: Vec<(&str, Value)>) -> Value {
    let mut attrs = vec![
        ("bucket", Value::from("objects-bucket")),
        ("key", Value::from("dir/hello.txt")),
        ("region", Value::from("us-east")),
        ("content", Value::from(content)),
    ];
    attrs.extend(extra);
    Value::object(attrs)
}

#[tokio::test]
async fn object_create_update_drift_import_delete() {
    let env = setup().await;
    create_ok(&env, BUCKET, bucket_config("objects-bucket", vec![("versioning", Value::from(true))])).await;
    let config = object_config("hello", vec![("content_type", Value::from("text/plain")), ("metadata", Value::map([("owner", Value::from("ops"))]))]);
    let plan = env.h.plan_create(OBJECT, config.clone()).await;
    assert_no_errors(&plan.diagnostics);
    // The ETag is predicted from the content.
    assert_eq!(plan.planned_state.get("etag"), Some(&Value::from("5d41402abc4b2a76b9719d911017c592")));
    let state = env.h.apply(&plan).await.expect_ok();
    assert_eq!(str_attr(&state, "id"), "objects-bucket/dir/hello.txt");
    let v1 = str_attr(&state, "version_id").to_string();
    let s3 = s3(&env.mock);
    let got = s3.get_object("objects-bucket", "dir/hello.txt", None).await.unwrap();
    assert_eq!(&got.body[..], b"hello");
    assert_eq!(got.meta.content_type.as_deref(), Some("text/plain"));
    assert_eq!(got.meta.metadata.get("owner").map(String::as_str), Some("ops"));

    let state = env.h.read(OBJECT, &state).await.expect_ok();
    assert!(!env.h.plan_update(OBJECT, &state, config.clone()).await.has_changes());

    // New content uploads in place; etag and version_id change.
    let changed = object_config("hello again", vec![("content_type", Value::from("text/plain")), ("metadata", Value::map([("owner", Value::from("ops"))]))]);
    let plan = env.h.plan_update(OBJECT, &state, changed.clone()).await;
    assert!(!plan.requires_replacement());
    assert!(plan.planned_state.get("version_id").unwrap().is_unknown());
    let state = env.h.apply(&plan).await.expect_ok();
    assert_ne!(str_attr(&state, "version_id"), v1);
    assert_eq!(&s3.get_object("objects-bucket", "dir/hello.txt", None).await.unwrap().body[..], b"hello again");

    // Changed out of band: the read sees another ETag and the plan uploads again.
    s3.put_object("objects-bucket", "dir/hello.txt", b"tampered".to_vec()).await.unwrap();
    let state = env.h.read(OBJECT, &state).await.expect_ok();
    let plan = env.h.plan_update(OBJECT, &state, changed.clone()).await;
    assert!(plan.has_changes() && !plan.requires_replacement());
    let state = env.h.apply(&plan).await.expect_ok();
    assert_eq!(&s3.get_object("objects-bucket", "dir/hello.txt", None).await.unwrap().body[..], b"hello again");

    // Import by <region>:<bucket>/<key>.
    let imported = env.h.import(OBJECT, "us-east:objects-bucket/dir/hello.txt").await.expect_ok();
    assert_eq!(str_attr(&imported, "etag"), str_attr(&state, "etag"));
    assert_eq!(str_attr(&imported, "content_type"), "text/plain");
    assert!(env.h.import(OBJECT, "objects-bucket/dir/hello.txt").await.diagnostics.has_errors());

    // Destroy with force_destroy removes every version.
    let forced = object_config("hello again", vec![
        ("content_type", Value::from("text/plain")),
        ("metadata", Value::map([("owner", Value::from("ops"))])),
        ("force_destroy", Value::from(true)),
    ]);
    let state = env.h.update(OBJECT, &state, forced).await.expect_ok();
    assert_no_errors(&env.h.destroy(OBJECT, &state).await);
    let versions = s3.list_object_versions("objects-bucket", Some("dir/hello.txt")).await.unwrap();
    assert!(versions.is_empty(), "{versions:?}");
    // Gone: a read removes it from state.
    let out: Outcome = env.h.read(OBJECT, &state).await;
    assert!(out.state.is_null());
}

#[tokio::test]
async fn object_content_sources_are_exclusive() {
    let env = setup().await;
    let both = object_config("x", vec![("content_base64", Value::from("eA=="))]);
    assert_error_on(&env.h.plan_create(OBJECT, both).await.diagnostics, "content");
    let none = Value::object([("bucket", Value::from("b-b")), ("key", Value::from("k")), ("region", Value::from("us-east"))]);
    assert_error_on(&env.h.plan_create(OBJECT, none).await.diagnostics, "content");
    let bad_b64 = Value::object([
        ("bucket", Value::from("b-b")),
        ("key", Value::from("k")),
        ("region", Value::from("us-east")),
        ("content_base64", Value::from("!!!")),
    ]);
    assert_error_on(&env.h.plan_create(OBJECT, bad_b64).await.diagnostics, "content_base64");
}

#[tokio::test]
async fn object_from_file_and_base64() {
    let env = setup().await;
    create_ok(&env, BUCKET, bucket_config("src-bucket", vec![])).await;
    let dir = std::env::temp_dir().join(format!("obj-src-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("f.bin");
    std::fs::write(&file, [0u8, 1, 2, 255]).unwrap();
    let config = Value::object([
        ("bucket", Value::from("src-bucket")),
        ("key", Value::from("f.bin")),
        ("region", Value::from("us-east")),
        ("source", Value::from(file.to_string_lossy().to_string())),
    ]);
    let state = create_ok(&env, OBJECT, config.clone()).await;
    assert!(state.get("version_id").unwrap().is_null(), "unversioned bucket");
    assert_eq!(&s3(&env.mock).get_object("src-bucket", "f.bin", None).await.unwrap().body[..], &[0u8, 1, 2, 255]);
    let state = env.h.read(OBJECT, &state).await.expect_ok();
    assert!(!env.h.plan_update(OBJECT, &state, config).await.has_changes());
    let b64 = Value::object([
        ("bucket", Value::from("src-bucket")),
        ("key", Value::from("g.bin")),
        ("region", Value::from("us-east")),
        ("content_base64", Value::from("AAEC/w==")),
    ]);
    create_ok(&env, OBJECT, b64).await;
    assert_eq!(&s3(&env.mock).get_object("src-bucket", "g.bin", None).await.unwrap().body[..], &[0u8, 1, 2, 255]);
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn data_sources_read_bucket_and_endpoints() {
    let env = setup().await;
    create_ok(&env, BUCKET, bucket_config("ds-bucket", vec![])).await;
    s3(&env.mock).put_object("ds-bucket", "a", b"12345".to_vec()).await.unwrap();
    let ds = env
        .h
        .read_data_source(BUCKET, Value::object([("label", Value::from("ds-bucket")), ("region", Value::from("us-east"))]))
        .await
        .expect_ok();
    assert_eq!(str_attr(&ds, "s3_endpoint"), env.mock.s3_endpoint());
    assert_eq!(ds.get("objects").and_then(Value::as_i64), Some(1));
    assert_eq!(ds.get("size").and_then(Value::as_i64), Some(5));
    let missing = env
        .h
        .read_data_source(BUCKET, Value::object([("label", Value::from("nope-bucket")), ("region", Value::from("us-east"))]))
        .await;
    assert_error_on(&missing.diagnostics, "label");

    let all = env.h.read_data_source("linode_object_storage_endpoints", Value::object::<&str>([])).await.expect_ok();
    let n = all.get("endpoints").and_then(Value::as_elements).unwrap().len();
    assert!(n > 1);
    let filtered = env
        .h
        .read_data_source(
            "linode_object_storage_endpoints",
            Value::object([(
                "filter",
                Value::set([Value::object([("name", Value::from("region")), ("values", Value::list([Value::from("fr-par")]))])]),
            )]),
        )
        .await
        .expect_ok();
    let eps = filtered.get("endpoints").and_then(Value::as_elements).unwrap();
    assert_eq!(eps.len(), 1);
    assert_eq!(eps[0].get("region"), Some(&Value::from("fr-par")));
    assert_eq!(eps[0].get("s3_endpoint"), Some(&Value::from(env.mock.s3_endpoint())));
}

const CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const PKEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";

#[tokio::test]
async fn certificate_is_uploaded_and_its_removal_detected() {
    let env = setup().await;
    let cert = |c: &str| Value::list([Value::object([("certificate", Value::from(c)), ("private_key", Value::from(PKEY))])]);
    let config = bucket_config("tls-bucket", vec![("cert", cert(CERT))]);
    let state = create_ok(&env, BUCKET, config.clone()).await;
    let api = client(&env.mock);
    assert!(api.object_storage().get_bucket_ssl("us-east", "tls-bucket").await.unwrap().ssl);
    api.object_storage().delete_bucket_ssl("us-east", "tls-bucket").await.unwrap();
    let state = env.h.read(BUCKET, &state).await.expect_ok();
    assert_eq!(state.get("cert"), Some(&Value::list([])));
    let state = env.h.update(BUCKET, &state, config).await.expect_ok();
    assert!(api.object_storage().get_bucket_ssl("us-east", "tls-bucket").await.unwrap().ssl);
    let out = env.h.update(BUCKET, &state, bucket_config("tls-bucket", vec![("cert", cert("not a certificate"))])).await;
    assert_error_on(&out.diagnostics, "cert");
}

#[tokio::test]
async fn import_of_a_versioned_bucket_reads_versioning() {
    let env = setup().await;
    let config = bucket_config("imp-bucket", vec![("versioning", Value::from(true)), ("lifecycle_rule", Value::list([rule("r1", "a/", 2)]))]);
    create_ok(&env, BUCKET, config.clone()).await;
    let imported = env.h.import(BUCKET, "us-east:imp-bucket").await.expect_ok();
    assert_eq!(imported.get("versioning"), Some(&Value::from(true)));
    assert_eq!(rule_ids(&imported), ["r1"]);
    let plan = env.h.plan_update(BUCKET, &imported, config).await;
    assert_no_errors(&plan.diagnostics);
    assert!(!plan.has_changes(), "{:?}", plan.planned_state);
    assert!(env.h.import(BUCKET, "no-colon").await.diagnostics.has_errors());
}

#[tokio::test]
async fn key_regions_update_in_place_and_deleted_key_leaves_state() {
    let env = setup().await;
    let config = |regions: &[&str]| {
        Value::object([
            ("label", Value::from("regional")),
            ("regions", Value::set(regions.iter().map(|r| Value::from(*r)))),
        ])
    };
    let state = create_ok(&env, KEY, config(&["us-east"])).await;
    let details = state.get("regions_details").and_then(Value::as_elements).unwrap();
    assert_eq!(details.len(), 1);
    assert_eq!(details[0].get("s3_endpoint"), Some(&Value::from(env.mock.s3_endpoint())));
    let secret = str_attr(&state, "secret_key").to_string();
    let plan = env.h.plan_update(KEY, &state, config(&["us-east", "fr-par"])).await;
    assert!(!plan.requires_replacement());
    let state = env.h.apply(&plan).await.expect_ok();
    assert_eq!(state.get("regions_details").and_then(Value::as_elements).unwrap().len(), 2);
    assert_eq!(str_attr(&state, "secret_key"), secret);
    let state = env.h.read(KEY, &state).await.expect_ok();
    assert!(!env.h.plan_update(KEY, &state, config(&["us-east", "fr-par"])).await.has_changes());
    let id: u64 = str_attr(&state, "id").parse().unwrap();
    client(&env.mock).object_storage().delete_key(id).await.unwrap();
    let out = env.h.read(KEY, &state).await;
    assert_no_errors(&out.diagnostics);
    assert!(out.state.is_null());
}

#[tokio::test]
async fn object_acl_changed_out_of_band_is_put_back() {
    let env = setup().await;
    create_ok(&env, BUCKET, bucket_config("objacl-bucket", vec![])).await;
    let config = Value::object([
        ("bucket", Value::from("objacl-bucket")),
        ("key", Value::from("page.html")),
        ("region", Value::from("us-east")),
        ("content", Value::from("<h1>hi</h1>")),
        ("acl", Value::from("public-read")),
    ]);
    let state = create_ok(&env, OBJECT, config.clone()).await;
    let api = client(&env.mock);
    let acl = api.object_storage().get_object_acl("us-east", "objacl-bucket", "page.html").await.unwrap();
    assert_eq!(serde_json::to_value(&acl.acl).unwrap(), "public-read");
    let private = linode_sdk::models::object_storage::UpdateObjectAcl {
        name: "page.html".into(),
        acl: linode_sdk::models::object_storage::ObjectAcl::Private,
    };
    api.object_storage().update_object_acl("us-east", "objacl-bucket", &private).await.unwrap();
    let state = env.h.read(OBJECT, &state).await.expect_ok();
    assert_eq!(str_attr(&state, "acl"), "private");
    let plan = env.h.plan_update(OBJECT, &state, config).await;
    assert!(plan.has_changes() && !plan.requires_replacement());
    env.h.apply(&plan).await.expect_ok();
    let acl = api.object_storage().get_object_acl("us-east", "objacl-bucket", "page.html").await.unwrap();
    assert_eq!(serde_json::to_value(&acl.acl).unwrap(), "public-read");
}

#[tokio::test]
async fn failed_update_keeps_the_prior_state() {
    let env = setup().await;
    let state = create_ok(&env, BUCKET, bucket_config("fail-bucket", vec![])).await;
    // The bucket disappears between plan and apply: the ACL change fails and is not recorded.
    let plan = env.h.plan_update(BUCKET, &state, bucket_config("fail-bucket", vec![("acl", Value::from("public-read"))])).await;
    client(&env.mock).object_storage().delete_bucket("us-east", "fail-bucket").await.unwrap();
    let out = env.h.apply(&plan).await;
    assert!(out.diagnostics.has_errors());
    assert_eq!(str_attr(&out.state, "acl"), "private");
}

#[tokio::test]
async fn lifecycle_expiration_by_date_and_delete_markers() {
    let env = setup().await;
    let rules = Value::list([
        Value::object([
            ("id", Value::from("by-date")),
            ("enabled", Value::from(true)),
            ("expiration", Value::list([Value::object([("date", Value::from("2027-01-31"))])])),
        ]),
        Value::object([
            ("id", Value::from("markers")),
            ("prefix", Value::from("old/")),
            ("enabled", Value::from(false)),
            ("expiration", Value::list([Value::object([("expired_object_delete_marker", Value::from(true))])])),
            ("noncurrent_version_expiration", Value::list([Value::object([("days", Value::from(9))])])),
        ]),
    ]);
    let config = bucket_config("dated-bucket", vec![("versioning", Value::from(true)), ("lifecycle_rule", rules)]);
    let state = create_ok(&env, BUCKET, config.clone()).await;
    let rules = s3(&env.mock).get_lifecycle_rules("dated-bucket").await.unwrap();
    let by_date = rules.iter().find(|r| r.id.as_deref() == Some("by-date")).unwrap();
    assert_eq!(by_date.expiration_date, Some(time::macros::date!(2027 - 01 - 31)));
    let markers = rules.iter().find(|r| r.id.as_deref() == Some("markers")).unwrap();
    assert_eq!(markers.expired_object_delete_marker, Some(true));
    assert_eq!(markers.noncurrent_version_expiration_days, Some(9));
    assert!(!markers.enabled);

    let state = env.h.read(BUCKET, &state).await.expect_ok();
    let plan = env.h.plan_update(BUCKET, &state, config).await;
    assert_no_errors(&plan.diagnostics);
    assert!(!plan.has_changes(), "{:?}", plan.planned_state);

    let bad = Value::list([Value::object([
        ("id", Value::from("x")),
        ("enabled", Value::from(true)),
        ("expiration", Value::list([Value::object([("date", Value::from("31/01/2027"))])])),
    ])]);
    let plan = env.h.plan_create(BUCKET, bucket_config("dated-2", vec![("lifecycle_rule", bad)])).await;
    assert_error_on(&plan.diagnostics, "lifecycle_rule[0].expiration[0].date");
}

#[tokio::test]
async fn a_stopped_apply_revokes_its_temporary_key() {
    use linode_mock::FaultConfig;
    let env = setup().await;
    let h = tfplugin::testing::Harness::new(terraform_provider_linode::LinodeProvider::with_env(|_| None));
    let mut config = crate::support::provider_config(&env.mock);
    if let Value::Object(m) = &mut config {
        m.remove("obj_access_key");
        m.remove("obj_secret_key");
        m.insert("obj_use_temp_keys".into(), Value::from(true));
    }
    crate::support::assert_no_errors(&h.configure(config).await);
    let state = h.create(BUCKET, bucket_config("stop-bucket", vec![])).await.expect_ok();
    // Every S3 request to the bucket now hangs for a minute: the versioning change waits on it
    // with a temporary key alive when Terraform stops the provider.
    env.mock.set_faults(FaultConfig {
        latency_ms: 60_000,
        latency_rate: 1.0,
        s3: true,
        only_paths: Some(vec!["/stop-bucket".into()]),
        ..FaultConfig::default()
    });
    let keys = || async { client(&env.mock).object_storage().list_keys(&linode_sdk::ListParams::new()).await.unwrap().data };
    let started = std::time::Instant::now();
    let (out, ()) = tokio::join!(
        h.update(BUCKET, &state, bucket_config("stop-bucket", vec![("versioning", Value::from(true))])),
        async {
            while keys().await.is_empty() {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            h.stop().await;
        }
    );
    assert!(out.diagnostics.has_errors(), "the stopped update reports its failure");
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "the S3 call ended when the provider stopped");
    let mut left = keys().await;
    for _ in 0..50 {
        if left.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        left = keys().await;
    }
    assert!(left.is_empty(), "the temporary key was revoked: {left:?}");
}
