//! Never adopt what this apply did not create. The emulator's apply-then-500 fault carries out a
//! create and answers 500, the ambiguous failure after which the provider looks for what the
//! create made: it takes the object when this attempt made it, and leaves a same-name object
//! that existed before alone (the create then fails with the API's own answer).

use linode_mock::FaultConfig;
use linode_sdk::models::domains::{CreateDomain, DomainType};
use linode_sdk::models::nodebalancers::{CreateNodeBalancer, CreateNodeBalancerConfig, NodeBalancerConfigOptions};
use linode_sdk::models::object_storage::CreateObjectStorageKey;
use linode_sdk::{Client, ListParams};
use tfplugin::Value;

use crate::support::{self, sdk};

fn domain(name: &str) -> Value {
    Value::object([
        ("domain", Value::from(name)),
        ("type", Value::from("master")),
        ("soa_email", Value::from(format!("admin@{name}"))),
    ])
}

async fn domains_named(client: &Client, name: &str) -> Vec<u64> {
    let page = client.domains().list(&ListParams::new().page_size(500)).await.unwrap();
    page.data.iter().filter(|d| d.domain == name).map(|d| d.id).collect()
}

#[tokio::test]
async fn a_domain_made_by_a_create_answered_500_is_adopted_once() {
    let env = support::setup().await;
    env.mock.set_faults(FaultConfig::apply_then_500_once("POST", "/v4/domains"));
    let state = env.h.create("linode_domain", domain("adopt.example")).await.expect_ok();
    let ids = domains_named(&sdk(&env), "adopt.example").await;
    assert_eq!(ids.len(), 1, "no duplicate");
    assert_eq!(state.get("id").and_then(Value::as_str), Some(ids[0].to_string().as_str()), "the object made is in state");
}

