//! Drives the emulator with Linode's official clients: the Python SDK `linode_api4` and
//! `linode-cli`, from the tools venv (`$LINODE_TOOLS_DIR/venv`, default `<workspace>/.tools/venv`).
//!
//! Without the venv the tests print a notice and pass, unless `CI=true`.

use std::path::PathBuf;
use std::time::Duration;

use linode_mock::MockServer;

fn venv() -> Option<PathBuf> {
    let tools = std::env::var_os("LINODE_TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.tools"));
    let venv = tools.join("venv");
    if venv.join("bin/python").exists() {
        return Some(venv);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "tools venv missing at {} with CI=true",
        venv.display()
    );
    eprintln!(
        "NOTICE: tools venv not found at {}; skipping real-client tests (run the setup script)",
        venv.display()
    );
    None
}

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python")
        .join(name)
}

async fn run(venv: &std::path::Path, name: &str, envs: &[(&str, String)]) {
    let mut cmd = tokio::process::Command::new(venv.join("bin/python"));
    cmd.arg(script(name)).kill_on_drop(true);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = tokio::time::timeout(Duration::from_secs(300), cmd.output())
        .await
        .expect("script finished")
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{name} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(": OK"), "{name} printed: {stdout}");
}

/// Asserts that a client read each endpoint (a path prefix and, after `*`, a suffix) with a
/// 200 answer: the catalog, the zone file and the quotas come from the emulator.
fn assert_read_ok(mock: &linode_mock::MockHandle, client: &str, endpoints: &[&str]) {
    let log = mock.requests();
    for want in endpoints {
        let (prefix, suffix) = want.split_once('*').unwrap_or((want, ""));
        assert!(
            log.iter().any(|r| r.method == "GET"
                && r.status == 200
                && r.path.starts_with(prefix)
                && r.path.ends_with(suffix)),
            "{client} never read {want} successfully"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linode_api4_sdk_flow() {
    let Some(venv) = venv() else { return };
    let mock = MockServer::builder().start().await.unwrap();
    run(
        &venv,
        "sdk_flow.py",
        &[
            ("MOCK_API_URL", mock.api_url()),
            ("MOCK_TOKEN", mock.token().to_string()),
        ],
    )
    .await;
    let posts = mock
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/v4/lke/clusters")
        .count();
    assert_eq!(posts, 2, "one accepted and one rejected cluster create");
    assert_read_ok(
        &mock,
        "linode_api4",
        &[
            "/v4/regions/availability",
            "/v4/regions/us-iad/availability",
            "/v4/lke/tiers/enterprise/versions",
            "/v4/network-transfer/prices",
            "/v4/domains/*/zone-file",
            "/v4/object-storage/quotas/obj-buckets-fr-par-1.linodeobjects.com/usage",
        ],
    );
    let firewall_posts: Vec<u16> = mock
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/v4/networking/firewalls")
        .map(|r| r.status)
        .collect();
    assert_eq!(
        firewall_posts,
        [200, 400],
        "one accepted and one rejected firewall create"
    );
    mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linode_cli_flow() {
    let Some(venv) = venv() else { return };
    let cli = venv.join("bin/linode-cli");
    assert!(cli.exists(), "linode-cli missing in {}", venv.display());
    let mock = MockServer::builder().start().await.unwrap();
    let host = mock.api_url().trim_start_matches("http://").to_string();
    run(
        &venv,
        "cli_flow.py",
        &[
            ("MOCK_API_HOST", host),
            ("MOCK_TOKEN", mock.token().to_string()),
            ("LINODE_CLI", cli.display().to_string()),
        ],
    )
    .await;
    let requests = mock.requests();
    assert!(
        requests.iter().all(|r| r.status != 401),
        "every CLI call was authenticated"
    );
    assert_read_ok(
        &mock,
        "linode-cli",
        &[
            "/v4/regions/fr-par/availability",
            "/v4/linode/types/g1-gpu-rtx6000-4",
            "/v4/lke/versions",
            "/v4/domains/*/zone-file",
            "/v4/object-storage/quotas",
            "/v4/object-storage/quotas/obj-objects-gb-lon-1.linodeobjects.com/usage",
        ],
    );
    for path in ["/v4/networking/firewalls", "/v4/vpcs", "/v4/vpcs/ips"] {
        assert!(
            requests.iter().any(|r| r.path == path && r.status == 200),
            "the CLI reached {path}"
        );
    }
    mock.shutdown().await;
}
