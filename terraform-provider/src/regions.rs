//! The catalog the provider validates plans against (regions and Linode types, fetched once per
//! process), and its data sources.

use linode_sdk::models::linode_types::{LinodeClass, LinodeType};
use linode_sdk::models::regions::Region;
use linode_sdk::{Client, ListParams};
use std::sync::Arc;
use tfplugin::validators::{DataValidator, PlanCheck};
use tfplugin::{AttributePath, DataSource, Diagnostics, async_trait, typed};
use tokio::sync::OnceCell;

use crate::{LinodeState, common};

mod data_sources;

/// Regions and Linode types, each listed at most once per provider process.
#[derive(Default)]
pub struct Catalog {
    regions: OnceCell<Vec<Region>>,
    types: OnceCell<Vec<LinodeType>>,
}

impl Catalog {
    /// Every region.
    pub async fn regions(&self, client: &Client) -> Result<&[Region], linode_sdk::Error> {
        let regions = self
            .regions
            .get_or_try_init(|| async {
                Ok::<_, linode_sdk::Error>(client.regions().list(&ListParams::new().page_size(500)).await?.data)
            })
            .await?;
        Ok(regions)
    }

    /// Every Linode type.
    pub async fn types(&self, client: &Client) -> Result<&[LinodeType], linode_sdk::Error> {
        let types = self
            .types
            .get_or_try_init(|| async {
                Ok::<_, linode_sdk::Error>(client.linode_types().list(&ListParams::new().page_size(500)).await?.data)
            })
            .await?;
        Ok(types)
    }

    /// Checks that `region` exists (and offers `capability`, when given), recording an error on
    /// `path` that lists close alternatives. Returns the region when it is valid.
    pub async fn check_region<'a>(
        &'a self,
        client: &Client,
        region: &str,
        capability: Option<&str>,
        path: impl Into<AttributePath>,
        diags: &mut Diagnostics,
    ) -> Option<&'a Region> {
        let path = path.into();
        let regions = match self.regions(client).await {
            Ok(r) => r,
            Err(e) => {
                common::api_error_plain(diags, "Unable to list Linode regions for validation", &e);
                return None;
            }
        };
        let Some(found) = regions.iter().find(|r| r.id == region) else {
            let mut ids: Vec<&str> = regions.iter().map(|r| r.id.as_str()).collect();
            ids.sort_unstable();
            diags.error_at(
                path,
                "Unknown region",
                format!("{region:?} is not a Linode region. Valid regions: {}.", ids.join(", ")),
            );
            return None;
        };
        if let Some(capability) = capability
            && !found.has_capability(capability)
        {
            let mut offering: Vec<&str> =
                regions.iter().filter(|r| r.has_capability(capability)).map(|r| r.id.as_str()).collect();
            offering.sort_unstable();
            diags.error_at(
                path,
                format!("Region does not offer {capability}"),
                format!("{region:?} does not offer {capability}. Regions that do: {}.", offering.join(", ")),
            );
            return None;
        }
        Some(found)
    }

    /// Checks that `type_id` is a Linode type, recording an error on `path` otherwise. Returns the
    /// type when it is valid.
    pub async fn check_type<'a>(
        &'a self,
        client: &Client,
        type_id: &str,
        path: impl Into<AttributePath>,
        diags: &mut Diagnostics,
    ) -> Option<&'a LinodeType> {
        let types = match self.types(client).await {
            Ok(t) => t,
            Err(e) => {
                common::api_error_plain(diags, "Unable to list Linode types for validation", &e);
                return None;
            }
        };
        let found = types.iter().find(|t| t.id == type_id);
        if found.is_none() {
            let prefix = type_id.split('-').take(2).collect::<Vec<_>>().join("-");
            let mut similar: Vec<&str> =
                types.iter().map(|t| t.id.as_str()).filter(|id| id.starts_with(&prefix)).collect();
            if similar.is_empty() {
                similar = types.iter().map(|t| t.id.as_str()).collect();
            }
            similar.sort_unstable();
            diags.error_at(
                path.into(),
                "Unknown Linode type",
                format!("{type_id:?} is not a Linode type. Known types: {}.", similar.join(", ")),
            );
        }
        found
    }
}

/// The regions offering GPU Linodes, sorted, for error messages.
pub async fn gpu_regions(state: &LinodeState) -> String {
    let regions = state.catalog.regions(&state.client).await.unwrap_or_default();
    let mut ids: Vec<&str> = regions.iter().filter(|r| r.has_capability(GPU)).map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    ids.join(", ")
}

/// The capability of regions that offer GPU Linodes.
pub const GPU: &str = "GPU Linodes";

/// Plan-time check: the value is a region of the catalog, offering `capability` when given.
pub struct KnownRegion(pub Option<&'static str>);

#[async_trait]
impl DataValidator<LinodeState> for KnownRegion {
    fn description(&self) -> String {
        match self.0 {
            Some(c) => format!("must be a Linode region that offers {c}"),
            None => "must be a Linode region".into(),
        }
    }

    async fn validate(&self, state: &LinodeState, check: PlanCheck<'_>, diags: &mut Diagnostics) {
        if let Some(region) = check.value.as_str() {
            state.catalog.check_region(&state.client, region, self.0, check.path.clone(), diags).await;
        }
    }
}

/// Plan-time check: the value is a Linode type; a GPU type needs a region with GPUs, the region
/// being given by `region` (the resource's top-level attribute holding it, when it has one).
pub struct KnownType {
    /// The top-level attribute holding the region, if any.
    pub region: Option<&'static str>,
}

#[async_trait]
impl DataValidator<LinodeState> for KnownType {
    fn description(&self) -> String {
        "must be a Linode type (a GPU type only where the region offers GPUs)".into()
    }

    async fn validate(&self, state: &LinodeState, check: PlanCheck<'_>, diags: &mut Diagnostics) {
        let Some(type_id) = check.value.as_str() else { return };
        let Some(ty) = state.catalog.check_type(&state.client, type_id, check.path.clone(), diags).await else {
            return;
        };
        let region = self.region.and_then(|r| check.config.get(r)).and_then(tfplugin::Value::as_str);
        if ty.class == LinodeClass::Gpu && let Some(region) = region {
            gpu_in_region(state, type_id, region, check.path.clone(), diags).await;
        }
    }
}

/// Records an error on `path` when GPU type `type_id` is used in a region without GPUs.
pub async fn gpu_in_region(state: &LinodeState, type_id: &str, region: &str, path: AttributePath, diags: &mut Diagnostics) {
    let regions = state.catalog.regions(&state.client).await.unwrap_or_default();
    if regions.iter().any(|r| r.id == region && !r.has_capability(GPU)) {
        diags.error_at(
            path,
            "GPU type not available in this region",
            format!(
                "{type_id:?} is a GPU type, but region {region:?} does not offer GPU Linodes. Regions with GPUs: {}.",
                gpu_regions(state).await
            ),
        );
    }
}

/// The region data sources (`linode_region`, `linode_regions`).
pub fn data_sources() -> Vec<Arc<dyn DataSource>> {
    vec![typed::data_source(data_sources::region::RegionDataSource), typed::data_source(data_sources::regions::RegionsDataSource)]
}
