//! VPCs: exact requests and realistic responses (shapes from Linode's recorded traffic).

use futures::TryStreamExt;
use linode_sdk::models::vpcs::*;
use linode_sdk::{Filter, ListParams};
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::common::{header_is, page, setup};

fn subnet_json(id: u64, nodebalancers: serde_json::Value) -> serde_json::Value {
    json!({"id": id, "label": "backend", "ipv4": "10.0.0.0/24", "ipv6": null,
           "linodes": [{"id": 5, "interfaces": [{"id": 31, "active": true, "config_id": 41}]}],
           "databases": [{"id": 8, "ipv4_range": "10.0.0.128/28", "ipv6_ranges": []}], "nodebalancers": nodebalancers,
           "created": "2024-01-01T00:00:00", "updated": "2024-01-01T00:00:00"})
}

fn vpc_json() -> serde_json::Value {
    json!({"id": 10, "label": "edge-vpc", "description": "", "region": "fr-par",
           "ipv4": [{"range": "10.0.0.0/8"}, {"range": "172.16.0.0/12"}, {"range": "192.168.0.0/17"}],
           "ipv6": null, "subnets": [subnet_json(20, json!([]))], "vpc_type": "regular",
           "created": "2024-01-01T00:00:00", "updated": "2024-01-01T00:00:00"})
}

fn nb_ip_json() -> serde_json::Value {
    json!({"address": null, "address_range": "10.0.0.64/30", "vpc_id": 10, "subnet_id": 20, "region": "fr-par",
           "linode_id": null, "config_id": null, "interface_id": null, "nodebalancer_id": 12345, "database_id": null,
           "active": true, "nat_1_1": null, "gateway": "10.0.0.1", "prefix": 24, "subnet_mask": "255.255.255.0"})
}

