//! Creates the fr-par cluster (a `g6-standard-8` pool autoscaling 3..10 and two
//! `g1-gpu-rtx6000-1` nodes) and waits until its kubeconfig is available and every
//! node is ready.
//!
//! ```sh
//! LINODE_URL=http://127.0.0.1:8080 LINODE_TOKEN=test cargo run -p linode-sdk --example lke_fr_par
//! ```

use std::time::Duration;

use linode_sdk::models::lke::{ControlPlaneOptions, CreateLkeCluster, CreateNodePool};
use linode_sdk::{Client, ListParams, WaitOptions};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_env_filter(std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into())).init();
    let client = Client::from_env()?;

    // Pick the newest Kubernetes version the API offers.
    let versions = client.lke().list_versions(&ListParams::new()).await?;
    let k8s_version = versions.data.iter().map(|v| v.id.clone()).max().ok_or("no Kubernetes versions offered")?;

    let req = CreateLkeCluster {
        label: std::env::var("CLUSTER_LABEL").unwrap_or_else(|_| "fr-par-example".into()),
        region: "fr-par".into(),
        k8s_version,
        node_pools: vec![
            CreateNodePool::new("g6-standard-8", 3).autoscale(3, 10),
            CreateNodePool::new("g1-gpu-rtx6000-1", 2),
        ],
        tags: Some(vec!["example".into()]),
        control_plane: Some(ControlPlaneOptions { high_availability: Some(true), ..Default::default() }),
        ..Default::default()
    };
    let cluster = client.lke().create(&req).await?;
    println!("created cluster {} ({}) in {}", cluster.id, cluster.label, cluster.region);

    let opts = WaitOptions::with_timeout(Duration::from_secs(30 * 60)).poll(Duration::from_secs(2), Duration::from_secs(30));
    let kubeconfig = client.lke().wait_for_kubeconfig(cluster.id, &opts).await?;
    println!("kubeconfig available ({} base64 characters)", kubeconfig.kubeconfig.len());

    let pools = client.lke().wait_for_nodes_ready(cluster.id, &opts).await?;
    for pool in &pools {
        println!("pool {} ({}): {} nodes ready", pool.id, pool.node_type, pool.nodes.len());
    }
    Ok(())
}
