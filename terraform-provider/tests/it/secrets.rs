//! Secrets: `linode_secret` (write-only value) over the emulator's versioned S3 buckets, its
//! data sources, the SealedSecret data source and the ephemeral resource.
//!
//! The master key is given per test task with `with_master_key` (tests run in parallel in one
//! process, so they cannot set `LINODE_SECRETS_KEY`).

use std::future::Future;

use linode_mock::MockHandle;
use linode_sdk::s3::{S3Client, S3Config};
use linode_sdk::secrets::{MasterKey, PutOptions, SecretStore, SecretsError};
use terraform_provider_linode::LinodeProvider;
use terraform_provider_linode::secrets::with_master_key;
use tfplugin::Value;
use tfplugin::testing::Harness;

use crate::support::{Env, assert_error_on, assert_no_errors, provider_config, setup};

const SECRET: &str = "linode_secret";
const BUCKET: &str = "secrets-bucket";
const REGION: &str = "us-east";
/// The one master key of this test binary (hex).
const KEY_HEX: &str = "7f3a9c0e5b1d2f4a6c8e0b2d4f6a8c0e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a";
const CERT: &str = include_str!("../../../linode-sdk/src/secrets/testdata/controller-cert.pem");

/// Runs a test body with the test master key.
async fn keyed<F: Future>(f: F) -> F::Output {
    with_master_key(Some(KEY_HEX.into()), f).await
}

fn key() -> MasterKey {
    MasterKey::parse(KEY_HEX).unwrap()
}

fn store(mock: &MockHandle) -> SecretStore<S3Client> {
    let s3 = S3Client::new(S3Config::new(mock.s3_endpoint(), mock.s3_access_key(), mock.s3_secret_key())).unwrap();
    SecretStore::new(s3, BUCKET, "secrets/")
}

/// A versioned bucket made through the provider's bucket resource.
async fn bucket(env: &Env, label: &str, versioning: bool) {
    let config = Value::object([
        ("label", Value::from(label)),
        ("region", Value::from(REGION)),
        ("versioning", Value::from(versioning)),
    ]);
    env.h.create("linode_object_storage_bucket", config).await.expect_ok();
}

async fn env_with_bucket() -> Env {
    let env = setup().await;
    bucket(&env, BUCKET, true).await;
    env
}

fn secret_config(name: &str, extra: Vec<(&str, Value)>) -> Value {
    let mut attrs = vec![("bucket", Value::from(BUCKET)), ("region", Value::from(REGION)), ("name", Value::from(name))];
    attrs.extend(extra);
    Value::object(attrs)
}

fn wo(name: &str, value: &str, version: i64) -> Value {
    secret_config(name, vec![("value_wo", Value::from(value)), ("value_wo_version", Value::from(version))])
}

fn str_attr<'a>(state: &'a Value, name: &str) -> &'a str {
    state.get(name).and_then(Value::as_str).unwrap_or_else(|| panic!("{name} missing in {state:?}"))
}

async fn stored_value(mock: &MockHandle, name: &str) -> String {
    let secret = store(mock).get(&key(), name, None).await.unwrap();
    secret.value.expose_str().unwrap().to_string()
}

