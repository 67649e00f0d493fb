//! Tests of the regions family: the region data sources and the catalog checks.

use tfplugin::Value;

use crate::support::{self, api_calls, assert_error_on};

fn filter(name: &str, values: &[&str], match_by: Option<&str>) -> Value {
    Value::object([
        ("name", Value::from(name)),
        ("values", Value::set(values.iter().map(|v| Value::from(*v)))),
        ("match_by", match_by.map_or(Value::Null, Value::from)),
    ])
}

fn config(filters: Vec<Value>) -> Value {
    Value::object([("filter", Value::set(filters))])
}

/// The emulator's catalog (Linode's real region list): the sorted ids of the regions where
/// `keep` holds, what a filtered read must return.
fn expected(keep: impl Fn(&linode_mock::catalog::Region, &serde_json::Value) -> bool) -> Vec<String> {
    let mut ids: Vec<String> =
        linode_mock::catalog::regions().iter().filter(|r| keep(r, &r.to_json())).map(|r| r.id.clone()).collect();
    ids.sort();
    ids
}

fn ids(state: &Value) -> Vec<String> {
    let mut ids: Vec<String> = state
        .get("regions")
        .and_then(Value::as_elements)
        .expect("regions")
        .iter()
        .map(|r| r.get("id").and_then(Value::as_str).expect("id").to_string())
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn regions_lists_every_region_once_per_process() {
    let env = support::setup().await;
    env.mock.clear_requests();
    let all = env.h.read_data_source("linode_regions", Value::object::<&str>([])).await.expect_ok();
    assert_eq!(ids(&all), expected(|_, _| true));
    assert!(ids(&all).len() > 40, "every region Linode lists");
    let paris = all
        .get("regions")
        .and_then(Value::as_elements)
        .unwrap()
        .iter()
        .find(|r| r.get("id") == Some(&Value::from("fr-par")))
        .unwrap()
        .clone();
    assert_eq!(paris.get("label"), Some(&Value::from("Paris, FR")));
    assert_eq!(paris.get("country"), Some(&Value::from("fr")));
    assert_eq!(paris.get("status"), Some(&Value::from("ok")));
    assert_eq!(paris.get("site_type"), Some(&Value::from("core")));
    assert!(paris.get("capabilities").and_then(Value::as_elements).unwrap().contains(&Value::from("NodeBalancers")));
    let resolvers = linode_mock::catalog::region("fr-par").unwrap().to_json()["resolvers"].clone();
    let ipv4 = paris.get("resolvers").and_then(Value::as_elements).unwrap()[0].get("ipv4").cloned();
    assert_eq!(ipv4, Some(Value::from(resolvers["ipv4"].as_str().unwrap())));

    let again = env
        .h
        .read_data_source("linode_regions", config(vec![filter("country", &["fr"], None)]))
        .await
        .expect_ok();
    assert_eq!(ids(&again), expected(|_, j| j["country"] == "fr"));
    assert!(ids(&again).contains(&"fr-par".to_string()));
    assert_eq!(api_calls(&env.mock), 1, "the region list is fetched once per provider process");
}

#[tokio::test]
async fn regions_filters_combine_and_match_in_three_ways() {
    let env = support::setup().await;
    let read = |filters: Vec<Value>| env.h.read_data_source("linode_regions", config(filters));

    let gpu = read(vec![filter("capabilities", &["GPU Linodes"], None)]).await.expect_ok();
    assert_eq!(ids(&gpu), expected(|r, _| r.gpu()));
    assert!(ids(&gpu).contains(&"fr-par".to_string()) && !ids(&gpu).contains(&"us-iad".to_string()));

    let us_gpu = read(vec![filter("capabilities", &["GPU Linodes"], None), filter("country", &["us"], None)])
        .await
        .expect_ok();
    assert_eq!(ids(&us_gpu), expected(|r, j| r.gpu() && j["country"] == "us"), "filters combine with AND");
    assert!(ids(&us_gpu).len() < ids(&gpu).len());

    let either = read(vec![filter("country", &["fr", "sg"], None)]).await.expect_ok();
    assert_eq!(ids(&either), expected(|_, j| j["country"] == "fr" || j["country"] == "sg"), "values of one filter combine with OR");
    assert!(ids(&either).contains(&"fr-par".to_string()) && ids(&either).contains(&"ap-south".to_string()));

    let sub = read(vec![filter("label", &["Frankfurt"], Some("substring"))]).await.expect_ok();
    assert_eq!(ids(&sub), expected(|r, _| r.label.contains("Frankfurt")));
    assert!(ids(&sub).contains(&"de-fra-2".to_string()));

    let re = read(vec![filter("id", &["^us-"], Some("re"))]).await.expect_ok();
    assert_eq!(ids(&re), expected(|r, _| r.id.starts_with("us-")));
    assert!(ids(&re).contains(&"us-east".to_string()));

    let none = read(vec![filter("status", &["outage"], None)]).await.expect_ok();
    assert!(ids(&none).is_empty());

    // The id identifies the filters, whatever their order.
    let a = read(vec![filter("country", &["us"], None), filter("status", &["ok"], None)]).await.expect_ok();
    let b = read(vec![filter("status", &["ok"], None), filter("country", &["us"], None)]).await.expect_ok();
    assert_eq!(a.get("id"), b.get("id"));
    assert_ne!(a.get("id"), us_gpu.get("id"));
}

#[tokio::test]
async fn regions_filter_errors_name_the_filter() {
    let env = support::setup().await;
    let read = |filters: Vec<Value>| env.h.read_data_source("linode_regions", config(filters));
    assert_error_on(&read(vec![filter("price", &["1"], None)]).await.diagnostics, "filter");
    assert_error_on(&read(vec![filter("id", &["(unclosed"], Some("re"))]).await.diagnostics, "filter");
    assert_error_on(&read(vec![filter("id", &["us"], Some("fuzzy"))]).await.diagnostics, "filter");
}

#[tokio::test]
async fn region_reads_one_region_and_unknown_ids_fail_on_id() {
    let env = support::setup().await;
    let paris = env.h.read_data_source("linode_region", Value::object([("id", Value::from("fr-par"))])).await.expect_ok();
    let expected = linode_mock::catalog::region("fr-par").unwrap().to_json();
    assert_eq!(paris.get("label").and_then(Value::as_str), expected["label"].as_str());
    let limits = paris.get("placement_group_limits").and_then(Value::as_elements).unwrap();
    assert_eq!(
        limits[0].get("maximum_pgs_per_customer").and_then(Value::as_i64),
        expected["placement_group_limits"]["maximum_pgs_per_customer"].as_i64()
    );
    let alerts = paris.get("monitors").and_then(|m| m.get("alerts")).and_then(Value::as_elements).unwrap();
    assert_eq!(alerts.len(), expected["monitors"]["alerts"].as_array().map_or(0, Vec::len));
    let out = env.h.read_data_source("linode_region", Value::object([("id", Value::from("mars-1"))])).await;
    assert_error_on(&out.diagnostics, "id");
}
