//! The emulator as a child process, its admin endpoint, and bulk seeding of domain records.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::Res;

/// A running `linode-mock`; killed on drop.
pub struct Mock {
    child: Child,
    _dir: tempfile::TempDir,
    /// API root (clients append `/v4`).
    pub api_url: String,
    /// Admin root, `<api_url>/__admin`.
    pub admin_url: String,
    /// The accepted token.
    pub token: String,
    agent: ureq::Agent,
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// One HTTP call with a JSON body; returns the status and the decoded body (`Null` if not JSON).
fn call(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    body: Option<&Value>,
    auth: Option<&str>,
) -> Res<(u16, Value)> {
    let mut req = ureq::http::Request::builder().method(method).uri(url);
    if let Some(auth) = auth {
        req = req.header("Authorization", format!("Bearer {auth}"));
    }
    let req = req
        .header("Content-Type", "application/json")
        .body(body.map(Value::to_string).unwrap_or_default())?;
    let mut resp = agent.run(req).map_err(|e| format!("{method} {url}: {e}"))?;
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

impl Mock {
    /// Starts `bin` on free ports with extra flags and waits for its ready file.
    pub fn start(bin: &Path, extra_args: &[&str]) -> Res<Mock> {
        let dir = tempfile::tempdir()?;
        let ready = dir.path().join("ready.json");
        let log = std::fs::File::create(dir.path().join("mock.log"))?;
        let child = Command::new(bin)
            .args(["--port", "0", "--s3-port", "0", "--ready-file"])
            .arg(&ready)
            .args(extra_args)
            .env("LINODE_MOCK_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("start {}: {e}", bin.display()))?;
        let start = Instant::now();
        let info: Value = loop {
            if let Ok(text) = std::fs::read_to_string(&ready)
                && let Ok(v) = serde_json::from_str(&text)
            {
                break v;
            }
            if start.elapsed() > Duration::from_secs(30) {
                return Err("linode-mock did not become ready within 30 s".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let field = |k: &str| info[k].as_str().unwrap_or_default().to_string();
        Ok(Mock {
            api_url: field("api_url"),
            admin_url: field("admin_url"),
            token: field("token"),
            child,
            _dir: dir,
            agent: agent(),
        })
    }

    fn admin(&self, method: &str, path: &str, body: Option<&Value>) -> Res<Value> {
        let url = format!("{}{path}", self.admin_url);
        let (status, v) = call(&self.agent, method, &url, body, None)?;
        if !(200..300).contains(&status) {
            return Err(format!("{method} {url} answered {status}: {v}").into());
        }
        Ok(v)
    }

    /// The request log since the last clear.
    pub fn requests(&self) -> Res<Vec<Value>> {
        Ok(self
            .admin("GET", "/requests", None)?
            .as_array()
            .cloned()
            .unwrap_or_default())
    }

    /// Empties the request log.
    pub fn clear_requests(&self) -> Res<()> {
        self.admin("DELETE", "/requests", None).map(drop)
    }

    /// An authenticated API call that must succeed.
    pub fn api(&self, method: &str, path: &str, body: Option<&Value>) -> Res<Value> {
        let url = format!("{}/v4{path}", self.api_url);
        let (status, v) = call(&self.agent, method, &url, body, Some(&self.token))?;
        if !(200..300).contains(&status) {
            return Err(format!("{method} {url} answered {status}: {v}").into());
        }
        Ok(v)
    }

    /// Creates a master domain and `records` A records in it (from `threads` threads); returns
    /// the domain id.
    pub fn seed_domain(&self, domain: &str, records: usize, threads: usize) -> Res<u64> {
        let d = self.api(
            "POST",
            "/domains",
            Some(&json!({"domain": domain, "type": "master", "soa_email": format!("hostmaster@{domain}")})),
        )?;
        let id = d["id"].as_u64().ok_or("domain without id")?;
        let threads = threads.max(1);
        let url = format!("{}/v4/domains/{id}/records", self.api_url);
        std::thread::scope(|s| -> Res<()> {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let url = url.clone();
                    let token = self.token.clone();
                    s.spawn(move || -> Result<(), String> {
                        let agent = agent();
                        for i in (t..records).step_by(threads) {
                            let body = seed_record(i);
                            let (status, v) = call(&agent, "POST", &url, Some(&body), Some(&token))
                                .map_err(|e| e.to_string())?;
                            if !(200..300).contains(&status) {
                                return Err(format!("seeding record {i}: {status} {v}"));
                            }
                        }
                        Ok(())
                    })
                })
                .collect();
            for h in handles {
                h.join().map_err(|_| "seeding thread panicked")??;
            }
            Ok(())
        })?;
        Ok(id)
    }
}

/// The body of the `i`-th seeded record: an A record `host-<i>` with a TTL.
pub fn seed_record(i: usize) -> Value {
    json!({
        "type": "A",
        "name": format!("host-{i}"),
        "target": format!("192.0.2.{}", i % 250 + 1),
        "ttl_sec": 300,
    })
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_records_are_distinct_a_records() {
        let a = seed_record(0);
        let b = seed_record(251);
        assert_eq!(a["type"], "A");
        assert_eq!(a["name"], "host-0");
        assert_eq!(a["target"], "192.0.2.1");
        assert_eq!(b["target"], "192.0.2.2");
        assert_ne!(a["name"], b["name"]);
    }
}
