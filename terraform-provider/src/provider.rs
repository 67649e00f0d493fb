//! The `provider "linode"` block: its schema (the official provider's arguments and environment
//! variables), configuration into a shared [`LinodeState`], and the registry of resources.

use std::sync::Arc;
use std::time::Duration;

use linode_sdk::{ApiVersion, Client, RetryPolicy};
use serde::Deserialize;
use tfplugin::schema::{Attribute, Schema};
use tfplugin::{
    ConfigureRequest, DataSource, Diagnostics, EphemeralResource, Provider, ProviderData, Resource,
    async_trait, validators,
};

use crate::regions::Catalog;
use crate::common::ListCache;

/// The Linode provider.
#[derive(Default)]
pub struct LinodeProvider {
    lookup_env: Option<fn(&str) -> Option<String>>,
}

impl LinodeProvider {
    /// The provider, reading `LINODE_*` environment variables for unset arguments.
    pub fn new() -> LinodeProvider {
        LinodeProvider::default()
    }

    /// The provider with a custom environment lookup (tests use it to stay independent of the
    /// process environment).
    pub fn with_env(lookup: fn(&str) -> Option<String>) -> LinodeProvider {
        LinodeProvider { lookup_env: Some(lookup) }
    }

    fn env(&self, key: &str) -> Option<String> {
        match self.lookup_env {
            Some(lookup) => lookup(key),
            None => std::env::var(key).ok(),
        }
        .filter(|v| !v.is_empty())
    }
}

/// Settings for the S3 side of Object Storage.
#[derive(Clone, Default)]
pub struct ObjectStorageSettings {
    /// `obj_access_key` / `LINODE_OBJ_ACCESS_KEY`.
    pub access_key: Option<String>,
    /// `obj_secret_key` / `LINODE_OBJ_SECRET_KEY`.
    pub secret_key: Option<String>,
    /// `obj_use_temp_keys`: mint a short-lived key limited to the bucket for each S3 operation.
    pub use_temp_keys: bool,
    /// `obj_bucket_force_delete`: empty a bucket (all objects and versions) before deleting it.
    pub bucket_force_delete: bool,
}

impl std::fmt::Debug for ObjectStorageSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObjectStorageSettings")
            .field("access_key", &self.access_key)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "<redacted>"))
            .field("use_temp_keys", &self.use_temp_keys)
            .field("bucket_force_delete", &self.bucket_force_delete)
            .finish()
    }
}

/// Polling intervals for waits.
#[derive(Clone, Debug)]
pub struct Polling {
    /// `event_poll_ms`: general status polling.
    pub event_poll: Duration,
    /// `lke_node_ready_poll_ms`: node readiness polling for LKE pools.
    pub lke_node_ready_poll: Duration,
    /// `skip_lke_cluster_delete_poll`: return from a cluster delete without waiting.
    pub skip_lke_cluster_delete_poll: bool,
}

/// Everything resources share after `configure`: the API client, settings, and per-process
/// caches that let one refresh serve many reads from one paginated listing.
pub struct LinodeState {
    /// The Linode API client (cheap to clone).
    pub client: Client,
    /// Object Storage (S3) settings.
    pub object_storage: ObjectStorageSettings,
    /// Polling intervals.
    pub polling: Polling,
    /// Regions and Linode types, fetched once per process, for plan-time validation.
    pub catalog: Catalog,
    /// Records of each domain, keyed by domain id.
    pub domain_records: ListCache<linode_sdk::models::domains::DomainRecord>,
    /// Node pools of each LKE cluster, keyed by cluster id.
    pub lke_pools: ListCache<linode_sdk::models::lke::NodePool>,
    /// Configs of each NodeBalancer, keyed by NodeBalancer id.
    pub nodebalancer_configs: ListCache<linode_sdk::models::nodebalancers::NodeBalancerConfig>,
    /// Nodes of each NodeBalancer config, keyed by `"<nodebalancer_id>,<config_id>"`.
    pub nodebalancer_nodes: ListCache<linode_sdk::models::nodebalancers::NodeBalancerNode>,
    /// The Terraform version that configured the provider.
    pub terraform_version: String,
    /// Whether this Terraform supports write-only attributes (1.11+).
    pub write_only_attributes_allowed: bool,
}

impl LinodeState {
    /// State around a client, with default settings (for tests and tools).
    pub fn new(client: Client) -> LinodeState {
        LinodeState {
            client,
            object_storage: ObjectStorageSettings::default(),
            polling: Polling {
                event_poll: Duration::from_millis(DEFAULT_EVENT_POLL_MS),
                lke_node_ready_poll: Duration::from_millis(DEFAULT_LKE_NODE_READY_POLL_MS),
                skip_lke_cluster_delete_poll: false,
            },
            catalog: Catalog::default(),
            domain_records: ListCache::default(),
            lke_pools: ListCache::default(),
            nodebalancer_configs: ListCache::default(),
            nodebalancer_nodes: ListCache::default(),
            terraform_version: String::new(),
            write_only_attributes_allowed: false,
        }
    }
}

