//! `data "linode_nodebalancer_config"`.

use serde::{Deserialize, Serialize};
use tfplugin::data_source::{DataSourceReadRequest, DataSourceReadResponse};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::{DataSource, Val, async_trait};

use crate::nodebalancers::config::{ConfigModel, NodeStatusModel, cached_configs, node_status_type};
use crate::common;

/// `data "linode_nodebalancer_config"`.
pub struct NodeBalancerConfigDataSource;

#[derive(Serialize, Deserialize, Default)]
struct ConfigDataModel {
    id: Val<i64>,
    nodebalancer_id: Val<i64>,
    protocol: Val<String>,
    proxy_protocol: Val<String>,
    port: Val<i64>,
    check_interval: Val<i64>,
    check_timeout: Val<i64>,
    check_attempts: Val<i64>,
    udp_check_port: Val<i64>,
    udp_session_timeout: Val<i64>,
    algorithm: Val<String>,
    stickiness: Val<String>,
    check: Val<String>,
    check_path: Val<String>,
    check_body: Val<String>,
    check_passive: Val<bool>,
    cipher_suite: Val<String>,
    ssl_commonname: Val<String>,
    ssl_fingerprint: Val<String>,
    node_status: Val<Vec<NodeStatusModel>>,
}

#[async_trait]
impl DataSource for NodeBalancerConfigDataSource {
    fn type_name(&self) -> &str {
        "linode_nodebalancer_config"
    }

    fn schema(&self) -> Schema {
        let string = |text: &str| Attribute::string().computed().description(text);
        let number = |text: &str| Attribute::number().computed().description(text);
        Schema::new()
            .description("A port configuration of a NodeBalancer, looked up by ID.")
            .attr("id", Attribute::number().required().description("The config's ID."))
            .attr("nodebalancer_id", Attribute::number().required().description("The NodeBalancer's ID."))
            .attr("protocol", string("`http`, `https`, `tcp` or `udp`."))
            .attr("proxy_protocol", string("`none`, `v1` or `v2`."))
            .attr("port", number("The port."))
            .attr("check_interval", number("Seconds between health checks."))
            .attr("check_timeout", number("Seconds to wait for a health check answer."))
            .attr("check_attempts", number("Failed checks before a backend is taken out of rotation."))
            .attr("udp_check_port", number("The health check port of udp configs."))
            .attr("udp_session_timeout", number("Idle timeout of UDP sessions, in seconds."))
            .attr("algorithm", string("The balancing algorithm."))
            .attr("stickiness", string("Session stickiness."))
            .attr("check", string("The health check type."))
            .attr("check_path", string("The URL path of http checks."))
            .attr("check_body", string("The regular expression of http_body checks."))
            .attr("check_passive", Attribute::bool().computed().description("Whether 5xx answers take a backend out."))
            .attr("cipher_suite", string("`recommended` or `legacy`."))
            .attr("ssl_commonname", string("The common name of the TLS certificate."))
            .attr("ssl_fingerprint", string("The fingerprint of the TLS certificate."))
            .attr("node_status", Attribute::of(node_status_type()).computed().description("Backends `up` and `down`."))
    }

    async fn read(&self, req: DataSourceReadRequest, resp: &mut DataSourceReadResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(st), Some(m)) = (common::state(&req.ctx, diags), req.config_as::<ConfigDataModel>(diags)) else {
            return;
        };
        let (Some(nb), Some(id)) = (
            m.nodebalancer_id.get().and_then(|i| u64::try_from(*i).ok()),
            m.id.get().and_then(|i| u64::try_from(*i).ok()),
        ) else {
            diags.error_at("id", "Invalid id", "id and nodebalancer_id must be positive numbers.");
            return;
        };
        let configs = match cached_configs(st, nb).await {
            Ok(c) => c,
            Err(e) if e.is_not_found() => {
                return diags.error_at("nodebalancer_id", "NodeBalancer not found", format!("No NodeBalancer {nb}."));
            }
            Err(e) => return common::api_error_plain(diags, &format!("Unable to list the configs of {nb}"), &e),
        };
        let Some(c) = configs.iter().find(|c| c.id == id) else {
            return diags.error_at("id", "Config not found", format!("NodeBalancer {nb} has no config {id}."));
        };
        let r = ConfigModel::from_api(&ConfigModel::default(), c);
        resp.set_state(&ConfigDataModel {
            id: Val::Known(id as i64),
            nodebalancer_id: Val::Known(nb as i64),
            protocol: r.protocol,
            proxy_protocol: r.proxy_protocol,
            port: r.port,
            check_interval: r.check_interval,
            check_timeout: r.check_timeout,
            check_attempts: r.check_attempts,
            udp_check_port: r.udp_check_port,
            udp_session_timeout: r.udp_session_timeout,
            algorithm: r.algorithm,
            stickiness: r.stickiness,
            check: r.check,
            check_path: r.check_path,
            check_body: r.check_body,
            check_passive: r.check_passive,
            cipher_suite: r.cipher_suite,
            ssl_commonname: r.ssl_commonname,
            ssl_fingerprint: r.ssl_fingerprint,
            node_status: r.node_status,
        });
    }
}
