//! Helpers shared by the REST test binaries: an in-process emulator and one-call requests.

use std::time::Duration;

use linode_mock::{MockHandle, MockServer};
use reqwest::{Client, Method, StatusCode};
use serde_json::Value;

/// An emulator on port 0 whose lifecycles take an hour (tests settle them explicitly).
pub async fn start() -> MockHandle {
    MockServer::builder()
        .node_ready_delay(Duration::from_secs(3600))
        .kubeconfig_delay(Duration::from_secs(3600))
        .start()
        .await
        .expect("start")
}

/// One authenticated request to `/v4{path}`; the status and the JSON body (`null` if none).
pub async fn call(
    m: &MockHandle,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Client::new()
        .request(method, format!("{}/v4{path}", m.api_url()))
        .bearer_auth(m.token());
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("send");
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}
