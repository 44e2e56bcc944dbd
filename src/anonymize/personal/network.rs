//! Network identifiers: IPv4 and IPv6 addresses (`<ip>`) and MAC addresses (`<mac>`).
//!
//! IPv4 is anchored on `.`, IPv6 on `:`, MAC on `:` and `-`; each candidate is checked by
//! parsing, so `1.2.3` (a version), `1.2.3.4.5`, `v1.2.3.4`, `a::b` (a Rust path) and `12:30:45`
//! (a clock time) stay.

use std::net::Ipv6Addr;

use memchr::{memchr2_iter, memchr_iter};

use super::scan::{
    ascii_run_end, ascii_run_start, is_word_byte, run_end, run_start, word_at, word_before,
};
use crate::anonymize::finding::Finding;

pub(super) fn find(text: &str, out: &mut Vec<Finding>) {
    find_ipv4(text, out);
    find_ipv6_and_mac(text, out);
}

/// A dotted quad of numbers from 0 to 255, written without leading zeros.
pub(super) fn is_ipv4(text: &str) -> bool {
    let mut parts = 0;
    for part in text.split('.') {
        parts += 1;
        let valid = !part.is_empty()
            && part.len() <= 3
            && part.bytes().all(|b| b.is_ascii_digit())
            && !(part.len() > 1 && part.starts_with('0'))
            && part.parse::<u16>().is_ok_and(|n| n <= 255);
        if !valid {
            return false;
        }
    }
    parts == 4
}

fn find_ipv4(text: &str, out: &mut Vec<Finding>) {
    let bytes = text.as_bytes();
    let mut searched_to = 0;
    for dot in memchr_iter(b'.', bytes) {
        if dot < searched_to
            || !dot
                .checked_sub(1)
                .is_some_and(|i| bytes[i].is_ascii_digit())
        {
            continue;
        }
        let start = ascii_run_start(bytes, dot, |b| b.is_ascii_digit());
        let end = ascii_run_end(bytes, start, |b| b.is_ascii_digit() || b == b'.');
        searched_to = end;
        let run = &text[start..end];
        let trimmed = run.trim_end_matches('.');
        let end = start + trimmed.len();
        // Part of a longer dotted number or a word (`v1.2.3.4`, `1.2.3.4.5`).
        let inside_word = word_before(text, start) || word_at(text, end);
        let longer = run.len() > trimmed.len() + 1
            || (run.len() == trimmed.len() + 1 && word_at(text, end + 1));
        let after_dot = start > 0 && bytes[start - 1] == b'.';
        if is_ipv4(trimmed) && !inside_word && !longer && !after_dot && !is_nobodys(trimmed) {
            out.push(Finding::placeholder(start, end, "<ip>"));
        }
    }
}

fn find_ipv6_and_mac(text: &str, out: &mut Vec<Finding>) {
    let bytes = text.as_bytes();
    let mut searched_to = 0;
    for sep in memchr2_iter(b':', b'-', bytes) {
        if sep < searched_to {
            continue;
        }
        if let Some(end) = mac_at(bytes, sep) {
            out.push(Finding::placeholder(sep - 2, end, "<mac>"));
            searched_to = end;
            continue;
        }
        if bytes[sep] != b':' {
            continue;
        }
        let address_char = |c: char| c.is_ascii_hexdigit() || c == ':';
        let start = run_start(text, sep, address_char);
        let mut end = run_end(text, sep, |c| address_char(c) || c == '.');
        searched_to = end;
        let mut address = &text[start..end];
        // An IPv4 tail (`::ffff:10.0.0.1`) is part of it; a trailing `.` ends a sentence.
        while address.ends_with(['.', ':']) && address.parse::<Ipv6Addr>().is_err() {
            address = &address[..address.len() - 1];
            end -= 1;
        }
        if bytes.get(end) == Some(&b'%') {
            // A zone index: `fe80::1%eth0`.
            let zone_end = run_end(text, end + 1, |c| c.is_ascii_alphanumeric());
            if zone_end > end + 1 && is_ipv6(address) && !word_before(text, start) {
                out.push(Finding::placeholder(start, zone_end, "<ip>"));
                searched_to = zone_end;
                continue;
            }
        }
        if is_ipv6(address) && !word_before(text, start) && !word_at(text, end) {
            out.push(Finding::placeholder(start, end, "<ip>"));
        }
    }
}

/// Addresses that belong to no one: `0.0.0.0` (any), loopback, broadcast. `bind 0.0.0.0:8080`
/// stays readable.
fn is_nobodys(address: &str) -> bool {
    address == "0.0.0.0" || address.starts_with("127.") || address == "255.255.255.255"
}

/// A real IPv6 address, not `a::b` in code: it parses and has a group of two digits or more.
fn is_ipv6(address: &str) -> bool {
    // Two colons at least (`::1`, `a:b:…`); `main.go:42` is passed over before parsing.
    address.bytes().filter(|&b| b == b':').count() >= 2
        && address.split(':').any(|group| group.len() >= 2)
        && address.parse::<Ipv6Addr>().is_ok()
}

/// The end of the MAC address whose first separator is at `sep`: six hex pairs, one separator.
fn mac_at(bytes: &[u8], sep: usize) -> Option<usize> {
    let start = sep.checked_sub(2)?;
    let end = start + 17;
    let candidate = bytes.get(start..end)?;
    let separator = bytes[sep];
    let shaped = candidate.iter().enumerate().all(|(i, &b)| {
        if i % 3 == 2 {
            b == separator
        } else {
            b.is_ascii_hexdigit()
        }
    });
    let bounded = !start
        .checked_sub(1)
        .is_some_and(|i| is_word_byte(bytes[i]) || bytes[i] == separator)
        && !bytes
            .get(end)
            .is_some_and(|&b| is_word_byte(b) || b == separator);
    (shaped && bounded).then_some(end)
}

#[cfg(test)]
mod tests {
    use crate::anonymize::personal::tests::scrub;

    #[test]
    fn addresses() {
        let cases = [
            ("from 192.168.1.20:8080", "from <ip>:8080"),
            ("peer 2001:db8::8a2e:370:7334 down", "peer <ip> down"),
            ("link fe80::1ff:fe23:4567:890a%eth0 up", "link <ip> up"),
            ("bind [::ffff:10.0.0.1]:443", "bind [<ip>]:443"),
            (
                "nic 00:1A:2B:3C:4D:5E and 00-1a-2b-3c-4d-5f",
                "nic <mac> and <mac>",
            ),
            ("at 10.0.0.5.", "at <ip>."),
            (
                "bind 0.0.0.0:8080 and 127.0.0.1:5432 and ::1",
                "bind 0.0.0.0:8080 and 127.0.0.1:5432 and ::1",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(scrub(input), expected, "{input}");
        }
    }

    #[test]
    fn numbers_that_are_not_addresses() {
        for text in [
            "part 1.2.3.4.5 of v1.2.3.4 and 1.2.3",
            "use std::fmt::Display and a::b; took 12:30:45",
            "uuid 123e4567-e89b-12d3-a456-426614174000",
            "ratio 999.1.1.1 and 01.02.03.04",
        ] {
            assert_eq!(scrub(text), text);
        }
    }
}
