//! `linode-mock`: a stateful Linode API v4 emulator for offline tests.
//!
//! It serves the REST API (under both `/v4` and `/v4beta`) for LKE, NodeBalancers, Cloud
//! Firewalls, VPCs, Domains, Object Storage, Regions, Linode types and network transfer prices
//! in Linode's JSON shapes and with Linode's catalog, with bearer-token auth, pagination,
//! `X-Filter`, Linode-style validation errors, delayed lifecycles (LKE nodes turn `ready`,
//! kubeconfigs appear), an S3-compatible endpoint (s3s, SigV4) sharing buckets with the REST
//! side, fault injection, rate-limit headers, a request log and persistence.
//!
//! ```no_run
//! # async fn demo() -> Result<(), linode_mock::StartError> {
//! let mock = linode_mock::MockServer::builder().start().await?;
//! let base = format!("{}/v4", mock.api_url()); // http://127.0.0.1:PORT/v4
//! let token = mock.token(); // "mock-token"
//! mock.set_faults(linode_mock::FaultConfig { http_5xx: 0.5, ..Default::default() });
//! let calls = mock.requests().len();
//! # let _ = (base, token, calls);
//! mock.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! The admin endpoint (`/__admin`, no auth, never faulted) exposes the same controls over HTTP:
//! `GET/PUT faults`, `GET/DELETE requests`, `POST reset`, `POST settle`, `GET state`,
//! `GET/PUT config`.

pub mod catalog;
pub mod error;
pub mod faults;
pub mod filter;
pub mod lifecycle;
pub mod pagination;
pub mod routes;
pub mod s3;
pub mod server;
pub mod state;

pub use error::{ApiError, FieldError};
pub use faults::FaultConfig;
pub use lifecycle::Delays;
pub use routes::admin::RuntimeConfig;
pub use server::{
    DEFAULT_S3_ACCESS_KEY, DEFAULT_S3_MAX_BODY_BYTES, DEFAULT_S3_SECRET_KEY, DEFAULT_TOKEN,
    MockConfig, MockHandle, MockServer, MockServerBuilder, RequestRecord, StartError,
};
