//! The network edge of the emulator: Cloud Firewalls (rules, devices, NodeBalancer and LKE
//! attachments), VPCs and subnets, NodeBalancer VPC configurations, types and stats.
//! Every validation rule is checked on the field path of its error.

mod common;

use common::{call, start};
use linode_mock::MockHandle;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

/// A valid rule; tests change one key to break one rule.
fn rule() -> Value {
    json!({"action": "ACCEPT", "protocol": "TCP", "ports": "22, 80-90, 443", "label": "web",
           "addresses": {"ipv4": ["0.0.0.0/0"], "ipv6": ["::/0"]}})
}

fn firewall_body(label: &str, inbound: Vec<Value>) -> Value {
    json!({"label": label, "rules": {"inbound": inbound, "inbound_policy": "DROP",
                                     "outbound": [], "outbound_policy": "ACCEPT"}})
}

/// The `(field, reason)` pairs of an error answer, after checking its status.
fn errors(status: StatusCode, body: &Value, want: u16) -> Vec<(String, String)> {
    assert_eq!(status.as_u16(), want, "{body}");
    body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors array: {body}"))
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or_default().to_string(),
                e["reason"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Asserts a 400 whose errors name `field` (with a reason containing `reason`).
fn assert_field(status: StatusCode, body: &Value, field: &str, reason: &str) {
    let errs = errors(status, body, 400);
    assert!(
        errs.iter().any(|(f, r)| f == field && r.contains(reason)),
        "expected {field}: …{reason}… in {errs:?}"
    );
}

async fn create(m: &MockHandle, path: &str, body: Value) -> Value {
    let (st, v) = call(m, Method::POST, path, Some(body)).await;
    assert_eq!(st, 200, "POST {path}: {v}");
    v
}

async fn settle(m: &MockHandle) {
    let r = Client::new()
        .post(format!("{}/settle", m.admin_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn firewall_rules_are_validated_on_their_field() {
    let m = start().await;
    let before = m.state_json();
    let with = |key: &str, value: Value| {
        let mut r = rule();
        if value.is_null() {
            r.as_object_mut().unwrap().remove(key);
        } else {
            r[key] = value;
        }
        r
    };
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            firewall_body("edge-fw", vec![with("protocol", json!("SCTP"))]),
            "rules.inbound[0].protocol",
            "TCP, UDP, ICMP, IPENCAP",
        ),
        (
            firewall_body("edge-fw", vec![with("protocol", Value::Null)]),
            "rules.inbound[0].protocol",
            "required",
        ),
        (
            firewall_body("edge-fw", vec![with("action", json!("REJECT"))]),
            "rules.inbound[0].action",
            "ACCEPT, DROP",
        ),
        (
            firewall_body(
                "edge-fw",
                vec![
                    json!({"action": "ACCEPT", "protocol": "ICMP", "ports": "22", "addresses": {"ipv4": ["0.0.0.0/0"]}}),
                ],
            ),
            "rules.inbound[0].ports",
            "not allowed for ICMP",
        ),
        (
            firewall_body(
                "edge-fw",
                vec![
                    json!({"action": "ACCEPT", "protocol": "IPENCAP", "ports": "1", "addresses": {"ipv4": ["0.0.0.0/0"]}}),
                ],
            ),
            "rules.inbound[0].ports",
            "not allowed for IPENCAP",
        ),
        (
            firewall_body("edge-fw", vec![with("ports", json!("080"))]),
            "rules.inbound[0].ports",
            "leading zeroes",
        ),
        (
            firewall_body("edge-fw", vec![with("ports", json!("0"))]),
            "rules.inbound[0].ports",
            "Must be 1-65535",
        ),
        (
            firewall_body("edge-fw", vec![with("ports", json!("65536"))]),
            "rules.inbound[0].ports",
            "Must be 1-65535",
        ),
        (
            firewall_body("edge-fw", vec![with("ports", json!("90-80"))]),
            "rules.inbound[0].ports",
            "smaller number",
        ),
        (
            firewall_body("edge-fw", vec![with("ports", json!("1-2-3"))]),
            "rules.inbound[0].ports",
            "2 values",
        ),
        (
            firewall_body("edge-fw", vec![with("ports", json!("ssh"))]),
            "rules.inbound[0].ports",
            "comma-separated list",
        ),
        (
            firewall_body(
                "edge-fw",
                vec![with(
                    "ports",
                    json!("1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16"),
                )],
            ),
            "rules.inbound[0].ports",
            "Max allowed is 15",
        ),
        (
            firewall_body(
                "edge-fw",
                vec![with("addresses", json!({"ipv4": ["300.1.2.3/32"]}))],
            ),
            "rules.inbound[0].addresses.ipv4[0]",
            "IPv4",
        ),
        (
            firewall_body(
                "edge-fw",
                vec![with("addresses", json!({"ipv4": ["::/0"]}))],
            ),
            "rules.inbound[0].addresses.ipv4[0]",
            "IPv4",
        ),
        (
            firewall_body(
                "edge-fw",
                vec![with("addresses", json!({"ipv6": ["2001:db8::/129"]}))],
            ),
            "rules.inbound[0].addresses.ipv6[0]",
            "IPv6",
        ),
        (
            firewall_body("edge-fw", vec![with("addresses", json!({}))]),
            "rules.inbound[0].addresses",
            "ipv4, ipv6, or both",
        ),
        (
            firewall_body("edge-fw", vec![with("addresses", json!({"ipv4": []}))]),
            "rules.inbound[0].addresses.ipv4",
            "empty",
        ),
        (
            firewall_body("edge-fw", vec![with("addresses", Value::Null)]),
            "rules.inbound[0].addresses",
            "required",
        ),
        (
            firewall_body(
                "edge-fw",
                vec![with(
                    "addresses",
                    json!({"ipv4": (0..256).map(|i| format!("10.0.{}.{}/32", i / 250, i % 250)).collect::<Vec<_>>()}),
                )],
            ),
            "rules.inbound[0].addresses",
            "at most 255",
        ),
        (
            firewall_body("edge-fw", vec![rule(); 26]),
            "rules.inbound",
            "at most 25",
        ),
        (
            firewall_body("edge-fw", vec![with("label", json!("ab"))]),
            "rules.inbound[0].label",
            "3-32",
        ),
        (
            firewall_body("edge-fw", vec![with("description", json!("x".repeat(101)))]),
            "rules.inbound[0].description",
            "1-100",
        ),
        (
            json!({"label": "edge-fw", "rules": {"inbound_policy": "MAYBE", "outbound_policy": "ACCEPT"}}),
            "rules.inbound_policy",
            "ACCEPT, DROP",
        ),
        (
            json!({"label": "edge-fw", "rules": {"inbound_policy": "DROP"}}),
            "rules.outbound_policy",
            "required",
        ),
        (json!({"label": "edge-fw"}), "rules", "required"),
        (firewall_body("fw", vec![]), "label", "3-32"),
        (
            firewall_body("1st-firewall", vec![]),
            "label",
            "begin with a letter",
        ),
        (firewall_body("edge--fw", vec![]), "label", "two in a row"),
        (firewall_body("edge fw", vec![]), "label", "ASCII letters"),
    ];
    for (body, field, reason) in cases {
        let (st, e) = call(&m, Method::POST, "/networking/firewalls", Some(body)).await;
        assert_field(st, &e, field, reason);
    }
    // Twenty-five rules per direction is allowed.
    let fw = create(
        &m,
        "/networking/firewalls",
        firewall_body("edge-fw", vec![rule(); 25]),
    )
    .await;
    let (st, e) = call(
        &m,
        Method::POST,
        "/networking/firewalls",
        Some(firewall_body("edge-fw", vec![])),
    )
    .await;
    assert_field(st, &e, "label", "unique");
    // PUT .../rules names fields without the `rules.` prefix and changes nothing when refused.
    let path = format!("/networking/firewalls/{}/rules", fw["id"]);
    let (st, e) = call(
        &m,
        Method::PUT,
        &path,
        Some(json!({"inbound": [with("ports", json!("99999"))]})),
    )
    .await;
    assert_field(st, &e, "inbound[0].ports", "Must be 1-65535");
    let (_, rules) = call(&m, Method::GET, &path, None).await;
    assert_eq!(
        (
            rules["version"].clone(),
            rules["inbound"].as_array().unwrap().len()
        ),
        (json!(1), 25)
    );
    // Only the valid firewall was created.
    let state = m.state_json();
    assert_eq!(state["firewalls"].as_object().unwrap().len(), 1);
    assert_eq!(before["firewalls"], json!({}));
}

#[tokio::test]
async fn firewall_lifecycle_rules_versions_and_status() {
    let m = start().await;
    let fw = create(
        &m,
        "/networking/firewalls",
        json!({"label": "edge-fw", "tags": ["edge"],
        "rules": {"inbound": [rule()], "inbound_policy": "DROP", "outbound_policy": "ACCEPT"}}),
    )
    .await;
    let id = fw["id"].as_u64().unwrap();
    assert_eq!(fw["status"], "enabled");
    assert_eq!(fw["rules"]["version"], 1);
    assert_eq!(fw["rules"]["outbound"], json!([]));
    assert_eq!(fw["rules"]["inbound"][0]["ports"], "22, 80-90, 443");
    assert_eq!(fw["entities"], json!([]));
    let fingerprint = fw["rules"]["fingerprint"].as_str().unwrap().to_string();
    assert!(
        fingerprint.len() == 8 && fingerprint.chars().all(|c| c.is_ascii_hexdigit()),
        "{fingerprint}"
    );

    let new_rules = json!({"inbound": [{"action": "DROP", "protocol": "ICMP", "addresses": {"ipv4": ["192.0.2.0/24"]}}],
                           "outbound": null, "outbound_policy": "DROP"});
    let (st, rules) = call(
        &m,
        Method::PUT,
        &format!("/networking/firewalls/{id}/rules"),
        Some(new_rules),
    )
    .await;
    assert_eq!(st, 200, "{rules}");
    assert_eq!(rules["version"], 2);
    assert_ne!(rules["fingerprint"], json!(fingerprint));
    assert_eq!(
        (
            rules["inbound_policy"].clone(),
            rules["outbound_policy"].clone()
        ),
        (json!("DROP"), json!("DROP"))
    );
    assert_eq!(rules["outbound"], json!([]));

    let (st, upd) = call(
        &m,
        Method::PUT,
        &format!("/networking/firewalls/{id}"),
        Some(json!({"status": "disabled", "label": "edge-fw-2", "tags": []})),
    )
    .await;
    assert_eq!(st, 200, "{upd}");
    assert_eq!(
        (
            upd["status"].clone(),
            upd["label"].clone(),
            upd["tags"].clone()
        ),
        (json!("disabled"), json!("edge-fw-2"), json!([]))
    );
    let (st, e) = call(
        &m,
        Method::PUT,
        &format!("/networking/firewalls/{id}"),
        Some(json!({"status": "deleted"})),
    )
    .await;
    assert_field(st, &e, "status", "enabled, disabled");

    let (_, list) = call(&m, Method::GET, "/networking/firewalls", None).await;
    assert_eq!(list["results"], 1);
    let (_, settings) = call(&m, Method::GET, "/networking/firewalls/settings", None).await;
    assert_eq!(
        settings["default_firewall_ids"]["nodebalancer"],
        Value::Null
    );
    let (st, _) = call(
        &m,
        Method::DELETE,
        &format!("/networking/firewalls/{id}"),
        None,
    )
    .await;
    assert_eq!(st, 200);
    let (st, _) = call(
        &m,
        Method::GET,
        &format!("/networking/firewalls/{id}"),
        None,
    )
    .await;
    assert_eq!(st, 404);
}

#[tokio::test]
async fn devices_attach_nodebalancers_both_ways_and_detach_on_delete() {
    let m = start().await;
    let fw = create(
        &m,
        "/networking/firewalls",
        firewall_body("edge-fw", vec![rule()]),
    )
    .await;
    let other = create(
        &m,
        "/networking/firewalls",
        firewall_body("other-fw", vec![]),
    )
    .await;
    let nb = create(
        &m,
        "/nodebalancers",
        json!({"region": "fr-par", "label": "edge-lb"}),
    )
    .await;
    let (fid, nbid) = (fw["id"].as_u64().unwrap(), nb["id"].as_u64().unwrap());
    let devices = format!("/networking/firewalls/{fid}/devices");

    let dev = create(&m, &devices, json!({"id": nbid, "type": "nodebalancer"})).await;
    assert_eq!(
        dev["entity"],
        json!({"id": nbid, "type": "nodebalancer", "label": "edge-lb",
                                     "url": format!("/v4/nodebalancers/{nbid}"), "parent_entity": null})
    );
    let (_, one) = call(&m, Method::GET, &format!("{devices}/{}", dev["id"]), None).await;
    assert_eq!(one["id"], dev["id"]);
    let (_, fws) = call(
        &m,
        Method::GET,
        &format!("/nodebalancers/{nbid}/firewalls"),
        None,
    )
    .await;
    assert_eq!(
        (fws["results"].clone(), fws["data"][0]["id"].clone()),
        (json!(1), json!(fid))
    );
    let (_, got) = call(
        &m,
        Method::GET,
        &format!("/networking/firewalls/{fid}"),
        None,
    )
    .await;
    assert_eq!(got["entities"][0]["id"], nbid);

    // A NodeBalancer has one firewall; missing entities are 404; types are Linode's.
    let (st, e) = call(
        &m,
        Method::POST,
        &format!("/networking/firewalls/{}/devices", other["id"]),
        Some(json!({"id": nbid, "type": "nodebalancer"})),
    )
    .await;
    assert_field(st, &e, "id", "only one firewall");
    let (st, e) = call(
        &m,
        Method::POST,
        &devices,
        Some(json!({"id": nbid, "type": "nodebalancer"})),
    )
    .await;
    assert_field(st, &e, "id", "already attached");
    let (st, e) = call(
        &m,
        Method::POST,
        &devices,
        Some(json!({"id": 999_999, "type": "nodebalancer"})),
    )
    .await;
    assert_eq!(
        errors(st, &e, 404),
        vec![(String::new(), "Not found".to_string())]
    );
    let (st, e) = call(
        &m,
        Method::POST,
        &devices,
        Some(json!({"id": 5, "type": "linode_interface"})),
    )
    .await;
    assert_eq!(st, 404, "{e}");
    let (st, e) = call(
        &m,
        Method::POST,
        &devices,
        Some(json!({"id": nbid, "type": "volume"})),
    )
    .await;
    assert_field(st, &e, "type", "linode, nodebalancer, linode_interface");
    let (st, e) = call(
        &m,
        Method::POST,
        &devices,
        Some(json!({"type": "nodebalancer"})),
    )
    .await;
    assert_field(st, &e, "id", "required");

    // Replacing through the NodeBalancer, then deleting the device, then the NodeBalancer.
    let (st, e) = call(
        &m,
        Method::PUT,
        &format!("/nodebalancers/{nbid}/firewalls"),
        Some(json!({"firewall_ids": [fid, other["id"]]})),
    )
    .await;
    assert_field(st, &e, "firewall_ids", "at most one");
    let (st, set) = call(
        &m,
        Method::PUT,
        &format!("/nodebalancers/{nbid}/firewalls"),
        Some(json!({"firewall_ids": [other["id"]]})),
    )
    .await;
    assert_eq!(
        (st, set["data"][0]["id"].clone()),
        (StatusCode::OK, other["id"].clone())
    );
    let (_, list) = call(&m, Method::GET, &devices, None).await;
    assert_eq!(list["results"], 0, "moved to the other firewall");
    let (st, _) = call(&m, Method::DELETE, &format!("/nodebalancers/{nbid}"), None).await;
    assert_eq!(st, 200);
    let (_, got) = call(
        &m,
        Method::GET,
        &format!("/networking/firewalls/{}", other["id"]),
        None,
    )
    .await;
    assert_eq!(
        got["entities"],
        json!([]),
        "deleting the NodeBalancer detaches it"
    );
}

#[tokio::test]
async fn nodebalancer_firewall_id_and_firewall_delete() {
    let m = start().await;
    let fw = create(
        &m,
        "/networking/firewalls",
        firewall_body("edge-fw", vec![rule()]),
    )
    .await;
    let fid = fw["id"].as_u64().unwrap();
    let (st, e) = call(
        &m,
        Method::POST,
        "/nodebalancers",
        Some(json!({"region": "fr-par", "firewall_id": 424_242})),
    )
    .await;
    assert_field(st, &e, "firewall_id", "not found");
    let nb = create(
        &m,
        "/nodebalancers",
        json!({"region": "fr-par", "label": "edge-lb", "firewall_id": fid}),
    )
    .await;
    let nbid = nb["id"].as_u64().unwrap();
    let (_, fws) = call(
        &m,
        Method::GET,
        &format!("/nodebalancers/{nbid}/firewalls"),
        None,
    )
    .await;
    assert_eq!(fws["data"][0]["id"], fid);
    let (_, devices) = call(
        &m,
        Method::GET,
        &format!("/networking/firewalls/{fid}/devices"),
        None,
    )
    .await;
    assert_eq!(devices["data"][0]["entity"]["id"], nbid);
    let (st, _) = call(
        &m,
        Method::DELETE,
        &format!("/networking/firewalls/{fid}"),
        None,
    )
    .await;
    assert_eq!(st, 200);
    let (_, fws) = call(
        &m,
        Method::GET,
        &format!("/nodebalancers/{nbid}/firewalls"),
        None,
    )
    .await;
    assert_eq!(fws["results"], 0, "deleting the firewall detaches it");
}

#[tokio::test]
async fn lke_pool_firewall_shows_its_nodes_as_linode_devices() {
    let m = start().await;
    let fw = create(
        &m,
        "/networking/firewalls",
        firewall_body("lke-fw", vec![rule()]),
    )
    .await;
    let fid = fw["id"].as_u64().unwrap();
    let body = |fw: Value| {
        json!({"label": "edge-lke", "region": "fr-par", "k8s_version": "1.33",
                                  "node_pools": [{"type": "g6-standard-2", "count": 2, "firewall_id": fw}]})
    };
    let (st, e) = call(
        &m,
        Method::POST,
        "/lke/clusters",
        Some(body(json!(424_242))),
    )
    .await;
    assert_field(st, &e, "node_pools[0].firewall_id", "not found");
    let cluster = create(&m, "/lke/clusters", body(json!(fid))).await;
    let cid = cluster["id"].as_u64().unwrap();
    let (_, pools) = call(&m, Method::GET, &format!("/lke/clusters/{cid}/pools"), None).await;
    let pool = &pools["data"][0];
    assert_eq!(pool["firewall_id"], fid);
    let pid = pool["id"].as_u64().unwrap();
    let instances: Vec<Value> = pool["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["instance_id"].clone())
        .collect();

    let devices = format!("/networking/firewalls/{fid}/devices");
    let linodes = |v: &Value| -> Vec<Value> {
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["entity"]["id"].clone())
            .collect()
    };
    let (_, list) = call(&m, Method::GET, &devices, None).await;
    assert_eq!(linodes(&list), instances);
    assert_eq!(list["data"][0]["entity"]["type"], "linode");
    assert!(
        list["data"][0]["entity"]["label"]
            .as_str()
            .unwrap()
            .starts_with(&format!("lke{cid}-{pid}-"))
    );
    let (_, got) = call(
        &m,
        Method::GET,
        &format!("/networking/firewalls/{fid}"),
        None,
    )
    .await;
    assert_eq!(got["entities"].as_array().unwrap().len(), 2);
    // LKE owns these attachments: they follow the pool, not a device delete.
    let (st, e) = call(
        &m,
        Method::DELETE,
        &format!("{devices}/{}", list["data"][0]["id"]),
        None,
    )
    .await;
    assert_eq!(errors(st, &e, 400).len(), 1);

    let pool_path = format!("/lke/clusters/{cid}/pools/{pid}");
    let (_, p) = call(&m, Method::PUT, &pool_path, Some(json!({"count": 3}))).await;
    assert_eq!(p["nodes"].as_array().unwrap().len(), 3);
    let (_, list) = call(&m, Method::GET, &devices, None).await;
    assert_eq!(list["results"], 3, "a new node joins the firewall");
    let (st, e) = call(
        &m,
        Method::PUT,
        &pool_path,
        Some(json!({"firewall_id": 424_242})),
    )
    .await;
    assert_field(st, &e, "firewall_id", "not found");
    let (_, p) = call(
        &m,
        Method::PUT,
        &pool_path,
        Some(json!({"firewall_id": null})),
    )
    .await;
    assert_eq!(p["firewall_id"], Value::Null);
    let (_, list) = call(&m, Method::GET, &devices, None).await;
    assert_eq!(list["results"], 0, "null detaches");
    let (_, p) = call(
        &m,
        Method::PUT,
        &pool_path,
        Some(json!({"firewall_id": fid})),
    )
    .await;
    assert_eq!(p["firewall_id"], fid);
    let (_, list) = call(&m, Method::GET, &devices, None).await;
    assert_eq!(list["results"], 3);
    let (st, _) = call(&m, Method::DELETE, &format!("/lke/clusters/{cid}"), None).await;
    assert_eq!(st, 200);
    let (_, list) = call(&m, Method::GET, &devices, None).await;
    assert_eq!(
        list["results"], 0,
        "deleting the cluster detaches its nodes"
    );
}

#[tokio::test]
async fn deleting_a_firewall_clears_the_pools_that_named_it() {
    let m = start().await;
    let fw = create(&m, "/networking/firewalls", firewall_body("lke-fw", vec![])).await;
    let cluster = create(
        &m,
        "/lke/clusters",
        json!({"label": "edge-lke", "region": "fr-par", "k8s_version": "1.33",
        "node_pools": [{"type": "g6-standard-2", "count": 1, "firewall_id": fw["id"]}]}),
    )
    .await;
    let (st, _) = call(
        &m,
        Method::DELETE,
        &format!("/networking/firewalls/{}", fw["id"]),
        None,
    )
    .await;
    assert_eq!(st, 200);
    let (_, pools) = call(
        &m,
        Method::GET,
        &format!("/lke/clusters/{}/pools", cluster["id"]),
        None,
    )
    .await;
    assert_eq!(pools["data"][0]["firewall_id"], Value::Null);
    assert_eq!(m.state_json()["fw_devices"], json!({}));
}

#[tokio::test]
async fn vpcs_and_subnets_are_validated_on_their_field() {
    let m = start().await;
    let vpc = |label: &str, subnets: Value| json!({"label": label, "region": "fr-par", "subnets": subnets});
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            vpc("edge_vpc!", json!([])),
            "label",
            "ASCII letters, numbers, and underscores",
        ),
        (vpc("edge--vpc", json!([])), "label", "ASCII letters"),
        (vpc(&"v".repeat(65), json!([])), "label", "between 1 and 64"),
        (
            json!({"label": "edge-vpc", "region": "mars"}),
            "region",
            "not valid",
        ),
        (json!({"label": "edge-vpc"}), "region", "required"),
        (
            json!({"label": "edge-vpc", "region": "fr-par", "description": "d".repeat(256)}),
            "description",
            "255",
        ),
        (
            vpc("edge-vpc", json!([{"label": "pub", "ipv4": "8.8.8.0/24"}])),
            "subnets[0].ipv4",
            "RFC 1918",
        ),
        (
            vpc(
                "edge-vpc",
                json!([{"label": "tiny", "ipv4": "10.0.0.0/30"}]),
            ),
            "subnets[0].ipv4",
            "between 1 and 29",
        ),
        (
            vpc(
                "edge-vpc",
                json!([{"label": "host", "ipv4": "10.0.0.5/24"}]),
            ),
            "subnets[0].ipv4",
            "canonical",
        ),
        (
            vpc(
                "edge-vpc",
                json!([{"label": "kept", "ipv4": "192.168.128.0/24"}]),
            ),
            "subnets[0].ipv4",
            "192.168.128.0/17",
        ),
        (
            vpc("edge-vpc", json!([{"label": "bad", "ipv4": "10.0.0.0"}])),
            "subnets[0].ipv4",
            "CIDR",
        ),
        (
            vpc(
                "edge-vpc",
                json!([{"label": "a", "ipv4": "10.0.0.0/16"}, {"label": "b", "ipv4": "10.0.1.0/24"}]),
            ),
            "subnets[1].ipv4",
            "Overlaps with subnet a",
        ),
        (
            vpc(
                "edge-vpc",
                json!([{"label": "a", "ipv4": "10.0.0.0/24"}, {"label": "a", "ipv4": "10.0.1.0/24"}]),
            ),
            "subnets[1].label",
            "unique",
        ),
        (
            vpc("edge-vpc", json!([{"label": "no-range"}])),
            "subnets[0].ipv4",
            "required",
        ),
    ];
    for (body, field, reason) in cases {
        let (st, e) = call(&m, Method::POST, "/vpcs", Some(body)).await;
        assert_field(st, &e, field, reason);
    }
    assert_eq!(
        m.state_json()["vpcs"],
        json!({}),
        "refused requests create nothing"
    );

    let v = create(
        &m,
        "/vpcs",
        vpc(
            "edge-vpc",
            json!([{"label": "backend", "ipv4": "10.0.0.0/24"}]),
        ),
    )
    .await;
    let vid = v["id"].as_u64().unwrap();
    assert_eq!(
        (
            v["subnets"][0]["ipv4"].clone(),
            v["subnets"][0]["nodebalancers"].clone()
        ),
        (json!("10.0.0.0/24"), json!([]))
    );
    let (st, e) = call(&m, Method::POST, "/vpcs", Some(vpc("edge-vpc", json!([])))).await;
    assert_field(st, &e, "label", "unique");
    let subnets = format!("/vpcs/{vid}/subnets");
    let (st, e) = call(
        &m,
        Method::POST,
        &subnets,
        Some(json!({"label": "front", "ipv4": "10.0.0.128/25"})),
    )
    .await;
    assert_field(st, &e, "ipv4", "Overlaps with subnet backend");
    let (st, e) = call(
        &m,
        Method::POST,
        &subnets,
        Some(json!({"label": "backend", "ipv4": "10.0.1.0/24"})),
    )
    .await;
    assert_field(st, &e, "label", "unique");
    let sub = create(
        &m,
        &subnets,
        json!({"label": "front", "ipv4": "172.16.0.0/29"}),
    )
    .await;
    let sid = sub["id"].as_u64().unwrap();
    let (st, e) = call(
        &m,
        Method::PUT,
        &format!("{subnets}/{sid}"),
        Some(json!({"label": "invalid_label!"})),
    )
    .await;
    assert_field(st, &e, "label", "ASCII letters");
    let (st, renamed) = call(
        &m,
        Method::PUT,
        &format!("{subnets}/{sid}"),
        Some(json!({"label": "frontend"})),
    )
    .await;
    assert_eq!(
        (st, renamed["label"].clone()),
        (StatusCode::OK, json!("frontend"))
    );
    let (st, e) = call(
        &m,
        Method::PUT,
        &format!("/vpcs/{vid}"),
        Some(json!({"label": "bad--label"})),
    )
    .await;
    assert_field(st, &e, "label", "ASCII letters");
    let (st, upd) = call(
        &m,
        Method::PUT,
        &format!("/vpcs/{vid}"),
        Some(json!({"label": "edge-vpc-2", "description": "edge"})),
    )
    .await;
    assert_eq!(
        (st, upd["label"].clone(), upd["description"].clone()),
        (StatusCode::OK, json!("edge-vpc-2"), json!("edge"))
    );
    let (_, list) = call(&m, Method::GET, &subnets, None).await;
    assert_eq!(list["results"], 2);
    // An unused VPC is deleted with its subnets.
    let (st, _) = call(&m, Method::DELETE, &format!("/vpcs/{vid}"), None).await;
    assert_eq!(st, 200);
    assert_eq!(m.state_json()["subnets"], json!({}));
}

#[test]
fn every_catalog_region_used_here_offers_vpcs() {
    // The rule "VPCs only where the region has the VPCs capability" is unit-tested in
    // routes/vpcs.rs; the regions these tests use must have it.
    for r in ["fr-par", "us-iad"] {
        let region = linode_mock::catalog::region(r).unwrap().to_json();
        assert!(
            region["capabilities"]
                .as_array()
                .unwrap()
                .contains(&json!("VPCs")),
            "{r}"
        );
    }
}

#[tokio::test]
async fn nodebalancer_vpc_configs_keep_the_subnet_in_use() {
    let m = start().await;
    let v = create(
        &m,
        "/vpcs",
        json!({"label": "edge-vpc", "region": "fr-par",
        "subnets": [{"label": "backend", "ipv4": "10.0.0.0/24"}]}),
    )
    .await;
    let other = create(
        &m,
        "/vpcs",
        json!({"label": "east-vpc", "region": "us-iad",
        "subnets": [{"label": "east", "ipv4": "10.9.0.0/24"}]}),
    )
    .await;
    let (vid, sid) = (
        v["id"].as_u64().unwrap(),
        v["subnets"][0]["id"].as_u64().unwrap(),
    );
    let nb_with = |vpcs: Value| json!({"region": "fr-par", "vpcs": vpcs});
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            nb_with(json!([{"subnet_id": 424_242}])),
            "vpcs[0].subnet_id",
            "Subnet not found",
        ),
        (nb_with(json!([{}])), "vpcs[0].subnet_id", "required"),
        (
            nb_with(json!([{"subnet_id": other["subnets"][0]["id"]}])),
            "vpcs[0].subnet_id",
            "region",
        ),
        (
            nb_with(json!([{"subnet_id": sid, "ipv4_range": "10.1.0.0/30"}])),
            "vpcs[0].ipv4_range",
            "inside the subnet",
        ),
        (
            nb_with(json!([{"subnet_id": sid, "ipv4_range": "10.0.0.66/30"}])),
            "vpcs[0].ipv4_range",
            "canonical",
        ),
        (
            nb_with(json!([{"subnet_id": sid}, {"subnet_id": sid}])),
            "vpcs[1].subnet_id",
            "one VPC configuration per subnet",
        ),
        (
            json!({"region": "fr-par", "type": "enterprise"}),
            "type",
            "common, premium, premium_40gb",
        ),
    ];
    for (body, field, reason) in cases {
        let (st, e) = call(&m, Method::POST, "/nodebalancers", Some(body)).await;
        assert_field(st, &e, field, reason);
    }
    assert_eq!(m.state_json()["nodebalancers"], json!({}));

    let nb = create(
        &m,
        "/nodebalancers",
        json!({"region": "fr-par", "label": "vpc-lb", "type": "premium",
        "vpcs": [{"subnet_id": sid, "ipv4_range": "10.0.0.64/30"}]}),
    )
    .await;
    let nbid = nb["id"].as_u64().unwrap();
    assert_eq!(nb["type"], "premium");
    let (st, e) = call(
        &m,
        Method::POST,
        "/nodebalancers",
        Some(nb_with(
            json!([{"subnet_id": sid, "ipv4_range": "10.0.0.64/29"}]),
        )),
    )
    .await;
    assert_field(st, &e, "vpcs[0].ipv4_range", "already in use");
    let auto = create(&m, "/nodebalancers", nb_with(json!([{"subnet_id": sid}]))).await;
    assert_eq!(auto["type"], "common", "the default plan");

    let (_, cfgs) = call(
        &m,
        Method::GET,
        &format!("/nodebalancers/{nbid}/vpcs"),
        None,
    )
    .await;
    let cfg = &cfgs["data"][0];
    assert_eq!(
        (
            cfg["vpc_id"].clone(),
            cfg["subnet_id"].clone(),
            cfg["ipv4_range"].clone(),
            cfg["nodebalancer_id"].clone()
        ),
        (json!(vid), json!(sid), json!("10.0.0.64/30"), json!(nbid))
    );
    let (_, one) = call(
        &m,
        Method::GET,
        &format!("/nodebalancers/{nbid}/vpcs/{}", cfg["id"]),
        None,
    )
    .await;
    assert_eq!(&one, cfg);
    let (st, _) = call(
        &m,
        Method::GET,
        &format!("/nodebalancers/{}/vpcs/{}", auto["id"], cfg["id"]),
        None,
    )
    .await;
    assert_eq!(st, 404, "another NodeBalancer's configuration");
    let (_, auto_cfgs) = call(
        &m,
        Method::GET,
        &format!("/nodebalancers/{}/vpcs", auto["id"]),
        None,
    )
    .await;
    assert_eq!(
        auto_cfgs["data"][0]["ipv4_range"], "10.0.0.4/30",
        "first free /30 after the gateway's"
    );

    let (_, subnet) = call(&m, Method::GET, &format!("/vpcs/{vid}/subnets/{sid}"), None).await;
    assert_eq!(
        subnet["nodebalancers"][0],
        json!({"id": nbid, "ipv4_range": "10.0.0.64/30"})
    );
    let (_, ips) = call(&m, Method::GET, "/vpcs/ips", None).await;
    assert_eq!(ips["results"], 2);
    let ip = ips["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["nodebalancer_id"] == nbid)
        .unwrap();
    assert_eq!(
        (
            ip["address_range"].clone(),
            ip["vpc_id"].clone(),
            ip["prefix"].clone(),
            ip["gateway"].clone(),
            ip["region"].clone()
        ),
        (
            json!("10.0.0.64/30"),
            json!(vid),
            json!(24),
            json!("10.0.0.1"),
            json!("fr-par")
        )
    );
    let (_, east_ips) = call(&m, Method::GET, &format!("/vpcs/{}/ips", other["id"]), None).await;
    assert_eq!(east_ips["results"], 0);

    // In use: neither the subnet nor the VPC can go, until the NodeBalancers do.
    let (st, e) = call(
        &m,
        Method::DELETE,
        &format!("/vpcs/{vid}/subnets/{sid}"),
        None,
    )
    .await;
    assert!(
        errors(st, &e, 400)[0]
            .1
            .contains("is in use by NodeBalancer"),
        "{e}"
    );
    let (st, e) = call(&m, Method::DELETE, &format!("/vpcs/{vid}"), None).await;
    assert!(errors(st, &e, 400)[0].1.contains("in use"), "{e}");
    for id in [nbid, auto["id"].as_u64().unwrap()] {
        let (st, _) = call(&m, Method::DELETE, &format!("/nodebalancers/{id}"), None).await;
        assert_eq!(st, 200);
    }
    let (_, ips) = call(&m, Method::GET, "/vpcs/ips", None).await;
    assert_eq!(ips["results"], 0);
    let (st, _) = call(
        &m,
        Method::DELETE,
        &format!("/vpcs/{vid}/subnets/{sid}"),
        None,
    )
    .await;
    assert_eq!(st, 200);
}

