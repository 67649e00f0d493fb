//! Regions and Linode types: the catalog the provider validates against.

use futures::TryStreamExt;
use linode_sdk::ListParams;
use linode_sdk::models::linode_types::LinodeClass;
use linode_sdk::models::regions::RegionStatus;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::common::{page, setup};

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
