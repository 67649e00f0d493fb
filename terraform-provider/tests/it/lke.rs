//! Tests of the lke family (see the family module in src/): `linode_lke_cluster`,
//! `linode_lke_node_pool` and the LKE data sources, against the emulator.

use std::time::Duration;

use linode_sdk::models::lke::UpdateNodePool;
use tfplugin::{AttributePath, Diagnostics, Value};

use terraform_provider_linode::LinodeProvider;
use tfplugin::testing::Harness;

use crate::support::{Env, assert_no_errors, provider_config, setup, sdk};

const CLUSTER: &str = "linode_lke_cluster";
const POOL: &str = "linode_lke_node_pool";

fn pool(ty: &str, count: i64) -> Value {
    Value::object([("type", Value::from(ty)), ("count", Value::from(count))])
}

fn labelled_pool(ty: &str, count: i64, label: &str) -> Value {
    Value::object([
        ("type", Value::from(ty)),
        ("count", Value::from(count)),
        ("label", Value::from(label)),
    ])
}

fn autoscaled_pool(ty: &str, min: i64, max: i64) -> Value {
    Value::object([
        ("type", Value::from(ty)),
        (
            "autoscaler",
            Value::list([Value::object([
                ("min", Value::from(min)),
                ("max", Value::from(max)),
            ])]),
        ),
    ])
}

fn cluster(label: &str, region: &str, pools: Vec<Value>) -> Value {
    cluster_with(label, region, pools, [])
}

fn cluster_with<const N: usize>(
    label: &str,
    region: &str,
    pools: Vec<Value>,
    extra: [(&str, Value); N],
) -> Value {
    let mut attrs = vec![
        ("label", Value::from(label)),
        ("region", Value::from(region)),
        ("k8s_version", Value::from("1.33")),
        ("pool", Value::list(pools)),
    ];
    attrs.extend(extra);
    Value::object(attrs)
}

fn cluster_id(state: &Value) -> u64 {
    state
        .get("id")
        .and_then(Value::as_str)
        .expect("id")
        .parse()
        .expect("numeric id")
}

fn pools(state: &Value) -> Vec<Value> {
    state
        .get("pool")
        .and_then(Value::as_elements)
        .map(<[Value]>::to_vec)
        .unwrap_or_default()
}

fn pool_ids(state: &Value) -> Vec<i64> {
    pools(state)
        .iter()
        .map(|p| p.get("id").and_then(Value::as_i64).expect("pool id"))
        .collect()
}

fn path(steps: &str) -> AttributePath {
    let mut p = AttributePath::root();
    for s in steps.split('.') {
        p = match s.parse::<i64>() {
            Ok(i) => p.index(i),
            Err(_) => p.attr(s),
        };
    }
    p
}

#[track_caller]
fn assert_error_at(diags: &Diagnostics, steps: &str) {
    let want = path(steps);
    assert!(
        diags.errors().any(|d| d.path.as_ref() == Some(&want)),
        "expected an error on {want}, got {diags:#?}"
    );
}

/// `(method, path)` of the API requests since the last clear.
fn calls(env: &Env) -> Vec<(String, String)> {
    env.mock
        .requests()
        .into_iter()
        .map(|r| (r.method, r.path))
        .collect()
}

fn count_calls(env: &Env, method: &str, needle: &str) -> usize {
    calls(env)
        .iter()
        .filter(|(m, p)| m == method && p.contains(needle))
        .count()
}

/// A freshly configured provider (as in the next `terraform plan`: a new process, empty caches).
async fn fresh(env: &Env) -> Harness {
    let h = Harness::new(LinodeProvider::with_env(|_| None));
    assert_no_errors(&h.configure(provider_config(&env.mock)).await);
    h
}

async fn create(env: &Env, config: Value) -> Value {
    env.h.create(CLUSTER, config).await.expect_ok()
}

#[tokio::test]
async fn create_waits_for_ready_nodes_and_kubeconfig_then_reads_without_drift() {
    let env = setup().await;
    let config = cluster(
        "prod",
        "us-east",
        vec![pool("g6-standard-1", 1), pool("g6-standard-2", 2)],
    );
    let state = create(&env, config.clone()).await;
    assert_eq!(state.get("status").and_then(Value::as_str), Some("ready"));
    assert!(
        !state
            .get("kubeconfig")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .is_empty()
    );
    assert!(
        !state
            .get("api_endpoints")
            .and_then(Value::as_elements)
            .unwrap_or_default()
            .is_empty()
    );
    assert!(
        state
            .get("dashboard_url")
            .and_then(Value::as_str)
            .is_some_and(|u| u.starts_with("https://"))
    );
    let ps = pools(&state);
    assert_eq!(ps.len(), 2);
    assert_eq!(
        ps[1].get("type").and_then(Value::as_str),
        Some("g6-standard-2")
    );
    for p in &ps {
        let nodes = p.get("nodes").and_then(Value::as_elements).expect("nodes");
        assert_eq!(
            nodes.len() as i64,
            p.get("count").and_then(Value::as_i64).unwrap()
        );
        assert!(
            nodes
                .iter()
                .all(|n| n.get("status").and_then(Value::as_str) == Some("ready")),
            "{nodes:?}"
        );
    }

    let h = fresh(&env).await;
    env.mock.clear_requests();
    let read = h.read(CLUSTER, &state).await.expect_ok();
    // GET cluster, list pools, kubeconfig, api-endpoints, dashboard.
    assert_eq!(calls(&env).len(), 5, "{:?}", calls(&env));
    assert_eq!(read, state);
    let plan = env.h.plan_update(CLUSTER, &read, config.clone()).await;
    assert_no_errors(&plan.diagnostics);
    assert!(!plan.has_changes(), "{:#?}", plan.planned_state);

    // A label changed out of band is detected and planned back in place.
    let renamed = linode_sdk::models::lke::UpdateLkeCluster {
        label: Some("renamed".into()),
        ..Default::default()
    };
    sdk(&env)
        .lke()
        .update(cluster_id(&state), &renamed)
        .await
        .unwrap();
    let h = fresh(&env).await;
    let read = h.read(CLUSTER, &state).await.expect_ok();
    assert_eq!(read.get("label").and_then(Value::as_str), Some("renamed"));
    let plan = h.plan_update(CLUSTER, &read, config).await;
    assert!(plan.has_changes() && !plan.requires_replacement());
    let back = h.apply(&plan).await.expect_ok();
    assert_eq!(back.get("label").and_then(Value::as_str), Some("prod"));
}

