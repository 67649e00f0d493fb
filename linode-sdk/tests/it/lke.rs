//! LKE: exact requests and realistic responses.

use std::time::Duration;

use linode_sdk::models::lke::*;
use linode_sdk::models::Nullable;
use linode_sdk::{Client, ListParams, RetryPolicy, WaitOptions};
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{TOKEN, page, setup};

fn cluster_json() -> serde_json::Value {
    json!({
        "id": 4242, "label": "fr-par-prod", "region": "fr-par", "k8s_version": "1.31", "tier": "standard",
        "status": "not_ready", "tags": ["prod"], "created": "2025-01-02T03:04:05", "updated": "2025-01-02T03:04:05",
        "control_plane": {"high_availability": true, "audit_logs_enabled": false},
        "apl_enabled": false, "vpc_id": null, "subnet_id": null, "stack_type": "ipv4", "locks": []
    })
}

fn pool_json(id: u64, count: u32, ready: u32) -> serde_json::Value {
    let nodes: Vec<_> = (0..count)
        .map(|i| json!({"id": format!("{id}-{i:04x}aa"), "instance_id": 1000 + i, "status": if i < ready {"ready"} else {"not_ready"}}))
        .collect();
    json!({"id": id, "type": "g6-standard-8", "count": count, "nodes": nodes,
           "autoscaler": {"enabled": true, "min": 3, "max": 10}, "disks": [], "labels": {"tier": "web"},
           "taints": [{"key": "gpu", "value": "true", "effect": "NoSchedule"}], "tags": [], "disk_encryption": "enabled",
           "update_strategy": "rolling_update"})
}

