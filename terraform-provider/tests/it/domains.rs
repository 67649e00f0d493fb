//! Tests of the domains family: linode_domain, linode_domain_record and their data sources.

use futures::future::join_all;
use linode_sdk::models::domains::{CreateDomain, CreateDomainRecord, DomainType, RecordType, UpdateDomain, UpdateDomainRecord};
use linode_sdk::{Client, ListParams};
use terraform_provider_linode::LinodeProvider;
use tfplugin::testing::Harness;
use tfplugin::Value;

use crate::support::{self, api_calls, assert_error_on, assert_no_errors, sdk, obj, get, id_of};

fn strings(items: &[&str]) -> Value {
    Value::set(items.iter().map(|s| Value::from(*s)))
}

fn master(name: &str, extra: &[(&str, Value)]) -> Value {
    let mut pairs = vec![
        ("domain", Value::from(name)),
        ("type", Value::from("master")),
        ("soa_email", Value::from(format!("admin@{name}"))),
    ];
    pairs.extend(extra.iter().cloned());
    obj(&pairs)
}

async fn domain_count(client: &Client) -> usize {
    client.domains().list(&ListParams::new()).await.expect("list domains").data.len()
}

async fn record_count(client: &Client, domain_id: u64) -> usize {
    client.domains().list_records(domain_id, &ListParams::new()).await.expect("list records").data.len()
}

/// A domain created directly through the API (for record tests).
async fn zone(client: &Client, name: &str) -> u64 {
    client
        .domains()
        .create(&CreateDomain {
            domain: name.into(),
            domain_type: DomainType::Master,
            soa_email: Some(format!("admin@{name}")),
            ..Default::default()
        })
        .await
        .expect("create domain")
        .id
}

/// A slave domain created directly through the API (copied from 192.0.2.53).
async fn slave_zone(client: &Client, name: &str) -> u64 {
    let body = CreateDomain {
        domain: name.into(),
        domain_type: DomainType::Slave,
        master_ips: Some(vec!["192.0.2.53".into()]),
        ..Default::default()
    };
    client.domains().create(&body).await.expect("create slave domain").id
}

fn record(domain_id: u64, rtype: &str, name: Option<&str>, target: &str, extra: &[(&str, Value)]) -> Value {
    let mut pairs = vec![
        ("domain_id", Value::from(domain_id)),
        ("record_type", Value::from(rtype)),
        ("target", Value::from(target)),
    ];
    if let Some(n) = name {
        pairs.push(("name", Value::from(n)));
    }
    pairs.extend(extra.iter().cloned());
    obj(&pairs)
}

#[tokio::test]
async fn domain_lifecycle_rounds_timings_without_drift() {
    let env = support::setup().await;
    let config = master(
        "example.com",
        &[("ttl_sec", Value::from(3000)), ("refresh_sec", Value::from(100)), ("tags", strings(&["Prod"]))],
    );
    let state = env.h.create("linode_domain", config.clone()).await.expect_ok();
    assert_eq!(get(&state, "ttl_sec"), &Value::from(3000), "declared value kept");
    assert_eq!(get(&state, "refresh_sec"), &Value::from(100));
    assert_eq!(get(&state, "status"), &Value::from("active"));
    assert_eq!(get(&state, "retry_sec"), &Value::Null, "unset timings stay unset");
    let id = id_of(&state);
    let stored = sdk(&env).domains().get(id).await.unwrap();
    assert_eq!((stored.ttl_sec, stored.refresh_sec), (3600, 120), "the API rounds up");

    // Refresh and re-plan: no drift.
    let refreshed = env.h.read("linode_domain", &state).await.expect_ok();
    assert_eq!(refreshed, state);
    let plan = env.h.plan_update("linode_domain", &refreshed, config.clone()).await;
    assert_no_errors(&plan.diagnostics);
    assert!(!plan.has_changes(), "{:?}", plan.planned_state);

    // Update in place.
    let config2 = master(
        "example.com",
        &[
            ("ttl_sec", Value::from(300)),
            ("description", Value::from("main zone")),
            ("tags", strings(&["Prod"])),
        ],
    );
    let plan = env.h.plan_update("linode_domain", &refreshed, config2.clone()).await;
    assert_no_errors(&plan.diagnostics);
    assert!(plan.has_changes() && !plan.requires_replacement());
    let updated = env.h.apply(&plan).await.expect_ok();
    assert_eq!(id_of(&updated), id);
    assert_eq!(get(&updated, "refresh_sec"), &Value::Null);
    let stored = sdk(&env).domains().get(id).await.unwrap();
    assert_eq!((stored.ttl_sec, stored.refresh_sec, stored.description.as_str()), (300, 0, "main zone"));
    let refreshed = env.h.read("linode_domain", &updated).await.expect_ok();
    assert!(!env.h.plan_update("linode_domain", &refreshed, config2.clone()).await.has_changes());

    // Import round trip: the imported state plans no change against the same configuration
    // apart from what the configuration leaves to the API.
    let imported = env.h.import("linode_domain", &id.to_string()).await.expect_ok();
    assert_eq!(get(&imported, "domain"), &Value::from("example.com"));
    assert_eq!(get(&imported, "ttl_sec"), &Value::from(300));
    assert_eq!(get(&imported, "description"), &Value::from("main zone"));
    let plan = env.h.plan_update("linode_domain", &imported, config2).await;
    assert_no_errors(&plan.diagnostics);
    assert!(!plan.has_changes(), "{:?}", plan.planned_state);

    // Changing the type replaces the domain.
    let slave = obj(&[
        ("domain", Value::from("example.com")),
        ("type", Value::from("slave")),
        ("master_ips", strings(&["192.0.2.10"])),
    ]);
    let plan = env.h.plan_update("linode_domain", &refreshed, slave).await;
    assert_no_errors(&plan.diagnostics);
    assert!(plan.requires_replacement());
    let replaced = env.h.apply(&plan).await.expect_ok();
    assert_ne!(id_of(&replaced), id);
    assert!(sdk(&env).domains().get_opt(id).await.unwrap().is_none());
    assert_no_errors(&env.h.destroy("linode_domain", &replaced).await);
    assert_eq!(domain_count(&sdk(&env)).await, 0);
}

