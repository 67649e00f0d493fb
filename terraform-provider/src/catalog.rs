//! The catalog the provider validates plans against (regions and Linode types, fetched once per
//! process), and its data sources.

use linode_sdk::models::linode_types::LinodeType;
use linode_sdk::models::regions::Region;
use linode_sdk::{Client, ListParams};
use std::sync::Arc;
use tfplugin::{AttributePath, DataSource, Diagnostics};
use tokio::sync::OnceCell;

use crate::common;

mod regions;

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

/// The catalog's data sources (`linode_regions`).
pub fn data_sources() -> Vec<Arc<dyn DataSource>> {
    vec![Arc::new(regions::RegionsDataSource)]
}
