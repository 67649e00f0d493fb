//! Lists a domain's records with an X-Filter (A and AAAA records, ordered by name),
//! streaming every page. With `--create`, a missing domain is created with a few sample
//! records first (handy against the emulator).
//!
//! ```sh
//! LINODE_URL=http://127.0.0.1:8080 LINODE_TOKEN=test cargo run -p linode-sdk --example domain_records -- example.org --create
//! ```

use futures::TryStreamExt;
use linode_sdk::filter::{Filter, Order};
use linode_sdk::models::domains::{CreateDomain, CreateDomainRecord, Domain, DomainType, RecordType};
use linode_sdk::{Client, ListParams};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let create = args.iter().any(|a| a == "--create");
    let name = args.iter().find(|a| !a.starts_with("--")).cloned().unwrap_or_else(|| "example.org".into());
    let client = Client::from_env()?;

    let domains = client.domains().list(&ListParams::new().filter(Filter::new().eq("domain", name.as_str()))).await?;
    let domain = match domains.data.into_iter().next() {
        Some(d) => d,
        None if create => create_sample(&client, &name).await?,
        None => return Err(format!("domain {name} not found (pass --create to create it)").into()),
    };

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

async fn create_sample(client: &Client, name: &str) -> linode_sdk::Result<Domain> {
    let req = CreateDomain {
        domain: name.to_owned(),
        domain_type: DomainType::Master,
        soa_email: Some(format!("hostmaster@{name}")),
        ..Default::default()
    };
    let domain = client.domains().create(&req).await?;
    for (t, host, target) in [
        (RecordType::A, "www", "192.0.2.10"),
        (RecordType::Aaaa, "www", "2001:db8::10"),
        (RecordType::A, "api", "192.0.2.11"),
        (RecordType::Txt, "", "v=spf1 -all"),
    ] {
        let rec = CreateDomainRecord { record_type: t, name: Some(host.into()), target: Some(target.into()), ..Default::default() };
        client.domains().create_record(domain.id, &rec).await?;
    }
    println!("created {name} with sample records");
    Ok(domain)
}
