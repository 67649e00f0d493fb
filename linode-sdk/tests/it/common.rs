//! Shared test helpers.

use std::time::Duration;

use linode_sdk::{Client, RetryPolicy};
use wiremock::MockServer;

pub const TOKEN: &str = "tok-5ecret-abcdef0123456789";

/// A retry policy with tiny, deterministic waits.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .with_min_delay(Duration::from_millis(1))
        .with_max_delay(Duration::from_millis(5))
        .with_jitter(false)
        .with_max_attempts(4)
}

pub fn client_for(server: &MockServer) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .retry_policy(fast_retries())
        .build()
        .expect("client")
}

pub async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = client_for(&server);
    (server, client)
}

/// A one-page envelope.
pub fn page(data: serde_json::Value) -> serde_json::Value {
    let n = data.as_array().map(|a| a.len()).unwrap_or(0);
    serde_json::json!({"data": data, "page": 1, "pages": 1, "results": n})
}

/// Number of requests the server received.
pub async fn hits(server: &MockServer) -> usize {
    server.received_requests().await.map(|r| r.len()).unwrap_or(0)
}

/// Matches a request whose `name` header equals `value` exactly (wiremock's `header`
/// matcher splits values on commas, which breaks JSON such as X-Filter).
pub fn header_is(name: &'static str, value: &'static str) -> impl Fn(&wiremock::Request) -> bool {
    move |r: &wiremock::Request| r.headers.get(name).and_then(|v| v.to_str().ok()) == Some(value)
}

/// Matches a request whose query has the key `name` (with or without a value).
#[cfg(feature = "s3")]
pub fn has_query(name: &'static str) -> impl Fn(&wiremock::Request) -> bool {
    move |r: &wiremock::Request| r.url.query_pairs().any(|(k, _)| k == name)
}
