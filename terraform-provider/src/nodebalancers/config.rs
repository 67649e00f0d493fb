//! `linode_nodebalancer_config`: one port of a NodeBalancer.

use std::sync::Arc;

use futures::TryStreamExt;
use linode_sdk::ListParams;
use linode_sdk::models::Nullable;
use linode_sdk::models::nodebalancers::{
    Algorithm, CipherSuite, CreateNodeBalancerConfig, HealthCheck, NodeBalancerConfig,
    NodeBalancerConfigOptions, Protocol, ProxyProtocol, Stickiness,
};
use serde::{Deserialize, Serialize};
use tfplugin::resource::{
    ImportRequest, ImportResponse, UpgradeStateRequest, UpgradeStateResponse,
};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{Applied, Create, Read, Refreshed, TypedResource, Update};
use tfplugin::{Diagnostics, Type, Val, Value, async_trait, validators};

use super::{api_id, not_echoed};
use crate::{LinodeState, common};

/// What the API answers instead of a secret.
const REDACTED: &str = "<REDACTED>";

/// The cipher suites a configuration may ask for (`none` is only ever answered).
const CIPHER_SUITES: &[&str] = &["recommended", "legacy"];

/// `linode_nodebalancer_config`.
pub(crate) struct ConfigResource;

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
    pub protocol: Val<Protocol>,
    pub proxy_protocol: Val<ProxyProtocol>,
    pub port: Val<i64>,
    pub check_interval: Val<i64>,
    pub check_timeout: Val<i64>,
    pub check_attempts: Val<i64>,
    pub udp_check_port: Val<i64>,
    pub udp_session_timeout: Val<i64>,
    pub algorithm: Val<Algorithm>,
    pub stickiness: Val<Stickiness>,
    pub check: Val<HealthCheck>,
    pub check_path: Val<String>,
    pub check_body: Val<String>,
    pub check_passive: Val<bool>,
    pub cipher_suite: Val<CipherSuite>,
    pub ssl_commonname: Val<String>,
    pub ssl_fingerprint: Val<String>,
    pub ssl_cert: Val<String>,
    pub ssl_key: Val<String>,
    pub node_status: Val<Vec<NodeStatusModel>>,
}

/// A secret as the API answers it: withheld (redacted) or absent are both null here, since the
/// value cannot be read back; the attribute's equality keeps the configured value.
fn secret(api: Option<&str>) -> Val<String> {
    match api {
        None | Some("" | REDACTED) => Val::Null,
        Some(text) => Val::Known(text.to_string()),
    }
}

impl ConfigModel {
    /// The state the API describes.
    pub(crate) fn from_api(c: &NodeBalancerConfig) -> Self {
        ConfigModel {
            id: Val::Known(c.id.to_string()),
            nodebalancer_id: Val::Known(c.nodebalancer_id as i64),
            protocol: Val::Known(c.protocol.clone()),
            proxy_protocol: Val::Known(c.proxy_protocol.clone()),
            port: Val::Known(c.port.into()),
            check_interval: Val::Known(c.check_interval.into()),
            check_timeout: Val::Known(c.check_timeout.into()),
            check_attempts: Val::Known(c.check_attempts.into()),
            udp_check_port: Val::Known(c.udp_check_port.unwrap_or(80).into()),
            udp_session_timeout: Val::Known(c.udp_session_timeout.unwrap_or(0).into()),
            algorithm: Val::Known(c.algorithm.clone()),
            stickiness: Val::Known(c.stickiness.clone()),
            check: Val::Known(c.check.clone()),
            check_path: Val::Known(c.check_path.clone().unwrap_or_default()),
            check_body: Val::Known(c.check_body.clone().unwrap_or_default()),
            check_passive: Val::Known(c.check_passive),
            cipher_suite: Val::Known(c.cipher_suite.clone()),
            ssl_commonname: Val::Known(c.ssl_commonname.clone().unwrap_or_default()),
            ssl_fingerprint: Val::Known(c.ssl_fingerprint.clone().unwrap_or_default()),
            ssl_cert: secret(c.ssl_cert.as_deref()),
            ssl_key: secret(c.ssl_key.as_deref()),
            node_status: Val::Known(vec![NodeStatusModel {
                up: c.nodes_status.up.into(),
                down: c.nodes_status.down.into(),
            }]),
        }
    }

