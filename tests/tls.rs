//! TLS is verified: an HTTPS collector on loopback with a certificate from a private CA is
//! refused by default, and accepted once that CA is configured (TELEMETRY_CA_FILE /
//! mt_config_set_ca_file). The certificates are made for the test with the openssl command.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mycelium_telemetry::transport::pem;
use mycelium_telemetry::{Client, Config};

struct Pki {
    dir: PathBuf,
}

impl Pki {
    /// A CA, and a server certificate for localhost and 127.0.0.1 that it signed.
    fn make() -> Pki {
        // One folder per Pki: tests run in parallel in one process.
        static MADE: AtomicUsize = AtomicUsize::new(0);
        let n = MADE.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("mt-tls-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let run = |args: &[&str]| {
            let status = Command::new("openssl")
                .args(args)
                .current_dir(&dir)
                .status();
            assert!(status.is_ok_and(|s| s.success()), "openssl {args:?} failed");
        };
        std::fs::write(
            dir.join("server.ext"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n\
             keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        run(&[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=mt test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign",
        ]);
        run(&[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ]);
        run(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "server.ext",
        ]);
        Pki { dir }
    }

    fn read(&self, name: &str, label: &str) -> Vec<u8> {
        let text = std::fs::read_to_string(self.dir.join(name)).unwrap();
        pem::blocks(&text, label).remove(0)
    }

    fn ca_file(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// An HTTPS collector: records each request it could read (head, then body) and answers with
/// `answer` (200 without a body by default); counts connections whose TLS handshake failed.
struct HttpsCollector {
    port: u16,
    bodies: Arc<Mutex<Vec<String>>>,
    heads: Arc<Mutex<Vec<String>>>,
    handshakes_refused: Arc<Mutex<usize>>,
}

const EMPTY_200: &str = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

impl HttpsCollector {
    fn start(pki: &Pki) -> Self {
        Self::answering(pki, EMPTY_200.to_owned())
    }

    fn answering(pki: &Pki, answer: String) -> Self {
        let config = rustls::ServerConfig::builder()
            .with_safe_defaults()
            .with_no_client_auth()
            .with_single_cert(
                vec![rustls::Certificate(pki.read("server.pem", "CERTIFICATE"))],
                rustls::PrivateKey(pki.read("server.key", "PRIVATE KEY")),
            )
            .unwrap();
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let heads = Arc::new(Mutex::new(Vec::new()));
        let handshakes_refused = Arc::new(Mutex::new(0));
        let (b, hd, h) = (bodies.clone(), heads.clone(), handshakes_refused.clone());
        std::thread::spawn(move || {
            for tcp in listener.incoming().flatten() {
                let _ = tcp.set_read_timeout(Some(Duration::from_secs(5)));
                let connection = rustls::ServerConnection::new(config.clone()).unwrap();
                let mut tls = rustls::StreamOwned::new(connection, tcp);
                match read_request(&mut tls) {
                    Some((head, body)) => {
                        hd.lock().unwrap().push(head);
                        b.lock().unwrap().push(body);
                        let _ = tls.write_all(answer.as_bytes());
                        let _ = tls.flush();
                    }
                    None => *h.lock().unwrap() += 1,
                }
            }
        });
        HttpsCollector {
            port,
            bodies,
            heads,
            handshakes_refused,
        }
    }
}

/// One request's head and body.
fn read_request(stream: &mut impl Read) -> Option<(String, String)> {
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        head.push_str(&line);
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok()?;
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((head, String::from_utf8(body).ok()?))
}

fn client_for(port: u16, ca_file: Option<&Path>) -> Client {
    let mut config = Config::new();
    config.set_enabled(true);
    config
        .set_endpoint(&format!("https://localhost:{port}/v1/events"))
        .unwrap();
    config.set_salt("s").unwrap();
    config.set_retry_attempts(0).unwrap();
    config.set_timeout_secs(5).unwrap();
    if let Some(ca_file) = ca_file {
        config.set_ca_file(ca_file).unwrap();
    }
    Client::new(&config)
}

#[test]
fn certificates_are_verified_and_a_private_ca_can_be_trusted() {
    let pki = Pki::make();
    let collector = HttpsCollector::start(&pki);

    // Default: the private CA is not trusted, the handshake fails, nothing is delivered.
    let untrusting = client_for(collector.port, None);
    untrusting.track_agent_usage("a", "refused", None).unwrap();
    untrusting.flush(Duration::from_secs(10)).unwrap();
    let stats = untrusting.stats();
    assert_eq!((stats.sent, stats.failed), (0, 1), "{stats:?}");
    assert!(collector.bodies.lock().unwrap().is_empty());
    // The server thread counts the refused handshake after the client has already seen it
    // fail, so give it a moment rather than racing it.
    let counted = Instant::now() + Duration::from_secs(5);
    while *collector.handshakes_refused.lock().unwrap() == 0 && Instant::now() < counted {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(*collector.handshakes_refused.lock().unwrap() >= 1);

    // Given the CA, the same collector is trusted.
    let trusting = client_for(collector.port, Some(&pki.ca_file()));
    trusting.track_agent_usage("a", "accepted", None).unwrap();
    trusting.flush(Duration::from_secs(10)).unwrap();
    assert_eq!(trusting.stats().sent, 1);
    let bodies = collector.bodies.lock().unwrap();
    assert_eq!(bodies.len(), 1);
    assert!(bodies[0].contains("\"operation\":\"accepted\""));
}

#[test]
fn otlp_through_a_private_ca_sends_its_headers_and_reads_partial_success() {
    let pki = Pki::make();
    let body = r#"{"partialSuccess":{"rejectedLogRecords":"1"}}"#;
    let answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let collector = HttpsCollector::answering(&pki, answer);
    let mut config = Config::try_from_lookup(|name| match name {
        "TELEMETRY_ENABLED" => Some("1".into()),
        "TELEMETRY_PROTOCOL" => Some("otlp".into()),
        "TELEMETRY_SALT" => Some("s".into()),
        "TELEMETRY_FLUSH_INTERVAL_MS" => Some("60000".into()),
        "OTEL_EXPORTER_OTLP_HEADERS" => Some("x-api-key=tls-key".into()),
        _ => None,
    })
    .unwrap();
    config
        .set_endpoint(&format!("https://localhost:{}/v1/logs", collector.port))
        .unwrap();
    config.set_ca_file(pki.ca_file()).unwrap();
    let client = Client::new(&config);
    client.track_agent_usage("a", "first", None).unwrap();
    client.track_agent_usage("a", "second", None).unwrap();
    client.flush(Duration::from_secs(10)).unwrap();
    let stats = client.stats();
    assert_eq!(
        (stats.sent, stats.failed, stats.retries),
        (1, 1, 0),
        "{stats:?}"
    );
    let heads = collector.heads.lock().unwrap();
    assert_eq!(heads.len(), 1);
    assert!(
        heads[0].starts_with("POST /v1/logs HTTP/1.1\r\n"),
        "{}",
        heads[0]
    );
    assert!(
        heads[0].contains("\r\nx-api-key: tls-key\r\n"),
        "{}",
        heads[0]
    );
    assert!(collector.bodies.lock().unwrap()[0].contains("\"resourceLogs\""));
}

#[test]
fn a_ca_file_must_hold_a_certificate() {
    let mut config = Config::new();
    assert!(config.set_ca_file("/nonexistent/ca.pem").is_err());
    let junk = std::env::temp_dir().join(format!("mt-junk-ca-{}.pem", std::process::id()));
    std::fs::write(&junk, "not a certificate").unwrap();
    assert!(config.set_ca_file(&junk).is_err());
    std::fs::remove_file(junk).unwrap();
    assert!(config.ca_file().is_none());
}
