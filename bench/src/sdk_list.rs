//! `bench sdk-list`: one measured client listing every record of a domain, consumed as a stream
//! (one page at a time), run as its own process so that its peak RSS is its own. Prints one JSON
//! line: `{"client", "records", "ms", "peak_rss_kb"}`.

use std::time::Instant;

use futures::StreamExt;
use serde_json::{Value, json};

use crate::Res;
use crate::procs::self_vmhwm_kb;

/// The largest page the API serves.
pub const PAGE_SIZE: u32 = 500;

/// Which client lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ClientKind {
    /// linode-sdk's `list_all_records` stream.
    Sdk,
    /// A bare reqwest + serde_json page loop making the same requests.
    Reqwest,
}

/// Lists and prints the JSON result line.
pub fn run(
    client: ClientKind,
    api_url: &str,
    token: &str,
    domain_id: u64,
    expect: Option<usize>,
) -> Res<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let start = Instant::now();
    let (count, checksum) = rt.block_on(async {
        match client {
            ClientKind::Sdk => list_sdk(api_url, token, domain_id).await,
            ClientKind::Reqwest => list_reqwest(api_url, token, domain_id).await,
        }
    })?;
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    if let Some(e) = expect
        && e != count
    {
        return Err(format!("listed {count} records, expected {e}").into());
    }
    let name = match client {
        ClientKind::Sdk => "linode-sdk",
        ClientKind::Reqwest => "reqwest",
    };
    println!(
        "{}",
        json!({"client": name, "records": count, "ms": ms, "peak_rss_kb": self_vmhwm_kb(), "checksum": checksum})
    );
    Ok(())
}

async fn list_sdk(api_url: &str, token: &str, domain_id: u64) -> Res<(usize, u64)> {
    let client = linode_sdk::Client::builder()
        .token(token)
        .base_url(api_url)
        .build()?;
    let mut stream = client.domains().list_all_records(
        domain_id,
        linode_sdk::ListParams::new().page_size(PAGE_SIZE),
    );
    let (mut n, mut sum) = (0usize, 0u64);
    while let Some(r) = stream.next().await {
        let r = r?;
        n += 1;
        sum = sum.wrapping_add(r.id);
    }
    Ok((n, sum))
}

async fn list_reqwest(api_url: &str, token: &str, domain_id: u64) -> Res<(usize, u64)> {
    let client = reqwest::Client::new();
    let (mut n, mut sum) = (0usize, 0u64);
    let mut page = 1u64;
    loop {
        let url =
            format!("{api_url}/v4/domains/{domain_id}/records?page={page}&page_size={PAGE_SIZE}");
        let body: Value = client
            .get(&url)
            .bearer_auth(token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        for r in body["data"].as_array().ok_or("page without data")? {
            n += 1;
            sum = sum.wrapping_add(r["id"].as_u64().unwrap_or(0));
        }
        let pages = body["pages"].as_u64().unwrap_or(1);
        if page >= pages {
            break;
        }
        page += 1;
    }
    Ok((n, sum))
}

/// The same measurement with linode_api4 (run by the tools venv's Python):
/// `python -c SCRIPT API_URL TOKEN DOMAIN_ID`. The timer starts after the imports.
pub const PYTHON_SCRIPT: &str = r#"
import json, sys, time
from linode_api4 import LinodeClient
from linode_api4.objects import Domain

api_url, token, domain_id = sys.argv[1], sys.argv[2], int(sys.argv[3])
start = time.perf_counter()
client = LinodeClient(token, base_url=api_url + "/v4", retry=False, page_size=500)
n = 0
checksum = 0
for r in client.load(Domain, domain_id).records:
    n += 1
    checksum += r.id
ms = (time.perf_counter() - start) * 1000.0
peak = None
with open("/proc/self/status") as f:
    for line in f:
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1])
print(json.dumps({"client": "linode_api4", "records": n, "ms": ms, "peak_rss_kb": peak, "checksum": checksum % (1 << 64)}))
"#;

/// One parsed result line of a measured client.
#[derive(Debug, Clone, PartialEq)]
pub struct ListResult {
    /// Records listed.
    pub records: usize,
    /// Listing time in ms (measured inside the process).
    pub ms: f64,
    /// The process's peak RSS in kB.
    pub peak_rss_kb: Option<u64>,
}

/// Parses the last JSON line of a client's stdout.
pub fn parse_result(stdout: &str) -> Option<ListResult> {
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))?;
    let v: Value = serde_json::from_str(line).ok()?;
    Some(ListResult {
        records: v["records"].as_u64()? as usize,
        ms: v["ms"].as_f64()?,
        peak_rss_kb: v["peak_rss_kb"].as_u64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_last_json_line() {
        let out =
            "noise\n{\"client\":\"reqwest\",\"records\":10000,\"ms\":12.5,\"peak_rss_kb\":9000}\n";
        assert_eq!(
            parse_result(out),
            Some(ListResult {
                records: 10000,
                ms: 12.5,
                peak_rss_kb: Some(9000)
            })
        );
        let no_peak = "{\"records\":1,\"ms\":1,\"peak_rss_kb\":null}";
        assert_eq!(parse_result(no_peak).unwrap().peak_rss_kb, None);
        assert_eq!(parse_result("no json"), None);
    }
}
