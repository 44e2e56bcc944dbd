//! HTTPS with an extra trusted CA, for self-hosters with a private CA (`TELEMETRY_CA_FILE`).
//!
//! minreq, which sends everything else, trusts only the bundled Mozilla roots and cannot be
//! given another, so this path speaks HTTP/1.1 over rustls itself: the same rustls and the
//! same Mozilla roots minreq uses, plus the configured CA. It needs little: one POST with
//! `Connection: close`, then the status line and headers of the answer (the body is ignored).

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{classify, Delivery, Token, USER_AGENT};

/// The most of an answer's head that is read; collectors answer with a few short headers.
const MAX_RESPONSE_HEAD: usize = 16 * 1024;

/// A rustls client configuration trusting the Mozilla roots and `extra_roots` (DER).
/// `None` if none of `extra_roots` is a usable certificate.
pub fn client_config(extra_roots: &[Vec<u8>]) -> Option<Arc<rustls::ClientConfig>> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add_trust_anchors(webpki_roots::TLS_SERVER_ROOTS.iter().map(|anchor| {
        rustls::OwnedTrustAnchor::from_subject_spki_name_constraints(
            anchor.subject,
            anchor.spki,
            anchor.name_constraints,
        )
    }));
    let (added, _ignored) = roots.add_parsable_certificates(extra_roots);
    if added == 0 {
        return None;
    }
    let config = rustls::ClientConfig::builder()
        .with_safe_defaults()
        .with_root_certificates(roots)
        .with_no_client_auth();
    Some(Arc::new(config))
}

/// The parts of an `https://` endpoint a request needs.
#[derive(Debug, PartialEq, Eq)]
struct Target<'a> {
    host: &'a str,
    port: u16,
    /// Path and query, at least `/`.
    path: &'a str,
    /// `host[:port]` as given, for the `Host` header.
    authority: &'a str,
}

fn parse_https(url: &str) -> Option<Target<'_>> {
    let rest = url.strip_prefix("https://")?;
    let split = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(split);
    let path = if path.is_empty() { "/" } else { path };
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => {
            let (host, after) = bracketed.split_once(']')?;
            (host, after.strip_prefix(':'))
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let port = match port {
        Some(port) => port.parse().ok()?,
        None => 443,
    };
    Some(Target {
        host,
        port,
        path,
        authority,
    })
}

/// POSTs `body` to `url` over TLS verified against `tls`, within about `timeout`.
pub fn post(
    url: &str,
    tls: &Arc<rustls::ClientConfig>,
    token: Option<&Token>,
    body: &[u8],
    timeout: Duration,
) -> Delivery {
    match exchange(url, tls, token, body, timeout, &[]) {
        Some(answer) => classify(answer.status, |name| {
            name.eq_ignore_ascii_case("retry-after")
                .then_some(answer.retry_after.as_deref())
                .flatten()
        }),
        // Could not connect, handshake refused (an unknown issuer included), timed out: all
        // worth another attempt, as with any connection error.
        None => Delivery::Retryable { retry_after: None },
    }
}

/// What came back: the status, `Retry-After`, and (when asked for) the start of the body.
pub(super) struct Answer {
    pub(super) status: i32,
    pub(super) retry_after: Option<String>,
    pub(super) body: Vec<u8>,
}

/// The answer to one POST carrying `extra_headers` too, or `None` if there was no valid answer.
/// With extra headers (OTLP) the body is read as well, up to the server closing the
/// connection, [`MAX_RESPONSE_HEAD`] bytes or the deadline, for its `partialSuccess`.
pub(super) fn exchange(
    url: &str,
    tls: &Arc<rustls::ClientConfig>,
    token: Option<&Token>,
    body: &[u8],
    timeout: Duration,
    extra_headers: &[(&str, &str)],
) -> Option<Answer> {
    let target = parse_https(url)?;
    let deadline = Instant::now() + timeout;
    let address = (target.host, target.port).to_socket_addrs().ok()?.next()?;
    let tcp = TcpStream::connect_timeout(&address, timeout).ok()?;
    let left = deadline.checked_duration_since(Instant::now())?;
    tcp.set_read_timeout(Some(left)).ok()?;
    tcp.set_write_timeout(Some(left)).ok()?;
    let server_name = rustls::ServerName::try_from(target.host).ok()?;
    let connection = rustls::ClientConnection::new(tls.clone(), server_name).ok()?;
    let mut stream = rustls::StreamOwned::new(connection, tcp);

    // The token was checked to be visible ASCII when set: it cannot end the header line.
    let authorization = token.map_or_else(String::new, |token| {
        format!("Authorization: {}\r\n", token.header_value())
    });
    let mut head = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         User-Agent: {USER_AGENT}\r\n{authorization}Content-Length: {}\r\n\
         Connection: close\r\n",
        target.path,
        target.authority,
        body.len()
    );
    for (name, value) in extra_headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body).ok()?;
    stream.flush().ok()?;

    let read_body = !extra_headers.is_empty();
    let mut answer = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        let head_end = answer.windows(4).position(|w| w == b"\r\n\r\n");
        if head_end.is_some() && !read_body {
            break;
        }
        if answer.len() > MAX_RESPONSE_HEAD || Instant::now() >= deadline {
            if head_end.is_some() {
                break;
            }
            return None;
        }
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(read) => answer.extend_from_slice(&chunk[..read]),
            Err(_) if head_end.is_some() => break,
            Err(_) => return None,
        }
    }
    let head_end = answer.windows(4).position(|w| w == b"\r\n\r\n");
    let (status, retry_after) = parse_head(&String::from_utf8_lossy(&answer))?;
    let body = head_end.map_or_else(Vec::new, |end| answer[end + 4..].to_vec());
    Some(Answer {
        status,
        retry_after,
        body,
    })
}

/// Status code and `Retry-After` from `HTTP/1.1 <code> <reason>\r\n<headers>\r\n\r\n`.
fn parse_head(head: &str) -> Option<(i32, Option<String>)> {
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let retry_after = lines
        .take_while(|line| !line.is_empty())
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("retry-after"))
        .map(|(_, value)| value.trim().to_owned());
    Some((status, retry_after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_https_urls() {
        assert_eq!(
            parse_https("https://collector.example:8443/v1/events?x=1"),
            Some(Target {
                host: "collector.example",
                port: 8443,
                path: "/v1/events?x=1",
                authority: "collector.example:8443"
            })
        );
        let default_port = parse_https("https://example.com").unwrap();
        assert_eq!((default_port.port, default_port.path), (443, "/"));
        let v6 = parse_https("https://[::1]:9000/x").unwrap();
        assert_eq!((v6.host, v6.port), ("::1", 9000));
        assert_eq!(parse_https("http://example.com"), None);
    }

    #[test]
    fn parses_answer_heads() {
        assert_eq!(
            parse_head("HTTP/1.1 503 Busy\r\nretry-after: 7\r\nX: y\r\n\r\n"),
            Some((503, Some("7".to_owned())))
        );
        assert_eq!(
            parse_head("HTTP/1.1 204 No Content\r\n\r\n"),
            Some((204, None))
        );
        assert_eq!(parse_head("garbage"), None);
    }
}
