//! The README's example: regions that offer Kubernetes, then the LKE clusters in each.
//!
//! ```sh
//! cargo run -p linode-mock -- --port 8080 &   # or use the real API with your own token
//! LINODE_URL=http://127.0.0.1:8080 LINODE_TOKEN=mock-token cargo run -p linode-sdk --example kubernetes_regions
//! ```

use futures::TryStreamExt;
use linode_sdk::filter::Filter;
use linode_sdk::{Client, ListParams};

#[tokio::main]
async fn main() -> linode_sdk::Result<()> {
    // LINODE_TOKEN, and optionally LINODE_URL, LINODE_API_VERSION, LINODE_CA, LINODE_UA_PREFIX.
    let client = Client::from_env()?;

    // Every page of a listing, streamed one page at a time.
    let regions: Vec<_> = client
        .regions()
        .list_all(ListParams::new())
        .try_collect()
        .await?;
    for region in regions
        .iter()
        .filter(|r| r.capabilities.iter().any(|c| c == "Kubernetes"))
    {
        // A server-side X-Filter; 429s, 5xx and "Linode busy." are retried for you.
        let filter = Filter::new().eq("region", region.id.as_str());
        let clusters = client.lke().list(&ListParams::new().filter(filter)).await?;
        println!(
            "{:<12} {:<24} {} LKE cluster(s)",
            region.id, region.label, clusters.results
        );
    }
    Ok(())
}
