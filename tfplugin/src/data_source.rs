//! The [`DataSource`] trait (`data "type" "name" {}`).

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::diag::Diagnostics;
use crate::provider::Context;
use crate::resource::ValidateRequest;
use crate::schema::Schema;
use crate::value::Value;

/// A data source: reads something and exposes it as attributes.
#[async_trait]
pub trait DataSource: Send + Sync + 'static {
    /// The full type name, e.g. `"linode_region"`.
    fn type_name(&self) -> &str;

    /// The schema.
    fn schema(&self) -> Schema;

    /// Extra configuration checks, after the attribute validators.
    async fn validate(&self, _req: &ValidateRequest, _diags: &mut Diagnostics) {}

    /// Reads the data. `resp.state` starts as the configuration with computed attributes
    /// null; set every computed attribute.
    async fn read(&self, req: DataSourceReadRequest, resp: &mut DataSourceReadResponse);
}

/// Input of [`DataSource::read`].
#[derive(Clone)]
pub struct DataSourceReadRequest {
    /// Shared provider data and cancellation.
    pub ctx: Context,
    /// The configuration (fully known).
    pub config: Value,
}

impl DataSourceReadRequest {
    /// Decodes the configuration into a model, recording an error on failure.
    pub fn config_as<M: DeserializeOwned>(&self, diags: &mut Diagnostics) -> Option<M> {
        crate::resource::decode(&self.config, "configuration", diags)
    }
}

/// Output of [`DataSource::read`].
pub struct DataSourceReadResponse {
    /// The data source's state.
    pub state: Value,
    /// Problems.
    pub diagnostics: Diagnostics,
    pub(crate) shape: std::sync::Arc<crate::schema::Shape>,
}

impl DataSourceReadResponse {
    /// Replaces the state with a model, conformed to the schema (top-level attributes the model
    /// lacks keep their values).
    pub fn set_state<M: Serialize>(&mut self, model: &M) {
        match crate::resource::merge_model(&self.state, model, &self.shape.ty) {
            Ok(v) => self.state = v,
            Err(e) => self.diagnostics.push(self.shape.error(e)),
        }
    }
}
