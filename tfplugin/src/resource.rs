//! The [`Resource`] trait (managed resources) with its requests and responses.
//!
//! Each CRUD method gets a request (configuration, plan, prior state as [`Value`]s, plus the
//! [`Context`]) and a response pre-filled the way Terraform needs it (for example
//! [`ApplyResponse::state`] starts as the plan); the method changes the response in place and
//! reports problems as diagnostics.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::diag::Diagnostics;
use crate::path::AttributePath;
use crate::provider::Context;
use crate::schema::Schema;
use crate::value::{Type, Value};

/// Encodes `model`, keeping top-level attributes of `current` that the model lacks.
pub(crate) fn merge_model<M: Serialize + ?Sized>(current: &Value, model: &M, ty: &Type) -> Result<Value, crate::ValueError> {
    let mut v = crate::value::untyped_from_model(model)?;
    if let (Value::Object(new) | Value::Map(new), Value::Object(old)) = (&mut v, current) {
        for (k, old_v) in old {
            new.entry(k.clone()).or_insert_with(|| old_v.clone());
        }
    }
    v.conform(ty)
}

pub(crate) fn decode<M: DeserializeOwned>(value: &Value, what: &str, diags: &mut Diagnostics) -> Option<M> {
    match value.to_model::<M>() {
        Ok(m) => Some(m),
        Err(e) => {
            diags.push(crate::diag::Diagnostic {
                severity: crate::diag::Severity::Error,
                summary: format!("Invalid {what}"),
                detail: format!("The provider could not decode its {what}: {e}"),
                path: None,
            });
            None
        }
    }
}

/// A managed resource (`resource "type" "name" {}`).
///
/// Only `type_name`, `schema` and the four CRUD methods are required; the framework plans
/// (defaults, unknown computed values, replacement, state-for-unknown) from the schema.
#[async_trait]
pub trait Resource: Send + Sync + 'static {
    /// The full type name, e.g. `"linode_lke_cluster"`.
    fn type_name(&self) -> &str;

    /// The schema.
    fn schema(&self) -> Schema;

    /// Extra configuration checks, after the attribute validators. Values may be unknown.
    async fn validate(&self, _req: &ValidateRequest, _diags: &mut Diagnostics) {}

    /// Custom planning after the framework's rules (e.g. matching nested items by id, or
    /// computing a value known at plan time). Not called on destroy.
    async fn modify_plan(&self, _req: &mut ModifyPlanRequest, _diags: &mut Diagnostics) {}

    /// Creates the object. `resp.state` starts as the plan: fill in its unknown values.
    async fn create(&self, req: CreateRequest, resp: &mut ApplyResponse);

    /// Refreshes the state. `resp.state` starts as the current state; call
    /// [`ReadResponse::remove`] when the object no longer exists.
    async fn read(&self, req: ReadRequest, resp: &mut ReadResponse);

    /// Updates in place. `resp.state` starts as the plan: fill in its unknown values.
    async fn update(&self, req: UpdateRequest, resp: &mut ApplyResponse);

    /// Deletes the object.
    async fn delete(&self, req: DeleteRequest, diags: &mut Diagnostics);

    /// Imports an existing object by id: set enough of `resp.state` for
    /// [`read`](Self::read) to find it (e.g. with [`ImportResponse::passthrough_id`]).
    /// The default reports that import is not supported.
    async fn import(&self, req: ImportRequest, resp: &mut ImportResponse) {
        resp.diagnostics.error(
            "Resource import not supported",
            format!("{} cannot be imported (id {:?}).", self.type_name(), req.id),
        );
    }

    /// Upgrades state stored with an older schema version to the current schema. The default
    /// reports an error.
    async fn upgrade_state(&self, req: UpgradeStateRequest, resp: &mut UpgradeStateResponse) {
        resp.diagnostics.error(
            "Unable to upgrade resource state",
            format!(
                "{} has no state upgrade from schema version {}.",
                self.type_name(),
                req.version
            ),
        );
    }
}

/// Opaque provider data stored next to the state (`private` in the protocol), as a JSON map.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PrivateState(BTreeMap<String, serde_json::Value>);

