//! NodeBalancers: exact requests and realistic responses.

use futures::TryStreamExt;
use linode_sdk::ListParams;
use linode_sdk::models::Nullable;
use linode_sdk::models::nodebalancers::*;
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::common::{page, setup};

fn nb_json() -> serde_json::Value {
    json!({"id": 12345, "label": "balancer12345", "region": "fr-par", "hostname": "192-0-2-1.ip.linodeusercontent.com",
           "ipv4": "192.0.2.1", "ipv6": null, "client_conn_throttle": 0, "client_udp_sess_throttle": 0,
           "transfer": {"in": 28.91, "out": 3.32, "total": 32.23}, "tags": ["prod"], "type": "premium",
           "lke_cluster": {"id": 4242, "label": "fr-par-prod", "type": "lkecluster", "url": "/v4/lke/clusters/4242"},
           "created": "2024-01-01T00:00:00", "updated": "2024-01-01T00:00:00"})
}

fn config_json() -> serde_json::Value {
    json!({"id": 4567, "nodebalancer_id": 12345, "port": 443, "protocol": "https", "algorithm": "roundrobin",
           "stickiness": "http_cookie", "check": "http_body", "check_interval": 90, "check_timeout": 10, "check_attempts": 3,
           "check_path": "/health", "check_body": "ok", "check_passive": true, "proxy_protocol": "none",
           "cipher_suite": "recommended", "ssl_commonname": "www.example.com", "ssl_fingerprint": "00:01",
           "ssl_cert": "<REDACTED>", "ssl_key": "<REDACTED>", "nodes_status": {"up": 2, "down": 1}})
}

fn node_json(id: u64) -> serde_json::Value {
    json!({"id": id, "address": "192.168.210.120:80", "label": "node54321", "status": "UP", "weight": 50,
           "mode": "accept", "config_id": 4567, "nodebalancer_id": 12345})
}