#[tokio::test]
async fn reordering_pools_replaces_nothing() {
    let env = setup().await;
    let a = pool("g6-standard-1", 1);
    let b = pool("g6-standard-2", 2);
    let state = create(
        &env,
        cluster("order", "us-east", vec![a.clone(), b.clone()]),
    )
    .await;
    let ids = pool_ids(&state);

    let plan = env
        .h
        .plan_update(CLUSTER, &state, cluster("order", "us-east", vec![b, a]))
        .await;
    assert_no_errors(&plan.diagnostics);
    assert!(!plan.requires_replacement(), "{:?}", plan.requires_replace);
    let planned = pool_ids(&plan.planned_state);
    assert_eq!(
        planned,
        vec![ids[1], ids[0]],
        "pool ids follow the pools, not the positions"
    );
    for attr in [
        "status",
        "kubeconfig",
        "api_endpoints",
        "dashboard_url",
        "tier",
    ] {
        assert_eq!(
            plan.planned_state.get(attr),
            state.get(attr),
            "{attr} stays known"
        );
    }
    for p in pools(&plan.planned_state) {
        assert!(
            p.get("nodes").is_some_and(Value::is_known),
            "nodes stay known: {p:?}"
        );
    }

    env.mock.clear_requests();
    let after = env.h.apply(&plan).await.expect_ok();
    assert_eq!(count_calls(&env, "POST", "/pools"), 0);
    assert_eq!(count_calls(&env, "DELETE", "/pools"), 0);
    assert_eq!(count_calls(&env, "PUT", "/pools"), 0);
    assert_eq!(pool_ids(&after), vec![ids[1], ids[0]]);
    // Refresh keeps the configured order.
    assert_eq!(
        pool_ids(&env.h.read(CLUSTER, &after).await.expect_ok()),
        vec![ids[1], ids[0]]
    );
}

#[tokio::test]
async fn removing_the_middle_pool_deletes_that_pool_only() {
    let env = setup().await;
    let (a, b, c) = (
        pool("g6-standard-1", 1),
        pool("g6-standard-1", 2),
        pool("g6-standard-1", 3),
    );
    let state = create(
        &env,
        cluster("middle", "us-east", vec![a.clone(), b, c.clone()]),
    )
    .await;
    let ids = pool_ids(&state);

    env.mock.clear_requests();
    let after = env
        .h
        .update(CLUSTER, &state, cluster("middle", "us-east", vec![a, c]))
        .await
        .expect_ok();
    assert_eq!(pool_ids(&after), vec![ids[0], ids[2]]);
    let deletes: Vec<_> = calls(&env)
        .into_iter()
        .filter(|(m, p)| m == "DELETE" && p.contains("/pools/"))
        .collect();
    assert_eq!(deletes.len(), 1);
    assert!(
        deletes[0].1.ends_with(&format!("/pools/{}", ids[1])),
        "{deletes:?}"
    );
    assert_eq!(
        count_calls(&env, "PUT", "/pools"),
        0,
        "the other pools are untouched"
    );
}

#[tokio::test]
async fn count_change_is_in_place_and_type_change_replaces_only_the_pool() {
    let env = setup().await;
    let state = create(
        &env,
        cluster(
            "resize",
            "us-east",
            vec![labelled_pool("g6-standard-1", 1, "web")],
        ),
    )
    .await;
    let id = cluster_id(&state);
    let pid = pool_ids(&state)[0];

    let plan = env
        .h
        .plan_update(
            CLUSTER,
            &state,
            cluster(
                "resize",
                "us-east",
                vec![labelled_pool("g6-standard-1", 3, "web")],
            ),
        )
        .await;
    assert!(!plan.requires_replacement());
    let grown = env.h.apply(&plan).await.expect_ok();
    assert_eq!(pool_ids(&grown), vec![pid]);
    let nodes = pools(&grown)[0]
        .get("nodes")
        .and_then(Value::as_elements)
        .unwrap()
        .to_vec();
    assert_eq!(nodes.len(), 3);
    assert!(
        nodes
            .iter()
            .all(|n| n.get("status").and_then(Value::as_str) == Some("ready"))
    );

    let plan = env
        .h
        .plan_update(
            CLUSTER,
            &grown,
            cluster(
                "resize",
                "us-east",
                vec![labelled_pool("g6-standard-2", 3, "web")],
            ),
        )
        .await;
    assert_no_errors(&plan.diagnostics);
    assert!(
        !plan.requires_replacement(),
        "a pool type change never replaces the cluster"
    );
    let swapped = env.h.apply(&plan).await.expect_ok();
    assert_eq!(cluster_id(&swapped), id);
    let new_pid = pool_ids(&swapped)[0];
    assert_ne!(new_pid, pid);
    assert!(
        sdk(&env)
            .lke()
            .get_pool_opt(id, pid as u64)
            .await
            .unwrap()
            .is_none(),
        "old pool deleted"
    );
    assert_eq!(
        sdk(&env)
            .lke()
            .get_pool(id, new_pid as u64)
            .await
            .unwrap()
            .node_type,
        "g6-standard-2"
    );
}

