//! `/network-transfer/...`: transfer prices.

use futures::stream::BoxStream;

use crate::client::Client;
use crate::error::Result;
use crate::models::ServiceType;
use crate::pagination::{ListParams, Page};

/// Handler for `/network-transfer`; see [`Client::network_transfer`].
#[derive(Debug, Clone)]
pub struct NetworkTransferHandler {
    pub(crate) client: Client,
}

impl NetworkTransferHandler {
    /// `GET /network-transfer/prices` (one page): per-GB overage prices, hourly only
    /// (`price.monthly` is `None`).
    pub async fn list_prices(&self, params: &ListParams) -> Result<Page<ServiceType>> {
        self.client.list_page("/network-transfer/prices", params).await
    }

    /// Every transfer price, page by page.
    pub fn list_all_prices(&self, params: ListParams) -> BoxStream<'static, Result<ServiceType>> {
        self.client.list_stream("/network-transfer/prices".into(), params)
    }
}
