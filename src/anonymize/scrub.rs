//! Scrubbing free text: error messages, stack traces, and every string that leaves.
//!
//! Each kind of personal data or secret gets its own placeholder so analysts can still count
//! kinds of failures: `<secret>`, `<private-key>`, `<email>`, `<ip>`, `<mac>`, `<card>`,
//! `<ssn>`, `<iban>`, `<phone>`, `<user>`, `<host>`, `<tmp>`. Rules run in a fixed order, the most
//! specific first (a password inside a URL must go before the URL's host looks like a path).
//! Checksums and entropy keep false positives down; where a rule cannot tell, it scrubs.

use std::borrow::Cow;
use std::net::Ipv6Addr;

use once_cell::sync::Lazy;
use regex::{Captures, Regex};

use super::regex;

use super::checks::{passes_iban, passes_luhn, plausible_ssn};
use super::finding::apply;
use super::identity::Identity;
use super::paths::{path_without_user, scrub_paths};
use super::secrets;

static EMAIL: Lazy<Regex> = Lazy::new(|| {
    regex(
        r#"(?:"[^"\r\n@]+"|\b[A-Za-z0-9._%+-]+)@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"#,
    )
});
static MAC: Lazy<Regex> =
    Lazy::new(|| regex(r"\b[0-9A-Fa-f]{2}(?:([:-])[0-9A-Fa-f]{2})(?:[:-][0-9A-Fa-f]{2}){4}\b"));
