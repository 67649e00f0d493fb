//! Pages, streams over all pages, and X-Filter on the wire.

use futures::{StreamExt, TryStreamExt};
use linode_sdk::filter::{Filter, Order};
use linode_sdk::ListParams;
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::common::{hits, setup};

fn record(id: u64) -> serde_json::Value {
    json!({"id": id, "type": "A", "name": format!("www{id}"), "target": "192.0.2.1", "ttl_sec": 300,
           "priority": 0, "weight": 0, "port": 0, "service": null, "protocol": null, "tag": null,
           "created": "2024-01-01T00:00:00", "updated": "2024-01-01T00:00:00"})
}

#[tokio::test]
async fn stream_walks_every_page_with_the_filter() {
    let (server, client) = setup().await;
    let filter = Filter::new().eq("type", "A").order_by("name", Order::Asc);
    for (page, ids) in [(1u32, vec![1, 2]), (2, vec![3, 4]), (3, vec![5])] {
        Mock::given(method("GET"))
            .and(path("/v4/domains/9/records"))
            .and(query_param("page", page.to_string().as_str()))
            .and(query_param("page_size", "500"))
            .and(crate::common::header_is("x-filter", r#"{"type":"A","+order_by":"name","+order":"asc"}"#))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "data": ids.iter().map(|i| record(*i)).collect::<Vec<_>>(),
                "page": page, "pages": 3, "results": 5
            })))
            .expect(1)
            .mount(&server)
            .await;
    }
    let records: Vec<_> = client
        .domains()
        .list_all_records(9, ListParams::new().page_size(500).filter(filter))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(records.iter().map(|r| r.id).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5]);
    assert_eq!(records[4].name, "www5");
}

#[tokio::test]
async fn stream_is_lazy_and_stops_at_the_first_error() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v4/domains"))
        .and(query_param("page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"id": 1, "domain": "a.example", "type": "master"}], "page": 1, "pages": 2, "results": 2})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v4/domains"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"errors": [{"reason": "Unauthorized"}]})))
        .mount(&server)
        .await;
    let mut s = client.domains().list_all(ListParams::new());
    assert_eq!(hits(&server).await, 0, "nothing is fetched before polling");
    let first = s.next().await.unwrap().unwrap();
    assert_eq!(first.domain, "a.example");
    assert_eq!(hits(&server).await, 1, "page 2 is fetched only when needed");
    assert!(s.next().await.unwrap().unwrap_err().is_forbidden());
    assert!(s.next().await.is_none());
}

#[tokio::test]
async fn single_page_list_sends_page_params() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v4/linode/types"))
        .and(query_param("page", "2"))
        .and(query_param("page_size", "25"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [], "page": 2, "pages": 2, "results": 30})))
        .expect(1)
        .mount(&server)
        .await;
    // page_size is clamped to the API minimum of 25.
    let p = client.linode_types().list(&ListParams::new().page(2).page_size(10)).await.unwrap();
    assert_eq!((p.page, p.pages, p.results), (2, 2, 30));
    assert!(!p.has_next());
}

#[tokio::test]
async fn stream_defaults_to_500_and_cannot_loop_on_a_server_ignoring_page() {
    let (server, client) = setup().await;
    // The server always answers page 1 of 2.
    Mock::given(method("GET"))
        .and(path("/v4/regions"))
        .and(query_param("page_size", "500"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [{"id": "fr-par"}], "page": 1, "pages": 2, "results": 2})))
        .mount(&server)
        .await;
    let all: Vec<_> = client.regions().list_all(ListParams::new()).try_collect().await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(hits(&server).await, 2);
}
