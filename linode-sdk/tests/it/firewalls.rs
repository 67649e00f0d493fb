//! Cloud Firewalls: exact requests and realistic responses (shapes from Linode's recorded
//! traffic).

use futures::TryStreamExt;
use linode_sdk::models::firewalls::*;
use linode_sdk::{Filter, ListParams};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::common::{TOKEN, header_is, page, setup};

fn rules_json(version: u64) -> serde_json::Value {
    json!({"inbound": [{"protocol": "TCP", "addresses": {"ipv4": ["0.0.0.0/0"], "ipv6": ["::/0"]},
                        "action": "ACCEPT", "label": "https", "ports": "443"}],
           "inbound_policy": "DROP", "outbound": null, "outbound_policy": "ACCEPT",
           "version": version, "fingerprint": "7bcc0f03"})
}

fn firewall_json(entities: serde_json::Value) -> serde_json::Value {
    json!({"id": 9, "label": "edge-fw", "created": "2024-01-01T00:00:00", "updated": "2024-01-02T00:00:00",
           "status": "enabled", "rules": rules_json(1), "tags": ["prod"], "entities": entities})
}

fn device_json() -> serde_json::Value {
    json!({"id": 77, "created": "2024-01-01T00:00:00", "updated": "2024-01-01T00:00:00",
           "entity": {"id": 12345, "type": "nodebalancer", "label": "balancer12345",
                      "url": "/v4/nodebalancers/12345", "parent_entity": null}})
}

fn https_rule() -> FirewallRule {
    FirewallRule::new(
        FirewallAction::Accept,
        FirewallProtocol::Tcp,
        FirewallAddresses {
            ipv4: vec!["0.0.0.0/0".into()],
            ipv6: vec!["::/0".into()],
        },
    )
    .ports("443")
    .label("https")
}

#[tokio::test]
async fn create_sends_rules_and_devices() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v4/networking/firewalls"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "label": "edge-fw",
            "rules": {"inbound": [{"action": "ACCEPT", "protocol": "TCP", "ports": "443", "label": "https",
                                   "addresses": {"ipv4": ["0.0.0.0/0"], "ipv6": ["::/0"]}}],
                      "inbound_policy": "DROP", "outbound": [], "outbound_policy": "ACCEPT"},
            "tags": ["prod"],
            "devices": {"nodebalancers": [12345], "linode_interfaces": [3]}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(firewall_json(json!([
            {"id": 12345, "type": "nodebalancer", "label": "balancer12345", "url": "/v4/nodebalancers/12345", "parent_entity": null},
            {"id": 3, "type": "linode_interface", "label": null, "url": "/v4/linode/instances/5/interfaces/3",
             "parent_entity": {"id": 5, "type": "linode", "label": "web-1", "url": "/v4/linode/instances/5", "parent_entity": null}}
        ]))))
        .expect(1)
        .mount(&server)
        .await;
    let req = CreateFirewall {
        label: "edge-fw".into(),
        rules: FirewallRulesOptions {
            inbound: vec![https_rule()],
            inbound_policy: FirewallAction::Drop,
            outbound: vec![],
            outbound_policy: FirewallAction::Accept,
        },
        tags: Some(vec!["prod".into()]),
        devices: Some(FirewallDevices {
            nodebalancers: vec![12345],
            linode_interfaces: vec![3],
            ..Default::default()
        }),
    };
    let fw = client.firewalls().create(&req).await.unwrap();
    assert_eq!(fw.id, 9);
    assert_eq!(fw.status, FirewallStatus::Enabled);
    assert_eq!(fw.rules.inbound, vec![https_rule()]);
    assert!(
        fw.rules.outbound.is_empty(),
        "null outbound decodes as empty"
    );
    assert_eq!(fw.rules.version, Some(1));
    assert_eq!(fw.entities[0].kind, FirewallDeviceType::NodeBalancer);
    let parent = fw.entities[1].parent_entity.as_deref().unwrap();
    assert_eq!(
        (parent.id, parent.kind.clone()),
        (5, FirewallDeviceType::Linode)
    );
    assert_eq!(fw.entities[1].label, None);
}

