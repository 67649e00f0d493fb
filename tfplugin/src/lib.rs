//! Make a Rust binary a Terraform provider (plugin protocol 6).
//!
//! The crate knows nothing about any particular cloud. It gives you:
//!
//! * [`Value`] / [`Type`]: Terraform values (null and unknown anywhere, full-precision numbers),
//!   with MessagePack/JSON codecs and serde conversion to model structs using the tri-state
//!   [`Val`];
//! * [`schema`]: declarative schemas (attributes, nested attributes, nested blocks, defaults,
//!   plan modifiers, [`validators`], [`timeouts`]);
//! * [`plan`]: planning owned by the framework (unknown computed values, defaults,
//!   requires-replace, use-state-for-unknown) and Terraform's own consistency checks;
//! * the [`Provider`], [`Resource`], [`DataSource`] and [`EphemeralResource`] traits, whose
//!   methods report problems through [`Diagnostics`] with [`AttributePath`]s;
//! * [`serve`]: the go-plugin handshake with AutoMTLS (Terraform's client certificate is
//!   verified), a debug/reattach mode and hclog-style logs on stderr;
//! * `testing` (feature `testing`): an in-process harness that drives the same RPC code path
//!   as Terraform, plus helpers to find Terraform CLIs for end-to-end tests.
//!
//! # A resource
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use tfplugin::resource::*;
//! use tfplugin::schema::{Attribute, Schema};
//! use tfplugin::{async_trait, Diagnostics, Resource, Val};
//!
//! #[derive(Serialize, Deserialize)]
//! struct RecordModel {
//!     id: Val<String>,
//!     domain: String,
//!     target: String,
//!     ttl: Val<i64>,
//! }
//!
//! struct Record;
//!
//! #[async_trait]
//! impl Resource for Record {
//!     fn type_name(&self) -> &str { "dns_record" }
//!
//!     fn schema(&self) -> Schema {
//!         Schema::new()
//!             .attr("id", Attribute::string().computed().use_state_for_unknown())
//!             .attr("domain", Attribute::string().required().requires_replace())
//!             .attr("target", Attribute::string().required())
//!             .attr("ttl", Attribute::number().default(300))
//!     }
//!
//!     async fn create(&self, req: CreateRequest, resp: &mut ApplyResponse) {
//!         let Some(mut plan) = req.plan_as::<RecordModel>(&mut resp.diagnostics) else { return };
//!         // ... call the API (a client from `req.ctx.client::<MyClient>(&mut resp.diagnostics)`)
//!         plan.id = Val::Known(format!("{}/1", plan.domain));
//!         resp.set_state(&plan);
//!     }
//!
//!     async fn read(&self, req: ReadRequest, resp: &mut ReadResponse) {
//!         // Fetch; on "404" call `resp.remove()`; otherwise `resp.set_state(&model)`.
//!     }
//!
//!     async fn update(&self, req: UpdateRequest, resp: &mut ApplyResponse) {
//!         // `resp.state` already holds the plan; fill in any unknowns.
//!     }
//!
//!     async fn delete(&self, req: DeleteRequest, diags: &mut Diagnostics) {}
//!
//!     async fn import(&self, _req: ImportRequest, resp: &mut ImportResponse) {
//!         resp.passthrough_id("id");
//!     }
//! }
//! ```
//!
//! Register resources in [`Provider::resources`] and call [`serve`] from `main`.

mod proto;
mod redact;
mod serve;
mod server;

pub mod data_source;
pub mod diag;
pub mod docs;
pub mod ephemeral;
pub mod equality;
pub mod path;
pub mod plan;
pub mod provider;
pub mod resource;
pub mod schema;
#[cfg(feature = "testing")]
pub mod testing;
pub mod timeouts;
pub mod typed;
pub mod upgrade;
pub mod validators;
pub mod value;

pub use async_trait::async_trait;
pub use data_source::DataSource;
pub use diag::{Diagnostic, Diagnostics, Severity};
pub use ephemeral::EphemeralResource;
pub use path::{AttributePath, PathStep};
pub use provider::{ConfigureRequest, Context, Provider, ProviderData};
pub use resource::{PrivateState, Resource};
pub use serve::{MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, ServeOptions, serve};
pub use value::{Number, Type, Val, Value, ValueError};
