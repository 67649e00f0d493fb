//! Domains: exact requests and realistic responses.

use linode_sdk::ListParams;
use linode_sdk::filter::Filter;
use linode_sdk::models::Nullable;
use linode_sdk::models::domains::*;
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::common::{page, setup};

fn domain_json(id: u64, name: &str) -> serde_json::Value {
    json!({"id": id, "domain": name, "type": "master", "status": "active", "soa_email": "admin@example.org",
           "description": "", "group": "", "master_ips": [], "axfr_ips": [], "ttl_sec": 300, "refresh_sec": 0,
           "retry_sec": 0, "expire_sec": 0, "tags": ["prod"]})
}

#[tokio::test]
async fn domain_crud_clone_import_zone_file() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v4/domains"))
        .and(body_json(json!({"domain": "example.org", "type": "master", "soa_email": "admin@example.org", "ttl_sec": 300})))
        .respond_with(ResponseTemplate::new(200).set_body_json(domain_json(1234, "example.org")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v4/domains/1234"))
        .and(body_json(json!({"status": "disabled", "tags": []})))
        .respond_with(ResponseTemplate::new(200).set_body_json(domain_json(1234, "example.org")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v4/domains/1234/clone"))
        .and(body_json(json!({"domain": "example.net"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(domain_json(1235, "example.net")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v4/domains/import"))
        .and(body_json(json!({"domain": "example.com", "remote_nameserver": "ns1.example.com"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(domain_json(1236, "example.com")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v4/domains/1234/zone-file"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"zone_file": ["; example.org [1234]", "$TTL 300"]})))
        .mount(&server)
        .await;
    Mock::given(method("DELETE")).and(path("/v4/domains/1234")).respond_with(ResponseTemplate::new(200).set_body_json(json!({}))).expect(1).mount(&server).await;

    let d = client.domains();
    let req = CreateDomain {
        domain: "example.org".into(),
        domain_type: DomainType::Master,
        soa_email: Some("admin@example.org".into()),
        ttl_sec: Some(300),
        ..Default::default()
    };
    let created = d.create(&req).await.unwrap();
    assert_eq!((created.id, created.domain_type, created.status), (1234, DomainType::Master, DomainStatus::Active));
    d.update(1234, &UpdateDomain { status: Some(DomainStatus::Disabled), tags: Some(vec![]), ..Default::default() }).await.unwrap();
    assert_eq!(d.clone_domain(1234, &CloneDomain { domain: "example.net".into() }).await.unwrap().id, 1235);
    let imp = ImportDomain { domain: "example.com".into(), remote_nameserver: "ns1.example.com".into() };
    assert_eq!(d.import(&imp).await.unwrap().domain, "example.com");
    assert_eq!(d.get_zone_file(1234).await.unwrap().zone_file[1], "$TTL 300");
    d.delete(1234).await.unwrap();
}

#[tokio::test]
async fn records_with_filter_and_clearing() {
    let (server, client) = setup().await;
    let rec = json!({"id": 5, "type": "SRV", "name": "_sip._tcp", "target": "sip.example.org", "priority": 10, "weight": 5,
                     "port": 5060, "service": "_sip", "protocol": "_tcp", "ttl_sec": 300, "tag": null,
                     "created": "2024-01-01T00:00:00", "updated": "2024-01-01T00:00:00"});
    Mock::given(method("GET"))
        .and(path("/v4/domains/1234/records"))
        .and(crate::common::header_is("x-filter", r#"{"+or":[{"type":"SRV"},{"type":"CAA"}]}"#))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([rec.clone(), {"id": 6, "type": "SSHFP", "name": "x", "target": "y"}]))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v4/domains/1234/records"))
        .and(body_json(json!({"type": "SRV", "target": "sip.example.org", "priority": 10, "weight": 5, "port": 5060, "service": "sip", "protocol": "tcp"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(rec.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v4/domains/1234/records/5"))
        .and(body_json(json!({"target": "sip2.example.org", "service": null})))
        .respond_with(ResponseTemplate::new(200).set_body_json(rec.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path("/v4/domains/1234/records/5")).respond_with(ResponseTemplate::new(200).set_body_json(rec)).mount(&server).await;
    Mock::given(method("DELETE")).and(path("/v4/domains/1234/records/5")).respond_with(ResponseTemplate::new(200).set_body_json(json!({}))).expect(1).mount(&server).await;

    let d = client.domains();
    let filter = Filter::or([Filter::new().eq("type", "SRV"), Filter::new().eq("type", "CAA")]);
    let list = d.list_records(1234, &ListParams::new().filter(filter)).await.unwrap();
    assert_eq!(list.data[0].record_type, RecordType::Srv);
    assert_eq!(list.data[1].record_type, RecordType::Other("SSHFP".into()), "unknown record types decode");
    let create = CreateDomainRecord {
        record_type: RecordType::Srv,
        target: Some("sip.example.org".into()),
        priority: Some(10),
        weight: Some(5),
        port: Some(5060),
        service: Some("sip".into()),
        protocol: Some("tcp".into()),
        ..Default::default()
    };
    assert_eq!(d.create_record(1234, &create).await.unwrap().port, 5060);
    let upd = UpdateDomainRecord { target: Some("sip2.example.org".into()), service: Nullable::Null, ..Default::default() };
    d.update_record(1234, 5, &upd).await.unwrap();
    assert_eq!(d.get_record(1234, 5).await.unwrap().service.as_deref(), Some("_sip"));
    assert!(d.get_record_opt(1234, 99).await.unwrap().is_none());
    d.delete_record(1234, 5).await.unwrap();
}
