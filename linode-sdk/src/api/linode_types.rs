//! `/linode/types`.

use futures::stream::BoxStream;

use super::seg;
use crate::client::Client;
use crate::error::Result;
use crate::models::linode_types::LinodeType;
use crate::pagination::{ListParams, Page};

/// Handler for `/linode/types`; see [`Client::linode_types`].
#[derive(Debug, Clone)]
pub struct LinodeTypesHandler {
    pub(crate) client: Client,
}

impl LinodeTypesHandler {
    /// `GET /linode/types` (one page).
    pub async fn list(&self, params: &ListParams) -> Result<Page<LinodeType>> {
        self.client.list_page("/linode/types", params).await
    }

    /// Every type, page by page.
    pub fn list_all(&self, params: ListParams) -> BoxStream<'static, Result<LinodeType>> {
        self.client.list_stream("/linode/types".into(), params)
    }

    /// `GET /linode/types/{id}`.
    pub async fn get(&self, id: &str) -> Result<LinodeType> {
        self.client.get(&format!("/linode/types/{}", seg(id))).await
    }

    /// `GET /linode/types/{id}`, `None` on 404.
    pub async fn get_opt(&self, id: &str) -> Result<Option<LinodeType>> {
        self.client.get_opt(&format!("/linode/types/{}", seg(id))).await
    }
}
