//! User names outside paths, found by what introduces them. Each name becomes `<user>`:
//! - assignments and fields: `USER=ann`, `LOGNAME=ann`, `USERNAME=ann`, `PGUSER=ann`,
//!   `"user": "ann"`, `user=ann` in a query string, `User ID=ann;` and `UID=ann;` in connection
//!   strings, `--user=ann`;
//! - command-line flags: `-U ann`, `-u ann`, `--user ann`, `--username ann`, `--login ann`;
//! - quoted after a word, in a few languages: `for user 'ann'`, `role "ann"`,
//!   `für Benutzer 'ann'`, `пользователя "ann"`, and the host of a
//!   MySQL account `'ann'@'build-box'` (`<host>`; `localhost` stays);
//! - Windows accounts: `CORP\ann` (well-known principals such as `NT AUTHORITY\SYSTEM` stay).
//!
//! Names in system log lines are `logins`' to find.
//!
//! Numbers (`uid=1000`), booleans, variables (`$USER`, `%USERNAME%`) and placeholders stay.

use memchr::{memchr2_iter, memchr3_iter, memchr_iter};

use super::scan::{ascii_run_start, char_before, run_end, run_start, starts_with_ignore_case};
use crate::anonymize::finding::Finding;

/// Field names (the last word of a compound name) whose value is a user name.
const USER_FIELDS: &[&str] = &[
    "user", "username", "logname", "login", "uid", "userid", "owner",
];

/// Words after which a quoted value is a user name.
const USER_WORDS: &[&str] = &[
    "user",
    "role",
    "login",
    "username",
    "account",
    "benutzer",
    "utilisateur",
    "usuario",
    "utente",
    "gebruiker",
    "użytkownik",
    "пользователь",
    "пользователя",
    "用户",
];

/// Values that name nobody.
pub(super) const NOT_NAMES: &[&str] = &[
    "true",
    "false",
    "null",
    "none",
    "nil",
    "undefined",
    "root",
    "nobody",
];

/// Windows principals that exist on every machine.
const WELL_KNOWN: &[&str] = &["SYSTEM", "Administrators", "Users", "Guests", "Everyone"];

pub(super) fn name_char(c: char) -> bool {
    c.is_alphanumeric() || "._-$".contains(c)
}

pub(super) fn find(text: &str, out: &mut Vec<Finding>) {
    find_fields(text, out);
    find_flags(text, out);
    find_quoted(text, out);
    find_windows_accounts(text, out);
}

/// The value at `start` (after optional spaces and a quote), if it names someone.
fn name_value(text: &str, start: usize) -> Option<(usize, usize)> {
    let start = run_end(text, start, |c| c == ' ');
    // A quote, or an escaped one inside JSON (`USER=\"ann\"`).
    let unquoted = text[start..].trim_start_matches('\\');
    let unquoted = unquoted.strip_prefix(['"', '\'']).unwrap_or(&text[start..]);
    let start = text.len() - unquoted.len();
    let end = run_end(text, start, |c| name_char(c) || c == '@' || c == '\\');
    // A trailing `\` escapes the closing quote in JSON.
    let value = text[start..end].trim_end_matches('\\');
    let end = start + value.len();
    let named = value.chars().any(char::is_alphabetic)
        && !value.starts_with(['$', '%', '-', '.', '/', '~'])
        && !NOT_NAMES.iter().any(|n| value.eq_ignore_ascii_case(n));
    named.then_some((start, end))
}

/// `name=value`, `name: value`, `"name": "value"` where the name ends with a user field.
fn find_fields(text: &str, out: &mut Vec<Finding>) {
    let bytes = text.as_bytes();
    for at in memchr2_iter(b'=', b':', bytes) {
        if bytes[at] == b':' && matches!(bytes.get(at + 1), Some(b':' | b'/')) {
            continue;
        }
        let key_end = at - (text[..at].len() - text[..at].trim_end_matches([' ', '"', '\'']).len());
        // Every field name ends in `r`, `e`, `n` or `d` (`user`, `username`, `login`, `uid`):
        // most colons (`main.py:42`) are passed over on one byte.
        let last = key_end
            .checked_sub(1)
            .map(|i| bytes[i].to_ascii_lowercase());
        if !matches!(last, Some(b'r' | b'e' | b'n' | b'd')) {
            continue;
        }
        let key_start = ascii_run_start(bytes, key_end, |b| {
            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
        });
        let key = &text[key_start..key_end];
        let user_id = ends_with_words(text, key_end, "user id");
        let git_user = key.eq_ignore_ascii_case("user.name");
        if !user_id && !git_user && !is_user_field(key) {
            continue;
        }
        if let Some((start, end)) = name_value(text, at + 1) {
            out.push(Finding::placeholder(start, end, "<user>"));
        }
    }
}

