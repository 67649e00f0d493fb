//! Token redaction: the API token never appears in logs (at TRACE), `Debug` output or
//! errors. Its own test binary, because it installs a process-wide tracing subscriber.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use linode_sdk::{Client, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "tok-5ecret-abcdef0123456789";

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn token_never_appears_in_logs_debug_or_errors() {
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let server = MockServer::start().await;
    let client = Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::default().with_min_delay(Duration::from_millis(1)).with_max_delay(Duration::from_millis(2)).with_max_attempts(2))
        .build()
        .unwrap();
    Mock::given(method("GET"))
        .and(path("/v4/lke/clusters/7"))
        .and(header_exists("authorization"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"errors": [{"reason": "Invalid Token"}]})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v4/lke/clusters/8"))
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({"errors": [{"reason": "Too many requests"}]})))
        .mount(&server)
        .await;
    let err = client.lke().get(7).await.unwrap_err();
    assert!(err.is_unauthorized());
    let err2 = client.lke().get(8).await.unwrap_err();
    assert!(err2.is_rate_limited());

    let logs = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("linode_api"), "the request span is logged: {logs}");
    assert!(logs.contains("retrying Linode API request"), "{logs}");
    for text in [logs, format!("{client:?}"), format!("{err:?}"), err.to_string(), format!("{err2:?}")] {
        assert!(!text.contains(TOKEN), "token leaked: {text}");
        assert!(!text.contains("5ecret"), "token leaked: {text}");
    }
}
