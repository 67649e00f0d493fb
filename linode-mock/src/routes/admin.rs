//! The admin endpoint under `/__admin` (no auth, never faulted): faults, request log, state
//! reset/dump, runtime config, and settling of pending lifecycle transitions.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{AppState, JsonBody};
use crate::error::{ApiError, ApiResult};
use crate::faults::FaultConfig;
use crate::lifecycle::Delays;
use crate::state::{State as Store, now_ms};

/// Routes under `/__admin`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/faults", get(get_faults).put(put_faults))
        .route("/requests", get(get_requests).delete(clear_requests))
        .route("/reset", post(reset))
        .route("/settle", post(settle))
        .route("/state", get(state))
        .route("/config", get(get_config).put(put_config))
}

/// JSON of `GET/PUT /__admin/config`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuntimeConfig {
    /// Delay before new LKE nodes are `ready` (ms).
    pub node_ready_delay_ms: u64,
    /// Delay before a new cluster's kubeconfig is available (ms).
    pub kubeconfig_delay_ms: u64,
    /// Enforced requests per 60-second window; `null` disables enforcement.
    pub rate_limit: Option<u32>,
}

/// JSON dump of every collection.
pub fn dump(s: &Store) -> Value {
    serde_json::to_value(s).unwrap_or_else(|_| json!({}))
}

async fn get_faults(State(app): State<AppState>) -> Json<FaultConfig> {
    Json(app.faults.config())
}

async fn put_faults(
    State(app): State<AppState>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<FaultConfig>> {
    let mut body = body;
    let obj = body
        .as_object_mut()
        .ok_or_else(|| ApiError::bad_request("expected a JSON object"))?;
    let seed = obj.remove("seed").and_then(|v| v.as_u64());
    // Also accept the nested form `"latency": {"ms": N, "rate": F}`.
    if let Some(latency) = obj.remove("latency") {
        let ms = latency.get("ms").cloned().unwrap_or(json!(0));
        let rate = latency.get("rate").cloned().unwrap_or(json!(1.0));
        obj.insert("latency_ms".into(), ms);
        obj.insert("latency_rate".into(), rate);
    }
    let cfg: FaultConfig = serde_json::from_value(body)
        .map_err(|e| ApiError::bad_request(format!("invalid fault config: {e}")))?;
    if let Err(field) = cfg.validate() {
        return Err(ApiError::field(field, "rates must be between 0 and 1"));
    }
    if let Some(seed) = seed {
        app.faults.reseed(seed);
    }
    app.faults.set_config(cfg.clone());
    Ok(Json(cfg))
}

async fn get_requests(State(app): State<AppState>) -> Json<Value> {
    Json(json!(app.requests()))
}

async fn clear_requests(State(app): State<AppState>) -> Json<Value> {
    app.clear_requests();
    Json(json!({}))
}

async fn reset(State(app): State<AppState>) -> Json<Value> {
    app.write_in_place(|s| *s = Store::default());
    app.limiter.reset();
    Json(json!({}))
}

async fn settle(State(app): State<AppState>) -> Json<Value> {
    app.write_in_place(|s| crate::lifecycle::settle(s, now_ms()));
    Json(json!({}))
}

async fn state(State(app): State<AppState>) -> Json<Value> {
    Json(app.read(dump))
}

fn runtime(app: &AppState) -> RuntimeConfig {
    let d = app.delays();
    RuntimeConfig {
        node_ready_delay_ms: d.node_ready_delay_ms,
        kubeconfig_delay_ms: d.kubeconfig_delay_ms,
        rate_limit: app.rate_limit(),
    }
}

async fn get_config(State(app): State<AppState>) -> Json<RuntimeConfig> {
    Json(runtime(&app))
}

async fn put_config(
    State(app): State<AppState>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<RuntimeConfig>> {
    let cur = runtime(&app);
    let node = body.get("node_ready_delay_ms").map(Value::as_u64);
    let kube = body.get("kubeconfig_delay_ms").map(Value::as_u64);
    if node == Some(None) || kube == Some(None) {
        return Err(ApiError::bad_request(
            "delays must be non-negative integers (milliseconds)",
        ));
    }
    let rate = match body.get("rate_limit") {
        None => cur.rate_limit,
        Some(Value::Null) => None,
        Some(v) => Some(
            v.as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| {
                    ApiError::field("rate_limit", "must be a positive integer or null")
                })?,
        ),
    };
    app.set_delays(Delays {
        node_ready_delay_ms: node.flatten().unwrap_or(cur.node_ready_delay_ms),
        kubeconfig_delay_ms: kube.flatten().unwrap_or(cur.kubeconfig_delay_ms),
    });
    app.set_rate_limit(rate);
    Ok(Json(runtime(&app)))
}
