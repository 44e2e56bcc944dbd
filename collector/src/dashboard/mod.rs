//! The dashboard: one server-rendered HTML page drawn from the `/api/summary` JSON (the agreed
//! shape in docs/self-hosting.md), with its charts as inline SVG. No script at all, no request
//! to anything but the page itself, one stylesheet allowed by its hash: a self-hoster serves it
//! as it is, with no build step, under a Content-Security-Policy that allows nothing else.
//!
//! The summary is read as a `serde_json::Value`, leniently: unknown keys are ignored, a missing
//! or mistyped field shows as empty or zero. Every string in it may come from a user's event, so
//! all text is escaped where it is written (`text::escape`).

pub mod access;
mod sections;
mod svg;
mod text;

use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fmt::Write;
use std::sync::OnceLock;
use text::{count, escape, str_of, u64_of};

/// The page's stylesheet, inlined in one <style> element that the policy allows by its hash.
const STYLE: &str = include_str!("style.css");

/// The CSP source of [`STYLE`]: `'sha256-<base64 of its SHA-256>'`.
fn style_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let digest = Sha256::digest(STYLE.as_bytes());
        format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(digest)
        )
    })
}

/// The policy as a `<meta>` element can carry it (frame-ancestors only works as a header).
fn meta_policy() -> String {
    format!(
        "default-src 'none'; style-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        style_source()
    )
}

/// The `Content-Security-Policy` header value to send with [`render`]'s page: nothing may load
/// or run but its own stylesheet (and the empty data: icon), and no other site may frame it.
/// The page also carries the same policy in a `<meta>` element, so it stays strict behind a
/// proxy that drops the header.
pub fn content_security_policy() -> &'static str {
    static POLICY: OnceLock<String> = OnceLock::new();
    POLICY.get_or_init(|| format!("{}; frame-ancestors 'none'", meta_policy()))
}

/// The headers to send with [`render`]'s page, as (name, value) pairs: its type, the policy,
/// and no sniffing, referrer or caching (the page holds figures that a token may protect).
/// axum takes the array as it is: `(dashboard::response_headers(), page).into_response()`.
pub fn response_headers() -> [(&'static str, &'static str); 5] {
    [
        ("content-type", "text/html; charset=utf-8"),
        ("content-security-policy", content_security_policy()),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("cache-control", "no-store"),
    ]
}

/// The whole dashboard page for a summary (the JSON of `GET /api/summary?days=30`).
pub fn render(summary: &Value) -> String {
    let days = u64_of(summary, "days");
    let (from, to) = (str_of(summary, "from"), str_of(summary, "to"));
    let mut page = String::with_capacity(64 * 1024);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\"><meta name=\"robots\" content=\"noindex\">\
         <link rel=\"icon\" href=\"data:,\">\
         <title>Telemetry dashboard · last {days} days</title><style>{STYLE}</style></head>\n<body>",
        escape(&meta_policy())
    );
    let _ = write!(
        page,
        "<header><h1>Telemetry dashboard</h1><p class=\"window\" id=\"window\">Last {days} days: \
         <time datetime=\"{f}\">{f}</time> to <time datetime=\"{t}\">{t}</time> (UTC)</p></header>\
         <main>",
        f = escape(from),
        t = escape(to)
    );
    headline(&mut page, summary);
    page.push_str("<div class=\"panels\">");
    sections::all(&mut page, summary);
    page.push_str(
        "</div></main><footer>Drawn by the collector from its stored events; every chart has its \
         numbers in a table below it.</footer></body></html>\n",
    );
    page
}

/// Event types with their counts, largest first (ties by name), from `events_by_type`.
fn event_types(summary: &Value) -> Vec<(&str, u64)> {
    let mut types: Vec<(&str, u64)> = summary
        .get("events_by_type")
        .and_then(Value::as_object)
        .map(|object| {
            object
                .iter()
                .map(|(name, n)| (name.as_str(), n.as_u64().unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default();
    types.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    types
}

/// The numbers at the top: installations, all events, then events of each type.
fn headline(page: &mut String, summary: &Value) {
    let types = event_types(summary);
    let total: u64 = types
        .iter()
        .map(|(_, n)| n)
        .fold(0, |a, n| a.saturating_add(*n));
    let _ = write!(
        page,
        "<section aria-labelledby=\"h-headline\"><h2 id=\"h-headline\">In numbers</h2>\
         <dl class=\"headline\"><div class=\"total\"><dt>Installations</dt>\
         <dd id=\"installations\">{}</dd></div><div class=\"total\"><dt>Events</dt>\
         <dd id=\"events-total\">{}</dd></div>",
        count(u64_of(summary, "installations")),
        count(total)
    );
    for (name, n) in types {
        let _ = write!(
            page,
            "<div><dt>{} events</dt><dd data-type=\"{}\">{}</dd></div>",
            escape(name),
            escape(name),
            count(n)
        );
    }
    page.push_str("</dl></section>");
}

#[cfg(test)]
mod tests;