#[tokio::test]
async fn domain_out_of_band_changes_and_deletion() {
    let env = support::setup().await;
    let client = sdk(&env);
    let config = master("oob.example.com", &[("ttl_sec", Value::from(3600))]);
    let state = env.h.create("linode_domain", config.clone()).await.expect_ok();
    let id = id_of(&state);
    client
        .domains()
        .update(id, &UpdateDomain { ttl_sec: Some(86400), description: Some("by hand".into()), ..Default::default() })
        .await
        .unwrap();
    let refreshed = env.h.read("linode_domain", &state).await.expect_ok();
    assert_eq!(get(&refreshed, "ttl_sec"), &Value::from(86400));
    assert_eq!(get(&refreshed, "description"), &Value::from("by hand"));
    let plan = env.h.plan_update("linode_domain", &refreshed, config).await;
    assert!(plan.has_changes(), "the out-of-band change is planned away");

    client.domains().delete(id).await.unwrap();
    let gone = env.h.read("linode_domain", &refreshed).await.expect_ok();
    assert!(gone.is_null(), "a deleted domain leaves the state");
}

#[tokio::test]
async fn domain_validation_errors_name_the_attribute() {
    let env = support::setup().await;
    let no_email = obj(&[("domain", Value::from("example.com")), ("type", Value::from("master"))]);
    let out = env.h.create("linode_domain", no_email).await;
    assert_error_on(&out.diagnostics, "soa_email");

    let no_masters = obj(&[("domain", Value::from("example.com")), ("type", Value::from("slave"))]);
    assert_error_on(&env.h.create("linode_domain", no_masters).await.diagnostics, "master_ips");

    let bad_name = master("not a domain", &[]);
    assert_error_on(&env.h.create("linode_domain", bad_name).await.diagnostics, "domain");

    let bad_type = obj(&[("domain", Value::from("example.com")), ("type", Value::from("primary"))]);
    assert_error_on(&env.h.create("linode_domain", bad_type).await.diagnostics, "type");

    // An unknown soa_email (from another resource) is checked later, not rejected now.
    let unknown = master("example.com", &[("soa_email", Value::unknown())]);
    let plan = env.h.plan_create("linode_domain", unknown).await;
    assert_no_errors(&plan.diagnostics);

    assert_eq!(domain_count(&sdk(&env)).await, 0, "nothing was created");
}