/// Candidates only; [`is_ipv6`] decides.
static IPV6_CANDIDATE: Lazy<Regex> = Lazy::new(|| {
    regex(
        r"(?i)[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:(?::|\b)(?:\d{1,3}\.){3}\d{1,3})?(?:%[0-9a-z]+)?",
    )
});
static IPV4: Lazy<Regex> = Lazy::new(|| {
    regex(r"\b(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\b")
});
/// A run of digits, optionally grouped by single spaces or dashes; [`cards_in_run`] looks for
/// card numbers inside it. No word boundary is required: `ID4111111111111111` holds a card too.
static DIGIT_RUN: Lazy<Regex> = Lazy::new(|| regex(r"\d(?:[ -]?\d)*"));
static IBAN_CANDIDATE: Lazy<Regex> =
    Lazy::new(|| regex(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b"));
static SSN: Lazy<Regex> = Lazy::new(|| regex(r"\b\d{3}-\d{2}-\d{4}\b"));
/// A phone number in international format: `+`, country code, then 6 to 14 more digits.
static PHONE: Lazy<Regex> = Lazy::new(|| regex(r"\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}\b"));

/// The scrubber for one identity (the process's own, or one given by a test).
pub struct Scrubber {
    identity_rules: Vec<(Regex, &'static str)>,
    home: Option<String>,
}

static PROCESS_SCRUBBER: Lazy<Scrubber> = Lazy::new(|| Scrubber::new(Identity::current()));

impl Scrubber {
    /// The scrubber for this process's user, home and host, read once.
    pub fn for_this_process() -> &'static Scrubber {
        &PROCESS_SCRUBBER
    }

    pub fn new(identity: Identity) -> Self {
        let mut identity_rules = Vec::new();
        if let Some(host) = &identity.host {
            identity_rules.push((word_regex(host), "<host>"));
            if let Some((short, _)) = host.split_once('.').filter(|(s, _)| s.len() >= 3) {
                identity_rules.push((word_regex(short), "<host>"));
            }
        }
        if let Some(login) = &identity.login {
            identity_rules.push((word_regex(login), "<user>"));
        }
        Scrubber {
            identity_rules,
            home: identity.home,
        }
    }

    /// What may leave of one path (see [`path_without_user`]), also losing this user's home and
    /// anything the text rules catch in its names (an email as a folder name, say). Input that
    /// is not one path, such as a whole message, is scrubbed as text instead, so that nothing
    /// escapes because it was handed to the wrong function.
    pub fn scrub_path(&self, path: &str) -> String {
        let path = self.without_home(path);
        if is_one_path(&path) {
            self.scrub(&path_without_user(&path))
        } else {
            self.scrub(&path)
        }
    }

    /// Scrubs free text. Runs on the sender thread.
    pub fn scrub(&self, text: &str) -> String {
        // Pass 1: secrets, found in one scan and applied once.
        let mut findings = Vec::new();
        secrets::find(text, &mut findings);
        let text = if findings.is_empty() {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(apply(text, &mut findings))
        };
        // Pass 2: personal data, on text whose secrets are already placeholders.
        self.personal(&text)
    }

    fn personal(&self, text: &str) -> String {
        let mut text = scrub_network(text);
        text = scrub_numbers(&text);
        text = self.without_home(&text);
        text = scrub_paths(&text);
        self.without_identity(&text)
    }

    fn without_home(&self, text: &str) -> String {
        match &self.home {
            // A home outside /home and /Users is not caught by the path rules.
            Some(home) if text.contains(home.as_str()) => text.replace(home.as_str(), "<user>"),
            _ => text.to_owned(),
        }
    }

    fn without_identity(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for (pattern, placeholder) in &self.identity_rules {
            text = pattern.replace_all(&text, *placeholder).into_owned();
        }
        text
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

fn word_regex(word: &str) -> Regex {
    regex(&format!(r"(?i)\b{}\b", regex::escape(word)))
}

fn scrub_network(text: &str) -> String {
    let mut text = text.to_owned();
    if text.contains('@') {
        text = EMAIL.replace_all(&text, "<email>").into_owned();
    }
    if text.contains([':', '-']) {
        text = MAC
            .replace_all(&text, |caps: &Captures| {
                // All five separators must match the first (no `12:34-56:…`).
                let separator = &caps[1];
                if caps[0].matches(separator).count() == 5 {
                    "<mac>".to_owned()
                } else {
                    caps[0].to_owned()
                }
            })
            .into_owned();
    }
    if text.contains(':') {
        text = replace_checked(&text, &IPV6_CANDIDATE, "<ip>", is_ipv6);
    }
    if text.contains('.') {
        text = replace_checked(&text, &IPV4, "<ip>", is_ipv4_in_context);
    }
    text
}

fn scrub_numbers(text: &str) -> String {
    if text.bytes().filter(u8::is_ascii_digit).count() < 9 {
        return text.to_owned();
    }
    // IBANs first: their digits must not be mistaken for part of a card.
    let text = replace_checked(text, &IBAN_CANDIDATE, "<iban>", |found, _, _| {
        passes_iban(found)
    });
    let text = DIGIT_RUN
        .replace_all(&text, |caps: &Captures| cards_in_run(&caps[0]))
        .into_owned();
    let text = replace_checked(&text, &SSN, "<ssn>", |found, _, _| plausible_ssn(found));
    replace_checked(&text, &PHONE, "<phone>", |found, _, _| {
        (8..=15).contains(&found.bytes().filter(u8::is_ascii_digit).count())
    })
}

/// Replaces every card number inside a run of digit groups. A card spans whole groups and holds
/// 13 to 19 digits that pass Luhn; the run may carry other numbers before or after it
/// (`order 12 4111 1111 1111 1111 2`). An ungrouped run must be a card as a whole, so a long
/// number such as an id is not mistaken for a card by a chance window.
fn cards_in_run(run: &str) -> String {
    if run.bytes().filter(u8::is_ascii_digit).count() < 13 {
        return run.to_owned();
    }
    // (start, end) byte offsets of each group of digits.
    let mut groups = Vec::new();
    let mut start = 0;
    for (i, byte) in run.bytes().enumerate() {
        if byte == b' ' || byte == b'-' {
            groups.push((start, i));
            start = i + 1;
        }
    }
    groups.push((start, run.len()));

    let mut out = String::new();
    let mut copied = 0;
    let mut first = 0;
    while first < groups.len() {
        match card_ending_at(run, &groups, first) {
            Some(last) => {
                out.push_str(&run[copied..groups[first].0]);
                out.push_str("<card>");
                copied = groups[last].1;
                first = last + 1;
            }
            None => first += 1,
        }
    }
    out.push_str(&run[copied..]);
    out
}

/// The last group of the shortest card starting at group `first`, if there is one.
fn card_ending_at(run: &str, groups: &[(usize, usize)], first: usize) -> Option<usize> {
    let mut digits = 0;
    for (last, &(start, end)) in groups.iter().enumerate().skip(first) {
        digits += end - start;
        if digits > 19 {
            return None;
        }
        if digits >= 13 && passes_luhn(&run[groups[first].0..end]) {
            return Some(last);
        }
    }
    None
}

/// Replaces each match for which `accept(match, text, start)` holds.
fn replace_checked(
    text: &str,
    pattern: &Regex,
    placeholder: &str,
    accept: impl Fn(&str, &str, usize) -> bool,
) -> String {
    pattern
        .replace_all(text, |caps: &Captures| {
            let found = caps.get(0).expect("group 0 always matches");
            if accept(found.as_str(), text, found.start()) {
                placeholder.to_owned()
            } else {
                found.as_str().to_owned()
            }
        })
        .into_owned()
}

/// A real IPv6 address, not `a::b` in a Rust or C++ path nor a clock time.
fn is_ipv6(found: &str, text: &str, start: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[start + found.len()..].chars().next();
    let touches_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    if touches_word(before) || touches_word(after) {
        return false;
    }
    let address = found.split('%').next().unwrap_or(found);
    let has_real_group = address.split(':').any(|group| group.len() >= 2);
    has_real_group && address.parse::<Ipv6Addr>().is_ok()
}

/// An IPv4 address, unless it is part of a longer dotted number (`1.2.3.4.5`) or a version
/// written `v1.2.3.4` (the regex's word boundary already keeps `v1.2.3.4` out).
fn is_ipv4_in_context(found: &str, text: &str, start: usize) -> bool {
    let before = &text[..start];
    let after = &text[start + found.len()..];
    let dotted_digit =
        |s: &str| s.starts_with('.') && s[1..].starts_with(|c: char| c.is_ascii_digit());
    let digit_dotted =
        |s: &str| s.ends_with('.') && s[..s.len() - 1].ends_with(|c: char| c.is_ascii_digit());
    !dotted_digit(after) && !digit_dotted(before)
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
