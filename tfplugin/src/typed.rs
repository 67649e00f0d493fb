//! Resources and data sources written on typed models.
//!
//! A [`TypedResource`] names its model (one serde struct for configuration, plan and state,
//! with [`Val`](crate::Val) fields) and the type of its provider data (what
//! [`Provider::configure`](crate::Provider::configure) returns), and writes its CRUD methods on
//! them. The framework decodes every value once, reports a value that does not decode (never
//! dropping the error), reports an unconfigured provider, encodes results back (attributes the
//! model lacks, such as the `timeouts` block, keep their values), and turns a partial result
//! after an error into a state with nulls where values are unknown.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use tfplugin::schema::{Attribute, Schema};
//! use tfplugin::typed::{self, Applied, Create, Read, Refreshed, TypedResource, Update};
//! use tfplugin::{async_trait, Diagnostics, Val};
//!
//! struct Api; // the provider's data, e.g. an API client
//!
//! #[derive(Clone, Serialize, Deserialize)]
//! struct Record { id: Val<String>, name: String, ttl: Val<i64> }
//!
//! struct RecordResource;
//!
//! #[async_trait]
//! impl TypedResource for RecordResource {
//!     type Model = Record;
//!     type Data = Api;
//!     fn type_name(&self) -> &str { "dns_record" }
//!     fn schema(&self) -> Schema {
//!         Schema::new()
//!             .attr("id", Attribute::string().computed().use_state_for_unknown())
//!             .attr("name", Attribute::string().required())
//!             .attr("ttl", Attribute::number().default(300))
//!     }
//!     async fn create(&self, req: Create<'_, Record, Api>, resp: &mut Applied<Record>) {
//!         let mut record = req.plan;
//!         record.id = Val::Known("r-1".into()); // from the API
//!         resp.set(record);
//!     }
//!     async fn read(&self, req: Read<'_, Record, Api>, resp: &mut Refreshed<Record>) {
//!         resp.set(req.state); // or resp.remove() on 404
//!     }
//!     async fn update(&self, req: Update<'_, Record, Api>, resp: &mut Applied<Record>) {
//!         resp.set(req.plan);
//!     }
//!     async fn delete(&self, _req: Read<'_, Record, Api>, _diags: &mut Diagnostics) {}
//! }
//!
//! let resource = typed::resource(RecordResource); // an Arc<dyn Resource> for Provider::resources
//! # let _ = resource;
//! ```

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::data_source::{DataSource, DataSourceReadRequest, DataSourceReadResponse};
use crate::diag::Diagnostics;
use crate::path::AttributePath;
use crate::provider::Context;
use crate::resource::{
    ApplyResponse, CreateRequest, DeleteRequest, ImportRequest, ImportResponse, ModifyPlanRequest, PrivateState,
    ReadRequest, ReadResponse, Resource, UpdateRequest, UpgradeStateRequest, UpgradeStateResponse, ValidateRequest,
};
use crate::schema::Schema;
use crate::value::Value;

/// What every typed model is: a serde struct of `Val` fields (and `Vec`s of nested models for
/// blocks).
pub trait Model: Serialize + DeserializeOwned + Send + Sync + 'static {}
impl<T: Serialize + DeserializeOwned + Send + Sync + 'static> Model for T {}

