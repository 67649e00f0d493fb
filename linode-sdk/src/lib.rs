//! Typed async client for the Linode API v4: LKE, NodeBalancers, Cloud Firewalls, VPCs,
//! Domains, Object Storage (REST and, behind the default `s3` feature, S3), Regions, Linode
//! types and network transfer prices.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use linode_sdk::{Client, ListParams, filter::Filter};
//!
//! # async fn run() -> linode_sdk::Result<()> {
//! // LINODE_TOKEN, LINODE_URL, LINODE_API_VERSION, LINODE_CA, LINODE_UA_PREFIX
//! let client = Client::from_env()?;
//!
//! // One page, with an X-Filter.
//! let page = client.lke().list(&ListParams::new().filter(Filter::new().eq("region", "fr-par"))).await?;
//! println!("{} clusters", page.results);
//!
//! // Every item of every page, one page in memory at a time.
//! let domains: Vec<_> = client.domains().list_all(ListParams::new().page_size(500)).try_collect().await?;
//!
//! // Terraform-style read: 404 becomes None.
//! if let Some(cluster) = client.lke().get_opt(42).await? {
//!     println!("{} is {:?}", cluster.label, cluster.status);
//! }
//! # let _ = domains; Ok(()) }
//! ```
//!
//! Errors carry predicates, retries are automatic, and waiters poll with a deadline:
//!
//! ```no_run
//! use std::time::Duration;
//! use linode_sdk::{Client, WaitOptions};
//!
//! # async fn run(client: Client) -> linode_sdk::Result<()> {
//! match client.domains().get(1234).await {
//!     Ok(d) => println!("{}", d.domain),
//!     Err(e) if e.is_not_found() => println!("gone"),
//!     Err(e) if e.is_rate_limited() => println!("still rate limited after retries: {e}"),
//!     Err(e) => return Err(e),
//! }
//! let opts = WaitOptions::with_timeout(Duration::from_secs(20 * 60));
//! let kubeconfig = client.lke().wait_for_kubeconfig(42, &opts).await?;
//! let pools = client.lke().wait_for_nodes_ready(42, &opts).await?;
//! # let _ = (kubeconfig, pools); Ok(()) }
//! ```
//!
//! Endpoints without a handler are reachable through the generic calls
//! [`Client::get`], [`Client::get_opt`], [`Client::list_page`], [`Client::list_stream`],
//! [`Client::post`], [`Client::put`] and [`Client::delete`], which share the same send
//! path (auth, tracing span, retries, error decoding).
//!
//! Modules: [`client`] (client and builder), [`error`] (the one error type),
//! [`retry`] (retry policy and rules), [`pagination`] (pages and streams),
//! [`filter`] (`X-Filter` builder), [`wait`] (waiters), [`api`] (one handler per area),
//! [`models`] (request and response types), [`s3`] (S3 side of Object Storage, default `s3`
//! feature), and `secrets` (the secret manager, opt-in `secrets` feature: it adds RSA, X.509
//! and YAML, which a program that only manages LKE does not need).

pub mod api;
pub mod client;
pub mod error;
pub mod filter;
pub mod models;
pub mod pagination;
pub mod retry;
#[cfg(feature = "s3")]
pub mod s3;
pub mod wait;

#[cfg(feature = "secrets")]
pub mod secrets;

pub use client::{ApiVersion, Client, ClientBuilder};
pub use error::{ApiError, Error, FieldError, ReachedServer, Result};
pub use filter::{Filter, Order};
pub use pagination::{ListParams, Page};
pub use retry::RetryPolicy;
pub use wait::WaitOptions;
