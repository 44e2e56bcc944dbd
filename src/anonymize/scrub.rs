//! Scrubbing free text: error messages, stack traces, and every string that leaves.
//!
//! Each kind of personal data or secret gets its own placeholder so analysts can still count
//! kinds of failures: `<secret>`, `<private-key>`, `<email>`, `<ip>`, `<mac>`, `<card>`,
//! `<ssn>`, `<iban>`, `<phone>`, `<user>`, `<host>`, `<tmp>`. Rules run in a fixed order, the most
//! specific first (a password inside a URL must go before the URL's host looks like a path).
//! Checksums and entropy keep false positives down; where a rule cannot tell, it scrubs.

use once_cell::sync::Lazy;
use regex::{Captures, Regex};

use super::regex;

use super::checks::entropy;
use super::finding::apply;
use super::identity::Identity;
use super::personal::PersonalData;

/// PEM private key blocks, whatever the key type.
static PRIVATE_KEY: Lazy<Regex> = Lazy::new(|| {
    regex(
        r"(?s)-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)",
    )
});
/// JSON Web Tokens: base64url header and payload that both start with `{"`.
static JWT: Lazy<Regex> =
    Lazy::new(|| regex(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"));
/// Credentials recognised by their vendor prefix.
static VENDOR_TOKEN: Lazy<Regex> = Lazy::new(|| {
    regex(concat!(
        r"\b(?:",
        r"gh[pousr]_[A-Za-z0-9]{30,255}",    // GitHub classic tokens
        r"|github_pat_[A-Za-z0-9_]{22,255}", // GitHub fine-grained PATs
        r"|gl(?:pat|dt|rt|ptt|ft|cbt|imt|oas|soat)-[A-Za-z0-9_-]{20,}", // GitLab
        r"|xox[abposr]-[A-Za-z0-9-]{10,}|xapp-[A-Za-z0-9-]{10,}", // Slack
        r"|(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{16,}", // Stripe
        r"|sk-ant-[A-Za-z0-9_-]{20,}",       // Anthropic
        r"|sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}", // OpenAI
        r"|AIza[0-9A-Za-z_-]{35}",           // Google API keys
        r"|npm_[A-Za-z0-9]{36}",             // npm
        r"|pypi-[A-Za-z0-9_-]{50,}",         // PyPI
        r"|(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}", // AWS key ids
        r")\b"
    ))
});
/// Slack incoming webhooks carry their secret in the path.
static SLACK_WEBHOOK: Lazy<Regex> =
    Lazy::new(|| regex(r"https://hooks\.slack\.com/services/[A-Za-z0-9/_-]+"));
/// `Authorization: Bearer …` and friends, in headers, logs and curl command lines.
static AUTHORIZATION: Lazy<Regex> = Lazy::new(|| {
    regex(
        r#"(?i)\b((?:proxy-)?authorization["']?\s*[:=]\s*["']?)(?:(bearer|basic|digest|token|negotiate|ntlm)\s+)?([^\s"',;]+)"#,
    )
});
/// A bare `Bearer <token>`, `Basic <base64>` or `token <value>`; [`looks_random`] decides, so
/// that "token validation failed" stays.
static BEARER: Lazy<Regex> =
    Lazy::new(|| regex(r"(?i)\b(bearer|basic|token)\s+([A-Za-z0-9._~+/-]{8,}=*)"));
/// User and password in any URL's authority.
static URL_USERINFO: Lazy<Regex> =
    Lazy::new(|| regex(r"(?i)\b([a-z][a-z0-9+.-]*://)([^\s/@:]+)(:[^\s/@]*)?@"));
/// Query parameters whose names say they carry a secret.
static SECRET_QUERY_PARAM: Lazy<Regex> = Lazy::new(|| {
    regex(concat!(
        r"(?i)([?&;](?:[a-z0-9_.-]*(?:token|key|password|passwd|pwd|secret|sig|signature|auth|",
        r"session|sessionid|credential|code|otp)|x-amz-[a-z-]+)=)([^&#\s",
        "\"'",
        r"]+)"
    ))
});
/// `name = value`, `name: value`, `"name": "value"` where the name says it is a secret.
static SECRET_ASSIGNMENT: Lazy<Regex> = Lazy::new(|| {
    regex(concat!(
        r#"(?i)(["']?\b[a-z0-9_.-]*?(password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|"#,
        r#"access[_-]?key|private[_-]?key|secret[_-]?key|client[_-]?secret|credentials?)["']?"#,
        r#"\s*(?::=|=>|[:=])\s*)(["']?)([^\s"',;&}\]]+)"#
    ))
});
/// Values that, after a secret-looking name, are not secrets.
const NOT_SECRETS: &[&str] = &[
    "true",
    "false",
    "null",
    "none",
    "nil",
    "undefined",
    "redacted",
];

/// The scrubber for one identity (the process's own, or one given by a test).
pub struct Scrubber {
    personal: PersonalData,
}

static PROCESS_SCRUBBER: Lazy<Scrubber> = Lazy::new(|| Scrubber::new(Identity::current()));

impl Scrubber {
    /// The scrubber for this process's user, home and host, read once.
    pub fn for_this_process() -> &'static Scrubber {
        &PROCESS_SCRUBBER
    }

    pub fn new(identity: Identity) -> Self {
        Scrubber {
            personal: PersonalData::new(&identity),
        }
    }

    /// What may leave of one path (see `PersonalData::one_path`), also losing anything the
    /// text rules catch in its names (an email as a folder name, say). Input that is not one
    /// path, such as a whole message, is scrubbed as text instead, so that nothing escapes
    /// because it was handed to the wrong function.
    pub fn scrub_path(&self, path: &str) -> String {
        if is_one_path(path) {
            self.scrub(&self.personal.one_path(path))
        } else {
            self.scrub(path)
        }
    }

    /// Scrubs free text: secrets first, then personal data. Runs on the sender thread.
    pub fn scrub(&self, text: &str) -> String {
        let text = scrub_secrets(text);
        let mut findings = Vec::new();
        self.personal.find(&text, &mut findings);
        apply(&text, &mut findings)
    }
}

/// Starts like an absolute path, or has no spaces at all (a relative path).
fn is_one_path(text: &str) -> bool {
    let bytes = text.as_bytes();
    let drive = bytes.len() >= 3
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && matches!(bytes[2], b'/' | b'\\');
    drive
        || text.starts_with(['/', '~', '\\'])
        || text
            .get(..7)
            .is_some_and(|s| s.eq_ignore_ascii_case("file://"))
        || !text.contains(char::is_whitespace)
}

fn scrub_secrets(text: &str) -> String {
    let mut text = text.to_owned();
    if text.contains("PRIVATE KEY-----") {
        text = PRIVATE_KEY.replace_all(&text, "<private-key>").into_owned();
    }
    if text.contains("eyJ") {
        text = JWT.replace_all(&text, "<secret>").into_owned();
    }
    if may_hold_vendor_token(&text) {
        text = VENDOR_TOKEN.replace_all(&text, "<secret>").into_owned();
    }
    if text.contains("hooks.slack.com") {
        text = SLACK_WEBHOOK.replace_all(&text, "<secret>").into_owned();
    }
    if contains_ignore_ascii_case(&text, "authorization") {
        text = AUTHORIZATION
            .replace_all(&text, |caps: &Captures| match caps.get(2) {
                Some(scheme) => format!("{}{} <secret>", &caps[1], scheme.as_str()),
                None => format!("{}<secret>", &caps[1]),
            })
            .into_owned();
    }
    if ["bearer", "basic", "token"]
        .iter()
        .any(|word| contains_ignore_ascii_case(&text, word))
    {
        text = BEARER
            .replace_all(&text, |caps: &Captures| {
                if looks_random(&caps[2]) {
                    format!("{} <secret>", &caps[1])
                } else {
                    caps[0].to_owned()
                }
            })
            .into_owned();
    }
    if text.contains("://") {
        text = URL_USERINFO
            .replace_all(&text, |caps: &Captures| match caps.get(3) {
                Some(_) => format!("{}<user>:<password>@", &caps[1]),
                None => format!("{}<user>@", &caps[1]),
            })
            .into_owned();
    }
    if text.contains('=') {
        text = SECRET_QUERY_PARAM
            .replace_all(&text, "$1<secret>")
            .into_owned();
    }
    if !text.contains(['=', ':']) {
        return text;
    }
    SECRET_ASSIGNMENT
        .replace_all(&text, |caps: &Captures| {
            let value = &caps[4];
            if is_secret_value(&caps[2], value) {
                format!("{}{}<secret>", &caps[1], &caps[3])
            } else {
                caps[0].to_owned()
            }
        })
        .into_owned()
}

/// Whether `text` could hold a vendor token at all. Each guard below is a condition the pattern
/// itself requires, so skipping it changes nothing; it spares short names (most of what is
/// scrubbed) the pattern, and the process the memory of compiling it until it is needed.
fn may_hold_vendor_token(text: &str) -> bool {
    const PREFIXES_WITHOUT_PUNCTUATION: &[&str] = &[
        "AIza", "AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AIPA", "ANPA", "ANVA", "APKA",
        "AROA", "ASCA",
    ];
    text.contains(['_', '-'])
        || PREFIXES_WITHOUT_PUNCTUATION
            .iter()
            .any(|p| text.contains(p))
}

fn contains_ignore_ascii_case(text: &str, needle: &str) -> bool {
    text.as_bytes()
        .windows(needle.len())
        .any(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

/// After a secret-looking name, which values are secrets: for password-like names any real
/// value; for token- and key-like names a long or random-looking one (so `token=5` survives).
fn is_secret_value(name: &str, value: &str) -> bool {
    let value = value.trim_matches(['"', '\'']);
    if value.is_empty() || value.starts_with('<') || value.starts_with("***") {
        return false;
    }
    if NOT_SECRETS.contains(&value.to_ascii_lowercase().as_str()) {
        return false;
    }
    let password_like = matches!(
        name.to_ascii_lowercase().as_str(),
        "password" | "passwd" | "passphrase" | "pwd" | "secret"
    );
    password_like || value.len() >= 8 || (value.len() >= 4 && entropy(value) >= 2.0)
}

/// Letters mixed with digits, or long and random: a credential rather than a word.
fn looks_random(value: &str) -> bool {
    let letters = value.bytes().any(|b| b.is_ascii_alphabetic());
    let digits = value.bytes().any(|b| b.is_ascii_digit());
    (letters && digits) || (value.len() >= 20 && entropy(value) >= 3.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrub(text: &str) -> String {
        Scrubber::new(Identity::default()).scrub(text)
    }

    #[test]
    fn secrets_by_shape() {
        let cases = [
            ("token ghp_0123456789abcdefghijABCDEFGHIJ012345 used", "token <secret> used"),
            ("pat github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "pat <secret>"),
            ("glpat-abcdefghij0123456789 ok", "<secret> ok"),
            ("slack xoxb-1234567890-abcdefghij", "slack <secret>"),
            ("sk_live_abcdefghijklmnop1234", "<secret>"),
            ("key sk-proj-abcdefghijklmnopqrstuvwx", "key <secret>"),
            ("key sk-ant-api03-abcdefghijklmnopqrstuvwxyz", "key <secret>"),
            ("AIzaSyA1234567890abcdefghijklmnopqrstuv", "<secret>"),
            ("npm_abcdefghijklmnopqrstuvwxyz0123456789", "<secret>"),
            ("id AKIAIOSFODNN7EXAMPLE here", "id <secret> here"),
            (
                "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
                "jwt <secret>",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(scrub(input), expected, "{input}");
        }
    }

    #[test]
    fn secrets_by_name() {
        let cases = [
            ("password=hunter2", "password=<secret>"),
            (r#"{"password": "hunter2"}"#, r#"{"password": "<secret>"}"#),
            (
                "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "aws_secret_access_key = <secret>",
            ),
            ("DB_PASSWORD: s3cr3t!", "DB_PASSWORD: <secret>"),
            ("api_key=AbC123xYz789", "api_key=<secret>"),
            (
                "Authorization: Bearer abc.def.ghi123",
                "Authorization: Bearer <secret>",
            ),
            (
                "authorization=Basic dXNlcjpwYXNz",
                "authorization=Basic <secret>",
            ),
            (
                "curl -H 'Authorization: token 12345678'",
                "curl -H 'Authorization: token <secret>'",
            ),
            (
                "GET /x?user=1&access_token=abc123&page=2",
                "GET /x?user=1&access_token=<secret>&page=2",
            ),
            (
                "https://s3/x?X-Amz-Signature=deadbeef&sig=abc",
                "https://s3/x?X-Amz-Signature=<secret>&sig=<secret>",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(scrub(input), expected, "{input}");
        }
    }

    #[test]
    fn not_secrets() {
        for text in [
            "token_count=5",
            "password=",
            "password: <secret>",
            "commit 3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39 passed",
            "token=true",
            "version 1.2.3",
            "took 12:30:45",
            "use std::fmt::Display and a::b",
            "build 1234567812345678 done",
            "token validation failed",
            "bearer authentication required",
        ] {
            assert_eq!(scrub(text), text);
        }
    }

    #[test]
    fn network_identifiers() {
        let cases = [
            ("from 192.168.1.20:8080", "from <ip>:8080"),
            ("peer 2001:db8::8a2e:370:7334 down", "peer <ip> down"),
            ("link fe80::1ff:fe23:4567:890a%eth0 up", "link <ip> up"),
            (
                "nic 00:1A:2B:3C:4D:5E and 00-1a-2b-3c-4d-5f",
                "nic <mac> and <mac>",
            ),
            (
                "db postgres://admin:pw@db/x",
                "db postgres://<user>:<password>@db/x",
            ),
            (
                "repo https://alice@git.example.com/x",
                "repo https://<user>@git.example.com/x",
            ),
            (
                "mail \"john doe\"@example.com and j+tag@ex.co",
                "mail <email> and <email>",
            ),
            ("part 1.2.3.4.5 of v1.2.3.4", "part 1.2.3.4.5 of v1.2.3.4"),
        ];
        for (input, expected) in cases {
            assert_eq!(scrub(input), expected, "{input}");
        }
    }

    #[test]
    fn personal_numbers_by_checksum() {
        let cases = [
            ("card 4111 1111 1111 1111 declined", "card <card> declined"),
            ("card 5500-0000-0000-0004", "card <card>"),
            (
                "ID4111111111111111 and x-4111-1111-1111-1111-7",
                "ID<card> and x-<card>-7",
            ),
            (
                "order 12 4111 1111 1111 1111 2 items",
                "order 12 <card> 2 items",
            ),
            ("two 4111111111111111 5500000000000004", "two <card> <card>"),
            ("iban GB82 WEST 1234 5698 7654 32 ok", "iban <iban> ok"),
            ("iban DE89370400440532013000", "iban <iban>"),
            ("ssn 123-45-6789", "ssn <ssn>"),
            (
                "call +1 415 555 0132 or +44 20 7946 0958",
                "call <phone> or <phone>",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(scrub(input), expected, "{input}");
        }
    }

    #[test]
    fn private_keys() {
        let pem = "before\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nabc\n-----END RSA PRIVATE KEY-----\nafter";
        assert_eq!(scrub(pem), "before\n<private-key>\nafter");
        assert_eq!(
            scrub("x -----BEGIN PRIVATE KEY-----\nMIIE truncated"),
            "x <private-key>"
        );
    }

    #[test]
    fn the_running_users_identifiers() {
        let scrubber = Scrubber::new(Identity::new(
            Some("zoe".into()),
            Some("/srv/people/zoe".into()),
            Some("zoes-laptop.corp.example".into()),
        ));
        assert_eq!(
            scrubber
                .scrub("zoe on zoes-laptop.corp.example read /srv/people/zoe/notes and Zoe's file"),
            "<user> on <host> read <user>/notes and <user>'s file"
        );
        assert_eq!(scrubber.scrub("ping zoes-laptop"), "ping <host>");
        assert_eq!(
            scrubber.scrub_path("/srv/people/zoe/x/y.txt"),
            "<user>/x/y.txt"
        );
        // Generic account names are not treated as personal.
        let root = Scrubber::new(Identity::new(Some("root".into()), None, None));
        assert_eq!(root.scrub("root cause"), "root cause");
    }
}
