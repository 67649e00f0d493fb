//! `/regions`.

use futures::stream::BoxStream;

use super::seg;
use crate::client::Client;
use crate::error::Result;
use crate::models::regions::{Region, RegionAvailability};
use crate::pagination::{ListParams, Page};

/// Handler for `/regions`; see [`Client::regions`].
#[derive(Debug, Clone)]
pub struct RegionsHandler {
    pub(crate) client: Client,
}

impl RegionsHandler {
    /// `GET /regions` (one page).
    pub async fn list(&self, params: &ListParams) -> Result<Page<Region>> {
        self.client.list_page("/regions", params).await
    }

    /// Every region, page by page.
    pub fn list_all(&self, params: ListParams) -> BoxStream<'static, Result<Region>> {
        self.client.list_stream("/regions".into(), params)
    }

    /// `GET /regions/{id}`.
    pub async fn get(&self, id: &str) -> Result<Region> {
        self.client.get(&format!("/regions/{}", seg(id))).await
    }

    /// `GET /regions/{id}`, `None` on 404.
    pub async fn get_opt(&self, id: &str) -> Result<Option<Region>> {
        self.client.get_opt(&format!("/regions/{}", seg(id))).await
    }

    /// `GET /regions/availability` (one page): GPU and premium plans per region.
    pub async fn list_availability(&self, params: &ListParams) -> Result<Page<RegionAvailability>> {
        self.client.list_page("/regions/availability", params).await
    }

    /// Every entry of `GET /regions/availability`, page by page.
    pub fn list_all_availability(&self, params: ListParams) -> BoxStream<'static, Result<RegionAvailability>> {
        self.client.list_stream("/regions/availability".into(), params)
    }

    /// `GET /regions/{id}/availability`: one region's entries (a bare array, not a page).
    pub async fn get_availability(&self, id: &str) -> Result<Vec<RegionAvailability>> {
        self.client.get(&format!("/regions/{}/availability", seg(id))).await
    }
}
