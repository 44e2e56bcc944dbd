//! The read side: `GET /api/summary?days=N` (the dashboard token, when set, is required),
//! `GET /healthz` and `GET /metrics`.

use axum::extract::{Query, State as Extract};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use super::page::{dashboard_allowed, unauthorized, unavailable};
use super::State;
use crate::day::{day_of, now_seconds};
use crate::summary::summarize;

/// The longest window a summary covers (data is not kept longer by default anyway).
pub const MAX_SUMMARY_DAYS: u32 = 3650;

#[derive(Deserialize)]
pub struct SummaryParams {
    days: Option<String>,
}

pub async fn summary(
    Extract(state): Extract<State>,
    headers: HeaderMap,
    Query(params): Query<SummaryParams>,
) -> Response {
    if !dashboard_allowed(&state, &headers) {
        return unauthorized();
    }
    let days = match params.days.as_deref().map(str::parse::<u32>) {
        None => 30,
        Some(Ok(days)) if (1..=MAX_SUMMARY_DAYS).contains(&days) => days,
        Some(_) => {
            let reason = format!("days must be a whole number from 1 to {MAX_SUMMARY_DAYS}");
            return (StatusCode::BAD_REQUEST, Json(json!({"error": reason}))).into_response();
        }
    };
    match summarize(state.store.as_ref(), days, day_of(now_seconds())).await {
        Ok(summary) => Json(summary).into_response(),
        Err(error) => unavailable("summary", error),
    }
}

pub async fn healthz(Extract(state): Extract<State>) -> Response {
    if state.store.healthy().await {
        (StatusCode::OK, "ok\n").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "storage unavailable\n").into_response()
    }
}

pub async fn metrics(Extract(state): Extract<State>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}
