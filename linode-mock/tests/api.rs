//! End-to-end tests of the REST API, faults, rate limits, admin endpoint and persistence,
//! against an in-process emulator on port 0.

use std::time::Duration;

use linode_mock::{FaultConfig, MockHandle, MockServer};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

async fn start() -> MockHandle {
    MockServer::builder()
        .node_ready_delay(Duration::from_secs(3600))
        .kubeconfig_delay(Duration::from_secs(3600))
        .start()
        .await
        .expect("start")
}

async fn call(
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

fn cluster_body(label: &str) -> Value {
    json!({"label": label, "region": "fr-par", "k8s_version": "1.33",
           "node_pools": [{"type": "g6-standard-2", "count": 2}, {"type": "g1-gpu-rtx6000", "count": 1}]})
}

#[tokio::test]
async fn auth_is_required_except_on_public_endpoints() {
    let m = start().await;
    let url = format!("{}/v4/lke/clusters", m.api_url());
    let r = Client::new().get(&url).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"errors":[{"reason":"Invalid Token"}]})
    );
    let r = Client::new()
        .get(&url)
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = Client::new()
        .get(format!("{}/v4/regions/fr-par", m.api_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = Client::new()
        .get(format!("{}/v4beta/lke/types", m.api_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn lke_cluster_lifecycle() {
    let m = start().await;
    let (st, c) = call(
        &m,
        Method::POST,
        "/lke/clusters",
        Some(cluster_body("prod")),
    )
    .await;
    assert_eq!(st, 200, "{c}");
    let id = c["id"].as_u64().unwrap();
    assert_eq!(c["status"], "not_ready");
    assert!(
        c["created"].as_str().unwrap().len() == 19
            && !c["created"].as_str().unwrap().ends_with('Z')
    );

    let (_, pools) = call(&m, Method::GET, &format!("/lke/clusters/{id}/pools"), None).await;
    assert_eq!(pools["results"], 2);
    let node = &pools["data"][0]["nodes"][0];
    assert_eq!(node["status"], "not_ready");

    let (st, e) = call(
        &m,
        Method::GET,
        &format!("/lke/clusters/{id}/kubeconfig"),
        None,
    )
    .await;
    assert_eq!(st, 503);
    assert!(
        e["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("not yet available")
    );

    // Complete pending transitions without waiting.
    let r = Client::new()
        .post(format!("{}/settle", m.admin_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (_, n) = call(
        &m,
        Method::GET,
        &format!("/lke/clusters/{id}/nodes/{}", node["id"].as_str().unwrap()),
        None,
    )
    .await;
    assert_eq!(n["status"], "ready");
    let (st, k) = call(
        &m,
        Method::GET,
        &format!("/lke/clusters/{id}/kubeconfig"),
        None,
    )
    .await;
    assert_eq!(st, 200);
    assert!(!k["kubeconfig"].as_str().unwrap().is_empty());

    // Pool update grows the pool with not_ready nodes; recycle replaces nodes.
    let pid = pools["data"][0]["id"].as_u64().unwrap();
    let (st, p) = call(
        &m,
        Method::PUT,
        &format!("/lke/clusters/{id}/pools/{pid}"),
        Some(json!({"count": 3})),
    )
    .await;
    assert_eq!(st, 200);
    assert_eq!(p["nodes"].as_array().unwrap().len(), 3);
    assert_eq!(p["nodes"][2]["status"], "not_ready");
    let pool_path = format!("/lke/clusters/{id}/pools/{pid}");
    let disabled = json!({"autoscaler": {"enabled": false, "min": 0, "max": 0}});
    let (st, _) = call(&m, Method::PUT, &pool_path, Some(disabled)).await;
    assert_eq!(st, 200, "bounds of a disabled autoscaler are not enforced");
    let bad = json!({"count": 1, "autoscaler": {"enabled": true, "min": 5, "max": 2}});
    let (st, e) = call(&m, Method::PUT, &pool_path, Some(bad)).await;
    assert_eq!(st, 400);
    assert_eq!(e["errors"][0]["field"], "autoscaler.min");
    let (_, unchanged) = call(&m, Method::GET, &pool_path, None).await;
    assert_eq!(unchanged["count"], 3, "a rejected update changes nothing");
    let (st, _) = call(
        &m,
        Method::POST,
        &format!("/lke/clusters/{id}/pools/{pid}/recycle"),
        None,
    )
    .await;
    assert_eq!(st, 200);
    let (_, p2) = call(
        &m,
        Method::GET,
        &format!("/lke/clusters/{id}/pools/{pid}"),
        None,
    )
    .await;
    assert_ne!(p2["nodes"][0]["id"], p["nodes"][0]["id"]);

    // Update and delete.
    let (st, c2) = call(
        &m,
        Method::PUT,
        &format!("/lke/clusters/{id}"),
        Some(json!({"label": "prod2", "tags": ["team-a"]})),
    )
    .await;
    assert_eq!((st, c2["label"].clone()), (StatusCode::OK, json!("prod2")));
    let (st, body) = call(&m, Method::DELETE, &format!("/lke/clusters/{id}"), None).await;
    assert_eq!((st, body), (StatusCode::OK, json!({})));
    let (st, _) = call(
        &m,
        Method::GET,
        &format!("/lke/clusters/{id}/pools/{pid}"),
        None,
    )
    .await;
    assert_eq!(st, 404);
    let state = m.state_json();
    assert_eq!(
        state["pools"],
        json!({}),
        "pools and nodes are removed with the cluster"
    );
}

#[tokio::test]
async fn rejected_requests_change_nothing() {
    let m = start().await;
    let before = m.state_json();
    let bad = json!({"label": "ok", "region": "us-east", "k8s_version": "1.33",
                     "node_pools": [{"type": "g6-standard-1", "count": 2},
                                    {"type": "g1-gpu-rtx6000", "count": 101, "autoscaler": {"enabled": true, "min": 4, "max": 2}}]});
    let (st, e) = call(&m, Method::POST, "/lke/clusters", Some(bad)).await;
    assert_eq!(st, 400);
    let fields: Vec<&str> = e["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert!(fields.contains(&"node_pools[1].type"), "{fields:?}");
    assert!(fields.contains(&"node_pools[1].count"), "{fields:?}");
    assert!(
        fields.contains(&"node_pools[1].autoscaler.min"),
        "{fields:?}"
    );
    let (st, _) = call(&m, Method::POST, "/lke/clusters", Some(json!({"label": "x", "region": "mars", "k8s_version": "1.33", "node_pools": [{"type": "nope", "count": 1}]}))).await;
    assert_eq!(st, 400);
    assert_eq!(m.state_json(), before);
    let (st, _) = call(&m, Method::GET, "/lke/clusters/999999", None).await;
    assert_eq!(st, 404);
    let (st, _) = call(&m, Method::GET, "/lke/clusters/not-a-number", None).await;
    assert_eq!(st, 404);
}

#[tokio::test]
async fn pagination_and_filters_are_stable() {
    let m = start().await;
    for i in 0..30 {
        let (st, _) = call(&m, Method::POST, "/domains", Some(json!({"domain": format!("d{i:02}.example.com"), "type": "master", "soa_email": "a@example.com", "tags": if i % 2 == 0 { json!(["even"]) } else { json!([]) }}))).await;
        assert_eq!(st, 200);
    }
    let (_, p2) = call(&m, Method::GET, "/domains?page=2&page_size=25", None).await;
    assert_eq!(
        (
            p2["page"].clone(),
            p2["pages"].clone(),
            p2["results"].clone()
        ),
        (json!(2), json!(2), json!(30))
    );
    assert_eq!(p2["data"].as_array().unwrap().len(), 5);
    let (st, _) = call(&m, Method::GET, "/domains?page_size=10", None).await;
    assert_eq!(st, 400);
    let r = Client::new()
        .get(format!("{}/v4/domains", m.api_url()))
        .bearer_auth(m.token())
        .header(
            "X-Filter",
            r#"{"tags": "even", "+order_by": "domain", "+order": "desc"}"#,
        )
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["results"], 15);
    assert_eq!(body["data"][0]["domain"], "d28.example.com");
}

#[tokio::test]
async fn domains_and_records_are_validated_per_type() {
    let m = start().await;
    let (st, d) = call(
        &m,
        Method::POST,
        "/domains",
        Some(json!({"domain": "example.com", "type": "master", "soa_email": "admin@example.com"})),
    )
    .await;
    assert_eq!(st, 200);
    let id = d["id"].as_u64().unwrap();
    let (st, _) = call(
        &m,
        Method::POST,
        "/domains",
        Some(json!({"domain": "example.com", "type": "master", "soa_email": "admin@example.com"})),
    )
    .await;
    assert_eq!(st, 400, "duplicate domain");
    let (st, _) = call(
        &m,
        Method::POST,
        "/domains",
        Some(json!({"domain": "bad domain", "type": "master"})),
    )
    .await;
    assert_eq!(st, 400);
    let path = format!("/domains/{id}/records");
    for (body, ok) in [
        (
            json!({"type": "A", "name": "www", "target": "192.0.2.1"}),
            true,
        ),
        (
            json!({"type": "A", "name": "www", "target": "not-an-ip"}),
            false,
        ),
        (
            json!({"type": "AAAA", "name": "www", "target": "2001:db8::1"}),
            true,
        ),
        (
            json!({"type": "AAAA", "name": "www", "target": "192.0.2.1"}),
            false,
        ),
        (
            json!({"type": "CNAME", "name": "alias", "target": "www.example.com"}),
            true,
        ),
        (json!({"type": "CNAME", "target": "www.example.com"}), false),
        (
            json!({"type": "MX", "target": "mail.example.com", "priority": 10}),
            true,
        ),
        (
            json!({"type": "TXT", "name": "", "target": "v=spf1 -all"}),
            true,
        ),
        (json!({"type": "TXT", "name": ""}), false),
        (
            json!({"type": "SRV", "service": "sip", "protocol": "tcp", "priority": 1, "weight": 5, "port": 5060, "target": "sip.example.com"}),
            true,
        ),
        (json!({"type": "SRV", "target": "sip.example.com"}), false),
        (
            json!({"type": "CAA", "tag": "issue", "target": "letsencrypt.org"}),
            true,
        ),
        (json!({"type": "CAA", "target": "letsencrypt.org"}), false),
        (
            json!({"type": "NS", "name": "sub", "target": "ns1.example.net"}),
            true,
        ),
        (json!({"type": "BOGUS", "target": "x"}), false),
    ] {
        let (st, r) = call(&m, Method::POST, &path, Some(body.clone())).await;
        assert_eq!(st == 200, ok, "{body} -> {st} {r}");
    }
    let (_, recs) = call(&m, Method::GET, &path, None).await;
    assert_eq!(recs["results"], 8);
    let srv = recs["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "SRV")
        .unwrap();
    assert_eq!(srv["service"], "_sip");
    let (_, zone) = call(&m, Method::GET, &format!("/domains/{id}/zone-file"), None).await;
    assert!(
        zone["zone_file"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l.as_str().unwrap().contains("192.0.2.1"))
    );
    let (st, clone) = call(
        &m,
        Method::POST,
        &format!("/domains/{id}/clone"),
        Some(json!({"domain": "example.org"})),
    )
    .await;
    assert_eq!(st, 200);
    let (_, crecs) = call(
        &m,
        Method::GET,
        &format!("/domains/{}/records", clone["id"]),
        None,
    )
    .await;
    assert_eq!(crecs["results"], 8);
    let (st, _) = call(&m, Method::DELETE, &format!("/domains/{id}"), None).await;
    assert_eq!(st, 200);
    let (st, _) = call(&m, Method::GET, &path, None).await;
    assert_eq!(st, 404);
}

#[tokio::test]
async fn nodebalancers_with_configs_and_nodes() {
    let m = start().await;
    let (st, nb) = call(&m, Method::POST, "/nodebalancers", Some(json!({"region": "fr-par", "label": "web-lb",
        "configs": [{"port": 443, "protocol": "tcp", "nodes": [{"address": "192.168.1.10:443", "label": "be-1"}]}]}))).await;
    assert_eq!(st, 200, "{nb}");
    assert!(
        nb["ipv4"]
            .as_str()
            .unwrap()
            .parse::<std::net::Ipv4Addr>()
            .is_ok()
    );
    assert!(
        nb["ipv6"]
            .as_str()
            .unwrap()
            .parse::<std::net::Ipv6Addr>()
            .is_ok()
    );
    assert!(
        nb["hostname"]
            .as_str()
            .unwrap()
            .ends_with(".ip.linodeusercontent.com")
    );
    let id = nb["id"].as_u64().unwrap();
    let (_, cfgs) = call(
        &m,
        Method::GET,
        &format!("/nodebalancers/{id}/configs"),
        None,
    )
    .await;
    let cid = cfgs["data"][0]["id"].as_u64().unwrap();
    assert_eq!(cfgs["data"][0]["nodes_status"]["up"], 1);
    let (st, _) = call(
        &m,
        Method::POST,
        &format!("/nodebalancers/{id}/configs"),
        Some(json!({"port": 443})),
    )
    .await;
    assert_eq!(st, 400, "duplicate port");
    let (st, _) = call(
        &m,
        Method::POST,
        &format!("/nodebalancers/{id}/configs/{cid}/nodes"),
        Some(json!({"address": "8.8.8.8:80", "label": "pub"})),
    )
    .await;
    assert_eq!(st, 400, "public backend address");
    let (st, rebuilt) = call(&m, Method::POST, &format!("/nodebalancers/{id}/configs/{cid}/rebuild"), Some(json!({"port": 443, "protocol": "tcp",
        "nodes": [{"address": "192.168.1.11:443", "label": "be-2"}, {"address": "192.168.1.12:443", "label": "be-3", "mode": "drain"}]}))).await;
    assert_eq!(st, 200, "{rebuilt}");
    let (_, nodes) = call(
        &m,
        Method::GET,
        &format!("/nodebalancers/{id}/configs/{cid}/nodes"),
        None,
    )
    .await;
    assert_eq!(nodes["results"], 2);
    let (_, fws) = call(
        &m,
        Method::GET,
        &format!("/nodebalancers/{id}/firewalls"),
        None,
    )
    .await;
    assert_eq!(fws["results"], 0);
    let (st, _) = call(&m, Method::DELETE, &format!("/nodebalancers/{id}"), None).await;
    assert_eq!(st, 200);
    assert_eq!(m.state_json()["nb_nodes"], json!({}));
}

#[tokio::test]
async fn buckets_and_keys() {
    let m = start().await;
    let (st, b) = call(
        &m,
        Method::POST,
        "/object-storage/buckets",
        Some(json!({"label": "my-bucket", "region": "fr-par"})),
    )
    .await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["s3_endpoint"], m.s3_endpoint());
    assert_eq!(b["hostname"], format!("my-bucket.{}", m.s3_endpoint()));
    let (st, _) = call(
        &m,
        Method::POST,
        "/object-storage/buckets",
        Some(json!({"label": "my-bucket", "region": "fr-par"})),
    )
    .await;
    assert_eq!(st, 400, "duplicate bucket label");
    let (st, _) = call(
        &m,
        Method::POST,
        "/object-storage/buckets",
        Some(json!({"label": "Bad_Name", "region": "fr-par"})),
    )
    .await;
    assert_eq!(st, 400);
    let (st, _) = call(
        &m,
        Method::GET,
        "/object-storage/buckets/fr-par-1/my-bucket",
        None,
    )
    .await;
    assert_eq!(st, 200, "legacy cluster ids are accepted");
    let (st, k) = call(&m, Method::POST, "/object-storage/keys", Some(json!({"label": "ci", "bucket_access": [{"region": "fr-par", "bucket_name": "my-bucket", "permissions": "read_only"}]}))).await;
    assert_eq!(st, 200, "{k}");
    assert_eq!(k["limited"], true);
    assert_eq!(k["secret_key"].as_str().unwrap().len(), 40);
    let (_, k2) = call(
        &m,
        Method::GET,
        &format!("/object-storage/keys/{}", k["id"]),
        None,
    )
    .await;
    assert_eq!(k2["secret_key"], "[REDACTED]");
    let (st, _) = call(&m, Method::POST, "/object-storage/keys", Some(json!({"bucket_access": [{"region": "fr-par", "bucket_name": "nope", "permissions": "read_only"}]}))).await;
    assert_eq!(st, 400);
    let (_, eps) = call(&m, Method::GET, "/object-storage/endpoints", None).await;
    assert!(
        eps["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["region"] == "fr-par" && e["endpoint_type"] == "E1")
    );
    let (st, u) = call(
        &m,
        Method::POST,
        "/object-storage/buckets/fr-par/my-bucket/object-url",
        Some(json!({"method": "GET", "name": "a.txt"})),
    )
    .await;
    assert_eq!(st, 200);
    assert!(u["url"].as_str().unwrap().contains("X-Amz-Signature="));
    let (st, _) = call(
        &m,
        Method::DELETE,
        "/object-storage/buckets/fr-par/my-bucket",
        None,
    )
    .await;
    assert_eq!(st, 200);
}

#[tokio::test]
async fn faults_are_decided_before_handlers_and_leave_state_untouched() {
    let m = start().await;
    m.set_faults(FaultConfig {
        http_5xx: 1.0,
        ..Default::default()
    });
    let (st, e) = call(
        &m,
        Method::POST,
        "/domains",
        Some(json!({"domain": "a.com", "type": "master", "soa_email": "a@a.com"})),
    )
    .await;
    assert_eq!(st, 500);
    assert!(e["errors"].is_array());
    m.set_faults(FaultConfig {
        rate_limit_429: 1.0,
        retry_after: 7,
        ..Default::default()
    });
    let r = Client::new()
        .post(format!("{}/v4/domains", m.api_url()))
        .bearer_auth(m.token())
        .json(&json!({"domain": "a.com", "type": "master", "soa_email": "a@a.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "7");
    m.set_faults(FaultConfig {
        busy_400: 1.0,
        ..Default::default()
    });
    let (st, e) = call(
        &m,
        Method::POST,
        "/domains",
        Some(json!({"domain": "a.com", "type": "master", "soa_email": "a@a.com"})),
    )
    .await;
    assert_eq!(
        (st, e["errors"][0]["reason"].clone()),
        (StatusCode::BAD_REQUEST, json!("Linode busy."))
    );
    m.set_faults(FaultConfig {
        drop_connection: 1.0,
        ..Default::default()
    });
    assert!(
        Client::new()
            .get(format!("{}/v4/domains", m.api_url()))
            .bearer_auth(m.token())
            .send()
            .await
            .is_err()
    );
    assert_eq!(
        m.state_json()["domains"],
        json!({}),
        "faulted requests created nothing"
    );

    // The admin endpoint is never faulted; only_paths scopes faults.
    let put = Client::new()
        .put(format!("{}/faults", m.admin_url()))
        .json(&json!({"http_5xx": 1.0, "only_paths": ["/lke"], "seed": 5}))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);
    let (st, _) = call(&m, Method::GET, "/domains", None).await;
    assert_eq!(st, 200);
    let (st, _) = call(&m, Method::GET, "/lke/clusters", None).await;
    assert_eq!(st, 500);
    let log: Value = Client::new()
        .get(format!("{}/requests", m.admin_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let statuses: Vec<u64> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [500, 429, 400, 0, 200, 500]);
    Client::new()
        .delete(format!("{}/requests", m.admin_url()))
        .send()
        .await
        .unwrap();
    assert!(m.requests().is_empty());
}

#[tokio::test]
async fn apply_then_500_keeps_the_change_and_answers_a_server_error() {
    // From the builder: exactly the next POST /domains.
    let m = MockServer::builder()
        .faults(FaultConfig::apply_then_500_once("POST", "/domains"))
        .start()
        .await
        .unwrap();
    let domain = |name: &str| json!({"domain": name, "type": "master", "soa_email": "a@a.com"});
    let (st, _) = call(&m, Method::GET, "/domains", None).await;
    assert_eq!(st, 200, "other methods are not faulted");
    let (st, e) = call(&m, Method::POST, "/domains", Some(domain("applied.com"))).await;
    assert_eq!(st, 500);
    assert_eq!(e["errors"][0]["reason"], "Internal Server Error");
    // The domain exists although the client saw a 500.
    let (_, list) = call(&m, Method::GET, "/domains", None).await;
    assert_eq!(list["data"][0]["domain"], "applied.com");
    assert_eq!(list["results"], 1);
    // Only once: the next POST is answered normally.
    let (st, d) = call(&m, Method::POST, "/domains", Some(domain("second.com"))).await;
    assert_eq!(
        (st, d["domain"].clone()),
        (StatusCode::OK, json!("second.com"))
    );
    assert_eq!(m.faults().remaining, Some(0));

    // Over the admin endpoint, with the same targeting.
    let put = Client::new()
        .put(format!("{}/faults", m.admin_url()))
        .json(&json!({"apply_then_500": 1.0, "only_methods": ["DELETE"], "only_paths": ["/domains"], "remaining": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);
    let (st, _) = call(&m, Method::DELETE, &format!("/domains/{}", d["id"]), None).await;
    assert_eq!(st, 500);
    let (st, _) = call(&m, Method::GET, &format!("/domains/{}", d["id"]), None).await;
    assert_eq!(st, 404, "the delete was applied");
    let statuses: Vec<u16> = m.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 500, 200, 200, 500, 404]);
    let bad = Client::new()
        .put(format!("{}/faults", m.admin_url()))
        .json(&json!({"apply_then_500": 2.0}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "apply_then_500");
}

#[tokio::test]
async fn seeded_faults_are_reproducible() {
    async fn run(seed: u64) -> Vec<u16> {
        let m = MockServer::builder()
            .fault_seed(seed)
            .faults(FaultConfig {
                http_5xx: 0.5,
                ..Default::default()
            })
            .start()
            .await
            .unwrap();
        let mut out = Vec::new();
        for _ in 0..20 {
            out.push(call(&m, Method::GET, "/regions", None).await.0.as_u16());
        }
        out
    }
    let a = run(11).await;
    assert_eq!(a, run(11).await);
    assert!(a.contains(&500) && a.contains(&200));
}

#[tokio::test]
async fn rate_limit_headers_and_enforcement() {
    let m = MockServer::builder().rate_limit(3).start().await.unwrap();
    let get = || {
        Client::new()
            .get(format!("{}/v4/regions", m.api_url()))
            .send()
    };
    let r = get().await.unwrap();
    assert_eq!(r.headers()["x-ratelimit-limit"], "3");
    assert_eq!(r.headers()["x-ratelimit-remaining"], "2");
    assert!(r.headers().contains_key("x-ratelimit-reset"));
    // Seven calls span at most two 60-second windows, so one window sees more than 3 calls.
    let mut rejected = None;
    for _ in 0..6 {
        let r = get().await.unwrap();
        if r.status() == 429 {
            rejected = Some(r);
        }
    }
    let rejected = rejected.expect("a call over the limit is rejected");
    assert!(rejected.headers().contains_key("retry-after"));
    assert_eq!(rejected.headers()["x-ratelimit-remaining"], "0");
    let cfg: Value = Client::new()
        .put(format!("{}/config", m.admin_url()))
        .json(&json!({"rate_limit": null, "node_ready_delay_ms": 0}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cfg["rate_limit"], Value::Null);
    assert_eq!(cfg["node_ready_delay_ms"], 0);
    assert_eq!(get().await.unwrap().status(), 200);
}

#[tokio::test]
async fn admin_reset_and_state_dump() {
    let m = start().await;
    call(&m, Method::POST, "/lke/clusters", Some(cluster_body("a"))).await;
    let state: Value = Client::new()
        .get(format!("{}/state", m.admin_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["clusters"].as_object().unwrap().len(), 1);
    Client::new()
        .post(format!("{}/reset", m.admin_url()))
        .send()
        .await
        .unwrap();
    let (_, list) = call(&m, Method::GET, "/lke/clusters", None).await;
    assert_eq!(list["results"], 0);
}

#[tokio::test]
async fn state_file_survives_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let m = MockServer::builder()
        .state_file(&path)
        .start()
        .await
        .unwrap();
    let (st, d) = call(
        &m,
        Method::POST,
        "/domains",
        Some(json!({"domain": "keep.example.com", "type": "master", "soa_email": "a@example.com"})),
    )
    .await;
    assert_eq!(st, 200);
    m.shutdown().await;
    let m = MockServer::builder()
        .state_file(&path)
        .start()
        .await
        .unwrap();
    let (st, d2) = call(&m, Method::GET, &format!("/domains/{}", d["id"]), None).await;
    assert_eq!(
        (st, d2["domain"].clone()),
        (StatusCode::OK, json!("keep.example.com"))
    );
    let (_, d3) = call(
        &m,
        Method::POST,
        "/domains",
        Some(json!({"domain": "next.example.com", "type": "master", "soa_email": "a@example.com"})),
    )
    .await;
    assert_ne!(d3["id"], d["id"], "id allocators persist too");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the state file holds S3 secret keys");
    }
}

#[tokio::test]
async fn v4beta_and_versions() {
    let m = start().await;
    let r: Value = Client::new()
        .get(format!(
            "{}/v4beta/lke/tiers/enterprise/versions",
            m.api_url()
        ))
        .bearer_auth(m.token())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["data"][0]["tier"], "enterprise");
    let (_, v) = call(&m, Method::GET, "/lke/versions", None).await;
    assert!(
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == "1.33")
    );
    let (_, t) = call(&m, Method::GET, "/linode/types/g1-gpu-rtx6000", None).await;
    assert_eq!(t["gpus"], 1);
}

#[tokio::test]
async fn admin_faults_accept_nested_latency_and_reject_typos() {
    let m = start().await;
    let http = Client::new();
    let url = format!("{}/faults", m.admin_url());
    let r = http
        .put(&url)
        .json(&json!({"latency": {"ms": 5, "rate": 1.0}, "busy_400": 0.25}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let got: Value = http.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        (
            got["latency_ms"].clone(),
            got["latency_rate"].clone(),
            got["busy_400"].clone()
        ),
        (json!(5), json!(1.0), json!(0.25))
    );
    let r = http
        .put(&url)
        .json(&json!({"http5xx": 1.0}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "unknown keys are rejected");
    let r = http
        .put(&url)
        .json(&json!({"http_5xx": 1.5}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "rates are between 0 and 1");
    assert_eq!(
        m.faults().busy_400,
        0.25,
        "rejected updates keep the previous config"
    );
}
