//! TEMPORARY stand-in for `mycelium-collector`, only until the collector crate lands: serves the
//! dashboard of a planted summary JSON so the browser test has a real HTTP server to load. It
//! answers `GET /` (the page, with its Content-Security-Policy header) and `GET /api/summary`
//! (the planted JSON as it is), both behind `--dashboard-token` when one is given, checked by
//! `dashboard::access` as the collector does. One request per connection, a thread each, over std's TcpListener: a test fixture, never a
//! server to deploy. Delete it when collector/tests/browser/test.sh starts the real collector.
//!
//! Usage: dashboard_standin --listen 127.0.0.1:PORT --summary FILE [--dashboard-token TOKEN]

use mycelium_collector::dashboard;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};

struct Options {
    listen: String,
    summary: Value,
    token: Option<String>,
}

fn options() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let (mut listen, mut summary, mut token) = (None, None, None);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--listen" => listen = Some(value),
            "--summary" => {
                let text = std::fs::read_to_string(&value).map_err(|e| format!("{value}: {e}"))?;
                summary = Some(serde_json::from_str(&text).map_err(|e| format!("{value}: {e}"))?);
            }
            "--dashboard-token" => token = Some(value),
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(Options {
        listen: listen.ok_or("--listen is required")?,
        summary: summary.ok_or("--summary is required")?,
        token,
    })
}

fn respond(stream: &mut TcpStream, status: &str, headers: &[(&str, &str)], body: &str) {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
}

fn serve(mut stream: TcpStream, options: &Options) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut authorization = None;
    for _ in 0..100 {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("authorization") {
                authorization = Some(value.trim().to_owned());
            }
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = target.split('?').next().unwrap_or("");
    if method != "GET" {
        return respond(
            &mut stream,
            "405 Method Not Allowed",
            &[("Allow", "GET")],
            "",
        );
    }
    if path != "/" && path != "/api/summary" {
        return respond(
            &mut stream,
            "404 Not Found",
            &[("Content-Type", "text/plain")],
            "not found\n",
        );
    }
    if let Some(token) = &options.token {
        if !dashboard::access::token_accepted(authorization.as_deref(), token) {
            let challenge = ("WWW-Authenticate", dashboard::access::CHALLENGE);
            return respond(
                &mut stream,
                "401 Unauthorized",
                &[challenge, ("Content-Type", "text/plain")],
                "dashboard token required\n",
            );
        }
    }
    if path == "/" {
        let page = dashboard::render(&options.summary);
        let headers = dashboard::response_headers();
        respond(&mut stream, "200 OK", &headers, &page);
    } else {
        let json = options.summary.to_string();
        respond(
            &mut stream,
            "200 OK",
            &[("Content-Type", "application/json")],
            &json,
        );
    }
}

fn main() {
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("dashboard_standin: {message}");
            std::process::exit(2);
        }
    };
    let listener = TcpListener::bind(&options.listen).unwrap_or_else(|e| {
        eprintln!(
            "dashboard_standin: cannot listen on {}: {e}",
            options.listen
        );
        std::process::exit(1);
    });
    eprintln!("dashboard_standin: listening on {}", options.listen);
    // A thread per connection: Chromium opens spare connections it may never use, and one of
    // those must not hold up the next request.
    let options = std::sync::Arc::new(options);
    for stream in listener.incoming().flatten() {
        let options = options.clone();
        std::thread::spawn(move || {
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(10)));
            serve(stream, &options);
        });
    }
}
