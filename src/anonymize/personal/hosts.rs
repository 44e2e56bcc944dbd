//! Machine names that say whose machine it is or where it sits: names under suffixes that are
//! never public (`.internal`, `.corp`, `.lan`, `.local`, `.localdomain`, `.home.arpa`,
//! `.intranet`, `.private`), cloud-internal forms (`ip-10-0-1-23.ec2.internal`,
//! `*.compute.internal`, `*.svc.cluster.local`), Windows default names (`DESKTOP-7K3J9QX`,
//! `LAPTOP-…`, `WIN-…`, `JANE-PC`, `jsmith-laptop`), managed Kubernetes nodes (`aks-…-vmss…`, `gke-…`) and Apple
//! device names (`Janes-MacBook-Pro`, `Jane's iPhone`).
//! Each becomes `<host>`; public names (`api.github.com`, `registry.npmjs.org`) and ports stay.
//! A host name holding the running user's login is `own`'s to find.

use memchr::memchr2_iter;

use super::scan::{
    ascii_run_end, ascii_run_start, ends_with_ignore_case, run_start, starts_with_ignore_case,
};
use crate::anonymize::finding::Finding;

/// Last labels no public name has.
const PRIVATE_SUFFIXES: &[&str] = &[
    "internal",
    "corp",
    "lan",
    "local",
    "localdomain",
    "intranet",
    "private",
];

/// Words for a personal machine after its owner's name: `JSMITH-LAPTOP`, `jane-thinkpad`.
const OWNED_MACHINES: &[&str] = &[
    "pc",
    "laptop",
    "desktop",
    "notebook",
    "workstation",
    "thinkpad",
    "mbp",
    "mba",
    "macbook",
    "imac",
];

/// Apple device words that follow a name: `Janes-MacBook-Pro`, `Jane's iPhone`.
const DEVICES: &[&str] = &["MacBook", "iMac", "Mac-mini", "Mac-Pro", "iPhone", "iPad"];

fn host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'.'
}

/// A name anyone may see: dotted, under a public suffix, not a device's name; or `localhost`.
pub(super) fn is_public_host(name: &str) -> bool {
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let Some((first, _)) = name.split_once('.') else {
        return false;
    };
    !has_private_suffix(name) && !is_device_name(first)
}

fn has_private_suffix(name: &str) -> bool {
    let last_dot = name.bytes().rposition(|b| b == b'.');
    let last = last_dot.map_or(name, |dot| &name[dot + 1..]);
    PRIVATE_SUFFIXES
        .iter()
        .any(|s| last.eq_ignore_ascii_case(s))
        || ends_with_ignore_case(name.as_bytes(), name.len(), ".home.arpa")
        || ends_with_ignore_case(name.as_bytes(), name.len(), ".fritz.box")
}

/// A label that names a device by its owner or by Windows' default scheme.
fn is_device_name(label: &str) -> bool {
    let bytes = label.as_bytes();
    // Every form below has a dash; most labels (file names, words) have none.
    if !bytes.contains(&b'-') {
        return false;
    }
    let windows_default = ["DESKTOP-", "LAPTOP-", "WIN-"].iter().any(|prefix| {
        label.starts_with(prefix)
            && label.len() - prefix.len() >= 7
            && label[prefix.len()..]
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    });
    let ec2 = starts_with_ignore_case(bytes, 0, "ip-")
        && label[3..].split('-').count() == 4
        && label[3..]
            .split('-')
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    // Managed Kubernetes nodes: `aks-nodepool1-12345678-vmss000001`, `gke-prod-pool-1a2b3c4d-x9z8`.
    let k8s_node = (label.starts_with("aks-") && label.contains("-vmss"))
        || (label.starts_with("gke-") && label.split('-').count() >= 5);
    // `JSMITH-LAPTOP`, `jane-thinkpad`, `quinns-mbp`: a name, then what kind of machine it is.
    let owners_pc = label.rsplit_once('-').is_some_and(|(owner, kind)| {
        owner.len() >= 3
            && owner.bytes().all(|b| b.is_ascii_alphabetic())
            && OWNED_MACHINES.iter().any(|m| kind.eq_ignore_ascii_case(m))
    });
    let device = memchr::memchr_iter(b'-', bytes).any(|dash| {
        let after = &bytes[dash + 1..];
        dash > 0
            && DEVICES
                .iter()
                .any(|device| after.starts_with(device.as_bytes()))
    });
    windows_default || ec2 || k8s_node || owners_pc || device
}

