//! Where a batch goes: one HTTP POST (and what its answer means for retrying), or, in
//! local-only mode, one line appended to a file.
//!
//! Redirects are never followed: a collector that moves answers 3xx, which is treated like any
//! other refusal, so a batch can never be bounced to plain http or to another host.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::private_file;

mod endpoint;
mod https;
mod otlp;
pub mod pem;
mod token;

pub use endpoint::normalize_endpoint;
pub use https::client_config as tls_config_with_extra_roots;
pub use otlp::OtlpTransport;
pub use token::{Token, MAX_TOKEN_LEN};

/// A self-hoster's private CA: certificates trusted besides the bundled Mozilla roots, already
/// checked to be usable. Certificates are always verified; nothing here can turn that off.
#[derive(Clone)]
pub struct PrivateRoots(Arc<rustls::ClientConfig>);

impl PrivateRoots {
    /// The CA certificates of a PEM text; `None` when it holds no usable certificate.
    pub fn from_pem(text: &str) -> Option<Self> {
        let certificates = pem::blocks(text, "CERTIFICATE");
        tls_config_with_extra_roots(&certificates).map(PrivateRoots)
    }
}

impl std::fmt::Debug for PrivateRoots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PrivateRoots(..)")
    }
}

/// The `User-Agent` of every request.
pub const USER_AGENT: &str = concat!("mycelium-telemetry/", env!("CARGO_PKG_VERSION"));

/// The longest `Retry-After` the sender honours; a longer one is cut to this.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// What one attempt to deliver a batch came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Any 2xx.
    Accepted,
    /// A 2xx whose OTLP `partialSuccess` says `rejected` records of the batch were refused: the
    /// rest were taken; those are counted as failed and never retried.
    PartlyAccepted { rejected: u64 },
    /// Connection errors, timeouts, 5xx and 429: worth another attempt, after `retry_after` if
    /// the collector asked for a delay.
    Retryable { retry_after: Option<Duration> },
    /// Other answers (4xx, 3xx, 1xx): the collector will not take this batch.
    Rejected { status: i32 },
    /// The destination itself is unsafe to write (a local output file that is a link, say), now
    /// and for every later batch. `warning` says why, the first time only.
    Refused { warning: Option<String> },
}

/// The destination of every batch of one client.
#[derive(Debug, Clone)]
pub enum Transport {
    Http(HttpTransport),
    /// OTLP/HTTP to an OpenTelemetry Collector (`TELEMETRY_PROTOCOL=otlp`).
    Otlp(OtlpTransport),
    /// Local-only mode: no socket is ever opened.
    File(FileTransport),
}

impl Transport {
    /// Local-only mode when `output_file` is given; otherwise HTTP to `endpoint` (already
    /// normalized by [`normalize_endpoint`]), trusting `private_roots` too if given.
    pub fn new(
        endpoint: &str,
        private_roots: Option<&PrivateRoots>,
        output_file: Option<&Path>,
    ) -> Self {
        match output_file {
            Some(path) => Transport::File(FileTransport::new(path)),
            None => Transport::Http(HttpTransport {
                endpoint: endpoint.to_owned(),
                extra_roots: private_roots.map(|roots| roots.0.clone()),
                token: None,
            }),
        }
    }

    /// OTLP/HTTP to `endpoint` (already normalized) with `headers`, trusting `private_roots`
    /// too if given; local-only mode when `output_file` is given, as with [`Transport::new`].
    pub fn otlp(
        endpoint: &str,
        headers: &crate::otlp::ExportHeaders,
        private_roots: Option<&PrivateRoots>,
        output_file: Option<&Path>,
    ) -> Self {
        match output_file {
            Some(path) => Transport::File(FileTransport::new(path)),
            None => Transport::Otlp(OtlpTransport::new(
                endpoint,
                headers,
                private_roots.map(|roots| roots.0.clone()),
            )),
        }
    }

    /// Whether batches leave the machine (they do over HTTP and OTLP, not to an output file).
    pub fn is_network(&self) -> bool {
        !matches!(self, Transport::File(_))
    }

    /// The same destination, sending `token` as `Authorization: Bearer …` (HTTP only; the local
    /// output file has no use for it).
    pub fn with_token(self, token: Option<Token>) -> Self {
        match self {
            Transport::Http(http) => Transport::Http(http.with_token(token)),
            file => file,
        }
    }

    /// Delivers `body` once; `timeout` bounds a network exchange.
    pub fn deliver(&self, body: &[u8], timeout: Duration) -> Delivery {
        match self {
            Transport::Http(http) => http.post(body, timeout),
            Transport::Otlp(otlp) => otlp.post(body, timeout),
            Transport::File(file) => file.append(body),
        }
    }
}

/// Appends each batch, exactly the bytes the HTTP transport would send, plus a newline.
///
/// The file is opened without following links, and must belong to this user in a folder
/// nobody else can change (see [`crate::private_file`]). A path that breaks those rules stays
/// refused for the life of the transport: the output is off, with one warning.
#[derive(Debug, Clone)]
pub struct FileTransport {
    path: PathBuf,
    refused: Arc<AtomicBool>,
}