#[tokio::test]
async fn lke_cluster_subnet_is_in_use() {
    let m = start().await;
    let v = create(
        &m,
        "/vpcs",
        json!({"label": "lke-vpc", "region": "fr-par",
        "subnets": [{"label": "nodes", "ipv4": "10.2.0.0/24"}]}),
    )
    .await;
    let sid = v["subnets"][0]["id"].as_u64().unwrap();
    let body = |subnet: Value| {
        json!({"label": "lke-e", "region": "fr-par", "k8s_version": "v1.33.6+lke7", "tier": "enterprise",
        "subnet_id": subnet, "node_pools": [{"type": "g6-standard-2", "count": 1}]})
    };
    let (st, e) = call(
        &m,
        Method::POST,
        "/lke/clusters",
        Some(body(json!(424_242))),
    )
    .await;
    assert_field(st, &e, "subnet_id", "Subnet not found");
    let mut wrong_vpc = body(json!(sid));
    wrong_vpc["vpc_id"] = json!(424_242);
    let (st, e) = call(&m, Method::POST, "/lke/clusters", Some(wrong_vpc)).await;
    assert_field(st, &e, "vpc_id", "VPC not found");
    let cluster = create(&m, "/lke/clusters", body(json!(sid))).await;
    assert_eq!(
        (cluster["subnet_id"].clone(), cluster["vpc_id"].clone()),
        (json!(sid), v["id"].clone())
    );
    let (st, e) = call(
        &m,
        Method::DELETE,
        &format!("/vpcs/{}/subnets/{sid}", v["id"]),
        None,
    )
    .await;
    assert!(errors(st, &e, 400)[0].1.contains("LKE cluster"), "{e}");
    let (st, _) = call(
        &m,
        Method::DELETE,
        &format!("/lke/clusters/{}", cluster["id"]),
        None,
    )
    .await;
    assert_eq!(st, 200);
    let (st, _) = call(&m, Method::DELETE, &format!("/vpcs/{}", v["id"]), None).await;
    assert_eq!(st, 200);
}

