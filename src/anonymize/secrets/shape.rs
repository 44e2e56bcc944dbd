//! Secrets recognised by their shape alone: long random tokens (base64, base64url, base62,
//! base32, long hex), JWTs and other base64 JSON, base64 of a PEM file, password hashes.
//!
//! A "blob" is a run of base64-ish characters (`A-Z a-z 0-9 + / _ ~ - . =`) that the scanner
//! hands over. It is cut into pieces at `.` and `=` (JWT parts, `name=value`, padding), and a piece is judged by numbers
//! measured on the privacy corpus (see the constants below): its length, which character
//! classes it mixes, how often consecutive characters change class, and its Shannon entropy.
//!
//! Kept on purpose: hex of up to 40 digits (git commit hashes, MD5 and SHA-1 digests), longer
//! hex after a word that names a digest (`sha256 e3b0…`), and UUIDs: they name code, builds and
//! requests, and an error without them is much less useful. A secret-bearing word before any of
//! them still makes it a secret (`context.rs` runs first).

use super::super::checks::entropy;
use super::super::finding::Finding;
use super::randomness::{is_random, MIN_RANDOM_LEN};
use super::words::classify;

/// Hex up to this length is kept (git object names, MD5, SHA-1).
const MAX_KEPT_HEX: usize = 40;

/// Words after which a long hex string is a digest, not a key.
const DIGEST_WORDS: &[&str] = &[
    "sha",
    "sha1",
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    "sha-256",
    "sha-512",
    "md5",
    "digest",
    "checksum",
    "hash",
    "commit",
    "rev",
    "revision",
    "integrity",
    "fingerprint",
    "etag",
    "blake2",
    "blake3",
    "object",
    "tree",
    "oid",
    "sum",
    "h1",
];

/// Reports the secret pieces of the blob `text[start..end]`.
pub(crate) fn find_in_blob(text: &str, start: usize, end: usize, out: &mut Vec<Finding>) {
    let bytes = text.as_bytes();
    let blob = &bytes[start..end];
    // Base64 of "-----BEGIN": a whole PEM file, encoded.
    if blob.starts_with(b"LS0tLS1CRUdJTi") {
        out.push(Finding::placeholder(start, end, "<private-key>"));
        return;
    }
    // What the word before says matters only for hex and UUIDs: worked out when one is met.
    let context = once_cell::unsync::OnceCell::new();
    let before = || *context.get_or_init(|| before_blob(bytes, start));
    // Secret pieces separated by one `.` become one finding (a JWT is one secret).
    let mut open: Option<(usize, usize)> = None;
    let mut piece_start = start;
    loop {
        let mut at = piece_start;
        while at < end && !matches!(bytes[at], b'.' | b'=') {
            at += 1;
        }
        let mut piece_end = at;
        let attached = piece_start > start && bytes[piece_start - 1] == b'.';
        match judge(&text[piece_start..at], &before, attached) {
            Verdict::Secret => {
                let piece_start = piece_start + leading_path_words(&blob[piece_start - start..]);
                // Padding after a piece belongs to it.
                while piece_end < end && bytes[piece_end] == b'=' {
                    piece_end += 1;
                }
                open = match open {
                    // Secret pieces a few short parts apart are one token (a Discord bot
                    // token's middle part, a JWT's header and payload).
                    Some((s, e))
                        if piece_start - e <= 16 && !bytes[e..piece_start].contains(&b'/') =>
                    {
                        Some((s, piece_end))
                    }
                    Some((s, e)) => {
                        out.push(Finding::placeholder(s, e, "<secret>"));
                        Some((piece_start, piece_end))
                    }
                    None => Some((piece_start, piece_end)),
                };
            }
            Verdict::Parts => random_parts(text, piece_start, at, out),
            Verdict::Keep => {}
        }
        if piece_end >= end {
            break;
        }
        piece_start = if matches!(bytes[piece_end], b'.' | b'=') {
            piece_end + 1
        } else {
            piece_end
        };
    }
    if let Some((s, e)) = open {
        out.push(Finding::placeholder(s, e, "<secret>"));
    }
}

enum Verdict {
    Secret,
    Keep,
    /// Not random as a whole, but it has `/`: look at its parts (a URL path ending in a key).
    Parts,
}

/// What the word before a blob says about it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Before {
    /// `sha256`, `commit`, `digest`: a hex string after it is a digest.
    Digest,
    /// A secret-bearing word (`key`, `token`, `signature`): anything long after it is secret.
    Secret,
    Other,
}