#[tokio::test]
async fn autoscaled_pool_count_is_not_drift_and_removing_the_autoscaler_disables_it() {
    let env = setup().await;
    let config = cluster(
        "auto",
        "us-east",
        vec![autoscaled_pool("g6-standard-1", 1, 3)],
    );
    let state = create(&env, config.clone()).await;
    let (id, pid) = (cluster_id(&state), pool_ids(&state)[0] as u64);
    assert_eq!(
        pools(&state)[0].get("count").and_then(Value::as_i64),
        Some(1),
        "created with autoscaler.min"
    );

    // The autoscaler grows the pool out of band.
    let api = sdk(&env);
    let body = UpdateNodePool {
        count: Some(3),
        ..Default::default()
    };
    api.lke().update_pool(id, pid, &body).await.unwrap();
    let h = fresh(&env).await;
    let read = h.read(CLUSTER, &state).await.expect_ok();
    assert_eq!(api.lke().get_pool(id, pid).await.unwrap().count, 3);
    assert_eq!(
        pools(&read)[0].get("count").and_then(Value::as_i64),
        Some(1)
    );
    let plan = env.h.plan_update(CLUSTER, &read, config).await;
    assert_no_errors(&plan.diagnostics);
    assert!(
        !plan.has_changes(),
        "no count drift for an autoscaled pool: {:#?}",
        plan.planned_state
    );

    // Removing the block disables the autoscaler (with valid bounds, not 0/0).
    let fixed = cluster("auto", "us-east", vec![pool("g6-standard-1", 2)]);
    let after = env.h.update(CLUSTER, &read, fixed).await.expect_ok();
    assert_eq!(pool_ids(&after), vec![pid as i64]);
    let live = api.lke().get_pool(id, pid).await.unwrap();
    assert!(!live.autoscaler.enabled);
    assert!(
        live.autoscaler.min >= 1 && live.autoscaler.max >= 1,
        "{:?}",
        live.autoscaler
    );
    assert_eq!(live.count, 2);
}

#[tokio::test]
async fn external_pools_are_ignored_and_the_node_pool_resource_manages_them() {
    let env = setup().await;
    let config = cluster_with(
        "ext",
        "us-east",
        vec![pool("g6-standard-1", 1)],
        [("external_pool_tags", Value::set([Value::from("external")]))],
    );
    let state = create(&env, config.clone()).await;
    let id = cluster_id(&state);

    let pool_config = Value::object([
        ("cluster_id", Value::from(id as i64)),
        ("type", Value::from("g6-standard-2")),
        ("node_count", Value::from(2)),
        ("tags", Value::set([Value::from("external")])),
    ]);
    let np = env.h.create(POOL, pool_config.clone()).await.expect_ok();
    let nodes = np.get("nodes").and_then(Value::as_elements).unwrap();
    assert_eq!(nodes.len(), 2);
    assert!(
        nodes
            .iter()
            .all(|n| n.get("status").and_then(Value::as_str) == Some("ready"))
    );

    let read = env.h.read(CLUSTER, &state).await.expect_ok();
    assert_eq!(
        pools(&read).len(),
        1,
        "the external pool is not the cluster's"
    );
    let plan = env.h.plan_update(CLUSTER, &read, config).await;
    assert!(!plan.has_changes());

    // Node pool: no drift, in-place resize, import round trip.
    let np_read = env.h.read(POOL, &np).await.expect_ok();
    assert_eq!(np_read, np);
    let resized = env
        .h
        .update(
            POOL,
            &np,
            with_attr(&pool_config, "node_count", Value::from(3)),
        )
        .await
        .expect_ok();
    assert_eq!(resized.get("id"), np.get("id"));
    assert_eq!(
        resized
            .get("nodes")
            .and_then(Value::as_elements)
            .unwrap()
            .len(),
        3
    );
    let pid = np.get("id").and_then(Value::as_str).unwrap().to_string();
    let imported = env.h.import(POOL, &format!("{id},{pid}")).await.expect_ok();
    assert_eq!(imported.get("node_count").and_then(Value::as_i64), Some(3));
    assert_eq!(
        imported.get("type").and_then(Value::as_str),
        Some("g6-standard-2")
    );
    assert_no_errors(&env.h.destroy(POOL, &resized).await);
    assert!(
        sdk(&env)
            .lke()
            .get_pool_opt(id, pid.parse().unwrap())
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        env.h.read(POOL, &resized).await.expect_ok().is_null(),
        "a deleted pool leaves the state"
    );
}

fn with_attr(v: &Value, name: &str, value: Value) -> Value {
    let mut v = v.clone();
    if let Value::Object(m) = &mut v {
        m.insert(name.into(), value);
    }
    v
}

