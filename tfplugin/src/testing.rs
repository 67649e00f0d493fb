//! Testing support (feature `testing`).
//!
//! * [`Harness`] drives a provider through the same gRPC service code Terraform talks to
//!   (values travel as MessagePack, as from Terraform), in-process and without a Terraform
//!   binary, and checks results the way Terraform would (plan validity, apply consistency).
//! * [`terraform`] finds Terraform CLIs and runs them against a locally built provider.
//!
//! ```
//! # use std::sync::Arc;
//! # use tfplugin::{async_trait, Provider, Resource, Value};
//! # struct P;
//! # #[async_trait] impl Provider for P {
//! #     fn type_name(&self) -> &str { "x" }
//! #     fn resources(&self) -> Vec<Arc<dyn Resource>> { vec![] }
//! # }
//! # tokio_test_block(async {
//! use tfplugin::testing::Harness;
//! let h = Harness::new(P);
//! assert!(!h.configure(Value::object::<&str>([])).await.has_errors());
//! # });
//! # fn tokio_test_block(f: impl std::future::Future<Output = ()>) {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
//! # }
//! ```

pub mod fuzz;
pub mod terraform;

use std::sync::Arc;

use tonic::Request;

use crate::diag::Diagnostics;
use crate::path::AttributePath;
use crate::plan;
use crate::proto::tfplugin6 as pb;
use crate::proto::tfplugin6::provider_server::Provider as _;
use crate::provider::Provider;
use crate::schema::{BlockNesting, Schema};
use crate::server::{ProviderService, decode_dv, diags_from_pb, encode_dv, path_from_pb};
use crate::value::Value;

/// The result of planning one resource.
#[derive(Clone, Debug)]
pub struct Planned {
    /// The resource type.
    pub type_name: String,
    /// The state before the change (null on create).
    pub prior_state: Value,
    /// The (normalised) configuration.
    pub config: Value,
    /// The planned new state (null on destroy).
    pub planned_state: Value,
    /// Attributes whose change replaces the resource.
    pub requires_replace: Vec<AttributePath>,
    /// Private data planned for apply.
    pub private: Vec<u8>,
    /// Diagnostics from validation, planning and the Terraform-like plan checks.
    pub diagnostics: Diagnostics,
}

impl Planned {
    /// Whether the plan replaces the resource.
    pub fn requires_replacement(&self) -> bool {
        !self.requires_replace.is_empty()
    }

    /// Whether the plan changes anything.
    pub fn has_changes(&self) -> bool {
        self.planned_state != self.prior_state
    }
}

/// The result of applying, reading or importing: the new state and diagnostics.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The new state (null when the resource is gone).
    pub state: Value,
    /// Private data stored with the state.
    pub private: Vec<u8>,
    /// Diagnostics, including the Terraform-like consistency checks.
    pub diagnostics: Diagnostics,
}

impl Outcome {
    /// The state, panicking with the diagnostics if there are errors (handy in tests).
    #[track_caller]
    pub fn expect_ok(self) -> Value {
        assert!(!self.diagnostics.has_errors(), "unexpected errors:\n{}", self.diagnostics);
        self.state
    }
}

/// Drives a provider in-process through its gRPC service. See the [module docs](self).
pub struct Harness {
    service: ProviderService,
    capabilities: Option<pb::ClientCapabilities>,
    terraform_version: String,
}

impl Harness {
    /// A harness for `provider`, behaving like a current Terraform (write-only attributes allowed).
    pub fn new(provider: impl Provider) -> Harness {
        Harness {
            service: ProviderService::new(Arc::new(provider)),
            capabilities: Some(pb::ClientCapabilities { deferral_allowed: false, write_only_attributes_allowed: true }),
            terraform_version: "1.15.0".into(),
        }
    }

    /// Behave like an old Terraform (no client capabilities, so no write-only attributes).
    #[must_use]
    pub fn legacy_client(mut self, terraform_version: &str) -> Harness {
        self.capabilities = None;
        self.terraform_version = terraform_version.into();
        self
    }

    fn resource_schema(&self, type_name: &str) -> Schema {
        self.service
            .resource_schema(type_name)
            .cloned()
            .unwrap_or_else(|| panic!("the provider has no resource type {type_name:?}"))
    }

