//! The `provider "linode"` block: its schema (the official provider's arguments and environment
//! variables), configuration into a shared [`LinodeState`], and the registry of resources.

use std::sync::Arc;
use std::time::Duration;

use linode_sdk::{ApiVersion, Client, RetryPolicy};
use serde::Deserialize;
use tfplugin::schema::{Attribute, Schema};
use tfplugin::{
    ConfigureRequest, DataSource, Diagnostics, EphemeralResource, Provider, ProviderData, Resource, Val,
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

    /// The profile of the Linode configuration file the configuration names, or an empty one when
    /// there is no file (a missing profile in an existing file is an error on `config_profile`).
    fn profile(&self, config: &ProviderConfig, diags: &mut Diagnostics) -> Option<Profile> {
        let path = match config.config_path.get() {
            Some(p) => Some(expand_home(p, self.env("HOME"))),
            None => self.env("HOME").map(|home| format!("{home}/.config/linode")),
        };
        let Some(text) = path.as_ref().and_then(|p| std::fs::read_to_string(p).ok()) else {
            if config.config_path.is_known() {
                tracing::info!("the Linode configuration file does not exist; not using it");
            }
            return Some(Profile::default());
        };
        let name = config.config_profile.get().map_or("default", String::as_str);
        match read_profile(&text, name) {
            Ok(p) => Some(p),
            Err(e) if config.config_profile.is_null() && name == "default" => {
                tracing::info!(error = %e, "no default profile in the Linode configuration file");
                Some(Profile::default())
            }
            Err(e) => {
                diags.error_at("config_profile", "Unknown Linode configuration profile", e);
                None
            }
        }
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
    /// The provider's keys are not known yet (they come from a resource of the same
    /// configuration): plans count on them, the apply gets them.
    pub keys_pending: bool,
}

impl std::fmt::Debug for ObjectStorageSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObjectStorageSettings")
            .field("access_key", &self.access_key)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "<redacted>"))
            .field("keys_pending", &self.keys_pending)
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
    /// `lke_node_ready_poll_ms`: a fixed interval for the LKE waits (kubeconfig, nodes, pool
    /// counts, deletion); `None`: linode-sdk's default, intervals proportional to the time
    /// waited (from 250 ms up to 10 s).
    pub lke_node_ready_poll: Option<Duration>,
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
                lke_node_ready_poll: None,
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

/// The provider block as configured. Any argument may be unknown while planning (it depends on
/// a resource of the same configuration); Terraform configures the provider again with known
/// values before applying.
#[derive(Deserialize, Default)]
struct ProviderConfig {
    token: Val<String>,
    config_path: Val<String>,
    config_profile: Val<String>,
    url: Val<String>,
    api_version: Val<String>,
    api_ca_path: Val<String>,
    ua_prefix: Val<String>,
    min_retry_delay_ms: Val<i64>,
    max_retry_delay_ms: Val<i64>,
    event_poll_ms: Val<i64>,
    lke_node_ready_poll_ms: Val<i64>,
    skip_lke_cluster_delete_poll: Val<bool>,
    obj_access_key: Val<String>,
    obj_secret_key: Val<String>,
    obj_use_temp_keys: Val<bool>,
    obj_bucket_force_delete: Val<bool>,
}

/// The settings of one profile of a Linode configuration file (`~/.config/linode`, the format
/// linode-cli and linodego read): `token`, `api_url`, `api_version`.
#[derive(Debug, Default, PartialEq)]
struct Profile {
    token: Option<String>,
    api_url: Option<String>,
    api_version: Option<String>,
}