#[tokio::test]
async fn record_names_targets_and_ttls_never_drift() {
    let env = support::setup().await;
    let client = sdk(&env);
    let domain_id = zone(&client, "example.com").await;

    // FQDN name, hostname target with a trailing dot and capitals, TTL rounded by the API.
    let cname = record(
        domain_id,
        "CNAME",
        Some("www.example.com"),
        "Web.Example.net.",
        &[("ttl_sec", Value::from(400))],
    );
    let state = env.h.create("linode_domain_record", cname.clone()).await.expect_ok();
    assert_eq!(get(&state, "name"), &Value::from("www.example.com"));
    let rid = id_of(&state);
    // What the real API does: names come back without the zone suffix, targets lower-cased
    // without the trailing dot.
    client
        .domains()
        .update_record(
            domain_id,
            rid,
            &UpdateDomainRecord { name: Some("www".into()), target: Some("web.example.net".into()), ..Default::default() },
        )
        .await
        .unwrap();
    let stored = client.domains().get_record(domain_id, rid).await.unwrap();
    assert_eq!((stored.name.as_str(), stored.ttl_sec), ("www", 300));
    let refreshed = env.h.read("linode_domain_record", &state).await.expect_ok();
    assert_eq!(refreshed, state, "equivalent API values keep the declared forms");
    let plan = env.h.plan_update("linode_domain_record", &refreshed, cname).await;
    assert_no_errors(&plan.diagnostics);
    assert!(!plan.has_changes(), "{:?}", plan.planned_state);

    // SRV: the API generates the name and prefixes service and protocol with underscores.
    let srv = record(
        domain_id,
        "SRV",
        None,
        "sip.example.com",
        &[
            ("service", Value::from("sip")),
            ("protocol", Value::from("tcp")),
            ("port", Value::from(5060)),
            ("priority", Value::from(10)),
            ("weight", Value::from(5)),
        ],
    );
    let srv_state = env.h.create("linode_domain_record", srv.clone()).await.expect_ok();
    assert_eq!(get(&srv_state, "name"), &Value::from("_sip._tcp"));
    assert_eq!(get(&srv_state, "service"), &Value::from("sip"));
    let refreshed = env.h.read("linode_domain_record", &srv_state).await.expect_ok();
    assert_eq!(refreshed, srv_state);
    assert!(!env.h.plan_update("linode_domain_record", &refreshed, srv.clone()).await.has_changes());
    let imported =
        env.h.import("linode_domain_record", &format!("{domain_id},{}", id_of(&srv_state))).await.expect_ok();
    assert_eq!(get(&imported, "service"), &Value::from("sip"), "imported without the API's underscore");
    assert!(!env.h.plan_update("linode_domain_record", &imported, srv.clone()).await.has_changes());

    // A declared SRV name (FQDN form of the generated one) is kept too.
    let named_srv = record(
        domain_id,
        "SRV",
        Some("_sip._udp.example.com"),
        "sip.example.com",
        &[
            ("service", Value::from("_sip")),
            ("protocol", Value::from("udp")),
            ("port", Value::from(5060)),
            ("priority", Value::from(10)),
            ("weight", Value::from(5)),
        ],
    );
    let named_state = env.h.create("linode_domain_record", named_srv.clone()).await.expect_ok();
    let refreshed = env.h.read("linode_domain_record", &named_state).await.expect_ok();
    assert_eq!(get(&refreshed, "name"), &Value::from("_sip._udp.example.com"));
    assert!(!env.h.plan_update("linode_domain_record", &refreshed, named_srv).await.has_changes());

    // MX with a short target the API qualifies.
    let mx = record(domain_id, "MX", Some(""), "mail", &[("priority", Value::from(10))]);
    let mx_state = env.h.create("linode_domain_record", mx.clone()).await.expect_ok();
    let mx_id = id_of(&mx_state);
    client
        .domains()
        .update_record(
            domain_id,
            mx_id,
            &UpdateDomainRecord { target: Some("mail.example.com".into()), ..Default::default() },
        )
        .await
        .unwrap();
    let refreshed = env.h.read("linode_domain_record", &mx_state).await.expect_ok();
    assert_eq!(get(&refreshed, "target"), &Value::from("mail"));
    assert!(!env.h.plan_update("linode_domain_record", &refreshed, mx).await.has_changes());
}

#[tokio::test]
async fn record_update_replace_import_out_of_band_and_404() {
    let env = support::setup().await;
    let client = sdk(&env);
    let domain_id = zone(&client, "example.org").await;
    let a = record(domain_id, "A", Some("api"), "192.0.2.1", &[]);
    let state = env.h.create("linode_domain_record", a).await.expect_ok();
    let rid = id_of(&state);
    assert_eq!(get(&state, "ttl_sec"), &Value::Null);

    // In place: a new target.
    let a2 = record(domain_id, "A", Some("api"), "192.0.2.2", &[("ttl_sec", Value::from(3600))]);
    let plan = env.h.plan_update("linode_domain_record", &state, a2.clone()).await;
    assert_no_errors(&plan.diagnostics);
    assert!(plan.has_changes() && !plan.requires_replacement());
    let updated = env.h.apply(&plan).await.expect_ok();
    assert_eq!(id_of(&updated), rid);
    assert_eq!(client.domains().get_record(domain_id, rid).await.unwrap().target, "192.0.2.2");

    // Out of band: the target changed (the provider's apply invalidated its listing cache;
    // in Terraform every command is a new provider process).
    client
        .domains()
        .update_record(domain_id, rid, &UpdateDomainRecord { target: Some("198.51.100.7".into()), ..Default::default() })
        .await
        .unwrap();
    let refreshed = env.h.read("linode_domain_record", &updated).await.expect_ok();
    assert_eq!(get(&refreshed, "target"), &Value::from("198.51.100.7"));
    assert!(env.h.plan_update("linode_domain_record", &refreshed, a2.clone()).await.has_changes());

    // Import round trip.
    let imported = env.h.import("linode_domain_record", &format!("{domain_id},{rid}")).await.expect_ok();
    assert_eq!(get(&imported, "record_type"), &Value::from("A"));
    assert_eq!(get(&imported, "domain_id"), &Value::from(domain_id));
    let plan = env.h.plan_update("linode_domain_record", &imported, a2.clone()).await;
    assert_no_errors(&plan.diagnostics);
    assert_eq!(imported, refreshed, "import reads what a refresh reads");
    assert!(plan.has_changes(), "the out-of-band target is planned away");
    let matching = record(domain_id, "A", Some("api"), "198.51.100.7", &[("ttl_sec", Value::from(3600))]);
    let plan = env.h.plan_update("linode_domain_record", &imported, matching).await;
    assert_no_errors(&plan.diagnostics);
    assert!(!plan.has_changes(), "{:?}", plan.planned_state);
    let bad = env.h.import("linode_domain_record", "12").await;
    assert!(bad.diagnostics.errors().any(|d| d.detail.contains("<domain_id>,<id>")), "{:?}", bad.diagnostics);

    // Changing the type replaces the record.
    let aaaa = record(domain_id, "AAAA", Some("api"), "2001:db8::1", &[]);
    let plan = env.h.plan_update("linode_domain_record", &refreshed, aaaa).await;
    assert_no_errors(&plan.diagnostics);
    assert!(plan.requires_replacement());
    let replaced = env.h.apply(&plan).await.expect_ok();
    assert_ne!(id_of(&replaced), rid);
    assert!(client.domains().get_record_opt(domain_id, rid).await.unwrap().is_none());

    // Deleted out of band: removed from state.
    client.domains().delete_record(domain_id, id_of(&replaced)).await.unwrap();
    assert!(env.h.read("linode_domain_record", &replaced).await.expect_ok().is_null());
    // The whole domain deleted: its records leave the state too.
    let again = env.h.create("linode_domain_record", a2).await.expect_ok();
    client.domains().delete(domain_id).await.unwrap();
    assert!(env.h.read("linode_domain_record", &again).await.expect_ok().is_null());
}

