//! The emulator as a child process, with its admin endpoint.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::paths;

/// A running `linode-mock` process; killed on drop.
pub struct Mock {
    child: Child,
    _dir: tempfile::TempDir,
    /// API root, e.g. `http://127.0.0.1:PORT` (clients append `/v4`).
    pub api_url: String,
    /// S3 endpoint URL, e.g. `http://127.0.0.1:PORT`.
    pub s3_url: String,
    /// S3 endpoint as `host:port`, as buckets report it.
    pub s3_endpoint: String,
    /// Admin endpoint root, e.g. `http://127.0.0.1:PORT/__admin`.
    pub admin_url: String,
    /// The API token the emulator accepts.
    pub token: String,
    /// The emulator's root S3 access key (full access to every bucket).
    pub s3_access_key: String,
    /// The emulator's root S3 secret key.
    pub s3_secret_key: String,
}

impl Mock {
    /// Starts the emulator on free ports with extra command-line flags and waits until it serves.
    pub fn start(extra_args: &[&str]) -> Mock {
        let dir = tempfile::tempdir().expect("temp dir");
        let ready = dir.path().join("ready.json");
        let log = std::fs::File::create(dir.path().join("mock.log")).expect("log file");
        let child = Command::new(paths::binary("linode-mock"))
            .args(["--port", "0", "--s3-port", "0", "--ready-file"])
            .arg(&ready)
            .args(extra_args)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start linode-mock");
        let info = wait_for_ready_file(&ready, Duration::from_secs(20));
        let field = |k: &str| info[k].as_str().unwrap_or_default().to_string();
        Mock {
            api_url: field("api_url"),
            s3_url: field("s3_url"),
            s3_endpoint: field("s3_endpoint"),
            admin_url: field("admin_url"),
            token: field("token"),
            s3_access_key: field("s3_access_key"),
            s3_secret_key: field("s3_secret_key"),
            child,
            _dir: dir,
        }
    }

    /// The emulator's own log so far (its stderr).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("mock.log")).unwrap_or_default()
    }

    /// The request log: one JSON object per API request (method, path, status, ...).
    pub fn requests(&self) -> Vec<Value> {
        let v = admin(&format!("{}/requests", self.admin_url), "GET", None);
        v.as_array().cloned().unwrap_or_default()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        admin(&format!("{}/requests", self.admin_url), "DELETE", None);
    }

    /// Replaces the fault settings (see linode-mock's admin endpoint).
    pub fn set_faults(&self, faults: Value) {
        admin(&format!("{}/faults", self.admin_url), "PUT", Some(faults));
    }

    /// Dumps the emulator's whole state.
    pub fn state(&self) -> Value {
        admin(&format!("{}/state", self.admin_url), "GET", None)
    }

    /// An authenticated API call, for changes made "out of band" and for assertions.
    /// Returns the status and the decoded body (`Value::Null` when the body is not JSON).
    pub fn api(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}/v4{}", self.api_url, path);
        let auth = format!("Bearer {}", self.token);
        call(&url, method, body, Some(&auth))
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_for_ready_file(path: &Path, timeout: Duration) -> Value {
    let start = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(path)
            && let Ok(v) = serde_json::from_str::<Value>(&text)
        {
            return v;
        }
        assert!(start.elapsed() < timeout, "linode-mock did not become ready");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn admin(url: &str, method: &str, body: Option<Value>) -> Value {
    let (status, v) = call(url, method, body, None);
    assert!((200..300).contains(&status), "{method} {url} answered {status}: {v}");
    v
}

fn call(url: &str, method: &str, body: Option<Value>, auth: Option<&str>) -> (u16, Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut req = http_request(method, url);
    if let Some(auth) = auth {
        req = req.header("Authorization", auth);
    }
    let req = req
        .header("Content-Type", "application/json")
        .body(body.map(|b| b.to_string()).unwrap_or_default())
        .expect("request");
    let mut resp = agent.run(req).unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn http_request(method: &str, url: &str) -> ureq::http::request::Builder {
    ureq::http::Request::builder().method(method).uri(url)
}

/// The collections of the emulator's state that hold user resources, with their sizes.
pub fn resource_counts(state: &Value) -> std::collections::BTreeMap<String, usize> {
    const COLLECTIONS: [&str; 13] = [
        "clusters", "pools", "nodebalancers", "nb_configs", "nb_nodes", "domains", "records", "buckets", "obj_keys",
        "firewalls", "fw_devices", "vpcs", "subnets",
    ];
    COLLECTIONS
        .iter()
        .map(|c| {
            let n = match &state[*c] {
                Value::Object(m) => m.len(),
                Value::Array(a) => a.len(),
                _ => 0,
            };
            (c.to_string(), n)
        })
        .collect()
}

impl Mock {
    /// Sizes of the emulator's resource collections (see [`resource_counts`]).
    pub fn counts(&self) -> std::collections::BTreeMap<String, usize> {
        resource_counts(&self.state())
    }

    /// Asserts that the emulator holds no user resources.
    pub fn assert_empty(&self) {
        let counts = self.counts();
        assert!(counts.values().all(|n| *n == 0), "the emulator still holds resources: {counts:?}");
    }
}
