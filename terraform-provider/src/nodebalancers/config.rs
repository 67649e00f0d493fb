//! `linode_nodebalancer_config`: one port of a NodeBalancer.

use std::sync::Arc;

use futures::TryStreamExt;
use linode_sdk::ListParams;
use linode_sdk::models::Nullable;
use linode_sdk::models::nodebalancers::{
    Algorithm, CipherSuite, CreateNodeBalancerConfig, HealthCheck, NodeBalancerConfig, NodeBalancerConfigOptions,
    Protocol, ProxyProtocol, Stickiness,
};
use serde::{Deserialize, Serialize};
use tfplugin::resource::{
    ApplyResponse, CreateRequest, DeleteRequest, ImportRequest, ImportResponse, ReadRequest, ReadResponse,
    UpdateRequest, UpgradeStateRequest, UpgradeStateResponse, ValidateRequest,
};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::{AttributePath, Diagnostics, Resource, Type, Val, Value, async_trait, validators};

use crate::{LinodeState, common};

/// What the API returns instead of secrets.
const REDACTED: &str = "<REDACTED>";

/// The resource.
pub struct NodeBalancerConfigResource;

/// Node health counts (`node_status`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub(crate) struct NodeStatusModel {
    pub up: i64,
    pub down: i64,
}

/// The type of `node_status`.
pub(crate) fn node_status_type() -> Type {
    Type::list(Type::object([("up", Type::Number), ("down", Type::Number)]))
}

/// State and plan of `linode_nodebalancer_config`.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(crate) struct ConfigModel {
    pub id: Val<String>,
    pub nodebalancer_id: Val<i64>,
    pub protocol: Val<String>,
    pub proxy_protocol: Val<String>,
    pub port: Val<i64>,
    pub check_interval: Val<i64>,
    pub check_timeout: Val<i64>,
    pub check_attempts: Val<i64>,
    pub udp_check_port: Val<i64>,
    pub udp_session_timeout: Val<i64>,
    pub algorithm: Val<String>,
    pub stickiness: Val<String>,
    pub check: Val<String>,
    pub check_path: Val<String>,
    pub check_body: Val<String>,
    pub check_passive: Val<bool>,
    pub cipher_suite: Val<String>,
    pub ssl_commonname: Val<String>,
    pub ssl_fingerprint: Val<String>,
    pub ssl_cert: Val<String>,
    pub ssl_key: Val<String>,
    pub node_status: Val<Vec<NodeStatusModel>>,
}

/// The state value of a secret the API redacts: the configured value while the API reports one
/// (redacted or equal up to surrounding whitespace), null when the API has none.
fn keep_secret(prior: &Val<String>, api: Option<&str>) -> Val<String> {
    match (prior, api.filter(|a| !a.is_empty())) {
        (_, None) => Val::Null,
        (Val::Known(p), Some(a)) if a == REDACTED || a.trim() == p.trim() => Val::Known(p.clone()),
        (_, Some(REDACTED)) => Val::Null, // imported: the value cannot be read back
        (_, Some(a)) => Val::Known(a.to_string()),
    }
}

impl ConfigModel {
    /// The state for `c`, keeping the configured secrets.
    pub(crate) fn from_api(prior: &ConfigModel, c: &NodeBalancerConfig) -> Self {
        ConfigModel {
            id: Val::Known(c.id.to_string()),
            nodebalancer_id: Val::Known(c.nodebalancer_id as i64),
            protocol: Val::Known(c.protocol.as_str().to_string()),
            proxy_protocol: Val::Known(c.proxy_protocol.as_str().to_string()),
            port: Val::Known(c.port.into()),
            check_interval: Val::Known(c.check_interval.into()),
            check_timeout: Val::Known(c.check_timeout.into()),
            check_attempts: Val::Known(c.check_attempts.into()),
            udp_check_port: Val::Known(c.udp_check_port.unwrap_or(80).into()),
            udp_session_timeout: Val::Known(c.udp_session_timeout.unwrap_or(0).into()),
            algorithm: Val::Known(c.algorithm.as_str().to_string()),
            stickiness: Val::Known(c.stickiness.as_str().to_string()),
            check: Val::Known(c.check.as_str().to_string()),
            check_path: Val::Known(c.check_path.clone().unwrap_or_default()),
            check_body: Val::Known(c.check_body.clone().unwrap_or_default()),
            check_passive: Val::Known(c.check_passive),
            // Some API versions report `none` for configs without TLS: keep the planned value then.
            cipher_suite: match (&prior.cipher_suite, c.cipher_suite.as_str()) {
                (Val::Known(p), "none") if c.protocol.as_str() != "https" => Val::Known(p.clone()),
                (_, api) => Val::Known(api.to_string()),
            },
            ssl_commonname: Val::Known(c.ssl_commonname.clone().unwrap_or_default()),
            ssl_fingerprint: Val::Known(c.ssl_fingerprint.clone().unwrap_or_default()),
            ssl_cert: keep_secret(&prior.ssl_cert, c.ssl_cert.as_deref()),
            ssl_key: keep_secret(&prior.ssl_key, c.ssl_key.as_deref()),
            node_status: Val::Known(vec![NodeStatusModel {
                up: c.nodes_status.up.into(),
                down: c.nodes_status.down.into(),
            }]),
        }
    }

