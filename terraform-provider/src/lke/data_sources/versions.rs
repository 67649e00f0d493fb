//! `data "linode_lke_versions"` and `data "linode_lke_version"`: the Kubernetes versions LKE
//! offers, per tier.

use linode_sdk::ListParams;
use linode_sdk::models::lke::LkeTier;
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Val, async_trait};

use crate::lke::version_key;
use crate::{LinodeState, common};

/// One version.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(crate) struct VersionModel {
    id: Val<String>,
    tier: Val<String>,
}

#[derive(Serialize, Deserialize, Default)]
pub(crate) struct VersionsModel {
    id: Val<String>,
    tier: Val<String>,
    versions: Val<Vec<VersionModel>>,
}

fn tier_attr(computed: bool) -> Attribute {
    let a = Attribute::string().optional().one_of(LkeTier::VALUES);
    let a = if computed { a.computed() } else { a };
    a.description("The tier: `standard` or `enterprise` (standard when unset).")
}

/// The versions LKE offers for `tier` (standard when `None`), newest first.
async fn list(state: &LinodeState, tier: Option<&str>) -> Result<Vec<VersionModel>, linode_sdk::Error> {
    let lke = state.client.lke();
    let params = ListParams::new().page_size(500);
    let tier = LkeTier::from(tier.unwrap_or("standard"));
    let mut out: Vec<VersionModel> = match tier {
        LkeTier::Standard => lke.list_versions(&params).await?.data.into_iter().map(|v| v.id).collect::<Vec<_>>(),
        _ => lke.list_tier_versions(&tier, &params).await?.data.into_iter().map(|v| v.id).collect(),
    }
    .into_iter()
    .map(|id| VersionModel { id: Val::Known(id), tier: Val::Known(tier.as_str().to_string()) })
    .collect();
    out.sort_by_key(|v| std::cmp::Reverse(version_key(v.id.get().map_or("", String::as_str))));
    Ok(out)
}

/// `data "linode_lke_versions"`.
pub(crate) struct VersionsDataSource;

#[async_trait]
impl TypedDataSource for VersionsDataSource {
    type Model = VersionsModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_lke_versions"
    }

    fn schema(&self) -> Schema {
        let version = Schema::new()
            .attr("id", Attribute::string().required().description("The version, e.g. `1.33`."))
            .attr("tier", tier_attr(true));
        Schema::new()
            .description("Lists the Kubernetes versions LKE offers, newest first.")
            .attr("id", Attribute::string().computed().description("The tier listed."))
            .attr("tier", tier_attr(false))
            .attr("versions", Attribute::list_nested(version).computed().description("The versions, newest first."))
    }

    async fn read(&self, req: DataRead<'_, VersionsModel, LinodeState>, diags: &mut Diagnostics) -> Option<VersionsModel> {
        let mut m = req.config;
        let tier = m.tier.get().cloned();
        match list(req.data, tier.as_deref()).await {
            Ok(v) => m.versions = Val::Known(v),
            Err(e) => {
                common::api_error_plain(diags, "Unable to list LKE versions", &e);
                return None;
            }
        }
        m.id = Val::Known(tier.unwrap_or_else(|| "standard".into()));
        Some(m)
    }
}

/// `data "linode_lke_version"`.
pub(crate) struct VersionDataSource;

#[async_trait]
impl TypedDataSource for VersionDataSource {
    type Model = VersionModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_lke_version"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .description("One Kubernetes version LKE offers (an error when it does not).")
            .attr("id", Attribute::string().required().description("The version, e.g. `1.33` or `v1.33.6+lke7`."))
            .attr("tier", tier_attr(true))
    }

    async fn read(&self, req: DataRead<'_, VersionModel, LinodeState>, diags: &mut Diagnostics) -> Option<VersionModel> {
        let (id, tier) = (req.config.id.get().cloned().unwrap_or_default(), req.config.tier.get().cloned());
        let lke = req.data.client.lke();
        let tier = LkeTier::from(tier.as_deref().unwrap_or("standard"));
        let found = match tier {
            LkeTier::Standard => lke.get_version(&id).await.map(|v| v.id),
            _ => lke.get_tier_version(&tier, &id).await.map(|v| v.id),
        };
        match found {
            Ok(id) => Some(VersionModel { id: Val::Known(id), tier: Val::Known(tier.as_str().to_string()) }),
            Err(e) if e.is_not_found() => {
                diags.error_at("id", "Unknown Kubernetes version", format!("LKE offers no {} version {id:?}.", tier.as_str()));
                None
            }
            Err(e) => {
                common::api_error_plain(diags, "Unable to read the LKE version", &e);
                None
            }
        }
    }
}
