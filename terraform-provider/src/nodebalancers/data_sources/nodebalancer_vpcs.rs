//! `data "linode_nodebalancer_vpcs"`: the VPC configurations of one NodeBalancer, narrowed by
//! `filter` blocks (matched here, as the official provider does) and ordered.

use linode_sdk::ListParams;
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Val, async_trait};

use super::nodebalancer_vpc::{VpcConfigItem, vpc_config_schema};
use super::{list_under, required_id};
use crate::LinodeState;
use crate::common::filter::{FilterModel, Filterable, Query};

/// What `filter` and `order_by` may name.
static FILTERABLE: Filterable = Filterable {
    fields: &[
        "id",
        "ipv4_range",
        "ipv6_range",
        "nodebalancer_id",
        "subnet_id",
        "vpc_id",
    ],
    api: &[],
    ordered: true,
};

/// `data "linode_nodebalancer_vpcs"`.
pub(crate) struct VpcsDataSource;

#[derive(Serialize, Deserialize, Default)]
pub(crate) struct VpcsModel {
    id: Val<String>,
    nodebalancer_id: Val<i64>,
    order_by: Val<String>,
    order: Val<String>,
    filter: Vec<FilterModel>,
    vpc_configs: Val<Vec<VpcConfigItem>>,
}

#[async_trait]
impl TypedDataSource for VpcsDataSource {
    type Model = VpcsModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_nodebalancer_vpcs"
    }

    fn schema(&self) -> Schema {
        FILTERABLE.schema(
            Schema::new()
                .description(
                    "The VPC configurations of a NodeBalancer, optionally narrowed by `filter` blocks and ordered by \
                     `order_by`.",
                )
                .attr("nodebalancer_id", Attribute::number().required().description("The NodeBalancer's ID."))
                .attr(
                    "vpc_configs",
                    Attribute::list_nested(vpc_config_schema(Attribute::number().computed(), Attribute::number().computed()))
                        .computed()
                        .description("The VPC configurations that match."),
                ),
        )
    }

    async fn validate(&self, config: &VpcsModel, diags: &mut Diagnostics) {
        Query::new(&config.filter, &config.order_by, &config.order).validate(diags);
    }

    async fn read(
        &self,
        req: DataRead<'_, VpcsModel, LinodeState>,
        diags: &mut Diagnostics,
    ) -> Option<VpcsModel> {
        let mut m = req.config;
        let nb = required_id(&m.nodebalancer_id, "nodebalancer_id", diags)?;
        let query = Query::new(&m.filter, &m.order_by, &m.order);
        let listing = req
            .data
            .client
            .nodebalancers()
            .list_all_vpc_configs(nb, ListParams::new().page_size(500));
        let configs = list_under(listing, nb, "VPC configurations", diags).await?;
        let items = query.apply(configs.iter().map(VpcConfigItem::from).collect(), diags);
        let id = format!("{nb}-{}", query.id());
        m.vpc_configs = Val::Known(items);
        m.id = Val::Known(id);
        Some(m)
    }
}