    /// The API options for the known planned values; secrets only when they change (`prior`).
    fn options(&self, prior: Option<&ConfigModel>) -> NodeBalancerConfigOptions {
        let number = |v: &Val<i64>| v.get().and_then(|n| u32::try_from(*n).ok());
        let port = |v: &Val<i64>| v.get().and_then(|n| u16::try_from(*n).ok());
        // Send a new secret, clear a removed one, otherwise leave it alone.
        let secret = |plan: &Val<String>, prior: Option<&Val<String>>| match (plan, prior) {
            (Val::Known(p), Some(Val::Known(s))) if p == s => Nullable::Keep,
            (Val::Known(p), _) => Nullable::Value(p.clone()),
            (Val::Null, Some(Val::Known(_))) => Nullable::Null,
            _ => Nullable::Keep,
        };
        NodeBalancerConfigOptions {
            port: port(&self.port),
            protocol: self.protocol.get().cloned(),
            algorithm: self.algorithm.get().cloned(),
            stickiness: self.stickiness.get().cloned(),
            check: self.check.get().cloned(),
            check_interval: number(&self.check_interval),
            check_timeout: number(&self.check_timeout),
            check_attempts: number(&self.check_attempts),
            check_path: self.check_path.get().cloned(),
            check_body: self.check_body.get().cloned(),
            check_passive: self.check_passive.get().copied(),
            proxy_protocol: self.proxy_protocol.get().cloned(),
            cipher_suite: self.cipher_suite.get().cloned(),
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
            client
                .nodebalancers()
                .list_all_configs(nb_id, ListParams::new().page_size(500))
                .try_collect()
                .await
        })
        .await
}

fn ids(m: &ConfigModel, diags: &mut Diagnostics) -> Option<(u64, u64)> {
    let Some(nb) = api_id(&m.nodebalancer_id) else {
        diags.error_at(
            "nodebalancer_id",
            "Invalid nodebalancer_id",
            "nodebalancer_id must be a positive number.",
        );
        return None;
    };
    let id = common::parse_id(
        m.id.get().map(String::as_str).unwrap_or_default(),
        "id",
        diags,
    )?;
    Some((nb, id))
}

/// Some API versions answer `none` for the cipher suite of a config without TLS: that is the
/// configured (or default) suite, not a change.
fn cipher_suite_equality(earlier: &Value, read: &Value) -> bool {
    earlier == read || read.as_str() == Some(CipherSuite::None.as_str())
}

