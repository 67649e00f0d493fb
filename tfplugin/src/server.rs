//! The `tfplugin6.Provider` gRPC service: decodes requests, runs the framework (validation,
//! planning, consistency checks) and the provider's code, encodes responses. The testing
//! harness drives this same service in-process.

mod convert;

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, RwLock};

use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};

use crate::data_source::{DataSource, DataSourceReadRequest, DataSourceReadResponse};
use crate::diag::Diagnostics;
use crate::ephemeral::{CloseRequest, EphemeralResource, OpenRequest, OpenResponse, RenewRequest, RenewResponse};
use crate::plan;
use crate::proto::tfplugin6 as pb;
use crate::provider::{ConfigureRequest, Context, Provider, ProviderData};
use crate::resource::{
    ApplyResponse, CreateRequest, DeleteRequest, ImportRequest, ImportResponse, ModifyPlanRequest, PrivateState,
    ReadRequest, ReadResponse, Resource, UpdateRequest, UpgradeStateRequest, UpgradeStateResponse, ValidateRequest,
};
use crate::schema::{Schema, Shape};
use crate::value::{Type, Value};

#[allow(unused_imports)]
pub(crate) use convert::{decode_dv, diags_from_pb, encode_dv, path_from_pb};
use convert::{diags_to_pb, path_to_pb, schema_to_pb};


/// How long an operation may take to return after Terraform stops the provider (it sees the
/// cancellation through its context). Terraform itself waits for operations in flight after the
/// first interrupt.
const STOP_GRACE: std::time::Duration = std::time::Duration::from_secs(30);

/// A registered resource, data source or ephemeral resource. Its schema is built on first use:
/// Terraform starts the provider several times per command, and most starts touch one or two
/// types (GetProviderSchema, which needs them all, is called once per command).
struct Entry<T: ?Sized> {
    imp: Arc<T>,
    schema_of: fn(&T) -> Schema,
    built: std::sync::OnceLock<Arc<Shape>>,
}

impl<T: ?Sized> Entry<T> {
    fn new(imp: Arc<T>, schema_of: fn(&T) -> Schema) -> Entry<T> {
        Entry { imp, schema_of, built: std::sync::OnceLock::new() }
    }

    fn built(&self) -> &Arc<Shape> {
        self.built.get_or_init(|| Arc::new(Shape::new((self.schema_of)(&self.imp))))
    }

    fn schema(&self) -> &Schema {
        &self.built().schema
    }

    fn ty(&self) -> &Type {
        &self.built().ty
    }

    /// The shape the responses of an RPC about this type carry.
    fn shape(&self) -> Arc<Shape> {
        self.built().clone()
    }
}

/// The provider service. Cheap to clone.
#[derive(Clone)]
pub(crate) struct ProviderService {
    inner: Arc<Inner>,
}

struct Inner {
    provider: Arc<dyn Provider>,
    schema: Schema,
    ty: Type,
    resources: BTreeMap<String, Entry<dyn Resource>>,
    data_sources: BTreeMap<String, Entry<dyn DataSource>>,
    ephemerals: BTreeMap<String, Entry<dyn EphemeralResource>>,
    setup_diags: Diagnostics,
    provider_data: RwLock<Option<ProviderData>>,
    cancel: CancellationToken,
}

fn register<T: ?Sized>(
    items: Vec<Arc<T>>,
    name: impl Fn(&T) -> String,
    schema: fn(&T) -> Schema,
    diags: &mut Diagnostics,
) -> BTreeMap<String, Entry<T>> {
    let mut out = BTreeMap::new();
    for item in items {
        let n = name(&item);
        if out.insert(n.clone(), Entry::new(item, schema)).is_some() {
            diags.error("Duplicate type name", format!("{n} is registered twice by the provider"));
        }
    }
    out
}