#[tokio::test]
async fn record_validation_errors_name_the_attribute_and_create_nothing() {
    let env = support::setup().await;
    let client = sdk(&env);
    let d = zone(&client, "example.net").await;
    let cases: Vec<(Value, &str)> = vec![
        (record(d, "SPF", Some("x"), "v=spf1", &[]), "record_type"),
        (record(d, "A", Some("x"), "2001:db8::1", &[]), "target"),
        (record(d, "A", Some("x"), "not-an-ip", &[]), "target"),
        (record(d, "AAAA", Some("x"), "192.0.2.1", &[]), "target"),
        (record(d, "CNAME", Some("x"), "bad host name", &[]), "target"),
        (record(d, "MX", Some(""), "mail..example.net", &[("priority", Value::from(10))]), "target"),
        (record(d, "NS", Some("sub"), "-ns.example.net", &[]), "target"),
        (record(d, "CAA", Some(""), "letsencrypt.org", &[("tag", Value::from("issuer"))]), "tag"),
        (record(d, "CAA", Some(""), "letsencrypt.org", &[]), "tag"),
        (
            record(
                d,
                "SRV",
                None,
                "sip.example.net",
                &[("service", Value::from("sip")), ("protocol", Value::from("tcp")), ("priority", Value::from(1)), ("weight", Value::from(1))],
            ),
            "port",
        ),
        (
            record(d, "SRV", None, "sip.example.net", &[("port", Value::from(1)), ("priority", Value::from(1)), ("weight", Value::from(1))]),
            "service",
        ),
        (record(d, "TXT", Some("x"), "hello", &[("priority", Value::from(300))]), "priority"),
    ];
    for (config, attr) in cases {
        let out = env.h.create("linode_domain_record", config.clone()).await;
        assert_error_on(&out.diagnostics, attr);
        assert!(out.state.is_null(), "{config:?}");
    }
    // Unknown values (from other resources) skip the checks.
    let plan = env.h.plan_create("linode_domain_record", record(d, "A", Some("x"), "192.0.2.1", &[])).await;
    assert_no_errors(&plan.diagnostics);
    let unknown_target = obj(&[
        ("domain_id", Value::from(d)),
        ("record_type", Value::from("AAAA")),
        ("target", Value::unknown()),
    ]);
    assert_no_errors(&env.h.plan_create("linode_domain_record", unknown_target).await.diagnostics);
    assert_eq!(record_count(&client, d).await, 0, "nothing was created");
}

/// The state of a record as Terraform stores it (what a plan refreshes).
fn record_state(domain_id: u64, id: u64, name: &str, target: &str) -> Value {
    obj(&[
        ("id", Value::from(id.to_string())),
        ("domain_id", Value::from(domain_id)),
        ("name", Value::from(name)),
        ("record_type", Value::from("A")),
        ("target", Value::from(target)),
        ("ttl_sec", Value::Null),
        ("priority", Value::Null),
        ("protocol", Value::Null),
        ("service", Value::Null),
        ("tag", Value::Null),
        ("port", Value::Null),
        ("weight", Value::Null),
    ])
}

