//! Send path: headers, URL, error decoding, decode paths, token redaction.

use linode_sdk::{Client, Error, ReachedServer, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{TOKEN, setup};

#[tokio::test]
async fn sends_auth_accept_and_user_agent() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .user_agent_prefix("terraform-provider-linode/9.9")
        .build()
        .unwrap();
    Mock::given(method("GET"))
        .and(path("/v4/regions/fr-par"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "fr-par", "label": "Paris, FR"})))
        .expect(1)
        .mount(&server)
        .await;
    let region = client.regions().get("fr-par").await.unwrap();
    assert_eq!(region.label, "Paris, FR");
    let req = &server.received_requests().await.unwrap()[0];
    let ua = req.headers.get("user-agent").unwrap().to_str().unwrap();
    assert!(ua.starts_with("terraform-provider-linode/9.9 linode-sdk-rust/"), "{ua}");
    assert!(req.headers.get("x-filter").is_none());
}

#[tokio::test]
async fn v4beta_and_no_token() {
    let server = MockServer::start().await;
    let client = Client::builder().base_url(format!("{}/v4beta", server.uri())).build().unwrap();
    Mock::given(method("GET"))
        .and(path("/v4beta/lke/types"))
        .respond_with(ResponseTemplate::new(200).set_body_json(crate::common::page(json!([]))))
        .expect(1)
        .mount(&server)
        .await;
    client.lke().list_types(&Default::default()).await.unwrap();
    let req = &server.received_requests().await.unwrap()[0];
    assert!(req.headers.get("authorization").is_none());
}

#[tokio::test]
async fn api_errors_are_typed() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v4/domains"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"errors": [
            {"field": "domain", "reason": "domain is required"},
            {"reason": "soa_email is required for master domains"}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    let err = client
        .domains()
        .create(&linode_sdk::models::domains::CreateDomain::default())
        .await
        .unwrap_err();
    assert!(err.is_bad_request());
    let api = err.api_error().unwrap();
    assert_eq!(api.status, 400);
    assert_eq!(api.method, "POST");
    assert_eq!(api.path, "/domains");
    assert_eq!(api.errors[0].field.as_deref(), Some("domain"));
    assert_eq!(api.errors[1].field, None);
    assert_eq!(err.to_string(), "POST /domains failed with HTTP 400: domain: domain is required; soa_email is required for master domains");
}

#[tokio::test]
async fn non_envelope_error_bodies_are_kept() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v4/domains/1"))
        .respond_with(ResponseTemplate::new(500).set_body_string("<html>oops</html>"))
        .mount(&server)
        .await;
    let err = client.domains().get(1).await.unwrap_err();
    assert!(err.is_server_error());
    assert_eq!(err.api_error().unwrap().body.as_deref(), Some("<html>oops</html>"));
}

#[tokio::test]
async fn decode_failures_name_the_json_path() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v4/lke/clusters"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"id": 1, "label": "a"}, {"id": 2, "label": "b", "control_plane": {"high_availability": "yes"}}],
            "page": 1, "pages": 1, "results": 2
        })))
        .mount(&server)
        .await;
    let err = client.lke().list(&Default::default()).await.unwrap_err();
    match &err {
        Error::Decode { json_path, path, .. } => {
            assert_eq!(json_path, "data[1].control_plane.high_availability");
            assert_eq!(path, "/lke/clusters");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(err.reached_server(), Some(ReachedServer::Yes));
}

#[tokio::test]
async fn connection_refused_did_not_reach_the_server() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::builder()
        .token(TOKEN)
        .base_url(format!("http://{addr}"))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.lke().get(1).await.unwrap_err();
    assert_eq!(err.reached_server(), Some(ReachedServer::No), "{err}");
    assert!(!err.to_string().contains(TOKEN));
}

#[tokio::test]
async fn generic_calls_reach_endpoints_without_a_handler() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v4/linode/instances/77"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 77, "ipv4": ["192.168.1.5"]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v4/networking/firewalls/9"))
        .and(wiremock::matchers::body_json(json!({"label": "fw"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 9, "label": "fw"})))
        .expect(1)
        .mount(&server)
        .await;
    let v: serde_json::Value = client.get("/linode/instances/77").await.unwrap();
    assert_eq!(v["ipv4"][0], "192.168.1.5");
    let fw: serde_json::Value = client.put("/networking/firewalls/9", &json!({"label": "fw"})).await.unwrap();
    assert_eq!(fw["id"], 9);
    assert!(client.get_opt::<serde_json::Value>("/linode/instances/78").await.unwrap().is_none());
}

#[test]
fn custom_ca_from_pem_or_file() {
    // A self-signed test CA (public test data; its key was discarded).
    let pem = include_bytes!("../data/test-ca.pem");
    assert!(Client::builder().ca_cert_pem(pem.to_vec()).build().is_ok());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/test-ca.pem");
    let from_env = linode_sdk::ClientBuilder::from_lookup(|n| (n == "LINODE_CA").then(|| path.to_owned()));
    assert!(from_env.build().is_ok());
    let err = Client::builder().ca_cert_pem(b"not a certificate".to_vec()).build().unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}

#[tokio::test]
async fn the_server_clock_comes_from_the_date_header() {
    let (server, client) = setup().await;
    assert!(client.server_time_at(std::time::Instant::now()).is_none(), "no response yet");
    Mock::given(method("GET"))
        .and(path("/v4/regions/fr-par"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("Date", "Mon, 30 Nov 2026 10:00:00 GMT")
                .set_body_json(json!({"errors": [{"reason": "Not found"}]})),
        )
        .mount(&server)
        .await;
    let before = std::time::Instant::now();
    let _ = client.regions().get("fr-par").await;
    let later = before + std::time::Duration::from_secs(60);
    let at = client.server_time_at(later).unwrap();
    let expected = time::macros::datetime!(2026-11-30 10:01:00 UTC);
    assert!((at - expected).abs() < time::Duration::seconds(2), "{at} vs {expected}: error responses set the clock too");
}