    /// Validates and configures the provider with `config` (missing attributes are null).
    pub async fn configure(&self, config: Value) -> Diagnostics {
        let schema = self.service.provider_schema().clone();
        let ty = schema.value_type();
        let config = match normalize(&schema, config) {
            Ok(v) => v,
            Err(d) => return d,
        };
        let dv = encode_dv(&config, &ty).expect("provider config encodes");
        let mut diags = match self
            .service
            .validate_provider_config(Request::new(pb::validate_provider_config::Request { config: Some(dv.clone()) }))
            .await
        {
            Ok(r) => diags_from_pb(&r.into_inner().diagnostics),
            Err(s) => status_diags(&s),
        };
        if diags.has_errors() {
            return diags;
        }
        match self
            .service
            .configure_provider(Request::new(pb::configure_provider::Request {
                terraform_version: self.terraform_version.clone(),
                config: Some(dv),
                client_capabilities: self.capabilities,
            }))
            .await
        {
            Ok(r) => diags.extend(diags_from_pb(&r.into_inner().diagnostics)),
            Err(s) => diags.extend(status_diags(&s)),
        }
        diags
    }

    /// Runs `ValidateResourceConfig`.
    pub async fn validate(&self, type_name: &str, config: Value) -> Diagnostics {
        let schema = self.resource_schema(type_name);
        let config = match normalize(&schema, config) {
            Ok(v) => v,
            Err(d) => return d,
        };
        self.validate_normalized(type_name, &schema, &config).await
    }

    async fn validate_normalized(&self, type_name: &str, schema: &Schema, config: &Value) -> Diagnostics {
        let dv = encode_dv(config, &schema.value_type()).expect("config encodes");
        match self
            .service
            .validate_resource_config(Request::new(pb::validate_resource_config::Request {
                type_name: type_name.into(),
                config: Some(dv),
                client_capabilities: self.capabilities,
            }))
            .await
        {
            Ok(r) => diags_from_pb(&r.into_inner().diagnostics),
            Err(s) => status_diags(&s),
        }
    }

    /// Validates and plans creating a resource from `config`.
    pub async fn plan_create(&self, type_name: &str, config: Value) -> Planned {
        self.plan(type_name, Value::Null, Vec::new(), Some(config)).await
    }

    /// Validates and plans changing `state` to match `config`.
    pub async fn plan_update(&self, type_name: &str, state: &Value, config: Value) -> Planned {
        self.plan(type_name, state.clone(), Vec::new(), Some(config)).await
    }

    /// Plans destroying `state`.
    pub async fn plan_destroy(&self, type_name: &str, state: &Value) -> Planned {
        self.plan(type_name, state.clone(), Vec::new(), None).await
    }

    async fn plan(&self, type_name: &str, prior: Value, prior_private: Vec<u8>, config: Option<Value>) -> Planned {
        let schema = self.resource_schema(type_name);
        let ty = schema.value_type();
        let mut out = Planned {
            type_name: type_name.into(),
            prior_state: prior.clone(),
            config: Value::Null,
            planned_state: Value::Null,
            requires_replace: vec![],
            private: prior_private.clone(),
            diagnostics: Diagnostics::new(),
        };
        if let Some(config) = config {
            match normalize(&schema, config) {
                Ok(c) => out.config = c,
                Err(d) => {
                    out.diagnostics = d;
                    return out;
                }
            }
            out.diagnostics = self.validate_normalized(type_name, &schema, &out.config).await;
            if out.diagnostics.has_errors() {
                return out;
            }
        }
        let proposed = proposed_new(&schema, &prior, &out.config);
        let req = pb::plan_resource_change::Request {
            type_name: type_name.into(),
            prior_state: Some(encode_dv(&prior, &ty).expect("prior state encodes")),
            proposed_new_state: Some(encode_dv(&proposed, &ty).expect("proposed state encodes")),
            config: Some(encode_dv(&out.config, &ty).expect("config encodes")),
            prior_private,
            provider_meta: None,
            client_capabilities: self.capabilities,
            prior_identity: None,
        };
        let resp = match self.service.plan_resource_change(Request::new(req)).await {
            Ok(r) => r.into_inner(),
            Err(s) => {
                out.diagnostics.extend(status_diags(&s));
                return out;
            }
        };
        out.diagnostics.extend(diags_from_pb(&resp.diagnostics));
        out.requires_replace = resp.requires_replace.iter().map(path_from_pb).collect();
        out.private = resp.planned_private;
        match decode_dv(resp.planned_state.as_ref(), &ty) {
            Ok(v) => out.planned_state = v,
            Err(e) => out.diagnostics.push(e.into()),
        }
        if !out.diagnostics.has_errors() {
            out.diagnostics.extend(plan::check_plan(&schema, &out.config, &out.planned_state));
        }
        out
    }

