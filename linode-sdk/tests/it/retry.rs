//! Each retry rule, end to end.

use std::time::Duration;

use linode_sdk::models::lke::CreateLkeCluster;
use linode_sdk::{Client, Error, ReachedServer, RetryPolicy};
use serde_json::json;
use tokio_util::sync::CancellationToken;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{TOKEN, fast_retries, hits, setup};

fn busy() -> ResponseTemplate {
    ResponseTemplate::new(400).set_body_json(json!({"errors": [{"reason": "Linode busy."}]}))
}

fn cluster_json() -> serde_json::Value {
    json!({"id": 5, "label": "c", "region": "fr-par", "k8s_version": "1.31", "status": "ready"})
}

/// Mounts `first` for one request, then a 200 cluster.
async fn flaky(server: &MockServer, verb: &str, p: &str, first: ResponseTemplate) {
    Mock::given(method(verb)).and(path(p)).respond_with(first).up_to_n_times(1).mount(server).await;
    Mock::given(method(verb))
        .and(path(p))
        .respond_with(ResponseTemplate::new(200).set_body_json(cluster_json()))
        .mount(server)
        .await;
}

#[tokio::test]
async fn get_retries_429_408_502_503_504_and_busy() {
    for first in [
        ResponseTemplate::new(429),
        ResponseTemplate::new(408),
        ResponseTemplate::new(502),
        ResponseTemplate::new(503),
        ResponseTemplate::new(504),
        busy(),
    ] {
        let (server, client) = setup().await;
        flaky(&server, "GET", "/v4/lke/clusters/5", first).await;
        let c = client.lke().get(5).await.unwrap();
        assert_eq!(c.id, 5);
        assert_eq!(hits(&server).await, 2);
    }
}

#[tokio::test]
async fn maintenance_mode_503_is_not_retried() {
    let (server, client) = setup().await;
    flaky(&server, "GET", "/v4/lke/clusters/5", ResponseTemplate::new(503).insert_header("X-Maintenance-Mode", "true")).await;
    let err = client.lke().get(5).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(err.api_error().unwrap().maintenance_mode);
    assert_eq!(hits(&server).await, 1);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v4/lke/clusters/5"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"errors": [{"reason": "Not found"}]})))
        .mount(&server)
        .await;
    assert!(client.lke().get(5).await.unwrap_err().is_not_found());
    assert_eq!(client.lke().get_opt(5).await.unwrap(), None);
    assert_eq!(hits(&server).await, 2);
}

#[tokio::test]
async fn post_is_retried_on_429_and_busy() {
    for first in [ResponseTemplate::new(429), busy()] {
        let (server, client) = setup().await;
        flaky(&server, "POST", "/v4/lke/clusters", first).await;
        let c = client.lke().create(&CreateLkeCluster::default()).await.unwrap();
        assert_eq!(c.id, 5);
        assert_eq!(hits(&server).await, 2);
    }
}

#[tokio::test]
async fn post_is_not_retried_after_5xx_or_408() {
    for status in [408, 500, 502, 503, 504] {
        let (server, client) = setup().await;
        flaky(&server, "POST", "/v4/lke/clusters", ResponseTemplate::new(status)).await;
        let err = client.lke().create(&CreateLkeCluster::default()).await.unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert_eq!(hits(&server).await, 1, "POST after {status}");
    }
}

fn slow_client(server: &MockServer) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .retry_policy(fast_retries())
        .build()
        .unwrap()
}

#[tokio::test]
async fn post_is_not_retried_after_a_timeout() {
    let server = MockServer::start().await;
    flaky(&server, "POST", "/v4/lke/clusters", ResponseTemplate::new(200).set_delay(Duration::from_secs(3))).await;
    let client = slow_client(&server);
    let err = client.lke().create(&CreateLkeCluster::default()).await.unwrap_err();
    assert!(err.is_timeout(), "{err}");
    assert_eq!(err.reached_server(), Some(ReachedServer::Unknown));
    assert_eq!(hits(&server).await, 1, "the create may have been applied, so it is not re-sent");
}

#[tokio::test]
async fn get_is_retried_after_a_timeout() {
    let server = MockServer::start().await;
    flaky(&server, "GET", "/v4/lke/clusters/5", ResponseTemplate::new(200).set_delay(Duration::from_secs(3))).await;
    let client = slow_client(&server);
    assert_eq!(client.lke().get(5).await.unwrap().id, 5);
    assert_eq!(hits(&server).await, 2);
}

fn patient_client(server: &MockServer) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .no_timeout()
        .retry_policy(
            RetryPolicy::default()
                .with_min_delay(Duration::from_millis(10))
                .with_max_delay(Duration::from_secs(60))
                .with_jitter(false),
        )
        .build()
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured() {
    let server = MockServer::start().await;
    flaky(&server, "GET", "/v4/lke/clusters/5", ResponseTemplate::new(429).insert_header("Retry-After", "7")).await;
    let client = patient_client(&server);
    let start = tokio::time::Instant::now();
    client.lke().get(5).await.unwrap();
    assert!(start.elapsed() >= Duration::from_secs(7), "waited {:?}", start.elapsed());
    assert_eq!(hits(&server).await, 2);
}

