//! OTLP/HTTP: the same POST as every other batch, plus the headers of
//! `OTEL_EXPORTER_OTLP_HEADERS`, and the answer read the OTLP way: only 429, 502, 503 and 504
//! are retried (honouring `Retry-After`), and a 2xx whose `partialSuccess` names rejected
//! records counts those records as failed, not retried (the Collector would refuse them again).
//!
//! The body is already OTLP JSON (encoded by `crate::otlp` on the sender thread). The header
//! values are secrets: they are written to the socket and nowhere else.

use std::sync::Arc;
use std::time::Duration;

use super::{https, parse_retry_after, Delivery, USER_AGENT};
use crate::otlp::{is_retryable_status, rejected_log_records, ExportHeaders};

/// The most of an answer's body that is read: an `ExportLogsServiceResponse` is a few bytes.
const MAX_ANSWER_BODY: usize = 64 * 1024;

/// Posts OTLP/HTTP JSON requests to one logs endpoint.
#[derive(Clone)]
pub struct OtlpTransport {
    endpoint: String,
    headers: Arc<ExportHeaders>,
    extra_roots: Option<Arc<rustls::ClientConfig>>,
}

impl std::fmt::Debug for OtlpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OtlpTransport")
            .field("endpoint", &self.endpoint)
            .field("headers", &self.headers)
            .field("extra_roots", &self.extra_roots.is_some())
            .finish()
    }
}

impl OtlpTransport {
    pub(super) fn new(
        endpoint: &str,
        headers: &ExportHeaders,
        extra_roots: Option<Arc<rustls::ClientConfig>>,
    ) -> Self {
        OtlpTransport {
            endpoint: endpoint.to_owned(),
            headers: Arc::new(headers.clone()),
            extra_roots,
        }
    }

    /// POSTs one request; `timeout` bounds the exchange.
    pub fn post(&self, body: &[u8], timeout: Duration) -> Delivery {
        let headers: Vec<(&str, &str)> = self.headers.iter().collect();
        if let Some(tls) = &self.extra_roots {
            if self.endpoint.starts_with("https://") {
                return match https::exchange(&self.endpoint, tls, None, body, timeout, &headers) {
                    Some(answer) => {
                        classify(answer.status, answer.retry_after.as_deref(), &answer.body)
                    }
                    None => Delivery::Retryable { retry_after: None },
                };
            }
        }
        let timeout_secs = timeout.as_secs() + u64::from(timeout.subsec_nanos() > 0);
        let mut request = minreq::post(&self.endpoint)
            .with_header("Content-Type", "application/json")
            .with_header("User-Agent", USER_AGENT)
            .with_body(body)
            .with_timeout(timeout_secs.max(1))
            .with_follow_redirects(false);
        for (name, value) in headers {
            request = request.with_header(name, value);
        }
        // Only the head is read before deciding how much of the body to take.
        match request.send_lazy() {
            Ok(response) => {
                let status = response.status_code;
                let retry_after = response
                    .headers
                    .iter()
                    .find(|(key, _)| key.eq_ignore_ascii_case("retry-after"))
                    .map(|(_, value)| value.clone());
                let answer: Vec<u8> = response
                    .take(MAX_ANSWER_BODY)
                    .filter_map(|byte| byte.ok().map(|(byte, _)| byte))
                    .collect();
                classify(status, retry_after.as_deref(), &answer)
            }
            Err(_) => Delivery::Retryable { retry_after: None },
        }
    }
}

/// What an OTLP/HTTP answer means for the batch.
fn classify(status: i32, retry_after: Option<&str>, body: &[u8]) -> Delivery {
    match status {
        200..=299 => match rejected_log_records(body) {
            0 => Delivery::Accepted,
            rejected => Delivery::PartlyAccepted { rejected },
        },
        status if is_retryable_status(status) => Delivery::Retryable {
            retry_after: retry_after.and_then(parse_retry_after),
        },
        _ => Delivery::Rejected { status },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_the_otlp_way() {
        assert_eq!(classify(200, None, b"{}"), Delivery::Accepted);
        assert_eq!(classify(200, None, b""), Delivery::Accepted);
        assert_eq!(
            classify(
                200,
                None,
                br#"{"partialSuccess":{"rejectedLogRecords":"2"}}"#
            ),
            Delivery::PartlyAccepted { rejected: 2 }
        );
        assert_eq!(
            classify(503, Some("4"), b""),
            Delivery::Retryable {
                retry_after: Some(Duration::from_secs(4))
            }
        );
        assert_eq!(
            classify(429, None, b""),
            Delivery::Retryable { retry_after: None }
        );
        // 500 and 501 are not in OTLP's list: the batch is dropped, not retried.
        for status in [400, 401, 403, 500, 501, 302] {
            assert_eq!(classify(status, None, b""), Delivery::Rejected { status });
        }
    }
}
