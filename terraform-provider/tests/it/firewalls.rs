//! Tests of the firewalls family: linode_firewall, linode_firewall_device and the firewall data
//! sources.

use linode_sdk::models::firewalls::{
    CreateFirewall, FirewallAction, FirewallAddresses, FirewallProtocol, FirewallRule,
    FirewallRulesOptions,
};
use linode_sdk::models::lke::{CreateLkeCluster, CreateNodePool};
use linode_sdk::models::nodebalancers::CreateNodeBalancer;
use linode_sdk::{Client, ListParams};
use tfplugin::Value;

use crate::support::{self, api_calls, assert_error_on, assert_no_errors, sdk, obj, get, id_of};

fn strings(items: &[&str]) -> Value {
    Value::list(items.iter().map(|s| Value::from(*s)))
}

fn rule(label: &str, protocol: &str, ports: Option<&str>, ipv4: &[&str]) -> Value {
    obj(&[
        ("label", Value::from(label)),
        ("action", Value::from("ACCEPT")),
        ("protocol", Value::from(protocol)),
        ("ports", ports.map_or(Value::Null, Value::from)),
        (
            "ipv4",
            if ipv4.is_empty() {
                Value::Null
            } else {
                strings(ipv4)
            },
        ),
    ])
}

fn firewall(label: &str, inbound: Vec<Value>, extra: &[(&str, Value)]) -> Value {
    let mut pairs = vec![
        ("label", Value::from(label)),
        ("inbound_policy", Value::from("DROP")),
        ("outbound_policy", Value::from("ACCEPT")),
        ("inbound", Value::list(inbound)),
    ];
    pairs.extend(extra.iter().cloned());
    obj(&pairs)
}

async fn balancer(client: &Client, label: &str) -> u64 {
    let body = CreateNodeBalancer {
        region: "fr-par".into(),
        label: Some(label.into()),
        ..Default::default()
    };
    client
        .nodebalancers()
        .create(&body)
        .await
        .expect("create nodebalancer")
        .id
}

