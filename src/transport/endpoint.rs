//! The rules a collector URL must follow, and its normal form.

use std::net::Ipv4Addr;

/// Normalizes an endpoint URL and enforces the transport rules: https everywhere, http only on
/// loopback, no credentials in the authority. `None` when the URL breaks a rule.
pub fn normalize_endpoint(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (scheme, rest) = match raw.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
        None => ("https".to_owned(), raw),
    };
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    if authority.contains('@') {
        return None;
    }
    let host = host_of(authority)?;
    if scheme == "http" && !is_loopback_host(host) {
        return None;
    }
    Some(format!("{scheme}://{authority}{path}"))
}

/// The host part of `host[:port]` or `[v6][:port]`, checking the port if there is one.
fn host_of(authority: &str) -> Option<&str> {
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (host, after) = bracketed.split_once(']')?;
        (host, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return None;
    }
    if let Some(port) = port {
        let port: u16 = port.parse().ok()?;
        if port == 0 {
            return None;
        }
    }
    Some(host)
}

fn is_loopback_host(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host == "::1"
        || host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}
