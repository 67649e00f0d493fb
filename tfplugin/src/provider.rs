//! The [`Provider`] trait, the per-request [`Context`], and provider configuration.

use std::any::Any;
use std::sync::Arc;

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use crate::data_source::DataSource;
use crate::diag::Diagnostics;
use crate::ephemeral::EphemeralResource;
use crate::resource::Resource;
use crate::schema::Schema;
use crate::value::Value;

/// Whatever [`Provider::configure`] builds for resources to share (typically an API client).
pub type ProviderData = Arc<dyn Any + Send + Sync>;

/// A Terraform provider: its configuration schema and the resources it offers.
///
/// ```
/// use std::sync::Arc;
/// use tfplugin::{async_trait, ConfigureRequest, Diagnostics, Provider, ProviderData, Resource};
/// use tfplugin::schema::{Attribute, Schema};
///
/// struct ApiClient { token: String }
/// struct MyProvider;
///
/// #[async_trait]
/// impl Provider for MyProvider {
///     fn type_name(&self) -> &str { "example" }
///     fn schema(&self) -> Schema {
///         Schema::new().attr("token", Attribute::string().optional().sensitive())
///     }
///     async fn configure(&self, req: ConfigureRequest, _diags: &mut Diagnostics) -> Option<ProviderData> {
///         let token = req.config.get("token").and_then(|v| v.as_str()).unwrap_or("").to_string();
///         Some(Arc::new(ApiClient { token }))
///     }
///     fn resources(&self) -> Vec<Arc<dyn Resource>> { vec![] }
/// }
/// ```
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// The provider's type name, e.g. `"linode"` (the prefix of its resource type names).
    fn type_name(&self) -> &str;

    /// The `provider` block's schema (empty by default).
    fn schema(&self) -> Schema {
        Schema::new()
    }

    /// Extra checks on the provider configuration (attribute validators run first).
    async fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Configures the provider; the returned data reaches every resource through
    /// [`Context::provider_data`]. The default configures nothing.
    async fn configure(&self, _req: ConfigureRequest, _diags: &mut Diagnostics) -> Option<ProviderData> {
        None
    }

    /// The managed resources.
    fn resources(&self) -> Vec<Arc<dyn Resource>>;

    /// The data sources (none by default).
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }

    /// The ephemeral resources, Terraform 1.10+ (none by default).
    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource>> {
        Vec::new()
    }
}

/// The provider configuration and what Terraform tells about itself.
#[derive(Clone, Debug)]
pub struct ConfigureRequest {
    /// The `provider` block (may contain unknown values when it depends on other resources).
    pub config: Value,
    /// Terraform's version, e.g. `"1.11.4"`.
    pub terraform_version: String,
    /// Whether Terraform supports write-only attributes (1.11+).
    pub write_only_attributes_allowed: bool,
    /// Whether Terraform accepts deferred actions.
    pub deferral_allowed: bool,
}

impl ConfigureRequest {
    /// Decodes the configuration into a model, recording an error on failure.
    pub fn config_as<M: serde::de::DeserializeOwned>(&self, diags: &mut Diagnostics) -> Option<M> {
        crate::resource::decode(&self.config, "provider configuration", diags)
    }
}

/// What every request carries: the configured provider data and the cancellation signal.
#[derive(Clone, Default)]
pub struct Context {
    pub(crate) provider_data: Option<ProviderData>,
    pub(crate) cancel: CancellationToken,
}

impl Context {
    /// A context with the given provider data (mostly for tests).
    pub fn new(provider_data: Option<ProviderData>) -> Context {
        Context { provider_data, cancel: CancellationToken::new() }
    }

    /// The data built by [`Provider::configure`], if it is a `T`.
    pub fn provider_data<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.provider_data.as_ref()?.downcast_ref::<T>()
    }

    /// Like [`provider_data`](Self::provider_data), recording an "unconfigured provider" error
    /// when it is missing.
    pub fn client<T: Any + Send + Sync>(&self, diags: &mut Diagnostics) -> Option<&T> {
        let found = self.provider_data::<T>();
        if found.is_none() {
            diags.error(
                "Unconfigured provider",
                "The provider has not been configured (or its configuration is not known yet). \
                 This is a bug in the provider if it persists.",
            );
        }
        found
    }

    /// Signalled when Terraform stops the provider (e.g. on Ctrl-C). The framework also drops
    /// an operation that is still running when it fires.
    pub fn cancellation(&self) -> &CancellationToken {
        &self.cancel
    }

    /// Whether Terraform asked the provider to stop.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }
}