#[tokio::test]
async fn gpu_type_in_a_region_without_gpus_is_a_plan_error_and_creates_nothing() {
    let env = setup().await;
    let out = env
        .h
        .create(
            CLUSTER,
            cluster("gpu", "us-iad", vec![pool("g1-gpu-rtx6000-1", 1)]),
        )
        .await;
    assert_error_at(&out.diagnostics, "pool.0.type");
    let detail = out
        .diagnostics
        .errors()
        .map(|d| d.detail.clone())
        .collect::<String>();
    assert!(
        detail.contains("fr-par"),
        "names regions with GPUs: {detail}"
    );
    assert_eq!(count_calls(&env, "POST", "/lke/clusters"), 0);
    assert!(
        sdk(&env)
            .lke()
            .list(&Default::default())
            .await
            .unwrap()
            .data
            .is_empty()
    );

    let ok = env
        .h
        .plan_create(
            CLUSTER,
            cluster("gpu", "fr-par", vec![pool("g1-gpu-rtx6000-1", 1)]),
        )
        .await;
    assert_no_errors(&ok.diagnostics);
}

#[tokio::test]
async fn plan_time_validation_names_the_attribute() {
    let env = setup().await;
    let plan = |c| env.h.plan_create(CLUSTER, c);

    let d = plan(cluster(
        "v",
        "us-east",
        vec![autoscaled_pool("g6-standard-1", 5, 2)],
    ))
    .await
    .diagnostics;
    assert_error_at(&d, "pool.0.autoscaler.0.min");
    let d = plan(cluster("v", "us-east", vec![pool("g6-standard-1", 0)]))
        .await
        .diagnostics;
    assert_error_at(&d, "pool.0.count");
    let d = plan(cluster("v", "us-east", vec![pool("g6-standard-1", 101)]))
        .await
        .diagnostics;
    assert_error_at(&d, "pool.0.count");
    let d = plan(cluster(
        "v",
        "us-east",
        vec![Value::object([("type", Value::from("g6-standard-1"))])],
    ))
    .await
    .diagnostics;
    assert_error_at(&d, "pool.0.count");
    let d = plan(cluster("v", "xx-nowhere", vec![pool("g6-standard-1", 1)]))
        .await
        .diagnostics;
    assert_error_at(&d, "region");
    let d = plan(cluster(
        "v",
        "us-east",
        vec![pool("g6-standard-1", 1), pool("g9-imaginary", 1)],
    ))
    .await
    .diagnostics;
    assert_error_at(&d, "pool.1.type");
    let mut bad_version = cluster("v", "us-east", vec![pool("g6-standard-1", 1)]);
    if let Value::Object(m) = &mut bad_version {
        m.insert("k8s_version".into(), Value::from("1.2"));
    }
    let d = plan(bad_version).await.diagnostics;
    assert_error_at(&d, "k8s_version");
    let acl = Value::object([(
        "acl",
        Value::list([Value::object([
            ("enabled", Value::from(true)),
            (
                "addresses",
                Value::list([Value::object([(
                    "ipv4",
                    Value::set([Value::from("10.0.0.0/8"), Value::from("300.1.2.3")]),
                )])]),
            ),
        ])]),
    )]);
    let d = plan(cluster_with(
        "v",
        "us-east",
        vec![pool("g6-standard-1", 1)],
        [("control_plane", Value::list([acl]))],
    ))
    .await
    .diagnostics;
    assert_error_at(&d, "control_plane.0.acl.0.addresses.0.ipv4");
    assert!(
        env.mock.requests().iter().all(|r| r.method == "GET"),
        "validation creates nothing"
    );
}

#[tokio::test]
async fn import_round_trip_and_404_removes_from_state() {
    let env = setup().await;
    let config = cluster_with(
        "imp",
        "us-east",
        vec![
            labelled_pool("g6-standard-1", 1, "a"),
            pool("g6-standard-2", 1),
        ],
        [("tags", Value::set([Value::from("team-a")]))],
    );
    let state = create(&env, config.clone()).await;
    let id = cluster_id(&state);

    let imported = env.h.import(CLUSTER, &id.to_string()).await.expect_ok();
    for attr in [
        "label",
        "region",
        "k8s_version",
        "tags",
        "kubeconfig",
        "tier",
    ] {
        assert_eq!(imported.get(attr), state.get(attr), "{attr}");
    }
    assert_eq!(pool_ids(&imported), pool_ids(&state));
    let plan = env.h.plan_update(CLUSTER, &imported, config).await;
    assert_no_errors(&plan.diagnostics);
    assert!(!plan.requires_replacement());

    sdk(&env).lke().delete(id).await.unwrap();
    let gone = env.h.read(CLUSTER, &state).await.expect_ok();
    assert!(gone.is_null());
}

