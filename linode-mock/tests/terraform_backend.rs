//! Terraform's `s3` backend (with `use_lockfile`) against the emulator's S3 endpoint: state is
//! written, versioned, and a held lock (conditional put) blocks a second run.
//!
//! Uses the `terraform` on `PATH`, else the project's Terraform 1.15 from `.tools/bin` (see
//! scripts/setup-tools.sh); skipped with a notice when neither exists, except in CI (`CI=true`),
//! where that is a failure.

use std::path::Path;
use std::time::Duration;

use linode_mock::{MockHandle, MockServer};
use serde_json::{Value, json};

fn terraform() -> Option<std::path::PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path).map(|d| d.join("terraform")).find(|p| p.is_file())
    });
    let tools = std::env::var_os("LINODE_TOOLS_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.tools"));
    on_path.or_else(|| Some(tools.join("bin/terraform-1.15")).filter(|p| p.is_file()))
}

async fn tf(bin: &Path, dir: &Path, args: &[&str]) -> std::process::Output {
    let out = tokio::process::Command::new(bin)
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_DATA_DIR", dir.join(".tfdata"))
        .kill_on_drop(true)
        .output();
    tokio::time::timeout(Duration::from_secs(180), out)
        .await
        .expect("terraform finished")
        .expect("terraform runs")
}

async fn rest(m: &MockHandle, method: reqwest::Method, path: &str, body: Value) -> Value {
    let r = reqwest::Client::new()
        .request(method, format!("{}/v4{path}", m.api_url()))
        .bearer_auth(m.token())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terraform_s3_backend_with_lockfile() {
    let Some(bin) = terraform() else {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "no terraform on PATH nor in .tools/bin: run scripts/setup-tools.sh"
        );
        eprintln!("NOTICE: no terraform on PATH nor in .tools/bin; skipping the s3 backend test");
        return;
    };
    let m = MockServer::builder().start().await.unwrap();
    rest(
        &m,
        reqwest::Method::POST,
        "/object-storage/buckets",
        json!({"label": "tf-state", "region": "us-east"}),
    )
    .await;
    let key = rest(&m, reqwest::Method::POST, "/object-storage/keys",
        json!({"label": "tf", "bucket_access": [{"region": "us-east", "bucket_name": "tf-state", "permissions": "read_write"}]})).await;
    let dir = tempfile::tempdir().unwrap();
    let config = |value: &str| {
        format!(
            r#"terraform {{
  backend "s3" {{
    bucket = "tf-state"
    key = "env/terraform.tfstate"
    region = "us-east-1"
    endpoints = {{ s3 = "{}" }}
    access_key = "{}"
    secret_key = "{}"
    use_path_style = true
    use_lockfile = true
    skip_credentials_validation = true
    skip_region_validation = true
    skip_requesting_account_id = true
    skip_metadata_api_check = true
  }}
}}
output "value" {{ value = "{value}" }}
"#,
            m.s3_url(),
            key["access_key"].as_str().unwrap(),
            key["secret_key"].as_str().unwrap()
        )
    };
    std::fs::write(dir.path().join("main.tf"), config("one")).unwrap();
    let init = tf(&bin, dir.path(), &["init", "-input=false", "-no-color"]).await;
    assert!(
        init.status.success(),
        "init: {}",
        String::from_utf8_lossy(&init.stdout)
    );
    let apply = tf(
        &bin,
        dir.path(),
        &["apply", "-auto-approve", "-input=false", "-no-color"],
    )
    .await;
    assert!(
        apply.status.success(),
        "apply: {}{}",
        String::from_utf8_lossy(&apply.stdout),
        String::from_utf8_lossy(&apply.stderr)
    );
    let list = rest(
        &m,
        reqwest::Method::GET,
        "/object-storage/buckets/us-east/tf-state/object-list",
        json!({}),
    )
    .await;
    let names: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["name"].as_str())
        .collect();
    assert_eq!(
        names,
        ["env/terraform.tfstate"],
        "state written and the lock file released"
    );

    // While another run holds the lock, the conditional put of the lock file fails.
    let root = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::Config::builder()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .region(aws_sdk_s3::config::Region::new("us-east-1"))
            .endpoint_url(m.s3_url())
            .credentials_provider(aws_sdk_s3::config::Credentials::new(
                m.s3_access_key(),
                m.s3_secret_key(),
                None,
                None,
                "t",
            ))
            .force_path_style(true)
            .build(),
    );
    let lock = r#"{"ID":"held-by-test","Operation":"OperationTypeApply","Info":"","Who":"test","Version":"1.0","Created":"2026-01-01T00:00:00Z","Path":"tf-state/env/terraform.tfstate"}"#;
    root.put_object()
        .bucket("tf-state")
        .key("env/terraform.tfstate.tflock")
        .body(lock.as_bytes().to_vec().into())
        .send()
        .await
        .unwrap();
    std::fs::write(dir.path().join("main.tf"), config("two")).unwrap();
    let blocked = tf(
        &bin,
        dir.path(),
        &[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-lock-timeout=0s",
        ],
    )
    .await;
    assert!(!blocked.status.success(), "a held lock must block the run");
    root.delete_object()
        .bucket("tf-state")
        .key("env/terraform.tfstate.tflock")
        .send()
        .await
        .unwrap();
    let apply = tf(
        &bin,
        dir.path(),
        &["apply", "-auto-approve", "-input=false", "-no-color"],
    )
    .await;
    assert!(
        apply.status.success(),
        "apply after unlock: {}",
        String::from_utf8_lossy(&apply.stderr)
    );
    let state = root
        .get_object()
        .bucket("tf-state")
        .key("env/terraform.tfstate")
        .send()
        .await
        .unwrap();
    let state = state.body.collect().await.unwrap().into_bytes();
    assert!(String::from_utf8_lossy(&state).contains("\"two\""));
}
