//! `data "linode_vpcs"`: the VPCs, narrowed by `filter` blocks.

use futures::TryStreamExt;
use linode_sdk::ListParams;
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Val, async_trait};

use super::vpc::{VpcDataModel, vpc_schema};
use crate::LinodeState;
use crate::common::{
    self,
    filter::{FilterModel, Filterable, Query},
};

/// What `filter` may name (as the official `filterConfig`: all client-side).
static FILTERABLE: Filterable = Filterable {
    fields: &["id", "label", "description", "region"],
    api: &[],
    ordered: false,
};

/// The data source.
pub(crate) struct VpcsDataSource;

#[derive(Serialize, Deserialize)]
pub(crate) struct VpcsModel {
    id: Val<String>,
    filter: Vec<FilterModel>,
    vpcs: Val<Vec<VpcDataModel>>,
}

#[async_trait]
impl TypedDataSource for VpcsDataSource {
    type Model = VpcsModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_vpcs"
    }

    fn schema(&self) -> Schema {
        FILTERABLE.schema(
            Schema::new()
                .description(
                    "The VPCs, optionally narrowed by `filter` blocks (every filter must match; within one filter any \
                     value may match). Filterable fields: id, label, description, region.",
                )
                .attr(
                    "vpcs",
                    Attribute::list_nested(vpc_schema(Attribute::string().computed())).computed().description("The VPCs that match."),
                ),
        )
    }

    async fn validate(&self, config: &VpcsModel, diags: &mut Diagnostics) {
        Query::new(&config.filter, &Val::Null, &Val::Null).validate(diags);
    }

    async fn read(
        &self,
        req: DataRead<'_, VpcsModel, LinodeState>,
        diags: &mut Diagnostics,
    ) -> Option<VpcsModel> {
        let (state, mut m) = (req.data, req.config);
        let query = Query::new(&m.filter, &Val::Null, &Val::Null);
        let params = ListParams::new()
            .page_size(500)
            .filter(query.api_filter(&FILTERABLE));
        let vpcs: Vec<_> = match state.client.vpcs().list_all(params).try_collect().await {
            Ok(v) => v,
            Err(e) => {
                common::api_error_plain(diags, "Unable to list VPCs", &e);
                return None;
            }
        };
        let items: Vec<VpcDataModel> = vpcs.iter().map(VpcDataModel::from).collect();
        m.vpcs = Val::Known(query.apply(items, diags));
        m.id = Val::Known(query.id());
        Some(m)
    }
}
