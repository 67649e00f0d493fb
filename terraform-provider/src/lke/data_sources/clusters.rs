//! `data "linode_lke_clusters"`: the account's LKE clusters, narrowed by `filter` blocks.

use futures::TryStreamExt;
use linode_sdk::ListParams;
use linode_sdk::models::lke::LkeCluster;
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Type, Val, async_trait};

use crate::common::filter::{FilterModel, Filterable, Query};
use crate::{LinodeState, common};

/// The official filter fields; the API filters `k8s_version`, `label`, `region` and `tags`.
static FILTERABLE: Filterable = Filterable {
    fields: &["k8s_version", "label", "region", "tags", "created", "updated", "status", "tier"],
    api: &["k8s_version", "label", "region", "tags"],
    ordered: true,
};

#[derive(Serialize, Deserialize, Clone, Debug)]
struct ControlPlaneModel {
    high_availability: bool,
    audit_logs_enabled: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
struct ClusterModel {
    id: i64,
    created: String,
    updated: String,
    label: String,
    k8s_version: String,
    apl_enabled: bool,
    tags: Vec<String>,
    region: String,
    status: String,
    tier: String,
    subnet_id: Option<i64>,
    vpc_id: Option<i64>,
    stack_type: String,
    control_plane: ControlPlaneModel,
}

impl From<LkeCluster> for ClusterModel {
    fn from(c: LkeCluster) -> Self {
        ClusterModel {
            id: c.id as i64,
            created: crate::common::api_time(&c.created),
            updated: crate::common::api_time(&c.updated),
            label: c.label,
            k8s_version: c.k8s_version,
            apl_enabled: c.apl_enabled.unwrap_or(false),
            tags: c.tags,
            region: c.region,
            status: c.status.as_ref().map_or("ready", |s| s.as_str()).to_string(),
            tier: c.tier.as_ref().map_or("standard", |t| t.as_str()).to_string(),
            subnet_id: c.subnet_id.map(|v| v as i64),
            vpc_id: c.vpc_id.map(|v| v as i64),
            stack_type: c.stack_type.as_ref().map_or("ipv4", |s| s.as_str()).to_string(),
            control_plane: ControlPlaneModel {
                high_availability: c.control_plane.high_availability,
                audit_logs_enabled: c.control_plane.audit_logs_enabled.unwrap_or(false),
            },
        }
    }
}

#[derive(Serialize, Deserialize, Default)]
pub(crate) struct ClustersModel {
    id: Val<String>,
    filter: Vec<FilterModel>,
    order_by: Val<String>,
    order: Val<String>,
    lke_clusters: Val<Vec<ClusterModel>>,
}

/// `data "linode_lke_clusters"`.
pub(crate) struct ClustersDataSource;

#[async_trait]
impl TypedDataSource for ClustersDataSource {
    type Model = ClustersModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_lke_clusters"
    }

    fn schema(&self) -> Schema {
        let computed = |ty: Type, d: &str| Attribute::of(ty).computed().description(d);
        let string = |d: &str| computed(Type::String, d);
        let cluster = Schema::new()
            .attr("id", computed(Type::Number, "The cluster's ID."))
            .attr("created", string("When the cluster was created (RFC 3339)."))
            .attr("updated", string("When the cluster was last updated (RFC 3339)."))
            .attr("label", string("The cluster's label."))
            .attr("k8s_version", string("The Kubernetes version."))
            .attr("apl_enabled", computed(Type::Bool, "Whether Akamai App Platform is enabled."))
            .attr("tags", computed(Type::set(Type::String), "The cluster's tags."))
            .attr("region", string("The cluster's region."))
            .attr("status", string("The cluster's status."))
            .attr("tier", string("`standard` or `enterprise`."))
            .attr("subnet_id", computed(Type::Number, "The VPC subnet (LKE Enterprise)."))
            .attr("vpc_id", computed(Type::Number, "The VPC (LKE Enterprise)."))
            .attr("stack_type", string("`ipv4` or `ipv4-ipv6`."))
            .attr(
                "control_plane",
                computed(
                    Type::object([("high_availability", Type::Bool), ("audit_logs_enabled", Type::Bool)]),
                    "Control plane settings.",
                ),
            );
        FILTERABLE.schema(
            Schema::new()
                .description("Lists the account's LKE clusters, narrowed by `filter` blocks and ordered by `order_by`.")
                .attr("lke_clusters", Attribute::list_nested(cluster).computed().description("The clusters that match.")),
        )
    }

    async fn validate(&self, config: &ClustersModel, diags: &mut Diagnostics) {
        Query::new(&config.filter, &config.order_by, &config.order).validate(diags);
    }

    async fn read(&self, req: DataRead<'_, ClustersModel, LinodeState>, diags: &mut Diagnostics) -> Option<ClustersModel> {
        let mut m = req.config;
        let query = Query::new(&m.filter, &m.order_by, &m.order);
        let params = ListParams::new().page_size(500).filter(query.api_filter(&FILTERABLE));
        let clusters: Vec<LkeCluster> = match req.data.client.lke().list_all(params).try_collect().await {
            Ok(c) => c,
            Err(e) => {
                common::api_error_plain(diags, "Unable to list LKE clusters", &e);
                return None;
            }
        };
        let clusters = query.apply(clusters.into_iter().map(ClusterModel::from).collect(), diags);
        m.id = Val::Known(query.id());
        m.lke_clusters = Val::Known(clusters);
        Some(m)
    }
}
