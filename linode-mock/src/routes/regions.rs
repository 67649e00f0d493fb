//! Regions (public).

use axum::Json;
use axum::Router;
use axum::extract::Path;
use axum::routing::get;
use serde_json::Value;

use super::{AppState, ListQuery, list_response};
use crate::catalog::{REGIONS, region};
use crate::error::{ApiError, ApiResult};

/// Routes of this area (relative to `/v4`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/regions", get(list))
        .route("/regions/{id}", get(get_one))
}

async fn list(q: ListQuery) -> ApiResult<Json<Value>> {
    list_response(
        REGIONS.iter().map(|r| r.to_json()).collect(),
        &q,
        &[
            "id",
            "label",
            "country",
            "capabilities",
            "status",
            "site_type",
        ],
    )
}

async fn get_one(Path(id): Path<String>) -> ApiResult<Json<Value>> {
    region(&id)
        .map(|r| Json(r.to_json()))
        .ok_or_else(ApiError::not_found)
}
