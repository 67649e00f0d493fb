//! `data "linode_vpc"`: one VPC by ID.

use linode_sdk::models::vpcs::Vpc;
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, async_trait};

use crate::vpcs::RangeModel;
use crate::{LinodeState, common};

/// The data source.
pub(crate) struct VpcDataSource;

/// One VPC, as both VPC data sources show it.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(crate) struct VpcDataModel {
    pub id: String,
    label: Option<String>,
    description: Option<String>,
    region: Option<String>,
    ipv6: Option<Vec<RangeModel>>,
    created: Option<String>,
    updated: Option<String>,
}

impl From<&Vpc> for VpcDataModel {
    fn from(v: &Vpc) -> VpcDataModel {
        VpcDataModel {
            id: v.id.to_string(),
            label: Some(v.label.clone()),
            description: Some(v.description.clone()),
            region: Some(v.region.clone()),
            ipv6: Some(v.ipv6.iter().map(RangeModel::from).collect()),
            created: Some(common::api_time(&v.created)),
            updated: Some(common::api_time(v.updated.as_deref().unwrap_or(&v.created))),
        }
    }
}

/// The attributes of a VPC; `id` as given (required in `linode_vpc`, computed in lists).
pub(crate) fn vpc_schema(id: Attribute) -> Schema {
    let string = |d: &str| Attribute::string().computed().description(d);
    Schema::new()
        .attr("id", id.description("The ID of the VPC."))
        .attr("label", string("The label."))
        .attr("description", string("The description."))
        .attr("region", string("The region."))
        .attr(
            "ipv6",
            Attribute::list_nested(
                Schema::new().attr("range", string("An IPv6 range of the VPC.")),
            )
            .computed()
            .description("The IPv6 ranges of the VPC."),
        )
        .attr("created", string("When the VPC was created (RFC 3339)."))
        .attr(
            "updated",
            string("When the VPC was last updated (RFC 3339)."),
        )
}

#[async_trait]
impl TypedDataSource for VpcDataSource {
    type Model = VpcDataModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_vpc"
    }

    fn schema(&self) -> Schema {
        vpc_schema(Attribute::string().required()).description("A VPC, looked up by ID.")
    }

    async fn read(
        &self,
        req: DataRead<'_, VpcDataModel, LinodeState>,
        diags: &mut Diagnostics,
    ) -> Option<VpcDataModel> {
        let id = &req.config.id;
        let vpc_id = common::parse_id(id, "id", diags)?;
        match req.data.client.vpcs().get_opt(vpc_id).await {
            Ok(Some(v)) => Some(VpcDataModel::from(&v)),
            Ok(None) => {
                diags.error_at(
                    "id",
                    "VPC not found",
                    format!("VPC {vpc_id} does not exist."),
                );
                None
            }
            Err(e) => {
                common::api_error_plain(diags, &format!("Unable to read VPC {vpc_id}"), &e);
                None
            }
        }
    }
}
