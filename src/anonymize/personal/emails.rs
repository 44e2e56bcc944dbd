//! Everything around an `@`: e-mail addresses (plus-addressed, quoted, internationalised) and
//! `user@host` forms that are not addresses (ssh key comments `alice@laptop`, shell prompts
//! `alice@box:~$`, scp and ssh targets `deploy@10.0.0.5:/srv`).
//!
//! An address becomes `<email>`. In a `user@host` form the user becomes `<user>` (except `git`,
//! the service account of every git host) and the host `<host>`, unless it is a public name
//! (`git@github.com:org/repo` stays whole) or an address (left to the network rules).
//! Not `@`-forms of other kinds: `lodash@4.17.21`, `@types/node`, `image@sha256:…`,
//! `HEAD@{1}`, `Object@1b6d3586`, `pkg@latest`.

use memchr::memchr_iter;

use super::hosts::is_public_host;
use super::network::is_ipv4;
use super::scan::{char_at, char_before, run_end, run_start};
use crate::anonymize::finding::Finding;

/// What may follow `name@` without being a host: versions' tags, digests, refs.
const NOT_HOSTS: &[&str] = &[
    "latest",
    "next",
    "beta",
    "alpha",
    "canary",
    "rc",
    "stable",
    "lts",
    "nightly",
    "main",
    "master",
    "head",
    "sha1",
    "sha256",
    "sha384",
    "sha512",
    "md5",
    "none",
    "null",
    "undefined",
];

/// systemd unit types: `postgresql@16-main.service` is a template unit, not an address.
const UNIT_SUFFIXES: &[&str] = &[
    "service", "socket", "timer", "target", "mount", "slice", "scope", "path", "device", "swap",
];

/// Service accounts whose name says nothing about a person.
const SERVICE_ACCOUNTS: &[&str] = &["git"];

fn local_char(c: char) -> bool {
    c.is_alphanumeric() || "._%+-".contains(c)
}

fn domain_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '.'
}

pub(super) fn find(text: &str, out: &mut Vec<Finding>) {
    let mut searched_to = 0;
    for at in memchr_iter(b'@', text.as_bytes()) {
        if at < searched_to {
            continue;
        }
        let Some(local_start) = local_part_start(text, at) else {
            // `sftp://<user>@devbox/…`: the secrets pass took the user; the machine is ours.
            if text[..at].ends_with("<user>") {
                let host_end = run_end(text, at + 1, domain_char);
                let host = text[at + 1..host_end].trim_end_matches(['.', '-']);
                if is_host(host) && !is_ipv4(host) && !is_public_host(host) {
                    out.push(Finding::placeholder(at + 1, at + 1 + host.len(), "<host>"));
                }
            }
            continue;
        };
        // `ann@[192.168.1.1]`: an address at an address.
        if text[at + 1..].starts_with('[') {
            if let Some(close) = text[at + 1..].find(']').filter(|&i| i < 48) {
                out.push(Finding::placeholder(local_start, at + 2 + close, "<email>"));
                searched_to = at + 2 + close;
            }
            continue;
        }
        let domain_end = run_end(text, at + 1, domain_char);
        let domain = text[at + 1..domain_end].trim_end_matches(['.', '-']);
        let domain_end = at + 1 + domain.len();
        if domain.is_empty() {
            continue;
        }
        // `user@host:path`, `user@host:~$`, `user@host:22`: a login on a machine.
        let login_form = char_at(text, domain_end) == Some(':');
        let unit = domain.contains('.')
            && UNIT_SUFFIXES.iter().any(|u| {
                domain
                    .rsplit('.')
                    .next()
                    .is_some_and(|t| t.eq_ignore_ascii_case(u))
            });
        if unit {
            continue;
        }
        if !login_form && is_mail_domain(domain) {
            out.push(Finding::placeholder(local_start, domain_end, "<email>"));
            searched_to = domain_end;
            continue;
        }
        let local = &text[local_start..at];
        if !is_host(domain) || !local.starts_with(|c: char| c.is_alphabetic() || c == '_') {
            continue;
        }
        if !SERVICE_ACCOUNTS.contains(&local) {
            out.push(Finding::placeholder(local_start, at, "<user>"));
        }
        if !is_ipv4(domain) && !is_public_host(domain) {
            out.push(Finding::placeholder(at + 1, domain_end, "<host>"));
        }
        searched_to = domain_end;
    }
}

