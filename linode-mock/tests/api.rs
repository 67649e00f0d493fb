//! End-to-end tests of the REST API, faults, rate limits, admin endpoint and persistence,
//! against an in-process emulator on port 0.

mod common;

use common::{call, start};
use linode_mock::{FaultConfig, MockHandle, MockServer};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

fn cluster_body(label: &str) -> Value {
    json!({"label": label, "region": "fr-par", "k8s_version": "1.33",
           "node_pools": [{"type": "g6-standard-2", "count": 2}, {"type": "g1-gpu-rtx6000-1", "count": 1}]})
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
    let bad = json!({"label": "ok", "region": "us-iad", "k8s_version": "1.33",
                     "node_pools": [{"type": "g6-standard-1", "count": 2},
                                    {"type": "g1-gpu-rtx6000-1", "count": 101, "autoscaler": {"enabled": true, "min": 4, "max": 2}}]});
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
    assert_eq!(
        (&srv["service"], &srv["protocol"], &srv["name"]),
        (&json!("sip"), &json!("tcp"), &json!("_sip._tcp")),
        "the underscores are in the generated name, not in the fields"
    );
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
    // Creating a bucket the account already has answers that bucket and changes nothing.
    let before = m.state_json();
    let (st, again) = call(
        &m,
        Method::POST,
        "/object-storage/buckets",
        Some(json!({"label": "my-bucket", "region": "fr-par", "acl": "public-read"})),
    )
    .await;
    assert_eq!(st, 200, "{again}");
    assert_eq!(again, b);
    assert_eq!(m.state_json(), before);
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
    let (_, t) = call(&m, Method::GET, "/linode/types/g1-gpu-rtx6000-2", None).await;
    assert_eq!(t["gpus"], 2);
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

/// GET `path` with an `X-Filter` header.
async fn filtered(m: &MockHandle, path: &str, filter: Value) -> Value {
    let resp = Client::new()
        .get(format!("{}/v4{path}", m.api_url()))
        .bearer_auth(m.token())
        .header("x-filter", filter.to_string())
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200, "{path} {filter}");
    resp.json().await.expect("json")
}

fn ids(page: &Value, key: &str) -> Vec<String> {
    page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|x| x[key].as_str().expect("string id").to_string())
        .collect()
}

