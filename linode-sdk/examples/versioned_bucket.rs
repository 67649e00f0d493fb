//! Creates a bucket through the REST API, turns on versioning through S3, writes two
//! versions of an object, lists the versions and prints a presigned URL of the first.
//!
//! S3 credentials come from `LINODE_OBJ_ACCESS_KEY` / `LINODE_OBJ_SECRET_KEY`; without
//! them a fresh Object Storage key is created (and revoked at the end, which also
//! invalidates the presigned URL; the example fetches it once before that).
//!
//! ```sh
//! LINODE_URL=http://127.0.0.1:8080 LINODE_TOKEN=test cargo run -p linode-sdk --example versioned_bucket
//! ```

use std::time::Duration;

use linode_sdk::Client;
use linode_sdk::models::object_storage::{CreateBucket, CreateObjectStorageKey};
use linode_sdk::s3::{S3Client, S3Config, VersioningStatus};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let region = std::env::var("BUCKET_REGION").unwrap_or_else(|_| "fr-par".into());
    let label = std::env::var("BUCKET_LABEL").unwrap_or_else(|_| "versioned-example".into());

    let bucket = match client.object_storage().get_bucket_opt(&region, &label).await? {
        Some(b) => b,
        None => {
            let req = CreateBucket { label: label.clone(), region: Some(region.clone()), ..Default::default() };
            client.object_storage().create_bucket(&req).await?
        }
    };
    let endpoint = match &bucket.s3_endpoint {
        Some(e) => e.clone(),
        None => bucket.hostname.strip_prefix(&format!("{label}.")).unwrap_or(&bucket.hostname).to_owned(),
    };
    println!("bucket {} in {} (S3 endpoint {endpoint})", bucket.label, bucket.region);

    let (access, secret, created_key) = match (std::env::var("LINODE_OBJ_ACCESS_KEY"), std::env::var("LINODE_OBJ_SECRET_KEY")) {
        (Ok(a), Ok(s)) => (a, s, None),
        _ => {
            let key = client
                .object_storage()
                .create_key(&CreateObjectStorageKey { label: "versioned-example".into(), regions: Some(vec![region.clone()]), ..Default::default() })
                .await?;
            (key.access_key.clone(), key.secret_key.clone(), Some(key.id))
        }
    };

    let s3 = S3Client::new(S3Config::new(endpoint, access, secret).region(region))?;
    s3.put_bucket_versioning(&label, true).await?;
    assert_eq!(s3.get_bucket_versioning(&label).await?, VersioningStatus::Enabled);

    let v1 = s3.put_object(&label, "config.json", br#"{"replicas": 1}"#.to_vec()).await?;
    let v2 = s3.put_object(&label, "config.json", br#"{"replicas": 3}"#.to_vec()).await?;
    println!("versions written: {:?}, {:?}", v1.version_id, v2.version_id);

    for v in s3.list_object_versions(&label, Some("config.json")).await? {
        println!("  {} {} latest={} size={}", v.key, v.version_id, v.is_latest, v.size);
    }
    let old = s3.get_object(&label, "config.json", v1.version_id.as_deref()).await?;
    println!("first version: {}", String::from_utf8_lossy(&old.body));

    let url = s3.presign_get(&label, "config.json", Duration::from_secs(3600)).await?;
    println!("presigned GET (1 h): {url}");
    let fetched = reqwest::get(&url).await?;
    println!("fetching it anonymously: HTTP {} -> {}", fetched.status(), fetched.text().await?);

    if let Some(id) = created_key {
        client.object_storage().delete_key(id).await?;
    }
    Ok(())
}