#[tokio::test]
async fn vpc_crud() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v4/vpcs"))
        .and(body_json(
            json!({"label": "edge-vpc", "region": "fr-par", "description": "edge",
                              "subnets": [{"label": "backend", "ipv4": "10.0.0.0/24"}]}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(vpc_json()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v4/vpcs/10"))
        .respond_with(ResponseTemplate::new(200).set_body_json(vpc_json()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v4/vpcs/11"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"errors": [{"reason": "Not found"}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v4/vpcs/10"))
        .and(body_json(json!({"label": "edge-vpc-2", "description": ""})))
        .respond_with(ResponseTemplate::new(200).set_body_json(vpc_json()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v4/vpcs/10"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v4/vpcs"))
        .and(header_is("x-filter", r#"{"region":"fr-par"}"#))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([vpc_json()]))))
        .expect(1)
        .mount(&server)
        .await;

    let vpcs = client.vpcs();
    let req = CreateVpc {
        label: "edge-vpc".into(),
        region: "fr-par".into(),
        description: Some("edge".into()),
        subnets: Some(vec![CreateVpcSubnet::new("backend", "10.0.0.0/24")]),
    };
    let v = vpcs.create(&req).await.unwrap();
    assert_eq!((v.id, v.subnets[0].id), (10, 20));
    assert_eq!(v.ipv4[2].range, "192.168.0.0/17");
    assert_eq!(v.subnets[0].linodes[0].interfaces[0].config_id, Some(41));
    assert_eq!(vpcs.get(10).await.unwrap().region, "fr-par");
    assert!(vpcs.get_opt(11).await.unwrap().is_none());
    vpcs.update(
        10,
        &UpdateVpc {
            label: Some("edge-vpc-2".into()),
            description: Some(String::new()),
        },
    )
    .await
    .unwrap();
    let listed = vpcs
        .list(&ListParams::new().filter(Filter::new().eq("region", "fr-par")))
        .await
        .unwrap();
    assert_eq!(listed.data[0].label, "edge-vpc");
    vpcs.delete(10).await.unwrap();
}

#[tokio::test]
async fn subnets_crud() {
    let (server, client) = setup().await;
    let base = "/v4/vpcs/10/subnets";
    Mock::given(method("POST"))
        .and(path(base))
        .and(body_json(
            json!({"label": "backend", "ipv4": "10.0.0.0/24"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(subnet_json(20, json!([]))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(base))
        .and(query_param("page", "1"))
        .and(query_param("page_size", "500"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(page(json!([subnet_json(
                20,
                json!([{"id": 12345, "ipv4_range": "10.0.0.64/30"}])
            )]))),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{base}/20")))
        .respond_with(ResponseTemplate::new(200).set_body_json(subnet_json(20, json!([]))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{base}/21")))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"errors": [{"reason": "Not found"}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("{base}/20")))
        .and(body_json(json!({"label": "frontend"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(subnet_json(20, json!([]))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{base}/20")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(base))
        .and(query_param("page", "3"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": [], "page": 3, "pages": 3, "results": 0})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let vpcs = client.vpcs();
    assert_eq!(
        vpcs.create_subnet(10, &CreateVpcSubnet::new("backend", "10.0.0.0/24"))
            .await
            .unwrap()
            .id,
        20
    );
    let all: Vec<VpcSubnet> = vpcs
        .list_all_subnets(10, ListParams::new())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        all[0].nodebalancers,
        vec![VpcSubnetNodeBalancer {
            id: 12345,
            ipv4_range: "10.0.0.64/30".into(),
            ipv6_ranges: vec![]
        }]
    );
    assert_eq!(
        all[0].databases[0].ipv4_range.as_deref(),
        Some("10.0.0.128/28")
    );
    assert_eq!(vpcs.get_subnet(10, 20).await.unwrap().ipv4, "10.0.0.0/24");
    assert!(vpcs.get_subnet_opt(10, 21).await.unwrap().is_none());
    vpcs.update_subnet(
        10,
        20,
        &UpdateVpcSubnet {
            label: "frontend".into(),
        },
    )
    .await
    .unwrap();
    vpcs.delete_subnet(10, 20).await.unwrap();
    assert!(
        vpcs.list_subnets(10, &ListParams::new().page(3))
            .await
            .unwrap()
            .data
            .is_empty()
    );
}

#[tokio::test]
async fn addresses_in_use() {
    let (server, client) = setup().await;
    let linode_ip = json!({"address": "10.0.0.2", "address_range": null, "vpc_id": 10, "subnet_id": 20, "region": "fr-par",
        "linode_id": 5, "config_id": 41, "interface_id": 31, "nodebalancer_id": null, "database_id": null, "active": false,
        "nat_1_1": "192.0.2.10", "gateway": "10.0.0.1", "prefix": 24, "subnet_mask": "255.255.255.0"});
    Mock::given(method("GET"))
        .and(path("/v4/vpcs/ips"))
        .and(header_is("x-filter", r#"{"vpc_id":10}"#))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(page(json!([linode_ip, nb_ip_json()]))),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v4/vpcs/ips"))
        .and(query_param("page_size", "500"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([nb_ip_json()]))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v4/vpcs/10/ips"))
        .and(query_param("page_size", "100"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([nb_ip_json()]))))
        .expect(2)
        .mount(&server)
        .await;

    let vpcs = client.vpcs();
    let ips = vpcs
        .list_ips(&ListParams::new().filter(Filter::new().eq("vpc_id", 10)))
        .await
        .unwrap();
    assert_eq!(ips.data[0].linode_id, Some(5));
    assert_eq!(ips.data[0].nat_1_1.as_deref(), Some("192.0.2.10"));
    assert_eq!(
        (ips.data[1].nodebalancer_id, ips.data[1].linode_id),
        (Some(12345), None)
    );
    let all: Vec<VpcIp> = vpcs
        .list_all_ips(ListParams::new())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all[0].address_range.as_deref(), Some("10.0.0.64/30"));
    let one = vpcs
        .list_vpc_ips(10, &ListParams::new().page_size(100))
        .await
        .unwrap();
    assert_eq!(one.data[0].prefix, Some(24));
    let streamed: Vec<VpcIp> = vpcs
        .list_all_vpc_ips(10, ListParams::new().page_size(100))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed.len(), 1);
}
