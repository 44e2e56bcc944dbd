//! `POST /v1/events`: token, rate, content type, size, gzip, parse, scrub, store, in that order
//! (the cheapest refusals first). Every refusal is a 4xx (or a 503 when storage fails) with a
//! short JSON reason, counted in `/metrics` by reason.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Instant;

use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Request, State as Extract};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::State;
use crate::auth::Key;
use crate::day::now_seconds;
use crate::ingest::{decode_body, parse_batch, BodyError, MAX_COMPRESSED_BYTES};
use crate::storage::Stored;

/// A refusal: its status, the reason for the client and the label for `/metrics`.
struct Refusal {
    status: StatusCode,
    reason: String,
    label: &'static str,
    retry_after: Option<u64>,
}

fn refuse(status: StatusCode, label: &'static str, reason: impl Into<String>) -> Refusal {
    Refusal {
        status,
        reason: reason.into(),
        label,
        retry_after: None,
    }
}

pub async fn ingest(
    Extract(state): Extract<State>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let started = Instant::now();
    let answer = match handle(&state, peer, request).await {
        Ok(stored) => {
            let (accepted, duplicate) = match stored {
                Stored::Accepted(n) => (n, false),
                Stored::Duplicate => (0, true),
            };
            Json(json!({"accepted": accepted, "duplicate": duplicate})).into_response()
        }
        Err(refusal) => {
            state.metrics.reject(refusal.label);
            let mut response =
                (refusal.status, Json(json!({"error": refusal.reason}))).into_response();
            if let Some(seconds) = refusal.retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            if refusal.status == StatusCode::UNAUTHORIZED {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            response
        }
    };
    state
        .metrics
        .request_seconds
        .observe(started.elapsed().as_secs_f64());
    answer
}

async fn handle(state: &State, peer: SocketAddr, request: Request) -> Result<Stored, Refusal> {
    let (parts, body) = request.into_parts();
    let Some(token) = state.ingest_tokens.check(&parts.headers) else {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing or wrong ingest token",
        ));
    };
    let limited = state
        .per_address
        .take(Key::Address(peer.ip()))
        .and_then(|()| {
            if token.is_empty() {
                Ok(())
            } else {
                state.per_token.take(Key::token(token))
            }
        });
    if let Err(seconds) = limited {
        let mut refusal = refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "too many requests",
        );
        refusal.retry_after = Some(seconds);
        return Err(refusal);
    }
    check_content_type(&parts.headers)?;
    let too_large = || {
        refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "body over 1 MiB (8 MiB decompressed)",
        )
    };
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_COMPRESSED_BYTES as u64) {
        return Err(too_large());
    }
    let batch = {
        // Held while the body is in memory: bounds how many bodies are at once.
        let _permit = state
            .ingest_permits
            .acquire()
            .await
            .map_err(|_| unavailable())?;
        let raw = read_body(body).await.map_err(|_| too_large())?;
        let encoding = parts
            .headers
            .get(header::CONTENT_ENCODING)
            .map(|value| value.to_str().unwrap_or("unreadable"));
        let decoded = decode_body(encoding, &raw).map_err(|error| match error {
            BodyError::TooLarge => too_large(),
            BodyError::UnsupportedEncoding => refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_encoding",
                "Content-Encoding must be gzip or absent",
            ),
            BodyError::BadGzip => {
                refuse(StatusCode::BAD_REQUEST, "invalid", "body is not valid gzip")
            }
        })?;
        drop(raw);
        parse_batch(&decoded)
            .map_err(|reason| refuse(StatusCode::BAD_REQUEST, "invalid", reason))?
    };
    let stored_at = Instant::now();
    let stored = if batch.deletion_request {
        let id = batch.installation_id.clone().unwrap_or_default();
        let deleted = state
            .store
            .delete_installation(id)
            .await
            .map(|_| Stored::Accepted(0));
        if deleted.is_ok() {
            state.metrics.deletions.inc();
        }
        deleted
    } else {
        let printed = state.print_stored.then(|| batch.to_wire_json().to_string());
        let stored = state.store.ingest(batch, now_seconds()).await;
        if let (Some(line), Ok(Stored::Accepted(_))) = (printed, &stored) {
            // A closed standard output must not fail the request (println! would panic).
            let _ = writeln!(std::io::stdout().lock(), "{line}");
        }
        stored
    };
    state
        .metrics
        .storage_seconds
        .observe(stored_at.elapsed().as_secs_f64());
    let stored = stored.map_err(|error| {
        eprintln!("mycelium-collector: {error}");
        unavailable()
    })?;
    match stored {
        Stored::Accepted(events) if events > 0 => {
            state.metrics.batches_accepted.inc();
            state.metrics.events_accepted.inc_by(events as u64);
        }
        Stored::Accepted(_) => {}
        Stored::Duplicate => state.metrics.duplicates.inc(),
    }
    Ok(stored)
}

fn unavailable() -> Refusal {
    let mut refusal = refuse(
        StatusCode::SERVICE_UNAVAILABLE,
        "storage_unavailable",
        "storage unavailable",
    );
    refusal.retry_after = Some(5);
    refusal
}

fn check_content_type(headers: &HeaderMap) -> Result<(), Refusal> {
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(str::trim);
    match media_type {
        Some(media_type) if media_type.eq_ignore_ascii_case("application/json") => Ok(()),
        _ => Err(refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Content-Type must be application/json",
        )),
    }
}

/// The body, or an error past [`MAX_COMPRESSED_BYTES`] (also when no length was declared).
async fn read_body(body: Body) -> Result<axum::body::Bytes, axum::Error> {
    to_bytes(body, MAX_COMPRESSED_BYTES).await
}