#[tokio::test]
async fn list_get_update_delete() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v4/networking/firewalls"))
        .and(query_param("page", "2"))
        .and(header_is("x-filter", r#"{"label":"edge-fw"}"#))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"data": [firewall_json(json!([]))], "page": 2, "pages": 2, "results": 2}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v4/networking/firewalls/9"))
        .respond_with(ResponseTemplate::new(200).set_body_json(firewall_json(json!([]))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v4/networking/firewalls/10"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"errors": [{"reason": "Not found"}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v4/networking/firewalls/9"))
        .and(body_json(
            json!({"label": "edge-fw2", "status": "disabled", "tags": []}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(firewall_json(json!([]))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v4/networking/firewalls/9"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let fws = client.firewalls();
    let params = ListParams::new()
        .page(2)
        .filter(Filter::new().eq("label", "edge-fw"));
    let p = fws.list(&params).await.unwrap();
    assert_eq!(
        (p.page, p.results, p.data[0].label.as_str()),
        (2, 2, "edge-fw")
    );
    assert_eq!(fws.get(9).await.unwrap().tags, vec!["prod"]);
    assert!(fws.get_opt(10).await.unwrap().is_none());
    let upd = UpdateFirewall {
        label: Some("edge-fw2".into()),
        status: Some(FirewallStatus::Disabled),
        tags: Some(vec![]),
    };
    fws.update(9, &upd).await.unwrap();
    fws.delete(9).await.unwrap();
}

#[tokio::test]
async fn rules_get_and_replace() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v4/networking/firewalls/9/rules"))
        .respond_with(ResponseTemplate::new(200).set_body_json(rules_json(1)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v4/networking/firewalls/9/rules"))
        .and(body_json(json!({
            "inbound": [{"action": "ACCEPT", "protocol": "TCP", "ports": "443", "label": "https",
                         "addresses": {"ipv4": ["0.0.0.0/0"], "ipv6": ["::/0"]}}],
            "inbound_policy": "DROP",
            "outbound": [{"action": "DROP", "protocol": "IPENCAP", "addresses": {"ipv4": ["192.0.2.0/24"]},
                          "description": "no tunnels"}],
            "outbound_policy": "ACCEPT"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(rules_json(2)))
        .expect(1)
        .mount(&server)
        .await;
    let fws = client.firewalls();
    let mut rules: UpdateFirewallRules = fws.get_rules(9).await.unwrap().into();
    rules.outbound.push(FirewallRule {
        description: Some("no tunnels".into()),
        ..FirewallRule::new(
            FirewallAction::Drop,
            FirewallProtocol::Ipencap,
            FirewallAddresses {
                ipv4: vec!["192.0.2.0/24".into()],
                ipv6: vec![],
            },
        )
    });
    let updated = fws.update_rules(9, &rules).await.unwrap();
    assert_eq!(updated.version, Some(2));
    assert_eq!(updated.fingerprint.as_deref(), Some("7bcc0f03"));
}

#[tokio::test]
async fn devices_list_get_create_delete() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v4/networking/firewalls/9/devices"))
        .and(query_param("page", "1"))
        .and(query_param("page_size", "500"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([device_json()]))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v4/networking/firewalls/9/devices/77"))
        .respond_with(ResponseTemplate::new(200).set_body_json(device_json()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v4/networking/firewalls/9/devices/78"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"errors": [{"reason": "Not found"}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v4/networking/firewalls/9/devices"))
        .and(body_json(json!({"id": 12345, "type": "nodebalancer"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(device_json()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v4/networking/firewalls/9/devices/77"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let fws = client.firewalls();
    let all: Vec<FirewallDevice> = fws
        .list_all_devices(9, ListParams::new())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].entity.url, "/v4/nodebalancers/12345");
    assert_eq!(fws.get_device(9, 77).await.unwrap().entity.id, 12345);
    assert!(fws.get_device_opt(9, 78).await.unwrap().is_none());
    let created = fws
        .create_device(
            9,
            &CreateFirewallDevice {
                id: 12345,
                kind: FirewallDeviceType::NodeBalancer,
            },
        )
        .await
        .unwrap();
    assert_eq!(created.id, 77);
    fws.delete_device(9, 77).await.unwrap();
}

#[tokio::test]
async fn list_pages_and_settings() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v4/networking/firewalls/9/devices"))
        .and(query_param("page_size", "25"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([device_json()]))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v4/networking/firewalls/settings"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"default_firewall_ids":
            {"linode": 9, "nodebalancer": 9, "public_interface": null, "vpc_interface": null}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let devices = client
        .firewalls()
        .list_devices(9, &ListParams::new().page_size(25))
        .await
        .unwrap();
    assert_eq!(
        devices.data[0].entity.kind,
        FirewallDeviceType::NodeBalancer
    );
    let settings = client.firewalls().get_settings().await.unwrap();
    assert_eq!(settings.default_firewall_ids.nodebalancer, Some(9));
    assert_eq!(settings.default_firewall_ids.vpc_interface, None);
}

#[tokio::test]
async fn stream_lists_every_firewall() {
    let (server, client) = setup().await;
    for (n, id) in [(1u32, 9u64), (2, 10)] {
        let mut fw = firewall_json(json!([]));
        fw["id"] = json!(id);
        Mock::given(method("GET"))
            .and(path("/v4/networking/firewalls"))
            .and(query_param("page", n.to_string().as_str()))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"data": [fw], "page": n, "pages": 2, "results": 2})),
            )
            .expect(1)
            .mount(&server)
            .await;
    }
    let all: Vec<Firewall> = client
        .firewalls()
        .list_all(ListParams::new())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.iter().map(|f| f.id).collect::<Vec<_>>(), vec![9, 10]);
}
