//! `data "linode_vpc_subnets"`: the subnets of a VPC, narrowed by `filter` blocks.

use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Val, async_trait};

use super::subnet::subnet_attrs;
use crate::LinodeState;
use crate::common::{
    self,
    filter::{FilterModel, Filterable, Query},
};
use crate::vpcs::{RangeModel, SubnetLinodeModel, SubnetUserModel, SubnetView, list_subnets};

/// What `filter` may name (as the official `filterConfig`: all client-side).
static FILTERABLE: Filterable = Filterable {
    fields: &["id", "label", "ipv4"],
    api: &[],
    ordered: false,
};

/// The data source.
pub(crate) struct SubnetsDataSource;

/// One subnet of the list.
#[derive(Serialize, Deserialize, Clone, Debug)]
struct ListedSubnet {
    id: i64,
    label: String,
    ipv4: Option<String>,
    ipv6: Vec<RangeModel>,
    created: String,
    updated: String,
    linodes: Vec<SubnetLinodeModel>,
    databases: Vec<SubnetUserModel>,
    nodebalancers: Vec<SubnetUserModel>,
}

impl From<SubnetView> for ListedSubnet {
    fn from(v: SubnetView) -> ListedSubnet {
        ListedSubnet {
            id: v.id as i64,
            label: v.label,
            ipv4: v.ipv4,
            ipv6: v.ipv6,
            created: v.created,
            updated: v.updated,
            linodes: v.linodes,
            databases: v.databases,
            nodebalancers: v.nodebalancers,
        }
    }
}

#[derive(Serialize, Deserialize)]
pub(crate) struct SubnetsModel {
    id: Val<String>,
    vpc_id: i64,
    filter: Vec<FilterModel>,
    vpc_subnets: Val<Vec<ListedSubnet>>,
}

#[async_trait]
impl TypedDataSource for SubnetsDataSource {
    type Model = SubnetsModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_vpc_subnets"
    }

    fn schema(&self) -> Schema {
        let element = subnet_attrs(
            Schema::new().attr(
                "id",
                Attribute::number()
                    .computed()
                    .description("The ID of the subnet."),
            ),
        );
        FILTERABLE.schema(
            Schema::new()
                .description(
                    "The subnets of a VPC, optionally narrowed by `filter` blocks (every filter must match; within one \
                     filter any value may match). Filterable fields: id, label, ipv4.",
                )
                .attr("vpc_id", Attribute::number().required().description("The ID of the VPC."))
                .attr("vpc_subnets", Attribute::list_nested(element).computed().description("The subnets that match.")),
        )
    }

    async fn validate(&self, config: &SubnetsModel, diags: &mut Diagnostics) {
        Query::new(&config.filter, &Val::Null, &Val::Null).validate(diags);
    }

    async fn read(
        &self,
        req: DataRead<'_, SubnetsModel, LinodeState>,
        diags: &mut Diagnostics,
    ) -> Option<SubnetsModel> {
        let (state, mut m) = (req.data, req.config);
        let Ok(vpc_id) = u64::try_from(m.vpc_id) else {
            diags.error_at(
                "vpc_id",
                "Invalid VPC ID",
                format!("{} is not a VPC ID.", m.vpc_id),
            );
            return None;
        };
        let query = Query::new(&m.filter, &Val::Null, &Val::Null);
        let subnets = match list_subnets(state, vpc_id).await {
            Ok(s) => s,
            Err(e) if e.is_not_found() => {
                diags.error_at(
                    "vpc_id",
                    "VPC not found",
                    format!("VPC {vpc_id} does not exist."),
                );
                return None;
            }
            Err(e) => {
                common::api_error_plain(
                    diags,
                    &format!("Unable to list the subnets of VPC {vpc_id}"),
                    &e,
                );
                return None;
            }
        };
        let items: Vec<ListedSubnet> = subnets
            .iter()
            .map(|s| ListedSubnet::from(SubnetView::from(s)))
            .collect();
        m.vpc_subnets = Val::Known(query.apply(items, diags));
        m.id = Val::Known(format!("{vpc_id}-{}", query.id()));
        Some(m)
    }
}
