//! Passwords given on a command line. Long flags whose name is secret-bearing (`--password v`,
//! `--api-key v`, `--token=v` is an ordinary assignment) work for any command; single-letter
//! flags mean a password only for the commands that define them so (`mysql -pSECRET`,
//! `redis-cli -a SECRET`, `zip -P SECRET`), and `-p v` for any command unless `v` is a port
//! (`ssh -p 22`, `docker run -p 8080:80`). `-u user:pass` and `--user user:pass` (curl) carry
//! a password whenever they hold a `:`.

use super::words::{classify, Strength};

/// Commands whose single-letter flag takes a password, and whether the value may be glued to
/// the flag (`-pSECRET`).
const PASSWORD_FLAGS: &[(&str, &str, bool)] = &[
    ("mysql", "p", true),
    ("mysqldump", "p", true),
    ("mysqladmin", "p", true),
    ("mysqlimport", "p", true),
    ("mysqlsh", "p", true),
    ("mariadb", "p", true),
    ("mariadb-dump", "p", true),
    ("7z", "p", true),
    ("7za", "p", true),
    ("redis-cli", "a", false),
    ("zip", "P", false),
    ("unzip", "P", false),
    ("sshpass", "p", false),
    ("openssl", "k", false),
];

/// A flag (`--password`, `-p`, `-u`) followed by a space: how secret its value is.
pub(crate) fn flag_strength(bytes: &[u8], start: usize, name: &str) -> Option<Strength> {
    let dashes = bytes[..start]
        .iter()
        .rev()
        .take_while(|&&b| b == b'-')
        .count();
    if dashes == 0 || dashes > 2 {
        return None;
    }
    let before = start - dashes;
    if before > 0 && !matches!(bytes[before - 1], b' ' | b'\t' | b'"' | b'\'' | b'\n') {
        return None;
    }
    match (dashes, name) {
        (1, "p") | (1, "u") | (2, "user") => Some(Strength::Strong),
        (1, letter) if letter.len() == 1 => {
            let command = command_of_line(bytes, before);
            PASSWORD_FLAGS
                .iter()
                .any(|&(c, flag, _)| c == command && flag == letter)
                .then_some(Strength::Strong)
        }
        _ => classify(name).filter(|s| matches!(s, Strength::Strong | Strength::Weak)),
    }
}

/// `-pSECRET` for the commands that take it glued: the span of `SECRET`.
pub(crate) fn glued_password(bytes: &[u8], start: usize, end: usize) -> Option<(usize, usize)> {
    let flag = bytes[start];
    let dash = start - 1;
    let glued_value = bytes
        .get(start + 1)
        .is_some_and(|b| !b.is_ascii_whitespace());
    if !glued_value
        || end <= start
        || (dash > 0 && !matches!(bytes[dash - 1], b' ' | b'\t' | b'\n'))
    {
        return None;
    }
    let command = command_of_line(bytes, dash);
    let glued = PASSWORD_FLAGS
        .iter()
        .any(|&(c, f, glued)| glued && c == command && f.as_bytes() == [flag]);
    if !glued {
        return None;
    }
    let value_end = start
        + 1
        + bytes[start + 1..]
            .iter()
            .take_while(|b| !b.is_ascii_whitespace() && !matches!(b, b'"' | b'\''))
            .count();
    Some((start + 1, value_end))
}

/// The program name that starts the line holding `at` (after a prompt and any directory):
/// `mysql` in `$ /usr/bin/mysql -u root -p x`. Empty when there is none.
fn command_of_line(bytes: &[u8], at: usize) -> &str {
    // Looked for at most this far back, so that a line of thousands of flags stays linear.
    const MAX_LINE_BYTES: usize = 1024;
    let window = at.saturating_sub(MAX_LINE_BYTES);
    let line_start = match bytes[window..at].iter().rposition(|&b| b == b'\n') {
        Some(newline) => window + newline + 1,
        None if window == 0 => 0,
        None => return "",
    };
    let line = &bytes[line_start..at];
    let mut words = line
        .split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty() && !matches!(w, [b'$' | b'>' | b'#' | b'%']))
        .filter(|w| !matches!(*w, b"sudo" | b"exec" | b"time" | b"env"));
    let first = words.next().unwrap_or_default();
    let name = first.rsplit(|&b| b == b'/').next().unwrap_or_default();
    std::str::from_utf8(name).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_only_where_the_command_takes_them() {
        let text = b"mysqldump -uroot -pS3cret! db";
        let start = 18; // the `p` of `-pS3cret!`
        assert_eq!(glued_password(text, start, 26), Some((19, 26)));
        assert_eq!(glued_password(b"gcc -pthread x.c", 5, 12), None);
        assert_eq!(
            flag_strength(b"redis-cli -a pw PING", 11, "a"),
            Some(Strength::Strong)
        );
        assert_eq!(flag_strength(b"ls -a dir", 4, "a"), None);
        assert_eq!(
            flag_strength(b"psql --password pw", 7, "password"),
            Some(Strength::Strong)
        );
    }
}
