//! linode-mock: the `X-Filter` parser, and REST request bodies through the running emulator.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::sync::OnceLock;

use serde_json::{Value, json};

/// Collection items to filter (the shape the emulator renders).
fn items() -> Vec<Value> {
    (0..6)
        .map(|i| {
            let region = ["fr-par", "us-east"][i % 2];
            json!({
                "id": i, "label": format!("item-{i}"), "region": region,
                "tags": [format!("t{}", i % 3)], "ttl_sec": 300 * i, "status": "ready",
                "specs": {"vcpus": i * 2}
            })
        })
        .collect()
}

/// An `X-Filter` header value on a collection.
pub fn mock_filter(data: &[u8]) {
    let header = String::from_utf8_lossy(data);
    let all = items();
    let filterable = ["id", "label", "region", "tags", "ttl_sec", "status", "specs.vcpus"];
    if let Ok(out) = linode_mock::filter::apply(all.clone(), Some(&header), &filterable) {
        assert!(out.len() <= all.len(), "filtering made items up");
        assert!(out.iter().all(|i| all.contains(i)), "filtering changed an item");
    }
}

/// The emulator, started once per process, and the id of a domain in it.
fn emulator() -> &'static (String, u64) {
    static EMULATOR: OnceLock<(String, u64)> = OnceLock::new();
    EMULATOR.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
            runtime.block_on(async move {
                let handle = linode_mock::MockServer::builder().start().await.expect("the emulator starts");
                let addr = handle.api_url().trim_start_matches("http://").to_string();
                tx.send(addr).unwrap();
                std::future::pending::<()>().await;
                drop(handle);
            });
        });
        let addr = rx.recv().expect("the emulator's address");
        let (status, body) = request(&addr, "POST", "/v4/domains", br#"{"domain":"fuzz.example.com","type":"master","soa_email":"a@fuzz.example.com"}"#);
        assert_eq!(status, 200, "{body}");
        let id = serde_json::from_str::<Value>(&body).ok().and_then(|v| v["id"].as_u64()).expect("domain id");
        (addr, id)
    })
}

/// One HTTP/1.1 request; the status and body of the answer.
fn request(addr: &str, method: &str, path: &str, body: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connect to the emulator");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        linode_mock::DEFAULT_TOKEN,
        body.len()
    );
    stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body)).expect("send");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("read the answer");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("no HTTP answer: {answer:?}"));
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

/// A request body (after the first byte, which picks the endpoint). The emulator must answer
/// every body with a success or a 4xx, never a 5xx or a dropped connection.
pub fn mock_rest_body(data: &[u8]) {
    let Some((&pick, body)) = data.split_first() else { return };
    let (addr, domain) = emulator();
    let endpoints = [
        ("POST", "/v4/lke/clusters".to_string()),
        ("POST", "/v4/nodebalancers".to_string()),
        ("POST", "/v4/domains".to_string()),
        ("PUT", format!("/v4/domains/{domain}")),
        ("POST", format!("/v4/domains/{domain}/records")),
        ("POST", "/v4/object-storage/buckets".to_string()),
        ("POST", "/v4/object-storage/keys".to_string()),
        ("POST", "/v4/networking/firewalls".to_string()),
        ("POST", "/v4/vpcs".to_string()),
    ];
    let (method, path) = &endpoints[usize::from(pick) % endpoints.len()];
    let (status, answer) = request(addr, method, path, body);
    assert!(status < 500, "{method} {path} answered {status}: {answer}");
}
