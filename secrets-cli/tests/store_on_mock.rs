//! The secret store against linode-mock's S3 endpoint (aws-sdk-s3, SigV4, path style).

#[path = "support/common.rs"]
mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::BucketVersioningStatus;
use base64::Engine as _;
use linode_sdk::secrets::{
    Bundle, MasterKey, PutOptions, SecretBlob, SecretStore, SecretsError, render_secret,
};
use time::OffsetDateTime;
use time::macros::datetime;

const BUCKET: &str = "platform-secrets";
const T0: OffsetDateTime = datetime!(2026-03-01 12:00 UTC);

async fn versioned() -> (common::Mock, SecretStore<linode_sdk::s3::S3Client>) {
    let mock = common::start().await;
    mock.bucket(BUCKET, Some(BucketVersioningStatus::Enabled))
        .await;
    let store = SecretStore::new(mock.client.clone(), BUCKET, "prod/");
    (mock, store)
}

fn period(p: &str) -> PutOptions {
    PutOptions {
        rotation_period: Some(p.parse().unwrap()),
        labels: None,
    }
}

#[tokio::test]
async fn round_trip_versions_metadata_and_delete() {
    let (_mock, store) = versioned().await;
    let key = MasterKey::generate();
    let labels = BTreeMap::from([("team".to_owned(), "ml".to_owned())]);
    let v1 = store
        .put(
            &key,
            "platform/vllm-api-key",
            &"first".into(),
            PutOptions {
                rotation_period: Some("30d".parse().unwrap()),
                labels: Some(labels.clone()),
            },
        )
        .await
        .unwrap();
    let v2 = store
        .put(
            &key,
            "platform/vllm-api-key",
            &"second".into(),
            PutOptions::default(),
        )
        .await
        .unwrap();
    assert!(v1.version_id.is_some() && v2.version_id.is_some());
    assert_ne!(v1.version_id, v2.version_id);
    assert_eq!(v2.revision, 2);

    let latest = store
        .get(&key, "platform/vllm-api-key", None)
        .await
        .unwrap();
    assert_eq!(latest.value.expose(), b"second");
    assert_eq!(latest.metadata.version_id, v2.version_id);
    let first = store
        .get(&key, "platform/vllm-api-key", v1.version_id.as_deref())
        .await
        .unwrap();
    assert_eq!(first.value.expose(), b"first");

    // Metadata travels as x-amz-meta-* and needs no key.
    let listed = store.list().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name, "platform/vllm-api-key");
    assert_eq!(listed[0].revision, 2);
    assert_eq!(listed[0].labels, labels);
    assert_eq!(listed[0].rotation_period.unwrap().to_string(), "30d");
    assert_eq!(listed[0].key_id, key.fingerprint().as_str());
    assert_eq!(listed[0].version_id, v2.version_id);

    let versions = store.versions("platform/vllm-api-key").await.unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(Some(&versions[0].version_id), v2.version_id.as_ref());
    assert!(versions[0].is_latest && !versions[1].is_latest);

    store.delete("platform/vllm-api-key").await.unwrap();
    let err = store
        .get(&key, "platform/vllm-api-key", None)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "secret platform/vllm-api-key not found");
    assert!(store.list().await.unwrap().is_empty());
    let old = store
        .get(&key, "platform/vllm-api-key", v2.version_id.as_deref())
        .await
        .unwrap();
    assert_eq!(old.value.expose(), b"second");
}

#[tokio::test]
async fn stored_objects_hold_no_clear_value() {
    let (mock, store) = versioned().await;
    let key = MasterKey::generate();
    store
        .put(
            &key,
            "db",
            &"correct horse battery".into(),
            PutOptions::default(),
        )
        .await
        .unwrap();
    let object = mock
        .s3
        .get_object()
        .bucket(BUCKET)
        .key("prod/db")
        .send()
        .await
        .unwrap();
    let meta = format!("{:?}", object.metadata());
    let body = object.body.collect().await.unwrap().into_bytes();
    let text = String::from_utf8(body.to_vec()).unwrap();
    assert!(!text.contains("correct horse"));
    assert!(!meta.contains("correct horse"));
    assert!(!text.contains(key.to_base64().as_str()));
    let blob: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(blob["header"]["alg"], "XChaCha20-Poly1305");
    assert_eq!(blob["header"]["key_id"], key.fingerprint().as_str());
}

#[tokio::test]
async fn tampering_is_detected() {
    let (mock, store) = versioned().await;
    let key = MasterKey::generate();
    store
        .put(&key, "a", &"alpha".into(), PutOptions::default())
        .await
        .unwrap();
    store
        .put(&key, "b", &"beta".into(), PutOptions::default())
        .await
        .unwrap();

    let object = mock
        .s3
        .get_object()
        .bucket(BUCKET)
        .key("prod/a")
        .send()
        .await
        .unwrap();
    let metadata = object.metadata().cloned();
    let body = object.body.collect().await.unwrap().into_bytes();
    let mut blob = SecretBlob::from_json(&body, "a", "-").unwrap();
    let mut ct = base64::engine::general_purpose::STANDARD
        .decode(&blob.ciphertext)
        .unwrap();
    ct[0] ^= 0x01;
    blob.ciphertext = base64::engine::general_purpose::STANDARD.encode(ct);
    let put = mock
        .s3
        .put_object()
        .bucket(BUCKET)
        .key("prod/a")
        .set_metadata(metadata)
        .body(ByteStream::from(blob.to_json()))
        .send()
        .await
        .unwrap();
    let err = store.get(&key, "a", None).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "authentication failed: secret a version {} was modified",
            put.version_id().unwrap()
        )
    );

    // b's blob (and metadata) copied over a: refused as well.
    let b = mock
        .s3
        .get_object()
        .bucket(BUCKET)
        .key("prod/b")
        .send()
        .await
        .unwrap();
    let b_metadata = b.metadata().cloned();
    let b_body = b.body.collect().await.unwrap().into_bytes();
    mock.s3
        .put_object()
        .bucket(BUCKET)
        .key("prod/a")
        .set_metadata(b_metadata)
        .body(ByteStream::from(b_body))
        .send()
        .await
        .unwrap();
    assert!(matches!(
        store.get(&key, "a", None).await,
        Err(SecretsError::Tampered { .. })
    ));
}

