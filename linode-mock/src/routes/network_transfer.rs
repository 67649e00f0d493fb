//! Network transfer prices (public).

use axum::Json;
use axum::Router;
use axum::routing::get;
use serde_json::Value;

use super::{AppState, ListQuery, list_response};
use crate::catalog;
use crate::error::ApiResult;

/// Routes of this area (relative to `/v4`).
pub fn routes() -> Router<AppState> {
    Router::new().route("/network-transfer/prices", get(prices))
}

async fn prices(q: ListQuery) -> ApiResult<Json<Value>> {
    list_response(
        catalog::network_transfer_prices(),
        &q,
        &["label", "price.hourly", "price.monthly", "transfer"],
    )
}
