//! The [`EphemeralResource`] trait (Terraform 1.10+): values that are never stored in plan or
//! state, such as short-lived credentials.

use std::time::SystemTime;

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::diag::Diagnostics;
use crate::provider::Context;
use crate::resource::{PrivateState, ValidateRequest};
use crate::schema::Schema;
use crate::value::Value;

/// An ephemeral resource (`ephemeral "type" "name" {}`): opened during a run, optionally
/// renewed, and closed at the end. Older Terraform (< 1.10) never calls it.
#[async_trait]
pub trait EphemeralResource: Send + Sync + 'static {
    /// The full type name.
    fn type_name(&self) -> &str;

    /// The schema.
    fn schema(&self) -> Schema;

    /// Extra configuration checks, after the attribute validators.
    async fn validate(&self, _req: &ValidateRequest, _diags: &mut Diagnostics) {}

    /// Opens the resource. `resp.result` starts as the configuration.
    async fn open(&self, req: OpenRequest, resp: &mut OpenResponse);

    /// Renews it before `renew_at` (default: nothing to do).
    async fn renew(&self, _req: RenewRequest, _resp: &mut RenewResponse) {}

    /// Closes it (default: nothing to do).
    async fn close(&self, _req: CloseRequest, _diags: &mut Diagnostics) {}
}

/// Input of [`EphemeralResource::open`].
#[derive(Clone)]
pub struct OpenRequest {
    /// Shared provider data and cancellation.
    pub ctx: Context,
    /// The configuration.
    pub config: Value,
}

impl OpenRequest {
    /// Decodes the configuration into a model, recording an error on failure.
    pub fn config_as<M: DeserializeOwned>(&self, diags: &mut Diagnostics) -> Option<M> {
        crate::resource::decode(&self.config, "configuration", diags)
    }
}

/// Output of [`EphemeralResource::open`].
pub struct OpenResponse {
    /// The result object.
    pub result: Value,
    /// Data handed to renew and close.
    pub private: PrivateState,
    /// When Terraform should call renew, if ever.
    pub renew_at: Option<SystemTime>,
    /// Problems.
    pub diagnostics: Diagnostics,
    pub(crate) shape: std::sync::Arc<crate::schema::Shape>,
}

impl OpenResponse {
    /// Replaces the result with a model, conformed to the schema (top-level attributes the model
    /// lacks keep their values).
    pub fn set_result<M: Serialize>(&mut self, model: &M) {
        match crate::resource::merge_model(&self.result, model, &self.shape.ty) {
            Ok(v) => self.result = v,
            Err(e) => self.diagnostics.push(self.shape.error(e)),
        }
    }
}

/// Input of [`EphemeralResource::renew`].
#[derive(Clone)]
pub struct RenewRequest {
    /// Shared provider data and cancellation.
    pub ctx: Context,
    /// Data from open or the previous renew.
    pub private: PrivateState,
}

/// Output of [`EphemeralResource::renew`].
#[derive(Default)]
pub struct RenewResponse {
    /// Data for the next renew or close.
    pub private: PrivateState,
    /// When to renew next, if ever.
    pub renew_at: Option<SystemTime>,
    /// Problems.
    pub diagnostics: Diagnostics,
}

/// Input of [`EphemeralResource::close`].
#[derive(Clone)]
pub struct CloseRequest {
    /// Shared provider data and cancellation.
    pub ctx: Context,
    /// Data from open or the last renew.
    pub private: PrivateState,
}