#[tokio::test]
async fn wrong_key_is_named() {
    let (_mock, store) = versioned().await;
    let key = MasterKey::generate();
    let other = MasterKey::generate();
    store
        .put(&key, "a", &"alpha".into(), PutOptions::default())
        .await
        .unwrap();
    let err = store.get(&other, "a", None).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "secret a was encrypted with master key {}, not the one given ({})",
            key.fingerprint(),
            other.fingerprint()
        )
    );
}

#[tokio::test]
async fn missing_bucket_and_versioning_off_are_clear_errors() {
    let mock = common::start().await;
    let key = MasterKey::generate();
    let store = SecretStore::new(mock.client.clone(), "nope", "");
    let err = store
        .put(&key, "a", &"v".into(), PutOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "bucket nope does not exist");

    mock.bucket("plain", None).await;
    let store = SecretStore::new(mock.client.clone(), "plain", "");
    let err = store
        .put(&key, "a", &"v".into(), PutOptions::default())
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("bucket plain has versioning off"),
        "{err}"
    );

    mock.bucket("paused", Some(BucketVersioningStatus::Suspended))
        .await;
    let store = SecretStore::new(mock.client.clone(), "paused", "");
    let err = store
        .put(&key, "a", &"v".into(), PutOptions::default())
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("bucket paused has versioning suspended"),
        "{err}"
    );
}

#[tokio::test]
async fn rotation_report_and_rewrap() {
    let (mock, _) = versioned().await;
    let now = Arc::new(Mutex::new(T0));
    let clock = now.clone();
    let store = SecretStore::new(mock.client.clone(), BUCKET, "prod")
        .with_clock(move || *clock.lock().unwrap());
    let old = MasterKey::generate();
    store
        .put(&old, "grafana", &"g".into(), period("90d"))
        .await
        .unwrap();
    store
        .put(&old, "vllm", &"v".into(), period("30d"))
        .await
        .unwrap();
    store
        .put(&old, "static", &"s".into(), PutOptions::default())
        .await
        .unwrap();

    let report = store
        .rotation_report(T0 + time::Duration::days(31))
        .await
        .unwrap();
    assert_eq!(
        report
            .due
            .iter()
            .map(|e| e.name.as_str())
            .collect::<Vec<_>>(),
        ["vllm"]
    );
    assert_eq!(
        report
            .upcoming
            .iter()
            .map(|e| e.name.as_str())
            .collect::<Vec<_>>(),
        ["grafana"]
    );
    assert_eq!(report.unscheduled, ["static"]);

    *now.lock().unwrap() = T0 + time::Duration::days(5);
    let new = MasterKey::generate();
    let rewrapped = store.rewrap(&old, &new).await.unwrap();
    assert_eq!(rewrapped.rewrapped.len(), 3);
    for (name, value) in [("grafana", "g"), ("vllm", "v"), ("static", "s")] {
        let secret = store.get(&new, name, None).await.unwrap();
        assert_eq!(secret.value.expose_str(), Some(value));
        assert_eq!(secret.metadata.key_id, new.fingerprint().as_str());
        assert_eq!(secret.metadata.rotated, T0);
        assert!(matches!(
            store.get(&old, name, None).await,
            Err(SecretsError::WrongKey { .. })
        ));
    }
    // Re-wrapping did not restart the rotation clocks.
    let report = store
        .rotation_report(T0 + time::Duration::days(31))
        .await
        .unwrap();
    assert_eq!(
        report
            .due
            .iter()
            .map(|e| e.name.as_str())
            .collect::<Vec<_>>(),
        ["vllm"]
    );
}

#[tokio::test]
async fn bundle_renders_from_the_store() {
    let (_mock, store) = versioned().await;
    let key = MasterKey::generate();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../infra/secrets/bundles/platform.yaml"
    );
    let bundle = Bundle::load(std::path::Path::new(path)).unwrap();
    assert_eq!(
        (bundle.name.as_str(), bundle.environment.as_str()),
        ("platform", "production")
    );
    for s in &bundle.secrets {
        let options = PutOptions {
            rotation_period: s.rotation_period,
            labels: None,
        };
        store
            .put(
                &key,
                &s.source,
                &format!("value of {}", s.key).into(),
                options,
            )
            .await
            .unwrap();
    }
    let values = store.bundle_values(&key, &bundle).await.unwrap();
    let yaml = render_secret(&bundle, None, &values).unwrap();
    let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&yaml).unwrap();
    assert_eq!(doc["kind"], "Secret");
    assert_eq!(doc["metadata"]["namespace"], "inference");
    let b64 = base64::engine::general_purpose::STANDARD;
    let token = b64
        .decode(doc["data"]["huggingface-token"].as_str().unwrap())
        .unwrap();
    assert_eq!(token, b"value of huggingface-token");
    assert_eq!(
        doc["data"].as_mapping().unwrap().len(),
        bundle.secrets.len()
    );
}