#[tokio::test]
async fn create_with_value_wo_keeps_the_value_out_of_the_state() {
    keyed(async {
        let env = env_with_bucket().await;
        let config = secret_config(
            "app/db-password",
            vec![
                ("value_wo", Value::from("wo-Sup3r-s3cret-1")),
                ("value_wo_version", Value::from(1)),
                ("rotation_period", Value::from("90d")),
                ("labels", Value::map([("team", Value::from("platform"))])),
            ],
        );
        let planned = env.h.plan_create(SECRET, config.clone()).await;
        assert_no_errors(&planned.diagnostics);
        assert!(!format!("{:?}", planned.planned_state).contains("wo-Sup3r-s3cret-1"));
        let state = env.h.apply(&planned).await.expect_ok();

        assert!(!format!("{state:?}").contains("wo-Sup3r-s3cret-1"), "value leaked into state: {state:?}");
        assert_eq!(state.get("value_wo"), Some(&Value::Null));
        assert_eq!(state.get("value"), Some(&Value::Null));
        assert_eq!(str_attr(&state, "id"), "secrets-bucket/secrets/app/db-password");
        assert_eq!(str_attr(&state, "prefix"), "secrets/");
        assert_eq!(str_attr(&state, "rotation_period"), "90d");
        assert!(str_attr(&state, "key_id").starts_with("sha256:"));
        assert_eq!(str_attr(&state, "key_id"), key().fingerprint().as_str());

        // Encrypted in the bucket, readable with the key.
        let meta = store(&env.mock).metadata("app/db-password", None).await.unwrap();
        assert_eq!(meta.version_id.as_deref(), Some(str_attr(&state, "version_id")));
        assert_eq!(meta.labels.get("team").map(String::as_str), Some("platform"));
        assert_eq!(stored_value(&env.mock, "app/db-password").await, "wo-Sup3r-s3cret-1");

        // Refresh and re-plan: nothing to do.
        let read = env.h.read(SECRET, &state).await.expect_ok();
        assert_eq!(read, state);
        let again = env.h.plan_update(SECRET, &read, config).await;
        assert_no_errors(&again.diagnostics);
        assert!(!again.has_changes(), "{:?}", again.planned_state);
    })
    .await;
}

