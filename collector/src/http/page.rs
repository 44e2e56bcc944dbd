//! `GET /`: the dashboard page over the last 30 days, and the dashboard token check that it
//! shares with `GET /api/summary`. The check is the dashboard's own (`dashboard::access`): Bearer
//! for scripts, HTTP Basic with the token as the password for browsers, whose login prompt the
//! Basic challenge of the 401 brings up.

use axum::extract::State as Extract;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::State;
use crate::dashboard;
use crate::day::{day_of, now_seconds};
use crate::summary::summarize;

/// The window the page shows.
const DASHBOARD_DAYS: u32 = 30;

/// True when the request may read the dashboard or the summary: no dashboard token is set, or
/// its `Authorization` carries it.
pub fn dashboard_allowed(state: &State, headers: &HeaderMap) -> bool {
    let Some(token) = state.dashboard_token.as_deref() else {
        return true;
    };
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    dashboard::access::token_accepted(authorization, token)
}

/// 401 with the Basic challenge, so a browser asks for the token.
pub fn unauthorized() -> Response {
    let body = Json(json!({"error": "missing or wrong dashboard token"}));
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, dashboard::access::CHALLENGE)],
        body,
    )
        .into_response()
}

/// 503 with `Retry-After` when storage cannot answer; the cause goes to the log only.
pub fn unavailable(what: &str, error: impl std::fmt::Display) -> Response {
    eprintln!("mycelium-collector: {what}: {error}");
    let body = Json(json!({"error": "storage unavailable"}));
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "5")],
        body,
    )
        .into_response()
}

pub async fn dashboard(Extract(state): Extract<State>, headers: HeaderMap) -> Response {
    if !dashboard_allowed(&state, &headers) {
        return unauthorized();
    }
    let summary = match summarize(state.store.as_ref(), DASHBOARD_DAYS, day_of(now_seconds())).await
    {
        Ok(summary) => summary,
        Err(error) => return unavailable("dashboard", error),
    };
    match serde_json::to_value(&summary) {
        Ok(value) => (dashboard::response_headers(), dashboard::render(&value)).into_response(),
        Err(error) => {
            eprintln!("mycelium-collector: dashboard: {error}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
