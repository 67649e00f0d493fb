//! The secret store against linode-mock's S3 endpoint (aws-sdk-s3, SigV4, path style).

#[path = "support/common.rs"]
mod common;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::BucketVersioningStatus;
use base64::Engine as _;
use linode_sdk::s3::{S3Client, VersioningStatus};
use linode_sdk::secrets::{
    BackendError, Bundle, MasterKey, ObjectBackend, ObjectHead, ObjectVersionEntry, PutCondition,
    PutOptions, SecretBlob, SecretStore, SecretsError, StoredObject, meta, render_secret,
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
        Err(SecretsError::Misplaced { .. })
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

// ----- Attacks by anyone with write access to the bucket, with plain S3 calls -----

/// An object version as plain S3 returns it: body and user metadata.
async fn fetch(
    mock: &common::Mock,
    key: &str,
    version: Option<&str>,
) -> (Vec<u8>, HashMap<String, String>) {
    let out = mock
        .s3
        .get_object()
        .bucket(BUCKET)
        .key(key)
        .set_version_id(version.map(str::to_owned))
        .send()
        .await
        .unwrap();
    let metadata = out.metadata().cloned().unwrap_or_default();
    (out.body.collect().await.unwrap().to_vec(), metadata)
}

/// Writes a new version with plain S3; returns its version id.
async fn write_raw(
    mock: &common::Mock,
    key: &str,
    body: Vec<u8>,
    metadata: HashMap<String, String>,
) -> String {
    mock.s3
        .put_object()
        .bucket(BUCKET)
        .key(key)
        .set_metadata(Some(metadata))
        .body(ByteStream::from(body))
        .send()
        .await
        .unwrap()
        .version_id()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn an_older_version_copied_back_is_refused() {
    let (mock, store) = versioned().await;
    let key = MasterKey::generate();
    let v1 = store
        .put(
            &key,
            "app/db",
            &"old password".into(),
            PutOptions::default(),
        )
        .await
        .unwrap();
    store
        .put(
            &key,
            "app/db",
            &"new password".into(),
            PutOptions::default(),
        )
        .await
        .unwrap();
    // The attack: copy the first version back as the newest one.
    let (body, metadata) = fetch(&mock, "prod/app/db", v1.version_id.as_deref()).await;
    let replay = write_raw(&mock, "prod/app/db", body, metadata).await;

    let err = store.get(&key, "app/db", None).await.unwrap_err();
    assert!(
        err.to_string().starts_with(&format!(
            "secret app/db was rolled back: its latest version {replay} has revision 1, but an \
             earlier version has revision 2"
        )),
        "{err}"
    );
    // What the ephemeral resource and the SealedSecret data source read is refused too.
    let bundle = Bundle::from_yaml(
        "name: app\nenvironment: prod\nnamespace: default\nsecrets:\n  - key: db\n    description: D\n    source: app/db\n",
        "inline",
    )
    .unwrap();
    assert!(matches!(
        store.bundle_values(&key, &bundle).await,
        Err(SecretsError::Rollback {
            revision: 1,
            earlier_revision: 2,
            ..
        })
    ));
    // And nothing is built on it.
    assert!(matches!(
        store
            .put(&key, "app/db", &"x".into(), PutOptions::default())
            .await,
        Err(SecretsError::Rollback { .. })
    ));
    // Removing the replayed version restores the newer value.
    mock.s3
        .delete_object()
        .bucket(BUCKET)
        .key("prod/app/db")
        .version_id(&replay)
        .send()
        .await
        .unwrap();
    let secret = store.get(&key, "app/db", None).await.unwrap();
    assert_eq!(secret.value.expose(), b"new password");
}

#[tokio::test]
async fn a_blob_copied_across_stores_is_refused() {
    let (mock, prod) = versioned().await;
    mock.bucket("other-secrets", Some(BucketVersioningStatus::Enabled))
        .await;
    // One master key for staging and prod.
    let key = MasterKey::generate();
    let staging = SecretStore::new(mock.client.clone(), BUCKET, "staging/");
    staging
        .put(
            &key,
            "app/db",
            &"staging password".into(),
            PutOptions::default(),
        )
        .await
        .unwrap();
    prod.put(
        &key,
        "app/db",
        &"prod password".into(),
        PutOptions::default(),
    )
    .await
    .unwrap();
    // The attack: copy staging's blob over prod's, and into another bucket's prod prefix.
    let (body, metadata) = fetch(&mock, "staging/app/db", None).await;
    write_raw(&mock, "prod/app/db", body.clone(), metadata.clone()).await;
    mock.s3
        .put_object()
        .bucket("other-secrets")
        .key("staging/app/db")
        .set_metadata(Some(metadata))
        .body(ByteStream::from(body))
        .send()
        .await
        .unwrap();

    let err = prod.get(&key, "app/db", None).await.unwrap_err();
    assert!(
        matches!(&err, SecretsError::Misplaced { sealed_for, stored_at, .. }
            if sealed_for == "platform-secrets/staging/app/db"
                && stored_at == "platform-secrets/prod/app/db"),
        "{err}"
    );
    let other = SecretStore::new(mock.client.clone(), "other-secrets", "staging/");
    assert!(matches!(
        other.get(&key, "app/db", None).await,
        Err(SecretsError::Misplaced { ref sealed_for, .. }) if sealed_for == "platform-secrets/staging/app/db"
    ));
    // The keyless metadata read cannot tell (x-amz-meta-* was copied too): it says it is
    // unverified.
    assert!(!prod.metadata("app/db", None).await.unwrap().verified);
    assert_eq!(
        staging
            .get(&key, "app/db", None)
            .await
            .unwrap()
            .value
            .expose(),
        b"staging password"
    );
}

#[tokio::test]
async fn forged_metadata_is_shown_as_unverified_and_never_built_on() {
    let (mock, store) = versioned().await;
    let key = MasterKey::generate();
    let new = MasterKey::generate();
    let labels = BTreeMap::from([("team".to_owned(), "ml".to_owned())]);
    let first = store
        .put(
            &key,
            "app/db",
            &"v".into(),
            PutOptions {
                rotation_period: Some("30d".parse().unwrap()),
                labels: Some(labels.clone()),
            },
        )
        .await
        .unwrap();
    // The attack: replace the only version with the same blob under forged metadata.
    let (body, mut metadata) = fetch(&mock, "prod/app/db", None).await;
    metadata.insert(meta::REVISION.into(), "41".into());
    metadata.insert(meta::LABELS.into(), r#"{"team":"evil"}"#.into());
    metadata.insert(meta::KEY_ID.into(), new.fingerprint().to_string());
    metadata.remove(meta::ROTATION_PERIOD);
    mock.s3
        .delete_object()
        .bucket(BUCKET)
        .key("prod/app/db")
        .set_version_id(first.version_id.clone())
        .send()
        .await
        .unwrap();
    write_raw(&mock, "prod/app/db", body, metadata).await;

    let shown = store.metadata("app/db", None).await.unwrap();
    assert_eq!((shown.revision, shown.verified), (41, false));
    let got = store.get(&key, "app/db", None).await.unwrap();
    assert_eq!((got.metadata.revision, got.metadata.verified), (1, true));
    // The forged key id does not make the re-wrap skip the secret.
    let report = store.rewrap(&key, &new).await.unwrap();
    assert_eq!(report.rewrapped.len(), 1, "{report:?}");
    let next = store
        .put(&new, "app/db", &"w".into(), PutOptions::default())
        .await
        .unwrap();
    assert_eq!(next.revision, 3);
    assert_eq!(next.labels, labels);
    assert_eq!(
        next.rotation_period.map(|p| p.to_string()).as_deref(),
        Some("30d")
    );

    // Forging metadata without deleting anything adds a version: a copy of the latest, refused.
    let (body, mut metadata) = fetch(&mock, "prod/app/db", None).await;
    metadata.insert(meta::REVISION.into(), "99".into());
    write_raw(&mock, "prod/app/db", body, metadata).await;
    // (The revision forged on the copy itself is ignored; the highest earlier one is the 41
    // forged by the first attack.)
    let err = store.get(&new, "app/db", None).await.unwrap_err();
    assert!(
        matches!(
            err,
            SecretsError::Rollback {
                revision: 3,
                earlier_revision: 41,
                ..
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn a_forged_rotation_date_is_an_error_not_a_panic() {
    let (mock, store) = versioned().await;
    let key = MasterKey::generate();
    store
        .put(&key, "app/db", &"v".into(), period("90d"))
        .await
        .unwrap();
    let (body, mut metadata) = fetch(&mock, "prod/app/db", None).await;
    metadata.insert(meta::ROTATED.into(), "9999-12-31T00:00:00Z".into());
    write_raw(&mock, "prod/app/db", body, metadata).await;
    let err = store.rotation_report(T0).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "secret app/db: rotation is due 90d after 9999-12-31T00:00:00Z, which is past the year 9999"
    );
}

/// The SDK's client behind a server that ignores the listing's `prefix` (a misbehaving
/// S3-compatible endpoint), and that can let another writer in just before a conditional put.
struct Misbehaving {
    client: S3Client,
    racing_write: Mutex<Option<(String, Vec<u8>)>>,
}

impl ObjectBackend for Misbehaving {
    async fn bucket_versioning(&self, bucket: &str) -> Result<VersioningStatus, BackendError> {
        ObjectBackend::bucket_versioning(&self.client, bucket).await
    }

    async fn put_object(
        &self,
        bucket: &str,
        key: &str,
        body: Vec<u8>,
        metadata: BTreeMap<String, String>,
        condition: PutCondition,
    ) -> Result<Option<String>, BackendError> {
        let race = self.racing_write.lock().unwrap().take();
        if let Some((other_key, other_body)) = race {
            self.client
                .put_object(bucket, &other_key, other_body)
                .await
                .unwrap();
        }
        ObjectBackend::put_object(&self.client, bucket, key, body, metadata, condition).await
    }

    async fn get_object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<StoredObject, BackendError> {
        ObjectBackend::get_object(&self.client, bucket, key, version_id).await
    }

    async fn head_object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<ObjectHead, BackendError> {
        ObjectBackend::head_object(&self.client, bucket, key, version_id).await
    }

    async fn list_objects(&self, bucket: &str, _prefix: &str) -> Result<Vec<String>, BackendError> {
        ObjectBackend::list_objects(&self.client, bucket, "").await
    }

    async fn list_object_versions(
        &self,
        bucket: &str,
        prefix: &str,
    ) -> Result<Vec<ObjectVersionEntry>, BackendError> {
        ObjectBackend::list_object_versions(&self.client, bucket, prefix).await
    }

    async fn delete_object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<(), BackendError> {
        ObjectBackend::delete_object(&self.client, bucket, key, version_id).await
    }
}

/// A store under `prod/` behind [`Misbehaving`].
async fn misbehaving() -> (common::Mock, SecretStore<Misbehaving>) {
    let (mock, _) = versioned().await;
    let backend = Misbehaving {
        client: mock.client.clone(),
        racing_write: Mutex::new(None),
    };
    (mock, SecretStore::new(backend, BUCKET, "prod/"))
}

#[tokio::test]
async fn a_listed_key_outside_the_prefix_is_an_error_not_a_panic() {
    let (mock, store) = misbehaving().await;
    let key = MasterKey::generate();
    store
        .put(&key, "app/db", &"v".into(), PutOptions::default())
        .await
        .unwrap();
    // A foreign object outside the prefix (shorter than it: slicing the prefix off used to
    // panic), which the misbehaving listing returns.
    write_raw(&mock, "x", b"not a secret".to_vec(), HashMap::new()).await;
    let expected = "listing bucket platform-secrets under prefix \"prod/\" returned key \"x\", \
                    which is outside the prefix";
    assert_eq!(store.list().await.unwrap_err().to_string(), expected);
    assert_eq!(
        store.rotation_report(T0).await.unwrap_err().to_string(),
        expected
    );
}

#[tokio::test]
async fn a_concurrent_writer_is_detected_by_the_conditional_put() {
    let (_mock, store) = misbehaving().await;
    let key = MasterKey::generate();
    store
        .put(&key, "app/db", &"one".into(), PutOptions::default())
        .await
        .unwrap();
    *store.backend().racing_write.lock().unwrap() =
        Some(("prod/app/db".into(), b"another writer".to_vec()));
    assert!(matches!(
        store
            .put(&key, "app/db", &"two".into(), PutOptions::default())
            .await,
        Err(SecretsError::ConcurrentChange { ref name }) if name == "app/db"
    ));
    assert_eq!(store.versions("app/db").await.unwrap().len(), 2);
}