    /// The API options for the known planned values.
    fn options(&self, prior: Option<&ConfigModel>) -> NodeBalancerConfigOptions {
        let string = |v: &Val<String>| v.get().cloned();
        let number = |v: &Val<i64>| v.get().and_then(|n| u32::try_from(*n).ok());
        let port = |v: &Val<i64>| v.get().and_then(|n| u16::try_from(*n).ok());
        // Secrets: send a new value, clear a removed one, otherwise leave them alone.
        let secret = |plan: &Val<String>, prior: Option<&Val<String>>| match (plan, prior) {
            (Val::Known(p), Some(Val::Known(s))) if p == s => Nullable::Keep,
            (Val::Known(p), _) => Nullable::Value(p.clone()),
            (Val::Null, Some(Val::Known(_))) => Nullable::Null,
            _ => Nullable::Keep,
        };
        NodeBalancerConfigOptions {
            port: port(&self.port),
            protocol: self.protocol.get().map(|s| Protocol::from(s.as_str())),
            algorithm: self.algorithm.get().map(|s| Algorithm::from(s.as_str())),
            stickiness: self.stickiness.get().map(|s| Stickiness::from(s.as_str())),
            check: self.check.get().map(|s| HealthCheck::from(s.as_str())),
            check_interval: number(&self.check_interval),
            check_timeout: number(&self.check_timeout),
            check_attempts: number(&self.check_attempts),
            check_path: string(&self.check_path),
            check_body: string(&self.check_body),
            check_passive: self.check_passive.get().copied(),
            proxy_protocol: self.proxy_protocol.get().map(|s| ProxyProtocol::from(s.as_str())),
            cipher_suite: self.cipher_suite.get().map(|s| CipherSuite::from(s.as_str())),
            ssl_cert: secret(&self.ssl_cert, prior.map(|p| &p.ssl_cert)),
            ssl_key: secret(&self.ssl_key, prior.map(|p| &p.ssl_key)),
            udp_check_port: port(&self.udp_check_port),
        }
    }
}

/// The configs of NodeBalancer `nb_id`, from the per-process listing cache (one paginated listing
/// serves every config read of the NodeBalancer).
pub(crate) async fn cached_configs(
    st: &LinodeState,
    nb_id: u64,
) -> Result<Arc<Vec<NodeBalancerConfig>>, linode_sdk::Error> {
    let client = st.client.clone();
    st.nodebalancer_configs
        .get_or_list(&nb_id.to_string(), || async move {
            client.nodebalancers().list_all_configs(nb_id, ListParams::new().page_size(500)).try_collect().await
        })
        .await
}

fn ids(m: &ConfigModel, diags: &mut Diagnostics) -> Option<(u64, u64)> {
    let Some(nb) = m.nodebalancer_id.get().and_then(|n| u64::try_from(*n).ok()) else {
        diags.error_at("nodebalancer_id", "Invalid nodebalancer_id", "nodebalancer_id must be a positive number.");
        return None;
    };
    let id = common::parse_id(m.id.get().map(String::as_str).unwrap_or_default(), "id", diags)?;
    Some((nb, id))
}

/// Maps API field errors (`ssl_key` etc. share names) to attributes.
fn field_to_attr(field: &str) -> Option<AttributePath> {
    common::same_name(field)
}

#[async_trait]
impl Resource for NodeBalancerConfigResource {
    fn type_name(&self) -> &str {
        "linode_nodebalancer_config"
    }

