//! Typed async client for the Linode API v4: LKE, NodeBalancers, Domains, Object
//! Storage (REST and, behind the default `s3` feature, S3), Regions and Linode types.
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
//! Modules: [`client`] (client and builder), [`error`] (the one error type),
//! [`retry`] (retry policy and rules), [`pagination`] (pages and streams),
//! [`filter`] (`X-Filter` builder), [`wait`] (waiters), [`api`] (one handler per area),
//! [`models`] (request and response types), and [`s3`] (S3 side of Object Storage).

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
