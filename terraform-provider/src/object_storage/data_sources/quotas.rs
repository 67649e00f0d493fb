//! `data "linode_object_storage_quotas"`: the account's Object Storage quotas, narrowed by
//! `filter` blocks.

use futures::TryStreamExt;
use linode_sdk::ListParams;
use linode_sdk::models::object_storage::ObjectStorageQuota;
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Val, async_trait};

use super::quota::{QuotaFields, quota_schema};
use crate::common::filter::{FilterModel, Filterable, Query};
use crate::{LinodeState, common};

/// What `filter` may name (the official filterConfig: the API filters none, and there is no
/// `order_by`).
static FILTERABLE: Filterable = Filterable {
    fields: &["description", "endpoint_type", "quota_id", "quota_limit", "quota_name", "resource_metric", "s3_endpoint"],
    api: &[],
    ordered: false,
};

/// The data source.
pub(crate) struct QuotasDataSource;

#[derive(Serialize, Deserialize, Default)]
pub(crate) struct QuotasModel {
    id: Val<String>,
    filter: Vec<FilterModel>,
    quotas: Val<Vec<QuotaFields>>,
}

#[async_trait]
impl TypedDataSource for QuotasDataSource {
    type Model = QuotasModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_object_storage_quotas"
    }

    fn schema(&self) -> Schema {
        FILTERABLE.schema(
            Schema::new()
                .description(
                    "The account's Object Storage quotas (several per endpoint), optionally narrowed by `filter` blocks \
                     (every filter must match; within one filter any value may match).",
                )
                .attr("quotas", Attribute::list_nested(quota_schema()).computed().description("The quotas that match.")),
        )
    }

    async fn validate(&self, config: &QuotasModel, diags: &mut Diagnostics) {
        Query::new(&config.filter, &Val::Null, &Val::Null).validate(diags);
    }

    async fn read(&self, req: DataRead<'_, QuotasModel, LinodeState>, diags: &mut Diagnostics) -> Option<QuotasModel> {
        let (state, mut m) = (req.data, req.config);
        let query = Query::new(&m.filter, &Val::Null, &Val::Null);
        let params = ListParams::new().page_size(500);
        let quotas: Vec<ObjectStorageQuota> = match state.client.object_storage().list_all_quotas(params).try_collect().await {
            Ok(q) => q,
            Err(e) => {
                common::api_error_plain(diags, "Unable to list Object Storage quotas", &e);
                return None;
            }
        };
        let models: Vec<QuotaFields> = quotas.iter().map(QuotaFields::from).collect();
        m.quotas = Val::Known(query.apply(models, diags));
        m.id = Val::Known(query.id());
        Some(m)
    }
}