    fn schema(&self) -> Schema {
        let opt_num = |text: &str| Attribute::number().optional().computed().description(text);
        let opt_str = |text: &str| Attribute::string().optional().computed().description(text);
        Schema::new()
            .version(1)
            .description(
                "A port of a NodeBalancer: protocol, balancing algorithm, health checks and TLS. Import with \
                 `terraform import linode_nodebalancer_config.x <nodebalancer_id>,<id>`.",
            )
            .attr("id", Attribute::string().computed().use_state_for_unknown().description("The config's ID."))
            .attr(
                "nodebalancer_id",
                Attribute::number()
                    .required()
                    .requires_replace()
                    .description("The ID of the NodeBalancer. Changing it replaces the config."),
            )
            .attr(
                "protocol",
                Attribute::string()
                    .default("http")
                    .validate(validators::one_of(&["http", "https", "tcp", "udp"]))
                    .description("`http` (the default), `https`, `tcp` or `udp`."),
            )
            .attr(
                "proxy_protocol",
                Attribute::string()
                    .default("none")
                    .validate(validators::one_of(&["none", "v1", "v2"]))
                    .description("PROXY protocol sent to backends (tcp only): `none` (the default), `v1` or `v2`."),
            )
            .attr(
                "port",
                Attribute::number()
                    .default(80)
                    .validate(validators::between(1.0, 65535.0))
                    .description("The port to listen on, 1-65535 (default 80). Unique per NodeBalancer."),
            )
            .attr(
                "check_interval",
                opt_num("Seconds between health checks.").validate(validators::between(2.0, 3600.0)),
            )
            .attr(
                "check_timeout",
                opt_num("Seconds to wait for a health check answer, 1-30.").validate(validators::between(1.0, 30.0)),
            )
            .attr(
                "check_attempts",
                opt_num("Failed checks before a backend is taken out of rotation, 1-30.")
                    .validate(validators::between(1.0, 30.0)),
            )
            .attr(
                "udp_check_port",
                Attribute::number()
                    .default(80)
                    .validate(validators::between(1.0, 65535.0))
                    .description("The port health checks use for udp configs (default 80)."),
            )
            .attr(
                "udp_session_timeout",
                Attribute::number().computed().description("Idle timeout of UDP sessions, in seconds."),
            )
            .attr(
                "algorithm",
                opt_str("How backends are chosen: `roundrobin`, `leastconn`, `source` (or `ring_hash` for udp).")
                    .validate(validators::one_of(&["roundrobin", "leastconn", "source", "ring_hash"])),
            )
            .attr(
                "stickiness",
                opt_str("Session stickiness: `none`, `table`, `http_cookie` (or `session`, `source_ip` for udp).")
                    .validate(validators::one_of(&["none", "table", "http_cookie", "session", "source_ip"])),
            )
            .attr(
                "check",
                opt_str("Health check type: `none`, `connection`, `http` or `http_body`.")
                    .validate(validators::one_of(&["none", "connection", "http", "http_body"])),
            )
            .attr("check_path", opt_str("The URL path of http and http_body checks."))
            .attr("check_body", opt_str("A regular expression the body must match (http_body checks)."))
            .attr(
                "check_passive",
                Attribute::bool()
                    .default(true)
                    .description("Take a backend out of rotation when it answers with a 5xx (default true)."),
            )
            .attr(
                "cipher_suite",
                Attribute::string()
                    .default("recommended")
                    .validate(validators::one_of(&["recommended", "legacy"]))
                    .description("TLS ciphers for https: `recommended` (the default) or `legacy`."),
            )
            .attr(
                "ssl_commonname",
                Attribute::string().computed().description("The common name of the TLS certificate."),
            )
            .attr(
                "ssl_fingerprint",
                Attribute::string().computed().description("The SHA1 fingerprint of the TLS certificate."),
            )
            .attr(
                "ssl_cert",
                Attribute::string()
                    .optional()
                    .sensitive()
                    .description("The PEM certificate (and chain) served for https."),
            )
            .attr(
                "ssl_key",
                Attribute::string().optional().sensitive().description(
                    "The PEM private key of `ssl_cert`. Linode never returns it; the configured value is kept in state.",
                ),
            )
            .attr(
                "node_status",
                Attribute::of(node_status_type())
                    .computed()
                    .description("Backend health: one object with the number of nodes `up` and `down`."),
            )
    }

    async fn validate(&self, req: &ValidateRequest, diags: &mut Diagnostics) {
        if req.config.get("protocol").and_then(Value::as_str) != Some("https") {
            return;
        }
        for attr in ["ssl_cert", "ssl_key"] {
            if req.config.get(attr).is_none_or(Value::is_null) {
                diags.error_at(
                    attr,
                    format!("Missing {attr}"),
                    "https configs terminate TLS on the NodeBalancer: set both ssl_cert and ssl_key.",
                );
            }
        }
    }

