//! Regions and Linode types: the catalog the provider validates against.

use futures::TryStreamExt;
use linode_sdk::ListParams;
use linode_sdk::models::linode_types::LinodeClass;
use linode_sdk::models::regions::RegionStatus;
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::common::{TOKEN, page, setup};

#[tokio::test]
async fn regions_decode_capabilities_and_unknown_status() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v4/regions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([
            {"id": "fr-par", "label": "Paris, FR", "country": "fr", "capabilities": ["Linodes", "Kubernetes", "NodeBalancers", "Object Storage"],
             "status": "ok", "resolvers": {"ipv4": "172.232.32.21", "ipv6": "2600:3c05::f03c"}, "site_type": "core",
             "placement_group_limits": {"maximum_pgs_per_customer": null, "maximum_linodes_per_pg": 5}},
            {"id": "xx-new", "label": "New", "country": "xx", "capabilities": [], "status": "limited"}
        ]))))
        .mount(&server)
        .await;
    let regions: Vec<_> = client.regions().list_all(ListParams::new()).try_collect().await.unwrap();
    assert!(regions[0].has_capability("kubernetes"));
    assert_eq!(regions[0].status, RegionStatus::Ok);
    assert_eq!(regions[0].site_type.as_deref(), Some("core"));
    assert_eq!(regions[1].status, RegionStatus::Other("limited".into()));
}

#[tokio::test]
async fn linode_type_get_and_get_opt() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v4/linode/types/g1-gpu-rtx6000-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "g1-gpu-rtx6000-1", "label": "Dedicated 32GB + RTX6000 GPU x1", "class": "gpu", "disk": 655360,
            "memory": 32768, "vcpus": 8, "gpus": 1, "network_out": 10000, "transfer": 16000,
            "price": {"hourly": 1.5, "monthly": 1000.0}, "region_prices": [], "addons": {"backups": {"price": {"hourly": 0.06, "monthly": 40.0}, "region_prices": []}},
            "successor": null})))
        .mount(&server)
        .await;
    let t = client.linode_types().get("g1-gpu-rtx6000-1").await.unwrap();
    assert_eq!((t.class, t.gpus, t.vcpus), (LinodeClass::Gpu, 1, 8));
    assert_eq!(t.addons.backups.price.monthly, Some(40.0));
    assert_eq!(client.linode_types().get_opt("nope").await.unwrap(), None);
}

#[tokio::test]
async fn region_monitors_and_flexible_placement_groups_decode() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v4/regions/nl-ams"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "nl-ams", "label": "Amsterdam, NL", "country": "nl", "capabilities": ["Linodes", "GPU Linodes", "Kubernetes Enterprise"],
            "monitors": {"alerts": ["Managed Databases"], "metrics": ["Managed Databases", "NodeBalancers"]}, "status": "ok",
            "resolvers": {"ipv4": "192.0.2.1,192.0.2.2", "ipv6": "2001:db8::1,2001:db8::2"},
            "placement_group_limits": {"maximum_pgs_per_customer": null, "maximum_linodes_per_pg": 5, "maximum_linodes_per_flexible_pg": 250},
            "site_type": "core"})))
        .expect(1)
        .mount(&server)
        .await;
    let r = client.regions().get("nl-ams").await.unwrap();
    let monitors = r.monitors.unwrap();
    assert_eq!(monitors.metrics, vec!["Managed Databases", "NodeBalancers"]);
    assert_eq!(monitors.alerts, vec!["Managed Databases"]);
    let limits = r.placement_group_limits.unwrap();
    assert_eq!((limits.maximum_pgs_per_customer, limits.maximum_linodes_per_flexible_pg), (None, Some(250)));
}

#[tokio::test]
async fn availability_lists_pages_and_one_region_as_a_bare_array() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v4/regions/availability"))
        .and(query_param("page_size", "500"))
        .and(crate::common::header_is("x-filter", r#"{"available":true}"#))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([
            {"region": "fr-par", "plan": "g1-gpu-rtx6000-1", "available": true},
            {"region": "fr-par", "plan": "g7-premium-2", "available": true}
        ]))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v4/regions/us-iad/availability"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"region": "us-iad", "plan": "g1-gpu-rtx6000-1", "available": false}
        ])))
        .expect(1)
        .mount(&server)
        .await;
    let params = ListParams::new().page_size(500).filter(linode_sdk::Filter::new().eq("available", true));
    let all: Vec<_> = client.regions().list_all_availability(params).try_collect().await.unwrap();
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|a| a.available && a.region == "fr-par"));
    let iad = client.regions().get_availability("us-iad").await.unwrap();
    assert_eq!((iad[0].plan.as_str(), iad[0].available), ("g1-gpu-rtx6000-1", false));
}
