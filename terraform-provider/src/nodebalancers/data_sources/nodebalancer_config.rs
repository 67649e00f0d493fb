//! `data "linode_nodebalancer_config"`: one port configuration of a NodeBalancer.

use linode_sdk::models::nodebalancers::NodeBalancerConfig;
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Val, async_trait};

use super::required_id;
use crate::nodebalancers::config::{NodeStatusModel, cached_configs, node_status_type};
use crate::{LinodeState, common};

/// `data "linode_nodebalancer_config"`.
pub(crate) struct ConfigDataSource;

/// A config as the config data sources show it (no secrets).
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(crate) struct ConfigItem {
    pub id: i64,
    pub nodebalancer_id: i64,
    protocol: Option<String>,
    proxy_protocol: Option<String>,
    port: Option<i64>,
    check_interval: Option<i64>,
    check_timeout: Option<i64>,
    check_attempts: Option<i64>,
    udp_check_port: Option<i64>,
    udp_session_timeout: Option<i64>,
    algorithm: Option<String>,
    stickiness: Option<String>,
    check: Option<String>,
    check_path: Option<String>,
    check_body: Option<String>,
    check_passive: Option<bool>,
    cipher_suite: Option<String>,
    ssl_commonname: Option<String>,
    ssl_fingerprint: Option<String>,
    node_status: Option<Vec<NodeStatusModel>>,
}

impl From<&NodeBalancerConfig> for ConfigItem {
    fn from(c: &NodeBalancerConfig) -> Self {
        ConfigItem {
            id: c.id as i64,
            nodebalancer_id: c.nodebalancer_id as i64,
            protocol: Some(c.protocol.as_str().to_owned()),
            proxy_protocol: Some(c.proxy_protocol.as_str().to_owned()),
            port: Some(c.port.into()),
            check_interval: Some(c.check_interval.into()),
            check_timeout: Some(c.check_timeout.into()),
            check_attempts: Some(c.check_attempts.into()),
            udp_check_port: Some(c.udp_check_port.unwrap_or(80).into()),
            udp_session_timeout: Some(c.udp_session_timeout.unwrap_or(0).into()),
            algorithm: Some(c.algorithm.as_str().to_owned()),
            stickiness: Some(c.stickiness.as_str().to_owned()),
            check: Some(c.check.as_str().to_owned()),
            check_path: Some(c.check_path.clone().unwrap_or_default()),
            check_body: Some(c.check_body.clone().unwrap_or_default()),
            check_passive: Some(c.check_passive),
            cipher_suite: Some(c.cipher_suite.as_str().to_owned()),
            ssl_commonname: Some(c.ssl_commonname.clone().unwrap_or_default()),
            ssl_fingerprint: Some(c.ssl_fingerprint.clone().unwrap_or_default()),
            node_status: Some(vec![NodeStatusModel {
                up: c.nodes_status.up.into(),
                down: c.nodes_status.down.into(),
            }]),
        }
    }
}

/// The attributes of a config; `id` and `nodebalancer_id` as given (required here, computed in
/// `linode_nodebalancer_configs`).
pub(crate) fn config_schema(id: Attribute, nodebalancer_id: Attribute) -> Schema {
    let string = |text: &str| Attribute::string().computed().description(text);
    let number = |text: &str| Attribute::number().computed().description(text);
    Schema::new()
        .attr("id", id.description("The config's ID."))
        .attr(
            "nodebalancer_id",
            nodebalancer_id.description("The NodeBalancer's ID."),
        )
        .attr("protocol", string("`http`, `https`, `tcp` or `udp`."))
        .attr("proxy_protocol", string("`none`, `v1` or `v2`."))
        .attr("port", number("The port."))
        .attr("check_interval", number("Seconds between health checks."))
        .attr(
            "check_timeout",
            number("Seconds to wait for a health check answer."),
        )
        .attr(
            "udp_check_port",
            number("The health check port of udp configs."),
        )
        .attr(
            "udp_session_timeout",
            number("Idle timeout of UDP sessions, in seconds."),
        )
        .attr(
            "check_attempts",
            number("Failed checks before a backend is taken out of rotation."),
        )
        .attr("algorithm", string("The balancing algorithm."))
        .attr("stickiness", string("Session stickiness."))
        .attr("check", string("The health check type."))
        .attr("check_path", string("The URL path of http checks."))
        .attr(
            "check_body",
            string("The regular expression of http_body checks."),
        )
        .attr(
            "check_passive",
            Attribute::bool()
                .computed()
                .description("Whether 5xx answers take a backend out."),
        )
        .attr("cipher_suite", string("`recommended` or `legacy`."))
        .attr(
            "ssl_commonname",
            string("The common name of the TLS certificate."),
        )
        .attr(
            "ssl_fingerprint",
            string("The fingerprint of the TLS certificate."),
        )
        .attr(
            "node_status",
            Attribute::of(node_status_type())
                .computed()
                .description("Backends `up` and `down`."),
        )
}

#[async_trait]
impl TypedDataSource for ConfigDataSource {
    type Model = ConfigItem;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_nodebalancer_config"
    }

    fn schema(&self) -> Schema {
        config_schema(
            Attribute::number().required(),
            Attribute::number().required(),
        )
        .description("A port configuration of a NodeBalancer, looked up by ID.")
    }

    async fn read(
        &self,
        req: DataRead<'_, ConfigItem, LinodeState>,
        diags: &mut Diagnostics,
    ) -> Option<ConfigItem> {
        let nb = required_id(
            &Val::Known(req.config.nodebalancer_id),
            "nodebalancer_id",
            diags,
        )?;
        let id = required_id(&Val::Known(req.config.id), "id", diags)?;
        let configs = match cached_configs(req.data, nb).await {
            Ok(c) => c,
            Err(e) if e.is_not_found() => {
                diags.error_at(
                    "nodebalancer_id",
                    "NodeBalancer not found",
                    format!("No NodeBalancer {nb}."),
                );
                return None;
            }
            Err(e) => {
                common::api_error_plain(
                    diags,
                    &format!("Unable to list the configs of NodeBalancer {nb}"),
                    &e,
                );
                return None;
            }
        };
        match configs.iter().find(|c| c.id == id) {
            Some(c) => Some(ConfigItem::from(c)),
            None => {
                diags.error_at(
                    "id",
                    "Config not found",
                    format!("NodeBalancer {nb} has no config {id}."),
                );
                None
            }
        }
    }
}