#[tokio::test]
async fn refreshing_500_records_costs_a_handful_of_api_calls() {
    let env = support::setup().await;
    let client = sdk(&env);
    let domain_id = zone(&client, "big.example.com").await;
    let mut states = Vec::new();
    for i in 0..500u32 {
        let target = format!("10.0.{}.{}", i / 250, i % 250 + 1);
        let r = client
            .domains()
            .create_record(
                domain_id,
                &CreateDomainRecord {
                    record_type: RecordType::A,
                    name: Some(format!("host{i}")),
                    target: Some(target.clone()),
                    ..Default::default()
                },
            )
            .await
            .expect("create record");
        states.push(record_state(domain_id, r.id, &format!("host{i}"), &target));
    }
    // One record was deleted since the last apply.
    let gone_id = id_of(&states[7]);
    client.domains().delete_record(domain_id, gone_id).await.unwrap();

    // A fresh provider process, as for `terraform plan`.
    let h = Harness::new(LinodeProvider::with_env(|_| None));
    assert_no_errors(&h.configure(support::provider_config(&env.mock)).await);
    env.mock.clear_requests();
    let outcomes = join_all(states.iter().map(|s| h.read("linode_domain_record", s))).await;
    let calls = api_calls(&env.mock);
    let paths: Vec<String> = env.mock.requests().iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    assert!(calls <= 5, "refreshing 500 records cost {calls} API calls: {paths:?}");
    for (before, outcome) in states.iter().zip(outcomes) {
        let after = outcome.expect_ok();
        if id_of(before) == gone_id {
            assert!(after.is_null(), "a record missing from the listing is removed");
        } else {
            assert_eq!(&after, before);
        }
    }
}

