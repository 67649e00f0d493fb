//! `data "linode_nodebalancer_node"`: one backend of a NodeBalancer config.

use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Val, async_trait};

use super::required_id;
use crate::nodebalancers::node::vpc_config_of;
use crate::{LinodeState, common};

/// `data "linode_nodebalancer_node"`.
pub(crate) struct NodeDataSource;

#[derive(Serialize, Deserialize, Default)]
pub(crate) struct NodeDataModel {
    id: Val<i64>,
    nodebalancer_id: Val<i64>,
    config_id: Val<i64>,
    label: Val<String>,
    weight: Val<i64>,
    mode: Val<String>,
    address: Val<String>,
    subnet_id: Val<i64>,
    vpc_config_id: Val<i64>,
    status: Val<String>,
}

#[async_trait]
impl TypedDataSource for NodeDataSource {
    type Model = NodeDataModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_nodebalancer_node"
    }

    fn schema(&self) -> Schema {
        let string = |text: &str| Attribute::string().computed().description(text);
        let number = |text: &str| Attribute::number().computed().description(text);
        Schema::new()
            .description("A backend of a NodeBalancer config, looked up by ID.")
            .attr(
                "id",
                Attribute::number().required().description("The node's ID."),
            )
            .attr(
                "nodebalancer_id",
                Attribute::number()
                    .required()
                    .description("The NodeBalancer's ID."),
            )
            .attr(
                "config_id",
                Attribute::number()
                    .required()
                    .description("The config's ID."),
            )
            .attr("label", string("The node's label."))
            .attr(
                "weight",
                number("The share of traffic relative to other nodes, 1-255."),
            )
            .attr("mode", string("`accept`, `reject`, `drain` or `backup`."))
            .attr(
                "address",
                string("The backend's private IPv4 address and port."),
            )
            .attr("subnet_id", number("The VPC subnet of a VPC backend."))
            .attr(
                "vpc_config_id",
                number("The NodeBalancer VPC configuration of a VPC backend."),
            )
            .attr("status", string("Health: `UP`, `DOWN` or `unknown`."))
    }

    async fn read(
        &self,
        req: DataRead<'_, NodeDataModel, LinodeState>,
        diags: &mut Diagnostics,
    ) -> Option<NodeDataModel> {
        let mut m = req.config;
        let nb = required_id(&m.nodebalancer_id, "nodebalancer_id", diags)?;
        let config = required_id(&m.config_id, "config_id", diags)?;
        let id = required_id(&m.id, "id", diags)?;
        let st = req.data;
        let node = match st.client.nodebalancers().get_node_opt(nb, config, id).await {
            Ok(Some(n)) => n,
            Ok(None) => {
                diags.error_at(
                    "id",
                    "Node not found",
                    format!("Config {config} of NodeBalancer {nb} has no node {id}."),
                );
                return None;
            }
            Err(e) => {
                common::api_error_plain(
                    diags,
                    &format!("Unable to read NodeBalancer node {id}"),
                    &e,
                );
                return None;
            }
        };
        let vpc = match vpc_config_of(st, &node).await {
            Ok(v) => v,
            Err(e) => {
                common::api_error_plain(
                    diags,
                    &format!("Unable to read the VPC configuration of node {id}"),
                    &e,
                );
                return None;
            }
        };
        m.label = Val::Known(node.label);
        m.weight = Val::Known(node.weight.into());
        m.mode = Val::Known(node.mode.as_str().to_owned());
        m.address = Val::Known(node.address);
        m.subnet_id = vpc.map(|v| v.subnet_id as i64).into();
        m.vpc_config_id = node.vpc_config_id.map(|v| v as i64).into();
        m.status = Val::Known(node.status.as_str().to_owned());
        Some(m)
    }
}