#[tokio::test]
async fn create_the_fr_par_cluster_sends_the_exact_body() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v4/lke/clusters"))
        .and(body_json(json!({
            "label": "fr-par-prod", "region": "fr-par", "k8s_version": "1.31",
            "node_pools": [
                {"type": "g6-standard-8", "count": 3, "autoscaler": {"enabled": true, "min": 3, "max": 10}},
                {"type": "g1-gpu-rtx6000-1", "count": 2}
            ],
            "tags": ["prod"],
            "control_plane": {"high_availability": true}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(cluster_json()))
        .expect(1)
        .mount(&server)
        .await;
    let req = CreateLkeCluster {
        label: "fr-par-prod".into(),
        region: "fr-par".into(),
        k8s_version: "1.31".into(),
        node_pools: vec![CreateNodePool::new("g6-standard-8", 3).autoscale(3, 10), CreateNodePool::new("g1-gpu-rtx6000-1", 2)],
        tags: Some(vec!["prod".into()]),
        control_plane: Some(ControlPlaneOptions { high_availability: Some(true), ..Default::default() }),
        ..Default::default()
    };
    let c = client.lke().create(&req).await.unwrap();
    assert_eq!(c.id, 4242);
    assert_eq!(c.status, Some(LkeClusterStatus::NotReady));
    assert_eq!(c.tier, Some(LkeTier::Standard));
    assert_eq!(c.stack_type, Some(StackType::Ipv4));
    assert!(c.control_plane.high_availability);
    assert_eq!(c.created, "2025-01-02T03:04:05");
}

#[tokio::test]
async fn cluster_update_delete_and_actions() {
    let (server, client) = setup().await;
    Mock::given(method("PUT"))
        .and(path("/v4/lke/clusters/4242"))
        .and(body_json(json!({"k8s_version": "1.32", "tags": []})))
        .respond_with(ResponseTemplate::new(200).set_body_json(cluster_json()))
        .expect(1)
        .mount(&server)
        .await;
    for (verb, p) in [
        ("DELETE", "/v4/lke/clusters/4242"),
        ("POST", "/v4/lke/clusters/4242/recycle"),
        ("DELETE", "/v4/lke/clusters/4242/kubeconfig"),
        ("DELETE", "/v4/lke/clusters/4242/servicetoken"),
        ("DELETE", "/v4/lke/clusters/4242/control_plane_acl"),
        ("POST", "/v4/lke/clusters/4242/pools/7/recycle"),
        ("DELETE", "/v4/lke/clusters/4242/pools/7"),
        ("POST", "/v4/lke/clusters/4242/nodes/7-00aa/recycle"),
        ("DELETE", "/v4/lke/clusters/4242/nodes/7-00aa"),
    ] {
        Mock::given(method(verb)).and(path(p)).respond_with(ResponseTemplate::new(200).set_body_json(json!({}))).expect(1).mount(&server).await;
    }
    Mock::given(method("POST"))
        .and(path("/v4/lke/clusters/4242/regenerate"))
        .and(body_json(json!({"kubeconfig": true, "servicetoken": false})))
        .respond_with(ResponseTemplate::new(200).set_body_json(cluster_json()))
        .expect(1)
        .mount(&server)
        .await;
    let lke = client.lke();
    let upd = UpdateLkeCluster { k8s_version: Some("1.32".into()), tags: Some(vec![]), ..Default::default() };
    lke.update(4242, &upd).await.unwrap();
    lke.delete(4242).await.unwrap();
    lke.recycle(4242).await.unwrap();
    lke.delete_kubeconfig(4242).await.unwrap();
    lke.delete_service_token(4242).await.unwrap();
    lke.delete_control_plane_acl(4242).await.unwrap();
    lke.recycle_pool(4242, 7).await.unwrap();
    lke.delete_pool(4242, 7).await.unwrap();
    lke.recycle_node(4242, "7-00aa").await.unwrap();
    lke.delete_node(4242, "7-00aa").await.unwrap();
    lke.regenerate(4242, &RegenerateOptions { kubeconfig: true, servicetoken: false }).await.unwrap();
}

#[tokio::test]
async fn pools_crud() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v4/lke/clusters/4242/pools"))
        .and(body_json(json!({"type": "g6-standard-8", "count": 3, "taints": [{"key": "gpu", "value": "true", "effect": "NoSchedule"}], "update_strategy": "rolling_update"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(pool_json(7, 3, 0)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v4/lke/clusters/4242/pools/7"))
        .and(body_json(json!({"count": 5, "labels": {}, "firewall_id": null})))
        .respond_with(ResponseTemplate::new(200).set_body_json(pool_json(7, 5, 0)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v4/lke/clusters/4242/pools"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([pool_json(7, 3, 3), pool_json(8, 2, 1)]))))
        .mount(&server)
        .await;
    let create = CreateNodePool {
        taints: Some(vec![Taint { key: "gpu".into(), value: "true".into(), effect: TaintEffect::NoSchedule }]),
        update_strategy: Some(UpdateStrategy::RollingUpdate),
        ..CreateNodePool::new("g6-standard-8", 3)
    };
    let p = client.lke().create_pool(4242, &create).await.unwrap();
    assert_eq!(p.nodes.len(), 3);
    assert_eq!(p.nodes[0].id, "7-0000aa");
    assert_eq!(p.nodes[0].instance_id, Some(1000));
    assert_eq!(p.labels.get("tier").map(String::as_str), Some("web"));
    assert_eq!(p.disk_encryption, Some(DiskEncryption::Enabled));
    let upd = UpdateNodePool { count: Some(5), labels: Some(Default::default()), firewall_id: Nullable::Null, ..Default::default() };
    assert_eq!(client.lke().update_pool(4242, 7, &upd).await.unwrap().count, 5);
    let pools = client.lke().list_pools(4242, &ListParams::new()).await.unwrap();
    assert_eq!(pools.data.len(), 2);
}

#[tokio::test]
async fn nodes_kubeconfig_endpoints_dashboard_acl_versions() {
    let (server, client) = setup().await;
    let mounts = [
        ("/v4/lke/clusters/4242/nodes/7-00aa", json!({"id": "7-00aa", "instance_id": "1234", "status": "ready", "pool_id": 7})),
        ("/v4/lke/clusters/4242/kubeconfig", json!({"kubeconfig": "YXBpVmVyc2lvbjogdjE="})),
        ("/v4/lke/clusters/4242/api-endpoints", page(json!([{"endpoint": "https://abc.fr-par-1.linodelke.net:443"}]))),
        ("/v4/lke/clusters/4242/dashboard", json!({"url": "https://dash.example"})),
        ("/v4/lke/clusters/4242/control_plane_acl", json!({"acl": {"enabled": true, "addresses": {"ipv4": ["10.0.0.0/8"]}, "revision-id": "r1"}})),
        ("/v4/lke/versions", page(json!([{"id": "1.32"}, {"id": "1.31"}]))),
        ("/v4/lke/versions/1.31", json!({"id": "1.31"})),
        ("/v4/lke/tiers/enterprise/versions", page(json!([{"id": "v1.31.1+lke1", "tier": "enterprise"}]))),
        ("/v4/lke/tiers/standard/versions/1.31", json!({"id": "1.31", "tier": "standard"})),
        ("/v4/lke/types", page(json!([{"id": "lke-ha", "label": "LKE High Availability", "price": {"hourly": 0.09, "monthly": 60.0}, "region_prices": [{"id": "id-cgk", "hourly": 0.108, "monthly": 72.0}], "transfer": 0}]))),
    ];
    for (p, body) in mounts {
        Mock::given(method("GET")).and(path(p)).respond_with(ResponseTemplate::new(200).set_body_json(body)).expect(1).mount(&server).await;
    }
    Mock::given(method("PUT"))
        .and(path("/v4/lke/clusters/4242/control_plane_acl"))
        .and(body_json(json!({"acl": {"enabled": true, "addresses": {"ipv4": ["192.0.2.0/24"], "ipv6": []}}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"acl": {"enabled": true, "addresses": {"ipv4": ["192.0.2.0/24"], "ipv6": []}, "revision-id": "r2"}})))
        .expect(1)
        .mount(&server)
        .await;
    let lke = client.lke();
    let n = lke.get_node(4242, "7-00aa").await.unwrap();
    assert_eq!((n.instance_id, n.status, n.pool_id), (Some(1234), LkeNodeStatus::Ready, Some(7)));
    assert_eq!(lke.get_kubeconfig(4242).await.unwrap().kubeconfig, "YXBpVmVyc2lvbjogdjE=");
    assert_eq!(lke.list_api_endpoints(4242).await.unwrap().data[0].endpoint, "https://abc.fr-par-1.linodelke.net:443");
    assert_eq!(lke.get_dashboard_url(4242).await.unwrap().url, "https://dash.example");
    let acl = lke.get_control_plane_acl(4242).await.unwrap();
    assert_eq!(acl.revision_id.as_deref(), Some("r1"));
    assert_eq!(acl.addresses.unwrap().ipv4, vec!["10.0.0.0/8"]);
    let upd = UpdateControlPlaneAcl {
        acl: ControlPlaneAclOptions {
            enabled: Some(true),
            addresses: Some(AclAddresses { ipv4: vec!["192.0.2.0/24".into()], ipv6: vec![] }),
            revision_id: None,
        },
    };
    assert_eq!(lke.update_control_plane_acl(4242, &upd).await.unwrap().revision_id.as_deref(), Some("r2"));
    assert_eq!(lke.list_versions(&ListParams::new()).await.unwrap().data.len(), 2);
    assert_eq!(lke.get_version("1.31").await.unwrap().id, "1.31");
    assert_eq!(lke.list_tier_versions(&LkeTier::Enterprise, &ListParams::new()).await.unwrap().data[0].tier, LkeTier::Enterprise);
    assert_eq!(lke.get_tier_version(&LkeTier::Standard, "1.31").await.unwrap().tier, LkeTier::Standard);
    let types = lke.list_types(&ListParams::new()).await.unwrap();
    assert_eq!(types.data[0].region_prices[0].monthly, Some(72.0));
}

fn wait_client(server: &MockServer) -> Client {
    Client::builder().token(TOKEN).base_url(server.uri()).no_timeout().retry_policy(RetryPolicy::none()).build().unwrap()
}

fn fast_wait() -> WaitOptions {
    WaitOptions::with_timeout(Duration::from_secs(600)).poll(Duration::from_secs(5), Duration::from_secs(20))
}

#[tokio::test(start_paused = true)]
async fn wait_for_nodes_ready_polls_until_every_node_is_ready() {
    let server = MockServer::start().await;
    let p = "/v4/lke/clusters/4242/pools";
    for (ready_a, ready_b) in [(0, 0), (3, 1)] {
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([pool_json(7, 3, ready_a), pool_json(8, 2, ready_b)]))))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(p))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([pool_json(7, 3, 3), pool_json(8, 2, 2)]))))
        .mount(&server)
        .await;
    let pools = wait_client(&server).lke().wait_for_nodes_ready(4242, &fast_wait()).await.unwrap();
    assert!(pools.iter().flat_map(|p| &p.nodes).all(|n| n.status == LkeNodeStatus::Ready));
    assert_eq!(crate::common::hits(&server).await, 3);
}

#[tokio::test(start_paused = true)]
async fn wait_for_pool_count_and_timeout() {
    let server = MockServer::start().await;
    let p = "/v4/lke/clusters/4242/pools/7";
    Mock::given(method("GET")).and(path(p)).respond_with(ResponseTemplate::new(200).set_body_json(pool_json(7, 3, 3))).up_to_n_times(1).mount(&server).await;
    Mock::given(method("GET")).and(path(p)).respond_with(ResponseTemplate::new(502)).up_to_n_times(1).mount(&server).await;
    Mock::given(method("GET")).and(path(p)).respond_with(ResponseTemplate::new(200).set_body_json(pool_json(7, 5, 5))).mount(&server).await;
    let client = wait_client(&server);
    let pool = client.lke().wait_for_pool_count(4242, 7, 5, &fast_wait()).await.unwrap();
    assert_eq!(pool.nodes.len(), 5);
    let err = client
        .lke()
        .wait_for_pool_count(4242, 7, 9, &WaitOptions::with_timeout(Duration::from_secs(30)))
        .await
        .unwrap_err();
    match err {
        linode_sdk::Error::WaitTimeout { last_state, .. } => assert_eq!(last_state, "5 nodes, 5 ready, target 9"),
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn wait_for_kubeconfig_and_deletion() {
    let server = MockServer::start().await;
    let k = "/v4/lke/clusters/4242/kubeconfig";
    Mock::given(method("GET"))
        .and(path(k))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({"errors": [{"reason": "Cluster kubeconfig is not yet available"}]})))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path(k)).respond_with(ResponseTemplate::new(200).set_body_json(json!({"kubeconfig": "a3ViZQ=="}))).mount(&server).await;
    let c = "/v4/lke/clusters/4242";
    Mock::given(method("GET")).and(path(c)).respond_with(ResponseTemplate::new(200).set_body_json(cluster_json())).up_to_n_times(1).mount(&server).await;
    Mock::given(method("GET"))
        .and(path(c))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"errors": [{"reason": "Not found"}]})))
        .mount(&server)
        .await;
    let client = wait_client(&server);
    assert_eq!(client.lke().wait_for_kubeconfig(4242, &fast_wait()).await.unwrap().kubeconfig, "a3ViZQ==");
    client.lke().wait_for_deleted(4242, &fast_wait()).await.unwrap();
    assert_eq!(crate::common::hits(&server).await, 5);
}

#[tokio::test]
async fn pool_firewall_id_round_trips() {
    let (server, client) = setup().await;
    let mut with_fw = pool_json(7, 1, 1);
    with_fw["firewall_id"] = json!(9);
    Mock::given(method("POST"))
        .and(path("/v4/lke/clusters/4242/pools"))
        .and(body_json(json!({"type": "g6-standard-8", "count": 1, "firewall_id": 9})))
        .respond_with(ResponseTemplate::new(200).set_body_json(with_fw.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v4/lke/clusters/4242/pools/7"))
        .and(body_json(json!({"firewall_id": 10})))
        .respond_with(ResponseTemplate::new(200).set_body_json(with_fw))
        .expect(1)
        .mount(&server)
        .await;
    let create = CreateNodePool { firewall_id: Some(9), ..CreateNodePool::new("g6-standard-8", 1) };
    let p = client.lke().create_pool(4242, &create).await.unwrap();
    assert_eq!(p.firewall_id, Some(9));
    let upd = UpdateNodePool { firewall_id: Nullable::Value(10), ..Default::default() };
    client.lke().update_pool(4242, 7, &upd).await.unwrap();
}
