//! Network transfer prices: the hourly-only price list.

use linode_sdk::ListParams;
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::common::{TOKEN, page, setup};

#[tokio::test]
async fn prices_have_no_monthly_price() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v4/network-transfer/prices"))
        .and(query_param("page_size", "25"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([
            {"id": "distributed_network_transfer", "label": "Distributed Network Transfer", "price": {"hourly": 0.01, "monthly": null}, "region_prices": [], "transfer": 0},
            {"id": "network_transfer", "label": "Network Transfer", "price": {"hourly": 0.005, "monthly": null},
             "region_prices": [{"id": "id-cgk", "hourly": 0.015, "monthly": null}, {"id": "br-gru", "hourly": 0.007, "monthly": null}], "transfer": 0}
        ]))))
        .expect(1)
        .mount(&server)
        .await;
    let prices = client.network_transfer().list_prices(&ListParams::new().page_size(25)).await.unwrap();
    assert_eq!(prices.results, 2);
    let nt = &prices.data[1];
    assert_eq!((nt.id.as_str(), nt.price.hourly, nt.price.monthly), ("network_transfer", Some(0.005), None));
    assert_eq!(nt.region_prices[1].id, "br-gru");
    assert_eq!(nt.region_prices[1].hourly, Some(0.007));
}
