//! Password hashes in crypt(3) form (`$2b$…` bcrypt, `$argon2id$…`, `$6$…` SHA-crypt, `$y$…`
//! yescrypt, `$apr1$…`): found at their leading `$`, since they are not words.

/// Identifiers of crypt(3)-style password hashes, after their leading `$`.
const CRYPT_IDS: &[&str] = &[
    "2a$", "2b$", "2y$", "2x$", "argon2", "1$", "5$", "6$", "y$", "7$", "gy$", "apr1$", "sha1$",
    "scrypt$", "pbkdf2",
];

/// A password hash starting at the `$` at `start`: its end.
pub(crate) fn crypt_hash_at(bytes: &[u8], start: usize) -> Option<usize> {
    let rest = &bytes[start + 1..];
    if !CRYPT_IDS.iter().any(|id| rest.starts_with(id.as_bytes())) {
        return None;
    }
    let mut end = start + 1;
    while end < bytes.len()
        && (bytes[end].is_ascii_alphanumeric() || b"./+=$,_-".contains(&bytes[end]))
    {
        end += 1;
    }
    (end - start >= 20).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hashes() {
        for hash in [
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
            "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
            "$6$rounds=5000$saltsalt$abcdefghijklmnop",
        ] {
            assert_eq!(
                crypt_hash_at(hash.as_bytes(), 0),
                Some(hash.len()),
                "{hash}"
            );
        }
        assert_eq!(crypt_hash_at(b"$5 dollars", 0), None);
    }
}