#[tokio::test]
async fn nodes_reached_through_a_vpc_carry_vpc_config_id_never_subnet_id() {
    let m = start().await;
    let v = create(&m, "/vpcs", json!({"label": "edge-vpc", "region": "fr-par",
        "subnets": [{"label": "backend", "ipv4": "10.0.0.0/24"}, {"label": "spare", "ipv4": "10.0.1.0/24"}]})).await;
    let (sid, spare) = (
        v["subnets"][0]["id"].as_u64().unwrap(),
        v["subnets"][1]["id"].as_u64().unwrap(),
    );
    let nb = create(&m, "/nodebalancers", json!({"region": "fr-par", "vpcs": [{"subnet_id": sid, "ipv4_range": "10.0.0.64/30"}],
        "configs": [{"port": 80, "protocol": "http", "nodes": [{"address": "10.0.0.2:80", "label": "vpc-a", "subnet_id": sid}]}]})).await;
    let nbid = nb["id"].as_u64().unwrap();
    let (_, cfgs) = call(
        &m,
        Method::GET,
        &format!("/nodebalancers/{nbid}/vpcs"),
        None,
    )
    .await;
    let vpc_cfg = cfgs["data"][0]["id"].clone();
    let (_, configs) = call(
        &m,
        Method::GET,
        &format!("/nodebalancers/{nbid}/configs"),
        None,
    )
    .await;
    let nodes = format!(
        "/nodebalancers/{nbid}/configs/{}/nodes",
        configs["data"][0]["id"]
    );
    let (_, list) = call(&m, Method::GET, &nodes, None).await;
    assert_eq!(list["data"][0]["vpc_config_id"], vpc_cfg);
    assert!(
        list["data"][0].get("subnet_id").is_none(),
        "{}",
        list["data"][0]
    );

    let plain = create(
        &m,
        &nodes,
        json!({"address": "192.168.1.5:80", "label": "plain"}),
    )
    .await;
    assert_eq!(plain["vpc_config_id"], Value::Null);
    assert!(plain.get("subnet_id").is_none());
    let via_vpc = create(
        &m,
        &nodes,
        json!({"address": "10.0.0.3:80", "label": "vpc-b", "subnet_id": sid}),
    )
    .await;
    assert_eq!(via_vpc["vpc_config_id"], vpc_cfg);
    let (st, e) = call(
        &m,
        Method::POST,
        &nodes,
        Some(json!({"address": "10.0.1.3:80", "label": "spare", "subnet_id": spare})),
    )
    .await;
    assert_field(st, &e, "subnet_id", "no VPC configuration for this subnet");
    let (st, e) = call(
        &m,
        Method::POST,
        &nodes,
        Some(json!({"address": "10.0.1.3:80", "label": "outside", "subnet_id": sid})),
    )
    .await;
    assert_field(st, &e, "address", "VPC subnet (10.0.0.0/24)");
    let (st, upd) = call(
        &m,
        Method::PUT,
        &format!("{nodes}/{}", via_vpc["id"]),
        Some(json!({"weight": 5})),
    )
    .await;
    assert_eq!(
        (st, upd["vpc_config_id"].clone()),
        (StatusCode::OK, vpc_cfg)
    );
}

#[tokio::test]
async fn stats_are_unavailable_for_a_new_nodebalancer() {
    let m = start().await;
    let nb = create(
        &m,
        "/nodebalancers",
        json!({"region": "fr-par", "label": "new-lb"}),
    )
    .await;
    let path = format!("/nodebalancers/{}/stats", nb["id"]);
    let (st, e) = call(&m, Method::GET, &path, None).await;
    assert_eq!(
        errors(st, &e, 400),
        vec![(
            String::new(),
            "Stats are unavailable at this time.".to_string()
        )]
    );
    settle(&m).await;
    let (st, stats) = call(&m, Method::GET, &path, None).await;
    assert_eq!(st, 200, "{stats}");
    assert!(stats["title"].as_str().unwrap().starts_with("new-lb"));
    let connections = stats["data"]["connections"].as_array().unwrap();
    assert!(!connections.is_empty());
    assert!(
        connections
            .iter()
            .all(|p| p.as_array().is_some_and(|p| p.len() == 2))
    );
    assert_eq!(
        stats["data"]["traffic"]["in"].as_array().unwrap().len(),
        connections.len()
    );
    let (st, _) = call(&m, Method::GET, "/nodebalancers/424242/stats", None).await;
    assert_eq!(st, 404);
}