fn ends_with_words(text: &str, end: usize, words: &str) -> bool {
    end >= words.len()
        && text.as_bytes()[end - words.len()..end].eq_ignore_ascii_case(words.as_bytes())
}

/// `USER`, `db_user`, `PGUSER`, `--username`, `userId`: a key whose last word is a user field.
/// Compared in place: it runs for every `=` and `:` of every message.
fn is_user_field(key: &str) -> bool {
    let bytes = key.as_bytes();
    let shouting = bytes.iter().all(|b| !b.is_ascii_lowercase());
    USER_FIELDS.iter().any(|field| {
        let Some(head_len) = bytes.len().checked_sub(field.len()) else {
            return false;
        };
        bytes[head_len..].eq_ignore_ascii_case(field.as_bytes())
            && (head_len == 0
                || matches!(bytes[head_len - 1], b'_' | b'-' | b'.')
                || shouting
                || bytes[head_len].is_ascii_uppercase())
    })
}

/// `-U ann`, `-u ann`, `--user ann`, `--username ann`, `--login ann`, `ssh -l ann`,
/// PowerShell's `-Credential ann` and `-UserName ann`.
fn find_flags(text: &str, out: &mut Vec<Finding>) {
    let bytes = text.as_bytes();
    for at in memchr_iter(b'-', bytes) {
        if !matches!(char_before(text, at), None | Some(' ' | '\t' | '\n')) {
            continue;
        }
        let ssh = || {
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            text[line_start..at].contains("ssh ")
        };
        let flags = [
            "-U ",
            "-u ",
            "--user ",
            "--username ",
            "--login ",
            "-Credential ",
            "-UserName ",
        ];
        let flag_len = flags
            .iter()
            .chain((bytes.get(at + 1) == Some(&b'l') && ssh()).then_some(&"-l "))
            .find(|flag| {
                starts_with_ignore_case(bytes, at, flag) && bytes[at + 1] == flag.as_bytes()[1]
            })
            .map(|flag| flag.len());
        if let Some((start, end)) = flag_len.and_then(|len| name_value(text, at + len)) {
            out.push(Finding::placeholder(start, end, "<user>"));
        }
    }
}

/// `for user 'ann'`, `role "ann"`, and MySQL's `'ann'@'host'`.
fn find_quoted(text: &str, out: &mut Vec<Finding>) {
    let bytes = text.as_bytes();
    let mut searched_to = 0;
    for open in memchr3_iter(b'\'', b'"', b'`', bytes) {
        if open < searched_to || open == 0 || bytes[open - 1] != b' ' {
            continue;
        }
        let word_start = run_start(text, open - 1, char::is_alphabetic);
        let word = &text[word_start..open - 1];
        if !USER_WORDS.iter().any(|w| word.eq_ignore_ascii_case(w)) {
            continue;
        }
        let quote = bytes[open];
        let Some(len) = bytes[open + 1..].iter().take(64).position(|&b| b == quote) else {
            continue;
        };
        let (start, end) = (open + 1, open + 1 + len);
        let value = &text[start..end];
        if value.is_empty() || value.starts_with('<') || value.contains('\n') {
            continue;
        }
        out.push(Finding::placeholder(start, end, "<user>"));
        searched_to = end + 1;
        // MySQL: `'ann'@'host'`.
        if bytes.get(end + 1) == Some(&b'@') && bytes.get(end + 2) == Some(&quote) {
            let host_start = end + 3;
            if let Some(host_len) = bytes[host_start..]
                .iter()
                .take(255)
                .position(|&b| b == quote)
            {
                let host = &text[host_start..host_start + host_len];
                let harmless =
                    ["localhost", "%", "127.0.0.1", "::1"].contains(&host) || host.starts_with('<');
                if !harmless && !host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                    out.push(Finding::placeholder(
                        host_start,
                        host_start + host_len,
                        "<host>",
                    ));
                }
                searched_to = host_start + host_len + 1;
            }
        }
    }
}

