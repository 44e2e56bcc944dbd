//! Secrets found from a rare literal anchor, each searched with `memchr::memmem` (a vectorised
//! substring search, many GB/s) so that text without the anchor costs almost nothing:
//! PEM private-key blocks, PuTTY key files, user and password in a URL's authority, and
//! webhook URLs that carry their secret in the path (checked where a `://` was found).

use memchr::memmem;

use super::super::finding::Finding;

/// Hosts and paths of webhook URLs whose path is the credential.
const WEBHOOKS: &[&str] = &[
    "hooks.slack.com/services/",
    "hooks.slack.com/workflows/",
    "discord.com/api/webhooks/",
    "discordapp.com/api/webhooks/",
    "webhook.office.com/webhookb2/",
    "outlook.office.com/webhook/",
    "chat.googleapis.com/v1/spaces/",
];

pub(crate) fn find(text: &str, out: &mut Vec<Finding>) {
    let bytes = text.as_bytes();
    if memchr::memchr(b'-', bytes).is_some() {
        private_key_blocks(bytes, out);
    }
    if let Some(at) = memmem::find(bytes, b"PuTTY-User-Key-File-") {
        putty_key(bytes, at, out);
    }
    if memchr::memchr(b':', bytes).is_some() {
        for at in memmem::find_iter(bytes, b"://") {
            let authority = at + 3;
            let host = &bytes[authority..];
            let host = host.strip_prefix(b"www.").unwrap_or(host);
            if WEBHOOKS.iter().any(|w| host.starts_with(w.as_bytes())) {
                let (start, end) = url_around(bytes, authority);
                out.push(Finding::placeholder(start, end, "<secret>"));
            } else {
                url_userinfo(bytes, authority, out);
            }
        }
    }
}

/// `-----BEGIN … PRIVATE KEY-----` (also `PRIVATE KEY BLOCK` for PGP) to its `-----END …-----`
/// line, or to the end of the text when it was cut.
fn private_key_blocks(bytes: &[u8], out: &mut Vec<Finding>) {
    let mut from = 0;
    while let Some(found) = memmem::find(&bytes[from..], b"-----BEGIN ") {
        let start = from + found;
        let label_start = start + "-----BEGIN ".len();
        let Some(label_len) = memmem::find(&bytes[label_start..], b"-----") else {
            return;
        };
        let label = &bytes[label_start..label_start + label_len];
        let body = label_start + label_len + 5;
        if memmem::find(label, b"PRIVATE KEY").is_none() || label.contains(&b'\n') {
            from = body;
            continue;
        }
        let end = match memmem::find(&bytes[body..], b"-----END ") {
            Some(found) => {
                let end_label = body + found + "-----END ".len();
                match memmem::find(&bytes[end_label..], b"-----") {
                    Some(close) => end_label + close + 5,
                    None => bytes.len(),
                }
            }
            None => bytes.len(),
        };
        out.push(Finding::placeholder(start, end, "<private-key>"));
        from = end;
    }
}

/// A PuTTY key file's private part, from its `Private-Lines:` line to the end of its
/// `Private-MAC:` line (or the end of the text). The header and public lines stay: they name
/// the key type, not the key.
fn putty_key(bytes: &[u8], anchor: usize, out: &mut Vec<Finding>) {
    let start = match memmem::find(&bytes[anchor..], b"Private-Lines:") {
        Some(found) => anchor + found,
        None => memchr::memchr(b'\n', &bytes[anchor..]).map_or(bytes.len(), |end| anchor + end),
    };
    let end = match memmem::find(&bytes[start..], b"Private-MAC:") {
        Some(found) => {
            let mac = start + found;
            memchr::memchr(b'\n', &bytes[mac..]).map_or(bytes.len(), |line_end| mac + line_end)
        }
        None => bytes.len(),
    };
    if end > start {
        out.push(Finding::placeholder(start, end, "<private-key>"));
    }
}

/// `scheme://user:password@host` and `scheme://user@host`: the user and password go.
fn url_userinfo(bytes: &[u8], authority: usize, out: &mut Vec<Finding>) {
    let scheme_ok = authority >= 4 && bytes[authority - 4].is_ascii_alphanumeric();
    if !scheme_ok {
        return;
    }
    // `?` and `#` end the authority, except inside a password (`user:pa#ss@host`).
    let stops = |b: u8| b.is_ascii_whitespace() || matches!(b, b'/' | b'"' | b'\'' | b'<' | b'>');
    // The last `@` before the path ends the user information: a password may hold an `@`.
    let mut at = authority;
    let mut last_at = None;
    let mut colon = None;
    while at < bytes.len() && !stops(bytes[at]) {
        match bytes[at] {
            b'?' | b'#' if colon.is_none() => break,
            b'@' => last_at = Some(at),
            b':' if colon.is_none() => colon = Some(at),
            _ => {}
        }
        at += 1;
    }
    let Some(at) = last_at else {
        return;
    };
    let colon = colon.filter(|&c| c < at);
    if at == authority || colon == Some(authority) {
        return;
    }
    let replacement = if colon.is_some() {
        "<user>:<password>"
    } else {
        "<user>"
    };
    out.push(Finding::placeholder(authority, at, replacement));
}

/// The URL whose authority starts at `authority`: back over its scheme, forward to a space,
/// a quote or the `&` that ends a query value.
fn url_around(bytes: &[u8], authority: usize) -> (usize, usize) {
    let mut start = authority - 3;
    while start > 0
        && (bytes[start - 1].is_ascii_alphanumeric()
            || matches!(bytes[start - 1], b'+' | b'.' | b'-'))
    {
        start -= 1;
    }
    let mut end = authority;
    while end < bytes.len()
        && !bytes[end].is_ascii_whitespace()
        && !matches!(bytes[end], b'"' | b'\'' | b'<' | b'>' | b'(' | b')' | b'&')
    {
        end += 1;
    }
    (start, end)
}
