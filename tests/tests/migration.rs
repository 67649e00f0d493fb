//! Moving from linode/linode: state written by the official provider (v3.13) continues with
//! this one. Each folder under tests/fixtures/migration/ holds:
//! - `setup.json`: the API calls that make the objects the state describes, in order, each
//!   `{"method", "path", "body", "save"}` (or `{"s3_put": {"bucket", "key", "body"}, "save"}`,
//!   an object put over S3 with the emulator's keys, saving its `etag` and `version_id`); a
//!   response saved as `NAME` is available to later calls
//!   and to the state template as `${NAME.field}` (dotted paths, numeric indexes into lists; in a
//!   body, a string that is exactly `"${NAME.field}"` is replaced by the JSON value, so ids stay
//!   numbers);
//! - `official-state.json`: the `terraform.tfstate` the official provider writes for those objects (its format,
//!   schema versions and provider address `registry.terraform.io/linode/linode`), as a template;
//! - `main.tf`: the configuration, with `required_providers` changed to linode-rs/linode (the one
//!   edit a team makes); it may use `${NAME.field}` too (ids the emulator chose).
//!
//! The steps are those of README's "Moving from linode/linode": `terraform state
//! replace-provider`, then `terraform plan` shows no changes and no errors; an apply (with nothing
//! to do) keeps the outputs' values and the plan after it is still empty. On the Terraform on
//! PATH and Terraform 1.15.

use std::path::{Path, PathBuf};

use acceptance::terraform::{Workdir, each_cli};
use acceptance::{Mock, paths};
use serde_json::Value;

const OFFICIAL: &str = "registry.terraform.io/linode/linode";
const OURS: &str = "registry.terraform.io/linode-rs/linode";

fn fixtures() -> Vec<PathBuf> {
    let root = paths::workspace_root().join("tests/fixtures/migration");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("official-state.json").exists())
        .collect();
    dirs.sort();
    dirs
}

/// The value at a dotted path (`pools.0.id`), as template text.
fn lookup(saved: &serde_json::Map<String, Value>, path: &str) -> String {
    match lookup_value(saved, path) {
        Value::String(s) => s,
        Value::Null => panic!("${{{path}}} is null"),
        other => other.to_string(),
    }
}

/// Replaces every `${name.path}` in `text`.
fn render(text: &str, saved: &serde_json::Map<String, Value>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let end = start + rest[start..].find('}').expect("unclosed ${");
        out.push_str(&rest[..start]);
        out.push_str(&lookup(saved, &rest[start + 2..end]));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The value at a dotted path, as JSON (a number stays a number).
fn lookup_value(saved: &serde_json::Map<String, Value>, path: &str) -> Value {
    let mut parts = path.split('.');
    let name = parts.next().unwrap_or_default();
    let mut v = saved.get(name).unwrap_or_else(|| panic!("no saved response {name:?} for ${{{path}}}"));
    for p in parts {
        v = match p.parse::<usize>() {
            Ok(i) => &v[i],
            Err(_) => &v[p],
        };
    }
    v.clone()
}

/// Renders a request body: a string that is exactly one `${name.path}` becomes that JSON value
/// (so ids stay numbers, e.g. `{"id": "${nb.id}"}` sends `{"id": 7}`); other strings are
/// rendered as text.
fn render_body(body: &Value, saved: &serde_json::Map<String, Value>) -> Value {
    match body {
        Value::String(s) if s.starts_with("${") && s.ends_with('}') && s.matches("${").count() == 1 => {
            lookup_value(saved, &s[2..s.len() - 1])
        }
        Value::String(s) => Value::String(render(s, saved)),
        Value::Array(items) => Value::Array(items.iter().map(|i| render_body(i, saved)).collect()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), render_body(v, saved))).collect()),
        other => other.clone(),
    }
}