/// Where the local part before the `@` at `at` starts: a quoted one (`"john doe"@…`) or a run
/// of address characters. `None` when there is none, or when the `@` joins a placeholder
/// (`<user>@db`) or a quoted MySQL account (`'ann'@'host'`, left to `users`).
fn local_part_start(text: &str, at: usize) -> Option<usize> {
    match char_before(text, at)? {
        '"' => {
            let line_start = text[..at - 1].rfind('\n').map_or(0, |i| i + 1);
            let open = text[line_start..at - 1].rfind('"')? + line_start;
            let quoted = &text[open + 1..at - 1];
            (!quoted.is_empty() && !quoted.contains('@')).then_some(open)
        }
        '\'' | '>' => None,
        _ => {
            let start = run_start(text, at, local_char);
            let start =
                start + text[start..at].len() - text[start..at].trim_start_matches('.').len();
            (start < at).then_some(start)
        }
    }
}

/// A domain an address can be at: two labels or more, the last one letters (in any script).
fn is_mail_domain(domain: &str) -> bool {
    let mut labels = domain.split('.');
    let tld = labels.next_back().unwrap_or_default();
    domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
        && tld.chars().count() >= 2
        && tld.chars().all(char::is_alphabetic)
}

/// A machine's name or address, not a version, digest or ref.
fn is_host(domain: &str) -> bool {
    if is_ipv4(domain) {
        return true;
    }
    let starts_with_letter = domain.starts_with(|c: char| c.is_alphabetic());
    // `actions/checkout@v4`, `go.mod@v1.2.3`: a version.
    let version = domain.starts_with(['v', 'V'])
        && domain[1..].starts_with(|c: char| c.is_ascii_digit())
        && domain[1..].bytes().all(|b| b.is_ascii_digit() || b == b'.');
    // `Foo@a1b2c3d`: an object's identity hash.
    let hash =
        domain.bytes().all(|b| b.is_ascii_hexdigit()) && domain.bytes().any(|b| b.is_ascii_digit());
    let last_label_letters = domain
        .rsplit('.')
        .next()
        .is_some_and(|label| label.chars().any(char::is_alphabetic));
    starts_with_letter
        && !version
        && !hash
        && last_label_letters
        && !NOT_HOSTS
            .iter()
            .any(|word| domain.eq_ignore_ascii_case(word))
        && !domain.eq_ignore_ascii_case("localhost")
}

#[cfg(test)]
mod tests {
    use crate::anonymize::personal::tests::scrub;

    #[test]
    fn addresses_in_every_form() {
        let cases = [
            ("mail j.doe+tag@example.co.uk now", "mail <email> now"),
            ("mail \"john doe\"@example.com", "mail <email>"),
            ("from josé@exämple.de", "from <email>"),
            ("from 用户@例子.中国 ok", "from <email> ok"),
            ("contact: ann@[192.168.1.1]", "contact: <email>"),
            ("<alice@example.org>", "<<email>>"),
            ("KeyError: 'carol@mail.example'", "KeyError: '<email>'"),
        ];
        for (input, expected) in cases {
            assert_eq!(scrub(input), expected, "{input}");
        }
    }

    #[test]
    fn logins_on_machines() {
        let cases = [
            (
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMq alice@laptop",
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMq <user>@<host>",
            ),
            ("alice@box:~$ ls", "<user>@<host>:~$ ls"),
            (
                "scp a.tgz deploy@10.0.0.5:/srv",
                "scp a.tgz <user>@<ip>:/srv",
            ),
            (
                "push git@github.com:org/repo.git",
                "push git@github.com:org/repo.git",
            ),
            (
                "ssh ann@build.corp:22 failed",
                "ssh <user>@<host>:22 failed",
            ),
            (
                "ssh ann@bastion.example.com:2222",
                "ssh <user>@bastion.example.com:2222",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(scrub(input), expected, "{input}");
        }
    }

    #[test]
    fn other_at_signs_stay() {
        for text in [
            "install lodash@4.17.21 and @types/node@20.1.0",
            "image@sha256:0123abcd and pkg@latest and actions/checkout@v4",
            "Started postgresql@16-main.service and getty@tty1.service",
            "HEAD@{1} and java.lang.Object@1b6d3586 and Foo@a1b2c3d",
            "@app.route('/x') and x @ y",
            "db postgres://<user>:<password>@db/x",
        ] {
            assert_eq!(scrub(text), text);
        }
    }
}
