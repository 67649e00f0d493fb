//! The `linode-secrets` binary end to end against linode-mock's S3 endpoint.

#[path = "support/common.rs"]
mod common;

use std::path::Path;
use std::process::Stdio;

use aws_sdk_s3::types::BucketVersioningStatus;
use linode_sdk::secrets::MasterKey;
use tokio::io::AsyncWriteExt as _;

const BUCKET: &str = "ops-secrets";

/// Output of one run.
struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

/// Runs the binary with the emulator's endpoint and credentials, the master key in
/// `LINODE_SECRETS_KEY` (when given), `args`, and `stdin`.
async fn run(mock: &common::Mock, key: Option<&str>, args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_linode-secrets"));
    cmd.args(["--endpoint", &mock.handle.s3_url(), "--bucket", BUCKET])
        .args(args)
        .env("LINODE_OBJ_ACCESS_KEY", mock.handle.s3_access_key())
        .env("LINODE_OBJ_SECRET_KEY", mock.handle.s3_secret_key())
        .env("RUST_LOG", "debug")
        .env_remove("LINODE_SECRETS_BUCKET")
        .env_remove("LINODE_SECRETS_PREFIX")
        .env_remove("LINODE_OBJ_ENDPOINT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match key {
        Some(k) => cmd.env("LINODE_SECRETS_KEY", k),
        None => cmd.env_remove("LINODE_SECRETS_KEY"),
    };
    let mut child = cmd.spawn().expect("binary starts");
    let mut pipe = child.stdin.take().unwrap();
    if let Some(input) = stdin {
        // A run that fails before reading (usage errors) closes the pipe early: not an error here.
        if let Err(e) = pipe.write_all(input.as_bytes()).await {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
        }
    }
    drop(pipe);
    let out = child.wait_with_output().await.unwrap();
    Run {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn ok(r: &Run) -> &str {
    assert_eq!(r.status, 0, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
    &r.stdout
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

const BUNDLE: &str = "name: web\nenvironment: staging\nnamespace: apps\nsecrets:\n  - key: db-password\n    description: DB\n    rotation_period: 30d\n    source: web/db\n  - key: api-token\n    description: API\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operator_workflow() {
    let mock = common::start().await;
    mock.bucket(BUCKET, Some(BucketVersioningStatus::Enabled))
        .await;
    let dir = tempfile::tempdir().unwrap();
    let key = MasterKey::generate();
    let key_text = key.to_base64().to_string();
    let k = Some(key_text.as_str());
    let mut transcript = String::new();

    // put from stdin (one trailing newline dropped) and from a file, with rotation and labels.
    let r = run(
        &mock,
        k,
        &["put", "web/db", "--stdin", "--rotation", "30d"],
        Some("pa55word\n"),
    )
    .await;
    assert!(ok(&r).starts_with("stored web/db version "), "{}", r.stdout);
    transcript += &(r.stdout.clone() + &r.stderr);
    let token_file = write(dir.path(), "token", "tok-123");
    let r = run(
        &mock,
        k,
        &[
            "put",
            "web/api-token",
            "--value-file",
            &token_file,
            "--label",
            "team=web",
        ],
        None,
    )
    .await;
    ok(&r);
    transcript += &(r.stdout.clone() + &r.stderr);

    // get prints the value exactly; --json adds metadata.
    let r = run(&mock, k, &["get", "web/db"], None).await;
    assert_eq!(ok(&r), "pa55word");
    let r = run(&mock, k, &["--json", "get", "web/api-token"], None).await;
    let doc: serde_json::Value = serde_json::from_str(ok(&r)).unwrap();
    assert_eq!(doc["value"], "tok-123");
    assert_eq!(doc["labels"]["team"], "web");
    assert_eq!(doc["revision"], 1);
    assert_eq!(doc["verified"], true, "get opened the blob with the key");

    // A second version, then the first one by id.
    let r = run(
        &mock,
        k,
        &["--json", "put", "web/db", "--stdin"],
        Some("n3w"),
    )
    .await;
    let second: serde_json::Value = serde_json::from_str(ok(&r)).unwrap();
    assert_eq!(second["revision"], 2);
    assert_eq!(
        second["rotation_period"], "30d",
        "kept from the first version"
    );
    let r = run(&mock, None, &["--json", "versions", "web/db"], None).await;
    let versions: serde_json::Value = serde_json::from_str(ok(&r)).unwrap();
    assert_eq!(versions.as_array().unwrap().len(), 2);
    let first_id = versions[1]["version_id"].as_str().unwrap().to_owned();
    let r = run(&mock, k, &["get", "web/db", "--version", &first_id], None).await;
    assert_eq!(ok(&r), "pa55word");

    // list and rotation-report need no key.
    let r = run(&mock, None, &["--json", "list"], None).await;
    let list: serde_json::Value = serde_json::from_str(ok(&r)).unwrap();
    let names: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["web/api-token", "web/db"]);
    // Keyless reads say that they are not authenticated.
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|m| m["verified"] == false)
    );
    let r = run(&mock, None, &["list"], None).await;
    assert!(ok(&r).contains("web/db") && r.stdout.contains(key.fingerprint().as_str()));
    assert!(
        r.stdout.trim_end().ends_with(
            "anyone with write access to the bucket can forge; `get` verifies a secret)"
        ),
        "{}",
        r.stdout
    );
    let r = run(
        &mock,
        None,
        &["--json", "rotation-report", "--fail-if-due"],
        None,
    )
    .await;
    let report: serde_json::Value = serde_json::from_str(ok(&r)).unwrap();
    assert_eq!(report["verified"], false);
    assert!(report["due"].as_array().unwrap().is_empty());
    assert_eq!(report["upcoming"][0]["name"], "web/db");
    assert_eq!(report["unscheduled"][0], "web/api-token");

    // render: a plain Secret, and a SealedSecret for a controller certificate.
    let bundle = write(dir.path(), "web.yaml", BUNDLE);
    let r = run(&mock, k, &["render", &bundle], None).await;
    let secret: serde_yaml_ng::Value = serde_yaml_ng::from_str(ok(&r)).unwrap();
    assert_eq!(secret["kind"], "Secret");
    assert_eq!(secret["data"]["db-password"], "bjN3");
    assert_eq!(secret["data"]["api-token"], "dG9rLTEyMw==");
    let cert = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../linode-sdk/src/secrets/testdata/controller-cert.pem"
    );
    let r = run(
        &mock,
        k,
        &[
            "render",
            &bundle,
            "--sealed",
            "--cert",
            cert,
            "--name",
            "web-sealed",
        ],
        None,
    )
    .await;
    let sealed: serde_yaml_ng::Value = serde_yaml_ng::from_str(ok(&r)).unwrap();
    assert_eq!(sealed["kind"], "SealedSecret");
    assert_eq!(sealed["metadata"]["name"], "web-sealed");
    assert!(
        sealed["spec"]["encryptedData"]["db-password"]
            .as_str()
            .unwrap()
            .len()
            > 300
    );
    assert!(!r.stdout.contains("bjN3") && !r.stdout.contains("n3w"));

    // rewrap under a generated key; the old key is then refused by name.
    let new_key_file = dir.path().join("new.key");
    let new_key_path = new_key_file.to_str().unwrap();
    let r = run(&mock, None, &["generate-key", "--out", new_key_path], None).await;
    assert!(ok(&r).starts_with("wrote a new master key"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&new_key_file)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let again = run(&mock, None, &["generate-key", "--out", new_key_path], None).await;
    assert_eq!(again.status, 2, "an existing key file is never overwritten");
    let new_key = MasterKey::from_file(&new_key_file).unwrap();
    let r = run(&mock, k, &["rewrap", "--new-key-file", new_key_path], None).await;
    assert!(
        ok(&r).starts_with("re-wrapped 2 secret(s) under master key"),
        "{}",
        r.stdout
    );
    transcript += &(r.stdout.clone() + &r.stderr);
    let r = run(
        &mock,
        None,
        &["--key-file", new_key_path, "get", "web/db"],
        None,
    )
    .await;
    assert_eq!(ok(&r), "n3w");
    let r = run(&mock, k, &["get", "web/db"], None).await;
    assert_eq!(r.status, 1);
    assert_eq!(
        r.stderr.trim_end().lines().last().unwrap(),
        format!(
            "error: secret web/db was encrypted with master key {}, not the one given ({})",
            new_key.fingerprint(),
            key.fingerprint()
        )
    );

    // delete leaves versions behind; --purge removes them all.
    let r = run(&mock, None, &["delete", "web/api-token"], None).await;
    assert!(ok(&r).starts_with("deleted web/api-token"));
    let r = run(
        &mock,
        None,
        &["--key-file", new_key_path, "get", "web/api-token"],
        None,
    )
    .await;
    let last = r.stderr.trim_end().lines().last().unwrap_or_default();
    assert_eq!(
        (r.status, last),
        (1, "error: secret web/api-token not found")
    );
    let r = run(
        &mock,
        None,
        &["--json", "delete", "--purge", "web/api-token"],
        None,
    )
    .await;
    let purged: serde_json::Value = serde_json::from_str(ok(&r)).unwrap();
    assert_eq!(
        purged["versions_removed"], 3,
        "two versions and a delete marker"
    );
    let r = run(&mock, None, &["versions", "web/api-token"], None).await;
    assert_eq!(r.status, 1);

    // Neither the master keys nor the values ever reach output or logs (RUST_LOG=debug).
    let new_key_text = new_key.to_base64().to_string();
    for needle in [
        key_text.as_str(),
        new_key_text.as_str(),
        "pa55word",
        "tok-123",
    ] {
        assert!(!transcript.contains(needle), "leaked {needle:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_clear() {
    let mock = common::start().await;
    let key = MasterKey::generate().to_base64().to_string();
    let k = Some(key.as_str());

    let r = run(&mock, k, &["put", "a", "--stdin"], Some("v")).await;
    assert_eq!(r.status, 1);
    assert!(
        r.stderr
            .contains("error: bucket ops-secrets does not exist"),
        "{}",
        r.stderr
    );

    mock.bucket(BUCKET, None).await;
    let r = run(&mock, k, &["put", "a", "--stdin"], Some("v")).await;
    assert_eq!(r.status, 1);
    assert!(
        r.stderr
            .contains("error: bucket ops-secrets has versioning off"),
        "{}",
        r.stderr
    );

    let r = run(&mock, None, &["put", "a", "--stdin"], Some("v")).await;
    assert_eq!(r.status, 1);
    assert!(
        r.stderr.contains("error: no master key given"),
        "{}",
        r.stderr
    );

    let r = run(&mock, Some("short"), &["get", "a"], None).await;
    assert_eq!(r.status, 1);
    assert!(
        r.stderr
            .contains("error: invalid master key from LINODE_SECRETS_KEY"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("short"));

    let r = run(
        &mock,
        k,
        &["put", "a", "--rotation", "9x", "--stdin"],
        Some("v"),
    )
    .await;
    assert_eq!(r.status, 2, "clap usage error");
    assert!(r.stderr.contains("invalid rotation period"), "{}", r.stderr);

    let r = run(&mock, k, &["put", "a"], None).await;
    assert_eq!(r.status, 2, "a value source is required");

    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "bad.yaml",
        &BUNDLE.replace("rotation_period: 30d", "rotation_period: soon"),
    );
    let r = run(&mock, k, &["render", &bad], None).await;
    assert_eq!(r.status, 1);
    assert!(
        r.stderr.contains("secrets[0].rotation_period"),
        "{}",
        r.stderr
    );
}