    /// Applies a plan, like Terraform: a replacement is destroy then create. Checks that known
    /// planned values come back unchanged.
    pub async fn apply(&self, planned: &Planned) -> Outcome {
        if planned.requires_replacement() && !planned.prior_state.is_null() && !planned.config.is_null() {
            let destroy = self.plan_destroy(&planned.type_name, &planned.prior_state).await;
            let gone = self.apply_exact(&destroy).await;
            if gone.diagnostics.has_errors() {
                return gone;
            }
            let create = self.plan(&planned.type_name, Value::Null, Vec::new(), Some(planned.config.clone())).await;
            if create.diagnostics.has_errors() {
                return Outcome { state: Value::Null, private: vec![], diagnostics: create.diagnostics };
            }
            return self.apply_exact(&create).await;
        }
        self.apply_exact(planned).await
    }

    async fn apply_exact(&self, planned: &Planned) -> Outcome {
        let schema = self.resource_schema(&planned.type_name);
        let ty = schema.value_type();
        let req = pb::apply_resource_change::Request {
            type_name: planned.type_name.clone(),
            prior_state: Some(encode_dv(&planned.prior_state, &ty).expect("prior encodes")),
            planned_state: Some(encode_dv(&planned.planned_state, &ty).expect("plan encodes")),
            config: Some(encode_dv(&planned.config, &ty).expect("config encodes")),
            planned_private: planned.private.clone(),
            provider_meta: None,
            planned_identity: None,
        };
        let resp = match self.service.apply_resource_change(Request::new(req)).await {
            Ok(r) => r.into_inner(),
            Err(s) => return Outcome { state: planned.prior_state.clone(), private: vec![], diagnostics: status_diags(&s) },
        };
        let mut diags = diags_from_pb(&resp.diagnostics);
        let state = match decode_dv(resp.new_state.as_ref(), &ty) {
            Ok(v) => v,
            Err(e) => {
                diags.push(e.into());
                Value::Null
            }
        };
        if !diags.has_errors() {
            diags.extend(plan::check_apply_result(&schema, &planned.planned_state, &state));
        }
        Outcome { state, private: resp.private, diagnostics: diags }
    }

    /// Plans and applies creating a resource.
    pub async fn create(&self, type_name: &str, config: Value) -> Outcome {
        let planned = self.plan_create(type_name, config).await;
        if planned.diagnostics.has_errors() {
            return Outcome { state: Value::Null, private: vec![], diagnostics: planned.diagnostics };
        }
        self.apply(&planned).await
    }

    /// Plans and applies changing `state` to `config` (in place or by replacement).
    pub async fn update(&self, type_name: &str, state: &Value, config: Value) -> Outcome {
        let planned = self.plan_update(type_name, state, config).await;
        if planned.diagnostics.has_errors() {
            return Outcome { state: state.clone(), private: vec![], diagnostics: planned.diagnostics };
        }
        self.apply(&planned).await
    }

    /// Plans and applies destroying `state`.
    pub async fn destroy(&self, type_name: &str, state: &Value) -> Diagnostics {
        let planned = self.plan_destroy(type_name, state).await;
        if planned.diagnostics.has_errors() {
            return planned.diagnostics;
        }
        self.apply(&planned).await.diagnostics
    }

    /// Refreshes `state` (`ReadResource`). A null result means the resource is gone.
    pub async fn read(&self, type_name: &str, state: &Value) -> Outcome {
        self.read_with_private(type_name, state, Vec::new()).await
    }

    async fn read_with_private(&self, type_name: &str, state: &Value, private: Vec<u8>) -> Outcome {
        let ty = self.resource_schema(type_name).value_type();
        let req = pb::read_resource::Request {
            type_name: type_name.into(),
            current_state: Some(encode_dv(state, &ty).expect("state encodes")),
            private,
            provider_meta: None,
            client_capabilities: self.capabilities,
            current_identity: None,
        };
        let resp = match self.service.read_resource(Request::new(req)).await {
            Ok(r) => r.into_inner(),
            Err(s) => return Outcome { state: state.clone(), private: vec![], diagnostics: status_diags(&s) },
        };
        let mut diags = diags_from_pb(&resp.diagnostics);
        let state = match decode_dv(resp.new_state.as_ref(), &ty) {
            Ok(v) => v,
            Err(e) => {
                diags.push(e.into());
                Value::Null
            }
        };
        Outcome { state, private: resp.private, diagnostics: diags }
    }