#[tokio::test]
async fn k8s_upgrade_recycles_in_place_and_ha_cannot_be_turned_off() {
    let env = setup().await;
    let ha = |on: bool| Value::list([Value::object([("high_availability", Value::from(on))])]);
    let mut config = cluster_with(
        "up",
        "us-east",
        vec![pool("g6-standard-1", 1)],
        [("control_plane", ha(true))],
    );
    if let Value::Object(m) = &mut config {
        m.insert("k8s_version".into(), Value::from("1.33"));
    }
    let state = create(&env, config.clone()).await;
    let id = cluster_id(&state);

    let mut upgraded = config.clone();
    if let Value::Object(m) = &mut upgraded {
        m.insert("k8s_version".into(), Value::from("1.34"));
        m.insert("label".into(), Value::from("up2"));
    }
    let plan = env.h.plan_update(CLUSTER, &state, upgraded.clone()).await;
    assert!(!plan.requires_replacement());
    env.mock.clear_requests();
    let after = env.h.apply(&plan).await.expect_ok();
    assert_eq!(cluster_id(&after), id);
    assert_eq!(
        after.get("k8s_version").and_then(Value::as_str),
        Some("1.34")
    );
    assert_eq!(
        count_calls(&env, "POST", &format!("/lke/clusters/{id}/recycle")),
        1
    );
    assert_eq!(sdk(&env).lke().get(id).await.unwrap().label, "up2");

    let mut no_ha = upgraded;
    if let Value::Object(m) = &mut no_ha {
        m.insert("control_plane".into(), ha(false));
    }
    let plan = env.h.plan_update(CLUSTER, &after, no_ha).await;
    assert_error_at(&plan.diagnostics, "control_plane.0.high_availability");

    let downgrade = with_attr(&config, "label", Value::from("up2"));
    let plan = env.h.plan_update(CLUSTER, &after, downgrade).await;
    assert_error_at(&plan.diagnostics, "k8s_version");
}

#[tokio::test]
async fn create_timeout_is_a_clear_error_and_keeps_the_cluster_in_state() {
    let env = setup().await;
    env.mock
        .set_delays(Duration::from_secs(3600), Duration::from_millis(1));
    let config = cluster_with(
        "slow",
        "us-east",
        vec![pool("g6-standard-1", 1)],
        [(
            "timeouts",
            Value::object([("create", Value::from("300ms"))]),
        )],
    );
    let out = env.h.create(CLUSTER, config).await;
    assert!(out.diagnostics.has_errors());
    let detail = out
        .diagnostics
        .errors()
        .map(|d| format!("{} {}", d.summary, d.detail))
        .collect::<String>();
    assert!(detail.contains("timed out"), "{detail}");
    let id = cluster_id(&out.state);
    assert!(
        sdk(&env).lke().get_opt(id).await.unwrap().is_some(),
        "the cluster is in state, not orphaned"
    );
}

#[tokio::test]
async fn destroy_waits_for_deletion_unless_told_not_to() {
    let env = setup().await;
    let state = create(
        &env,
        cluster("bye", "us-east", vec![pool("g6-standard-1", 1)]),
    )
    .await;
    let id = cluster_id(&state);
    env.mock.clear_requests();
    assert_no_errors(&env.h.destroy(CLUSTER, &state).await);
    assert!(sdk(&env).lke().get_opt(id).await.unwrap().is_none());
    let after_delete = |env: &Env| {
        let c = calls(env);
        let at = c.iter().position(|(m, _)| m == "DELETE").expect("a DELETE");
        c[at + 1..]
            .iter()
            .filter(|(m, p)| m == "GET" && p.ends_with(&format!("/lke/clusters/{id}")))
            .count()
    };
    assert!(after_delete(&env) >= 1, "polled until the cluster is gone");

    // skip_lke_cluster_delete_poll: return right after the DELETE.
    let state = create(
        &env,
        cluster("bye2", "us-east", vec![pool("g6-standard-1", 1)]),
    )
    .await;
    let id = cluster_id(&state);
    let h = Harness::new(LinodeProvider::with_env(|_| None));
    let mut config = provider_config(&env.mock);
    if let Value::Object(m) = &mut config {
        m.insert("skip_lke_cluster_delete_poll".into(), Value::from(true));
    }
    assert_no_errors(&h.configure(config).await);
    env.mock.clear_requests();
    assert_no_errors(&h.destroy(CLUSTER, &state).await);
    let polls = calls(&env)
        .iter()
        .filter(|(m, p)| m == "GET" && p.ends_with(&format!("/lke/clusters/{id}")))
        .count();
    assert_eq!(polls, 0);
}

#[tokio::test]
async fn data_sources_read_cluster_versions_and_types() {
    let env = setup().await;
    let state = create(
        &env,
        cluster("ds", "us-east", vec![pool("g6-standard-1", 2)]),
    )
    .await;
    let id = cluster_id(&state);

    let ds = env
        .h
        .read_data_source(CLUSTER, Value::object([("id", Value::from(id as i64))]))
        .await
        .expect_ok();
    assert_eq!(ds.get("label").and_then(Value::as_str), Some("ds"));
    let ds_pools = ds.get("pools").and_then(Value::as_elements).unwrap();
    assert_eq!(ds_pools.len(), 1);
    assert_eq!(ds_pools[0].get("count").and_then(Value::as_i64), Some(2));
    assert_eq!(ds.get("kubeconfig"), state.get("kubeconfig"));

    let v = env
        .h
        .read_data_source("linode_lke_versions", Value::object::<&str>([]))
        .await
        .expect_ok();
    let ids: Vec<&str> = v
        .get("versions")
        .and_then(Value::as_elements)
        .unwrap()
        .iter()
        .filter_map(|x| x.get("id")?.as_str())
        .collect();
    assert_eq!(ids, linode_mock::catalog::k8s_versions("standard"));
    let v = env
        .h
        .read_data_source(
            "linode_lke_versions",
            Value::object([("tier", Value::from("enterprise"))]),
        )
        .await
        .expect_ok();
    let first = &v.get("versions").and_then(Value::as_elements).unwrap()[0];
    assert_eq!(
        first.get("tier").and_then(Value::as_str),
        Some("enterprise")
    );
    assert_eq!(
        first.get("id").and_then(Value::as_str),
        Some(linode_mock::catalog::k8s_versions("enterprise")[0])
    );

    let t = env
        .h
        .read_data_source("linode_lke_types", Value::object::<&str>([]))
        .await
        .expect_ok();
    let types = t.get("types").and_then(Value::as_elements).unwrap();
    assert!(
        types
            .iter()
            .any(|x| x.get("id").and_then(Value::as_str) == Some("lke-ha"))
    );
}

