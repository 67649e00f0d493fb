//! Tests of the nodebalancers family: linode_nodebalancer, linode_nodebalancer_config,
//! linode_nodebalancer_node and their data sources.

use futures::future::join_all;
use linode_sdk::models::nodebalancers::{
    CreateNodeBalancer, CreateNodeBalancerConfig, NodeBalancerConfigOptions,
    NodeBalancerVpcOptions, UpdateNodeBalancer, UpdateNodeBalancerFirewalls,
    UpdateNodeBalancerNode,
};
use linode_sdk::{Client, ListParams};
use tfplugin::Value;

use crate::support::{self, Env, api_calls, assert_error_on, assert_no_errors, sdk, obj, get, id_of};

const CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";
const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIEfake\n-----END PRIVATE KEY-----\n";

async fn nb_count(client: &Client) -> usize {
    client
        .nodebalancers()
        .list(&ListParams::new())
        .await
        .expect("list")
        .data
        .len()
}

async fn balancer(client: &Client, label: &str) -> u64 {
    client
        .nodebalancers()
        .create(&CreateNodeBalancer {
            region: "us-east".into(),
            label: Some(label.into()),
            ..Default::default()
        })
        .await
        .expect("create nodebalancer")
        .id
}

async fn port(client: &Client, nb: u64, port: u16) -> u64 {
    let body = CreateNodeBalancerConfig {
        config: NodeBalancerConfigOptions {
            port: Some(port),
            ..Default::default()
        },
        nodes: None,
    };
    client
        .nodebalancers()
        .create_config(nb, &body)
        .await
        .expect("create config")
        .id
}

#[tokio::test]
async fn nodebalancer_lifecycle() {
    let env = support::setup().await;
    let client = sdk(&env);
    let config = obj(&[
        ("label", Value::from("web-lb")),
        ("region", Value::from("fr-par")),
        ("client_conn_throttle", Value::from(5)),
        ("tags", Value::set([Value::from("Web")])),
    ]);
    let state = env
        .h
        .create("linode_nodebalancer", config.clone())
        .await
        .expect_ok();
    let id = id_of(&state);
    assert!(
        get(&state, "hostname")
            .as_str()
            .unwrap()
            .ends_with("ip.linodeusercontent.com")
    );
    assert!(get(&state, "ipv4").is_known() && get(&state, "created").is_known());
    assert_eq!(get(&state, "client_udp_sess_throttle"), &Value::from(0));
    assert_eq!(
        get(&state, "transfer").as_elements().map(<[Value]>::len),
        Some(1)
    );
    assert_eq!(get(&state, "firewalls"), &Value::list([]));

    let refreshed = env.h.read("linode_nodebalancer", &state).await.expect_ok();
    assert_eq!(refreshed, state);
    let plan = env
        .h
        .plan_update("linode_nodebalancer", &refreshed, config.clone())
        .await;
    assert_no_errors(&plan.diagnostics);
    assert!(!plan.has_changes(), "{:?}", plan.planned_state);

    // In place.
    let config2 = obj(&[
        ("label", Value::from("web-lb-2")),
        ("region", Value::from("fr-par")),
        ("client_conn_throttle", Value::from(10)),
        (
            "tags",
            Value::set([Value::from("Web"), Value::from("prod")]),
        ),
    ]);
    let plan = env
        .h
        .plan_update("linode_nodebalancer", &refreshed, config2.clone())
        .await;
    assert_no_errors(&plan.diagnostics);
    assert!(plan.has_changes() && !plan.requires_replacement());
    assert_eq!(
        plan.planned_state.get("ipv4"),
        state.get("ipv4"),
        "addresses stay known in the plan"
    );
    let updated = env.h.apply(&plan).await.expect_ok();
    assert_eq!(id_of(&updated), id);
    let stored = client.nodebalancers().get(id).await.unwrap();
    assert_eq!(
        (stored.label.as_str(), stored.client_conn_throttle),
        ("web-lb-2", 10)
    );

    // Import round trip.
    let imported = env
        .h
        .import("linode_nodebalancer", &id.to_string())
        .await
        .expect_ok();
    assert_eq!(get(&imported, "label"), &Value::from("web-lb-2"));
    let plan = env
        .h
        .plan_update("linode_nodebalancer", &imported, config2.clone())
        .await;
    assert_no_errors(&plan.diagnostics);
    assert!(!plan.has_changes(), "{:?}", plan.planned_state);

    // A new region replaces it.
    let moved = obj(&[
        ("label", Value::from("web-lb-2")),
        ("region", Value::from("us-ord")),
    ]);
    let plan = env
        .h
        .plan_update("linode_nodebalancer", &updated, moved)
        .await;
    assert_no_errors(&plan.diagnostics);
    assert!(plan.requires_replacement());
    let replaced = env.h.apply(&plan).await.expect_ok();
    assert_ne!(id_of(&replaced), id);
    assert_eq!(get(&replaced, "region"), &Value::from("us-ord"));
    assert!(client.nodebalancers().get_opt(id).await.unwrap().is_none());
    assert_no_errors(&env.h.destroy("linode_nodebalancer", &replaced).await);
    assert_eq!(nb_count(&client).await, 0);
}