#[tokio::test]
async fn catalog_lists_linodes_regions_types_and_availability() {
    let m = start().await;
    let (_, regions) = call(&m, Method::GET, "/regions?page_size=500", None).await;
    assert_eq!(regions["results"], 46);
    let (_, ams) = call(&m, Method::GET, "/regions/nl-ams", None).await;
    assert_eq!(ams["label"], "Amsterdam, NL");
    assert_eq!(ams["site_type"], "core");
    assert_eq!(
        ams["placement_group_limits"]["maximum_linodes_per_flexible_pg"],
        250
    );
    assert!(
        ams["monitors"]["metrics"]
            .as_array()
            .unwrap()
            .contains(&json!("Managed Databases"))
    );
    let distributed = filtered(
        &m,
        "/regions?page_size=500",
        json!({"site_type": "distributed"}),
    )
    .await;
    assert_eq!(distributed["results"], 12);
    let gpu = filtered(
        &m,
        "/regions?page_size=500",
        json!({"capabilities": "GPU Linodes", "country": "fr"}),
    )
    .await;
    assert_eq!(ids(&gpu, "id"), ["fr-par-2", "fr-par"]);

    let (_, types) = call(&m, Method::GET, "/linode/types?page_size=500", None).await;
    assert_eq!(types["results"], 37);
    let gpus = filtered(&m, "/linode/types", json!({"class": "gpu"})).await;
    assert_eq!(
        ids(&gpus, "id"),
        [
            "g1-gpu-rtx6000-1",
            "g1-gpu-rtx6000-2",
            "g1-gpu-rtx6000-3",
            "g1-gpu-rtx6000-4"
        ]
    );
    let (_, nano) = call(&m, Method::GET, "/linode/types/g6-nanode-1", None).await;
    assert_eq!(nano["price"], json!({"hourly": 0.0075, "monthly": 5.0}));
    assert_eq!(nano["region_prices"][0]["id"], "id-cgk");

    // Availability: GPU and premium plans per core region, paged and filterable.
    let paris = filtered(
        &m,
        "/regions/availability?page_size=500",
        json!({"region": "fr-par", "available": true}),
    )
    .await;
    assert_eq!(paris["results"], 13, "4 GPU and 9 premium plans");
    let (st, iad) = call(&m, Method::GET, "/regions/us-iad/availability", None).await;
    assert_eq!(st, 200);
    let gpu_iad: Vec<&Value> = iad
        .as_array()
        .expect("a bare array")
        .iter()
        .filter(|a| a["plan"].as_str().unwrap().starts_with("g1-gpu"))
        .collect();
    assert_eq!(gpu_iad.len(), 4);
    assert!(gpu_iad.iter().all(|a| a["available"] == false));
    let (st, _) = call(&m, Method::GET, "/regions/mars-1/availability", None).await;
    assert_eq!(st, 404);

    // Price lists are public.
    let prices: Value = Client::new()
        .get(format!("{}/v4/network-transfer/prices", m.api_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        ids(&prices, "id"),
        ["distributed_network_transfer", "network_transfer"]
    );
    assert_eq!(
        prices["data"][1]["price"],
        json!({"hourly": 0.005, "monthly": null})
    );
    let (_, nb) = call(&m, Method::GET, "/nodebalancers/types", None).await;
    assert_eq!(ids(&nb, "id"), ["nodebalancer", "nodebalancer-pr100"]);
    let (_, lke) = call(&m, Method::GET, "/lke/types", None).await;
    assert_eq!(ids(&lke, "id"), ["lke-sa", "lke-ha"]);
}

#[tokio::test]
async fn lke_versions_per_tier_and_regions_without_lke() {
    let m = start().await;
    let (_, standard) = call(&m, Method::GET, "/lke/tiers/standard/versions", None).await;
    assert_eq!(ids(&standard, "id"), ["1.35", "1.34", "1.33"]);
    let (_, plain) = call(&m, Method::GET, "/lke/versions", None).await;
    assert_eq!(ids(&plain, "id"), ["1.35", "1.34", "1.33"]);
    let (st, v) = call(
        &m,
        Method::GET,
        "/lke/tiers/enterprise/versions/v1.33.6+lke7",
        None,
    )
    .await;
    assert_eq!(
        (st, v),
        (
            StatusCode::OK,
            json!({"id": "v1.33.6+lke7", "tier": "enterprise"})
        )
    );
    let (st, _) = call(&m, Method::GET, "/lke/tiers/enterprise/versions/1.33", None).await;
    assert_eq!(st, 404);
    let (st, _) = call(&m, Method::GET, "/lke/tiers/premium/versions", None).await;
    assert_eq!(st, 404);

    let before = m.state_json();
    let pool = json!([{"type": "g6-standard-2", "count": 1}]);
    for (region, tier, version, reason) in [
        (
            "us-den-1",
            "standard",
            "1.35",
            "LKE is not available in region us-den-1",
        ),
        (
            "ap-west",
            "enterprise",
            "v1.33.6+lke7",
            "LKE Enterprise is not available in region ap-west",
        ),
    ] {
        let body = json!({"label": "nope", "region": region, "tier": tier, "k8s_version": version, "node_pools": pool.clone()});
        let (st, e) = call(&m, Method::POST, "/lke/clusters", Some(body)).await;
        assert_eq!(st, 400, "{e}");
        assert_eq!(e["errors"], json!([{"field": "region", "reason": reason}]));
    }
    let body = json!({"label": "gpu", "region": "us-iad", "k8s_version": "1.35",
                      "node_pools": [{"type": "g1-gpu-rtx6000-1", "count": 1}]});
    let (st, e) = call(&m, Method::POST, "/lke/clusters", Some(body)).await;
    assert_eq!(st, 400);
    assert_eq!(
        e["errors"],
        json!([{"field": "node_pools[0].type", "reason": "GPU plan g1-gpu-rtx6000-1 is not available in region us-iad"}])
    );
    assert_eq!(m.state_json(), before, "rejected creates change nothing");
    let body = json!({"label": "lke-e", "region": "nl-ams", "tier": "enterprise", "k8s_version": "v1.33.6+lke7",
                      "node_pools": [{"type": "g1-gpu-rtx6000-1", "count": 1}]});
    let (st, c) = call(&m, Method::POST, "/lke/clusters", Some(body)).await;
    assert_eq!(st, 200, "{c}");
}

#[tokio::test]
async fn lke_clusters_filter_by_version_label_region_and_tags() {
    let m = start().await;
    for (label, region, version, tags) in [
        ("alpha", "fr-par", "1.35", json!(["prod", "team-a"])),
        ("beta", "fr-par", "1.34", json!(["staging"])),
        ("gamma", "us-ord", "1.35", json!(["prod"])),
    ] {
        let body = json!({"label": label, "region": region, "k8s_version": version, "tags": tags,
                          "node_pools": [{"type": "g6-standard-1", "count": 1}]});
        let (st, c) = call(&m, Method::POST, "/lke/clusters", Some(body)).await;
        assert_eq!(st, 200, "{c}");
    }
    let labels = |v: &Value| ids(v, "label");
    assert_eq!(
        labels(&filtered(&m, "/lke/clusters", json!({"k8s_version": "1.35"})).await),
        ["alpha", "gamma"]
    );
    assert_eq!(
        labels(&filtered(&m, "/lke/clusters", json!({"region": "fr-par"})).await),
        ["alpha", "beta"]
    );
    assert_eq!(
        labels(&filtered(&m, "/lke/clusters", json!({"tags": "prod"})).await),
        ["alpha", "gamma"]
    );
    assert_eq!(
        labels(&filtered(&m, "/lke/clusters", json!({"label": "beta"})).await),
        ["beta"]
    );
    assert_eq!(
        labels(
            &filtered(
                &m,
                "/lke/clusters",
                json!({"tags": "prod", "region": "us-ord"})
            )
            .await
        ),
        ["gamma"]
    );
    let ordered = filtered(
        &m,
        "/lke/clusters",
        json!({"+or": [{"region": "us-ord"}, {"label": "beta"}], "+order_by": "label", "+order": "desc"}),
    )
    .await;
    assert_eq!(labels(&ordered), ["gamma", "beta"]);

    // One pool by id, and only under its own cluster.
    let (_, all) = call(&m, Method::GET, "/lke/clusters", None).await;
    let (a, b) = (&all["data"][0]["id"], &all["data"][1]["id"]);
    let (_, pools) = call(&m, Method::GET, &format!("/lke/clusters/{a}/pools"), None).await;
    let pid = &pools["data"][0]["id"];
    let (st, pool) = call(
        &m,
        Method::GET,
        &format!("/lke/clusters/{a}/pools/{pid}"),
        None,
    )
    .await;
    assert_eq!(st, 200);
    assert_eq!(
        (
            &pool["id"],
            &pool["type"],
            pool["nodes"].as_array().unwrap().len()
        ),
        (pid, &json!("g6-standard-1"), 1)
    );
    let (st, _) = call(
        &m,
        Method::GET,
        &format!("/lke/clusters/{b}/pools/{pid}"),
        None,
    )
    .await;
    assert_eq!(st, 404);
}

#[tokio::test]
async fn timings_above_the_largest_step_are_snapped_to_it() {
    // What the official provider's acceptance tests send (`expire_sec = 2419201`, TTL 299).
    let m = start().await;
    let (st, d) = call(&m, Method::POST, "/domains", Some(json!({"domain": "big.example.com", "type": "master",
        "soa_email": "admin@big.example.com", "ttl_sec": 299, "refresh_sec": 600, "retry_sec": 3601, "expire_sec": 2419201}))).await;
    assert_eq!(st, 200, "{d}");
    assert_eq!(
        (
            &d["ttl_sec"],
            &d["refresh_sec"],
            &d["retry_sec"],
            &d["expire_sec"]
        ),
        (&json!(300), &json!(3600), &json!(7200), &json!(2419200))
    );
    let id = d["id"].as_u64().unwrap();
    let (st, d) = call(
        &m,
        Method::PUT,
        &format!("/domains/{id}"),
        Some(json!({"ttl_sec": 99999999})),
    )
    .await;
    assert_eq!((st, &d["ttl_sec"]), (StatusCode::OK, &json!(2419200)));
    let (st, r) = call(
        &m,
        Method::POST,
        &format!("/domains/{id}/records"),
        Some(json!({"type": "A", "name": "x", "target": "192.0.2.1", "ttl_sec": 2419201})),
    )
    .await;
    assert_eq!((st, &r["ttl_sec"]), (StatusCode::OK, &json!(2419200)));
    let (st, r) = call(
        &m,
        Method::PUT,
        &format!("/domains/{id}"),
        Some(json!({"ttl_sec": -1})),
    )
    .await;
    assert_eq!(st, 400, "negative values are still refused: {r}");
    assert_eq!(r["errors"][0]["field"], "ttl_sec");
}

#[tokio::test]
async fn zone_file_renders_soa_name_servers_and_every_record_type() {
    let m = start().await;
    let (_, d) = call(&m, Method::POST, "/domains", Some(json!({"domain": "zone.example.com", "type": "master", "soa_email": "dns.admin@zone.example.com", "ttl_sec": 3600}))).await;
    let id = d["id"].as_u64().unwrap();
    for body in [
        json!({"type": "A", "name": "www", "target": "192.0.2.10"}),
        json!({"type": "AAAA", "name": "www", "target": "2001:db8::10", "ttl_sec": 300}),
        json!({"type": "CNAME", "name": "alias", "target": "www.zone.example.com"}),
        json!({"type": "MX", "target": "mail.zone.example.com", "priority": 10}),
        json!({"type": "TXT", "name": "", "target": "v=spf1 \"quoted\" -all"}),
        json!({"type": "SRV", "service": "sip", "protocol": "udp", "priority": 1, "weight": 5, "port": 5060, "target": "sip.zone.example.com"}),
        json!({"type": "CAA", "tag": "issue", "target": "letsencrypt.org"}),
        json!({"type": "NS", "name": "sub", "target": "ns1.example.net"}),
        json!({"type": "PTR", "name": "10", "target": "www.zone.example.com"}),
    ] {
        let (st, r) = call(
            &m,
            Method::POST,
            &format!("/domains/{id}/records"),
            Some(body),
        )
        .await;
        assert_eq!(st, 200, "{r}");
    }
    let (_, z) = call(&m, Method::GET, &format!("/domains/{id}/zone-file"), None).await;
    let lines: Vec<&str> = z["zone_file"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    let serial = lines[2].split_whitespace().nth(5).unwrap().to_string();
    assert_eq!(serial.len(), 10, "YYYY plus a six-digit counter: {serial}");
    assert!(
        serial.ends_with("000010"),
        "one for the domain, one per record: {serial}"
    );
    assert_eq!(
        lines,
        [
            format!("; zone.example.com [{id}]").as_str(),
            "$TTL 3600",
            format!("@  IN  SOA  ns1.linode.com. dns\\.admin.zone.example.com. {serial} 14400 14400 1209600 3600").as_str(),
            "@    NS  ns1.linode.com.",
            "@    NS  ns2.linode.com.",
            "@    NS  ns3.linode.com.",
            "@    NS  ns4.linode.com.",
            "@    NS  ns5.linode.com.",
            "www    A  192.0.2.10",
            "www  300  AAAA  2001:db8::10",
            "alias    CNAME  www.zone.example.com.",
            "@    MX  10  mail.zone.example.com.",
            "@    TXT  \"v=spf1 \\\"quoted\\\" -all\"",
            "_sip._udp    SRV  1 5 5060 sip.zone.example.com.",
            "@    CAA  0 issue \"letsencrypt.org\"",
            "sub    NS  ns1.example.net.",
            "10    PTR  www.zone.example.com.",
        ]
    );
    // A change to a record is a new serial.
    let (_, recs) = call(&m, Method::GET, &format!("/domains/{id}/records"), None).await;
    let rid = &recs["data"][0]["id"];
    call(
        &m,
        Method::PUT,
        &format!("/domains/{id}/records/{rid}"),
        Some(json!({"target": "192.0.2.11"})),
    )
    .await;
    let (_, z2) = call(&m, Method::GET, &format!("/domains/{id}/zone-file"), None).await;
    assert!(
        z2["zone_file"][2]
            .as_str()
            .unwrap()
            .contains(&format!("{}000011 ", &serial[..4]))
    );
    assert_eq!(z2["zone_file"][8], "www    A  192.0.2.11");

    let (_, slave) = call(
        &m,
        Method::POST,
        "/domains",
        Some(json!({"domain": "slave.example.com", "type": "slave", "master_ips": ["192.0.2.1"]})),
    )
    .await;
    let (_, z3) = call(
        &m,
        Method::GET,
        &format!("/domains/{}/zone-file", slave["id"]),
        None,
    )
    .await;
    assert_eq!(z3, json!({"zone_file": []}));
    let (st, _) = call(&m, Method::GET, "/domains/424242/zone-file", None).await;
    assert_eq!(st, 404);
}

#[tokio::test]
async fn buckets_follow_the_region_endpoints() {
    let m = start().await;
    let create = |body: Value| call(&m, Method::POST, "/object-storage/buckets", Some(body));
    let (st, lon) = create(json!({"label": "logs", "region": "gb-lon"})).await;
    assert_eq!(st, 200, "{lon}");
    assert_eq!(
        (&lon["endpoint_type"], &lon["cluster"]),
        (&json!("E3"), &json!(""))
    );
    let (_, par) = create(json!({"label": "logs", "region": "fr-par"})).await;
    assert_eq!(
        (&par["endpoint_type"], &par["cluster"]),
        (&json!("E1"), &json!("fr-par-1"))
    );
    let (_, ord) = create(json!({"label": "big", "region": "us-ord", "endpoint_type": "E3"})).await;
    assert_eq!(
        (&ord["endpoint_type"], &ord["cluster"]),
        (&json!("E3"), &json!(""))
    );
    let (_, all) = call(&m, Method::GET, "/object-storage/buckets", None).await;
    assert_eq!(all["results"], 3, "one label in two regions is two buckets");

    let before = m.state_json();
    for (body, field, reason) in [
        (
            json!({"label": "x-bucket", "region": "eu-west"}),
            "region",
            "Object Storage is not available in region eu-west",
        ),
        (
            json!({"label": "x-bucket", "region": "mars"}),
            "region",
            "region is not valid",
        ),
        (
            json!({"label": "x-bucket", "cluster": "de-fra-1"}),
            "cluster",
            "region is not valid",
        ),
        (
            json!({"label": "x-bucket", "region": "fr-par", "endpoint_type": "E3"}),
            "endpoint_type",
            "fr-par offers endpoint types E1",
        ),
    ] {
        let (st, e) = create(body).await;
        assert_eq!(st, 400);
        assert_eq!(e["errors"], json!([{"field": field, "reason": reason}]));
    }
    assert_eq!(m.state_json(), before);

    let (_, eps) = call(&m, Method::GET, "/object-storage/endpoints", None).await;
    assert_eq!(eps["results"], 25);
    let ord_eps = filtered(&m, "/object-storage/endpoints", json!({"region": "us-ord"})).await;
    assert_eq!(ids(&ord_eps, "endpoint_type"), ["E1", "E3"]);
    assert!(
        ord_eps["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["s3_endpoint"] == m.s3_endpoint())
    );
    let (_, clusters) = call(&m, Method::GET, "/object-storage/clusters", None).await;
    assert_eq!(
        clusters["results"], 18,
        "one legacy cluster per E0/E1 endpoint"
    );
    let (st, c) = call(
        &m,
        Method::GET,
        "/object-storage/clusters/us-southeast-1",
        None,
    )
    .await;
    assert_eq!(st, 200);
    assert_eq!(
        c["static_site_domain"],
        "website-us-southeast-1.linodeobjects.com"
    );
    let (st, _) = call(&m, Method::GET, "/object-storage/clusters/gb-lon-1", None).await;
    assert_eq!(st, 404, "E3 endpoints have no legacy cluster");
}

#[tokio::test]
async fn quotas_count_buckets_objects_and_bytes_per_endpoint() {
    let m = start().await;
    let (_, all) = call(
        &m,
        Method::GET,
        "/object-storage/quotas?page_size=500",
        None,
    )
    .await;
    assert_eq!(
        all["results"], 103,
        "3 per E0/E1 endpoint, 7 per E2/E3 endpoint"
    );
    let (st, q) = call(
        &m,
        Method::GET,
        "/object-storage/quotas/obj-bytes-us-ord-10.linodeobjects.com",
        None,
    )
    .await;
    assert_eq!(st, 200);
    assert_eq!(
        q,
        json!({"quota_id": "obj-bytes-us-ord-10.linodeobjects.com", "quota_name": "Total Capacity", "quota_type": "obj-bytes",
               "endpoint_type": "E3", "s3_endpoint": "us-ord-10.linodeobjects.com",
               "description": "Current total capacity per account, per endpoint", "quota_limit": 549_755_813_888_000u64,
               "resource_metric": "byte", "has_usage": true})
    );
    for label in ["one", "two"] {
        call(
            &m,
            Method::POST,
            "/object-storage/buckets",
            Some(json!({"label": label, "region": "fr-par"})),
        )
        .await;
    }
    let s3 = reqwest::Client::new();
    for (key, body) in [("a.txt", "12345"), ("b.txt", "678")] {
        let (_, u) = call(
            &m,
            Method::POST,
            "/object-storage/buckets/fr-par/one/object-url",
            Some(json!({"method": "PUT", "name": key, "content_type": "text/plain"})),
        )
        .await;
        let put = s3
            .put(u["url"].as_str().unwrap())
            .header("content-type", "text/plain")
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(put.status().is_success());
    }
    let usage = |id: &'static str| {
        let m = &m;
        async move {
            call(
                m,
                Method::GET,
                &format!("/object-storage/quotas/{id}/usage"),
                None,
            )
            .await
            .1
        }
    };
    assert_eq!(
        usage("obj-buckets-fr-par-1.linodeobjects.com").await,
        json!({"quota_limit": 1000, "usage": 2})
    );
    assert_eq!(
        usage("obj-objects-fr-par-1.linodeobjects.com").await,
        json!({"quota_limit": 100_000_000, "usage": 2})
    );
    assert_eq!(
        usage("obj-bytes-fr-par-1.linodeobjects.com").await,
        json!({"quota_limit": 109_951_162_777_600u64, "usage": 8})
    );
    assert_eq!(
        usage("obj-buckets-us-east-1.linodeobjects.com").await["usage"],
        0
    );
    assert_eq!(
        usage("obj-total-egress-throughput-gb-lon-1.linodeobjects.com").await,
        json!({"quota_limit": 1_250_000_000, "usage": null})
    );
    let (st, _) = call(
        &m,
        Method::GET,
        "/object-storage/quotas/obj-bytes-mars-1.linodeobjects.com/usage",
        None,
    )
    .await;
    assert_eq!(st, 404);

    let buckets = filtered(
        &m,
        "/object-storage/quotas?page_size=500",
        json!({"quota_type": "obj-buckets", "endpoint_type": "E3"}),
    )
    .await;
    assert_eq!(buckets["results"], 6);
    assert!(
        ids(&buckets, "quota_id")
            .iter()
            .all(|q| q.starts_with("obj-buckets-"))
    );
    let no_usage = filtered(
        &m,
        "/object-storage/quotas?page_size=500",
        json!({"has_usage": false}),
    )
    .await;
    assert_eq!(
        no_usage["results"], 28,
        "four throughput quotas per E2/E3 endpoint"
    );
}