#[async_trait]
impl TypedResource for ConfigResource {
    type Model = ConfigModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_nodebalancer_config"
    }

    fn schema(&self) -> Schema {
        let opt_num = |text: &str| {
            Attribute::number()
                .optional()
                .computed()
                .use_state_for_unknown()
                .description(text)
        };
        // As the official schema: computed values that only change with their configuration
        // keep the state's value in plans; `check` and `check_path` follow other changes.
        let opt_str = |text: &str| Attribute::string().optional().computed().description(text);
        let secret = |text: &str| {
            Attribute::string()
                .optional()
                .sensitive()
                .semantic_equality(not_echoed())
                .description(text)
        };
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
                    .default(Protocol::Http.as_str())
                    .one_of(Protocol::VALUES)
                    .description("`http` (the default), `https`, `tcp` or `udp`."),
            )
            .attr(
                "proxy_protocol",
                Attribute::string()
                    .default(ProxyProtocol::None.as_str())
                    .one_of(ProxyProtocol::VALUES)
                    .description("PROXY protocol sent to backends (tcp only): `none` (the default), `v1` or `v2`."),
            )
            .attr(
                "port",
                Attribute::number()
                    .default(80)
                    .validate(validators::between(1.0, 65535.0))
                    .description("The port to listen on, 1-65535 (default 80). Unique per NodeBalancer."),
            )
            .attr("check_interval", opt_num("Seconds between health checks.").validate(validators::between(2.0, 3600.0)))
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
                Attribute::number().computed().use_state_for_unknown().description("Idle timeout of UDP sessions, in seconds."),
            )
            .attr(
                "algorithm",
                opt_str("How backends are chosen: `roundrobin`, `leastconn`, `source` (or `ring_hash` for udp).")
                    .one_of(Algorithm::VALUES)
                    .use_state_for_unknown(),
            )
            .attr(
                "stickiness",
                opt_str("Session stickiness: `none`, `table`, `http_cookie` (or `session`, `source_ip` for udp).")
                    .one_of(Stickiness::VALUES)
                    .use_state_for_unknown(),
            )
            .attr(
                "check",
                opt_str("Health check type: `none`, `connection`, `http` or `http_body`.").one_of(HealthCheck::VALUES),
            )
            .attr("check_path", opt_str("The URL path of http and http_body checks."))
            .attr(
                "check_body",
                opt_str("A regular expression the body must match (http_body checks).").use_state_for_unknown(),
            )
            .attr(
                "check_passive",
                Attribute::bool()
                    .default(true)
                    .description("Take a backend out of rotation when it answers with a 5xx (default true)."),
            )
            .attr(
                "cipher_suite",
                Attribute::string()
                    .default(CipherSuite::Recommended.as_str())
                    .one_of(CIPHER_SUITES)
                    .semantic_equality(cipher_suite_equality)
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
            .attr("ssl_cert", secret("The PEM certificate (and chain) served for https. Linode does not return it."))
            .attr(
                "ssl_key",
                secret("The PEM private key of `ssl_cert`. Linode never returns it; the configured value is kept in state."),
            )
            .attr(
                "node_status",
                Attribute::of(node_status_type())
                    .computed()
                    .description("Backend health: one object with the number of nodes `up` and `down`."),
            )
    }

    async fn validate(&self, config: &ConfigModel, diags: &mut Diagnostics) {
        if config.protocol.get() != Some(&Protocol::Https) {
            return;
        }
        for (attr, value) in [("ssl_cert", &config.ssl_cert), ("ssl_key", &config.ssl_key)] {
            if value.is_null() {
                diags.error_at(
                    attr,
                    format!("Missing {attr}"),
                    "https configs terminate TLS on the NodeBalancer: set both ssl_cert and ssl_key.",
                );
            }
        }
    }

    async fn create(
        &self,
        req: Create<'_, ConfigModel, LinodeState>,
        resp: &mut Applied<ConfigModel>,
    ) {
        let (st, plan) = (req.data, &req.plan);
        let diags = &mut resp.diagnostics;
        let Some(nb) = api_id(&plan.nodebalancer_id) else {
            diags.error_at(
                "nodebalancer_id",
                "Invalid nodebalancer_id",
                "nodebalancer_id must be a positive number.",
            );
            return;
        };
        let body = CreateNodeBalancerConfig {
            config: plan.options(None),
            nodes: None,
        };
        // A NodeBalancer has one config per port: that is what an ambiguous failure looks for.
        let nodebalancers = st.client.nodebalancers();
        let find = || async {
            let configs: Vec<_> = nodebalancers
                .list_all_configs(nb, ListParams::new().page_size(500))
                .try_collect()
                .await?;
            Ok(configs
                .into_iter()
                .filter(|c| Some(c.port) == body.config.port)
                .collect())
        };
        let ownership = common::Ownership::Ids(|c: &NodeBalancerConfig| c.id);
        let create = || nodebalancers.create_config(nb, &body);
        let result = common::create_once(
            req.op.ctx,
            &st.client,
            "NodeBalancer config",
            ownership,
            create,
            find,
        )
        .await;
        st.nodebalancer_configs.invalidate(&nb.to_string());
        match result {
            Ok(c) => resp.set(ConfigModel::from_api(&c)),
            Err(e) => {
                common::api_error(diags, "Unable to create the NodeBalancer config", &e, |f| {
                    req.op.field_path(f)
                })
            }
        }
    }

    async fn read(
        &self,
        req: Read<'_, ConfigModel, LinodeState>,
        resp: &mut Refreshed<ConfigModel>,
    ) {
        let Some((nb, id)) = ids(&req.state, &mut resp.diagnostics) else {
            return;
        };
        match cached_configs(req.data, nb).await {
            Ok(configs) => match configs.iter().find(|c| c.id == id) {
                Some(c) => resp.set(ConfigModel::from_api(c)),
                None => resp.remove(),
            },
            Err(e) if e.is_not_found() => resp.remove(),
            Err(e) => common::api_error_plain(
                &mut resp.diagnostics,
                &format!("Unable to list the configs of NodeBalancer {nb}"),
                &e,
            ),
        }
    }

    async fn update(
        &self,
        req: Update<'_, ConfigModel, LinodeState>,
        resp: &mut Applied<ConfigModel>,
    ) {
        let st = req.data;
        let diags = &mut resp.diagnostics;
        let Some((nb, id)) = ids(&req.prior, diags) else {
            return;
        };
        let result = st
            .client
            .nodebalancers()
            .update_config(nb, id, &req.plan.options(Some(&req.prior)))
            .await;
        st.nodebalancer_configs.invalidate(&nb.to_string());
        match result {
            Ok(c) => resp.set(ConfigModel::from_api(&c)),
            Err(e) => common::api_error(
                diags,
                &format!("Unable to update NodeBalancer config {id}"),
                &e,
                |f| req.op.field_path(f),
            ),
        }
    }

    async fn delete(&self, req: Read<'_, ConfigModel, LinodeState>, diags: &mut Diagnostics) {
        let st = req.data;
        let Some((nb, id)) = ids(&req.state, diags) else {
            return;
        };
        match st.client.nodebalancers().delete_config(nb, id).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => common::api_error_plain(
                diags,
                &format!("Unable to delete NodeBalancer config {id}"),
                &e,
            ),
        }
        st.nodebalancer_configs.invalidate(&nb.to_string());
        st.nodebalancer_nodes.invalidate(&format!("{nb},{id}"));
    }

    async fn import(&self, _st: &LinodeState, req: ImportRequest, resp: &mut ImportResponse) {
        let Some([nb, id]) =
            common::parse_import_ids::<2>(&req.id, "<nodebalancer_id>,<id>", &mut resp.diagnostics)
        else {
            return;
        };
        resp.set_attr("nodebalancer_id", Value::from(nb as i64));
        resp.set_attr("id", id.to_string());
    }

    /// Version 0 (the official provider's first framework schema) stored `node_status` as a map
    /// of strings; version 1 stores a list of one object of numbers.
    async fn upgrade_state(&self, req: UpgradeStateRequest, resp: &mut UpgradeStateResponse) {
        let mut json = req.json;
        let Some(old) = json.as_object_mut() else {
            // Not an object: set_json reports it.
            return resp.set_json(&json);
        };
        let count = |v: Option<&serde_json::Value>| {
            v.and_then(|x| {
                x.as_i64()
                    .or_else(|| x.as_str().and_then(|s| s.parse().ok()))
            })
            .unwrap_or(0)
        };
        if let Some(serde_json::Value::Object(s)) = old.get("node_status").cloned() {
            old.insert(
                "node_status".into(),
                serde_json::json!([{ "up": count(s.get("up")), "down": count(s.get("down")) }]),
            );
        }
        // Attributes the schema no longer has are dropped.
        resp.set_json(&json);
    }
}