#[tokio::test(start_paused = true)]
async fn rate_limit_reset_is_honoured() {
    let server = MockServer::start().await;
    let reset = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 20;
    flaky(
        &server,
        "GET",
        "/v4/lke/clusters/5",
        ResponseTemplate::new(429).insert_header("X-RateLimit-Reset", reset.to_string().as_str()),
    )
    .await;
    let client = patient_client(&server);
    let start = tokio::time::Instant::now();
    client.lke().get(5).await.unwrap();
    assert!(start.elapsed() >= Duration::from_secs(18), "waited {:?}", start.elapsed());
}

#[tokio::test(start_paused = true)]
async fn retries_stop_at_the_total_budget() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/v4/lke/clusters/5")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    // Backoff without jitter: 400 ms, 800 ms, ... ; the budget of 1 s allows one wait.
    let client = Client::builder()
        .base_url(server.uri())
        .no_timeout()
        .retry_policy(
            RetryPolicy::default()
                .with_min_delay(Duration::from_millis(400))
                .with_max_delay(Duration::from_secs(10))
                .with_total_budget(Duration::from_secs(1))
                .with_jitter(false)
                .with_max_attempts(100),
        )
        .build()
        .unwrap();
    let err = client.lke().get(5).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(hits(&server).await, 2);
}

#[tokio::test]
async fn attempts_are_limited() {
    let (server, client) = setup().await;
    Mock::given(method("GET")).and(path("/v4/lke/clusters/5")).respond_with(ResponseTemplate::new(502)).mount(&server).await;
    assert_eq!(client.lke().get(5).await.unwrap_err().status(), Some(502));
    assert_eq!(hits(&server).await, 4);
}

#[tokio::test(start_paused = true)]
async fn retry_waits_are_cancellable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v4/lke/clusters/5"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "30"))
        .mount(&server)
        .await;
    let token = CancellationToken::new();
    let client = Client::builder()
        .base_url(server.uri())
        .no_timeout()
        .cancellation_token(token.clone())
        .retry_policy(RetryPolicy::default().with_max_delay(Duration::from_secs(60)))
        .build()
        .unwrap();
    let t = token.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(5)).await;
        t.cancel();
    });
    let err = client.lke().get(5).await.unwrap_err();
    assert!(matches!(err, Error::Cancelled), "{err:?}");
}

#[tokio::test(start_paused = true)]
async fn post_is_retried_when_the_connection_is_refused() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::builder()
        .base_url(format!("http://{addr}"))
        .no_timeout()
        .retry_policy(
            RetryPolicy::default()
                .with_min_delay(Duration::from_secs(1))
                .with_max_delay(Duration::from_secs(10))
                .with_jitter(false)
                .with_max_attempts(3),
        )
        .build()
        .unwrap();
    let start = tokio::time::Instant::now();
    let err = client.lke().create(&CreateLkeCluster::default()).await.unwrap_err();
    assert_eq!(err.reached_server(), Some(ReachedServer::No), "{err}");
    // Two waits of 1 s and 2 s: the create was re-sent twice, since nothing reached the server.
    assert!(start.elapsed() >= Duration::from_secs(3), "waited {:?}", start.elapsed());
}

#[tokio::test]
async fn rate_limit_reset_is_ignored_when_not_rate_limited() {
    // Linode sends X-RateLimit-Reset on every response; a busy/5xx retry must not wait for
    // it. With a 10 s budget, waiting for a reset 120 s away would forbid the retry.
    let server = MockServer::start().await;
    let reset = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 120;
    flaky(&server, "GET", "/v4/lke/clusters/5", busy().insert_header("X-RateLimit-Reset", reset.to_string().as_str())).await;
    let client = Client::builder()
        .base_url(server.uri())
        .retry_policy(
            RetryPolicy::default()
                .with_min_delay(Duration::from_millis(1))
                .with_max_delay(Duration::from_secs(60))
                .with_total_budget(Duration::from_secs(10))
                .with_jitter(false),
        )
        .build()
        .unwrap();
    assert_eq!(client.lke().get(5).await.unwrap().id, 5);
    assert_eq!(hits(&server).await, 2);

    // The same header on a 429 is honoured, so the retry does not fit the budget.
    let server = MockServer::start().await;
    flaky(&server, "GET", "/v4/lke/clusters/5", ResponseTemplate::new(429).insert_header("X-RateLimit-Reset", reset.to_string().as_str())).await;
    let client = Client::builder()
        .base_url(server.uri())
        .retry_policy(
            RetryPolicy::default()
                .with_min_delay(Duration::from_millis(1))
                .with_max_delay(Duration::from_secs(60))
                .with_total_budget(Duration::from_secs(10)),
        )
        .build()
        .unwrap();
    assert!(client.lke().get(5).await.unwrap_err().is_rate_limited());
    assert_eq!(hits(&server).await, 1);
}