/// Base64 openings of key material: DER (`MII…`), OpenSSH and PuTTY private key files.
const KEY_MATERIAL: &[&str] = &["MII", "b3BlbnNzaC1rZXktdjE", "UHVUVFktVXNlci1LZXktRmlsZ"];

/// What the word before the blob at `start` says about it.
fn before_blob(bytes: &[u8], start: usize) -> Before {
    match word_before(bytes, start) {
        Some(word)
            if DIGEST_WORDS
                .iter()
                .any(|d| word.eq_ignore_ascii_case(d.as_bytes())) =>
        {
            Before::Digest
        }
        Some(word) if std::str::from_utf8(word).ok().and_then(classify).is_some() => Before::Secret,
        _ => Before::Other,
    }
}

/// `before` tells what the word before the blob says; `attached`: the piece follows another
/// piece of the same blob (`qx1.<hex>`).
fn judge(piece: &str, before: &dyn Fn() -> Before, attached: bool) -> Verdict {
    let bytes = piece.as_bytes();
    if bytes.len() >= MIN_RANDOM_LEN && bytes.starts_with(b"eyJ") {
        return Verdict::Secret;
    }
    if bytes.len() >= 40 && KEY_MATERIAL.iter().any(|k| bytes.starts_with(k.as_bytes())) {
        return Verdict::Secret;
    }
    if bytes.len() < MIN_RANDOM_LEN {
        return Verdict::Keep;
    }
    // Subresource-integrity digests (`sha512-D1NZ…==`) name a package's content.
    let sri = ["sha1-", "sha256-", "sha384-", "sha512-"];
    if sri.iter().any(|p| bytes.starts_with(p.as_bytes())) {
        return Verdict::Keep;
    }
    // Hashes and UUIDs are kept, unless a secret-bearing word names them (`session <uuid>`).
    if is_uuid(bytes) {
        return if before() == Before::Secret {
            Verdict::Secret
        } else {
            Verdict::Keep
        };
    }
    // Hex, also written `0x2545_f491_…` or grouped with dashes.
    let digits = bytes.strip_prefix(b"0x").unwrap_or(bytes);
    if digits
        .iter()
        .all(|&b| b.is_ascii_hexdigit() || b == b'_' || b == b'-')
    {
        let before = before();
        let named = attached && bytes.len() >= 32 && before != Before::Digest;
        let kept = ((bytes.len() <= MAX_KEPT_HEX && !named) || before == Before::Digest)
            && before != Before::Secret;
        return if kept || entropy(piece) < 2.5 {
            Verdict::Keep
        } else {
            Verdict::Secret
        };
    }
    // Lowercase words and paths (most of a trace) have no digit and at most one capital:
    // nothing below can call them random.
    let capitals = bytes
        .iter()
        .filter(|b| b.is_ascii_uppercase())
        .take(2)
        .count();
    if capitals < 2 && !bytes.iter().any(u8::is_ascii_digit) {
        return Verdict::Keep;
    }
    // After a digest word (`h1:…=`, `sha256 …`), base64 is a digest too.
    if before() == Before::Digest {
        return Verdict::Keep;
    }
    if is_mailchimp_key(bytes) || is_prefixed_hex(bytes) || is_random(piece) {
        return Verdict::Secret;
    }
    // A prefix of words before a random part (`pk-prod-ww6JVmnu…`): the part decides.
    let random_part = piece
        .split(['-', '_'])
        .any(|part| part.len() >= MIN_RANDOM_LEN && is_random(part));
    if random_part {
        return Verdict::Secret;
    }
    if bytes.contains(&b'/') {
        Verdict::Parts
    } else {
        Verdict::Keep
    }
}

/// A few short words joined by `-` or `_`, then 32 or more hex digits, possibly grouped
/// (`tnt-994d…`, `pk-prod-fd24…`, `api-aced130e-7e2a-…`): a token with a vendor prefix
/// nobody listed. Digest names (`sha256-…`) are not such prefixes.
fn is_prefixed_hex(bytes: &[u8]) -> bool {
    let is_separator = |b: &u8| *b == b'-' || *b == b'_';
    // The longest tail of hex digits and separators, found in one pass from the end; the
    // prefix ends at the first separator from which the rest lies inside it.
    let tail_start = bytes.len()
        - bytes
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_hexdigit() || is_separator(b))
            .count();
    let Some(split) =
        (tail_start.saturating_sub(1)..bytes.len()).find(|&i| is_separator(&bytes[i]))
    else {
        return false;
    };
    let (head, tail) = (&bytes[..split], &bytes[split + 1..]);
    let last_word = head.rsplit(is_separator).next().unwrap_or_default();
    head.len() <= 24
        && tail.iter().filter(|b| b.is_ascii_hexdigit()).count() >= 32
        && !last_word.is_empty()
        && !head
            .iter()
            .all(|b| b.is_ascii_hexdigit() || is_separator(b))
        && !DIGEST_WORDS
            .iter()
            .any(|d| last_word.eq_ignore_ascii_case(d.as_bytes()))
}