pub(super) fn find(text: &str, out: &mut Vec<Finding>) {
    let bytes = text.as_bytes();
    let mut from = 0;
    // The search goes on after the name around each hit, not from the next dot inside it.
    while let Some(offset) = memchr::memchr2(b'.', b'-', &bytes[from..]) {
        let at = from + offset;
        let start = ascii_run_start(bytes, at, host_byte);
        let end = ascii_run_end(bytes, at, host_byte);
        let name = text[start..end].trim_end_matches(['.', '-']);
        let end = start + name.len();
        from = end.max(at + 1);
        if name.starts_with(['.', '-']) || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            continue;
        }
        // Found on bytes: this runs for every dotted word of a trace (`app.py`, `python3.11`).
        let first_dot = name.bytes().position(|b| b == b'.');
        let first = &name[..first_dot.unwrap_or(name.len())];
        // `threading.local()`, `x.local[0]`: code, not a machine.
        let code = matches!(bytes.get(end), Some(b'(' | b'[' | b'='));
        let private = first_dot.is_some() && !code && has_private_suffix(name);
        if private || is_device_name(first) {
            out.push(Finding::placeholder(start, end, "<host>"));
        }
    }
    find_possessive_devices(text, out);
}

/// `Jane's MacBook Pro`, `Jane’s iPhone`: the owner's name becomes `<user>`.
fn find_possessive_devices(text: &str, out: &mut Vec<Finding>) {
    let bytes = text.as_bytes();
    // `'` itself, or the last byte of `’` (E2 80 99).
    for quote_end in memchr2_iter(b'\'', 0x99, bytes) {
        let name_end = match bytes[quote_end] {
            b'\'' => quote_end,
            _ if bytes[..quote_end].ends_with(&[0xE2, 0x80]) => quote_end - 2,
            _ => continue,
        };
        let after = &text[quote_end + 1..];
        let Some(device) = after.strip_prefix("s ") else {
            continue;
        };
        let is_device = DEVICES.iter().any(|d| device.starts_with(d)) || device.starts_with("Mac ");
        let name_start = run_start(text, name_end, char::is_alphabetic);
        let capitalised = text[name_start..].starts_with(char::is_uppercase);
        if is_device && capitalised && name_start < name_end {
            out.push(Finding::placeholder(name_start, name_end, "<user>"));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::anonymize::personal::tests::scrub;

    #[test]
    fn private_and_personal_machine_names() {
        let cases = [
            ("ping Janes-MacBook-Pro.local failed", "ping <host> failed"),
            ("from Janes-iPhone via wifi", "from <host> via wifi"),
            (
                "host DESKTOP-7K3J9QX and LAPTOP-AB12CD3E",
                "host <host> and <host>",
            ),
            ("node ip-10-0-1-23.ec2.internal:8080", "node <host>:8080"),
            ("dns ip-172-31-5-9 ok", "dns <host> ok"),
            (
                "dial tcp aks-nodepool1-60398967-vmss000006:5432",
                "dial tcp <host>:5432",
            ),
            (
                "node gke-prod-default-pool-1a2b3c4d-x9z8 ready",
                "node <host> ready",
            ),
            ("svc api.default.svc.cluster.local:443", "svc <host>:443"),
            (
                "db db01.corp, nas.lan, printer.home.arpa.",
                "db <host>, <host>, <host>.",
            ),
            ("vm worker-3.c.proj.compute.internal", "vm <host>"),
            (
                "Hostname: JSMITH-LAPTOP, Domain: CORP",
                "Hostname: <host>, Domain: CORP",
            ),
            (
                "quinns-mbp and alice-thinkpad.fritz.box",
                "<host> and <host>",
            ),
            (
                "sync with Jane's MacBook Pro and Tom’s iPhone",
                "sync with <user>'s MacBook Pro and <user>’s iPhone",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(scrub(input), expected, "{input}");
        }
    }

    #[test]
    fn public_names_and_code_stay() {
        for text in [
            "GET https://api.github.com/repos and registry.npmjs.org:443",
            "x = threading.local() and ~/.local/share and /usr/local/bin",
            "com.example.corp.Service and file.local.json and settings.local.py",
            "MacBook Pro is fine and DESKTOP-small and well-known, HOSTNAME=web-1, x-pc",
        ] {
            assert_eq!(scrub(text), text);
        }
    }
}
