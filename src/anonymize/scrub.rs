//! Scrubbing free text: error messages, stack traces, and every string that leaves.
//!
//! Each kind of personal data or secret gets its own placeholder so analysts can still count
//! kinds of failures: `<secret>`, `<private-key>`, `<email>`, `<ip>`, `<mac>`, `<card>`,
//! `<ssn>`, `<iban>`, `<phone>`, `<user>`, `<host>`, `<tmp>`.
//!
//! Two passes, each one scan that reports [`Finding`](super::finding::Finding)s and applies
//! them once: secrets first ([`secrets`](super::secrets)), then personal data on the result
//! ([`PersonalData`]), so that a password inside a URL is gone before the URL's host or path
//! is looked at. Text with nothing to scrub is scanned twice and copied once.

use std::borrow::Cow;

use once_cell::sync::Lazy;

use super::finding::apply;
use super::identity::Identity;
use super::personal::PersonalData;
use super::secrets;

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
        let mut findings = Vec::new();
        secrets::find(text, &mut findings);
        let text = if findings.is_empty() {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(apply(text, &mut findings))
        };
        findings.clear();
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
