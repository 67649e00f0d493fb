//! `data "linode_lke_versions"`: the Kubernetes versions LKE offers, per tier.


use linode_sdk::ListParams;
use linode_sdk::models::lke::LkeTier;
use serde::{Deserialize, Serialize};
use tfplugin::data_source::{DataSourceReadRequest, DataSourceReadResponse};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::{DataSource, Type, async_trait, validators};

use super::computed;
use crate::lke::version_key;
use crate::common;

#[derive(Serialize, Deserialize)]
struct VersionOut {
    id: String,
    tier: String,
}

/// `data "linode_lke_versions"`.
pub(crate) struct VersionsDataSource;

#[async_trait]
impl DataSource for VersionsDataSource {
    fn type_name(&self) -> &str {
        "linode_lke_versions"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .description("Lists the Kubernetes versions LKE offers, newest first.")
            .attr(
                "tier",
                Attribute::string()
                    .optional()
                    .validate(validators::one_of(&["standard", "enterprise"]))
                    .description("Only versions of this tier: `standard` or `enterprise`. Without it, the standard versions."),
            )
            .attr(
                "versions",
                computed(
                    Type::list(Type::object([("id", Type::String), ("tier", Type::String)])),
                    "The versions, newest first: `id` (e.g. `1.33`) and `tier`.",
                ),
            )
    }

    async fn read(&self, req: DataSourceReadRequest, resp: &mut DataSourceReadResponse) {
        let diags = &mut resp.diagnostics;
        let Some(state) = common::state(&req.ctx, diags) else {
            return;
        };
        let tier = req
            .config
            .get("tier")
            .and_then(tfplugin::Value::as_str)
            .map(str::to_string);
        let lke = state.client.lke();
        let params = ListParams::new().page_size(500);
        let result = match tier.as_deref() {
            Some("enterprise") => lke
                .list_tier_versions(&LkeTier::Enterprise, &params)
                .await
                .map(|p| {
                    p.data
                        .into_iter()
                        .map(|v| VersionOut {
                            id: v.id,
                            tier: v.tier.as_str().to_string(),
                        })
                        .collect()
                }),
            Some(t) => lke
                .list_tier_versions(&LkeTier::Standard, &params)
                .await
                .map(|p| {
                    p.data
                        .into_iter()
                        .map(|v| VersionOut {
                            id: v.id,
                            tier: t.to_string(),
                        })
                        .collect()
                }),
            None => lke.list_versions(&params).await.map(|p| {
                p.data
                    .into_iter()
                    .map(|v| VersionOut {
                        id: v.id,
                        tier: "standard".into(),
                    })
                    .collect()
            }),
        };
        let mut versions: Vec<VersionOut> = match result {
            Ok(v) => v,
            Err(e) => return common::api_error_plain(diags, "Unable to list LKE versions", &e),
        };
        versions.sort_by_key(|v| std::cmp::Reverse(version_key(&v.id)));
        resp.set_state(&serde_json::json!({ "tier": tier, "versions": versions }));
    }
}