#[tokio::test]
async fn nodebalancer_crud() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v4/nodebalancers"))
        .and(body_json(json!({
            "region": "fr-par", "label": "balancer12345", "tags": ["prod"], "firewall_id": 9, "type": "premium",
            "configs": [{"port": 80, "protocol": "http", "check": "connection",
                         "nodes": [{"address": "192.168.210.120:80", "label": "web1", "weight": 50, "mode": "accept"}]}]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(nb_json()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v4/nodebalancers/12345"))
        .and(body_json(json!({"label": "renamed", "client_conn_throttle": 10})))
        .respond_with(ResponseTemplate::new(200).set_body_json(nb_json()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE")).and(path("/v4/nodebalancers/12345")).respond_with(ResponseTemplate::new(200).set_body_json(json!({}))).expect(1).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/v4/nodebalancers/types"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([{"id": "nodebalancer", "label": "NodeBalancer", "price": {"hourly": 0.015, "monthly": 10.0}, "region_prices": [], "transfer": 0}]))))
        .mount(&server)
        .await;

    let req = CreateNodeBalancer {
        region: "fr-par".into(),
        label: Some("balancer12345".into()),
        tags: Some(vec!["prod".into()]),
        firewall_id: Some(9),
        plan: Some(NodeBalancerPlan::Premium),
        configs: Some(vec![CreateNodeBalancerConfig {
            config: NodeBalancerConfigOptions {
                port: Some(80),
                protocol: Some(Protocol::Http),
                check: Some(HealthCheck::Connection),
                ..Default::default()
            },
            nodes: Some(vec![CreateNodeBalancerNode {
                address: "192.168.210.120:80".into(),
                label: "web1".into(),
                weight: Some(50),
                mode: Some(NodeMode::Accept),
                subnet_id: None,
            }]),
        }]),
        ..Default::default()
    };
    let nb = client.nodebalancers().create(&req).await.unwrap();
    assert_eq!(nb.id, 12345);
    assert_eq!(nb.plan, Some(NodeBalancerPlan::Premium));
    assert_eq!(nb.transfer.total, Some(32.23));
    assert_eq!(nb.lke_cluster.unwrap().id, 4242);
    let upd = UpdateNodeBalancer { label: Some("renamed".into()), client_conn_throttle: Some(10), ..Default::default() };
    client.nodebalancers().update(12345, &upd).await.unwrap();
    client.nodebalancers().delete(12345).await.unwrap();
    assert_eq!(client.nodebalancers().list_types(&ListParams::new()).await.unwrap().data[0].price.monthly, Some(10.0));
}

#[tokio::test]
async fn configs_rebuild_and_nodes() {
    let (server, client) = setup().await;
    let base = "/v4/nodebalancers/12345/configs";
    Mock::given(method("GET")).and(path(format!("{base}/4567"))).respond_with(ResponseTemplate::new(200).set_body_json(config_json())).mount(&server).await;
    Mock::given(method("PUT"))
        .and(path(format!("{base}/4567")))
        .and(body_json(json!({"algorithm": "leastconn", "ssl_cert": null, "ssl_key": null})))
        .respond_with(ResponseTemplate::new(200).set_body_json(config_json()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{base}/4567/rebuild")))
        .and(body_json(json!({"port": 443, "protocol": "https", "nodes": [
            {"id": 1, "address": "192.168.210.120:80", "label": "keep"},
            {"address": "192.168.210.121:80", "label": "new", "weight": 10}
        ]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(config_json()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path(format!("{base}/4567/nodes"))).respond_with(ResponseTemplate::new(200).set_body_json(page(json!([node_json(1), node_json(2)])))).mount(&server).await;
    Mock::given(method("POST"))
        .and(path(format!("{base}/4567/nodes")))
        .and(body_json(json!({"address": "192.168.210.122:80", "label": "n3", "mode": "drain"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(node_json(3)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("{base}/4567/nodes/3")))
        .and(body_json(json!({"weight": 100})))
        .respond_with(ResponseTemplate::new(200).set_body_json(node_json(3)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE")).and(path(format!("{base}/4567/nodes/3"))).respond_with(ResponseTemplate::new(200).set_body_json(json!({}))).expect(1).mount(&server).await;
    Mock::given(method("DELETE")).and(path(format!("{base}/4567"))).respond_with(ResponseTemplate::new(200).set_body_json(json!({}))).expect(1).mount(&server).await;

    let nbs = client.nodebalancers();
    let c = nbs.get_config(12345, 4567).await.unwrap();
    assert_eq!((c.protocol.clone(), c.stickiness.clone(), c.check.clone()), (Protocol::Https, Stickiness::HttpCookie, HealthCheck::HttpBody));
    assert_eq!(c.nodes_status.down, 1);
    let upd = UpdateNodeBalancerConfig { algorithm: Some(Algorithm::LeastConn), ssl_cert: Nullable::Null, ssl_key: Nullable::Null, ..Default::default() };
    nbs.update_config(12345, 4567, &upd).await.unwrap();
    let rebuild = RebuildNodeBalancerConfig {
        config: NodeBalancerConfigOptions { port: Some(443), protocol: Some(Protocol::Https), ..Default::default() },
        nodes: vec![
            RebuildNodeBalancerNode { id: Some(1), node: CreateNodeBalancerNode { address: "192.168.210.120:80".into(), label: "keep".into(), ..Default::default() } },
            RebuildNodeBalancerNode { id: None, node: CreateNodeBalancerNode { address: "192.168.210.121:80".into(), label: "new".into(), weight: Some(10), ..Default::default() } },
        ],
    };
    nbs.rebuild_config(12345, 4567, &rebuild).await.unwrap();
    let nodes = nbs.list_nodes(12345, 4567, &ListParams::new()).await.unwrap();
    assert_eq!(nodes.data[1].status, NodeStatus::Up);
    let create = CreateNodeBalancerNode { address: "192.168.210.122:80".into(), label: "n3".into(), mode: Some(NodeMode::Drain), ..Default::default() };
    assert_eq!(nbs.create_node(12345, 4567, &create).await.unwrap().id, 3);
    nbs.update_node(12345, 4567, 3, &UpdateNodeBalancerNode { weight: Some(100), ..Default::default() }).await.unwrap();
    nbs.delete_node(12345, 4567, 3).await.unwrap();
    nbs.delete_config(12345, 4567).await.unwrap();
}

#[tokio::test]
async fn firewalls() {
    let (server, client) = setup().await;
    let fw = json!({"id": 9, "label": "fw", "status": "enabled", "tags": [], "created": "2024-01-01T00:00:00", "updated": "2024-01-01T00:00:00",
                    "rules": {"inbound_policy": "DROP", "outbound_policy": "ACCEPT", "fingerprint": "abc", "version": 2,
                              "inbound": [{"action": "ACCEPT", "protocol": "TCP", "ports": "443", "label": "https",
                                           "addresses": {"ipv4": ["0.0.0.0/0"], "ipv6": ["::/0"]}}], "outbound": []}});
    Mock::given(method("GET")).and(path("/v4/nodebalancers/12345/firewalls")).respond_with(ResponseTemplate::new(200).set_body_json(page(json!([fw.clone()])))).mount(&server).await;
    Mock::given(method("PUT"))
        .and(path("/v4/nodebalancers/12345/firewalls"))
        .and(body_json(json!({"firewall_ids": [9]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([fw]))))
        .expect(1)
        .mount(&server)
        .await;
    let list = client.nodebalancers().list_firewalls(12345, &ListParams::new()).await.unwrap();
    assert_eq!(list.data[0].status, FirewallStatus::Enabled);
    assert_eq!(list.data[0].rules.inbound[0].addresses.ipv6, vec!["::/0"]);
    let set = client.nodebalancers().update_firewalls(12345, &UpdateNodeBalancerFirewalls { firewall_ids: vec![9] }).await.unwrap();
    assert_eq!(set.data[0].id, 9);
}

#[tokio::test]
async fn vpc_configs() {
    let (server, client) = setup().await;
    let cfg = json!({"id": 3, "nodebalancer_id": 12345, "vpc_id": 10, "subnet_id": 20, "ipv4_range": "10.100.5.0/30", "ipv4_range_auto_assign": false});
    Mock::given(method("GET")).and(path("/v4/nodebalancers/12345/vpcs")).respond_with(ResponseTemplate::new(200).set_body_json(page(json!([cfg.clone()])))).expect(1).mount(&server).await;
    Mock::given(method("GET")).and(path("/v4/nodebalancers/12345/vpcs/3")).respond_with(ResponseTemplate::new(200).set_body_json(cfg)).expect(1).mount(&server).await;
    let list = client.nodebalancers().list_vpc_configs(12345, &ListParams::new()).await.unwrap();
    assert_eq!(list.data[0].subnet_id, 20);
    let one = client.nodebalancers().get_vpc_config(12345, 3).await.unwrap();
    assert_eq!(one.ipv4_range.as_deref(), Some("10.100.5.0/30"));
}

#[tokio::test]
async fn create_in_a_vpc_behind_a_firewall() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v4/nodebalancers"))
        .and(body_json(json!({"region": "fr-par", "firewall_id": 9, "type": "premium_40gb",
                              "vpcs": [{"subnet_id": 20, "ipv4_range": "10.0.0.64/30"}]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(nb_json()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v4/nodebalancers/12345/configs/4567/nodes"))
        .and(body_json(json!({"address": "10.0.0.2:80", "label": "vpc-node", "subnet_id": 20})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 5, "address": "10.0.0.2:80", "label": "vpc-node",
            "status": "Unknown", "weight": 100, "mode": "accept", "config_id": 4567, "nodebalancer_id": 12345, "vpc_config_id": 3})))
        .expect(1)
        .mount(&server)
        .await;
    let req = CreateNodeBalancer {
        region: "fr-par".into(),
        firewall_id: Some(9),
        plan: Some(NodeBalancerPlan::Premium40Gb),
        vpcs: Some(vec![NodeBalancerVpcOptions { subnet_id: 20, ipv4_range: Some("10.0.0.64/30".into()), ..Default::default() }]),
        ..Default::default()
    };
    client.nodebalancers().create(&req).await.unwrap();
    let node = CreateNodeBalancerNode { address: "10.0.0.2:80".into(), label: "vpc-node".into(), subnet_id: Some(20), ..Default::default() };
    let n = client.nodebalancers().create_node(12345, 4567, &node).await.unwrap();
    assert_eq!(n.vpc_config_id, Some(3));
    assert_eq!(n.status, NodeStatus::Other("Unknown".into()));
    let plain: NodeBalancerNode = serde_json::from_value(node_json(1)).unwrap();
    assert_eq!(plain.vpc_config_id, None);
}

#[tokio::test]
async fn vpc_config_streams_and_missing_config() {
    let (server, client) = setup().await;
    let cfg = json!({"id": 3, "nodebalancer_id": 12345, "vpc_id": 10, "subnet_id": 20, "ipv4_range": "10.0.0.64/30"});
    Mock::given(method("GET"))
        .and(path("/v4/nodebalancers/12345/vpcs"))
        .and(query_param("page_size", "500"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([cfg]))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v4/nodebalancers/12345/vpcs/4"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"errors": [{"reason": "Not found"}]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v4/nodebalancers/12345/firewalls"))
        .and(query_param("page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([{"id": 9, "label": "edge-fw", "status": "enabled",
            "rules": {"inbound": [], "inbound_policy": "DROP", "outbound": [], "outbound_policy": "ACCEPT"},
            "entities": [{"id": 12345, "type": "nodebalancer", "label": "balancer12345", "url": "/v4/nodebalancers/12345", "parent_entity": null}]}]))))
        .expect(1)
        .mount(&server)
        .await;
    let nbs = client.nodebalancers();
    let all: Vec<NodeBalancerVpcConfig> = nbs.list_all_vpc_configs(12345, ListParams::new()).try_collect().await.unwrap();
    assert_eq!((all[0].id, all[0].vpc_id, all[0].ipv4_range_auto_assign), (3, 10, None));
    assert!(nbs.get_vpc_config_opt(12345, 4).await.unwrap().is_none());
    let fws: Vec<Firewall> = nbs.list_all_firewalls(12345, ListParams::new()).try_collect().await.unwrap();
    assert_eq!(fws[0].entities[0].id, 12345);
    assert_eq!(fws[0].rules.inbound_policy, linode_sdk::models::firewalls::FirewallAction::Drop);
}

#[tokio::test]
async fn types_stream_with_a_filter() {
    let (server, client) = setup().await;
    let premium = json!({"id": "nodebalancer-premium", "label": "NodeBalancer Premium", "transfer": 0,
        "price": {"hourly": 0.045, "monthly": 30.0}, "region_prices": [{"id": "id-cgk", "hourly": 0.054, "monthly": 36.0}]});
    Mock::given(method("GET"))
        .and(path("/v4/nodebalancers/types"))
        .and(query_param("page", "1"))
        .and(query_param("page_size", "500"))
        .and(wiremock::matchers::header("X-Filter", r#"{"label":"NodeBalancer Premium"}"#))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([premium]))))
        .expect(1)
        .mount(&server)
        .await;
    let params = ListParams::new().page_size(500).filter(linode_sdk::Filter::new().eq("label", "NodeBalancer Premium"));
    let types: Vec<_> = client.nodebalancers().list_all_types(params).try_collect().await.unwrap();
    assert_eq!(types.len(), 1);
    assert_eq!((types[0].id.as_str(), types[0].price.monthly), ("nodebalancer-premium", Some(30.0)));
    assert_eq!(types[0].region_prices[0].id, "id-cgk");
}

#[tokio::test]
async fn stats_and_stats_not_yet_available() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v4/nodebalancers/12345/stats"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"title": "balancer12345 (12345) - day (5 min avg)",
            "data": {"connections": [[1526391300000.0, 0], [1526391600000.0, 3]],
                     "traffic": {"in": [[1526391300000.0, 1250.5]], "out": [[1526391300000.0, 80]]}}})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v4/nodebalancers/12346/stats"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"errors": [{"reason": "Stats are unavailable at this time."}]})))
        .expect(1)
        .mount(&server)
        .await;
    let stats = client.nodebalancers().get_stats(12345).await.unwrap();
    assert_eq!(stats.data.connections[1], [1526391600000.0, 3.0]);
    assert_eq!(stats.data.traffic.inbound[0][1], 1250.5);
    assert_eq!(stats.data.traffic.outbound.len(), 1);
    let err = client.nodebalancers().get_stats(12346).await.unwrap_err();
    assert!(err.is_bad_request());
    assert_eq!(err.api_error().unwrap().reasons().collect::<Vec<_>>(), ["Stats are unavailable at this time."]);
}