/// A managed resource on a typed model; register it with [`resource`].
#[async_trait]
pub trait TypedResource: Send + Sync + 'static {
    /// The model of configuration, plan and state.
    type Model: Model;
    /// The provider data the resource needs (what `Provider::configure` returned).
    type Data: Send + Sync + 'static;

    /// The full type name, e.g. `"linode_lke_cluster"`.
    fn type_name(&self) -> &str;

    /// The schema.
    fn schema(&self) -> Schema;

    /// Extra configuration checks after the attribute validators. Not called while a nested
    /// block is still unknown (a `dynamic` block over a value known only after apply).
    async fn validate(&self, _config: &Self::Model, _diags: &mut Diagnostics) {}

    /// Custom planning after the framework's rules and data validators. Not called on destroy,
    /// while a nested block is still unknown, or when the provider's configuration is not known
    /// yet.
    async fn modify_plan(&self, _data: &Self::Data, _req: &mut PlanChange<'_, Self::Model>, _diags: &mut Diagnostics) {}

    /// Creates the object; set the new state (or a partial one after an error) in `resp`.
    async fn create(&self, req: Create<'_, Self::Model, Self::Data>, resp: &mut Applied<Self::Model>);

    /// Refreshes the state; set it in `resp`, or call [`Refreshed::remove`] when it is gone.
    async fn read(&self, req: Read<'_, Self::Model, Self::Data>, resp: &mut Refreshed<Self::Model>);

    /// Updates in place; set the new state in `resp`.
    async fn update(&self, req: Update<'_, Self::Model, Self::Data>, resp: &mut Applied<Self::Model>);

    /// Deletes the object (`req.state` is the state to delete).
    async fn delete(&self, req: Read<'_, Self::Model, Self::Data>, diags: &mut Diagnostics);

    /// Imports by id: set enough of `resp.state` for [`read`](Self::read). The default reports
    /// that import is not supported.
    async fn import(&self, _data: &Self::Data, req: ImportRequest, resp: &mut ImportResponse) {
        resp.diagnostics.error(
            "Resource import not supported",
            format!("{} cannot be imported (id {:?}).", self.type_name(), req.id),
        );
    }

    /// Upgrades state written with an older schema version. The default reports an error.
    async fn upgrade_state(&self, req: UpgradeStateRequest, resp: &mut UpgradeStateResponse) {
        resp.diagnostics.error(
            "Unable to upgrade resource state",
            format!("{} has no state upgrade from schema version {}.", self.type_name(), req.version),
        );
    }
}

/// A data source on a typed model; register it with [`data_source`].
#[async_trait]
pub trait TypedDataSource: Send + Sync + 'static {
    /// The model of configuration and result.
    type Model: Model;
    /// The provider data the data source needs.
    type Data: Send + Sync + 'static;

    /// The full type name, e.g. `"linode_region"`.
    fn type_name(&self) -> &str;

    /// The schema.
    fn schema(&self) -> Schema;

    /// Extra configuration checks after the attribute validators.
    async fn validate(&self, _config: &Self::Model, _diags: &mut Diagnostics) {}

    /// Reads the data: the configuration with every computed attribute set, or `None` after
    /// reporting an error.
    async fn read(&self, req: DataRead<'_, Self::Model, Self::Data>, diags: &mut Diagnostics) -> Option<Self::Model>;
}

/// A typed resource as a [`Resource`].
pub fn resource<R: TypedResource>(resource: R) -> Arc<dyn Resource> {
    Arc::new(ResourceAdapter { inner: resource, schema: OnceLock::new() })
}

/// A typed data source as a [`DataSource`].
pub fn data_source<D: TypedDataSource>(data_source: D) -> Arc<dyn DataSource> {
    Arc::new(DataSourceAdapter { inner: data_source, schema: OnceLock::new() })
}

/// Shared by the typed requests: the schema (for API field paths) and the raw values.
#[derive(Clone, Copy)]
pub struct Op<'a> {
    /// Shared provider data and cancellation.
    pub ctx: &'a Context,
    schema: &'a Schema,
    raw: &'a Value,
}

impl Op<'_> {
    /// The attribute an API field error points at (see [`Schema::path_for_api_field`]).
    pub fn field_path(&self, field: &str) -> Option<AttributePath> {
        self.schema.path_for_api_field(field)
    }

    /// The timeout of `operation` from the `timeouts` block (of the plan, or of the state on
    /// delete), or `default`.
    pub fn timeout(&self, operation: &str, default: Duration) -> Duration {
        crate::timeouts::get(self.raw, operation, default)
    }

    /// The raw value behind the model (plan, or state on read and delete).
    pub fn raw(&self) -> &Value {
        self.raw
    }
}

/// Input of [`TypedResource::create`].
pub struct Create<'a, M, D> {
    /// The provider's data.
    pub data: &'a D,
    /// Context, schema and timeouts.
    pub op: Op<'a>,
    /// The configuration (write-only attributes are only here).
    pub config: M,
    /// The plan: fill in its unknown values.
    pub plan: M,
    /// Private data from planning.
    pub private: &'a PrivateState,
}

/// Input of [`TypedResource::update`].
pub struct Update<'a, M, D> {
    /// The provider's data.
    pub data: &'a D,
    /// Context, schema and timeouts.
    pub op: Op<'a>,
    /// The configuration (write-only attributes are only here).
    pub config: M,
    /// The plan: fill in its unknown values.
    pub plan: M,
    /// The prior state.
    pub prior: M,
    /// Private data from planning.
    pub private: &'a PrivateState,
}

/// Input of [`TypedResource::read`] and [`TypedResource::delete`].
pub struct Read<'a, M, D> {
    /// The provider's data.
    pub data: &'a D,
    /// Context, schema and timeouts (of the state).
    pub op: Op<'a>,
    /// The current state.
    pub state: M,
    /// Private data.
    pub private: &'a PrivateState,
}