#[tokio::test]
async fn a_same_name_domain_that_existed_before_is_never_adopted() {
    let env = support::setup().await;
    let theirs = sdk(&env)
        .domains()
        .create(&CreateDomain {
            domain: "theirs.example".into(),
            domain_type: DomainType::Master,
            soa_email: Some("ops@theirs.example".into()),
            description: Some("another team's".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    env.mock.set_faults(FaultConfig::apply_then_500_once("POST", "/v4/domains"));
    let out = env.h.create("linode_domain", domain("theirs.example")).await;
    assert!(out.diagnostics.has_errors(), "the create fails instead of taking the other team's domain");
    let detail = out.diagnostics.errors().map(|d| d.to_string()).collect::<String>();
    assert!(!detail.contains("500"), "the API's own answer, not the injected 500: {detail}");
    assert!(out.state.is_null() || out.state.get("id").is_none_or(Value::is_null), "nothing recorded in state");
    let after = sdk(&env).domains().get(theirs.id).await.unwrap();
    assert_eq!(after.description, "another team's", "untouched");
    assert_eq!(domains_named(&sdk(&env), "theirs.example").await, [theirs.id]);
}

#[tokio::test]
async fn a_config_on_a_port_taken_before_is_never_adopted_and_a_new_one_is() {
    let env = support::setup().await;
    let client = sdk(&env);
    let nb = client
        .nodebalancers()
        .create(&CreateNodeBalancer { region: "us-east".into(), label: Some("adopt-lb".into()), ..Default::default() })
        .await
        .unwrap();
    let existing = client
        .nodebalancers()
        .create_config(nb.id, &CreateNodeBalancerConfig {
            config: NodeBalancerConfigOptions { port: Some(80), ..Default::default() },
            nodes: None,
        })
        .await
        .unwrap();
    let config = |port: i64| Value::object([("nodebalancer_id", Value::from(nb.id as i64)), ("port", Value::from(port))]);
    let path = format!("/v4/nodebalancers/{}/configs", nb.id);

    env.mock.set_faults(FaultConfig::apply_then_500_once("POST", &path));
    let out = env.h.create("linode_nodebalancer_config", config(80)).await;
    assert!(out.diagnostics.has_errors(), "port 80 belongs to a config made before");
    let configs = client.nodebalancers().list_configs(nb.id, &ListParams::new()).await.unwrap().data;
    assert_eq!(configs.iter().map(|c| c.id).collect::<Vec<_>>(), [existing.id], "the existing config is untouched");

    env.mock.set_faults(FaultConfig::apply_then_500_once("POST", &path));
    let state = env.h.create("linode_nodebalancer_config", config(443)).await.expect_ok();
    let configs = client.nodebalancers().list_configs(nb.id, &ListParams::new()).await.unwrap().data;
    let made: Vec<_> = configs.iter().filter(|c| c.port == 443).collect();
    assert_eq!(made.len(), 1, "no duplicate");
    assert_eq!(state.get("id").and_then(Value::as_str), Some(made[0].id.to_string().as_str()));
}

#[tokio::test]
async fn a_key_made_by_a_failed_create_is_revoked_and_keys_made_before_are_kept() {
    let env = support::setup().await;
    let client = sdk(&env);
    let before = client
        .object_storage()
        .create_key(&CreateObjectStorageKey { label: "deploy".into(), ..Default::default() })
        .await
        .unwrap();
    env.mock.set_faults(FaultConfig::apply_then_500_once("POST", "/v4/object-storage/keys"));
    let state = env.h.create("linode_object_storage_key", Value::object([("label", Value::from("deploy"))])).await.expect_ok();
    let secret = state.get("secret_key").and_then(Value::as_str).unwrap_or_default();
    assert!(!secret.is_empty() && !secret.contains("REDACTED"), "the key in state has its secret");
    let keys = client.object_storage().list_keys(&ListParams::new()).await.unwrap().data;
    let labelled: Vec<u64> = keys.iter().filter(|k| k.label == "deploy").map(|k| k.id).collect();
    let id: u64 = state.get("id").and_then(Value::as_str).unwrap().parse().unwrap();
    assert_eq!(labelled.len(), 2, "the earlier key and the one in state; the orphan was revoked: {labelled:?}");
    assert!(labelled.contains(&before.id) && labelled.contains(&id));
}

#[tokio::test]
async fn a_record_made_by_a_create_answered_500_is_adopted_by_its_server_time() {
    let env = support::setup().await;
    let client = sdk(&env);
    let zone = client
        .domains()
        .create(&CreateDomain {
            domain: "records.example".into(),
            domain_type: DomainType::Master,
            soa_email: Some("ops@records.example".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    env.mock.set_faults(FaultConfig::apply_then_500_once("POST", &format!("/v4/domains/{}/records", zone.id)));
    let record = Value::object([
        ("domain_id", Value::from(zone.id as i64)),
        ("record_type", Value::from("A")),
        ("name", Value::from("www")),
        ("target", Value::from("192.0.2.10")),
    ]);
    let state = env.h.create("linode_domain_record", record).await.expect_ok();
    let records = client.domains().list_records(zone.id, &ListParams::new()).await.unwrap().data;
    let www: Vec<_> = records.iter().filter(|r| r.name == "www").collect();
    assert_eq!(www.len(), 1, "no duplicate");
    assert_eq!(state.get("id").and_then(Value::as_str), Some(www[0].id.to_string().as_str()));
}

#[tokio::test]
async fn a_cluster_with_the_same_label_made_before_is_never_adopted() {
    use linode_sdk::models::lke::{CreateLkeCluster, CreateNodePool};
    let env = support::setup().await;
    let client = sdk(&env);
    let theirs = client
        .lke()
        .create(&CreateLkeCluster {
            label: "shared-label".into(),
            region: "us-east".into(),
            k8s_version: "1.33".into(),
            node_pools: vec![CreateNodePool { node_type: "g6-standard-1".into(), count: 1, ..Default::default() }],
            ..Default::default()
        })
        .await
        .unwrap();
    env.mock.set_faults(FaultConfig::apply_then_500_once("POST", "/v4/lke/clusters"));
    let config = Value::object([
        ("label", Value::from("shared-label")),
        ("region", Value::from("us-east")),
        ("k8s_version", Value::from("1.33")),
        ("pool", Value::list([Value::object([("type", Value::from("g6-standard-1")), ("count", Value::from(1))])])),
    ]);
    let out = env.h.create("linode_lke_cluster", config).await;
    assert!(out.diagnostics.has_errors(), "the label belongs to a cluster made before");
    let clusters = client.lke().list(&ListParams::new()).await.unwrap().data;
    assert_eq!(clusters.iter().map(|c| c.id).collect::<Vec<_>>(), [theirs.id], "untouched, nothing created");
}
