//! The platform (examples/terraform/platform) on every Terraform we test with, 1.0.3 included:
//! apply, exactly the declared resources in the emulator, the edge firewalls attached to the
//! right devices, a second plan with no changes, the outputs, and destroy leaving the emulator
//! empty.

use std::collections::BTreeSet;

use acceptance::terraform::{Workdir, each_cli};
use acceptance::{Mock, paths, platform_expected_counts as expected_counts};
use serde_json::Value;

fn get(mock: &Mock, path: &str) -> Value {
    let (status, body) = mock.api("GET", path, None);
    assert_eq!(status, 200, "GET {path}: {body}");
    body
}

fn items(mock: &Mock, path: &str) -> Vec<Value> {
    get(mock, &format!("{path}?page_size=500"))["data"].as_array().cloned().unwrap_or_default()
}

fn by_label(mock: &Mock, path: &str, label: &str) -> Value {
    items(mock, path).into_iter().find(|i| i["label"] == label).unwrap_or_else(|| panic!("no {label} in {path}"))
}

/// The ingress firewall lets in TCP 80 and 443 only and protects the ingress NodeBalancer alone;
/// the nodes' firewall admits only Linode's private network and protects every node of every
/// pool (attached by LKE through the pools' `firewall_id`).
fn check_edge(mock: &Mock, cli: &str) {
    let ingress = by_label(mock, "/networking/firewalls", "platform-ingress");
    assert_eq!(ingress["rules"]["inbound_policy"], "DROP", "[{cli}] {ingress}");
    let allowed: BTreeSet<(String, String, String)> = ingress["rules"]["inbound"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["action"].to_string(), r["protocol"].to_string(), r["ports"].to_string()))
        .collect();
    let expected: BTreeSet<(String, String, String)> = ["80", "443"]
        .iter()
        .map(|p| ("\"ACCEPT\"".to_string(), "\"TCP\"".to_string(), format!("\"{p}\"")))
        .collect();
    assert_eq!(allowed, expected, "[{cli}] the ingress accepts TCP 80 and 443 only");
    let nb = by_label(mock, "/nodebalancers", "platform-ingress");
    let devices = items(mock, &format!("/networking/firewalls/{}/devices", ingress["id"]));
    let attached: Vec<(Value, Value)> = devices.iter().map(|d| (d["entity"]["type"].clone(), d["entity"]["id"].clone())).collect();
    assert_eq!(attached, [(Value::from("nodebalancer"), nb["id"].clone())], "[{cli}] ingress firewall devices");

    let nodes = by_label(mock, "/networking/firewalls", "platform-nodes");
    assert_eq!(nodes["rules"]["inbound_policy"], "DROP", "[{cli}] {nodes}");
    for rule in nodes["rules"]["inbound"].as_array().unwrap() {
        assert_eq!(rule["addresses"], serde_json::json!({"ipv4": ["192.168.128.0/17"]}), "[{cli}] private sources only: {rule}");
    }
    let cluster = by_label(mock, "/lke/clusters", "platform-lke");
    let pools = items(mock, &format!("/lke/clusters/{}/pools", cluster["id"]));
    assert_eq!(pools.len(), 2);
    let mut node_ids = BTreeSet::new();
    for pool in &pools {
        assert_eq!(pool["firewall_id"], nodes["id"], "[{cli}] pool {} carries the nodes' firewall", pool["id"]);
        node_ids.extend(pool["nodes"].as_array().unwrap().iter().map(|n| n["instance_id"].as_u64().unwrap()));
    }
    assert_eq!(node_ids.len(), 5, "[{cli}] 3 baseline and 2 GPU nodes");
    let devices = items(mock, &format!("/networking/firewalls/{}/devices", nodes["id"]));
    assert!(devices.iter().all(|d| d["entity"]["type"] == "linode"), "[{cli}] {devices:?}");
    let attached: BTreeSet<u64> = devices.iter().map(|d| d["entity"]["id"].as_u64().unwrap()).collect();
    assert_eq!(attached, node_ids, "[{cli}] the nodes' firewall protects every node and nothing else");
}

#[test]
fn platform_applies_on_every_terraform() {
    each_cli("the platform", |_| true, |cli| {
        let mock = Mock::start(&["--node-ready-delay-ms", "300", "--kubeconfig-delay-ms", "200"]);
        let wd = Workdir::new(cli, &paths::example("platform"), &mock);
        wd.init();
        wd.apply();
        assert_eq!(mock.counts(), expected_counts(), "[{}] emulator after apply", cli.name);
        check_edge(&mock, &cli.name);

        let again = wd.plan_exit_code();
        assert_eq!(again.code, 0, "[{}] second plan is not empty:\n{}", cli.name, again.all());

        let outputs = wd.outputs();
        assert!(outputs["cluster_id"]["value"].as_str().is_some_and(|s| !s.is_empty()), "{outputs}");
        assert_eq!(outputs["kubeconfig"]["sensitive"], true, "{outputs}");
        assert!(outputs["api_endpoints"]["value"].as_array().is_some_and(|a| !a.is_empty()), "{outputs}");
        assert!(outputs["nodebalancer"]["value"]["ipv4"].as_str().is_some_and(|s| s.contains('.')), "{outputs}");
        let edge = &outputs["edge"]["value"];
        assert_eq!(edge["ingress"]["inbound"], serde_json::json!(["ACCEPT TCP 80", "ACCEPT TCP 443"]), "{outputs}");
        let pools = edge["nodes"]["pools"].as_object().expect("pools");
        assert!(pools.values().all(|f| f.to_string().trim_matches('"') == edge["nodes"]["id"].as_str().unwrap()), "{outputs}");
        let buckets = outputs["bucket_endpoints"]["value"].as_object().expect("bucket endpoints");
        assert_eq!(buckets.len(), 3, "{outputs}");
        let missing = outputs["secrets_missing"]["value"].as_array().expect("secrets_missing");
        assert_eq!(missing.len(), 6, "no bundle key is in the fresh store yet: {outputs}");

        wd.destroy();
        mock.assert_empty();
    });
}