/// `CORP\ann`: a domain (capitalised, outside any path) and an account name.
fn find_windows_accounts(text: &str, out: &mut Vec<Finding>) {
    let bytes = text.as_bytes();
    for at in memchr_iter(b'\\', bytes) {
        let domain_start = run_start(text, at, |c| c.is_ascii_alphanumeric() || "._-".contains(c));
        let domain = &text[domain_start..at];
        let opens = matches!(
            char_before(text, domain_start),
            None | Some(' ' | '\t' | '\n' | '"' | '\'' | '(' | '=' | ':' | ',')
        );
        if domain.is_empty() || !opens || !domain.starts_with(|c: char| c.is_ascii_uppercase()) {
            continue;
        }
        let end = run_end(text, at + 1, name_char);
        let name = text[at + 1..end].trim_end_matches(['-', '.']);
        let end = at + 1 + name.len();
        // A path goes on (`\`, `/`); code goes on too: `App\Kernel->handle()`, `Foo\Bar::x`.
        let continues = matches!(
            bytes.get(end),
            Some(b'\\' | b'/' | b'-' | b'(' | b':' | b'>' | b'[' | b'{' | b'=')
        );
        if name.is_empty() || !name.starts_with(char::is_alphabetic) || continues {
            continue;
        }
        // In a mixed-case word, `\n` and `\t` are escapes (`Line one\nline two`); a CamelCase
        // name after one is a class in a namespace (`App\HttpKernel`).
        let all_caps = domain.bytes().all(|b| !b.is_ascii_lowercase());
        let escape = name.starts_with(['n', 't', 'r', 'u', 'x', '0']);
        let camel_case =
            name.chars().skip(1).any(char::is_uppercase) && name.chars().any(char::is_lowercase);
        if (all_caps || !(escape || camel_case)) && !WELL_KNOWN.contains(&name) {
            out.push(Finding::placeholder(at + 1, end, "<user>"));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::anonymize::personal::tests::scrub;

    #[test]
    fn names_by_what_introduces_them() {
        let cases = [
            (
                "env USER=ann LOGNAME=ann HOME=/tmp",
                "env USER=<user> LOGNAME=<user> HOME=/tmp",
            ),
            (
                "USERNAME=jdoe PGUSER=jdoe DB_USER=jdoe",
                "USERNAME=<user> PGUSER=<user> DB_USER=<user>",
            ),
            (
                r#"{"user": "ann", "username":"ann"}"#,
                r#"{"user": "<user>", "username":"<user>"}"#,
            ),
            ("GET /x?user=ann&page=2", "GET /x?user=<user>&page=2"),
            (
                "Server=db;User ID=ann;Password=<secret>",
                "Server=db;User ID=<user>;Password=<secret>",
            ),
            (
                "Driver=x;UID=ann;PWD=<secret>",
                "Driver=x;UID=<user>;PWD=<secret>",
            ),
            (
                "psql -U ann -h db and mysql -u ann",
                "psql -U <user> -h db and mysql -u <user>",
            ),
            (
                "tool --user ann --username=ann",
                "tool --user <user> --username=<user>",
            ),
            (
                "password authentication failed for user \"ann\"",
                "password authentication failed for user \"<user>\"",
            ),
            (
                "Access denied for user 'ann'@'build-box' (using password: YES)",
                "Access denied for user '<user>'@'<host>' (using password: YES)",
            ),
            ("role `ann` does not exist", "role `<user>` does not exist"),
            (
                "sshd[2231]: Invalid user haruki from 10.0.0.1",
                "sshd[2231]: Invalid user <user> from <ip>",
            ),
            (
                "session opened for user jovan(uid=1001) by (uid=0)",
                "session opened for user <user>(uid=1001) by (uid=0)",
            ),
            (
                "sudo: kalani : 3 incorrect password attempts",
                "sudo: <user> : 3 incorrect password attempts",
            ),
            (
                "ssh -l giulia.r -p 2222 bastion.example.com",
                "ssh -l <user> -p 2222 bastion.example.com",
            ),
            (
                "Enter-PSSession -ComputerName srv01 -Credential lorcan",
                "Enter-PSSession -ComputerName srv01 -Credential <user>",
            ),
            (
                "git -c user.name=xochitl commit",
                "git -c user.name=<user> commit",
            ),
            (
                r#"{"detail":"USER=\"lorcan\""}"#,
                r#"{"detail":"USER=\"<user>\""}"#,
            ),
            (
                r"logon CORP\jdoe failed, Contoso\jane too",
                r"logon CORP\<user> failed, Contoso\<user> too",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(scrub(input), expected, "{input}");
        }
    }

    #[test]
    fn look_alikes_stay() {
        for text in [
            "uid=1000 gid=1000 USER=$USER name=%USERNAME% user=root",
            "User-Agent: curl/8.0 and user_agent=x and max_users=5",
            r"NT AUTHORITY\SYSTEM and Line one\nline two",
            r"#1 index.php(607): App\Kernel->handle() and App\Models\User::find and App\HttpKernel",
            "for user authentication, sort -u, ls -l /tmp, the user is not found",
            "user management, user settings and user-defined user preferences",
            "Access denied for user '<user>'@'localhost'",
        ] {
            assert_eq!(scrub(text), text);
        }
    }
}