fn setup(mock: &Mock, dir: &Path) -> serde_json::Map<String, Value> {
    let mut saved = serde_json::Map::new();
    let text = std::fs::read_to_string(dir.join("setup.json")).unwrap_or_else(|_| "[]".into());
    let calls: Vec<Value> = serde_json::from_str(&text).expect("setup.json");
    for call in calls {
        if let Some(put) = call.get("s3_put") {
            let response = s3_put(mock, &render_body(put, &saved));
            if let Some(name) = call["save"].as_str() {
                saved.insert(name.to_string(), response);
            }
            continue;
        }
        let method = call["method"].as_str().unwrap_or("POST");
        let path = render(call["path"].as_str().expect("path"), &saved);
        let body = call.get("body").map(|b| render_body(b, &saved));
        let (status, response) = mock.api(method, &path, body);
        assert_eq!(status, 200, "{}: {method} {path}: {response}", dir.display());
        if let Some(name) = call["save"].as_str() {
            saved.insert(name.to_string(), response);
        }
    }
    saved
}

/// Puts `{"bucket", "key", "body"}` over S3 with the emulator's root keys; answers
/// `{"etag", "version_id"}` (`version_id` null in an unversioned bucket).
fn s3_put(mock: &Mock, put: &Value) -> Value {
    let field = |name: &str| put[name].as_str().unwrap_or_else(|| panic!("s3_put needs {name}: {put}")).to_string();
    let config = linode_sdk::s3::S3Config::new(&mock.s3_url, &mock.s3_access_key, &mock.s3_secret_key);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let out = runtime
        .block_on(async {
            let s3 = linode_sdk::s3::S3Client::new(config)?;
            s3.put_object(&field("bucket"), &field("key"), field("body").into_bytes()).await
        })
        .unwrap_or_else(|e| panic!("s3_put {put}: {e}"));
    // As state holds it: without the quotes S3 puts around an ETag.
    let etag = out.etag.map(|e| e.trim_matches('"').to_string());
    serde_json::json!({"etag": etag, "version_id": out.version_id})
}

#[test]
fn official_state_continues_with_no_changes() {
    let fixtures = fixtures();
    assert!(!fixtures.is_empty(), "no fixture under tests/fixtures/migration");
    let mut runs = 0;
    let ran = each_cli("the migration fixtures", |c| c.at_least(1, 5), |cli| {
        for dir in &fixtures {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            let mock = Mock::start(&["--node-ready-delay-ms", "0", "--kubeconfig-delay-ms", "0"]);
            let saved = setup(&mock, dir);
            let mut wd = Workdir::new(cli, dir, &mock);
            // Objects and bucket settings are read over S3 with the provider's keys.
            wd.set_env("LINODE_OBJ_ACCESS_KEY", &mock.s3_access_key);
            wd.set_env("LINODE_OBJ_SECRET_KEY", &mock.s3_secret_key);
            // Installed as a release is (a filesystem mirror, no development override).
            wd.use_filesystem_mirror();
            // The configuration may name what setup made (`cluster_id = ${cluster.id}`).
            for entry in std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()) {
                let file = entry.file_name().to_string_lossy().into_owned();
                if file.ends_with(".tf") {
                    wd.write(&file, &render(&std::fs::read_to_string(entry.path()).unwrap(), &saved));
                }
            }
            let state = render(&std::fs::read_to_string(dir.join("official-state.json")).unwrap(), &saved);
            let parsed: Value = serde_json::from_str(&state).unwrap_or_else(|e| panic!("[{name}] state: {e}"));
            assert!(state.contains(OFFICIAL), "[{name}] the fixture is the official provider's state");
            wd.write("terraform.tfstate", &state);
            wd.ok(&["state", "replace-provider", "-auto-approve", OFFICIAL, OURS]);
            wd.init();
            let plan = wd.plan_exit_code();
            assert_eq!(plan.code, 0, "[{}/{name}] plan after the migration is not empty:\n{}", cli.name, plan.all());
            assert!(!plan.stdout.contains("Warning:"), "[{}/{name}] warnings:\n{}", cli.name, plan.all());
            // An apply with nothing to do writes the refreshed state: the outputs keep their values
            // and the next plan is still empty.
            wd.apply();
            let outputs = wd.outputs();
            for (key, out) in parsed["outputs"].as_object().into_iter().flatten() {
                assert_eq!(outputs[key]["value"], out["value"], "[{}/{name}] output {key} changed", cli.name);
            }
            let again = wd.plan_exit_code();
            assert_eq!(again.code, 0, "[{}/{name}] plan after the first apply is not empty:\n{}", cli.name, again.all());
            runs += 1;
        }
    });
    assert_eq!(runs, fixtures.len() * ran.len());
}