/// Reads `profile` from an INI-style Linode configuration file; a profile other than `default`
/// inherits the `[default]` section's keys. `Err` names what is wrong.
fn read_profile(text: &str, profile: &str) -> Result<Profile, String> {
    let mut sections: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>> = Default::default();
    let mut current = String::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = name.trim().to_string();
            sections.entry(current.clone()).or_default();
        } else if let Some((k, v)) = line.split_once(['=', ':']) {
            sections.entry(current.clone()).or_default().insert(k.trim().to_lowercase(), v.trim().to_string());
        }
    }
    let Some(own) = sections.get(profile) else {
        let known: Vec<&str> = sections.keys().filter(|k| !k.is_empty()).map(String::as_str).collect();
        return Err(format!("The configuration file has no profile {profile:?} (profiles: {}).", known.join(", ")));
    };
    let inherited = sections.get("default").filter(|_| profile != "default");
    let get = |key: &str| own.get(key).or_else(|| inherited.and_then(|d| d.get(key))).filter(|v| !v.is_empty()).cloned();
    Ok(Profile { token: get("token"), api_url: get("api_url"), api_version: get("api_version") })
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
            .attr(
                "config_path",
                string("A Linode configuration file (as linode-cli writes it) supplying `token`, `api_url` and `api_version`. Defaults to ~/.config/linode when it exists."),
            )
            .attr("config_profile", string("The profile of the configuration file to use. Defaults to `default`."))
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
            .attr("lke_node_ready_poll_ms", millis("A fixed interval between polls while waiting for LKE clusters and pools (kubeconfig, ready nodes, node counts, deletion). Unset: intervals grow with the time waited, a tenth of it, from 250 ms up to 10 s, so readiness is noticed within about 1.1× the time it took."))
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
        // `token`, `url`, `api_version`: the argument, else the environment, else the profile of
        // the Linode configuration file (`config_path`, default ~/.config/linode; `config_profile`,
        // default "default").
        let profile = self.profile(&config, diags)?;
        let token = match &config.token {
            Val::Unknown => return None, // known at apply; nothing can be checked against the API now
            Val::Known(t) => Some(t.clone()),
            Val::Null => self.env("LINODE_TOKEN").or(profile.token),
        };
        let Some(token) = token else {
            diags.error_at(
                "token",
                "Missing Linode API token",
                "Set the LINODE_TOKEN environment variable, the provider's `token` argument, or a token in the \
                 Linode configuration file (`config_path`, `config_profile`). Create a token at \
                 https://cloud.linode.com/profile/tokens.",
            );
            return None;
        };
        let known = |v: &Val<String>| v.get().cloned();
        let mut builder = Client::builder().token(token);
        if let Some(url) = known(&config.url).or_else(|| self.env("LINODE_URL")).or(profile.api_url) {
            builder = builder.base_url(url);
        }
        match known(&config.api_version).or_else(|| self.env("LINODE_API_VERSION")).or(profile.api_version).as_deref() {
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
        if let Some(ca) = known(&config.api_ca_path).or_else(|| self.env("LINODE_CA")) {
            builder = builder.ca_cert_file(ca);
        }
        builder = builder.user_agent_prefix(user_agent_prefix(
            known(&config.ua_prefix).or_else(|| self.env("LINODE_UA_PREFIX")),
            &req.terraform_version,
        ));
        let mut retry = RetryPolicy::default();
        if let Some(ms) = config.min_retry_delay_ms.get().filter(|ms| **ms > 0) {
            retry = retry.with_min_delay(Duration::from_millis(*ms as u64));
        }
        if let Some(ms) = config.max_retry_delay_ms.get().filter(|ms| **ms > 0) {
            retry = retry.with_max_delay(Duration::from_millis(*ms as u64));
        }
        let client = match builder.retry_policy(retry).build() {
            Ok(client) => client,
            Err(e) => {
                diags.error("Invalid Linode provider configuration", e.to_string());
                return None;
            }
        };
        let millis_or = |v: &Val<i64>, env: &str, default: u64| {
            v.get()
                .filter(|ms| **ms > 0)
                .map(|ms| *ms as u64)
                .or_else(|| self.env(env).and_then(|s| s.parse().ok()))
                .map(Duration::from_millis)
                .unwrap_or(Duration::from_millis(default))
        };
        let mut state = LinodeState::new(client);
        state.polling = Polling {
            event_poll: millis_or(&config.event_poll_ms, "LINODE_EVENT_POLL_MS", DEFAULT_EVENT_POLL_MS),
            lke_node_ready_poll: config
                .lke_node_ready_poll_ms
                .get()
                .filter(|ms| **ms > 0)
                .map(|ms| *ms as u64)
                .or_else(|| self.env("LINODE_LKE_NODE_READY_POLL_MS").and_then(|s| s.parse().ok()))
                .map(Duration::from_millis),
            skip_lke_cluster_delete_poll: config.skip_lke_cluster_delete_poll.get().copied().unwrap_or(false),
        };
        state.object_storage = ObjectStorageSettings {
            access_key: known(&config.obj_access_key).or_else(|| self.env("LINODE_OBJ_ACCESS_KEY")),
            secret_key: known(&config.obj_secret_key).or_else(|| self.env("LINODE_OBJ_SECRET_KEY")),
            // e.g. the keys of a linode_object_storage_key made in the same configuration
            keys_pending: config.obj_access_key.is_unknown() || config.obj_secret_key.is_unknown(),
            use_temp_keys: config.obj_use_temp_keys.get().copied().unwrap_or(false),
            bucket_force_delete: config.obj_bucket_force_delete.get().copied().unwrap_or(false),
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

/// `~/...` with the home directory.
fn expand_home(path: &str, home: Option<String>) -> String {
    match (path.strip_prefix("~/"), home) {
        (Some(rest), Some(home)) => format!("{home}/{rest}"),
        _ => path.to_string(),
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
    use super::{Profile, read_profile, user_agent_prefix};

    #[test]
    fn profiles_inherit_the_default_section() {
        let text = "[default]\ntoken = t-default\napi_url = https://api.example\n\n; staging\n[staging]\ntoken: t-staging\n";
        assert_eq!(
            read_profile(text, "staging").unwrap(),
            Profile { token: Some("t-staging".into()), api_url: Some("https://api.example".into()), api_version: None }
        );
        assert_eq!(read_profile(text, "default").unwrap().token.as_deref(), Some("t-default"));
        let err = read_profile(text, "prod").unwrap_err();
        assert!(err.contains("\"prod\"") && err.contains("staging"), "{err}");
    }

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
