//! `data "linode_object_storage_quota"`: one Object Storage quota of the account, with its
//! usage.

use linode_sdk::models::object_storage::ObjectStorageQuota;
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Type, Val, async_trait};

use crate::{LinodeState, common};

/// The data source.
pub(crate) struct QuotaDataSource;

/// A quota, as `linode_object_storage_quota` and each element of `linode_object_storage_quotas`
/// show it.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(crate) struct QuotaFields {
    quota_id: String,
    quota_name: Val<String>,
    endpoint_type: Val<String>,
    s3_endpoint: Val<String>,
    description: Val<String>,
    quota_limit: Val<i64>,
    resource_metric: Val<String>,
}

impl From<&ObjectStorageQuota> for QuotaFields {
    fn from(q: &ObjectStorageQuota) -> Self {
        QuotaFields {
            quota_id: q.quota_id.clone(),
            quota_name: Val::Known(q.quota_name.clone()),
            endpoint_type: Val::Known(q.endpoint_type.as_ref().map(|t| t.as_str().to_string()).unwrap_or_default()),
            s3_endpoint: Val::Known(q.s3_endpoint.clone().unwrap_or_default()),
            description: Val::Known(q.description.clone()),
            quota_limit: Val::Known(i64::try_from(q.quota_limit).unwrap_or(i64::MAX)),
            resource_metric: Val::Known(q.resource_metric.clone()),
        }
    }
}

/// The attributes of a quota (`quota_id` required, as in the official schemas, also inside
/// `linode_object_storage_quotas`).
pub(crate) fn quota_schema() -> Schema {
    let string = |text: &str| Attribute::string().computed().description(text);
    Schema::new()
        .attr("quota_id", Attribute::string().required().description("The quota's ID, e.g. `obj-buckets-us-sea-1.linodeobjects.com`."))
        .attr("quota_name", string("The quota's name."))
        .attr("endpoint_type", string("The endpoint type the quota applies to: `E0`, `E1`, `E2` or `E3`."))
        .attr("s3_endpoint", string("The S3 endpoint the quota applies to."))
        .attr("description", string("What the quota limits."))
        .attr("quota_limit", Attribute::number().computed().description("The most of `resource_metric` the quota allows."))
        .attr("resource_metric", string("The resource the quota counts, e.g. `bucket`, `object` or `byte`."))
}

/// `quota_usage`.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(crate) struct UsageModel {
    quota_limit: i64,
    usage: i64,
}

#[derive(Serialize, Deserialize, Default)]
pub(crate) struct QuotaModel {
    #[serde(flatten)]
    quota: QuotaFields,
    quota_usage: Val<UsageModel>,
    id: Val<String>,
}

#[async_trait]
impl TypedDataSource for QuotaDataSource {
    type Model = QuotaModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_object_storage_quota"
    }

    fn schema(&self) -> Schema {
        quota_schema()
            .description("An Object Storage quota of the account (per endpoint), with its current usage.")
            .attr(
                "quota_usage",
                Attribute::of(Type::object([("quota_limit", Type::Number), ("usage", Type::Number)]))
                    .computed()
                    .description("The quota's limit and current usage (0 where Linode reports no usage, e.g. throughput)."),
            )
            .attr("id", Attribute::string().computed().description("The quota's ID."))
    }

    async fn read(&self, req: DataRead<'_, QuotaModel, LinodeState>, diags: &mut Diagnostics) -> Option<QuotaModel> {
        let (state, config) = (req.data, req.config);
        let id = config.quota.quota_id;
        let api = state.client.object_storage();
        let failed = |diags: &mut Diagnostics, e: &linode_sdk::Error| -> Option<QuotaModel> {
            if e.is_not_found() {
                diags.error_at("quota_id", "Object Storage quota not found", format!("No Object Storage quota {id:?}."));
            } else {
                common::api_error_plain(diags, &format!("Unable to read Object Storage quota {id:?}"), e);
            }
            None
        };
        let quota = match api.get_quota(&id).await {
            Ok(q) => q,
            Err(e) => return failed(diags, &e),
        };
        let usage = match api.get_quota_usage(&id).await {
            Ok(u) => u,
            Err(e) => return failed(diags, &e),
        };
        Some(QuotaModel {
            quota: QuotaFields::from(&quota),
            quota_usage: Val::Known(UsageModel {
                quota_limit: i64::try_from(usage.quota_limit).unwrap_or(i64::MAX),
                usage: usage.usage.map_or(0, |u| i64::try_from(u).unwrap_or(i64::MAX)),
            }),
            id: Val::Known(quota.quota_id),
        })
    }
}