#[tokio::test]
async fn data_sources_find_domains_and_records() {
    let env = support::setup().await;
    let client = sdk(&env);
    let domain_id = zone(&client, "data.example.com").await;
    let r = client
        .domains()
        .create_record(
            domain_id,
            &CreateDomainRecord {
                record_type: RecordType::Txt,
                name: Some("hello".into()),
                target: Some("world".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();

    let by_id = env
        .h
        .read_data_source("linode_domain", obj(&[("id", Value::from(domain_id))]))
        .await
        .expect_ok();
    assert_eq!(get(&by_id, "domain"), &Value::from("data.example.com"));
    assert_eq!(get(&by_id, "type"), &Value::from("master"));
    let by_name =
        env.h.read_data_source("linode_domain", obj(&[("domain", Value::from("data.example.com"))])).await.expect_ok();
    assert_eq!(get(&by_name, "id"), &Value::from(domain_id), "a number, as in the official schema");
    let missing = env.h.read_data_source("linode_domain", obj(&[("domain", Value::from("nope.example.com"))])).await;
    assert_error_on(&missing.diagnostics, "domain");
    assert_error_on(&env.h.read_data_source("linode_domain", obj(&[])).await.diagnostics, "id");

    let rec = env
        .h
        .read_data_source(
            "linode_domain_record",
            obj(&[("domain_id", Value::from(domain_id)), ("id", Value::from(r.id))]),
        )
        .await
        .expect_ok();
    assert_eq!(get(&rec, "type"), &Value::from("TXT"));
    assert_eq!(get(&rec, "target"), &Value::from("world"));
    let by_fqdn = env
        .h
        .read_data_source(
            "linode_domain_record",
            obj(&[("domain_id", Value::from(domain_id)), ("name", Value::from("hello.data.example.com"))]),
        )
        .await
        .expect_ok();
    assert_eq!(get(&by_fqdn, "id"), &Value::from(r.id));
    assert_eq!(get(&by_fqdn, "name"), &Value::from("hello.data.example.com"), "configured values are kept");
    let upper =
        env.h.read_data_source("linode_domain", obj(&[("domain", Value::from("Data.Example.com"))])).await.expect_ok();
    assert_eq!(get(&upper, "domain"), &Value::from("Data.Example.com"));
    assert_eq!(get(&upper, "id"), &Value::from(domain_id));
    let missing = env
        .h
        .read_data_source(
            "linode_domain_record",
            obj(&[("domain_id", Value::from(domain_id)), ("name", Value::from("nope"))]),
        )
        .await;
    assert_error_on(&missing.diagnostics, "name");
}

/// Values the official provider accepts for a domain's timings, and what Linode stores.
const DOMAIN_TIMINGS: &[(i64, u32)] = &[
    (0, 0),
    (1, 30),
    (30, 30),
    (299, 300),
    (301, 3600),
    (600, 3600),
    (3601, 7200),
    (1_209_601, 2_419_200),
    (2_419_200, 2_419_200),
    (2_419_201, 2_419_200),
    (99_999_999, 2_419_200),
];

const TIMINGS: [&str; 4] = ["ttl_sec", "refresh_sec", "retry_sec", "expire_sec"];

#[tokio::test]
async fn domain_timings_of_any_accepted_value_apply_and_refresh_without_drift() {
    let env = support::setup().await;
    let client = sdk(&env);
    for (i, (value, stored)) in DOMAIN_TIMINGS.iter().enumerate() {
        let timings: Vec<(&str, Value)> = TIMINGS.iter().map(|a| (*a, Value::from(*value))).collect();
        let config = master(&format!("t{i}.example.com"), &timings);
        let plan = env.h.plan_create("linode_domain", config.clone()).await;
        assert_no_errors(&plan.diagnostics);
        let state = env.h.apply(&plan).await.expect_ok();
        for attr in TIMINGS {
            assert_eq!(get(&state, attr), &Value::from(*value), "{attr} = {value}: the declared value is kept");
        }
        let d = client.domains().get(id_of(&state)).await.unwrap();
        assert_eq!([d.ttl_sec, d.refresh_sec, d.retry_sec, d.expire_sec], [*stored; 4], "{value} is stored as {stored}");
        let refreshed = env.h.read("linode_domain", &state).await.expect_ok();
        assert_eq!(refreshed, state, "{value}: refresh");
        let again = env.h.plan_update("linode_domain", &refreshed, config).await;
        assert_no_errors(&again.diagnostics);
        assert!(!again.has_changes(), "{value}: {:?}", again.planned_state);
    }

    // Changing to a value above the largest step: one update, then nothing.
    let state = env.h.create("linode_domain", master("up.example.com", &[("expire_sec", Value::from(300))])).await.expect_ok();
    let config = master("up.example.com", &[("expire_sec", Value::from(2_419_201))]);
    let plan = env.h.plan_update("linode_domain", &state, config.clone()).await;
    assert_no_errors(&plan.diagnostics);
    assert!(plan.has_changes());
    let updated = env.h.apply(&plan).await.expect_ok();
    assert_eq!(get(&updated, "expire_sec"), &Value::from(2_419_201));
    assert_eq!(client.domains().get(id_of(&updated)).await.unwrap().expire_sec, 2_419_200);
    let refreshed = env.h.read("linode_domain", &updated).await.expect_ok();
    assert_eq!(refreshed, updated);
    assert!(!env.h.plan_update("linode_domain", &refreshed, config).await.has_changes());
}

#[tokio::test]
async fn record_ttls_of_any_accepted_value_apply_and_refresh_without_drift() {
    let env = support::setup().await;
    let client = sdk(&env);
    let domain_id = zone(&client, "ttl.example.com").await;
    // The emulator rounds record TTLs to the nearest step, as some API versions do.
    let cases: &[(i64, u32)] = &[
        (0, 0),
        (1, 300),
        (299, 300),
        (400, 300),
        (3000, 3600),
        (3601, 3600),
        (2_419_200, 2_419_200),
        (2_419_201, 2_419_200),
        (99_999_999, 2_419_200),
    ];
    for (i, (value, stored)) in cases.iter().enumerate() {
        let config = record(domain_id, "A", Some(&format!("h{i}")), "192.0.2.1", &[("ttl_sec", Value::from(*value))]);
        let plan = env.h.plan_create("linode_domain_record", config.clone()).await;
        assert_no_errors(&plan.diagnostics);
        let state = env.h.apply(&plan).await.expect_ok();
        assert_eq!(get(&state, "ttl_sec"), &Value::from(*value));
        let r = client.domains().get_record(domain_id, id_of(&state)).await.unwrap();
        assert_eq!(r.ttl_sec, *stored, "{value} is stored as {stored}");
        let refreshed = env.h.read("linode_domain_record", &state).await.expect_ok();
        assert_eq!(refreshed, state, "{value}: refresh");
        let again = env.h.plan_update("linode_domain_record", &refreshed, config).await;
        assert_no_errors(&again.diagnostics);
        assert!(!again.has_changes(), "{value}: {:?}", again.planned_state);
    }
}

#[tokio::test]
async fn negative_timings_are_plan_errors_on_the_attribute() {
    let env = support::setup().await;
    for attr in TIMINGS {
        let out = env.h.plan_create("linode_domain", master("neg.example.com", &[(attr, Value::from(-1))])).await;
        assert_error_on(&out.diagnostics, attr);
    }
    let domain_id = zone(&sdk(&env), "neg.example.com").await;
    let rec = record(domain_id, "A", Some("x"), "192.0.2.1", &[("ttl_sec", Value::from(-300))]);
    assert_error_on(&env.h.plan_create("linode_domain_record", rec).await.diagnostics, "ttl_sec");
    assert_eq!(record_count(&sdk(&env), domain_id).await, 0);
}

#[tokio::test]
async fn state_of_the_official_provider_is_upgraded_and_plans_no_change() {
    let env = support::setup().await;
    let client = sdk(&env);
    let domain_id = zone(&client, "moved.example.com").await;
    // linode/linode (SDKv2, schema version 0) stores unset values as "", 0 and [].
    let official = serde_json::json!({
        "id": domain_id.to_string(), "domain": "moved.example.com", "type": "master", "group": "",
        "status": "active", "description": "", "master_ips": [], "axfr_ips": [], "ttl_sec": 0,
        "retry_sec": 0, "expire_sec": 0, "refresh_sec": 0, "soa_email": "admin@moved.example.com", "tags": []
    });
    let upgraded = env.h.upgrade_state("linode_domain", 0, &official.to_string()).await.expect_ok();
    for attr in ["group", "description", "master_ips", "axfr_ips", "ttl_sec", "retry_sec", "expire_sec", "refresh_sec"] {
        assert_eq!(get(&upgraded, attr), &Value::Null, "{attr}");
    }
    assert_eq!(get(&upgraded, "soa_email"), &Value::from("admin@moved.example.com"));
    assert_eq!(get(&upgraded, "tags"), &Value::set([]), "optional and computed: kept");
    let refreshed = env.h.read("linode_domain", &upgraded).await.expect_ok();
    let plan = env.h.plan_update("linode_domain", &refreshed, master("moved.example.com", &[])).await;
    assert_no_errors(&plan.diagnostics);
    assert!(!plan.has_changes(), "{:?}", plan.planned_state);

    // Records: an A record without optional values, and an SRV record whose weight is 0.
    let a = client
        .domains()
        .create_record(domain_id, &CreateDomainRecord { record_type: RecordType::A, name: Some("www".into()), target: Some("192.0.2.1".into()), ..Default::default() })
        .await
        .unwrap();
    // Both exist before the first refresh lists the domain's records (one listing per process).
    let srv_body = CreateDomainRecord {
        record_type: RecordType::Srv,
        target: Some("sip.moved.example.com".into()),
        service: Some("sip".into()),
        protocol: Some("tcp".into()),
        port: Some(5060),
        priority: Some(10),
        weight: Some(0),
        ..Default::default()
    };
    let srv = client.domains().create_record(domain_id, &srv_body).await.unwrap();
    let a_state = serde_json::json!({
        "id": a.id.to_string(), "domain_id": domain_id, "name": "www", "record_type": "A", "ttl_sec": 0,
        "target": "192.0.2.1", "priority": 0, "protocol": "", "service": "", "tag": "", "port": 0, "weight": 0
    });
    let upgraded = env.h.upgrade_state("linode_domain_record", 0, &a_state.to_string()).await.expect_ok();
    for attr in ["ttl_sec", "priority", "protocol", "service", "tag", "port", "weight"] {
        assert_eq!(get(&upgraded, attr), &Value::Null, "{attr}");
    }
    let refreshed = env.h.read("linode_domain_record", &upgraded).await.expect_ok();
    let config = record(domain_id, "A", Some("www"), "192.0.2.1", &[]);
    assert!(!env.h.plan_update("linode_domain_record", &refreshed, config).await.has_changes());

    let srv_state = serde_json::json!({
        "id": srv.id.to_string(), "domain_id": domain_id, "name": "_sip._tcp", "record_type": "SRV", "ttl_sec": 0,
        "target": "sip.moved.example.com", "priority": 10, "protocol": "tcp", "service": "sip", "tag": "",
        "port": 5060, "weight": 0
    });
    let upgraded = env.h.upgrade_state("linode_domain_record", 0, &srv_state.to_string()).await.expect_ok();
    assert_eq!(get(&upgraded, "weight"), &Value::from(0), "SRV records always configure their weight");
    assert_eq!(get(&upgraded, "tag"), &Value::Null);
    let refreshed = env.h.read("linode_domain_record", &upgraded).await.expect_ok();
    let config = record(
        domain_id,
        "SRV",
        None,
        "sip.moved.example.com",
        &[
            ("service", Value::from("sip")),
            ("protocol", Value::from("tcp")),
            ("port", Value::from(5060)),
            ("priority", Value::from(10)),
            ("weight", Value::from(0)),
        ],
    );
    let plan = env.h.plan_update("linode_domain_record", &refreshed, config).await;
    assert_no_errors(&plan.diagnostics);
    assert!(!plan.has_changes(), "{:?}", plan.planned_state);

    let newer = env.h.upgrade_state("linode_domain", 7, &official.to_string()).await;
    assert!(newer.diagnostics.has_errors(), "a state from a newer schema is refused");
}

fn filter(name: &str, values: &[&str], match_by: Option<&str>) -> Value {
    obj(&[
        ("name", Value::from(name)),
        ("values", strings(values)),
        ("match_by", match_by.map_or(Value::Null, Value::from)),
    ])
}

fn domain_names(state: &Value) -> Vec<String> {
    get(state, "domains")
        .as_elements()
        .expect("domains")
        .iter()
        .map(|d| d.get("domain").and_then(Value::as_str).expect("domain").to_string())
        .collect()
}

#[tokio::test]
async fn domains_filter_by_each_match_by_and_order_in_one_listing() {
    let env = support::setup().await;
    let client = sdk(&env);
    for (name, group, ttl, tags) in [
        ("alpha.example.com", "web", 300, vec!["prod", "dns"]),
        ("beta.example.com", "web", 86400, vec!["staging"]),
        ("gamma.example.org", "mail", 3600, vec!["prod"]),
    ] {
        client
            .domains()
            .create(&CreateDomain {
                domain: name.into(),
                domain_type: DomainType::Master,
                soa_email: Some(format!("admin@{name}")),
                group: Some(group.into()),
                ttl_sec: Some(ttl),
                tags: Some(tags.into_iter().map(str::to_string).collect()),
                ..Default::default()
            })
            .await
            .unwrap();
    }
    slave_zone(&client, "copy.example.net").await;
    let read = |filters: Vec<Value>, order: &[(&str, &str)]| {
        let mut pairs = vec![("filter", Value::set(filters))];
        pairs.extend(order.iter().map(|(k, v)| (*k, Value::from(*v))));
        env.h.read_data_source("linode_domains", obj(&pairs))
    };

    env.mock.clear_requests();
    let all = read(vec![], &[("order_by", "domain")]).await.expect_ok();
    assert_eq!(domain_names(&all), ["alpha.example.com", "beta.example.com", "copy.example.net", "gamma.example.org"]);
    let requests: Vec<String> = env.mock.requests().iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    assert_eq!(requests, ["GET /v4/domains"], "one paginated listing, never a GET per domain");
    let alpha = &get(&all, "domains").as_elements().unwrap()[0];
    assert_eq!(alpha.get("group"), Some(&Value::from("web")));
    assert_eq!(alpha.get("ttl_sec"), Some(&Value::from(300)));
    assert_eq!(alpha.get("type"), Some(&Value::from("master")));
    assert!(alpha.get("id").and_then(Value::as_i64).is_some_and(|id| id > 0));

    // exact, on fields the API filters (tags, group) and on one it does not (type).
    let prod = read(vec![filter("tags", &["prod"], None)], &[("order_by", "domain"), ("order", "desc")]).await.expect_ok();
    assert_eq!(domain_names(&prod), ["gamma.example.org", "alpha.example.com"]);
    let web_or_mail = read(vec![filter("group", &["web", "mail"], Some("exact"))], &[("order_by", "ttl_sec")]).await.expect_ok();
    assert_eq!(domain_names(&web_or_mail), ["alpha.example.com", "gamma.example.org", "beta.example.com"], "numbers order numerically");
    let slaves = read(vec![filter("type", &["slave"], None)], &[]).await.expect_ok();
    assert_eq!(domain_names(&slaves), ["copy.example.net"]);
    let web_prod = read(vec![filter("group", &["web"], None), filter("tags", &["prod"], None)], &[]).await.expect_ok();
    assert_eq!(domain_names(&web_prod), ["alpha.example.com"], "filters combine with AND");
    // substring and regular expressions.
    let sub = read(vec![filter("domain", &["example.com"], Some("substring"))], &[("order_by", "domain")]).await.expect_ok();
    assert_eq!(domain_names(&sub), ["alpha.example.com", "beta.example.com"]);
    let re = read(vec![filter("soa_email", &["^admin@(gamma|beta)\\."], Some("re"))], &[("order_by", "domain")]).await.expect_ok();
    assert_eq!(domain_names(&re), ["beta.example.com", "gamma.example.org"]);
    let none = read(vec![filter("tags", &["nothing"], None)], &[]).await.expect_ok();
    assert!(domain_names(&none).is_empty());
    assert_ne!(get(&prod, "id"), get(&none, "id"), "the id identifies the query");

    // Bad input names the filter or the order.
    assert_error_on(&read(vec![filter("price", &["1"], None)], &[]).await.diagnostics, "filter");
    assert_error_on(&read(vec![filter("domain", &["(open"], Some("re"))], &[]).await.diagnostics, "filter");
    assert_error_on(&read(vec![filter("domain", &["a"], Some("fuzzy"))], &[]).await.diagnostics, "filter");
    assert_error_on(&read(vec![], &[("order_by", "price")]).await.diagnostics, "order_by");
    assert_error_on(&read(vec![], &[("order", "sideways")]).await.diagnostics, "order");
}

#[tokio::test]
async fn zone_file_of_a_domain_lists_its_records() {
    let env = support::setup().await;
    let client = sdk(&env);
    let domain_id = zone(&client, "zone.example.com").await;
    client
        .domains()
        .create_record(
            domain_id,
            &CreateDomainRecord { record_type: RecordType::A, name: Some("www".into()), target: Some("192.0.2.80".into()), ..Default::default() },
        )
        .await
        .unwrap();
    let out = env
        .h
        .read_data_source("linode_domain_zonefile", obj(&[("domain_id", Value::from(domain_id))]))
        .await
        .expect_ok();
    let lines: Vec<&str> = get(&out, "zone_file").as_elements().unwrap().iter().filter_map(Value::as_str).collect();
    assert_eq!(lines.first().copied(), Some(format!("; zone.example.com [{domain_id}]").as_str()));
    assert!(lines.iter().any(|l| l.contains("SOA")), "{lines:?}");
    assert!(lines.contains(&"www    A  192.0.2.80"), "{lines:?}");
    assert_eq!(get(&out, "id"), &Value::from(domain_id.to_string()));

    // A slave domain has no zone file of its own: empty, without waiting.
    let slave = slave_zone(&client, "copy.example.com").await;
    let started = std::time::Instant::now();
    let out = env.h.read_data_source("linode_domain_zonefile", obj(&[("domain_id", Value::from(slave))])).await.expect_ok();
    assert_eq!(get(&out, "zone_file"), &Value::list([]));
    assert!(started.elapsed() < std::time::Duration::from_secs(5));

    let missing = env.h.read_data_source("linode_domain_zonefile", obj(&[("domain_id", Value::from(424242))])).await;
    assert!(missing.diagnostics.has_errors(), "{:?}", missing.diagnostics);
}
