//! The `linode-mock` binary: serves right away, prints its URLs, writes the ready file.

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};

#[tokio::test]
async fn binary_prints_urls_writes_ready_file_and_serves() {
    let dir = tempfile::tempdir().unwrap();
    let ready = dir.path().join("ready.json");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_linode-mock"))
        .args([
            "--port",
            "0",
            "--s3-port",
            "0",
            "--token",
            "t1",
            "--token",
            "t2",
            "--ready-file",
        ])
        .arg(&ready)
        .env("LINODE_MOCK_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
        .await
        .expect("serving line")
        .unwrap()
        .unwrap();
    assert!(
        line.starts_with("linode-mock: api=http://127.0.0.1:"),
        "{line}"
    );
    let info: Value = serde_json::from_slice(&std::fs::read(&ready).unwrap()).unwrap();
    for k in ["api_url", "s3_url", "s3_endpoint", "admin_url", "token"] {
        assert!(info[k].is_string(), "ready file lacks {k}: {info}");
    }
    assert_eq!(info["token"], "t1");
    let api = info["api_url"].as_str().unwrap();
    assert!(line.contains(api));
    let r = reqwest::Client::new()
        .get(format!("{api}/v4/lke/clusters"))
        .bearer_auth("t2")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = reqwest::Client::new()
        .get(format!("{api}/v4/lke/clusters"))
        .bearer_auth("mock-token")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "only the configured tokens are accepted");
    child.kill().await.unwrap();
}

async fn spawn(
    state: &std::path::Path,
    ready: &std::path::Path,
) -> (tokio::process::Child, String) {
    let _ = std::fs::remove_file(ready);
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_linode-mock"))
        .args(["--port", "0", "--s3-port", "0", "--state"])
        .arg(state)
        .arg("--ready-file")
        .arg(ready)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    tokio::time::timeout(Duration::from_secs(60), lines.next_line())
        .await
        .expect("serving line")
        .unwrap()
        .unwrap();
    let info: Value = serde_json::from_slice(&std::fs::read(ready).unwrap()).unwrap();
    (child, info["api_url"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn state_survives_a_killed_process() {
    let dir = tempfile::tempdir().unwrap();
    let (state, ready) = (dir.path().join("state.json"), dir.path().join("ready.json"));
    let (mut child, api) = spawn(&state, &ready).await;
    let http = reqwest::Client::new();
    let created: Value = http
        .post(format!("{api}/v4/domains"))
        .bearer_auth("mock-token")
        .json(&serde_json::json!({"domain": "crash.example.com", "type": "master", "soa_email": "a@example.com"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // SIGKILL: no chance to flush anything at exit.
    child.kill().await.unwrap();
    let (mut child, api) = spawn(&state, &ready).await;
    let got = http
        .get(format!("{api}/v4/domains/{}", created["id"]))
        .bearer_auth("mock-token")
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(
        got.json::<Value>().await.unwrap()["domain"],
        "crash.example.com"
    );
    child.kill().await.unwrap();
}