/// Input of [`TypedDataSource::read`].
pub struct DataRead<'a, M, D> {
    /// The provider's data.
    pub data: &'a D,
    /// Context and schema.
    pub op: Op<'a>,
    /// The configuration (fully known), computed attributes null.
    pub config: M,
}

/// What [`TypedResource::modify_plan`] sees and changes.
pub struct PlanChange<'a, M> {
    /// Shared provider data and cancellation.
    pub ctx: &'a Context,
    /// The configuration.
    pub config: M,
    /// The prior state (`None` on create).
    pub prior: Option<M>,
    /// The plan so far; changes are kept.
    pub plan: M,
    /// Attributes whose change replaces the resource.
    pub requires_replace: &'a mut Vec<AttributePath>,
    /// Private data planned for apply.
    pub private: &'a mut PrivateState,
}

/// Output of [`TypedResource::create`] and [`TypedResource::update`].
pub struct Applied<M> {
    state: Option<(M, bool)>,
    /// Private data to store with the state.
    pub private: PrivateState,
    /// Problems.
    pub diagnostics: Diagnostics,
}

impl<M> Applied<M> {
    /// The new state.
    pub fn set(&mut self, state: M) {
        self.state = Some((state, false));
    }

    /// What exists despite an error (e.g. an object created whose wait failed): Terraform
    /// records it, as tainted after a failed create; values still unknown become null.
    pub fn set_partial(&mut self, state: M) {
        self.state = Some((state, true));
    }
}

/// Output of [`TypedResource::read`].
pub struct Refreshed<M> {
    state: Option<M>,
    removed: bool,
    /// Private data to store with the state.
    pub private: PrivateState,
    /// Problems.
    pub diagnostics: Diagnostics,
}

impl<M> Refreshed<M> {
    /// The refreshed state.
    pub fn set(&mut self, state: M) {
        self.state = Some(state);
    }

    /// The object is gone: Terraform removes it from state and plans to create it.
    pub fn remove(&mut self) {
        self.removed = true;
    }
}

struct ResourceAdapter<R> {
    inner: R,
    schema: OnceLock<Schema>,
}

impl<R: TypedResource> ResourceAdapter<R> {
    fn schema(&self) -> &Schema {
        self.schema.get_or_init(|| self.inner.schema())
    }
}

/// Decodes `value` into a model: an error diagnostic when a wholly known value does not
/// decode; `None` without a diagnostic while parts of it are unknown (a `Vec` cannot hold an
/// unknown block list).
fn decode_known<M: DeserializeOwned>(value: &Value, what: &str, diags: &mut Diagnostics) -> Option<M> {
    match value.to_model::<M>() {
        Ok(m) => Some(m),
        Err(_) if !value.is_wholly_known() => None,
        Err(e) => {
            diags.error(format!("Invalid {what}"), format!("The provider could not decode its {what}: {e}"));
            None
        }
    }
}