/// Length of the plain path words (`com/services/`) that lead a random piece: they are a URL's
/// or a path's, not the secret's.
fn leading_path_words(piece: &[u8]) -> usize {
    let mut kept = 0;
    for (at, &byte) in piece.iter().enumerate() {
        if byte == b'/' {
            kept = at + 1;
        } else if !(byte.is_ascii_lowercase() || matches!(byte, b'-' | b'_')) {
            break;
        }
    }
    kept
}

fn random_parts(text: &str, start: usize, end: usize, out: &mut Vec<Finding>) {
    let mut part_start = start;
    for at in start..=end {
        if at == end || text.as_bytes()[at] == b'/' {
            let part = &text[part_start..at];
            if matches!(judge(part, &|| Before::Other, false), Verdict::Secret) {
                out.push(Finding::placeholder(part_start, at, "<secret>"));
            }
            part_start = at + 1;
        }
    }
}

/// `8-4-4-4-12` hex digits.
fn is_uuid(bytes: &[u8]) -> bool {
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, &byte)| match i {
            8 | 13 | 18 | 23 => byte == b'-',
            _ => byte.is_ascii_hexdigit(),
        })
}

/// Mailchimp API keys: 32 hex digits, `-us`, a data-centre number.
fn is_mailchimp_key(bytes: &[u8]) -> bool {
    bytes.len() > 35
        && bytes.len() <= 37
        && bytes[..32].iter().all(u8::is_ascii_hexdigit)
        && bytes[32..].starts_with(b"-us")
        && bytes[35..].iter().all(u8::is_ascii_digit)
}

/// The alphanumeric word just before `start`, past spaces and one `:`, `=` or quote.
fn word_before(bytes: &[u8], start: usize) -> Option<&[u8]> {
    let mut end = start;
    while end > 0 && matches!(bytes[end - 1], b' ' | b':' | b'=' | b'"' | b'\'' | b'\t') {
        end -= 1;
        if start - end > 3 {
            break;
        }
    }
    let mut begin = end;
    while begin > 0 && (bytes[begin - 1].is_ascii_alphanumeric() || bytes[begin - 1] == b'-') {
        begin -= 1;
    }
    (begin < end).then(|| &bytes[begin..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret_spans(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        find_in_blob(text, 0, text.len(), &mut out);
        out.iter().map(|f| &text[f.start..f.end]).collect()
    }

    #[test]
    fn random_tokens_are_secrets() {
        for token in [
            "h5Kq9TzR2mWx8Lp3Vb7Nc1Yd6Fg0Js4Ha/Ue+Qo2",
            "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFi==",
            "q8Rz2LkP0vXn7Tg4WmYb",
            "k3j9x2m5q8w1z7v4b6n0p2r8",
            "LS0tLS1CRUdJTiBPUEVOU1NIIFBSSVZBVEUgS0VZLS0tLS0K",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert_eq!(secret_spans(token), [token], "{token}");
        }
        assert_eq!(
            secret_spans("hooks.example.com/services/T0/B0/aB3dE6gH9jK2mN5pQ8sT1vW4"),
            ["T0/B0/aB3dE6gH9jK2mN5pQ8sT1vW4"]
        );
    }

    #[test]
    fn words_names_paths_and_code_names_stay() {
        for text in [
            "IllegalStateException",
            "com.example.billing.Service.charge",
            "home/alice/projects/agent/app.py",
            "python3.11/site-packages/psycopg/connection.py",
            "3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39",
            "123e4567-e89b-12d3-a456-426614174000",
            "AbstractControllerBaseHandler",
            "NullReferenceException",
            "Users/Bob/Library/Caches/com.apple.Safari",
            "actionpack-7.0.4/lib/abstract_controller/base.rb",
            "x86_64-unknown-linux-gnu",
            "retry_count=3",
            "PuTTY-User-Key-File-3",
            "getHTTPResponseCodeForURL",
        ] {
            assert!(
                secret_spans(text).is_empty(),
                "{text}: {:?}",
                secret_spans(text)
            );
        }
        let digest = "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let mut out = Vec::new();
        find_in_blob(digest, 7, digest.len(), &mut out);
        assert!(out.is_empty());
    }
}
