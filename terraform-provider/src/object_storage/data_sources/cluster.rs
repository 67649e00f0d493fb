//! `data "linode_object_storage_cluster"`: a legacy Object Storage cluster (deprecated, as in
//! the official provider).

use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Val, async_trait};

use crate::{LinodeState, common};

/// Why the data source is deprecated (Linode's cluster endpoints are).
const DEPRECATED: &str = "Object Storage clusters are deprecated by Linode: use `region` to say where Object \
     Storage resources are (e.g. the data source linode_object_storage_endpoints, or a bucket's `region`).";

/// The data source.
pub(crate) struct ClusterDataSource;

#[derive(Serialize, Deserialize, Default)]
pub(crate) struct ClusterModel {
    id: String,
    domain: Val<String>,
    status: Val<String>,
    region: Val<String>,
    static_site_domain: Val<String>,
}

#[async_trait]
impl TypedDataSource for ClusterDataSource {
    type Model = ClusterModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_object_storage_cluster"
    }

    fn schema(&self) -> Schema {
        let string = |text: &str| Attribute::string().computed().description(text);
        Schema::new()
            .description("A legacy Object Storage cluster, e.g. `us-east-1` (deprecated: use regions).")
            .deprecated(DEPRECATED)
            .attr("id", Attribute::string().required().description("The cluster's ID, e.g. `us-east-1`."))
            .attr("domain", string("The base host name of the cluster."))
            .attr("status", string("`available` or `unavailable`."))
            .attr("region", string("The region of the cluster."))
            .attr("static_site_domain", string("The base host name of static sites hosted in the cluster."))
    }

    async fn read(&self, req: DataRead<'_, ClusterModel, LinodeState>, diags: &mut Diagnostics) -> Option<ClusterModel> {
        let (state, mut m) = (req.data, req.config);
        let cluster = match state.client.object_storage().get_cluster(&m.id).await {
            Ok(c) => c,
            Err(e) if e.is_not_found() => {
                let detail = format!("{:?} is not an Object Storage cluster (they are named like us-east-1).", m.id);
                diags.error_at("id", "Object Storage cluster not found", detail);
                return None;
            }
            Err(e) => {
                common::api_error_plain(diags, &format!("Unable to read Object Storage cluster {:?}", m.id), &e);
                return None;
            }
        };
        m.domain = Val::Known(cluster.domain);
        m.status = Val::Known(cluster.status.as_str().to_string());
        m.region = Val::Known(cluster.region);
        m.static_site_domain = Val::Known(cluster.static_site_domain);
        Some(m)
    }
}