impl PrivateState {
    /// Reads `key`.
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        serde_json::from_value(self.0.get(key)?.clone()).ok()
    }

    /// Writes `key`.
    pub fn set<T: Serialize>(&mut self, key: &str, value: &T) {
        if let Ok(v) = serde_json::to_value(value) {
            self.0.insert(key.to_string(), v);
        }
    }

    /// Removes `key`.
    pub fn remove(&mut self, key: &str) {
        self.0.remove(key);
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn from_bytes(bytes: &[u8]) -> PrivateState {
        if bytes.is_empty() {
            return PrivateState::default();
        }
        serde_json::from_slice(bytes).map(PrivateState).unwrap_or_default()
    }

    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        if self.0.is_empty() { Vec::new() } else { serde_json::to_vec(&self.0).unwrap_or_default() }
    }
}

macro_rules! model_getters {
    ($t:ty { $($field:ident => $method:ident, $what:literal;)* }) => {
        impl $t {
            $(
                #[doc = concat!("Decodes the ", $what, " into a model, recording an error on failure.")]
                pub fn $method<M: DeserializeOwned>(&self, diags: &mut Diagnostics) -> Option<M> {
                    decode(&self.$field, $what, diags)
                }
            )*
        }
    };
}

/// Configuration to validate.
#[derive(Clone)]
pub struct ValidateRequest {
    /// The configuration (values may be unknown).
    pub config: Value,
}
model_getters!(ValidateRequest { config => config_as, "configuration"; });

/// Input of [`Resource::modify_plan`]: change `plan` and `requires_replace` in place.
#[derive(Clone)]
pub struct ModifyPlanRequest {
    /// Shared provider data and cancellation.
    pub ctx: Context,
    /// The configuration.
    pub config: Value,
    /// The prior state (null on create).
    pub state: Value,
    /// The plan so far (after the framework's rules).
    pub plan: Value,
    /// Attributes whose change replaces the resource.
    pub requires_replace: Vec<AttributePath>,
    /// Private data planned for apply.
    pub private: PrivateState,
    pub(crate) shape: std::sync::Arc<crate::schema::Shape>,
}
model_getters!(ModifyPlanRequest {
    config => config_as, "configuration";
    state => state_as, "prior state";
    plan => plan_as, "plan";
});

impl ModifyPlanRequest {
    /// Replaces the plan with a model (conformed to the schema; top-level attributes the model
    /// lacks keep their planned values), recording errors.
    pub fn set_plan<M: Serialize>(&mut self, model: &M, diags: &mut Diagnostics) {
        match merge_model(&self.plan, model, &self.shape.ty) {
            Ok(v) => self.plan = v,
            Err(e) => diags.push(self.shape.error(e)),
        }
    }

    /// Whether the resource is being created.
    pub fn is_create(&self) -> bool {
        self.state.is_null()
    }
}

/// Input of [`Resource::create`].
#[derive(Clone)]
pub struct CreateRequest {
    /// Shared provider data and cancellation.
    pub ctx: Context,
    /// The configuration (write-only attributes are only here).
    pub config: Value,
    /// The plan (unknown values are to be filled in).
    pub plan: Value,
    /// Private data from planning.
    pub private: PrivateState,
}
model_getters!(CreateRequest { config => config_as, "configuration"; plan => plan_as, "plan"; });

impl CreateRequest {
    /// The `create` timeout from the planned `timeouts` block, or `default`.
    pub fn timeout(&self, default: std::time::Duration) -> std::time::Duration {
        crate::timeouts::get(&self.plan, "create", default)
    }
}

/// Input of [`Resource::update`].
#[derive(Clone)]
pub struct UpdateRequest {
    /// Shared provider data and cancellation.
    pub ctx: Context,
    /// The configuration (write-only attributes are only here).
    pub config: Value,
    /// The plan.
    pub plan: Value,
    /// The prior state.
    pub state: Value,
    /// Private data from planning.
    pub private: PrivateState,
}
model_getters!(UpdateRequest {
    config => config_as, "configuration";
    plan => plan_as, "plan";
    state => state_as, "prior state";
});

impl UpdateRequest {
    /// The `update` timeout from the planned `timeouts` block, or `default`.
    pub fn timeout(&self, default: std::time::Duration) -> std::time::Duration {
        crate::timeouts::get(&self.plan, "update", default)
    }
}

/// Input of [`Resource::read`].
#[derive(Clone)]
pub struct ReadRequest {
    /// Shared provider data and cancellation.
    pub ctx: Context,
    /// The current state.
    pub state: Value,
    /// Private data.
    pub private: PrivateState,
}
model_getters!(ReadRequest { state => state_as, "state"; });