#[tokio::test]
async fn autoscaled_pool_without_count_starts_at_min() {
    let env = setup().await;
    let state = create(
        &env,
        cluster(
            "as",
            "us-east",
            vec![autoscaled_pool("g6-standard-1", 2, 4)],
        ),
    )
    .await;
    let pid = pool_ids(&state)[0] as u64;
    let live = sdk(&env)
        .lke()
        .get_pool(cluster_id(&state), pid)
        .await
        .unwrap();
    assert_eq!(
        (
            live.autoscaler.enabled,
            live.autoscaler.min,
            live.autoscaler.max,
            live.count
        ),
        (true, 2, 4, 2)
    );
}

#[tokio::test]
async fn control_plane_acl_is_created_updated_and_read_without_drift() {
    let env = setup().await;
    let cp = |ips: &[&str]| {
        Value::list([Value::object([
            ("high_availability", Value::from(false)),
            (
                "acl",
                Value::list([Value::object([
                    ("enabled", Value::from(true)),
                    (
                        "addresses",
                        Value::list([Value::object([(
                            "ipv4",
                            Value::set(ips.iter().map(|s| Value::from(*s))),
                        )])]),
                    ),
                ])]),
            ),
        ])])
    };
    let config = |ips: &[&str]| {
        cluster_with(
            "acl",
            "us-east",
            vec![pool("g6-standard-1", 1)],
            [("control_plane", cp(ips))],
        )
    };
    let state = create(&env, config(&["203.0.113.0/24"])).await;
    let id = cluster_id(&state);
    let h = fresh(&env).await;
    let read = h.read(CLUSTER, &state).await.expect_ok();
    assert_eq!(read, state);
    assert!(
        !h.plan_update(CLUSTER, &read, config(&["203.0.113.0/24"]))
            .await
            .has_changes()
    );

    let after = env
        .h
        .update(CLUSTER, &read, config(&["203.0.113.0/24", "198.51.100.7"]))
        .await
        .expect_ok();
    let acl = sdk(&env).lke().get_control_plane_acl(id).await.unwrap();
    assert!(acl.enabled);
    let mut ipv4 = acl.addresses.unwrap().ipv4;
    ipv4.sort();
    assert_eq!(ipv4, vec!["198.51.100.7", "203.0.113.0/24"]);
    assert!(
        !fresh(&env)
            .await
            .plan_update(CLUSTER, &after, config(&["198.51.100.7", "203.0.113.0/24"]))
            .await
            .has_changes()
    );
}

