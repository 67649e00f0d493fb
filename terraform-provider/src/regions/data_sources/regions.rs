//! `data "linode_regions"`: the regions, narrowed by `filter` blocks.

use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Val, async_trait};

use super::region::{RegionModel, region_schema};
use crate::LinodeState;
use crate::common::{self, filter::{FilterModel, Filterable, Query}};

/// What `filter` may name (the API filters none of it).
static FILTERABLE: Filterable = Filterable {
    fields: &["capabilities", "country", "id", "label", "site_type", "status"],
    api: &[],
    ordered: false,
};

/// The data source.
pub(crate) struct RegionsDataSource;

#[derive(Serialize, Deserialize, Default)]
pub(crate) struct RegionsModel {
    id: Val<String>,
    filter: Vec<FilterModel>,
    regions: Val<Vec<RegionModel>>,
}

#[async_trait]
impl TypedDataSource for RegionsDataSource {
    type Model = RegionsModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_regions"
    }

    fn schema(&self) -> Schema {
        let element = region_schema(Attribute::string().computed());
        FILTERABLE.schema(
            Schema::new()
                .description(
                    "The Linode regions, optionally narrowed by `filter` blocks (every filter must match; within one \
                     filter any value may match). Filterable fields: capabilities, country, id, label, site_type, status.",
                )
                .attr("regions", Attribute::list_nested(element).computed().description("The regions that match.")),
        )
    }

    async fn validate(&self, config: &RegionsModel, diags: &mut Diagnostics) {
        Query::new(&config.filter, &Val::Null, &Val::Null).validate(diags);
    }

    async fn read(&self, req: DataRead<'_, RegionsModel, LinodeState>, diags: &mut Diagnostics) -> Option<RegionsModel> {
        let (state, mut m) = (req.data, req.config);
        let query = Query::new(&m.filter, &Val::Null, &Val::Null);
        let regions = match state.catalog.regions(&state.client).await {
            Ok(r) => r,
            Err(e) => {
                common::api_error_plain(diags, "Unable to list Linode regions", &e);
                return None;
            }
        };
        let models: Vec<RegionModel> = regions.iter().map(RegionModel::from).collect();
        let regions = query.apply(models, diags);
        m.id = Val::Known(query.id());
        m.regions = Val::Known(regions);
        Some(m)
    }
}
