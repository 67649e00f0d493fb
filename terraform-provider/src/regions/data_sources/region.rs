//! `data "linode_region"`: one region of the catalog, by id.

use linode_sdk::models::regions::Region;
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Type, async_trait};

use crate::LinodeState;

/// The data source.
pub(crate) struct RegionDataSource;

#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(crate) struct ResolversModel {
    ipv4: String,
    ipv6: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(crate) struct PlacementGroupLimitsModel {
    maximum_pgs_per_customer: Option<i64>,
    maximum_linodes_per_pg: Option<i64>,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(crate) struct MonitorsModel {
    alerts: Vec<String>,
    metrics: Vec<String>,
}

/// One region, as both region data sources show it.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(crate) struct RegionModel {
    pub id: String,
    label: Option<String>,
    country: Option<String>,
    capabilities: Option<Vec<String>>,
    status: Option<String>,
    site_type: Option<String>,
    placement_group_limits: Option<Vec<PlacementGroupLimitsModel>>,
    monitors: Option<MonitorsModel>,
    resolvers: Option<Vec<ResolversModel>>,
}

impl From<&Region> for RegionModel {
    fn from(r: &Region) -> Self {
        RegionModel {
            id: r.id.clone(),
            label: Some(r.label.clone()),
            country: Some(r.country.clone()),
            capabilities: Some(r.capabilities.clone()),
            status: Some(r.status.as_str().to_string()),
            site_type: Some(r.site_type.clone().unwrap_or_default()),
            placement_group_limits: Some(
                r.placement_group_limits
                    .iter()
                    .map(|l| PlacementGroupLimitsModel {
                        maximum_pgs_per_customer: l.maximum_pgs_per_customer.map(|v| v as i64),
                        maximum_linodes_per_pg: l.maximum_linodes_per_pg.map(|v| v as i64),
                    })
                    .collect(),
            ),
            monitors: Some(r.monitors.as_ref().map_or_else(MonitorsModel::default, |m| MonitorsModel {
                alerts: m.alerts.clone(),
                metrics: m.metrics.clone(),
            })),
            resolvers: Some(vec![ResolversModel { ipv4: r.resolvers.ipv4.clone(), ipv6: r.resolvers.ipv6.clone() }]),
        }
    }
}

/// The attributes of a region; `id` as given (required in `linode_region`, computed in lists).
pub(crate) fn region_schema(id: Attribute) -> Schema {
    let computed = |ty: Type, text: &str| Attribute::of(ty).computed().description(text);
    let string = |text: &str| Attribute::string().computed().description(text);
    Schema::new()
        .attr("id", id.description("The region's ID, e.g. `us-east`."))
        .attr("label", string("The region's name, e.g. `Newark, NJ`."))
        .attr("country", string("The region's country code."))
        .attr(
            "capabilities",
            computed(Type::set(Type::String), "What the region offers, e.g. `Kubernetes`, `NodeBalancers`, `Object Storage`."),
        )
        .attr("status", string("`ok` or `outage`."))
        .attr("site_type", string("`core` or `distributed`."))
        .attr(
            "placement_group_limits",
            computed(
                Type::list(Type::object([("maximum_pgs_per_customer", Type::Number), ("maximum_linodes_per_pg", Type::Number)])),
                "Placement group limits in this region.",
            ),
        )
        .attr(
            "monitors",
            computed(
                Type::object([("alerts", Type::list(Type::String)), ("metrics", Type::list(Type::String))]),
                "The monitoring services available in the region.",
            ),
        )
        .attr(
            "resolvers",
            Attribute::list_nested(
                Schema::new()
                    .attr("ipv4", string("The IPv4 DNS resolvers (comma separated)."))
                    .attr("ipv6", string("The IPv6 DNS resolvers (comma separated).")),
            )
            .computed()
            .description("The region's DNS resolvers."),
        )
}

#[async_trait]
impl TypedDataSource for RegionDataSource {
    type Model = RegionModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_region"
    }

    fn schema(&self) -> Schema {
        region_schema(Attribute::string().required()).description("A Linode region: its capabilities, status and resolvers.")
    }

    async fn read(&self, req: DataRead<'_, RegionModel, LinodeState>, diags: &mut Diagnostics) -> Option<RegionModel> {
        let state = req.data;
        let region = state.catalog.check_region(&state.client, &req.config.id, None, "id", diags).await?;
        Some(RegionModel::from(region))
    }
}
