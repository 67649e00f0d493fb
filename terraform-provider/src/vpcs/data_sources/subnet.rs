//! `data "linode_vpc_subnet"`: one subnet of a VPC by ID.

use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, async_trait};

use crate::vpcs::{
    RangeModel, SubnetLinodeModel, SubnetUserModel, SubnetView, linodes_type, users_type,
};
use crate::{LinodeState, common};

/// The data source.
pub(crate) struct SubnetDataSource;

#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(crate) struct SubnetDataModel {
    id: String,
    vpc_id: i64,
    label: Option<String>,
    ipv4: Option<String>,
    ipv6: Option<Vec<RangeModel>>,
    created: Option<String>,
    updated: Option<String>,
    linodes: Option<Vec<SubnetLinodeModel>>,
    databases: Option<Vec<SubnetUserModel>>,
    nodebalancers: Option<Vec<SubnetUserModel>>,
}

/// The computed attributes of a subnet (both subnet data sources).
pub(crate) fn subnet_attrs(schema: Schema) -> Schema {
    let string = |d: &str| Attribute::string().computed().description(d);
    schema
        .attr("label", string("The label."))
        .attr("ipv4", string("The IPv4 range."))
        .attr(
            "ipv6",
            Attribute::list_nested(
                Schema::new().attr("range", string("An IPv6 range of the subnet.")),
            )
            .computed()
            .description("The IPv6 ranges of the subnet."),
        )
        .attr("created", string("When the subnet was created (RFC 3339)."))
        .attr(
            "updated",
            string("When the subnet was last updated (RFC 3339)."),
        )
        .attr(
            "linodes",
            Attribute::of(linodes_type())
                .computed()
                .description("The Linodes with interfaces in the subnet."),
        )
        .attr(
            "databases",
            Attribute::of(users_type())
                .computed()
                .description("The Managed Databases using the subnet."),
        )
        .attr(
            "nodebalancers",
            Attribute::of(users_type())
                .computed()
                .description("The NodeBalancers using the subnet."),
        )
}

#[async_trait]
impl TypedDataSource for SubnetDataSource {
    type Model = SubnetDataModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_vpc_subnet"
    }

    fn schema(&self) -> Schema {
        subnet_attrs(
            Schema::new()
                .description("A subnet of a VPC, looked up by ID: its range and what uses it.")
                .attr(
                    "id",
                    Attribute::string()
                        .required()
                        .description("The ID of the subnet."),
                )
                .attr(
                    "vpc_id",
                    Attribute::number()
                        .required()
                        .description("The ID of the VPC."),
                ),
        )
    }

    async fn read(
        &self,
        req: DataRead<'_, SubnetDataModel, LinodeState>,
        diags: &mut Diagnostics,
    ) -> Option<SubnetDataModel> {
        let m = req.config;
        let id = common::parse_id(&m.id, "id", diags)?;
        let Ok(vpc_id) = u64::try_from(m.vpc_id) else {
            diags.error_at(
                "vpc_id",
                "Invalid VPC ID",
                format!("{} is not a VPC ID.", m.vpc_id),
            );
            return None;
        };
        let subnet = match req.data.client.vpcs().get_subnet_opt(vpc_id, id).await {
            Ok(Some(s)) => s,
            Ok(None) => {
                diags.error_at(
                    "id",
                    "Subnet not found",
                    format!("VPC {vpc_id} has no subnet {id}."),
                );
                return None;
            }
            Err(e) => {
                common::api_error_plain(diags, &format!("Unable to read VPC subnet {id}"), &e);
                return None;
            }
        };
        let v = SubnetView::from(&subnet);
        Some(SubnetDataModel {
            id: m.id,
            vpc_id: m.vpc_id,
            label: Some(v.label),
            ipv4: v.ipv4,
            ipv6: Some(v.ipv6),
            created: Some(v.created),
            updated: Some(v.updated),
            linodes: Some(v.linodes),
            databases: Some(v.databases),
            nodebalancers: Some(v.nodebalancers),
        })
    }
}
