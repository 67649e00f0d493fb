//! Data source `linode_object_storage_bucket`.

use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Val, async_trait, validators};

use crate::object_storage::cluster_to_region;
use crate::{LinodeState, common};

/// The data source.
pub(crate) struct BucketDataSource;

#[derive(Serialize, Deserialize, Default)]
pub(crate) struct BucketData {
    id: Val<String>,
    label: Val<String>,
    region: Val<String>,
    cluster: Val<String>,
    hostname: Val<String>,
    s3_endpoint: Val<String>,
    endpoint_type: Val<String>,
    created: Val<String>,
    objects: Val<i64>,
    size: Val<i64>,
}

#[async_trait]
impl TypedDataSource for BucketDataSource {
    type Model = BucketData;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_object_storage_bucket"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .description("An existing Object Storage bucket, found by label and region.")
            .attr("id", Attribute::string().computed().description("`<region>:<label>`."))
            .attr("label", Attribute::string().required().description("The bucket's label."))
            .attr(
                "region",
                Attribute::string()
                    .optional()
                    .computed()
                    .validate(validators::conflicts_with(&["cluster"]))
                    .description("The bucket's region, e.g. `us-east`."),
            )
            .attr(
                "cluster",
                Attribute::string()
                    .optional()
                    .computed()
                    .deprecated("Use `region` instead.")
                    .description("Deprecated: the bucket's cluster, e.g. `us-east-1`. Use `region`."),
            )
            .attr("hostname", Attribute::string().computed().description("The bucket's hostname."))
            .attr("s3_endpoint", Attribute::string().computed().description("The bucket's S3 endpoint."))
            .attr("endpoint_type", Attribute::string().computed().description("The endpoint type (E0-E3)."))
            .attr("created", Attribute::string().computed().description("When the bucket was created."))
            .attr("objects", Attribute::number().computed().description("How many objects the bucket holds."))
            .attr("size", Attribute::number().computed().description("The bucket's size in bytes."))
    }

    async fn read(&self, req: DataRead<'_, BucketData, LinodeState>, diags: &mut Diagnostics) -> Option<BucketData> {
        let (state, mut m) = (req.data, req.config);
        let label = m.label.get().cloned().unwrap_or_default();
        let Some(region) = m.region.get().cloned().or_else(|| m.cluster.get().map(|c| cluster_to_region(c))) else {
            diags.error_at("region", "Missing region", "Set `region` to find the bucket.");
            return None;
        };
        let b = match state.client.object_storage().get_bucket_opt(&region, &label).await {
            Ok(Some(b)) => b,
            Ok(None) => {
                diags.error_at("label", "Bucket not found", format!("No bucket {label:?} in region {region:?}."));
                return None;
            }
            Err(e) => {
                common::api_error_plain(diags, "Unable to read the bucket", &e);
                return None;
            }
        };
        m.id = Val::Known(format!("{}:{}", b.region, b.label));
        m.region = Val::Known(b.region.clone());
        m.cluster = Val::Known(b.cluster.clone());
        m.hostname = Val::Known(b.hostname.clone());
        m.s3_endpoint = b.s3_endpoint.clone().into();
        m.endpoint_type = b.endpoint_type.as_ref().map(|t| t.as_str().to_string()).into();
        m.created = Val::Known(b.created.clone());
        m.objects = Val::Known(b.objects as i64);
        m.size = Val::Known(b.size as i64);
        Some(m)
    }
}