impl ProviderService {
    pub(crate) fn new(provider: Arc<dyn Provider>) -> ProviderService {
        let mut setup_diags = Diagnostics::new();
        let resources =
            register(provider.resources(), |r| r.type_name().to_string(), |r| r.schema(), &mut setup_diags);
        let data_sources =
            register(provider.data_sources(), |r| r.type_name().to_string(), |r| r.schema(), &mut setup_diags);
        let ephemerals = register(
            provider.ephemeral_resources(),
            |r| r.type_name().to_string(),
            |r| r.schema(),
            &mut setup_diags,
        );
        let schema = provider.schema();
        let ty = schema.value_type();
        ProviderService {
            inner: Arc::new(Inner {
                provider,
                schema,
                ty,
                resources,
                data_sources,
                ephemerals,
                setup_diags,
                provider_data: RwLock::new(None),
                cancel: CancellationToken::new(),
            }),
        }
    }

    /// The schema of resource `name`, if registered.
    #[allow(dead_code)]
    pub(crate) fn resource_schema(&self, name: &str) -> Option<&Schema> {
        self.inner.resources.get(name).map(|e| e.schema())
    }

    /// The schema of data source `name`, if registered.
    #[allow(dead_code)]
    pub(crate) fn data_source_schema(&self, name: &str) -> Option<&Schema> {
        self.inner.data_sources.get(name).map(|e| e.schema())
    }

    /// The schema of ephemeral resource `name`, if registered.
    #[allow(dead_code)]
    pub(crate) fn ephemeral_schema(&self, name: &str) -> Option<&Schema> {
        self.inner.ephemerals.get(name).map(|e| e.schema())
    }

    /// The provider's schema.
    #[allow(dead_code)]
    pub(crate) fn provider_schema(&self) -> &Schema {
        &self.inner.schema
    }

    fn ctx(&self) -> Context {
        Context {
            provider_data: self.inner.provider_data.read().map(|d| d.clone()).unwrap_or_default(),
            cancel: self.inner.cancel.clone(),
        }
    }

    /// Runs `fut`. When Terraform stops the provider, the operation sees the cancellation through
    /// its context and gets [`STOP_GRACE`] to return on its own (so a create that already made
    /// something can still report it and nothing is orphaned); only then is it dropped. A panic in
    /// provider code becomes an error diagnostic instead of a broken connection.
    async fn cancellable<T>(&self, diags: &mut Diagnostics, fut: impl Future<Output = T>) -> Option<T> {
        use futures::FutureExt as _;
        let fut = std::panic::AssertUnwindSafe(fut).catch_unwind();
        tokio::pin!(fut);
        let out = tokio::select! {
            out = &mut fut => out,
            () = self.inner.cancel.cancelled() => {
                match tokio::time::timeout(STOP_GRACE, &mut fut).await {
                    Ok(out) => out,
                    Err(_) => {
                        diags.error(
                            "Operation cancelled",
                            "Terraform stopped the provider while the operation was running, and it did not finish in time.",
                        );
                        return None;
                    }
                }
            }
        };
        match out {
            Ok(v) => Some(v),
            Err(panic) => {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                tracing::error!(%message, "provider code panicked");
                diags.error("The provider panicked", format!("{message}\nThis is a bug in the provider."));
                None
            }
        }
    }

    fn resource(&self, name: &str, diags: &mut Diagnostics) -> Option<&Entry<dyn Resource>> {
        let found = self.inner.resources.get(name);
        if found.is_none() {
            diags.error("Unknown resource type", format!("The provider has no resource type {name:?}."));
        }
        found
    }

    /// Validators of every known attribute value, then write-only support.
    fn validate_attributes(schema: &Schema, config: &Value, write_only_allowed: bool, diags: &mut Diagnostics) {
        plan::visit(schema, config, &crate::AttributePath::root(), &mut |attr, path, value| {
            if attr.write_only && !write_only_allowed && !value.is_null() {
                diags.error_at(
                    path.clone(),
                    "Write-only attribute not supported",
                    "Write-only attributes need Terraform 1.11 or later.",
                );
            }
            if !value.is_known() {
                return;
            }
            for v in &attr.validators {
                v.validate(value, path, config, diags);
            }
        });
    }
}

