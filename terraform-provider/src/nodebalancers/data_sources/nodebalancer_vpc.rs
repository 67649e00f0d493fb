//! `data "linode_nodebalancer_vpc"`: one VPC configuration of a NodeBalancer.

use linode_sdk::models::nodebalancers::NodeBalancerVpcConfig;
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Val, async_trait};

use super::required_id;
use crate::{LinodeState, common};

/// `data "linode_nodebalancer_vpc"`.
pub(crate) struct VpcDataSource;

/// A VPC configuration as the VPC data sources show it.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(crate) struct VpcConfigItem {
    nodebalancer_id: i64,
    id: i64,
    ipv4_range: Option<String>,
    ipv6_range: Option<String>,
    subnet_id: Option<i64>,
    vpc_id: Option<i64>,
}

impl From<&NodeBalancerVpcConfig> for VpcConfigItem {
    fn from(c: &NodeBalancerVpcConfig) -> Self {
        VpcConfigItem {
            nodebalancer_id: c.nodebalancer_id as i64,
            id: c.id as i64,
            ipv4_range: c.ipv4_range.clone(),
            ipv6_range: c.ipv6_range.clone(),
            subnet_id: Some(c.subnet_id as i64),
            vpc_id: Some(c.vpc_id as i64),
        }
    }
}

/// The attributes of a VPC configuration; `nodebalancer_id` and `id` as given (required here,
/// computed in `linode_nodebalancer_vpcs`).
pub(crate) fn vpc_config_schema(nodebalancer_id: Attribute, id: Attribute) -> Schema {
    let string = |text: &str| Attribute::string().computed().description(text);
    let number = |text: &str| Attribute::number().computed().description(text);
    Schema::new()
        .attr(
            "nodebalancer_id",
            nodebalancer_id.description("The NodeBalancer's ID."),
        )
        .attr("id", id.description("The VPC configuration's ID."))
        .attr(
            "ipv4_range",
            string("The IPv4 range (CIDR) the NodeBalancer uses in the subnet."),
        )
        .attr(
            "ipv6_range",
            string("The IPv6 range (CIDR) the NodeBalancer uses in the subnet."),
        )
        .attr("subnet_id", number("The VPC subnet."))
        .attr("vpc_id", number("The VPC."))
}

#[async_trait]
impl TypedDataSource for VpcDataSource {
    type Model = VpcConfigItem;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_nodebalancer_vpc"
    }

    fn schema(&self) -> Schema {
        vpc_config_schema(
            Attribute::number().required(),
            Attribute::number().required(),
        )
        .description("A VPC configuration of a NodeBalancer, looked up by ID.")
    }

    async fn read(
        &self,
        req: DataRead<'_, VpcConfigItem, LinodeState>,
        diags: &mut Diagnostics,
    ) -> Option<VpcConfigItem> {
        let nb = required_id(
            &Val::Known(req.config.nodebalancer_id),
            "nodebalancer_id",
            diags,
        )?;
        let id = required_id(&Val::Known(req.config.id), "id", diags)?;
        match req
            .data
            .client
            .nodebalancers()
            .get_vpc_config_opt(nb, id)
            .await
        {
            Ok(Some(c)) => Some(VpcConfigItem::from(&c)),
            Ok(None) => {
                diags.error_at(
                    "id",
                    "VPC configuration not found",
                    format!("NodeBalancer {nb} has no VPC configuration {id}."),
                );
                None
            }
            Err(e) => {
                common::api_error_plain(
                    diags,
                    &format!("Unable to read VPC configuration {id} of NodeBalancer {nb}"),
                    &e,
                );
                None
            }
        }
    }
}