    /// Imports by id, then reads, as Terraform does.
    pub async fn import(&self, type_name: &str, id: &str) -> Outcome {
        let ty = self.resource_schema(type_name).value_type();
        let req = pb::import_resource_state::Request {
            type_name: type_name.into(),
            id: id.into(),
            client_capabilities: self.capabilities,
            identity: None,
        };
        let resp = match self.service.import_resource_state(Request::new(req)).await {
            Ok(r) => r.into_inner(),
            Err(s) => return Outcome { state: Value::Null, private: vec![], diagnostics: status_diags(&s) },
        };
        let mut diags = diags_from_pb(&resp.diagnostics);
        let Some(imported) = resp.imported_resources.into_iter().next().filter(|_| !diags.has_errors()) else {
            return Outcome { state: Value::Null, private: vec![], diagnostics: diags };
        };
        let state = match decode_dv(imported.state.as_ref(), &ty) {
            Ok(v) => v,
            Err(e) => {
                diags.push(e.into());
                return Outcome { state: Value::Null, private: vec![], diagnostics: diags };
            }
        };
        let mut read = self.read_with_private(type_name, &state, imported.private).await;
        diags.extend(read.diagnostics);
        read.diagnostics = diags;
        if read.state.is_null() && !read.diagnostics.has_errors() {
            read.diagnostics.error("Cannot import non-existent remote object", format!("{type_name} {id:?} was not found"));
        }
        read
    }

    /// Upgrades stored JSON state written with schema `version` (`UpgradeResourceState`).
    pub async fn upgrade_state(&self, type_name: &str, version: i64, json: &str) -> Outcome {
        let ty = self.resource_schema(type_name).value_type();
        let req = pb::upgrade_resource_state::Request {
            type_name: type_name.into(),
            version,
            raw_state: Some(pb::RawState { json: json.as_bytes().to_vec(), flatmap: Default::default() }),
        };
        let resp = match self.service.upgrade_resource_state(Request::new(req)).await {
            Ok(r) => r.into_inner(),
            Err(s) => return Outcome { state: Value::Null, private: vec![], diagnostics: status_diags(&s) },
        };
        let mut diags = diags_from_pb(&resp.diagnostics);
        let state = match decode_dv(resp.upgraded_state.as_ref(), &ty) {
            Ok(v) => v,
            Err(e) => {
                diags.push(e.into());
                Value::Null
            }
        };
        Outcome { state, private: vec![], diagnostics: diags }
    }

    /// Validates and reads a data source.
    pub async fn read_data_source(&self, type_name: &str, config: Value) -> Outcome {
        let schema = self
            .service
            .data_source_schema(type_name)
            .cloned()
            .unwrap_or_else(|| panic!("the provider has no data source {type_name:?}"));
        let ty = schema.value_type();
        let config = match normalize(&schema, config) {
            Ok(v) => v,
            Err(d) => return Outcome { state: Value::Null, private: vec![], diagnostics: d },
        };
        let dv = encode_dv(&config, &ty).expect("config encodes");
        let mut diags = match self
            .service
            .validate_data_resource_config(Request::new(pb::validate_data_resource_config::Request {
                type_name: type_name.into(),
                config: Some(dv.clone()),
            }))
            .await
        {
            Ok(r) => diags_from_pb(&r.into_inner().diagnostics),
            Err(s) => status_diags(&s),
        };
        if diags.has_errors() {
            return Outcome { state: Value::Null, private: vec![], diagnostics: diags };
        }
        let req = pb::read_data_source::Request {
            type_name: type_name.into(),
            config: Some(dv),
            provider_meta: None,
            client_capabilities: self.capabilities,
        };
        let resp = match self.service.read_data_source(Request::new(req)).await {
            Ok(r) => r.into_inner(),
            Err(s) => return Outcome { state: Value::Null, private: vec![], diagnostics: status_diags(&s) },
        };
        diags.extend(diags_from_pb(&resp.diagnostics));
        let state = decode_dv(resp.state.as_ref(), &ty).unwrap_or_else(|e| {
            diags.push(e.into());
            Value::Null
        });
        Outcome { state, private: vec![], diagnostics: diags }
    }

