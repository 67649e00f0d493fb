//! Linode types (plans; public).

use axum::Json;
use axum::Router;
use axum::extract::Path;
use axum::routing::get;
use serde_json::Value;

use super::{AppState, ListQuery, list_response};
use crate::catalog::{linode_type, linode_types};
use crate::error::{ApiError, ApiResult};

/// Routes of this area (relative to `/v4`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/linode/types", get(list))
        .route("/linode/types/{id}", get(get_one))
}

const FILTERS: &[&str] = &[
    "class",
    "disk",
    "gpus",
    "label",
    "memory",
    "network_out",
    "transfer",
    "vcpus",
    "id",
];

async fn list(q: ListQuery) -> ApiResult<Json<Value>> {
    list_response(
        linode_types().iter().map(|t| t.to_json()).collect(),
        &q,
        FILTERS,
    )
}

async fn get_one(Path(id): Path<String>) -> ApiResult<Json<Value>> {
    linode_type(&id)
        .map(|t| Json(t.to_json()))
        .ok_or_else(ApiError::not_found)
}