#[tokio::test]
async fn bumping_value_wo_version_writes_a_new_version() {
    keyed(async {
        let env = env_with_bucket().await;
        let state = env.h.create(SECRET, wo("app/token", "first-token-aaa", 1)).await.expect_ok();
        let first = str_attr(&state, "version_id").to_string();

        // A new value without a version bump is invisible to Terraform (write-only).
        let same = env.h.plan_update(SECRET, &state, wo("app/token", "second-token-bbb", 1)).await;
        assert_no_errors(&same.diagnostics);
        assert!(!same.has_changes());

        let planned = env.h.plan_update(SECRET, &state, wo("app/token", "second-token-bbb", 2)).await;
        assert_no_errors(&planned.diagnostics);
        assert!(planned.has_changes() && !planned.requires_replacement());
        let updated = env.h.apply(&planned).await.expect_ok();
        assert_ne!(str_attr(&updated, "version_id"), first);
        assert_eq!(str_attr(&updated, "created"), str_attr(&state, "created"));
        assert!(!format!("{updated:?}").contains("second-token-bbb"));
        assert_eq!(stored_value(&env.mock, "app/token").await, "second-token-bbb");
        let versions = store(&env.mock).versions("app/token").await.unwrap();
        assert_eq!(versions.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn out_of_band_versions_are_detected_and_value_is_written_again() {
    keyed(async {
        let env = env_with_bucket().await;
        // value_wo: drift shows as a new version_id.
        let state = env.h.create(SECRET, wo("app/wo", "configured-wo", 1)).await.expect_ok();
        let oob = store(&env.mock).put(&key(), "app/wo", &"rotated-by-hand".into(), PutOptions::default()).await.unwrap();
        let read = env.h.read(SECRET, &state).await.expect_ok();
        assert_eq!(read.get("version_id").and_then(Value::as_str), oob.version_id.as_deref());
        assert_ne!(str_attr(&read, "version_id"), str_attr(&state, "version_id"));

        // value (Terraform < 1.11): the configured value is written again.
        let config = secret_config("app/legacy", vec![("value", Value::from("configured-value"))]);
        let state = env.h.create(SECRET, config.clone()).await.expect_ok();
        store(&env.mock).put(&key(), "app/legacy", &"changed-by-hand".into(), PutOptions::default()).await.unwrap();
        let read = env.h.read(SECRET, &state).await.expect_ok();
        let planned = env.h.plan_update(SECRET, &read, config).await;
        assert_no_errors(&planned.diagnostics);
        assert!(planned.has_changes());
        env.h.apply(&planned).await.expect_ok();
        assert_eq!(stored_value(&env.mock, "app/legacy").await, "configured-value");

        // Labels changed out of band are put back.
        let config = secret_config("app/labelled", vec![("value", Value::from("v")), ("labels", Value::map([("a", Value::from("1"))]))]);
        let state = env.h.create(SECRET, config.clone()).await.expect_ok();
        let labels = std::collections::BTreeMap::from([("a".to_string(), "2".to_string())]);
        let opts = PutOptions { rotation_period: None, labels: Some(labels) };
        store(&env.mock).put(&key(), "app/labelled", &"v".into(), opts).await.unwrap();
        let read = env.h.read(SECRET, &state).await.expect_ok();
        let planned = env.h.plan_update(SECRET, &read, config).await;
        assert!(planned.has_changes());
        env.h.apply(&planned).await.expect_ok();
        let meta = store(&env.mock).metadata("app/labelled", None).await.unwrap();
        assert_eq!(meta.labels.get("a").map(String::as_str), Some("1"));
    })
    .await;
}

#[tokio::test]
async fn missing_master_key_is_a_clear_error() {
    let env = env_with_bucket().await;
    let planned = with_master_key(None, env.h.plan_create(SECRET, wo("app/x", "v", 1))).await;
    assert!(planned.diagnostics.has_errors());
    let text = planned.diagnostics.to_string();
    assert!(text.contains("LINODE_SECRETS_KEY"), "{text}");

    let bad = with_master_key(Some("not-a-valid-key".into()), env.h.plan_create(SECRET, wo("app/x", "v", 1))).await;
    assert!(bad.diagnostics.has_errors());
    assert!(!bad.diagnostics.to_string().contains("not-a-valid-key"));
}

#[tokio::test]
async fn exactly_one_of_value_and_value_wo() {
    keyed(async {
        let env = env_with_bucket().await;
        let both = secret_config("app/x", vec![("value", Value::from("a")), ("value_wo", Value::from("b"))]);
        let diags = env.h.validate(SECRET, both).await;
        assert_error_on(&diags, "value_wo");
        assert!(!diags.to_string().contains("\"a\"") && !diags.to_string().contains("\"b\""));
        let neither = env.h.validate(SECRET, secret_config("app/x", vec![])).await;
        assert_error_on(&neither, "value_wo");
        let bad_period = secret_config("app/x", vec![("value", Value::from("a")), ("rotation_period", Value::from("soon"))]);
        assert_error_on(&env.h.validate(SECRET, bad_period).await, "rotation_period");
    })
    .await;
}

#[tokio::test]
async fn legacy_terraform_uses_value_and_rejects_value_wo() {
    keyed(async {
        let env = env_with_bucket().await;
        let h = Harness::new(LinodeProvider::with_env(|_| None)).legacy_client("1.5.7");
        assert_no_errors(&h.configure(provider_config(&env.mock)).await);
        let state = h.create(SECRET, secret_config("app/legacy", vec![("value", Value::from("legacy-value"))])).await.expect_ok();
        assert_eq!(stored_value(&env.mock, "app/legacy").await, "legacy-value");
        assert!(!str_attr(&state, "version_id").is_empty());

        let planned = h.plan_create(SECRET, wo("app/wo", "v", 1)).await;
        assert_error_on(&planned.diagnostics, "value_wo");
        assert!(planned.diagnostics.to_string().contains("1.11"), "{}", planned.diagnostics);
    })
    .await;
}

#[tokio::test]
async fn plan_checks_region_and_apply_checks_bucket() {
    keyed(async {
        let env = env_with_bucket().await;
        let config = Value::object([
            ("bucket", Value::from(BUCKET)),
            ("region", Value::from("xx-nowhere")),
            ("name", Value::from("app/x")),
            ("value", Value::from("v")),
        ]);
        assert_error_on(&env.h.plan_create(SECRET, config).await.diagnostics, "region");

        let missing = secret_config("app/x", vec![("value", Value::from("v"))]);
        let missing = match missing {
            Value::Object(mut m) => {
                m.insert("bucket".into(), Value::from("no-such-bucket"));
                Value::Object(m)
            }
            v => v,
        };
        assert_error_on(&env.h.create(SECRET, missing).await.diagnostics, "bucket");

        bucket(&env, "plain-bucket", false).await;
        let unversioned = Value::object([
            ("bucket", Value::from("plain-bucket")),
            ("region", Value::from(REGION)),
            ("name", Value::from("app/x")),
            ("value", Value::from("v")),
        ]);
        let out = env.h.create(SECRET, unversioned).await;
        assert_error_on(&out.diagnostics, "bucket");
        assert!(out.diagnostics.to_string().contains("versioning"), "{}", out.diagnostics);

        // An existing secret is not overwritten by a create.
        store(&env.mock).put(&key(), "app/existing", &"v".into(), PutOptions::default()).await.unwrap();
        let out = env.h.create(SECRET, secret_config("app/existing", vec![("value", Value::from("w"))])).await;
        assert_error_on(&out.diagnostics, "name");
        assert_eq!(stored_value(&env.mock, "app/existing").await, "v");
    })
    .await;
}

#[tokio::test]
async fn destroy_leaves_history_and_read_removes_deleted_secrets() {
    keyed(async {
        let env = env_with_bucket().await;
        let state = env.h.create(SECRET, wo("app/old", "old-value", 1)).await.expect_ok();
        let version = str_attr(&state, "version_id").to_string();
        assert_no_errors(&env.h.destroy(SECRET, &state).await);
        assert!(matches!(store(&env.mock).metadata("app/old", None).await, Err(SecretsError::NotFound { .. })));
        // The history stays readable by version id.
        let old = store(&env.mock).get(&key(), "app/old", Some(&version)).await.unwrap();
        assert_eq!(old.value.expose_str(), Some("old-value"));
        let read = env.h.read(SECRET, &state).await;
        assert_no_errors(&read.diagnostics);
        assert!(read.state.is_null());
        // Recreating after a destroy works.
        env.h.create(SECRET, wo("app/old", "new-value", 1)).await.expect_ok();
        assert_eq!(stored_value(&env.mock, "app/old").await, "new-value");
    })
    .await;
}

#[tokio::test]
async fn import_by_region_bucket_prefix_and_name() {
    keyed(async {
        let env = env_with_bucket().await;
        let written = store(&env.mock)
            .put(&key(), "app/imported", &"v".into(), PutOptions { rotation_period: Some("30d".parse().unwrap()), labels: None })
            .await
            .unwrap();
        let state = env.h.import(SECRET, "us-east:secrets-bucket:secrets/:app/imported").await.expect_ok();
        assert_eq!(state.get("version_id").and_then(Value::as_str), written.version_id.as_deref());
        assert_eq!(str_attr(&state, "id"), "secrets-bucket/secrets/app/imported");
        assert_eq!(str_attr(&state, "rotation_period"), "30d");
        let short = env.h.import(SECRET, "us-east:secrets-bucket:app/imported").await.expect_ok();
        assert_eq!(short.get("version_id"), state.get("version_id"));
        assert!(env.h.import(SECRET, "secrets-bucket/app/imported").await.diagnostics.has_errors());
        assert!(env.h.import(SECRET, "us-east:secrets-bucket:app/none").await.diagnostics.has_errors());
    })
    .await;
}

const BUNDLE: &str = "name: platform\nenvironment: production\nnamespace: inference\nsecrets:\n  \
  - key: grafana-admin-password\n    description: Grafana admin password.\n    rotation_period: 90d\n  \
  - key: vllm-api-key\n    description: vLLM API key.\n    rotation_period: 30d\n  \
  - key: huggingface-token\n    description: HF token.\n";

fn location(extra: Vec<(&str, Value)>) -> Value {
    let mut attrs = vec![("bucket", Value::from(BUCKET)), ("region", Value::from(REGION))];
    attrs.extend(extra);
    Value::object(attrs)
}

#[tokio::test]
async fn data_sources_expose_metadata_and_no_values() {
    keyed(async {
        let env = env_with_bucket().await;
        let state = env
            .h
            .create(
                SECRET,
                secret_config(
                    "platform/grafana-admin-password",
                    vec![("value_wo", Value::from("grafana-pw-xyz")), ("rotation_period", Value::from("90d"))],
                ),
            )
            .await
            .expect_ok();
        // Written 40 days ago with a 30-day period: due.
        let past = time::OffsetDateTime::now_utc() - time::Duration::days(40);
        let old_store = store(&env.mock).with_clock(move || past);
        let opts = PutOptions { rotation_period: Some("30d".parse().unwrap()), labels: None };
        old_store.put(&key(), "platform/vllm-api-key", &"vllm-key-xyz".into(), opts).await.unwrap();

        let meta = env.h.read_data_source(SECRET, location(vec![("name", Value::from("platform/grafana-admin-password"))])).await.expect_ok();
        assert_eq!(meta.get("version_id"), state.get("version_id"));
        assert_eq!(str_attr(&meta, "rotation_period"), "90d");
        assert_eq!(meta.get("due"), Some(&Value::from(false)));
        assert!(meta.get("value").is_none());
        assert!(!format!("{meta:?}").contains("grafana-pw-xyz"));
        let vllm = env.h.read_data_source(SECRET, location(vec![("name", Value::from("platform/vllm-api-key"))])).await.expect_ok();
        assert_eq!(vllm.get("due"), Some(&Value::from(true)));
        // A pinned version is described even after a newer one.
        let first = vllm.get("version_id").cloned().unwrap();
        old_store.put(&key(), "platform/vllm-api-key", &"vllm-key-2".into(), PutOptions::default()).await.unwrap();
        let pinned = location(vec![("name", Value::from("platform/vllm-api-key")), ("version", first.clone())]);
        let pinned = env.h.read_data_source(SECRET, pinned).await.expect_ok();
        assert_eq!(pinned.get("version_id"), Some(&first));
        assert_eq!(pinned.get("revision"), Some(&Value::from(1)));
        let latest = env.h.read_data_source(SECRET, location(vec![("name", Value::from("platform/vllm-api-key"))])).await.expect_ok();
        assert_eq!(latest.get("revision"), Some(&Value::from(2)));
        assert_ne!(latest.get("version_id"), Some(&first));
        let missing = env.h.read_data_source(SECRET, location(vec![("name", Value::from("platform/nope"))])).await;
        assert_error_on(&missing.diagnostics, "name");

        let bundle = env.h.read_data_source("linode_secret_bundle", location(vec![("bundle_yaml", Value::from(BUNDLE))])).await.expect_ok();
        assert_eq!(str_attr(&bundle, "namespace"), "inference");
        assert_eq!(bundle.get("missing"), Some(&Value::list([Value::from("huggingface-token")])));
        assert_eq!(bundle.get("due"), Some(&Value::list([Value::from("vllm-api-key")])));
        let keys = bundle.get("keys").and_then(Value::as_elements).unwrap();
        assert_eq!(keys.len(), 3);
        assert_eq!(keys[0].get("present"), Some(&Value::from(true)));
        assert_eq!(keys[0].get("version_id"), state.get("version_id"));
        assert_eq!(keys[2].get("present"), Some(&Value::from(false)));
        let text = format!("{bundle:?}");
        assert!(!text.contains("grafana-pw-xyz") && !text.contains("vllm-key-xyz"));

        let bad = env.h.read_data_source("linode_secret_bundle", location(vec![("bundle_yaml", Value::from("name: x\nsecrets: 3\n"))])).await;
        assert_error_on(&bad.diagnostics, "bundle_yaml");
    })
    .await;
}

#[tokio::test]
async fn sealed_secret_manifest_renders_ciphertext_only() {
    keyed(async {
        let env = env_with_bucket().await;
        for (name, value) in [
            ("platform/grafana-admin-password", "grafana-pw-xyz"),
            ("platform/vllm-api-key", "vllm-key-xyz"),
            ("platform/huggingface-token", "hf-token-xyz"),
        ] {
            env.h.create(SECRET, secret_config(name, vec![("value_wo", Value::from(value))])).await.expect_ok();
        }
        let config = location(vec![
            ("bundle_yaml", Value::from(BUNDLE)),
            ("certificate", Value::from(CERT)),
            ("namespace", Value::from("apps")),
        ]);
        let out = env.h.read_data_source("linode_sealed_secret", config).await.expect_ok();
        let manifest = str_attr(&out, "manifest");
        assert!(manifest.contains("kind: SealedSecret"), "{manifest}");
        assert!(manifest.contains("namespace: apps"));
        for key in ["grafana-admin-password", "vllm-api-key", "huggingface-token"] {
            assert!(manifest.contains(key), "{key} missing");
        }
        for value in ["grafana-pw-xyz", "vllm-key-xyz", "hf-token-xyz"] {
            assert!(!manifest.contains(value));
            use base64::Engine;
            assert!(!manifest.contains(&base64::engine::general_purpose::STANDARD.encode(value)));
        }
        assert_eq!(str_attr(&out, "id"), "apps/platform");

        let bad_cert = location(vec![("bundle_yaml", Value::from(BUNDLE)), ("certificate", Value::from("nope"))]);
        assert_error_on(&env.h.read_data_source("linode_sealed_secret", bad_cert).await.diagnostics, "certificate");
        let bad_scope = location(vec![
            ("bundle_yaml", Value::from(BUNDLE)),
            ("certificate", Value::from(CERT)),
            ("scope", Value::from("galaxy-wide")),
        ]);
        assert_error_on(&env.h.read_data_source("linode_sealed_secret", bad_scope).await.diagnostics, "scope");
        // Values need the master key.
        let no_key = location(vec![("bundle_yaml", Value::from(BUNDLE)), ("certificate", Value::from(CERT))]);
        let out = with_master_key(None, env.h.read_data_source("linode_sealed_secret", no_key)).await;
        assert!(out.diagnostics.to_string().contains("LINODE_SECRETS_KEY"));
    })
    .await;
}

#[tokio::test]
async fn ephemeral_secret_returns_the_value() {
    keyed(async {
        let env = env_with_bucket().await;
        let first = env.h.create(SECRET, wo("app/api-key", "ephemeral-one", 1)).await.expect_ok();
        let second = env.h.update(SECRET, &first, wo("app/api-key", "ephemeral-two", 2)).await.expect_ok();

        let out = env.h.open_ephemeral(SECRET, location(vec![("name", Value::from("app/api-key"))])).await;
        assert_no_errors(&out.diagnostics);
        assert_eq!(str_attr(&out.state, "value"), "ephemeral-two");
        assert_eq!(out.state.get("version_id"), second.get("version_id"));
        assert_no_errors(&env.h.close_ephemeral(SECRET, out.private).await);

        let pinned = location(vec![("name", Value::from("app/api-key")), ("version", first.get("version_id").cloned().unwrap())]);
        let out = env.h.open_ephemeral(SECRET, pinned).await;
        assert_no_errors(&out.diagnostics);
        assert_eq!(str_attr(&out.state, "value"), "ephemeral-one");

        let other_key = MasterKey::generate().to_base64().to_string();
        let wrong = with_master_key(Some(other_key), env.h.open_ephemeral(SECRET, location(vec![("name", Value::from("app/api-key"))]))).await;
        assert!(wrong.diagnostics.to_string().contains("master key"), "{}", wrong.diagnostics);
    })
    .await;
}

#[tokio::test]
async fn temporary_keys_are_used_and_revoked_and_missing_keys_fail_the_plan() {
    keyed(async {
        let env = env_with_bucket().await;
        let mut config = provider_config(&env.mock);
        if let Value::Object(m) = &mut config {
            m.insert("obj_access_key".into(), Value::Null);
            m.insert("obj_secret_key".into(), Value::Null);
        }
        let no_keys = Harness::new(LinodeProvider::with_env(|_| None));
        assert_no_errors(&no_keys.configure(config.clone()).await);
        let planned = no_keys.plan_create(SECRET, wo("app/temp", "temp-key-value", 1)).await;
        assert_error_on(&planned.diagnostics, "access_key");
        assert!(planned.diagnostics.to_string().contains("obj_use_temp_keys"));

        if let Value::Object(m) = &mut config {
            m.insert("obj_use_temp_keys".into(), Value::from(true));
        }
        let temp = Harness::new(LinodeProvider::with_env(|_| None));
        assert_no_errors(&temp.configure(config).await);
        let state = temp.create(SECRET, wo("app/temp", "temp-key-value", 1)).await.expect_ok();
        temp.read(SECRET, &state).await.expect_ok();
        assert_no_errors(&temp.destroy(SECRET, &state).await);
        let reqs = env.mock.requests();
        let created = reqs.iter().filter(|r| r.method == "POST" && r.path.ends_with("/object-storage/keys")).count();
        let deleted = reqs.iter().filter(|r| r.method == "DELETE" && r.path.contains("/object-storage/keys/")).count();
        assert!(created >= 3, "expected temporary keys for create, read and delete, saw {created}");
        assert_eq!(created, deleted, "every temporary key is revoked");
    })
    .await;
}
