//! Regions and their plan availability (public).

use axum::Json;
use axum::Router;
use axum::extract::Path;
use axum::routing::get;
use serde_json::Value;

use super::{AppState, ListQuery, list_response};
use crate::catalog::{availability, region, regions};
use crate::error::{ApiError, ApiResult};

/// Routes of this area (relative to `/v4`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/regions", get(list))
        .route("/regions/availability", get(list_availability))
        .route("/regions/{id}", get(get_one))
        .route("/regions/{id}/availability", get(get_availability))
}

async fn list(q: ListQuery) -> ApiResult<Json<Value>> {
    list_response(
        regions().iter().map(|r| r.to_json()).collect(),
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

async fn list_availability(q: ListQuery) -> ApiResult<Json<Value>> {
    list_response(
        regions().iter().flat_map(availability).collect(),
        &q,
        &["region", "plan", "available"],
    )
}

/// One region's availability: a bare array, not a page, as the real API answers.
async fn get_availability(Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let r = region(&id).ok_or_else(ApiError::not_found)?;
    Ok(Json(Value::Array(availability(r))))
}
