//! Secret detection, in layers, reported as [`Finding`]s:
//!
//! 1. **Anchored** (`anchored.rs`): PEM private-key blocks, PuTTY keys, user and password in
//!    URLs, webhook URLs; each found by a vectorised search for its literal anchor.
//! 2. **Known formats** (`vendors.rs`): a table of vendor token formats, checked at each word
//!    start whose first byte begins some row.
//! 3. **Context** (`context.rs` with the word list of `words.rs`, where values end and which
//!    are secrets in `values.rs`, flags in `commands.rs`, XML and name/value pairs in
//!    `markup.rs`): the value after a secret-bearing name, in any syntax.
//! 4. **Shape** (`shape.rs`, with the statistics of `randomness.rs` and the crypt hashes of
//!    `hashes.rs`): long random tokens, base64 key material and JSON, password hashes.
//!
//! Layers 2 to 4 share one left-to-right scan over the words of the text: no layer makes a
//! pass of its own, and a word that no layer could start with costs a few table lookups.

mod anchored;
mod commands;
mod context;
mod hashes;
mod markup;
mod randomness;
mod shape;
mod values;
mod vendors;
mod words;

use super::finding::Finding;

/// Byte classes of the scan, one table lookup each.
const WORD: u8 = 1;
/// Names: `A-Z a-z 0-9 _ - .`
const NAME: u8 = 2;
/// Blobs: names plus `+ / ~ =`.
const BLOB: u8 = 4;

static CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        if b.is_ascii_alphanumeric() {
            table[byte] = WORD | NAME | BLOB;
        } else if matches!(b, b'_' | b'-' | b'.') {
            table[byte] = NAME | BLOB;
        } else if matches!(b, b'+' | b'/' | b'~' | b'=') {
            table[byte] = BLOB;
        }
        byte += 1;
    }
    table
};

fn is(byte: u8, class: u8) -> bool {
    CLASSES[usize::from(byte)] & class != 0
}

/// Appends to `out` every secret found in `text`.
pub(crate) fn find(text: &str, out: &mut Vec<Finding>) {
    anchored::find(text, out);
    let bytes = text.as_bytes();
    let mut at = 0;
    // Ends of the name and blob runs already looked at: a run is judged once, from its start.
    let mut name_checked_to = 0;
    let mut blob_checked_to = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        if !is(byte, WORD) {
            if byte == b'$' {
                if let Some(end) = hashes::crypt_hash_at(bytes, at) {
                    out.push(Finding::placeholder(at, end, "<secret>"));
                    at = end;
                    continue;
                }
            }
            at += 1;
            continue;
        }
        // `at` starts a word. A word (alphanumeric) lies inside a name (`_ - .` too) inside a
        // blob (`+ / ~ =`): each run goes on from where the one inside it ended, and is taken
        // only once from its start (longer runs are not rescanned from the words inside them).
        let word_end = run_end(bytes, at, WORD);
        let mut scanned_to = word_end;
        if at + 1 < bytes.len() && vendors::may_start(byte, bytes[at + 1]) {
            if let Some(end) = vendors::match_at(bytes, at) {
                if end == bytes.len() || !is(bytes[end], WORD) {
                    out.push(Finding::placeholder(at, end, "<secret>"));
                    at = end;
                    continue;
                }
            }
        }
        if at >= name_checked_to {
            let name_end = run_end(bytes, word_end, NAME);
            name_checked_to = name_end;
            scanned_to = name_end;
            if context::may_have_value(bytes, at, name_end) {
                if let Some(resume) = context::after_name(text, at, name_end, out) {
                    at = resume;
                    continue;
                }
            }
        }
        if at >= blob_checked_to {
            let mut blob_end = run_end(bytes, scanned_to, BLOB);
            blob_checked_to = blob_end;
            // A sentence's full stop is not part of a token.
            while blob_end > at && matches!(bytes[blob_end - 1], b'.' | b'-' | b'_') {
                blob_end -= 1;
            }
            if blob_end - at >= 16 {
                shape::find_in_blob(text, at, blob_end, out);
            }
        }
        at = word_end;
    }
}

fn run_end(bytes: &[u8], mut at: usize, class: u8) -> usize {
    while at < bytes.len() && is(bytes[at], class) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::super::finding::apply;
    use super::*;

    fn scrub(text: &str) -> String {
        let mut findings = Vec::new();
        find(text, &mut findings);
        apply(text, &mut findings)
    }

    #[test]
    fn each_layer_in_a_message() {
        let cases = [
            ("push failed: ghp_0123456789abcdefghijABCDEFGHIJ012345", "push failed: <secret>"),
            ("export DB_PASS='hunter2' && run", "export DB_PASS='<secret>' && run"),
            (
                "key material q8Rz2LkP0vXn7Tg4WmYbA1c9 rejected",
                "key material <secret> rejected",
            ),
            (
                "hash $2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW end",
                "hash <secret> end",
            ),
            ("db postgres://admin:pw@db/x", "db postgres://<user>:<password>@db/x"),
            (
                "x -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY----- y",
                "x <private-key> y",
            ),
            (
                "PuTTY-User-Key-File-3: ssh-ed25519\nPrivate-Lines: 1\nAAAA\nPrivate-MAC: ab12\nnext",
                "PuTTY-User-Key-File-3: ssh-ed25519\n<private-key>\nnext",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(scrub(input), expected, "{input}");
        }
    }

    #[test]
    fn useful_values_stay() {
        for text in [
            "commit 3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39 passed CI",
            "uuid 123e4567-e89b-12d3-a456-426614174000 created",
            "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 matches",
            "java.lang.IllegalStateException at com.example.Service.run(Service.java:31)",
            "see https://docs.example.com/guide/setup#install",
            "operation completed in 12 ms with 3 results",
        ] {
            assert_eq!(scrub(text), text);
        }
    }
}