const DEFAULT_EVENT_POLL_MS: u64 = 4000;
const DEFAULT_LKE_NODE_READY_POLL_MS: u64 = 3000;

/// The provider block as configured (unset arguments are `None`).
#[derive(Deserialize, Default)]
struct ProviderConfig {
    token: Option<String>,
    url: Option<String>,
    api_version: Option<String>,
    api_ca_path: Option<String>,
    ua_prefix: Option<String>,
    min_retry_delay_ms: Option<i64>,
    max_retry_delay_ms: Option<i64>,
    event_poll_ms: Option<i64>,
    lke_node_ready_poll_ms: Option<i64>,
    skip_lke_cluster_delete_poll: Option<bool>,
    obj_access_key: Option<String>,
    obj_secret_key: Option<String>,
    obj_use_temp_keys: Option<bool>,
    obj_bucket_force_delete: Option<bool>,
}

#[async_trait]
impl Provider for LinodeProvider {
    fn type_name(&self) -> &str {
        "linode"
    }

    fn schema(&self) -> Schema {
        let string = |text: &str| Attribute::string().optional().description(text);
        let boolean = |text: &str| Attribute::bool().optional().description(text);
        let millis = |text: &str| {
            Attribute::number().optional().description(text).validate(validators::between(0.0, 3_600_000.0))
        };
        Schema::new()
            .description("The Linode provider: LKE, NodeBalancers, DNS and Object Storage.")
            .attr(
                "token",
                string("The Linode API token. Defaults to the LINODE_TOKEN environment variable.").sensitive(),
            )
            .attr("config_path", string("Accepted for compatibility with linode/linode; unused."))
            .attr("config_profile", string("Accepted for compatibility with linode/linode; unused."))
            .attr(
                "url",
                string("The Linode API URL. Defaults to LINODE_URL, then https://api.linode.com."),
            )
            .attr(
                "api_version",
                string("The API version, v4 or v4beta. Defaults to LINODE_API_VERSION, then v4.")
                    .validate(validators::one_of(&["v4", "v4beta"])),
            )
            .attr("api_ca_path", string("A CA certificate (PEM file) to trust. Defaults to LINODE_CA."))
            .attr("ua_prefix", string("A prefix for the User-Agent header. Defaults to LINODE_UA_PREFIX."))
            .attr("skip_instance_ready_poll", boolean("Accepted for compatibility with linode/linode; unused."))
            .attr("skip_instance_delete_poll", boolean("Accepted for compatibility with linode/linode; unused."))
            .attr(
                "skip_lke_cluster_delete_poll",
                boolean("Return from an LKE cluster delete without waiting for it to finish."),
            )
            .attr("skip_implicit_reboots", boolean("Accepted for compatibility with linode/linode; unused."))
            .attr("disable_internal_cache", boolean("Accepted for compatibility with linode/linode; unused."))
            .attr("min_retry_delay_ms", millis("Shortest wait between retries of a failed API request."))
            .attr("max_retry_delay_ms", millis("Longest wait between retries of a failed API request."))
            .attr("event_poll_ms", millis("Interval between status polls while waiting. Defaults to LINODE_EVENT_POLL_MS, then 4000."))
            .attr("lke_event_poll_ms", millis("Accepted for compatibility with linode/linode; unused."))
            .attr("lke_node_ready_poll_ms", millis("Interval between polls while waiting for LKE nodes to be ready (default 3000)."))
            .attr(
                "obj_access_key",
                string("Object Storage access key for S3 operations. Defaults to LINODE_OBJ_ACCESS_KEY."),
            )
            .attr(
                "obj_secret_key",
                string("Object Storage secret key for S3 operations. Defaults to LINODE_OBJ_SECRET_KEY.")
                    .sensitive(),
            )
            .attr(
                "obj_use_temp_keys",
                boolean("Create a temporary key limited to the bucket for each S3 operation, and revoke it after."),
            )
            .attr(
                "obj_bucket_force_delete",
                boolean("Delete every object and version of a bucket before deleting the bucket."),
            )
    }