impl FileTransport {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileTransport {
            path: path.into(),
            refused: Arc::new(AtomicBool::new(false)),
        }
    }

    pub fn append(&self, body: &[u8]) -> Delivery {
        if self.refused.load(Ordering::Relaxed) {
            return Delivery::Refused { warning: None };
        }
        let written = private_file::open_append(&self.path).and_then(|mut file| {
            // One write per line, so concurrent writers never interleave inside a batch.
            let mut line = Vec::with_capacity(body.len() + 1);
            line.extend_from_slice(body);
            line.push(b'\n');
            file.write_all(&line)
        });
        match written {
            Ok(()) => Delivery::Accepted,
            Err(error) => match private_file::refusal_of(&error) {
                Some(refusal) => {
                    let first = !self.refused.swap(true, Ordering::Relaxed);
                    Delivery::Refused {
                        // The path may name the user, so the warning does not repeat it.
                        warning: first.then(|| {
                            format!(
                                "the output file was not written ({refusal}); telemetry output \
                                 stays off for this client"
                            )
                        }),
                    }
                }
                // A full disk may clear up: retry like a network error.
                None => Delivery::Retryable { retry_after: None },
            },
        }
    }
}

/// Posts JSON batches to one endpoint.
#[derive(Clone)]
pub struct HttpTransport {
    endpoint: String,
    /// Set when a CA file was configured: TLS trusting it as well as the Mozilla roots.
    extra_roots: Option<Arc<rustls::ClientConfig>>,
    /// A private collector's ingest token.
    token: Option<Token>,
}

impl std::fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpTransport")
            .field("endpoint", &self.endpoint)
            .field("extra_roots", &self.extra_roots.is_some())
            .field("token", &self.token)
            .finish()
    }
}

impl HttpTransport {
    pub fn new(endpoint: impl Into<String>) -> Self {
        HttpTransport {
            endpoint: endpoint.into(),
            extra_roots: None,
            token: None,
        }
    }

    /// The same endpoint, sending `token` with every request.
    pub fn with_token(mut self, token: Option<Token>) -> Self {
        self.token = token;
        self
    }

    /// POSTs `body` once. `timeout` bounds the whole exchange (for minreq it is rounded up to
    /// whole seconds, its granularity).
    pub fn post(&self, body: &[u8], timeout: Duration) -> Delivery {
        if let Some(tls) = &self.extra_roots {
            if self.endpoint.starts_with("https://") {
                return https::post(&self.endpoint, tls, self.token.as_ref(), body, timeout);
            }
        }
        let timeout_secs = timeout.as_secs() + u64::from(timeout.subsec_nanos() > 0);
        let mut request = minreq::post(&self.endpoint)
            .with_header("Content-Type", "application/json")
            .with_header("User-Agent", USER_AGENT);
        if let Some(token) = &self.token {
            request = request.with_header("Authorization", token.header_value());
        }
        let answer = request
            .with_body(body)
            .with_timeout(timeout_secs.max(1))
            .with_follow_redirects(false)
            .send();
        match answer {
            Ok(response) => classify(response.status_code, |name| {
                response
                    .headers
                    .iter()
                    .find(|(key, _)| key.eq_ignore_ascii_case(name))
                    .map(|(_, value)| value.as_str())
            }),
            Err(_) => Delivery::Retryable { retry_after: None },
        }
    }
}

pub(crate) fn classify<'a>(status: i32, header: impl Fn(&str) -> Option<&'a str>) -> Delivery {
    match status {
        200..=299 => Delivery::Accepted,
        429 | 500..=599 => Delivery::Retryable {
            retry_after: header("retry-after").and_then(parse_retry_after),
        },
        _ => Delivery::Rejected { status },
    }
}

/// `Retry-After` in delay-seconds form, capped at [`MAX_RETRY_AFTER`]. The HTTP-date form is
/// ignored (the normal backoff applies): it needs a trusted clock to mean anything.
fn parse_retry_after(value: &str) -> Option<Duration> {
    let secs: u64 = value.trim().parse().ok()?;
    Some(Duration::from_secs(secs).min(MAX_RETRY_AFTER))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_classes() {
        let none = |_: &str| None;
        assert_eq!(classify(200, none), Delivery::Accepted);
        assert_eq!(classify(204, none), Delivery::Accepted);
        assert_eq!(
            classify(503, none),
            Delivery::Retryable { retry_after: None }
        );
        assert_eq!(
            classify(429, |_| Some("7")),
            Delivery::Retryable {
                retry_after: Some(Duration::from_secs(7))
            }
        );
        assert_eq!(
            classify(500, |_| Some("86400")),
            Delivery::Retryable {
                retry_after: Some(MAX_RETRY_AFTER)
            }
        );
        assert_eq!(
            classify(503, |_| Some("Wed, 21 Oct 2015 07:28:00 GMT")),
            Delivery::Retryable { retry_after: None }
        );
        for status in [400, 401, 403, 404, 413, 301, 302, 307, 308] {
            assert_eq!(classify(status, none), Delivery::Rejected { status });
        }
    }
}
