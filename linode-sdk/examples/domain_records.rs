//! Lists a domain's records with an X-Filter (A and AAAA records, ordered by name),
//! streaming every page.
//!
//! ```sh
//! LINODE_URL=http://127.0.0.1:8080 LINODE_TOKEN=test cargo run -p linode-sdk --example domain_records -- example.org
//! ```

use futures::TryStreamExt;
use linode_sdk::filter::{Filter, Order};
use linode_sdk::{Client, ListParams};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let name = std::env::args().nth(1).unwrap_or_else(|| "example.org".into());
    let client = Client::from_env()?;

    let domains = client.domains().list(&ListParams::new().filter(Filter::new().eq("domain", name.as_str()))).await?;
    let domain = domains.data.into_iter().next().ok_or_else(|| format!("domain {name} not found"))?;

    let filter = Filter::or([Filter::new().eq("type", "A"), Filter::new().eq("type", "AAAA")]).order_by("name", Order::Asc);
    let mut records = client.domains().list_all_records(domain.id, ListParams::new().page_size(500).filter(filter));
    let mut n = 0;
    while let Some(r) = records.try_next().await? {
        println!("{:>6} {:<5} {:<30} {} (ttl {})", r.id, r.record_type, r.name, r.target, r.ttl_sec);
        n += 1;
    }
    println!("{n} address records in {}", domain.domain);
    Ok(())
}