fn data<'a, D: Send + Sync + 'static>(ctx: &'a Context, diags: &mut Diagnostics) -> Option<&'a D> {
    ctx.client::<D>(diags)
}

fn finish<M: Serialize>(applied: Applied<M>, resp: &mut ApplyResponse) {
    resp.private = applied.private;
    resp.diagnostics.extend(applied.diagnostics);
    if let Some((state, partial)) = applied.state {
        resp.set_state(&state);
        if partial {
            unknowns_to_null(&mut resp.state);
        }
    }
}

/// Replaces every unknown in `v` with null.
pub(crate) fn unknowns_to_null(v: &mut Value) {
    match v {
        Value::Unknown(_) => *v = Value::Null,
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => items.iter_mut().for_each(unknowns_to_null),
        Value::Map(m) | Value::Object(m) => m.values_mut().for_each(unknowns_to_null),
        _ => {}
    }
}

#[async_trait]
impl<R: TypedResource> Resource for ResourceAdapter<R> {
    fn type_name(&self) -> &str {
        self.inner.type_name()
    }

    fn schema(&self) -> Schema {
        self.schema().clone()
    }

    async fn validate(&self, req: &ValidateRequest, diags: &mut Diagnostics) {
        if let Some(config) = decode_known::<R::Model>(&req.config, "configuration", diags) {
            self.inner.validate(&config, diags).await;
        }
    }

    async fn modify_plan(&self, req: &mut ModifyPlanRequest, diags: &mut Diagnostics) {
        let Some(data) = req.ctx.provider_data::<R::Data>() else { return };
        let config = decode_known::<R::Model>(&req.config, "configuration", diags);
        let plan = decode_known::<R::Model>(&req.plan, "plan", diags);
        let prior = if req.is_create() { None } else { decode_known::<R::Model>(&req.state, "prior state", diags) };
        let (Some(config), Some(plan)) = (config, plan) else { return };
        if !req.is_create() && prior.is_none() {
            return;
        }
        let ctx = req.ctx.clone();
        let mut change = PlanChange {
            ctx: &ctx,
            config,
            prior,
            plan,
            requires_replace: &mut req.requires_replace,
            private: &mut req.private,
        };
        self.inner.modify_plan(data, &mut change, diags).await;
        let plan = change.plan;
        req.set_plan(&plan, diags);
    }

    async fn create(&self, req: CreateRequest, resp: &mut ApplyResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(data), Some(config), Some(plan)) = (
            data::<R::Data>(&req.ctx, diags),
            decode_known::<R::Model>(&req.config, "configuration", diags),
            req.plan_as::<R::Model>(diags),
        ) else {
            return;
        };
        let op = Op { ctx: &req.ctx, schema: self.schema(), raw: &req.plan };
        let mut out = Applied { state: None, private: req.private.clone(), diagnostics: Diagnostics::new() };
        self.inner.create(Create { data, op, config, plan, private: &req.private }, &mut out).await;
        finish(out, resp);
    }

    async fn read(&self, req: ReadRequest, resp: &mut ReadResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(data), Some(state)) = (data::<R::Data>(&req.ctx, diags), req.state_as::<R::Model>(diags)) else {
            return;
        };
        let op = Op { ctx: &req.ctx, schema: self.schema(), raw: &req.state };
        let mut out = Refreshed { state: None, removed: false, private: req.private.clone(), diagnostics: Diagnostics::new() };
        self.inner.read(Read { data, op, state, private: &req.private }, &mut out).await;
        resp.private = out.private;
        resp.diagnostics.extend(out.diagnostics);
        if out.removed {
            resp.remove();
        } else if let Some(state) = out.state {
            resp.set_state(&state);
        }
    }

    async fn update(&self, req: UpdateRequest, resp: &mut ApplyResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(data), Some(config), Some(plan), Some(prior)) = (
            data::<R::Data>(&req.ctx, diags),
            decode_known::<R::Model>(&req.config, "configuration", diags),
            req.plan_as::<R::Model>(diags),
            req.state_as::<R::Model>(diags),
        ) else {
            return;
        };
        let op = Op { ctx: &req.ctx, schema: self.schema(), raw: &req.plan };
        let mut out = Applied { state: None, private: req.private.clone(), diagnostics: Diagnostics::new() };
        self.inner.update(Update { data, op, config, plan, prior, private: &req.private }, &mut out).await;
        finish(out, resp);
    }

    async fn delete(&self, req: DeleteRequest, diags: &mut Diagnostics) {
        let (Some(data), Some(state)) = (data::<R::Data>(&req.ctx, diags), req.state_as::<R::Model>(diags)) else {
            return;
        };
        let op = Op { ctx: &req.ctx, schema: self.schema(), raw: &req.state };
        self.inner.delete(Read { data, op, state, private: &req.private }, diags).await;
    }

    async fn import(&self, req: ImportRequest, resp: &mut ImportResponse) {
        let ctx = req.ctx.clone();
        let Some(data) = data::<R::Data>(&ctx, &mut resp.diagnostics) else { return };
        self.inner.import(data, req, resp).await;
    }

    async fn upgrade_state(&self, req: UpgradeStateRequest, resp: &mut UpgradeStateResponse) {
        self.inner.upgrade_state(req, resp).await;
    }
}

struct DataSourceAdapter<D> {
    inner: D,
    schema: OnceLock<Schema>,
}

#[async_trait]
impl<S: TypedDataSource> DataSource for DataSourceAdapter<S> {
    fn type_name(&self) -> &str {
        self.inner.type_name()
    }

    fn schema(&self) -> Schema {
        self.schema.get_or_init(|| self.inner.schema()).clone()
    }

    async fn validate(&self, req: &ValidateRequest, diags: &mut Diagnostics) {
        if let Some(config) = decode_known::<S::Model>(&req.config, "configuration", diags) {
            self.inner.validate(&config, diags).await;
        }
    }

    async fn read(&self, req: DataSourceReadRequest, resp: &mut DataSourceReadResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(data), Some(config)) = (data::<S::Data>(&req.ctx, diags), req.config_as::<S::Model>(diags)) else {
            return;
        };
        let schema = self.schema.get_or_init(|| self.inner.schema());
        let op = Op { ctx: &req.ctx, schema, raw: &req.config };
        let mut read_diags = Diagnostics::new();
        let result = self.inner.read(DataRead { data, op, config }, &mut read_diags).await;
        resp.diagnostics.extend(read_diags);
        if let Some(model) = result {
            resp.set_state(&model);
        }
    }
}