    async fn create(&self, req: CreateRequest, resp: &mut ApplyResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(st), Some(plan)) = (common::state(&req.ctx, diags), req.plan_as::<ConfigModel>(diags)) else {
            return;
        };
        let Some(nb) = plan.nodebalancer_id.get().and_then(|n| u64::try_from(*n).ok()) else {
            diags.error_at("nodebalancer_id", "Invalid nodebalancer_id", "nodebalancer_id must be a positive number.");
            return;
        };
        let body = CreateNodeBalancerConfig { config: plan.options(None), nodes: None };
        // A NodeBalancer has one config per port.
        let nodebalancers = st.client.nodebalancers();
        let find = || async {
            let configs: Vec<_> = nodebalancers
                .list_all_configs(nb, linode_sdk::ListParams::new().page_size(500))
                .try_collect()
                .await?;
            Ok(configs.into_iter().filter(|c| Some(c.port) == body.config.port).collect())
        };
        let ownership = common::Ownership::Ids(|c: &linode_sdk::models::nodebalancers::NodeBalancerConfig| c.id);
        let create = || nodebalancers.create_config(nb, &body);
        let result = common::create_once(&req.ctx, &st.client, "NodeBalancer config", ownership, create, find).await;
        st.nodebalancer_configs.invalidate(&nb.to_string());
        match result {
            Ok(c) => resp.set_state(&ConfigModel::from_api(&plan, &c)),
            Err(e) => common::api_error(diags, "Unable to create the NodeBalancer config", &e, field_to_attr),
        }
    }

    async fn read(&self, req: ReadRequest, resp: &mut ReadResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(st), Some(prior)) = (common::state(&req.ctx, diags), req.state_as::<ConfigModel>(diags)) else {
            return;
        };
        let Some((nb, id)) = ids(&prior, diags) else { return };
        match cached_configs(st, nb).await {
            Ok(configs) => match configs.iter().find(|c| c.id == id) {
                Some(c) => resp.set_state(&ConfigModel::from_api(&prior, c)),
                None => resp.remove(),
            },
            Err(e) if e.is_not_found() => resp.remove(),
            Err(e) => common::api_error_plain(diags, &format!("Unable to list the configs of NodeBalancer {nb}"), &e),
        }
    }

    async fn update(&self, req: UpdateRequest, resp: &mut ApplyResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(st), Some(plan), Some(prior)) = (
            common::state(&req.ctx, diags),
            req.plan_as::<ConfigModel>(diags),
            req.state_as::<ConfigModel>(diags),
        ) else {
            return;
        };
        let Some((nb, id)) = ids(&prior, diags) else { return };
        let result = st.client.nodebalancers().update_config(nb, id, &plan.options(Some(&prior))).await;
        st.nodebalancer_configs.invalidate(&nb.to_string());
        match result {
            Ok(c) => resp.set_state(&ConfigModel::from_api(&plan, &c)),
            Err(e) => common::api_error(diags, &format!("Unable to update NodeBalancer config {id}"), &e, field_to_attr),
        }
    }

    async fn delete(&self, req: DeleteRequest, diags: &mut Diagnostics) {
        let (Some(st), Some(prior)) = (common::state(&req.ctx, diags), req.state_as::<ConfigModel>(diags)) else {
            return;
        };
        let Some((nb, id)) = ids(&prior, diags) else { return };
        match st.client.nodebalancers().delete_config(nb, id).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => common::api_error_plain(diags, &format!("Unable to delete NodeBalancer config {id}"), &e),
        }
        st.nodebalancer_configs.invalidate(&nb.to_string());
        st.nodebalancer_nodes.invalidate(&format!("{nb},{id}"));
    }

    async fn import(&self, req: ImportRequest, resp: &mut ImportResponse) {
        let Some([nb, id]) =
            common::parse_import_ids::<2>(&req.id, "<nodebalancer_id>,<id>", &mut resp.diagnostics)
        else {
            return;
        };
        resp.set_attr("nodebalancer_id", nb);
        resp.set_attr("id", id.to_string());
    }

    /// Version 0 stored `node_status` as a single object (a map); version 1 stores a list of one.
    async fn upgrade_state(&self, req: UpgradeStateRequest, resp: &mut UpgradeStateResponse) {
        let serde_json::Value::Object(mut old) = req.json else {
            resp.diagnostics.error("Unable to upgrade resource state", "The stored state is not a JSON object.");
            return;
        };
        if req.version != 0 {
            resp.diagnostics.error(
                "Unable to upgrade resource state",
                format!("linode_nodebalancer_config has no state upgrade from schema version {}.", req.version),
            );
            return;
        }
        let schema = self.schema();
        old.retain(|k, _| schema.attribute(k).is_some());
        let count = |v: Option<&serde_json::Value>| {
            v.and_then(|x| x.as_i64().or_else(|| x.as_str().and_then(|s| s.parse().ok()))).unwrap_or(0)
        };
        if let Some(serde_json::Value::Object(s)) = old.get("node_status").cloned() {
            old.insert(
                "node_status".into(),
                serde_json::json!([{ "up": count(s.get("up")), "down": count(s.get("down")) }]),
            );
        }
        let bytes = serde_json::to_vec(&serde_json::Value::Object(old)).unwrap_or_default();
        match Value::from_json(&bytes, &schema.value_type()) {
            Ok(v) => resp.state = v,
            Err(e) => resp.diagnostics.push(e.into()),
        }
    }
}