/// The value of `$expr`, or its error (with any sensitive value of `$schema` hidden) as a
/// diagnostic in the response `$resp` builds.
macro_rules! decode_or_return {
    ($diags:ident, $schema:expr, $expr:expr, $resp:expr) => {
        match $expr {
            Ok(v) => v,
            Err(e) => {
                $diags.push(crate::redact::value_error($schema, e).into());
                #[allow(clippy::redundant_closure_call)]
                return Ok(Response::new($resp(&$diags)));
            }
        }
    };
}

type RpcResult<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl pb::provider_server::Provider for ProviderService {
    async fn get_metadata(&self, _: Request<pb::get_metadata::Request>) -> RpcResult<pb::get_metadata::Response> {
        let i = &self.inner;
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(capabilities()),
            diagnostics: diags_to_pb(&i.setup_diags),
            resources: i
                .resources
                .keys()
                .map(|n| pb::get_metadata::ResourceMetadata { type_name: n.clone() })
                .collect(),
            data_sources: i
                .data_sources
                .keys()
                .map(|n| pb::get_metadata::DataSourceMetadata { type_name: n.clone() })
                .collect(),
            ephemeral_resources: i
                .ephemerals
                .keys()
                .map(|n| pb::get_metadata::EphemeralMetadata { type_name: n.clone() })
                .collect(),
            ..Default::default()
        }))
    }

    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> RpcResult<pb::get_provider_schema::Response> {
        let i = &self.inner;
        Ok(Response::new(pb::get_provider_schema::Response {
            provider: Some(schema_to_pb(&i.schema)),
            resource_schemas: i.resources.iter().map(|(n, e)| (n.clone(), schema_to_pb(e.schema()))).collect(),
            data_source_schemas: i.data_sources.iter().map(|(n, e)| (n.clone(), schema_to_pb(e.schema()))).collect(),
            ephemeral_resource_schemas: i
                .ephemerals
                .iter()
                .map(|(n, e)| (n.clone(), schema_to_pb(e.schema())))
                .collect(),
            diagnostics: diags_to_pb(&i.setup_diags),
            server_capabilities: Some(capabilities()),
            ..Default::default()
        }))
    }

    async fn get_resource_identity_schemas(
        &self,
        _: Request<pb::get_resource_identity_schemas::Request>,
    ) -> RpcResult<pb::get_resource_identity_schemas::Response> {
        Ok(Response::new(Default::default()))
    }

    async fn get_functions(&self, _: Request<pb::get_functions::Request>) -> RpcResult<pb::get_functions::Response> {
        Ok(Response::new(Default::default()))
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> RpcResult<pb::validate_provider_config::Response> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let resp = |d: &Diagnostics| pb::validate_provider_config::Response { diagnostics: diags_to_pb(d) };
        let config = decode_or_return!(diags, &self.inner.schema, decode_dv(req.config.as_ref(), &self.inner.ty), resp);
        Self::validate_attributes(&self.inner.schema, &config, true, &mut diags);
        self.inner.provider.validate(&config, &mut diags).await;
        Ok(Response::new(resp(&diags)))
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> RpcResult<pb::configure_provider::Response> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let resp = |d: &Diagnostics| pb::configure_provider::Response { diagnostics: diags_to_pb(d) };
        let config = decode_or_return!(diags, &self.inner.schema, decode_dv(req.config.as_ref(), &self.inner.ty), resp);
        let caps = req.client_capabilities.unwrap_or_default();
        tracing::info!(terraform_version = %req.terraform_version, "configuring provider");
        let configure = ConfigureRequest {
            config,
            terraform_version: req.terraform_version,
            write_only_attributes_allowed: caps.write_only_attributes_allowed,
            deferral_allowed: caps.deferral_allowed,
        };
        let data = self.inner.provider.configure(configure, &mut diags).await;
        if let Ok(mut slot) = self.inner.provider_data.write() {
            *slot = data;
        }
        Ok(Response::new(resp(&diags)))
    }

    async fn stop_provider(&self, _: Request<pb::stop_provider::Request>) -> RpcResult<pb::stop_provider::Response> {
        tracing::info!("StopProvider: cancelling operations in flight");
        self.inner.cancel.cancel();
        Ok(Response::new(pb::stop_provider::Response::default()))
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> RpcResult<pb::validate_resource_config::Response> {
        let req = req.into_inner();
        tracing::debug!(rpc = "ValidateResourceConfig", type_name = %req.type_name, "request");
        let mut diags = Diagnostics::new();
        let resp = |d: &Diagnostics| pb::validate_resource_config::Response { diagnostics: diags_to_pb(d) };
        let Some(entry) = self.resource(&req.type_name, &mut diags) else {
            return Ok(Response::new(resp(&diags)));
        };
        let config = decode_or_return!(diags, entry.schema(), decode_dv(req.config.as_ref(), entry.ty()), resp);
        // Terraform before 1.11 sends no capabilities: no write-only support.
        let wo = req.client_capabilities.is_some_and(|c| c.write_only_attributes_allowed);
        Self::validate_attributes(entry.schema(), &config, wo, &mut diags);
        entry.imp.validate(&ValidateRequest { config }, &mut diags).await;
        Ok(Response::new(resp(&diags)))
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> RpcResult<pb::upgrade_resource_state::Response> {
        let req = req.into_inner();
        tracing::debug!(rpc = "UpgradeResourceState", type_name = %req.type_name, "request");
        let mut diags = Diagnostics::new();
        let resp = |d: &Diagnostics| pb::upgrade_resource_state::Response {
            upgraded_state: None,
            diagnostics: diags_to_pb(d),
        };
        let Some(entry) = self.resource(&req.type_name, &mut diags) else {
            return Ok(Response::new(resp(&diags)));
        };
        let raw = req.raw_state.unwrap_or_default();
        if raw.json.is_empty() {
            diags.error("Unable to upgrade resource state", "Only JSON state is supported (no legacy flatmap).");
            return Ok(Response::new(resp(&diags)));
        }
        let state = if req.version == entry.schema().version {
            decode_or_return!(diags, entry.schema(), crate::value::decode_json_lenient(&raw.json, entry.ty()), resp)
        } else if req.version > entry.schema().version {
            diags.error(
                "Unable to upgrade resource state",
                format!(
                    "The state was written by a newer provider (schema version {} > {}).",
                    req.version, entry.schema().version
                ),
            );
            return Ok(Response::new(resp(&diags)));
        } else {
            let json: serde_json::Value = decode_or_return!(
                diags,
                entry.schema(),
                serde_json::from_slice(&raw.json).map_err(|e| crate::ValueError::new(e.to_string())),
                resp
            );
            let mut out =
                UpgradeStateResponse {
                state: entry.schema().empty_value(),
                diagnostics: Diagnostics::new(),
                shape: entry.shape(),
            };
            let r = UpgradeStateRequest { ctx: self.ctx(), version: req.version, json };
            entry.imp.upgrade_state(r, &mut out).await;
            diags.extend(out.diagnostics);
            if diags.has_errors() {
                return Ok(Response::new(resp(&diags)));
            }
            decode_or_return!(diags, entry.schema(), out.state.conform(entry.ty()), resp)
        };
        let upgraded = decode_or_return!(diags, entry.schema(), encode_dv(&state, entry.ty()), resp);
        Ok(Response::new(pb::upgrade_resource_state::Response {
            upgraded_state: Some(upgraded),
            diagnostics: diags_to_pb(&diags),
        }))
    }

    async fn read_resource(&self, req: Request<pb::read_resource::Request>) -> RpcResult<pb::read_resource::Response> {
        let req = req.into_inner();
        tracing::debug!(rpc = "ReadResource", type_name = %req.type_name, "request");
        let mut diags = Diagnostics::new();
        let resp = |d: &Diagnostics| pb::read_resource::Response {
            new_state: req.current_state.clone(),
            diagnostics: diags_to_pb(d),
            private: req.private.clone(),
            ..Default::default()
        };
        let Some(entry) = self.resource(&req.type_name, &mut diags) else {
            return Ok(Response::new(resp(&diags)));
        };
        let state = decode_or_return!(diags, entry.schema(), decode_dv(req.current_state.as_ref(), entry.ty()), resp);
        if state.is_null() {
            return Ok(Response::new(resp(&diags)));
        }
        let private = PrivateState::from_bytes(&req.private);
        let mut out = ReadResponse {
            state: state.clone(),
            private: private.clone(),
            diagnostics: Diagnostics::new(),
            shape: entry.shape(),
        };
        let r = ReadRequest { ctx: self.ctx(), state: state.clone(), private };
        let ran = self.cancellable(&mut diags, entry.imp.read(r, &mut out)).await;
        diags.extend(out.diagnostics);
        if ran.is_none() || diags.has_errors() {
            return Ok(Response::new(resp(&diags)));
        }
        let mut new = decode_or_return!(diags, entry.schema(), out.state.conform(entry.ty()), resp);
        plan::null_write_only(entry.schema(), &mut new);
        plan::keep_semantically_equal(entry.schema(), &state, &mut new);
        if !new.is_wholly_known() {
            diags.error("Provider returned unknown values from read", "Every value must be known after read.");
            return Ok(Response::new(resp(&diags)));
        }
        let new_state = decode_or_return!(diags, entry.schema(), encode_dv(&new, entry.ty()), resp);
        Ok(Response::new(pb::read_resource::Response {
            new_state: Some(new_state),
            diagnostics: diags_to_pb(&diags),
            private: out.private.to_bytes(),
            ..Default::default()
        }))
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> RpcResult<pb::plan_resource_change::Response> {
        let req = req.into_inner();
        tracing::debug!(rpc = "PlanResourceChange", type_name = %req.type_name, "request");
        let mut diags = Diagnostics::new();
        let resp = |d: &Diagnostics| pb::plan_resource_change::Response {
            planned_state: req.proposed_new_state.clone(),
            planned_private: req.prior_private.clone(),
            diagnostics: diags_to_pb(d),
            ..Default::default()
        };
        let Some(entry) = self.resource(&req.type_name, &mut diags) else {
            return Ok(Response::new(resp(&diags)));
        };
        let prior = decode_or_return!(diags, entry.schema(), decode_dv(req.prior_state.as_ref(), entry.ty()), resp);
        let proposed = decode_or_return!(diags, entry.schema(), decode_dv(req.proposed_new_state.as_ref(), entry.ty()), resp);
        let config = decode_or_return!(diags, entry.schema(), decode_dv(req.config.as_ref(), entry.ty()), resp);
        let planned = plan::plan_resource(entry.schema(), &prior, &proposed, &config);
        diags.extend(planned.diagnostics);
        if let Some(data) = self.ctx().provider_data {
            for check in &planned.data_checks {
                let c = crate::validators::PlanCheck { value: &check.value, path: &check.path, config: &config, prior: &prior };
                check.validator.validate(&data, c, &mut diags).await;
            }
        }
        let mut planned_state = planned.planned;
        let mut requires_replace = planned.requires_replace;
        let mut private = PrivateState::from_bytes(&req.prior_private);
        if !proposed.is_null() {
            let mut m = ModifyPlanRequest {
                ctx: self.ctx(),
                config,
                state: prior,
                plan: planned_state,
                requires_replace,
                private,
                shape: entry.shape(),
            };
            entry.imp.modify_plan(&mut m, &mut diags).await;
            planned_state = decode_or_return!(diags, entry.schema(), m.plan.conform(entry.ty()), resp);
            requires_replace = m.requires_replace;
            private = m.private;
        }
        let encoded = decode_or_return!(diags, entry.schema(), encode_dv(&planned_state, entry.ty()), resp);
        Ok(Response::new(pb::plan_resource_change::Response {
            planned_state: Some(encoded),
            requires_replace: requires_replace.iter().map(path_to_pb).collect(),
            planned_private: private.to_bytes(),
            diagnostics: diags_to_pb(&diags),
            ..Default::default()
        }))
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> RpcResult<pb::apply_resource_change::Response> {
        let req = req.into_inner();
        tracing::debug!(rpc = "ApplyResourceChange", type_name = %req.type_name, "request");
        let mut diags = Diagnostics::new();
        // On failure before the provider ran, keep the prior state.
        let resp = |d: &Diagnostics| pb::apply_resource_change::Response {
            new_state: req.prior_state.clone(),
            private: req.planned_private.clone(),
            diagnostics: diags_to_pb(d),
            ..Default::default()
        };
        let Some(entry) = self.resource(&req.type_name, &mut diags) else {
            return Ok(Response::new(resp(&diags)));
        };
        let prior = decode_or_return!(diags, entry.schema(), decode_dv(req.prior_state.as_ref(), entry.ty()), resp);
        let planned = decode_or_return!(diags, entry.schema(), decode_dv(req.planned_state.as_ref(), entry.ty()), resp);
        let config = decode_or_return!(diags, entry.schema(), decode_dv(req.config.as_ref(), entry.ty()), resp);
        let private = PrivateState::from_bytes(&req.planned_private);
        let ctx = self.ctx();

        if planned.is_null() {
            let r = DeleteRequest { ctx, state: prior, private };
            let mut del = Diagnostics::new();
            let ran = self.cancellable(&mut diags, entry.imp.delete(r, &mut del)).await;
            diags.extend(del);
            if ran.is_none() || diags.has_errors() {
                return Ok(Response::new(resp(&diags)));
            }
            return Ok(Response::new(pb::apply_resource_change::Response {
                new_state: Some(decode_or_return!(diags, entry.schema(), encode_dv(&Value::Null, entry.ty()), resp)),
                diagnostics: diags_to_pb(&diags),
                ..Default::default()
            }));
        }

        let creating = prior.is_null();
        let mut out = ApplyResponse {
            state: planned.clone(),
            private: private.clone(),
            diagnostics: Diagnostics::new(),
            shape: entry.shape(),
        };
        let ran = if creating {
            let r = CreateRequest { ctx, config: config.clone(), plan: planned.clone(), private };
            self.cancellable(&mut diags, entry.imp.create(r, &mut out)).await
        } else {
            let r = UpdateRequest { ctx, config: config.clone(), plan: planned.clone(), state: prior.clone(), private };
            self.cancellable(&mut diags, entry.imp.update(r, &mut out)).await
        };
        diags.extend(out.diagnostics);
        let mut new = match out.state.conform(entry.ty()) {
            Ok(v) => v,
            Err(e) => {
                diags.push(crate::redact::value_error(entry.schema(), e).into());
                Value::Null
            }
        };
        if ran.is_none() || diags.has_errors() {
            // Keep what exists: a partial object only if it is fully known.
            if !new.is_wholly_known() || ran.is_none() {
                new = prior;
            }
        } else {
            plan::keep_semantically_equal(entry.schema(), &planned, &mut new);
            for path in plan::restore_configured(entry.schema(), &config, &planned, &mut new) {
                tracing::info!(%path, "provider returned a value different from the plan; keeping the planned value");
            }
            let check = plan::check_apply_result(entry.schema(), &planned, &new);
            if check.has_errors() {
                diags.extend(check);
                new = if creating { Value::Null } else { prior };
            }
        }
        plan::null_write_only(entry.schema(), &mut new);
        let new_state = decode_or_return!(diags, entry.schema(), encode_dv(&new, entry.ty()), resp);
        Ok(Response::new(pb::apply_resource_change::Response {
            new_state: Some(new_state),
            private: out.private.to_bytes(),
            diagnostics: diags_to_pb(&diags),
            ..Default::default()
        }))
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> RpcResult<pb::import_resource_state::Response> {
        let req = req.into_inner();
        tracing::debug!(rpc = "ImportResourceState", type_name = %req.type_name, "request");
        let mut diags = Diagnostics::new();
        let resp = |d: &Diagnostics| pb::import_resource_state::Response {
            diagnostics: diags_to_pb(d),
            ..Default::default()
        };
        let Some(entry) = self.resource(&req.type_name, &mut diags) else {
            return Ok(Response::new(resp(&diags)));
        };
        let mut out = ImportResponse {
            state: entry.schema().empty_value(),
            private: PrivateState::default(),
            diagnostics: Diagnostics::new(),
            shape: entry.shape(),
            id: req.id.clone(),
        };
        let r = ImportRequest { ctx: self.ctx(), id: req.id.clone() };
        let ran = self.cancellable(&mut diags, entry.imp.import(r, &mut out)).await;
        diags.extend(out.diagnostics);
        if ran.is_none() || diags.has_errors() {
            return Ok(Response::new(resp(&diags)));
        }
        let state = decode_or_return!(diags, entry.schema(), out.state.conform(entry.ty()), resp);
        if state.is_null() {
            diags.error("Import returned no state", "The resource's import produced a null state.");
            return Ok(Response::new(resp(&diags)));
        }
        let encoded = decode_or_return!(diags, entry.schema(), encode_dv(&state, entry.ty()), resp);
        Ok(Response::new(pb::import_resource_state::Response {
            imported_resources: vec![pb::import_resource_state::ImportedResource {
                type_name: req.type_name.clone(),
                state: Some(encoded),
                private: out.private.to_bytes(),
                identity: None,
            }],
            diagnostics: diags_to_pb(&diags),
            deferred: None,
        }))
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> RpcResult<pb::validate_data_resource_config::Response> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let resp = |d: &Diagnostics| pb::validate_data_resource_config::Response { diagnostics: diags_to_pb(d) };
        let Some(entry) = self.inner.data_sources.get(&req.type_name) else {
            diags.error("Unknown data source", format!("The provider has no data source {:?}.", req.type_name));
            return Ok(Response::new(resp(&diags)));
        };
        let config = decode_or_return!(diags, entry.schema(), decode_dv(req.config.as_ref(), entry.ty()), resp);
        Self::validate_attributes(entry.schema(), &config, true, &mut diags);
        entry.imp.validate(&ValidateRequest { config }, &mut diags).await;
        Ok(Response::new(resp(&diags)))
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> RpcResult<pb::read_data_source::Response> {
        let req = req.into_inner();
        tracing::debug!(rpc = "ReadDataSource", type_name = %req.type_name, "request");
        let mut diags = Diagnostics::new();
        let resp = |d: &Diagnostics| pb::read_data_source::Response {
            diagnostics: diags_to_pb(d),
            ..Default::default()
        };
        let Some(entry) = self.inner.data_sources.get(&req.type_name) else {
            diags.error("Unknown data source", format!("The provider has no data source {:?}.", req.type_name));
            return Ok(Response::new(resp(&diags)));
        };
        let config = decode_or_return!(diags, entry.schema(), decode_dv(req.config.as_ref(), entry.ty()), resp);
        let mut out =
            DataSourceReadResponse { state: config.clone(), diagnostics: Diagnostics::new(), shape: entry.shape() };
        let r = DataSourceReadRequest { ctx: self.ctx(), config };
        let ran = self.cancellable(&mut diags, entry.imp.read(r, &mut out)).await;
        diags.extend(out.diagnostics);
        if ran.is_none() || diags.has_errors() {
            return Ok(Response::new(resp(&diags)));
        }
        let state = decode_or_return!(diags, entry.schema(), out.state.conform(entry.ty()), resp);
        if !state.is_wholly_known() {
            diags.error("Data source returned unknown values", "Every value must be known after read.");
            return Ok(Response::new(resp(&diags)));
        }
        let encoded = decode_or_return!(diags, entry.schema(), encode_dv(&state, entry.ty()), resp);
        Ok(Response::new(pb::read_data_source::Response {
            state: Some(encoded),
            diagnostics: diags_to_pb(&diags),
            deferred: None,
        }))
    }

    async fn validate_ephemeral_resource_config(
        &self,
        req: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> RpcResult<pb::validate_ephemeral_resource_config::Response> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let resp =
            |d: &Diagnostics| pb::validate_ephemeral_resource_config::Response { diagnostics: diags_to_pb(d) };
        let Some(entry) = self.inner.ephemerals.get(&req.type_name) else {
            diags.error("Unknown ephemeral resource", format!("No ephemeral resource {:?}.", req.type_name));
            return Ok(Response::new(resp(&diags)));
        };
        let config = decode_or_return!(diags, entry.schema(), decode_dv(req.config.as_ref(), entry.ty()), resp);
        Self::validate_attributes(entry.schema(), &config, true, &mut diags);
        entry.imp.validate(&ValidateRequest { config }, &mut diags).await;
        Ok(Response::new(resp(&diags)))
    }

    async fn open_ephemeral_resource(
        &self,
        req: Request<pb::open_ephemeral_resource::Request>,
    ) -> RpcResult<pb::open_ephemeral_resource::Response> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let resp = |d: &Diagnostics| pb::open_ephemeral_resource::Response {
            diagnostics: diags_to_pb(d),
            ..Default::default()
        };
        let Some(entry) = self.inner.ephemerals.get(&req.type_name) else {
            diags.error("Unknown ephemeral resource", format!("No ephemeral resource {:?}.", req.type_name));
            return Ok(Response::new(resp(&diags)));
        };
        let config = decode_or_return!(diags, entry.schema(), decode_dv(req.config.as_ref(), entry.ty()), resp);
        let mut out = OpenResponse {
            result: config.clone(),
            private: PrivateState::default(),
            renew_at: None,
            diagnostics: Diagnostics::new(),
            shape: entry.shape(),
        };
        let r = OpenRequest { ctx: self.ctx(), config };
        let ran = self.cancellable(&mut diags, entry.imp.open(r, &mut out)).await;
        diags.extend(out.diagnostics);
        if ran.is_none() || diags.has_errors() {
            return Ok(Response::new(resp(&diags)));
        }
        let result = decode_or_return!(diags, entry.schema(), out.result.conform(entry.ty()), resp);
        let encoded = decode_or_return!(diags, entry.schema(), encode_dv(&result, entry.ty()), resp);
        Ok(Response::new(pb::open_ephemeral_resource::Response {
            diagnostics: diags_to_pb(&diags),
            renew_at: out.renew_at.map(prost_types::Timestamp::from),
            result: Some(encoded),
            private: Some(out.private.to_bytes()),
            deferred: None,
        }))
    }

    async fn renew_ephemeral_resource(
        &self,
        req: Request<pb::renew_ephemeral_resource::Request>,
    ) -> RpcResult<pb::renew_ephemeral_resource::Response> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let Some(entry) = self.inner.ephemerals.get(&req.type_name) else {
            diags.error("Unknown ephemeral resource", format!("No ephemeral resource {:?}.", req.type_name));
            return Ok(Response::new(pb::renew_ephemeral_resource::Response {
                diagnostics: diags_to_pb(&diags),
                ..Default::default()
            }));
        };
        let private = PrivateState::from_bytes(req.private.as_deref().unwrap_or_default());
        let mut out = RenewResponse { private: private.clone(), ..Default::default() };
        entry.imp.renew(RenewRequest { ctx: self.ctx(), private }, &mut out).await;
        diags.extend(out.diagnostics);
        Ok(Response::new(pb::renew_ephemeral_resource::Response {
            diagnostics: diags_to_pb(&diags),
            renew_at: out.renew_at.map(prost_types::Timestamp::from),
            private: Some(out.private.to_bytes()),
        }))
    }

    async fn close_ephemeral_resource(
        &self,
        req: Request<pb::close_ephemeral_resource::Request>,
    ) -> RpcResult<pb::close_ephemeral_resource::Response> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        match self.inner.ephemerals.get(&req.type_name) {
            Some(entry) => {
                let private = PrivateState::from_bytes(req.private.as_deref().unwrap_or_default());
                entry.imp.close(CloseRequest { ctx: self.ctx(), private }, &mut diags).await;
            }
            None => diags.error("Unknown ephemeral resource", format!("No ephemeral resource {:?}.", req.type_name)),
        }
        Ok(Response::new(pb::close_ephemeral_resource::Response { diagnostics: diags_to_pb(&diags) }))
    }
}

fn capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: true,
        get_provider_schema_optional: true,
        move_resource_state: false,
        generate_resource_config: false,
    }
}