#[tokio::test]
async fn nodebalancer_defaults_out_of_band_and_404() {
    let env = support::setup().await;
    let client = sdk(&env);
    let config = obj(&[("label", Value::from("defaults"))]);
    let state = env
        .h
        .create("linode_nodebalancer", config.clone())
        .await
        .expect_ok();
    assert_eq!(
        get(&state, "region"),
        &Value::from("us-east"),
        "the official default region"
    );
    assert_eq!(get(&state, "client_conn_throttle"), &Value::from(0));
    assert_eq!(get(&state, "tags"), &Value::set([]));
    let id = id_of(&state);

    client
        .nodebalancers()
        .update(
            id,
            &UpdateNodeBalancer {
                client_conn_throttle: Some(7),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let refreshed = env.h.read("linode_nodebalancer", &state).await.expect_ok();
    assert_eq!(get(&refreshed, "client_conn_throttle"), &Value::from(7));
    let plan = env
        .h
        .plan_update("linode_nodebalancer", &refreshed, config)
        .await;
    assert!(plan.has_changes() && !plan.requires_replacement());
    assert_eq!(
        plan.planned_state.get("client_conn_throttle"),
        Some(&Value::from(0))
    );

    client.nodebalancers().delete(id).await.unwrap();
    assert!(
        env.h
            .read("linode_nodebalancer", &refreshed)
            .await
            .expect_ok()
            .is_null()
    );
}

#[tokio::test]
async fn nodebalancer_validation_errors_name_the_attribute() {
    let env = support::setup().await;
    let client = sdk(&env);
    let cases = [
        (
            obj(&[
                ("label", Value::from("lb-1")),
                ("region", Value::from("mars-1")),
            ]),
            "region",
        ),
        (obj(&[("label", Value::from("ab"))]), "label"),
        (obj(&[("label", Value::from("bad label!"))]), "label"),
        (
            obj(&[
                ("label", Value::from("lb-1")),
                ("client_conn_throttle", Value::from(21)),
            ]),
            "client_conn_throttle",
        ),
        (
            obj(&[
                ("label", Value::from("lb-1")),
                ("client_udp_sess_throttle", Value::from(-1)),
            ]),
            "client_udp_sess_throttle",
        ),
    ];
    for (config, attr) in cases {
        let out = env.h.create("linode_nodebalancer", config).await;
        assert_error_on(&out.diagnostics, attr);
    }
    let unknown_region = obj(&[("label", Value::from("lb-1")), ("region", Value::unknown())]);
    assert_no_errors(
        &env.h
            .plan_create("linode_nodebalancer", unknown_region)
            .await
            .diagnostics,
    );
    assert_eq!(nb_count(&client).await, 0, "nothing was created");
}

#[tokio::test]
async fn nodebalancer_state_upgrade_from_version_0() {
    let env = support::setup().await;
    let v0 = r#"{"id":"42","label":"old-lb","region":"us-east","client_conn_throttle":3,
        "hostname":"h","ipv4":"192.0.2.1","ipv6":"2001:db8::1","created":"2020-01-01T00:00:00",
        "updated":"2020-01-01T00:00:00","tags":["a-tag"],"transfer":{"in":1.5,"out":"2.5","total":4}}"#;
    let out = env
        .h
        .upgrade_state("linode_nodebalancer", 0, v0)
        .await
        .expect_ok();
    assert_eq!(
        get(&out, "transfer"),
        &Value::list([Value::object([
            ("in", Value::from(1.5)),
            ("out", Value::from(2.5)),
            ("total", Value::from(4.0)),
        ])])
    );
    assert_eq!(get(&out, "client_conn_throttle"), &Value::from(3));
}

#[tokio::test]
async fn config_lifecycle_keeps_redacted_secrets() {
    let env = support::setup().await;
    let client = sdk(&env);
    let nb = balancer(&client, "cfg-lb").await;
    let https = obj(&[
        ("nodebalancer_id", Value::from(nb)),
        ("port", Value::from(443)),
        ("protocol", Value::from("https")),
        ("ssl_cert", Value::from(CERT)),
        ("ssl_key", Value::from(KEY)),
        ("check", Value::from("connection")),
    ]);
    let state = env
        .h
        .create("linode_nodebalancer_config", https.clone())
        .await
        .expect_ok();
    let id = id_of(&state);
    assert_eq!(
        get(&state, "ssl_key"),
        &Value::from(KEY),
        "the configured key is kept"
    );
    assert_eq!(get(&state, "algorithm"), &Value::from("roundrobin"));
    assert_eq!(
        get(&state, "node_status"),
        &Value::list([Value::object([
            ("up", Value::from(0)),
            ("down", Value::from(0))
        ])])
    );
    let stored = client.nodebalancers().get_config(nb, id).await.unwrap();
    assert_eq!(stored.ssl_key.as_deref(), Some("<REDACTED>"));

    let refreshed = env
        .h
        .read("linode_nodebalancer_config", &state)
        .await
        .expect_ok();
    assert_eq!(refreshed, state);
    let plan = env
        .h
        .plan_update("linode_nodebalancer_config", &refreshed, https.clone())
        .await;
    assert_no_errors(&plan.diagnostics);
    assert!(!plan.has_changes(), "{:?}", plan.planned_state);

    // In place: health checks.
    let mut checked = https.clone();
    *checked.get_mut("check").unwrap() = Value::from("http");
    if let Value::Object(m) = &mut checked {
        m.insert("check_path".into(), Value::from("/healthz"));
        m.insert("check_attempts".into(), Value::from(5));
    }
    let plan = env
        .h
        .plan_update("linode_nodebalancer_config", &refreshed, checked.clone())
        .await;
    assert_no_errors(&plan.diagnostics);
    assert!(plan.has_changes() && !plan.requires_replacement());
    let updated = env.h.apply(&plan).await.expect_ok();
    assert_eq!(id_of(&updated), id);
    let stored = client.nodebalancers().get_config(nb, id).await.unwrap();
    assert_eq!(
        (stored.check_path.as_deref(), stored.check_attempts),
        (Some("/healthz"), 5)
    );

    // Out of band, then refreshed.
    let oob = NodeBalancerConfigOptions {
        check_attempts: Some(9),
        ..Default::default()
    };
    client
        .nodebalancers()
        .update_config(nb, id, &oob)
        .await
        .unwrap();
    let refreshed = env
        .h
        .read("linode_nodebalancer_config", &updated)
        .await
        .expect_ok();
    assert_eq!(get(&refreshed, "check_attempts"), &Value::from(9));
    assert_eq!(get(&refreshed, "ssl_key"), &Value::from(KEY));
    assert!(
        env.h
            .plan_update("linode_nodebalancer_config", &refreshed, checked.clone())
            .await
            .has_changes()
    );

    // Import: everything but the secrets the API never returns.
    let imported = env
        .h
        .import("linode_nodebalancer_config", &format!("{nb},{id}"))
        .await
        .expect_ok();
    assert_eq!(get(&imported, "port"), &Value::from(443));
    assert_eq!(get(&imported, "protocol"), &Value::from("https"));
    assert_eq!(get(&imported, "ssl_key"), &Value::Null);
    let bad = env.h.import("linode_nodebalancer_config", "1,2,3").await;
    assert!(
        bad.diagnostics
            .errors()
            .any(|d| d.detail.contains("<nodebalancer_id>,<id>")),
        "{:?}",
        bad.diagnostics
    );

    // Another NodeBalancer replaces the config.
    let nb2 = balancer(&client, "cfg-lb-2").await;
    let mut moved = checked.clone();
    *moved.get_mut("nodebalancer_id").unwrap() = Value::from(nb2);
    let plan = env
        .h
        .plan_update("linode_nodebalancer_config", &refreshed, moved)
        .await;
    assert!(plan.requires_replacement());
    let replaced = env.h.apply(&plan).await.expect_ok();
    assert!(
        client
            .nodebalancers()
            .get_config_opt(nb, id)
            .await
            .unwrap()
            .is_none()
    );

    // Deleted out of band.
    client
        .nodebalancers()
        .delete_config(nb2, id_of(&replaced))
        .await
        .unwrap();
    assert!(
        env.h
            .read("linode_nodebalancer_config", &replaced)
            .await
            .expect_ok()
            .is_null()
    );
}

#[tokio::test]
async fn config_reads_share_one_listing_and_validate() {
    let env = support::setup().await;
    let client = sdk(&env);
    let nb = balancer(&client, "many-ports").await;
    let mut states = Vec::new();
    for p in 0..20u16 {
        let config = obj(&[
            ("nodebalancer_id", Value::from(nb)),
            ("port", Value::from(8000 + p)),
        ]);
        states.push(
            env.h
                .create("linode_nodebalancer_config", config)
                .await
                .expect_ok(),
        );
    }
    env.mock.clear_requests();
    let outcomes = join_all(
        states
            .iter()
            .map(|s| env.h.read("linode_nodebalancer_config", s)),
    )
    .await;
    for (before, after) in states.iter().zip(outcomes) {
        assert_eq!(&after.expect_ok(), before);
    }
    assert!(
        api_calls(&env.mock) <= 2,
        "20 config reads cost {} calls",
        api_calls(&env.mock)
    );

    let cases = [
        (
            obj(&[
                ("nodebalancer_id", Value::from(nb)),
                ("protocol", Value::from("ftp")),
            ]),
            "protocol",
        ),
        (
            obj(&[
                ("nodebalancer_id", Value::from(nb)),
                ("port", Value::from(70000)),
            ]),
            "port",
        ),
        (
            obj(&[
                ("nodebalancer_id", Value::from(nb)),
                ("check_timeout", Value::from(31)),
            ]),
            "check_timeout",
        ),
        (
            obj(&[
                ("nodebalancer_id", Value::from(nb)),
                ("algorithm", Value::from("random")),
            ]),
            "algorithm",
        ),
        (
            obj(&[
                ("nodebalancer_id", Value::from(nb)),
                ("stickiness", Value::from("forever")),
            ]),
            "stickiness",
        ),
        (
            obj(&[
                ("nodebalancer_id", Value::from(nb)),
                ("protocol", Value::from("https")),
                ("ssl_cert", Value::from(CERT)),
            ]),
            "ssl_key",
        ),
        (
            obj(&[
                ("nodebalancer_id", Value::from(nb)),
                ("protocol", Value::from("https")),
            ]),
            "ssl_cert",
        ),
    ];
    for (config, attr) in cases {
        assert_error_on(
            &env.h
                .create("linode_nodebalancer_config", config)
                .await
                .diagnostics,
            attr,
        );
    }
    let configs = client
        .nodebalancers()
        .list_configs(nb, &ListParams::new())
        .await
        .unwrap();
    assert_eq!(configs.data.len(), 20, "nothing more was created");
}

#[tokio::test]
async fn node_lifecycle_and_validation() {
    let env = support::setup().await;
    let client = sdk(&env);
    let nb = balancer(&client, "node-lb").await;
    let cfg = port(&client, nb, 80).await;
    let config = obj(&[
        ("nodebalancer_id", Value::from(nb)),
        ("config_id", Value::from(cfg)),
        ("label", Value::from("backend-1")),
        ("address", Value::from("192.168.10.5:80")),
        ("weight", Value::from(50)),
    ]);
    let state = env
        .h
        .create("linode_nodebalancer_node", config.clone())
        .await
        .expect_ok();
    let id = id_of(&state);
    assert_eq!(get(&state, "mode"), &Value::from("accept"));
    assert!(get(&state, "status").is_known());
    let refreshed = env
        .h
        .read("linode_nodebalancer_node", &state)
        .await
        .expect_ok();
    assert_eq!(refreshed, state);
    assert!(
        !env.h
            .plan_update("linode_nodebalancer_node", &refreshed, config.clone())
            .await
            .has_changes()
    );

    // In place.
    let mut drained = config.clone();
    *drained.get_mut("weight").unwrap() = Value::from(10);
    if let Value::Object(m) = &mut drained {
        m.insert("mode".into(), Value::from("drain"));
    }
    let plan = env
        .h
        .plan_update("linode_nodebalancer_node", &refreshed, drained.clone())
        .await;
    assert_no_errors(&plan.diagnostics);
    assert!(plan.has_changes() && !plan.requires_replacement());
    let updated = env.h.apply(&plan).await.expect_ok();
    assert_eq!(id_of(&updated), id);
    let stored = client.nodebalancers().get_node(nb, cfg, id).await.unwrap();
    assert_eq!((stored.weight, stored.mode.as_str()), (10, "drain"));

    // The config's node counts follow.
    let cfg_state = env
        .h
        .import("linode_nodebalancer_config", &format!("{nb},{cfg}"))
        .await
        .expect_ok();
    assert_eq!(
        get(&cfg_state, "node_status"),
        &Value::list([Value::object([
            ("up", Value::from(1)),
            ("down", Value::from(0))
        ])])
    );

    // Out of band.
    client
        .nodebalancers()
        .update_node(
            nb,
            cfg,
            id,
            &UpdateNodeBalancerNode {
                weight: Some(200),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let refreshed = env
        .h
        .read("linode_nodebalancer_node", &updated)
        .await
        .expect_ok();
    assert_eq!(get(&refreshed, "weight"), &Value::from(200));
    assert!(
        env.h
            .plan_update("linode_nodebalancer_node", &refreshed, drained.clone())
            .await
            .has_changes()
    );

    // Import round trip.
    let imported = env
        .h
        .import("linode_nodebalancer_node", &format!("{nb},{cfg},{id}"))
        .await
        .expect_ok();
    assert_eq!(imported, refreshed);
    let bad = env
        .h
        .import("linode_nodebalancer_node", &format!("{nb},{id}"))
        .await;
    assert!(
        bad.diagnostics
            .errors()
            .any(|d| d.detail.contains("<config_id>")),
        "{:?}",
        bad.diagnostics
    );

    // Another config replaces the node.
    let cfg2 = port(&client, nb, 8080).await;
    let mut moved = drained.clone();
    *moved.get_mut("config_id").unwrap() = Value::from(cfg2);
    let plan = env
        .h
        .plan_update("linode_nodebalancer_node", &refreshed, moved)
        .await;
    assert!(plan.requires_replacement());
    let replaced = env.h.apply(&plan).await.expect_ok();
    assert!(
        client
            .nodebalancers()
            .get_node_opt(nb, cfg, id)
            .await
            .unwrap()
            .is_none()
    );

    // Deleted out of band (e.g. its Linode was deleted).
    client
        .nodebalancers()
        .delete_node(nb, cfg2, id_of(&replaced))
        .await
        .unwrap();
    assert!(
        env.h
            .read("linode_nodebalancer_node", &replaced)
            .await
            .expect_ok()
            .is_null()
    );

    // Validation, with nothing created.
    let base = |attr: &str, v: Value| {
        let mut c = config.clone();
        if let Value::Object(m) = &mut c {
            m.insert(attr.into(), v);
        }
        c
    };
    let cases = [
        (base("address", Value::from("8.8.8.8:80")), "address"),
        (base("address", Value::from("192.168.10.5")), "address"),
        (base("address", Value::from("backend:80")), "address"),
        (base("weight", Value::from(0)), "weight"),
        (base("weight", Value::from(256)), "weight"),
        (base("mode", Value::from("off")), "mode"),
    ];
    for (c, attr) in cases {
        assert_error_on(
            &env.h
                .create("linode_nodebalancer_node", c)
                .await
                .diagnostics,
            attr,
        );
    }
    let nodes = client
        .nodebalancers()
        .list_nodes(nb, cfg, &ListParams::new())
        .await
        .unwrap();
    assert!(nodes.data.is_empty(), "nothing was created");
}

#[tokio::test]
async fn data_sources_read_nodebalancers_and_configs() {
    let env = support::setup().await;
    let client = sdk(&env);
    let nb = balancer(&client, "data-lb").await;
    let cfg = port(&client, nb, 443).await;
    let state = env
        .h
        .read_data_source("linode_nodebalancer", obj(&[("id", Value::from(nb))]))
        .await
        .expect_ok();
    assert_eq!(get(&state, "label"), &Value::from("data-lb"));
    assert_eq!(get(&state, "region"), &Value::from("us-east"));
    assert!(get(&state, "ipv4").is_known());
    let missing = env
        .h
        .read_data_source("linode_nodebalancer", obj(&[("id", Value::from(999_999))]))
        .await;
    assert_error_on(&missing.diagnostics, "id");

    let c = env
        .h
        .read_data_source(
            "linode_nodebalancer_config",
            obj(&[
                ("id", Value::from(cfg)),
                ("nodebalancer_id", Value::from(nb)),
            ]),
        )
        .await
        .expect_ok();
    assert_eq!(get(&c, "port"), &Value::from(443));
    assert_eq!(get(&c, "protocol"), &Value::from("http"));
    let missing = env
        .h
        .read_data_source(
            "linode_nodebalancer_config",
            obj(&[
                ("id", Value::from(999_999)),
                ("nodebalancer_id", Value::from(nb)),
            ]),
        )
        .await;
    assert_error_on(&missing.diagnostics, "id");
}

#[tokio::test]
async fn config_state_upgrade_from_version_0() {
    let env = support::setup().await;
    let v0 = r#"{"id":"7","nodebalancer_id":3,"protocol":"http","port":80,"check_passive":true,
        "ssl_key":"secret","node_status":{"up":"2","down":"1"},"removed_attribute":"x"}"#;
    let out = env
        .h
        .upgrade_state("linode_nodebalancer_config", 0, v0)
        .await
        .expect_ok();
    assert_eq!(
        get(&out, "node_status"),
        &Value::list([Value::object([
            ("up", Value::from(2)),
            ("down", Value::from(1))
        ])])
    );
    assert_eq!(get(&out, "ssl_key"), &Value::from("secret"));
    assert_eq!(get(&out, "nodebalancer_id"), &Value::from(3));
}

#[tokio::test]
async fn firewall_id_is_kept_and_replaces_when_changed() {
    use linode_sdk::models::firewalls::{CreateFirewall, FirewallAction, FirewallRulesOptions};
    let env = support::setup().await;
    let firewall = |label: &str| CreateFirewall {
        label: label.into(),
        rules: FirewallRulesOptions {
            inbound_policy: FirewallAction::Drop,
            outbound_policy: FirewallAction::Accept,
            ..Default::default()
        },
        ..Default::default()
    };
    let fw = sdk(&env)
        .firewalls()
        .create(&firewall("edge-a"))
        .await
        .unwrap()
        .id as i64;
    let fw2 = sdk(&env)
        .firewalls()
        .create(&firewall("edge-b"))
        .await
        .unwrap()
        .id as i64;
    let config = obj(&[
        ("label", Value::from("fw-lb")),
        ("firewall_id", Value::from(fw)),
    ]);
    let state = env
        .h
        .create("linode_nodebalancer", config.clone())
        .await
        .expect_ok();
    let refreshed = env.h.read("linode_nodebalancer", &state).await.expect_ok();
    assert_eq!(get(&refreshed, "firewall_id"), &Value::from(fw));
    let attached = get(&refreshed, "firewalls").as_elements().unwrap().to_vec();
    assert_eq!(attached.len(), 1, "the firewall is read back: {attached:?}");
    assert_eq!(attached[0].get("id"), Some(&Value::from(fw)));
    assert!(
        !env.h
            .plan_update("linode_nodebalancer", &refreshed, config)
            .await
            .has_changes()
    );
    let other = obj(&[
        ("label", Value::from("fw-lb")),
        ("firewall_id", Value::from(fw2)),
    ]);
    assert!(
        env.h
            .plan_update("linode_nodebalancer", &refreshed, other)
            .await
            .requires_replacement()
    );

    // Imported (or attached later by linode_firewall): no firewall_id, so no replacement.
    let imported = env
        .h
        .import("linode_nodebalancer", &id_of(&state).to_string())
        .await
        .expect_ok();
    assert_eq!(get(&imported, "firewall_id"), &Value::Null);
    let plain = obj(&[("label", Value::from("fw-lb"))]);
    assert!(
        !env.h
            .plan_update("linode_nodebalancer", &imported, plain)
            .await
            .requires_replacement()
    );
}

#[tokio::test]
async fn vpcs_are_kept_and_replace_when_changed() {
    let env = support::setup().await;
    let vpcs = |subnet: i64| {
        Value::list([Value::object([
            ("subnet_id", Value::from(subnet)),
            ("ipv4_range_auto_assign", Value::from(true)),
        ])])
    };
    use linode_sdk::models::vpcs::{CreateVpc, CreateVpcSubnet};
    let subnet = |label: &str, ipv4: &str| CreateVpcSubnet {
        label: label.into(),
        ipv4: ipv4.into(),
    };
    let vpc = CreateVpc {
        label: "lb-vpc".into(),
        region: "fr-par".into(),
        subnets: Some(vec![subnet("a", "10.0.0.0/24"), subnet("b", "10.0.1.0/24")]),
        ..Default::default()
    };
    let vpc = sdk(&env).vpcs().create(&vpc).await.unwrap();
    let (a, b) = (vpc.subnets[0].id as i64, vpc.subnets[1].id as i64);
    let obj = |pairs: &[(&str, Value)]| {
        let mut v = obj(pairs);
        if let Value::Object(m) = &mut v {
            m.insert("region".into(), Value::from("fr-par"));
        }
        v
    };
    let config = obj(&[("label", Value::from("vpc-lb")), ("vpcs", vpcs(a))]);
    let plan = env
        .h
        .plan_create("linode_nodebalancer", config.clone())
        .await;
    assert_no_errors(&plan.diagnostics);
    let vpc = &get(&plan.planned_state, "vpcs").as_elements().unwrap()[0];
    assert_eq!(
        vpc.get("ipv4_range_auto_assign"),
        Some(&Value::Null),
        "write-only: never planned"
    );
    let state = env.h.apply(&plan).await.expect_ok();
    let refreshed = env.h.read("linode_nodebalancer", &state).await.expect_ok();
    assert_eq!(refreshed, state);
    assert!(
        !env.h
            .plan_update("linode_nodebalancer", &refreshed, config)
            .await
            .has_changes()
    );
    let moved = obj(&[("label", Value::from("vpc-lb")), ("vpcs", vpcs(b))]);
    assert!(
        env.h
            .plan_update("linode_nodebalancer", &refreshed, moved)
            .await
            .requires_replacement()
    );
}

/// A VPC in fr-par with two subnets (10.0.0.0/24, 10.0.1.0/24); their ids.
async fn vpc_subnets(client: &Client) -> (i64, i64) {
    use linode_sdk::models::vpcs::{CreateVpc, CreateVpcSubnet};
    let subnet = |label: &str, ipv4: &str| CreateVpcSubnet {
        label: label.into(),
        ipv4: ipv4.into(),
    };
    let vpc = CreateVpc {
        label: "nb-vpc".into(),
        region: "fr-par".into(),
        subnets: Some(vec![subnet("a", "10.0.0.0/24"), subnet("b", "10.0.1.0/24")]),
        ..Default::default()
    };
    let vpc = client.vpcs().create(&vpc).await.expect("create vpc");
    (vpc.subnets[0].id as i64, vpc.subnets[1].id as i64)
}

/// A `filter` block.
fn filter(name: &str, values: &[&str], match_by: Option<&str>) -> Value {
    Value::object([
        ("name", Value::from(name)),
        ("values", Value::set(values.iter().map(|v| Value::from(*v)))),
        ("match_by", match_by.map_or(Value::Null, Value::from)),
    ])
}

/// The values of `attr` in the elements of the list `list` of a data source's state.
fn column(state: &Value, list: &str, attr: &str) -> Vec<Value> {
    get(state, list)
        .as_elements()
        .unwrap_or_default()
        .iter()
        .map(|e| e.get(attr).cloned().unwrap_or(Value::Null))
        .collect()
}

/// The emulator's request log as `METHOD /path` lines.
fn request_lines(env: &Env) -> Vec<String> {
    env.mock
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

#[tokio::test]
async fn type_is_read_back_and_changing_it_replaces() {
    let env = support::setup().await;
    let client = sdk(&env);
    let premium = obj(&[
        ("label", Value::from("premium-lb")),
        ("type", Value::from("premium")),
    ]);
    let state = env
        .h
        .create("linode_nodebalancer", premium.clone())
        .await
        .expect_ok();
    assert_eq!(get(&state, "type"), &Value::from("premium"));
    let id = id_of(&state);
    assert_eq!(
        client
            .nodebalancers()
            .get(id)
            .await
            .unwrap()
            .plan
            .map(|p| p.as_str().to_string())
            .as_deref(),
        Some("premium")
    );
    let refreshed = env.h.read("linode_nodebalancer", &state).await.expect_ok();
    assert!(
        !env.h
            .plan_update("linode_nodebalancer", &refreshed, premium)
            .await
            .has_changes()
    );

    // Unset: Linode's default is read back, and later plans keep it.
    let plain = obj(&[("label", Value::from("common-lb"))]);
    let common = env
        .h
        .create("linode_nodebalancer", plain.clone())
        .await
        .expect_ok();
    assert_eq!(get(&common, "type"), &Value::from("common"));
    let relabelled = obj(&[("label", Value::from("common-lb-2"))]);
    let plan = env
        .h
        .plan_update("linode_nodebalancer", &common, relabelled)
        .await;
    assert_no_errors(&plan.diagnostics);
    assert!(plan.has_changes() && !plan.requires_replacement());
    assert_eq!(
        plan.planned_state.get("type"),
        Some(&Value::from("common")),
        "the type stays known"
    );

    // Another type replaces the NodeBalancer.
    let bigger = obj(&[
        ("label", Value::from("common-lb")),
        ("type", Value::from("premium_40gb")),
    ]);
    let plan = env
        .h
        .plan_update("linode_nodebalancer", &common, bigger)
        .await;
    assert_no_errors(&plan.diagnostics);
    assert!(plan.requires_replacement());
    let replaced = env.h.apply(&plan).await.expect_ok();
    assert_ne!(id_of(&replaced), id_of(&common));
    assert_eq!(get(&replaced, "type"), &Value::from("premium_40gb"));

    // Validation: a type Linode does not have, with nothing created.
    let before = nb_count(&client).await;
    let bad = env
        .h
        .create(
            "linode_nodebalancer",
            obj(&[
                ("label", Value::from("bad-type")),
                ("type", Value::from("huge")),
            ]),
        )
        .await;
    assert_error_on(&bad.diagnostics, "type");
    assert_eq!(nb_count(&client).await, before, "nothing was created");
}

#[tokio::test]
async fn firewalls_are_read_back_with_rules_and_an_out_of_band_change_shows() {
    use linode_sdk::models::firewalls::{
        CreateFirewall, FirewallAction, FirewallAddresses, FirewallProtocol, FirewallRule,
        FirewallRulesOptions,
    };
    let env = support::setup().await;
    let client = sdk(&env);
    let addresses = FirewallAddresses {
        ipv4: vec!["0.0.0.0/0".into()],
        ipv6: vec!["::/0".into()],
    };
    let web = FirewallRule::new(FirewallAction::Accept, FirewallProtocol::Tcp, addresses)
        .ports("80,443")
        .label("web");
    let create = |label: &str, inbound: Vec<FirewallRule>| CreateFirewall {
        label: label.into(),
        rules: FirewallRulesOptions {
            inbound,
            inbound_policy: FirewallAction::Drop,
            outbound_policy: FirewallAction::Accept,
            ..Default::default()
        },
        ..Default::default()
    };
    let fw = client
        .firewalls()
        .create(&create("edge-web", vec![web]))
        .await
        .unwrap()
        .id;
    let other = client
        .firewalls()
        .create(&create("edge-other", vec![]))
        .await
        .unwrap()
        .id;
    let config = obj(&[
        ("label", Value::from("fw-read")),
        ("firewall_id", Value::from(fw)),
    ]);
    let state = env
        .h
        .create("linode_nodebalancer", config.clone())
        .await
        .expect_ok();
    let firewalls = get(&state, "firewalls").as_elements().unwrap().to_vec();
    assert_eq!(firewalls.len(), 1, "{firewalls:?}");
    let f = &firewalls[0];
    assert_eq!(f.get("id"), Some(&Value::from(fw)));
    assert_eq!(f.get("label"), Some(&Value::from("edge-web")));
    assert_eq!(f.get("inbound_policy"), Some(&Value::from("DROP")));
    assert_eq!(f.get("outbound_policy"), Some(&Value::from("ACCEPT")));
    assert_eq!(f.get("status"), Some(&Value::from("enabled")));
    let rule = &f.get("inbound").and_then(Value::as_elements).unwrap()[0];
    assert_eq!(rule.get("ports"), Some(&Value::from("80,443")));
    assert_eq!(rule.get("protocol"), Some(&Value::from("TCP")));
    assert_eq!(
        rule.get("ipv4"),
        Some(&Value::list([Value::from("0.0.0.0/0")]))
    );

    // Another firewall attached out of band: the refresh shows it, firewall_id stays as
    // configured, and nothing is replaced.
    let body = UpdateNodeBalancerFirewalls {
        firewall_ids: vec![other],
    };
    client
        .nodebalancers()
        .update_firewalls(id_of(&state), &body)
        .await
        .unwrap();
    let refreshed = env.h.read("linode_nodebalancer", &state).await.expect_ok();
    assert_eq!(column(&refreshed, "firewalls", "id"), [Value::from(other)]);
    assert_eq!(get(&refreshed, "firewall_id"), &Value::from(fw));
    let plan = env
        .h
        .plan_update("linode_nodebalancer", &refreshed, config)
        .await;
    assert_no_errors(&plan.diagnostics);
    assert!(!plan.requires_replacement());

    // A firewall that does not exist: the API's error, on the attribute.
    let missing = obj(&[
        ("label", Value::from("fw-missing")),
        ("firewall_id", Value::from(999_999)),
    ]);
    assert_error_on(
        &env.h
            .create("linode_nodebalancer", missing)
            .await
            .diagnostics,
        "firewall_id",
    );
}

#[tokio::test]
async fn vpcs_are_read_back_so_changes_made_elsewhere_are_drift() {
    let env = support::setup().await;
    let client = sdk(&env);
    let (a, _) = vpc_subnets(&client).await;
    let vpcs = Value::list([Value::object([("subnet_id", Value::from(a))])]);
    let config = obj(&[
        ("label", Value::from("vpc-read")),
        ("region", Value::from("fr-par")),
        ("vpcs", vpcs.clone()),
    ]);
    let state = env
        .h
        .create("linode_nodebalancer", config.clone())
        .await
        .expect_ok();
    let id = id_of(&state);
    let api = client
        .nodebalancers()
        .list_vpc_configs(id, &ListParams::new())
        .await
        .unwrap()
        .data;
    assert_eq!(api.len(), 1);
    assert_eq!(
        column(&state, "vpcs", "ipv4_range"),
        [Value::from(api[0].ipv4_range.clone().unwrap())],
        "the range Linode chose"
    );

    // Changing something else keeps the VPC configuration (no replacement, ranges stay known).
    let relabelled = obj(&[
        ("label", Value::from("vpc-read-2")),
        ("region", Value::from("fr-par")),
        ("vpcs", vpcs.clone()),
    ]);
    let plan = env
        .h
        .plan_update("linode_nodebalancer", &state, relabelled)
        .await;
    assert_no_errors(&plan.diagnostics);
    assert!(
        plan.has_changes() && !plan.requires_replacement(),
        "{:?}",
        plan.planned_state
    );
    let updated = env.h.apply(&plan).await.expect_ok();
    assert_eq!(get(&updated, "vpcs"), get(&state, "vpcs"));

    // A state that says otherwise (as after a change made elsewhere): the refresh shows what the
    // API has, not what the state said.
    let mut stale = updated.clone();
    *stale.get_mut("vpcs").unwrap() = Value::list([]);
    let refreshed = env.h.read("linode_nodebalancer", &stale).await.expect_ok();
    assert_eq!(get(&refreshed, "vpcs"), get(&updated, "vpcs"));

    // A NodeBalancer attached to a VPC outside Terraform, imported with a configuration that has
    // no `vpcs`: the attachment is drift, planned as a replacement.
    let outside = client
        .nodebalancers()
        .create(&CreateNodeBalancer {
            region: "fr-par".into(),
            label: Some("vpc-outside".into()),
            vpcs: Some(vec![NodeBalancerVpcOptions {
                subnet_id: a as u64,
                ..Default::default()
            }]),
            ..Default::default()
        })
        .await
        .unwrap();
    let imported = env
        .h
        .import("linode_nodebalancer", &outside.id.to_string())
        .await
        .expect_ok();
    assert_eq!(column(&imported, "vpcs", "subnet_id"), [Value::from(a)]);
    let without = obj(&[
        ("label", Value::from("vpc-outside")),
        ("region", Value::from("fr-par")),
    ]);
    let plan = env
        .h
        .plan_update("linode_nodebalancer", &imported, without)
        .await;
    assert_no_errors(&plan.diagnostics);
    assert!(plan.requires_replacement());
}

#[tokio::test]
async fn vpc_nodes_read_back_their_subnet_and_vpc_config() {
    let env = support::setup().await;
    let client = sdk(&env);
    let (a, b) = vpc_subnets(&client).await;
    let nb = client
        .nodebalancers()
        .create(&CreateNodeBalancer {
            region: "fr-par".into(),
            label: Some("vpc-nodes".into()),
            vpcs: Some(vec![NodeBalancerVpcOptions {
                subnet_id: a as u64,
                ..Default::default()
            }]),
            ..Default::default()
        })
        .await
        .unwrap()
        .id;
    let cfg = port(&client, nb, 80).await;
    let vpc_config = client
        .nodebalancers()
        .list_vpc_configs(nb, &ListParams::new())
        .await
        .unwrap()
        .data[0]
        .id;
    let config = obj(&[
        ("nodebalancer_id", Value::from(nb)),
        ("config_id", Value::from(cfg)),
        ("label", Value::from("vpc-backend")),
        ("address", Value::from("10.0.0.20:80")),
        ("subnet_id", Value::from(a)),
    ]);
    let state = env
        .h
        .create("linode_nodebalancer_node", config.clone())
        .await
        .expect_ok();
    assert_eq!(get(&state, "vpc_config_id"), &Value::from(vpc_config));
    assert_eq!(get(&state, "subnet_id"), &Value::from(a));
    let refreshed = env
        .h
        .read("linode_nodebalancer_node", &state)
        .await
        .expect_ok();
    assert_eq!(refreshed, state);
    assert!(
        !env.h
            .plan_update("linode_nodebalancer_node", &refreshed, config.clone())
            .await
            .has_changes()
    );
    let id = id_of(&state);
    let imported = env
        .h
        .import("linode_nodebalancer_node", &format!("{nb},{cfg},{id}"))
        .await
        .expect_ok();
    assert_eq!(
        imported, refreshed,
        "subnet_id comes back from the VPC configuration"
    );

    let data = env
        .h
        .read_data_source(
            "linode_nodebalancer_node",
            obj(&[
                ("id", Value::from(id)),
                ("nodebalancer_id", Value::from(nb)),
                ("config_id", Value::from(cfg)),
            ]),
        )
        .await
        .expect_ok();
    assert_eq!(get(&data, "subnet_id"), &Value::from(a));
    assert_eq!(get(&data, "vpc_config_id"), &Value::from(vpc_config));
    assert_eq!(get(&data, "address"), &Value::from("10.0.0.20:80"));
    assert_eq!(get(&data, "mode"), &Value::from("accept"));

    // A subnet the NodeBalancer is not attached to: the API's error, on the attribute.
    let mut elsewhere = config.clone();
    *elsewhere.get_mut("subnet_id").unwrap() = Value::from(b);
    *elsewhere.get_mut("label").unwrap() = Value::from("vpc-backend-2");
    assert_error_on(
        &env.h
            .create("linode_nodebalancer_node", elsewhere)
            .await
            .diagnostics,
        "subnet_id",
    );
    let missing = env
        .h
        .read_data_source(
            "linode_nodebalancer_node",
            obj(&[
                ("id", Value::from(999_999)),
                ("nodebalancer_id", Value::from(nb)),
                ("config_id", Value::from(cfg)),
            ]),
        )
        .await;
    assert_error_on(&missing.diagnostics, "id");
}

#[tokio::test]
async fn nodebalancers_data_source_filters_orders_and_lists_once() {
    let env = support::setup().await;
    let client = sdk(&env);
    for (label, region, tags) in [
        ("web-eu-1", "fr-par", vec!["web", "prod"]),
        ("web-us-1", "us-east", vec!["web"]),
        ("db-eu-1", "fr-par", vec!["prod"]),
    ] {
        let body = CreateNodeBalancer {
            region: region.into(),
            label: Some(label.into()),
            tags: Some(tags.into_iter().map(String::from).collect()),
            ..Default::default()
        };
        client.nodebalancers().create(&body).await.unwrap();
    }
    let read = |filters: Vec<Value>, order_by: Option<&str>, order: Option<&str>| {
        let config = obj(&[
            ("filter", Value::set(filters)),
            ("order_by", order_by.map_or(Value::Null, Value::from)),
            ("order", order.map_or(Value::Null, Value::from)),
        ]);
        env.h.read_data_source("linode_nodebalancers", config)
    };
    let labels = |state: &Value| column(state, "nodebalancers", "label");

    // Exact on an API field: one paginated listing, with the filter as X-Filter.
    env.mock.clear_requests();
    let eu = read(
        vec![filter("region", &["fr-par"], None)],
        Some("label"),
        None,
    )
    .await
    .expect_ok();
    assert_eq!(
        labels(&eu),
        [Value::from("db-eu-1"), Value::from("web-eu-1")]
    );
    assert_eq!(
        request_lines(&env),
        ["GET /v4/nodebalancers"],
        "one listing, no GET per NodeBalancer"
    );
    let first = &get(&eu, "nodebalancers").as_elements().unwrap()[1];
    assert!(
        first.get("ipv4").is_some_and(Value::is_known)
            && first.get("hostname").is_some_and(Value::is_known)
    );
    assert_eq!(
        first
            .get("transfer")
            .and_then(Value::as_elements)
            .map(<[Value]>::len),
        Some(1)
    );

    // Client-side: tags (exact), substring, regular expression; descending order.
    let prod = read(
        vec![filter("tags", &["prod"], None)],
        Some("label"),
        Some("desc"),
    )
    .await
    .expect_ok();
    assert_eq!(
        labels(&prod),
        [Value::from("web-eu-1"), Value::from("db-eu-1")]
    );
    let web = read(
        vec![filter("label", &["web"], Some("substring"))],
        Some("region"),
        Some("asc"),
    )
    .await
    .expect_ok();
    assert_eq!(
        labels(&web),
        [Value::from("web-eu-1"), Value::from("web-us-1")]
    );
    let re = read(
        vec![
            filter("label", &["^(db|web)-us-"], Some("re")),
            filter("tags", &["web"], None),
        ],
        None,
        None,
    )
    .await
    .expect_ok();
    assert_eq!(labels(&re), [Value::from("web-us-1")]);
    assert!(get(&re, "id").is_known());

    // Bad input: a field that cannot be filtered, an order_by outside the list, a bad regex.
    assert_error_on(
        &read(vec![filter("firewalls", &["x"], None)], None, None)
            .await
            .diagnostics,
        "filter",
    );
    assert_error_on(
        &read(vec![], Some("created"), None).await.diagnostics,
        "order_by",
    );
    assert_error_on(
        &read(vec![filter("label", &["(open"], Some("re"))], None, None)
            .await
            .diagnostics,
        "filter",
    );
}

#[tokio::test]
async fn config_data_sources_filter_client_side_from_one_listing() {
    let env = support::setup().await;
    let client = sdk(&env);
    let nb = balancer(&client, "configs-ds").await;
    for (p, protocol, check) in [
        (80u16, "http", "http"),
        (8080, "tcp", "connection"),
        (9090, "tcp", "none"),
    ] {
        let body = CreateNodeBalancerConfig {
            config: NodeBalancerConfigOptions {
                port: Some(p),
                protocol: Some(protocol.into()),
                check: Some(check.into()),
                check_path: (check == "http").then(|| "/healthz".to_string()),
                ..Default::default()
            },
            nodes: None,
        };
        client
            .nodebalancers()
            .create_config(nb, &body)
            .await
            .unwrap();
    }
    let read = |filters: Vec<Value>, order_by: Option<&str>, order: Option<&str>| {
        let config = obj(&[
            ("nodebalancer_id", Value::from(nb)),
            ("filter", Value::set(filters)),
            ("order_by", order_by.map_or(Value::Null, Value::from)),
            ("order", order.map_or(Value::Null, Value::from)),
        ]);
        env.h
            .read_data_source("linode_nodebalancer_configs", config)
    };
    let ports = |state: &Value| column(state, "nodebalancer_configs", "port");

    env.mock.clear_requests();
    let tcp = read(
        vec![filter("protocol", &["tcp"], None)],
        Some("port"),
        Some("desc"),
    )
    .await
    .expect_ok();
    assert_eq!(ports(&tcp), [Value::from(9090), Value::from(8080)]);
    assert_eq!(
        request_lines(&env),
        [format!("GET /v4/nodebalancers/{nb}/configs")],
        "one listing"
    );
    let http = read(
        vec![filter("check_path", &["health"], Some("substring"))],
        None,
        None,
    )
    .await
    .expect_ok();
    assert_eq!(ports(&http), [Value::from(80)]);
    let re = read(
        vec![filter("check", &["^(none|connection)$"], Some("re"))],
        Some("port"),
        None,
    )
    .await
    .expect_ok();
    assert_eq!(ports(&re), [Value::from(8080), Value::from(9090)]);
    let first = &get(&re, "nodebalancer_configs").as_elements().unwrap()[0];
    assert_eq!(first.get("nodebalancer_id"), Some(&Value::from(nb)));
    assert!(first.get("node_status").is_some_and(Value::is_known));

    assert_error_on(
        &read(vec![filter("ssl_key", &["x"], None)], None, None)
            .await
            .diagnostics,
        "filter",
    );
    let missing = env
        .h
        .read_data_source(
            "linode_nodebalancer_configs",
            obj(&[
                ("nodebalancer_id", Value::from(999_999)),
                ("filter", Value::set([])),
            ]),
        )
        .await;
    assert_error_on(&missing.diagnostics, "nodebalancer_id");
}

#[tokio::test]
async fn vpc_data_sources_and_the_nodebalancer_data_source_show_vpcs_and_firewalls() {
    use linode_sdk::models::firewalls::{CreateFirewall, FirewallAction, FirewallRulesOptions};
    let env = support::setup().await;
    let client = sdk(&env);
    let (a, b) = vpc_subnets(&client).await;
    let fw = CreateFirewall {
        label: "ds-edge".into(),
        rules: FirewallRulesOptions {
            inbound_policy: FirewallAction::Drop,
            outbound_policy: FirewallAction::Accept,
            ..Default::default()
        },
        ..Default::default()
    };
    let fw = client.firewalls().create(&fw).await.unwrap().id;
    let vpc = |subnet: i64| NodeBalancerVpcOptions {
        subnet_id: subnet as u64,
        ..Default::default()
    };
    let nb = client
        .nodebalancers()
        .create(&CreateNodeBalancer {
            region: "fr-par".into(),
            label: Some("vpc-ds".into()),
            firewall_id: Some(fw),
            vpcs: Some(vec![vpc(a), vpc(b)]),
            ..Default::default()
        })
        .await
        .unwrap()
        .id;
    let one = env
        .h
        .read_data_source("linode_nodebalancer", obj(&[("id", Value::from(nb))]))
        .await
        .expect_ok();
    assert_eq!(
        column(&one, "vpcs", "subnet_id"),
        [Value::from(a), Value::from(b)]
    );
    assert_eq!(column(&one, "firewalls", "id"), [Value::from(fw)]);
    assert_eq!(
        column(&one, "firewalls", "inbound_policy"),
        [Value::from("DROP")]
    );

    let read = |filters: Vec<Value>, order_by: Option<&str>, order: Option<&str>| {
        let config = obj(&[
            ("nodebalancer_id", Value::from(nb)),
            ("filter", Value::set(filters)),
            ("order_by", order_by.map_or(Value::Null, Value::from)),
            ("order", order.map_or(Value::Null, Value::from)),
        ]);
        env.h.read_data_source("linode_nodebalancer_vpcs", config)
    };
    env.mock.clear_requests();
    let all = read(vec![], Some("subnet_id"), Some("desc"))
        .await
        .expect_ok();
    assert_eq!(
        column(&all, "vpc_configs", "subnet_id"),
        [Value::from(b), Value::from(a)]
    );
    assert_eq!(
        request_lines(&env),
        [format!("GET /v4/nodebalancers/{nb}/vpcs")],
        "one listing"
    );
    let in_a = read(
        vec![filter("subnet_id", &[&a.to_string()], None)],
        None,
        None,
    )
    .await
    .expect_ok();
    assert_eq!(column(&in_a, "vpc_configs", "subnet_id"), [Value::from(a)]);
    let ranges = read(
        vec![filter("ipv4_range", &["10.0.1."], Some("substring"))],
        None,
        None,
    )
    .await
    .expect_ok();
    assert_eq!(
        column(&ranges, "vpc_configs", "subnet_id"),
        [Value::from(b)]
    );
    let re = read(
        vec![filter("ipv4_range", &[r"^10\.0\.0\."], Some("re"))],
        None,
        None,
    )
    .await
    .expect_ok();
    let config_id = column(&re, "vpc_configs", "id").remove(0);
    assert!(column(&re, "vpc_configs", "vpc_id")[0].is_known());

    let single = env
        .h
        .read_data_source(
            "linode_nodebalancer_vpc",
            obj(&[
                ("nodebalancer_id", Value::from(nb)),
                ("id", config_id.clone()),
            ]),
        )
        .await
        .expect_ok();
    assert_eq!(get(&single, "subnet_id"), &Value::from(a));
    assert_eq!(
        get(&single, "ipv4_range"),
        &column(&re, "vpc_configs", "ipv4_range")[0]
    );
    let missing = env
        .h
        .read_data_source(
            "linode_nodebalancer_vpc",
            obj(&[
                ("nodebalancer_id", Value::from(nb)),
                ("id", Value::from(999_999)),
            ]),
        )
        .await;
    assert_error_on(&missing.diagnostics, "id");
}

#[tokio::test]
async fn nb_types_lists_priced_types_with_filters_and_order() {
    let env = support::setup().await;
    let read = |filters: Vec<Value>, order_by: Option<&str>, order: Option<&str>| {
        let config = obj(&[
            ("filter", Value::set(filters)),
            ("order_by", order_by.map_or(Value::Null, Value::from)),
            ("order", order.map_or(Value::Null, Value::from)),
        ]);
        env.h.read_data_source("linode_nb_types", config)
    };
    let all = read(vec![], Some("label"), Some("desc")).await.expect_ok();
    let ids = column(&all, "types", "id");
    assert_eq!(ids.len(), 2, "{ids:?}");
    let labels = column(&all, "types", "label");
    assert!(
        labels[0].as_str() > labels[1].as_str(),
        "descending labels: {labels:?}"
    );
    let standard = &get(&all, "types")
        .as_elements()
        .unwrap()
        .iter()
        .find(|t| t.get("id") == Some(&Value::from("nodebalancer")))
        .cloned()
        .unwrap();
    assert_eq!(
        standard.get("price"),
        Some(&Value::list([Value::object([
            ("hourly", Value::from(0.015)),
            ("monthly", Value::from(10.0))
        ])]))
    );
    assert!(
        standard
            .get("region_prices")
            .and_then(Value::as_elements)
            .is_some_and(|r| !r.is_empty())
    );

    env.mock.clear_requests();
    let exact = read(vec![filter("label", &["NodeBalancer"], None)], None, None)
        .await
        .expect_ok();
    assert_eq!(column(&exact, "types", "id"), [Value::from("nodebalancer")]);
    assert_eq!(request_lines(&env), ["GET /v4/nodebalancers/types"]);
    let premium = read(
        vec![
            filter("label", &["premium"], Some("re")),
            filter("transfer", &["0"], None),
        ],
        None,
        None,
    )
    .await;
    assert_no_errors(&premium.diagnostics);
    let sub = read(
        vec![filter("label", &["Premium"], Some("substring"))],
        None,
        None,
    )
    .await
    .expect_ok();
    assert_eq!(
        column(&sub, "types", "id"),
        [Value::from("nodebalancer-pr100")]
    );
}