fn rule_labels(state: &Value, direction: &str) -> Vec<String> {
    get(state, direction)
        .as_elements()
        .unwrap_or_default()
        .iter()
        .map(|r| {
            r.get("label")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn firewall_lifecycle_keeps_rule_order_and_detects_drift() {
    let env = support::setup().await;
    let client = sdk(&env);
    let nb = balancer(&client, "edge-lb").await as i64;
    let web = rule("allow-https", "TCP", Some("443"), &["0.0.0.0/0"]);
    let ssh = rule("allow-ssh", "TCP", Some("22,2222"), &["192.0.2.10"]);
    let config = firewall(
        "edge-fw",
        vec![web.clone(), ssh.clone()],
        &[
            ("nodebalancers", Value::set([Value::from(nb)])),
            ("tags", Value::set([Value::from("Edge")])),
        ],
    );
    let state = env
        .h
        .create("linode_firewall", config.clone())
        .await
        .expect_ok();
    let id = id_of(&state);
    assert_eq!(rule_labels(&state, "inbound"), ["allow-https", "allow-ssh"]);
    assert_eq!(get(&state, "status"), &Value::from("enabled"));
    assert_eq!(get(&state, "disabled"), &Value::from(false));
    assert_eq!(get(&state, "nodebalancers"), &Value::set([Value::from(nb)]));
    assert!(
        get(&state, "created").as_str().unwrap().ends_with('Z'),
        "RFC 3339 like the official provider"
    );
    let devices = get(&state, "devices").as_elements().unwrap().to_vec();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].get("type"), Some(&Value::from("nodebalancer")));
    assert_eq!(devices[0].get("entity_id"), Some(&Value::from(nb)));
    let stored = client.firewalls().get(id).await.unwrap();
    assert_eq!(stored.rules.inbound[1].ports.as_deref(), Some("22,2222"));
    assert_eq!(stored.rules.inbound_policy, FirewallAction::Drop);

    // The API's form of the same values (single address as /32, ports respaced) is no change.
    let mut rules = FirewallRulesOptions::from(stored.rules.clone());
    rules.inbound[1].ports = Some("22, 2222".into());
    rules.inbound[1].addresses.ipv4 = vec!["192.0.2.10/32".into()];
    client.firewalls().update_rules(id, &rules).await.unwrap();
    let refreshed = env.h.read("linode_firewall", &state).await.expect_ok();
    let plan = env
        .h
        .plan_update("linode_firewall", &refreshed, config.clone())
        .await;
    assert_no_errors(&plan.diagnostics);
    assert!(!plan.has_changes(), "{:?}", plan.planned_state);

    // Reordered rules and a new policy are an in-place update, sent in the order written.
    let reordered = firewall(
        "edge-fw",
        vec![ssh.clone(), web.clone()],
        &[
            ("nodebalancers", Value::set([Value::from(nb)])),
            ("tags", Value::set([Value::from("Edge")])),
            (
                "outbound",
                Value::list([rule("dns-out", "UDP", Some("53"), &["0.0.0.0/0"])]),
            ),
        ],
    );
    let plan = env
        .h
        .plan_update("linode_firewall", &refreshed, reordered.clone())
        .await;
    assert_no_errors(&plan.diagnostics);
    assert!(plan.has_changes() && !plan.requires_replacement());
    assert_eq!(
        plan.planned_state.get("devices"),
        refreshed.get("devices"),
        "devices stay known when they do not change"
    );
    let updated = env.h.apply(&plan).await.expect_ok();
    assert_eq!(
        rule_labels(&updated, "inbound"),
        ["allow-ssh", "allow-https"]
    );
    let stored = client.firewalls().get(id).await.unwrap();
    let order: Vec<_> = stored
        .rules
        .inbound
        .iter()
        .map(|r| r.label.clone().unwrap_or_default())
        .collect();
    assert_eq!(order, ["allow-ssh", "allow-https"]);
    assert_eq!(stored.rules.outbound[0].protocol, FirewallProtocol::Udp);

    // Import round trip.
    let imported = env
        .h
        .import("linode_firewall", &id.to_string())
        .await
        .expect_ok();
    let plan = env
        .h
        .plan_update("linode_firewall", &imported, reordered.clone())
        .await;
    assert_no_errors(&plan.diagnostics);
    assert!(!plan.has_changes(), "{:?}", plan.planned_state);

    // A rule changed out of band is drift, and the plan puts it back.
    let mut rules = FirewallRulesOptions::from(stored.rules.clone());
    rules.inbound[1].ports = Some("8443".into());
    client.firewalls().update_rules(id, &rules).await.unwrap();
    let drifted = env.h.read("linode_firewall", &updated).await.expect_ok();
    assert_eq!(
        get(&drifted, "inbound").as_elements().unwrap()[1].get("ports"),
        Some(&Value::from("8443"))
    );
    let plan = env
        .h
        .plan_update("linode_firewall", &drifted, reordered.clone())
        .await;
    assert!(plan.has_changes() && !plan.requires_replacement());
    let fixed = env.h.apply(&plan).await.expect_ok();
    assert_eq!(
        client.firewalls().get(id).await.unwrap().rules.inbound[1]
            .ports
            .as_deref(),
        Some("443")
    );

    // A device detached out of band is drift too.
    let device = client
        .firewalls()
        .list_devices(id, &ListParams::new())
        .await
        .unwrap()
        .data[0]
        .id;
    client.firewalls().delete_device(id, device).await.unwrap();
    let detached = env.h.read("linode_firewall", &fixed).await.expect_ok();
    assert_eq!(get(&detached, "nodebalancers"), &Value::set([]));
    let plan = env
        .h
        .plan_update("linode_firewall", &detached, reordered.clone())
        .await;
    assert!(plan.has_changes());
    let reattached = env.h.apply(&plan).await.expect_ok();
    assert_eq!(
        get(&reattached, "nodebalancers"),
        &Value::set([Value::from(nb)])
    );

    // Disabled, then gone out of band: removed from state.
    let disabled = firewall(
        "edge-fw",
        vec![ssh, web],
        &[
            ("disabled", Value::from(true)),
            ("nodebalancers", Value::set([Value::from(nb)])),
        ],
    );
    let off = env
        .h
        .update("linode_firewall", &reattached, disabled)
        .await
        .expect_ok();
    assert_eq!(get(&off, "status"), &Value::from("disabled"));
    client.firewalls().delete(id).await.unwrap();
    assert!(
        env.h
            .read("linode_firewall", &off)
            .await
            .expect_ok()
            .is_null()
    );
    assert!(
        client
            .firewalls()
            .list(&ListParams::new())
            .await
            .unwrap()
            .data
            .is_empty()
    );
}

#[tokio::test]
async fn firewall_validation_errors_name_the_attribute() {
    let env = support::setup().await;
    let plan = |config: Value| env.h.plan_create("linode_firewall", config);
    let ok = rule("allow-web", "TCP", Some("80"), &["0.0.0.0/0"]);
    assert_no_errors(
        &plan(firewall("good-fw", vec![ok.clone()], &[]))
            .await
            .diagnostics,
    );

    let bad_cidr = rule("bad-cidr", "TCP", Some("80"), &["10.0.0.300/8"]);
    assert_error_on(
        &plan(firewall("fw-a", vec![ok.clone(), bad_cidr], &[]))
            .await
            .diagnostics,
        "inbound[1].ipv4",
    );
    let bad_ports = rule("bad-ports", "TCP", Some("80-70"), &["0.0.0.0/0"]);
    assert_error_on(
        &plan(firewall("fw-b", vec![bad_ports], &[]))
            .await
            .diagnostics,
        "inbound[0].ports",
    );
    let too_many = rule(
        "many",
        "TCP",
        Some("1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16"),
        &["0.0.0.0/0"],
    );
    assert_error_on(
        &plan(firewall("fw-c", vec![too_many], &[]))
            .await
            .diagnostics,
        "inbound[0].ports",
    );
    let icmp_ports = rule("ping", "ICMP", Some("8"), &["0.0.0.0/0"]);
    assert_error_on(
        &plan(firewall("fw-d", vec![icmp_ports], &[]))
            .await
            .diagnostics,
        "inbound[0].ports",
    );
    let bad_protocol = rule("any", "ALL", None, &["0.0.0.0/0"]);
    assert_error_on(
        &plan(firewall("fw-e", vec![bad_protocol], &[]))
            .await
            .diagnostics,
        "inbound[0].protocol",
    );
    let no_addresses = rule("nowhere", "TCP", Some("80"), &[]);
    assert_error_on(
        &plan(firewall("fw-f", vec![no_addresses], &[]))
            .await
            .diagnostics,
        "inbound[0].ipv4",
    );
    let mut bad_v6 = rule("v6", "TCP", Some("80"), &[]);
    if let Value::Object(m) = &mut bad_v6 {
        m.insert("ipv6".into(), strings(&["2001:db8::zz/32"]));
    }
    assert_error_on(
        &plan(firewall("fw-g", vec![bad_v6], &[])).await.diagnostics,
        "inbound[0].ipv6",
    );
    let policy = firewall(
        "fw-h",
        vec![ok.clone()],
        &[("inbound_policy", Value::from("REJECT"))],
    );
    assert_error_on(&plan(policy).await.diagnostics, "inbound_policy");
    assert_error_on(
        &plan(firewall("fw", vec![ok.clone()], &[]))
            .await
            .diagnostics,
        "label",
    );
    let rules: Vec<Value> = (0..26)
        .map(|i| rule(&format!("rule-{i}"), "TCP", Some("80"), &["0.0.0.0/0"]))
        .collect();
    assert_error_on(
        &plan(firewall("fw-i", rules, &[])).await.diagnostics,
        "inbound",
    );

    // An API refusal names the attribute too, and nothing was created.
    let missing = firewall(
        "fw-j",
        vec![ok],
        &[("nodebalancers", Value::set([Value::from(424242)]))],
    );
    let out = env.h.create("linode_firewall", missing).await;
    assert!(out.diagnostics.has_errors(), "{:?}", out.diagnostics);
    assert!(
        sdk(&env)
            .firewalls()
            .list(&ListParams::new())
            .await
            .unwrap()
            .data
            .is_empty()
    );
}

#[tokio::test]
async fn firewall_leaves_lke_attached_nodes_alone() {
    let env = support::setup().await;
    let client = sdk(&env);
    let config = firewall(
        "nodes-fw",
        vec![rule("kubelet", "TCP", Some("10250"), &["10.0.0.0/8"])],
        &[],
    );
    let state = env
        .h
        .create("linode_firewall", config.clone())
        .await
        .expect_ok();
    let id = id_of(&state);
    let cluster = CreateLkeCluster {
        label: "fw-lke".into(),
        region: "fr-par".into(),
        k8s_version: "1.33".into(),
        node_pools: vec![CreateNodePool {
            node_type: "g6-standard-2".into(),
            count: 2,
            firewall_id: Some(id),
            ..Default::default()
        }],
        ..Default::default()
    };
    client.lke().create(&cluster).await.expect("cluster");
    env.mock.settle();
    let refreshed = env.h.read("linode_firewall", &state).await.expect_ok();
    assert_eq!(
        get(&refreshed, "linodes").as_elements().map(<[Value]>::len),
        Some(2),
        "LKE attached the pool's nodes"
    );
    let plan = env
        .h
        .plan_update("linode_firewall", &refreshed, config.clone())
        .await;
    assert!(!plan.has_changes(), "{:?}", plan.planned_state);

    // A rule change does not touch the nodes' attachments.
    let changed = firewall(
        "nodes-fw",
        vec![rule("kubelet", "TCP", Some("10250"), &["10.0.0.0/16"])],
        &[],
    );
    let updated = env
        .h
        .update("linode_firewall", &refreshed, changed)
        .await
        .expect_ok();
    assert_eq!(get(&updated, "linodes"), get(&refreshed, "linodes"));
    assert_eq!(
        client
            .firewalls()
            .list_devices(id, &ListParams::new())
            .await
            .unwrap()
            .data
            .len(),
        2
    );
}

#[tokio::test]
async fn firewall_device_lifecycle_and_import() {
    let env = support::setup().await;
    let client = sdk(&env);
    let nb = balancer(&client, "device-lb").await as i64;
    let fw = env
        .h
        .create(
            "linode_firewall",
            firewall(
                "device-fw",
                vec![rule("web", "TCP", Some("80"), &["0.0.0.0/0"])],
                &[],
            ),
        )
        .await
        .expect_ok();
    let fw_id = id_of(&fw) as i64;
    let config = obj(&[
        ("firewall_id", Value::from(fw_id)),
        ("entity_id", Value::from(nb)),
        ("entity_type", Value::from("nodebalancer")),
    ]);
    let state = env
        .h
        .create("linode_firewall_device", config.clone())
        .await
        .expect_ok();
    let device = id_of(&state);
    assert_eq!(
        client
            .firewalls()
            .get_device(fw_id as u64, device)
            .await
            .unwrap()
            .entity
            .id as i64,
        nb
    );
    assert!(
        !env.h
            .plan_update("linode_firewall_device", &state, config.clone())
            .await
            .has_changes()
    );

    // The firewall, its nodebalancers unset, reads the attachment and plans no change.
    let fw_read = env.h.read("linode_firewall", &fw).await.expect_ok();
    assert_eq!(
        get(&fw_read, "nodebalancers"),
        &Value::set([Value::from(nb)])
    );

    let imported = env
        .h
        .import("linode_firewall_device", &format!("{fw_id},{device}"))
        .await
        .expect_ok();
    assert_eq!(imported, state);
    let bad = env
        .h
        .import("linode_firewall_device", &device.to_string())
        .await;
    assert!(
        bad.diagnostics
            .errors()
            .any(|d| d.detail.contains("<firewall_id>,<id>")),
        "{:?}",
        bad.diagnostics
    );

    let linode = obj(&[
        ("firewall_id", Value::from(fw_id)),
        ("entity_id", Value::from(nb)),
    ]);
    let plan = env
        .h
        .plan_update("linode_firewall_device", &state, linode)
        .await;
    assert!(
        plan.requires_replacement(),
        "entity_type defaults to linode: a new attachment"
    );

    client
        .firewalls()
        .delete_device(fw_id as u64, device)
        .await
        .unwrap();
    assert!(
        env.h
            .read("linode_firewall_device", &state)
            .await
            .expect_ok()
            .is_null()
    );
    let again = env
        .h
        .create("linode_firewall_device", config)
        .await
        .expect_ok();
    assert_no_errors(&env.h.destroy("linode_firewall_device", &again).await);
    assert!(
        client
            .firewalls()
            .list_devices(fw_id as u64, &ListParams::new())
            .await
            .unwrap()
            .data
            .is_empty()
    );
    let unknown = obj(&[
        ("firewall_id", Value::from(fw_id)),
        ("entity_id", Value::from(987_654)),
    ]);
    assert_error_on(
        &env.h
            .create("linode_firewall_device", unknown)
            .await
            .diagnostics,
        "entity_id",
    );
}

fn filter(name: &str, values: &[&str], match_by: Option<&str>) -> Value {
    obj(&[
        ("name", Value::from(name)),
        ("values", Value::set(values.iter().map(|v| Value::from(*v)))),
        ("match_by", match_by.map_or(Value::Null, Value::from)),
    ])
}

fn labels(state: &Value) -> Vec<String> {
    get(state, "firewalls")
        .as_elements()
        .unwrap()
        .iter()
        .map(|f| f.get("label").and_then(Value::as_str).unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn firewall_data_sources_read_filter_and_order_in_one_listing() {
    let env = support::setup().await;
    let client = sdk(&env);
    let nb = balancer(&client, "ds-lb").await;
    for (label, tags) in [
        ("web-a", vec!["web", "prod"]),
        ("web-b", vec!["web"]),
        ("db-main", vec!["prod"]),
    ] {
        let rule = FirewallRule::new(
            FirewallAction::Accept,
            FirewallProtocol::Tcp,
            FirewallAddresses {
                ipv4: vec!["0.0.0.0/0".into()],
                ipv6: vec![],
            },
        )
        .ports("443")
        .label("https");
        let body = CreateFirewall {
            label: label.into(),
            rules: FirewallRulesOptions {
                inbound: vec![rule],
                inbound_policy: FirewallAction::Drop,
                outbound_policy: FirewallAction::Accept,
                ..Default::default()
            },
            tags: Some(tags.into_iter().map(String::from).collect()),
            devices: (label == "web-a").then(|| linode_sdk::models::firewalls::FirewallDevices {
                nodebalancers: vec![nb],
                ..Default::default()
            }),
        };
        client.firewalls().create(&body).await.unwrap();
    }
    let web_a = client
        .firewalls()
        .list(&ListParams::new())
        .await
        .unwrap()
        .data[0]
        .id as i64;

    let one = env
        .h
        .read_data_source("linode_firewall", obj(&[("id", Value::from(web_a))]))
        .await
        .expect_ok();
    assert_eq!(get(&one, "label"), &Value::from("web-a"));
    assert_eq!(
        get(&one, "nodebalancers"),
        &Value::set([Value::from(nb as i64)])
    );
    let inbound = get(&one, "inbound").as_elements().unwrap()[0].clone();
    assert_eq!(inbound.get("ports"), Some(&Value::from("443")));
    assert_eq!(inbound.get("description"), Some(&Value::from("")));
    assert!(
        get(&one, "devices").as_elements().unwrap()[0]
            .get("id")
            .is_some_and(Value::is_known)
    );
    assert_error_on(
        &env.h
            .read_data_source("linode_firewall", obj(&[("id", Value::from(999))]))
            .await
            .diagnostics,
        "id",
    );

    let read = |filters: Vec<Value>, order_by: Option<&str>, order: Option<&str>| {
        env.h.read_data_source(
            "linode_firewalls",
            obj(&[
                ("filter", Value::set(filters)),
                ("order_by", order_by.map_or(Value::Null, Value::from)),
                ("order", order.map_or(Value::Null, Value::from)),
            ]),
        )
    };
    env.mock.clear_requests();
    let tagged = read(vec![filter("tags", &["prod"], None)], Some("label"), None)
        .await
        .expect_ok();
    assert_eq!(labels(&tagged), ["db-main", "web-a"]);
    assert_eq!(
        api_calls(&env.mock),
        1,
        "one paginated listing: {:?}",
        env.mock.requests()
    );
    let listed = get(&tagged, "firewalls").as_elements().unwrap()[1].clone();
    assert_eq!(
        listed.get("nodebalancers"),
        Some(&Value::set([Value::from(nb as i64)]))
    );
    assert_eq!(
        listed.get("inbound").and_then(Value::as_elements).unwrap()[0].get("ipv4"),
        Some(&Value::set([Value::from("0.0.0.0/0")]))
    );

    let sub = read(
        vec![filter("label", &["web"], Some("substring"))],
        Some("label"),
        Some("desc"),
    )
    .await
    .expect_ok();
    assert_eq!(labels(&sub), ["web-b", "web-a"]);
    let re = read(vec![filter("label", &["^db-"], Some("re"))], None, None)
        .await
        .expect_ok();
    assert_eq!(labels(&re), ["db-main"]);
    let both = read(
        vec![
            filter("tags", &["web"], None),
            filter("tags", &["prod"], None),
        ],
        None,
        None,
    )
    .await
    .expect_ok();
    assert_eq!(labels(&both), ["web-a"], "filters combine with AND");
    assert_error_on(
        &read(vec![filter("ports", &["443"], None)], None, None)
            .await
            .diagnostics,
        "filter",
    );
    assert_error_on(
        &read(vec![], Some("inbound"), None).await.diagnostics,
        "order_by",
    );
}

#[tokio::test]
async fn a_firewall_made_by_a_create_answered_500_is_adopted_once_and_a_same_label_one_never() {
    let env = support::setup().await;
    let client = sdk(&env);
    let config = firewall(
        "adopted-fw",
        vec![rule("web", "TCP", Some("80"), &["0.0.0.0/0"])],
        &[],
    );
    env.mock
        .set_faults(linode_mock::FaultConfig::apply_then_500_once(
            "POST",
            "/v4/networking/firewalls",
        ));
    let state = env.h.create("linode_firewall", config).await.expect_ok();
    let all = client
        .firewalls()
        .list(&ListParams::new())
        .await
        .unwrap()
        .data;
    assert_eq!(all.len(), 1, "no duplicate");
    assert_eq!(id_of(&state), all[0].id, "the firewall made is in state");

    // Another team's firewall with the label this configuration wants is left alone.
    let theirs = firewall(
        "adopted-fw",
        vec![rule("theirs", "UDP", Some("53"), &["0.0.0.0/0"])],
        &[],
    );
    env.mock
        .set_faults(linode_mock::FaultConfig::apply_then_500_once(
            "POST",
            "/v4/networking/firewalls",
        ));
    let out = env.h.create("linode_firewall", theirs).await;
    assert!(
        out.diagnostics.has_errors(),
        "the create fails instead of taking the existing firewall"
    );
    assert!(
        out.state.is_null() || out.state.get("id").is_none_or(Value::is_null),
        "nothing recorded in state"
    );
    let after = client
        .firewalls()
        .list(&ListParams::new())
        .await
        .unwrap()
        .data;
    assert_eq!(after.len(), 1);
    assert_eq!(
        after[0].rules.inbound[0].label.as_deref(),
        Some("web"),
        "untouched"
    );
}