/// Input of [`Resource::delete`].
#[derive(Clone)]
pub struct DeleteRequest {
    /// Shared provider data and cancellation.
    pub ctx: Context,
    /// The state of the object to delete.
    pub state: Value,
    /// Private data.
    pub private: PrivateState,
}
model_getters!(DeleteRequest { state => state_as, "state"; });

impl DeleteRequest {
    /// The `delete` timeout from the `timeouts` block in state, or `default`.
    pub fn timeout(&self, default: std::time::Duration) -> std::time::Duration {
        crate::timeouts::get(&self.state, "delete", default)
    }
}

/// Input of [`Resource::import`].
#[derive(Clone)]
pub struct ImportRequest {
    /// Shared provider data and cancellation.
    pub ctx: Context,
    /// The id the user gave to `terraform import` or an `import` block.
    pub id: String,
}

/// Input of [`Resource::upgrade_state`].
#[derive(Clone)]
pub struct UpgradeStateRequest {
    /// Shared provider data and cancellation.
    pub ctx: Context,
    /// The schema version the state was written with.
    pub version: i64,
    /// The stored state as JSON.
    pub json: serde_json::Value,
}

/// Output of [`Resource::create`] and [`Resource::update`].
pub struct ApplyResponse {
    /// The new state; starts as the plan.
    pub state: Value,
    /// Private data to store with the state.
    pub private: PrivateState,
    /// Problems.
    pub diagnostics: Diagnostics,
    pub(crate) shape: std::sync::Arc<crate::schema::Shape>,
}

/// Output of [`Resource::read`].
pub struct ReadResponse {
    /// The refreshed state; starts as the current state. Null removes the resource.
    pub state: Value,
    /// Private data to store with the state.
    pub private: PrivateState,
    /// Problems.
    pub diagnostics: Diagnostics,
    pub(crate) shape: std::sync::Arc<crate::schema::Shape>,
}

/// Output of [`Resource::import`].
pub struct ImportResponse {
    /// The imported state; starts with every attribute null.
    pub state: Value,
    /// Private data to store with the state.
    pub private: PrivateState,
    /// Problems.
    pub diagnostics: Diagnostics,
    pub(crate) shape: std::sync::Arc<crate::schema::Shape>,
    pub(crate) id: String,
}

/// Output of [`Resource::upgrade_state`].
pub struct UpgradeStateResponse {
    /// The state in the current schema; starts with every attribute null.
    pub state: Value,
    /// Problems.
    pub diagnostics: Diagnostics,
    pub(crate) shape: std::sync::Arc<crate::schema::Shape>,
}

macro_rules! set_state {
    ($($t:ty),*) => {$(
        impl $t {
            /// Replaces the state with a model, conformed to the schema (errors become
            /// diagnostics). Top-level attributes the model does not have (for example the
            /// `timeouts` block) keep their current values.
            pub fn set_state<M: Serialize>(&mut self, model: &M) {
                match merge_model(&self.state, model, &self.shape.ty) {
                    Ok(v) => self.state = v,
                    Err(e) => self.diagnostics.push(self.shape.error(e)),
                }
            }

            /// Sets one top-level attribute of the state.
            pub fn set_attr(&mut self, name: &str, value: impl Into<Value>) {
                if let Value::Object(m) = &mut self.state {
                    m.insert(name.to_string(), value.into());
                }
            }
        }
    )*};
}
set_state!(ApplyResponse, ReadResponse, ImportResponse, UpgradeStateResponse);

impl UpgradeStateResponse {
    /// Sets the upgraded state from the stored JSON (attributes the schema no longer has are
    /// dropped, missing ones are null), recording errors.
    pub fn set_json(&mut self, json: &serde_json::Value) {
        let decoded = serde_json::to_vec(json)
            .map_err(|e| crate::ValueError::new(e.to_string()))
            .and_then(|bytes| crate::value::decode_json_lenient(&bytes, &self.shape.ty));
        match decoded {
            Ok(v) => self.state = v,
            Err(e) => self.diagnostics.push(self.shape.error(e)),
        }
    }
}

impl ReadResponse {
    /// Marks the resource as gone: Terraform removes it from state and plans to create it.
    pub fn remove(&mut self) {
        self.state = Value::Null;
    }
}

impl ImportResponse {
    /// Sets attribute `attr` (usually `"id"`) to the imported id, as the framework's
    /// `ImportStatePassthroughID` does; [`Resource::read`] fills in the rest.
    pub fn passthrough_id(&mut self, attr: &str) {
        let id = self.id.clone();
        self.set_attr(attr, id);
    }
}
