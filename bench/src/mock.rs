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
    _state_dir: Option<tempfile::TempDir>,
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
            _state_dir: None,
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

/// Starts `bin` with domains holding `counts[i]` records each, seeded through a state file
/// (`--state`): one domain and one record per count are created over the API, the emulator's
/// state dump is taken, the record is replicated in it, and a second emulator starts from that
/// file. Creating thousands of records over the API costs the emulator time that grows with the
/// number of records, and none of it is measured. Returns the emulator and the domain ids.
pub fn start_seeded(bin: &Path, counts: &[usize]) -> Res<(Mock, Vec<u64>)> {
    let first = Mock::start(bin, &[])?;
    let mut ids = Vec::new();
    for (i, &count) in counts.iter().enumerate() {
        ids.push(first.seed_domain(&format!("list-{i}.example.com"), count.min(1), 1)?);
    }
    let mut state = first.admin("GET", "/state", None)?;
    drop(first);
    replicate_records(&mut state, &ids, counts)?;
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("state.json");
    std::fs::write(&file, serde_json::to_vec(&state)?)?;
    let file_arg = file.display().to_string();
    let mut mock = Mock::start(bin, &["--state", &file_arg])?;
    mock._state_dir = Some(dir);
    for (&id, &count) in ids.iter().zip(counts) {
        let page = mock.api("GET", &format!("/domains/{id}/records?page_size=25"), None)?;
        if page["results"].as_u64() != Some(count as u64) {
            return Err(format!(
                "seeded domain {id} serves {} records, not {count}",
                page["results"]
            )
            .into());
        }
    }
    Ok((mock, ids))
}

/// Replaces the records of `domains` in a state dump by `counts[i]` copies of their first record,
/// renamed like [`seed_record`], and moves the record id allocator past them.
pub fn replicate_records(state: &mut Value, domains: &[u64], counts: &[usize]) -> Res<()> {
    let records = state["records"]
        .as_object()
        .ok_or("state dump without records")?
        .clone();
    let mut next = state["ids"]["record"]
        .as_u64()
        .ok_or("state dump without ids.record")?;
    let mut out = serde_json::Map::new();
    for (&domain, &count) in domains.iter().zip(counts) {
        let template = records
            .values()
            .find(|r| r["domain_id"].as_u64() == Some(domain))
            .ok_or_else(|| format!("no record of domain {domain} to replicate"))?;
        for i in 0..count {
            next += 1;
            let mut r = template.clone();
            let fields = seed_record(i);
            r["id"] = json!(next);
            r["doc"]["name"] = fields["name"].clone();
            r["doc"]["target"] = fields["target"].clone();
            out.insert(next.to_string(), r);
        }
    }
    state["records"] = Value::Object(out);
    state["ids"]["record"] = json!(next);
    Ok(())
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
    fn replicated_records_get_fresh_ids_and_names() {
        let mut state = json!({
            "ids": {"record": 7, "domain": 2},
            "records": {
                "5": {"id": 5, "domain_id": 1, "doc": {"name": "host-0", "target": "192.0.2.1", "type": "A"}},
                "7": {"id": 7, "domain_id": 2, "doc": {"name": "host-0", "target": "192.0.2.1", "type": "A"}}
            }
        });
        replicate_records(&mut state, &[1, 2], &[3, 2]).unwrap();
        let recs = state["records"].as_object().unwrap();
        assert_eq!(recs.len(), 5);
        assert_eq!(state["ids"]["record"], 12);
        assert_eq!(recs["8"]["domain_id"], 1);
        assert_eq!(recs["8"]["id"], 8);
        assert_eq!(recs["10"]["doc"]["name"], "host-2");
        assert_eq!(recs["12"]["domain_id"], 2);
        assert_eq!(recs["12"]["doc"]["name"], "host-1");
        assert_eq!(recs["12"]["doc"]["type"], "A");
        assert!(replicate_records(&mut state, &[9], &[1]).is_err());
    }

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
