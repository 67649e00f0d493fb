//! Tests of the vpcs family: linode_vpc, linode_vpc_subnet and the VPC data sources.

use linode_sdk::models::nodebalancers::{CreateNodeBalancer, NodeBalancerVpcOptions};
use linode_sdk::models::vpcs::{CreateVpc, CreateVpcSubnet, UpdateVpc, UpdateVpcSubnet};
use linode_sdk::ListParams;
use tfplugin::Value;

use crate::support::{self, api_calls, assert_error_on, assert_no_errors, sdk, obj, get, id_of};

fn vpc(label: &str, region: &str, description: Option<&str>) -> Value {
    obj(&[
        ("label", Value::from(label)),
        ("region", Value::from(region)),
        ("description", description.map_or(Value::Null, Value::from)),
    ])
}

fn subnet(vpc_id: u64, label: &str, ipv4: &str) -> Value {
    obj(&[
        ("vpc_id", Value::from(vpc_id as i64)),
        ("label", Value::from(label)),
        ("ipv4", Value::from(ipv4)),
    ])
}

#[tokio::test]
async fn vpc_lifecycle() {
    let env = support::setup().await;
    let client = sdk(&env);
    let config = vpc("app-vpc", "fr-par", None);
    let state = env.h.create("linode_vpc", config.clone()).await.expect_ok();
    let id = id_of(&state);
    assert_eq!(
        get(&state, "description"),
        &Value::from(""),
        "unset description is the API's empty one"
    );
    assert!(get(&state, "created").as_str().unwrap().ends_with('Z'));
    assert_eq!(get(&state, "ipv6"), &Value::Null);
    let refreshed = env.h.read("linode_vpc", &state).await.expect_ok();
    assert_eq!(refreshed, state);
    assert!(
        !env.h
            .plan_update("linode_vpc", &refreshed, config.clone())
            .await
            .has_changes()
    );

    let described = vpc("app-vpc-2", "fr-par", Some("the app's network"));
    let plan = env
        .h
        .plan_update("linode_vpc", &refreshed, described.clone())
        .await;
    assert!(plan.has_changes() && !plan.requires_replacement());
    let updated = env.h.apply(&plan).await.expect_ok();
    let stored = client.vpcs().get(id).await.unwrap();
    assert_eq!(
        (stored.label.as_str(), stored.description.as_str()),
        ("app-vpc-2", "the app's network")
    );

    let imported = env
        .h
        .import("linode_vpc", &id.to_string())
        .await
        .expect_ok();
    assert!(
        !env.h
            .plan_update("linode_vpc", &imported, described.clone())
            .await
            .has_changes()
    );

    // Out of band: drift, put back by the next apply.
    client
        .vpcs()
        .update(
            id,
            &UpdateVpc {
                description: Some("edited".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let drifted = env.h.read("linode_vpc", &updated).await.expect_ok();
    let plan = env
        .h
        .plan_update("linode_vpc", &drifted, described.clone())
        .await;
    assert!(plan.has_changes() && !plan.requires_replacement());
    let fixed = env.h.apply(&plan).await.expect_ok();
    assert_eq!(
        client.vpcs().get(id).await.unwrap().description,
        "the app's network"
    );

    // A new region replaces it.
    let moved = vpc("app-vpc-2", "us-ord", Some("the app's network"));
    let plan = env.h.plan_update("linode_vpc", &fixed, moved).await;
    assert!(plan.requires_replacement());
    let replaced = env.h.apply(&plan).await.expect_ok();
    assert_ne!(id_of(&replaced), id);
    assert!(client.vpcs().get_opt(id).await.unwrap().is_none());

    client.vpcs().delete(id_of(&replaced)).await.unwrap();
    assert!(
        env.h
            .read("linode_vpc", &replaced)
            .await
            .expect_ok()
            .is_null(),
        "404 removes it from state"
    );
    assert!(
        client
            .vpcs()
            .list(&ListParams::new())
            .await
            .unwrap()
            .data
            .is_empty()
    );
}

#[tokio::test]
async fn subnet_lifecycle() {
    let env = support::setup().await;
    let client = sdk(&env);
    let vpc_state = env
        .h
        .create("linode_vpc", vpc("net", "fr-par", None))
        .await
        .expect_ok();
    let vpc_id = id_of(&vpc_state);
    let config = subnet(vpc_id, "app", "10.0.1.0/24");
    let state = env
        .h
        .create("linode_vpc_subnet", config.clone())
        .await
        .expect_ok();
    let id = id_of(&state);
    assert_eq!(get(&state, "ipv4"), &Value::from("10.0.1.0/24"));
    assert_eq!(get(&state, "linodes"), &Value::list([]));
    let refreshed = env.h.read("linode_vpc_subnet", &state).await.expect_ok();
    assert_eq!(refreshed, state);
    assert!(
        !env.h
            .plan_update("linode_vpc_subnet", &refreshed, config.clone())
            .await
            .has_changes()
    );

    // A NodeBalancer in the subnet shows in `nodebalancers`, with no diff.
    let nb = CreateNodeBalancer {
        region: "fr-par".into(),
        label: Some("subnet-lb".into()),
        vpcs: Some(vec![NodeBalancerVpcOptions {
            subnet_id: id,
            ipv4_range: Some("10.0.1.64/30".into()),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let nb = client.nodebalancers().create(&nb).await.unwrap().id;
    let used = env.h.read("linode_vpc_subnet", &state).await.expect_ok();
    let users = get(&used, "nodebalancers").as_elements().unwrap().to_vec();
    assert_eq!(users[0].get("id"), Some(&Value::from(nb as i64)));
    assert_eq!(
        users[0].get("ipv4_range"),
        Some(&Value::from("10.0.1.64/30"))
    );
    assert!(
        !env.h
            .plan_update("linode_vpc_subnet", &used, config.clone())
            .await
            .has_changes()
    );
    client.nodebalancers().delete(nb).await.unwrap();

    // Label in place; a new range replaces.
    let renamed = subnet(vpc_id, "app-2", "10.0.1.0/24");
    let plan = env
        .h
        .plan_update("linode_vpc_subnet", &used, renamed.clone())
        .await;
    assert!(plan.has_changes() && !plan.requires_replacement());
    let updated = env.h.apply(&plan).await.expect_ok();
    assert_eq!(id_of(&updated), id);
    assert_eq!(
        client.vpcs().get_subnet(vpc_id, id).await.unwrap().label,
        "app-2"
    );

    let imported = env
        .h
        .import("linode_vpc_subnet", &format!("{vpc_id},{id}"))
        .await
        .expect_ok();
    assert!(
        !env.h
            .plan_update("linode_vpc_subnet", &imported, renamed.clone())
            .await
            .has_changes()
    );
    let bad = env.h.import("linode_vpc_subnet", &id.to_string()).await;
    assert!(
        bad.diagnostics
            .errors()
            .any(|d| d.detail.contains("<vpc_id>,<id>")),
        "{:?}",
        bad.diagnostics
    );

    client
        .vpcs()
        .update_subnet(
            vpc_id,
            id,
            &UpdateVpcSubnet {
                label: "edited".into(),
            },
        )
        .await
        .unwrap();
    let drifted = env.h.read("linode_vpc_subnet", &updated).await.expect_ok();
    assert!(
        env.h
            .plan_update("linode_vpc_subnet", &drifted, renamed.clone())
            .await
            .has_changes()
    );

    let moved = subnet(vpc_id, "app-2", "10.0.2.0/24");
    let plan = env
        .h
        .plan_update("linode_vpc_subnet", &drifted, moved)
        .await;
    assert_no_errors(&plan.diagnostics);
    assert!(plan.requires_replacement());
    let replaced = env.h.apply(&plan).await.expect_ok();
    assert_ne!(id_of(&replaced), id);
    client
        .vpcs()
        .delete_subnet(vpc_id, id_of(&replaced))
        .await
        .unwrap();
    assert!(
        env.h
            .read("linode_vpc_subnet", &replaced)
            .await
            .expect_ok()
            .is_null()
    );
    assert_no_errors(&env.h.destroy("linode_vpc", &vpc_state).await);
    assert!(
        client
            .vpcs()
            .list(&ListParams::new())
            .await
            .unwrap()
            .data
            .is_empty()
    );
}

#[tokio::test]
async fn vpc_validation_errors_name_the_attribute() {
    let env = support::setup().await;
    let plan_vpc = |config: Value| env.h.plan_create("linode_vpc", config);
    assert_no_errors(&plan_vpc(vpc("ok-vpc", "fr-par", None)).await.diagnostics);
    assert_error_on(
        &plan_vpc(vpc("bad label", "fr-par", None)).await.diagnostics,
        "label",
    );
    assert_error_on(
        &plan_vpc(vpc("mars", "mars-1", None)).await.diagnostics,
        "region",
    );
    let long = "x".repeat(256);
    assert_error_on(
        &plan_vpc(vpc("long", "fr-par", Some(&long)))
            .await
            .diagnostics,
        "description",
    );
    let mut v6 = vpc("v6", "fr-par", None);
    if let Value::Object(m) = &mut v6 {
        m.insert(
            "ipv6".into(),
            Value::list([obj(&[("range", Value::from("auto"))])]),
        );
    }
    assert_error_on(&plan_vpc(v6).await.diagnostics, "ipv6");

    let vpc_id = id_of(
        &env.h
            .create("linode_vpc", vpc("checks", "fr-par", None))
            .await
            .expect_ok(),
    );
    let first = env
        .h
        .create("linode_vpc_subnet", subnet(vpc_id, "first", "10.0.0.0/16"))
        .await
        .expect_ok();
    let plan_subnet = |config: Value| env.h.plan_create("linode_vpc_subnet", config);
    assert_no_errors(
        &plan_subnet(subnet(vpc_id, "second", "10.1.0.0/24"))
            .await
            .diagnostics,
    );
    assert_error_on(
        &plan_subnet(subnet(vpc_id, "overlap", "10.0.5.0/24"))
            .await
            .diagnostics,
        "ipv4",
    );
    assert_error_on(
        &plan_subnet(subnet(vpc_id, "public", "8.8.8.0/24"))
            .await
            .diagnostics,
        "ipv4",
    );
    assert_error_on(
        &plan_subnet(subnet(vpc_id, "skewed", "10.2.0.1/24"))
            .await
            .diagnostics,
        "ipv4",
    );
    assert_error_on(
        &plan_subnet(subnet(vpc_id, "tiny", "10.2.0.0/30"))
            .await
            .diagnostics,
        "ipv4",
    );
    assert_error_on(
        &plan_subnet(subnet(vpc_id, "reserved", "192.168.200.0/24"))
            .await
            .diagnostics,
        "ipv4",
    );
    assert_error_on(
        &plan_subnet(subnet(vpc_id, "bad--label", "10.3.0.0/24"))
            .await
            .diagnostics,
        "label",
    );
    assert_error_on(
        &plan_subnet(subnet(999_999, "orphan", "10.3.0.0/24"))
            .await
            .diagnostics,
        "vpc_id",
    );
    let no_range = obj(&[
        ("vpc_id", Value::from(vpc_id as i64)),
        ("label", Value::from("none")),
    ]);
    assert_error_on(&plan_subnet(no_range).await.diagnostics, "ipv4");
    // Its own range is no overlap when only the label changes.
    let plan = env
        .h
        .plan_update(
            "linode_vpc_subnet",
            &first,
            subnet(vpc_id, "renamed", "10.0.0.0/16"),
        )
        .await;
    assert_no_errors(&plan.diagnostics);
    assert_eq!(
        sdk(&env)
            .vpcs()
            .list_subnets(vpc_id, &ListParams::new())
            .await
            .unwrap()
            .data
            .len(),
        1,
        "nothing was created"
    );
}

fn filter(name: &str, values: &[&str], match_by: Option<&str>) -> Value {
    obj(&[
        ("name", Value::from(name)),
        ("values", Value::set(values.iter().map(|v| Value::from(*v)))),
        ("match_by", match_by.map_or(Value::Null, Value::from)),
    ])
}

fn field(state: &Value, list: &str, key: &str) -> Vec<String> {
    get(state, list)
        .as_elements()
        .unwrap()
        .iter()
        .map(|e| match e.get(key) {
            Some(Value::String(s)) => s.clone(),
            Some(other) => format!("{other:?}"),
            None => String::new(),
        })
        .collect()
}

#[tokio::test]
async fn vpc_data_sources_read_and_filter_in_one_listing() {
    let env = support::setup().await;
    let client = sdk(&env);
    let make = |label: &str, region: &str, subnets: Vec<CreateVpcSubnet>| CreateVpc {
        label: label.into(),
        region: region.into(),
        description: Some(format!("{label} network")),
        subnets: Some(subnets),
    };
    let app = client
        .vpcs()
        .create(&make(
            "app-net",
            "fr-par",
            vec![
                CreateVpcSubnet::new("web", "10.0.1.0/24"),
                CreateVpcSubnet::new("db", "10.0.2.0/24"),
            ],
        ))
        .await
        .unwrap();
    client
        .vpcs()
        .create(&make("ops-net", "us-ord", vec![]))
        .await
        .unwrap();
    let web = app.subnets.iter().find(|s| s.label == "web").unwrap().id;
    let nb = CreateNodeBalancer {
        region: "fr-par".into(),
        label: Some("ips-lb".into()),
        vpcs: Some(vec![NodeBalancerVpcOptions {
            subnet_id: web,
            ipv4_range: Some("10.0.1.8/30".into()),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let nb = client.nodebalancers().create(&nb).await.unwrap().id;

    let one = env
        .h
        .read_data_source(
            "linode_vpc",
            obj(&[("id", Value::from(app.id.to_string()))]),
        )
        .await
        .expect_ok();
    assert_eq!(get(&one, "label"), &Value::from("app-net"));
    assert_eq!(get(&one, "description"), &Value::from("app-net network"));
    assert_error_on(
        &env.h
            .read_data_source("linode_vpc", obj(&[("id", Value::from("424242"))]))
            .await
            .diagnostics,
        "id",
    );

    let vpcs = |filters: Vec<Value>| {
        env.h
            .read_data_source("linode_vpcs", obj(&[("filter", Value::set(filters))]))
    };
    env.mock.clear_requests();
    let paris = vpcs(vec![filter("region", &["fr-par"], None)])
        .await
        .expect_ok();
    assert_eq!(field(&paris, "vpcs", "label"), ["app-net"]);
    assert_eq!(
        api_calls(&env.mock),
        1,
        "one paginated listing: {:?}",
        env.mock.requests()
    );
    assert_eq!(
        field(
            &vpcs(vec![filter("label", &["-net"], Some("substring"))])
                .await
                .expect_ok(),
            "vpcs",
            "label"
        )
        .len(),
        2
    );
    assert_eq!(
        field(
            &vpcs(vec![filter("label", &["^ops"], Some("re"))])
                .await
                .expect_ok(),
            "vpcs",
            "label"
        ),
        ["ops-net"]
    );

    let subnet_one = env
        .h
        .read_data_source(
            "linode_vpc_subnet",
            obj(&[
                ("id", Value::from(web.to_string())),
                ("vpc_id", Value::from(app.id as i64)),
            ]),
        )
        .await
        .expect_ok();
    assert_eq!(get(&subnet_one, "ipv4"), &Value::from("10.0.1.0/24"));
    assert_eq!(
        get(&subnet_one, "nodebalancers").as_elements().unwrap()[0].get("id"),
        Some(&Value::from(nb as i64))
    );

    let subnets = |filters: Vec<Value>| {
        env.h.read_data_source(
            "linode_vpc_subnets",
            obj(&[
                ("vpc_id", Value::from(app.id as i64)),
                ("filter", Value::set(filters)),
            ]),
        )
    };
    env.mock.clear_requests();
    assert_eq!(
        field(
            &subnets(vec![filter("label", &["db"], None)])
                .await
                .expect_ok(),
            "vpc_subnets",
            "label"
        ),
        ["db"]
    );
    assert_eq!(
        api_calls(&env.mock),
        1,
        "one paginated listing: {:?}",
        env.mock.requests()
    );
    assert_eq!(
        field(
            &subnets(vec![filter("ipv4", &["10.0.1."], Some("substring"))])
                .await
                .expect_ok(),
            "vpc_subnets",
            "label"
        ),
        ["web"]
    );
    assert_eq!(
        field(&subnets(vec![]).await.expect_ok(), "vpc_subnets", "label").len(),
        2
    );

    let ips = |pairs: &[(&str, Value)]| env.h.read_data_source("linode_vpc_ips", obj(pairs));
    env.mock.clear_requests();
    let all = ips(&[("filter", Value::set([filter("region", &["fr-par"], None)]))])
        .await
        .expect_ok();
    assert_eq!(field(&all, "vpc_ips", "address_range"), ["10.0.1.8/30"]);
    assert_eq!(
        api_calls(&env.mock),
        1,
        "one paginated listing: {:?}",
        env.mock.requests()
    );
    let in_vpc = ips(&[("vpc_id", Value::from(app.id as i64))])
        .await
        .expect_ok();
    assert_eq!(
        get(&in_vpc, "vpc_ips").as_elements().unwrap()[0].get("subnet_id"),
        Some(&Value::from(web as i64))
    );
    let none = ips(&[("filter", Value::set([filter("region", &["us-ord"], None)]))])
        .await
        .expect_ok();
    assert!(get(&none, "vpc_ips").as_elements().unwrap().is_empty());
    assert_error_on(
        &ips(&[("ipv6", Value::from(true))]).await.diagnostics,
        "ipv6",
    );
    assert_error_on(
        &ips(&[("filter", Value::set([filter("address", &["x"], None)]))])
            .await
            .diagnostics,
        "filter",
    );
}

#[tokio::test]
async fn vpcs_and_subnets_made_by_a_create_answered_500_are_adopted_once() {
    let env = support::setup().await;
    let client = sdk(&env);
    env.mock
        .set_faults(linode_mock::FaultConfig::apply_then_500_once(
            "POST", "/v4/vpcs",
        ));
    let state = env
        .h
        .create("linode_vpc", vpc("adopted", "fr-par", None))
        .await
        .expect_ok();
    let vpcs = client.vpcs().list(&ListParams::new()).await.unwrap().data;
    assert_eq!(vpcs.len(), 1, "no duplicate VPC");
    assert_eq!(id_of(&state), vpcs[0].id);

    let vpc_id = vpcs[0].id;
    env.mock
        .set_faults(linode_mock::FaultConfig::apply_then_500_once(
            "POST",
            &format!("/v4/vpcs/{vpc_id}/subnets"),
        ));
    let sub = env
        .h
        .create(
            "linode_vpc_subnet",
            subnet(vpc_id, "adopted", "10.5.0.0/24"),
        )
        .await
        .expect_ok();
    let subnets = client
        .vpcs()
        .list_subnets(vpc_id, &ListParams::new())
        .await
        .unwrap()
        .data;
    assert_eq!(subnets.len(), 1, "no duplicate subnet");
    assert_eq!(id_of(&sub), subnets[0].id);
}