    /// Validates and opens an ephemeral resource; returns the result and the private data for
    /// [`close_ephemeral`](Self::close_ephemeral).
    pub async fn open_ephemeral(&self, type_name: &str, config: Value) -> Outcome {
        let schema = self
            .service
            .ephemeral_schema(type_name)
            .cloned()
            .unwrap_or_else(|| panic!("the provider has no ephemeral resource {type_name:?}"));
        let ty = schema.value_type();
        let config = match normalize(&schema, config) {
            Ok(v) => v,
            Err(d) => return Outcome { state: Value::Null, private: vec![], diagnostics: d },
        };
        let dv = encode_dv(&config, &ty).expect("config encodes");
        let mut diags = match self
            .service
            .validate_ephemeral_resource_config(Request::new(pb::validate_ephemeral_resource_config::Request {
                type_name: type_name.into(),
                config: Some(dv.clone()),
            }))
            .await
        {
            Ok(r) => diags_from_pb(&r.into_inner().diagnostics),
            Err(s) => status_diags(&s),
        };
        if diags.has_errors() {
            return Outcome { state: Value::Null, private: vec![], diagnostics: diags };
        }
        let req = pb::open_ephemeral_resource::Request {
            type_name: type_name.into(),
            config: Some(dv),
            client_capabilities: self.capabilities,
        };
        let resp = match self.service.open_ephemeral_resource(Request::new(req)).await {
            Ok(r) => r.into_inner(),
            Err(s) => return Outcome { state: Value::Null, private: vec![], diagnostics: status_diags(&s) },
        };
        diags.extend(diags_from_pb(&resp.diagnostics));
        let result = decode_dv(resp.result.as_ref(), &ty).unwrap_or_else(|e| {
            diags.push(e.into());
            Value::Null
        });
        Outcome { state: result, private: resp.private.unwrap_or_default(), diagnostics: diags }
    }

    /// Closes an ephemeral resource opened with [`open_ephemeral`](Self::open_ephemeral).
    pub async fn close_ephemeral(&self, type_name: &str, private: Vec<u8>) -> Diagnostics {
        let req = pb::close_ephemeral_resource::Request { type_name: type_name.into(), private: Some(private) };
        match self.service.close_ephemeral_resource(Request::new(req)).await {
            Ok(r) => diags_from_pb(&r.into_inner().diagnostics),
            Err(s) => status_diags(&s),
        }
    }

    /// Sends `StopProvider` (cancels operations in flight).
    pub async fn stop(&self) {
        let _ = self.service.stop_provider(Request::new(pb::stop_provider::Request {})).await;
    }
}

fn status_diags(s: &tonic::Status) -> Diagnostics {
    let mut d = Diagnostics::new();
    d.error("Plugin error", format!("gRPC status {:?}: {}", s.code(), s.message()));
    d
}

/// Makes a configuration look like Terraform's: every attribute present (null when unset),
/// absent list/set/map blocks empty, absent group blocks with null attributes.
pub fn normalize(schema: &Schema, config: Value) -> Result<Value, Diagnostics> {
    fn fill(schema: &Schema, v: &mut Value) {
        let Value::Object(m) = v else { return };
        for (name, block) in &schema.blocks {
            let slot = m.entry(name.clone()).or_insert(Value::Null);
            if slot.is_null() {
                *slot = match block.nesting {
                    BlockNesting::Single => Value::Null,
                    BlockNesting::Group => Value::Object(Default::default()),
                    BlockNesting::List => Value::List(vec![]),
                    BlockNesting::Set => Value::Set(vec![]),
                    BlockNesting::Map => Value::Map(Default::default()),
                };
            }
            match slot {
                Value::Object(_) => fill(&block.schema, slot),
                Value::List(items) | Value::Set(items) => items.iter_mut().for_each(|i| fill(&block.schema, i)),
                Value::Map(items) => items.values_mut().for_each(|i| fill(&block.schema, i)),
                _ => {}
            }
        }
    }
    let mut config = config;
    fill(schema, &mut config);
    config.conform(&schema.value_type()).map_err(|e| {
        let mut d = Diagnostics::new();
        d.push(e.into());
        d
    })
}

/// Terraform's proposed new state: the configuration, with prior values for computed attributes
/// the configuration leaves null.
pub fn proposed_new(schema: &Schema, prior: &Value, config: &Value) -> Value {
    if config.is_null() {
        return Value::Null;
    }
    let mut proposed = config.clone();
    if prior.is_null() {
        return proposed;
    }
    plan::walk(schema, config, prior, &mut proposed, &AttributePath::root(), &mut |attr, _path, c, p, pl| {
        if attr.computed && c.is_null() {
            *pl = p.clone();
        }
    });
    proposed
}