#[tokio::test]
async fn node_pool_autoscaler_count_is_not_drift_and_plan_checks_gpu_region() {
    let env = setup().await;
    let state = create(
        &env,
        cluster("np", "us-iad", vec![pool("g6-standard-1", 1)]),
    )
    .await;
    let id = cluster_id(&state);
    let config = Value::object([
        ("cluster_id", Value::from(id as i64)),
        ("type", Value::from("g6-standard-1")),
        (
            "autoscaler",
            Value::list([Value::object([
                ("min", Value::from(1)),
                ("max", Value::from(4)),
            ])]),
        ),
    ]);
    let np = env.h.create(POOL, config.clone()).await.expect_ok();
    assert_eq!(np.get("node_count").and_then(Value::as_i64), Some(1));
    let pid: u64 = np
        .get("id")
        .and_then(Value::as_str)
        .unwrap()
        .parse()
        .unwrap();
    let api = sdk(&env);
    api.lke()
        .update_pool(
            id,
            pid,
            &UpdateNodePool {
                count: Some(4),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let h = fresh(&env).await;
    let read = h.read(POOL, &np).await.expect_ok();
    assert_eq!(read.get("node_count").and_then(Value::as_i64), Some(1));
    assert_eq!(
        read.get("nodes")
            .and_then(Value::as_elements)
            .unwrap()
            .len(),
        4
    );
    let plan = h.plan_update(POOL, &read, config).await;
    assert_no_errors(&plan.diagnostics);
    assert!(
        !plan
            .planned_state
            .get("node_count")
            .is_some_and(Value::is_unknown)
    );
    assert_eq!(plan.planned_state.get("node_count"), read.get("node_count"));

    let gpu = Value::object([
        ("cluster_id", Value::from(id as i64)),
        ("type", Value::from("g1-gpu-rtx6000-1")),
        ("node_count", Value::from(1)),
    ]);
    let out = env.h.plan_create(POOL, gpu).await;
    assert_error_at(&out.diagnostics, "type");
    let d = env
        .h
        .plan_create(
            POOL,
            Value::object([
                ("cluster_id", Value::from(id as i64)),
                ("type", Value::from("g6-standard-1")),
                (
                    "autoscaler",
                    Value::list([Value::object([
                        ("min", Value::from(3)),
                        ("max", Value::from(2)),
                    ])]),
                ),
            ]),
        )
        .await
        .diagnostics;
    assert_error_at(&d, "autoscaler.0.min");
}

#[tokio::test]
async fn nodes_replaced_between_plan_and_apply_do_not_break_the_apply() {
    let env = setup().await;
    let state = create(
        &env,
        cluster("drift", "us-east", vec![pool("g6-standard-1", 1)]),
    )
    .await;
    let (id, pid) = (cluster_id(&state), pool_ids(&state)[0] as u64);
    let plan = env
        .h
        .plan_update(
            CLUSTER,
            &state,
            cluster("drift2", "us-east", vec![pool("g6-standard-1", 1)]),
        )
        .await;
    assert_no_errors(&plan.diagnostics);
    assert!(
        pools(&plan.planned_state)[0]
            .get("nodes")
            .is_some_and(Value::is_known)
    );

    // Something replaces the pool's node after the plan.
    sdk(&env).lke().recycle_pool(id, pid).await.unwrap();
    let after = env.h.apply(&plan).await.expect_ok();
    assert_eq!(after.get("label").and_then(Value::as_str), Some("drift2"));
    let fresh_read = fresh(&env).await.read(CLUSTER, &after).await.expect_ok();
    assert_ne!(
        pools(&fresh_read)[0].get("nodes"),
        pools(&after)[0].get("nodes"),
        "the next refresh sees the new node"
    );
}

fn filter(name: &str, values: &[&str], match_by: Option<&str>) -> Value {
    Value::object([
        ("name", Value::from(name)),
        ("values", Value::set(values.iter().map(|v| Value::from(*v)))),
        ("match_by", match_by.map_or(Value::Null, Value::from)),
    ])
}

fn labels_of(ds: &Value) -> Vec<String> {
    ds.get("lke_clusters")
        .and_then(Value::as_elements)
        .unwrap()
        .iter()
        .map(|c| c.get("label").and_then(Value::as_str).unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn clusters_data_source_filters_orders_and_lists_once() {
    let env = setup().await;
    for (label, region) in [("web-eu", "fr-par"), ("web-us", "us-east"), ("batch-eu", "fr-par")] {
        create(&env, cluster(label, region, vec![pool("g6-standard-1", 1)])).await;
    }
    let read = |filters: Vec<Value>, order_by: Option<&str>, order: Option<&str>| {
        let config = Value::object([
            ("filter", Value::set(filters)),
            ("order_by", order_by.map_or(Value::Null, Value::from)),
            ("order", order.map_or(Value::Null, Value::from)),
        ]);
        env.h.read_data_source("linode_lke_clusters", config)
    };
    env.mock.clear_requests();
    let eu = read(vec![filter("region", &["fr-par"], None)], Some("label"), None).await.expect_ok();
    assert_eq!(labels_of(&eu), ["batch-eu", "web-eu"]);
    let listings: Vec<_> = calls(&env).into_iter().filter(|(m, p)| m == "GET" && p.starts_with("/v4/lke/clusters")).collect();
    assert_eq!(listings.len(), 1, "one paginated listing, no GET per cluster: {listings:?}");
    let filter_header = env.mock.requests().iter().find_map(|r| r.x_filter.clone()).unwrap_or_default();
    assert!(filter_header.contains("fr-par"), "the exact region filter went to the API: {filter_header}");

    let web = read(vec![filter("label", &["web"], Some("substring"))], Some("label"), Some("desc")).await.expect_ok();
    assert_eq!(labels_of(&web), ["web-us", "web-eu"]);
    let re = read(vec![filter("label", &["^batch-"], Some("re")), filter("status", &["ready"], None)], None, None).await.expect_ok();
    assert_eq!(labels_of(&re), ["batch-eu"]);
    let first = &web.get("lke_clusters").and_then(Value::as_elements).unwrap()[0];
    assert!(first.get("created").and_then(Value::as_str).unwrap().ends_with('Z'), "RFC 3339 timestamps");

    let bad = read(vec![filter("price", &["1"], None)], None, None).await;
    assert!(bad.diagnostics.has_errors(), "an unknown field is an error");
    let bad = read(vec![filter("label", &["(open"], Some("re"))], None, None).await;
    assert!(bad.diagnostics.has_errors(), "a bad regular expression is an error");
}

#[tokio::test]
async fn node_pool_version_and_types_data_sources() {
    let env = setup().await;
    let state = create(&env, cluster("np-ds", "us-east", vec![labelled_pool("g6-standard-1", 2, "web")])).await;
    let (id, pid) = (cluster_id(&state), pool_ids(&state)[0]);
    let pool = env
        .h
        .read_data_source("linode_lke_node_pool", Value::object([("cluster_id", Value::from(id as i64)), ("id", Value::from(pid))]))
        .await
        .expect_ok();
    assert_eq!(pool.get("label").and_then(Value::as_str), Some("web"));
    assert_eq!(pool.get("node_count").and_then(Value::as_i64), Some(2));
    assert_eq!(pool.get("nodes").and_then(Value::as_elements).map(<[Value]>::len), Some(2));
    assert_eq!(pool.get("autoscaler").and_then(|a| a.get("enabled")), Some(&Value::from(false)));

    let newest = linode_mock::catalog::k8s_versions("standard")[0];
    let v = env.h.read_data_source("linode_lke_version", Value::object([("id", Value::from(newest))])).await.expect_ok();
    assert_eq!(v.get("tier").and_then(Value::as_str), Some("standard"));
    let enterprise = linode_mock::catalog::k8s_versions("enterprise")[0];
    let v = env
        .h
        .read_data_source("linode_lke_version", Value::object([("id", Value::from(enterprise)), ("tier", Value::from("enterprise"))]))
        .await
        .expect_ok();
    assert_eq!(v.get("id").and_then(Value::as_str), Some(enterprise));
    let missing = env.h.read_data_source("linode_lke_version", Value::object([("id", Value::from("0.1"))])).await;
    assert!(missing.diagnostics.errors().any(|d| d.path == Some(AttributePath::new("id"))));

    let versions = env.h.read_data_source("linode_lke_versions", Value::object::<&str>([])).await.expect_ok();
    assert_eq!(versions.get("id").and_then(Value::as_str), Some("standard"));

    let types = env
        .h
        .read_data_source(
            "linode_lke_types",
            Value::object([("filter", Value::set([filter("label", &["High"], Some("substring"))]))]),
        )
        .await
        .expect_ok();
    let ids: Vec<_> = types.get("types").and_then(Value::as_elements).unwrap().iter().filter_map(|t| t.get("id")?.as_str()).collect();
    assert_eq!(ids, ["lke-ha"]);
}

async fn firewall(env: &Env, label: &str) -> u64 {
    use linode_sdk::models::firewalls::{CreateFirewall, FirewallAction, FirewallRulesOptions};
    let rules = FirewallRulesOptions {
        inbound_policy: FirewallAction::Drop,
        outbound_policy: FirewallAction::Accept,
        ..Default::default()
    };
    sdk(env).firewalls().create(&CreateFirewall { label: label.into(), rules, ..Default::default() }).await.unwrap().id
}

/// The Linode ids a firewall protects.
async fn protected(env: &Env, firewall_id: u64) -> Vec<u64> {
    let devices = sdk(env).firewalls().list_devices(firewall_id, &linode_sdk::ListParams::new()).await.unwrap().data;
    let mut ids: Vec<u64> = devices.iter().map(|d| d.entity.id).collect();
    ids.sort();
    ids
}

fn instance_ids(pool: &Value) -> Vec<u64> {
    let mut ids: Vec<u64> = pool
        .get("nodes")
        .and_then(Value::as_elements)
        .unwrap()
        .iter()
        .map(|n| n.get("instance_id").and_then(Value::as_i64).unwrap() as u64)
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn pool_firewalls_attach_on_standard_and_enterprise_clusters() {
    let env = setup().await;
    let (fw, fw2) = (firewall(&env, "nodes-a").await as i64, firewall(&env, "nodes-b").await as i64);
    let guarded = |fw: i64| {
        let mut p = pool("g6-standard-1", 2);
        if let Value::Object(m) = &mut p {
            m.insert("firewall_id".into(), Value::from(fw));
        }
        p
    };
    // Standard tier: the official provider's users report the pool's firewall ignored there.
    let state = create(&env, cluster("fw-std", "us-east", vec![guarded(fw)])).await;
    let pool_state = &pools(&state)[0];
    assert_eq!(pool_state.get("firewall_id"), Some(&Value::from(fw)));
    assert_eq!(protected(&env, fw as u64).await, instance_ids(pool_state), "the pool's nodes are behind the firewall");
    let plan = env.h.plan_update(CLUSTER, &state, cluster("fw-std", "us-east", vec![guarded(fw)])).await;
    assert!(!plan.has_changes(), "{:?}", plan.planned_state);
    // Another firewall: in place, the nodes move.
    let moved = env.h.update(CLUSTER, &state, cluster("fw-std", "us-east", vec![guarded(fw2)])).await.expect_ok();
    assert_eq!(pool_ids(&moved), pool_ids(&state), "the pool is not recreated");
    assert_eq!(protected(&env, fw2 as u64).await, instance_ids(&pools(&moved)[0]));
    assert!(protected(&env, fw as u64).await.is_empty());

    // Enterprise tier, in a VPC made beside it.
    use linode_sdk::models::vpcs::{CreateVpc, CreateVpcSubnet};
    let vpc = sdk(&env)
        .vpcs()
        .create(&CreateVpc {
            label: "lke-e".into(),
            region: "fr-par".into(),
            subnets: Some(vec![CreateVpcSubnet { label: "nodes".into(), ipv4: "10.20.0.0/24".into() }]),
            ..Default::default()
        })
        .await
        .unwrap();
    let mut enterprise = cluster_with(
        "fw-ent",
        "fr-par",
        vec![guarded(fw)],
        [
            ("tier", Value::from("enterprise")),
            ("vpc_id", Value::from(vpc.id as i64)),
            ("subnet_id", Value::from(vpc.subnets[0].id as i64)),
        ],
    );
    if let Value::Object(m) = &mut enterprise {
        m.insert("k8s_version".into(), Value::from(linode_mock::catalog::k8s_versions("enterprise")[0]));
    }
    let state = create(&env, enterprise.clone()).await;
    assert_eq!(state.get("vpc_id"), Some(&Value::from(vpc.id as i64)));
    assert_eq!(state.get("subnet_id"), Some(&Value::from(vpc.subnets[0].id as i64)));
    assert_eq!(protected(&env, fw as u64).await, instance_ids(&pools(&state)[0]));
    assert!(!env.h.plan_update(CLUSTER, &state, enterprise).await.has_changes());
}