    async fn configure(&self, req: ConfigureRequest, diags: &mut Diagnostics) -> Option<ProviderData> {
        let config: ProviderConfig = req.config_as(diags)?;
        let Some(token) = config.token.clone().or_else(|| self.env("LINODE_TOKEN")) else {
            diags.error_at(
                "token",
                "Missing Linode API token",
                "Set the LINODE_TOKEN environment variable or the provider's `token` argument. \
                 Create a token at https://cloud.linode.com/profile/tokens.",
            );
            return None;
        };
        let mut builder = Client::builder().token(token);
        if let Some(url) = config.url.clone().or_else(|| self.env("LINODE_URL")) {
            builder = builder.base_url(url);
        }
        match config.api_version.clone().or_else(|| self.env("LINODE_API_VERSION")).as_deref() {
            None | Some("v4") => {}
            Some("v4beta") => builder = builder.api_version(ApiVersion::V4Beta),
            Some(other) => {
                diags.error_at(
                    "api_version",
                    "Invalid API version",
                    format!("api_version must be v4 or v4beta, not {other:?}."),
                );
                return None;
            }
        }
        if let Some(ca) = config.api_ca_path.clone().or_else(|| self.env("LINODE_CA")) {
            builder = builder.ca_cert_file(ca);
        }
        builder = builder.user_agent_prefix(user_agent_prefix(
            config.ua_prefix.clone().or_else(|| self.env("LINODE_UA_PREFIX")),
            &req.terraform_version,
        ));
        let mut retry = RetryPolicy::default();
        if let Some(ms) = config.min_retry_delay_ms.filter(|ms| *ms > 0) {
            retry = retry.with_min_delay(Duration::from_millis(ms as u64));
        }
        if let Some(ms) = config.max_retry_delay_ms.filter(|ms| *ms > 0) {
            retry = retry.with_max_delay(Duration::from_millis(ms as u64));
        }
        let client = match builder.retry_policy(retry).build() {
            Ok(client) => client,
            Err(e) => {
                diags.error("Invalid Linode provider configuration", e.to_string());
                return None;
            }
        };
        let millis_or = |v: Option<i64>, env: &str, default: u64| {
            v.filter(|ms| *ms > 0)
                .map(|ms| ms as u64)
                .or_else(|| self.env(env).and_then(|s| s.parse().ok()))
                .map(Duration::from_millis)
                .unwrap_or(Duration::from_millis(default))
        };
        let mut state = LinodeState::new(client);
        state.polling = Polling {
            event_poll: millis_or(config.event_poll_ms, "LINODE_EVENT_POLL_MS", DEFAULT_EVENT_POLL_MS),
            lke_node_ready_poll: millis_or(
                config.lke_node_ready_poll_ms,
                "LINODE_LKE_NODE_READY_POLL_MS",
                DEFAULT_LKE_NODE_READY_POLL_MS,
            ),
            skip_lke_cluster_delete_poll: config.skip_lke_cluster_delete_poll.unwrap_or(false),
        };
        state.object_storage = ObjectStorageSettings {
            access_key: config.obj_access_key.clone().or_else(|| self.env("LINODE_OBJ_ACCESS_KEY")),
            secret_key: config.obj_secret_key.clone().or_else(|| self.env("LINODE_OBJ_SECRET_KEY")),
            use_temp_keys: config.obj_use_temp_keys.unwrap_or(false),
            bucket_force_delete: config.obj_bucket_force_delete.unwrap_or(false),
        };
        state.terraform_version = req.terraform_version.clone();
        state.write_only_attributes_allowed = req.write_only_attributes_allowed;
        Some(Arc::new(state))
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        [
            crate::lke::resources(),
            crate::nodebalancers::resources(),
            crate::domains::resources(),
            crate::object_storage::resources(),
            crate::secrets::resources(),
            crate::firewalls::resources(),
            crate::vpcs::resources(),
        ]
        .concat()
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        [
            crate::regions::data_sources(),
            crate::lke::data_sources(),
            crate::nodebalancers::data_sources(),
            crate::domains::data_sources(),
            crate::object_storage::data_sources(),
            crate::secrets::data_sources(),
            crate::firewalls::data_sources(),
            crate::vpcs::data_sources(),
        ]
        .concat()
    }

    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource>> {
        crate::secrets::ephemeral_resources()
    }
}

/// The provider's part of the `User-Agent` (the SDK appends its own):
/// `terraform-provider-linode/VERSION (+Terraform TFVERSION)`, after the user's prefix if any.
fn user_agent_prefix(user_prefix: Option<String>, terraform_version: &str) -> String {
    let ours = format!("terraform-provider-linode/{} (+Terraform {terraform_version})", env!("CARGO_PKG_VERSION"));
    match user_prefix {
        Some(prefix) => format!("{prefix} {ours}"),
        None => ours,
    }
}

#[cfg(test)]
mod tests {
    use super::user_agent_prefix;

    #[test]
    fn user_agent_names_the_provider_and_terraform_versions() {
        let version = env!("CARGO_PKG_VERSION");
        assert_eq!(
            user_agent_prefix(None, "1.11.4"),
            format!("terraform-provider-linode/{version} (+Terraform 1.11.4)")
        );
        assert_eq!(
            user_agent_prefix(Some("ci-pipeline/7".into()), "1.0.3"),
            format!("ci-pipeline/7 terraform-provider-linode/{version} (+Terraform 1.0.3)")
        );
    }
}
