//! `data "linode_object_storage_endpoints"`: the Object Storage S3 endpoints, narrowed by
//! `filter` blocks and ordered.

use linode_sdk::models::object_storage::ObjectStorageEndpoint;
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Val, async_trait};

use crate::common::filter::{FilterModel, Filterable, Query};
use crate::object_storage::list_endpoints;
use crate::{LinodeState, common};

/// What `filter` and `order_by` may name (the official filterConfig: the API filters none).
static FILTERABLE: Filterable =
    Filterable { fields: &["endpoint_type", "region", "s3_endpoint"], api: &[], ordered: true };

/// The data source.
pub(crate) struct EndpointsDataSource;

#[derive(Serialize, Deserialize, Default)]
pub(crate) struct EndpointsModel {
    id: Val<String>,
    order_by: Val<String>,
    order: Val<String>,
    filter: Vec<FilterModel>,
    endpoints: Val<Vec<EndpointModel>>,
}

/// One endpoint.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(crate) struct EndpointModel {
    endpoint_type: String,
    region: String,
    s3_endpoint: Option<String>,
}

impl From<&ObjectStorageEndpoint> for EndpointModel {
    fn from(e: &ObjectStorageEndpoint) -> Self {
        EndpointModel {
            endpoint_type: e.endpoint_type.as_str().to_string(),
            region: e.region.clone(),
            s3_endpoint: e.s3_endpoint.clone(),
        }
    }
}

#[async_trait]
impl TypedDataSource for EndpointsDataSource {
    type Model = EndpointsModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_object_storage_endpoints"
    }

    fn schema(&self) -> Schema {
        let string = |text: &str| Attribute::string().computed().description(text);
        let endpoint = Schema::new()
            .attr("endpoint_type", string("The endpoint type: `E0`, `E1`, `E2` or `E3`."))
            .attr("region", string("The region of the endpoint, e.g. `us-east`."))
            .attr("s3_endpoint", string("The S3 endpoint (host name); null when none is assigned to the account."));
        FILTERABLE.schema(
            Schema::new()
                .description(
                    "The Object Storage S3 endpoints, one per region and endpoint type, optionally narrowed by \
                     `filter` blocks and ordered by `order_by`.",
                )
                .attr("endpoints", Attribute::list_nested(endpoint).computed().description("The endpoints that match.")),
        )
    }

    async fn validate(&self, config: &EndpointsModel, diags: &mut Diagnostics) {
        Query::new(&config.filter, &config.order_by, &config.order).validate(diags);
    }

    async fn read(&self, req: DataRead<'_, EndpointsModel, LinodeState>, diags: &mut Diagnostics) -> Option<EndpointsModel> {
        let (state, mut m) = (req.data, req.config);
        let query = Query::new(&m.filter, &m.order_by, &m.order);
        let endpoints = match list_endpoints(&state.client).await {
            Ok(e) => e,
            Err(e) => {
                common::api_error_plain(diags, "Unable to list Object Storage endpoints", &e);
                return None;
            }
        };
        let models: Vec<EndpointModel> = endpoints.iter().map(EndpointModel::from).collect();
        m.endpoints = Val::Known(query.apply(models, diags));
        m.id = Val::Known(query.id());
        Some(m)
    }
}
