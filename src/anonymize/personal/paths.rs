//! File paths inside free text: messages and the stack-trace formats of Python, Node.js, Go,
//! Rust, Java, Ruby and .NET. Anchored on `/`, `\` and `~`; each path found is handed to the
//! one-path rules and reported when they change it.
//!
//! A path is unquoted (`at /home/ann/x.js:10:5`, `in C:\Users\ann\x.cs:line 3`) or quoted
//! (`File "/home/ann/my app/x.py"`), where it may hold spaces. Unquoted, a space continues the
//! path only when the word after it reaches another separator (`C:\Program Files\x`,
//! `C:\Users\Jane Doe\x`), or when it ends a user's name right after a home folder
//! (`C:\Users\Jane Doe`).

use memchr::memchr3;

use super::scan::{ascii_run_start, char_at, char_before, ends_with_ignore_case, is_word_byte};
use crate::anonymize::finding::Finding;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Unix,
    Windows,
}

/// HTTP methods: the path after one is a web path (`GET /api/v2/orders/1234`).
const HTTP_METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// What replaces the first `len` bytes of a path; the rest stays in place.
pub(super) type Rewrite = (usize, String);

/// Reports each path in `text` that `rewrite` changes. `rewrite` is told whether the path is a
/// web path (after an HTTP method, or with a query), which is kept whole unless it names a home.
pub(super) fn find(
    text: &str,
    rewrite: &dyn Fn(&str, bool) -> Option<Rewrite>,
    out: &mut Vec<Finding>,
) {
    let bytes = text.as_bytes();
    let mut from = 0;
    // The search goes on after each path found, not from the next separator inside it.
    while let Some(offset) = memchr3(b'/', b'\\', b'~', &bytes[from..]) {
        let at = from + offset;
        from = at + 1;
        let Some((start, kind)) = path_start(text, at) else {
            continue;
        };
        let end = match closing_quote(text, start) {
            Some(end) => end,
            None => path_end(text, start, kind),
        };
        from = from.max(end);
        let path = &text[start..end];
        if !is_whole_path(path, kind) {
            continue;
        }
        if let Some((len, replacement)) = rewrite(path, is_web_path(text, start, path)) {
            out.push(Finding::rewritten(start, start + len, replacement));
        }
    }
}

fn is_web_path(text: &str, start: usize, path: &str) -> bool {
    let before = text[..start].trim_end_matches(' ');
    let method = HTTP_METHODS.iter().any(|m| {
        before.ends_with(m) && !before[..before.len() - m.len()].ends_with(char::is_alphanumeric)
    });
    // `path=/v2/library/python/manifests`, `url=/…` in structured logs.
    let field = ["path=", "url=", "uri=", "route=", "endpoint="]
        .iter()
        .any(|key| ends_with_ignore_case(before.as_bytes(), before.len(), key));
    method || field || path.contains('?')
}

/// Where the path that holds the separator at `at` starts, if it is one.
fn path_start(text: &str, at: usize) -> Option<(usize, Kind)> {
    let bytes = text.as_bytes();
    let before = |n: usize| at.checked_sub(n).map(|i| bytes[i]);
    match bytes[at] {
        b'~' => {
            let opens = matches!(
                char_before(text, at),
                None | Some(' ' | '\t' | '\n' | '"' | '\'' | '(' | '=' | '`')
            );
            let named = char_at(text, at + 1).is_some_and(|c| c.is_alphabetic() || c == '_');
            (opens && named).then_some((at, Kind::Unix))
        }
        _ if before(1) == Some(b':')
            && before(2).is_some_and(|b| b.is_ascii_alphabetic())
            && !before(3).is_some_and(is_word_byte) =>
        {
            Some((at - 2, Kind::Windows))
        }
        b'\\' => {
            let unc = bytes.get(at + 1) == Some(&b'\\')
                && before(1) != Some(b'\\')
                && !before(1).is_some_and(is_word_byte);
            unc.then_some((at, Kind::Windows))
        }
        _ => {
            if let Some(start) = relative_home_start(text, at) {
                return Some((start, Kind::Unix));
            }
            // Not inside a URL, a word, a placeholder or a relative path.
            let opens = match before(1) {
                None => true,
                Some(b':') => {
                    bytes.get(at + 1) != Some(&b'/')
                        && !before(2).is_some_and(|b| b.is_ascii_digit())
                }
                Some(b) => !(is_word_byte(b) || b"/.~<>\\-%".contains(&b)),
            };
            opens.then_some((at, Kind::Unix))
        }
    }
}

/// A relative path that starts with a home folder (`share=homes/ann/file.txt`,
/// `Users/ann/x`): the start of that folder's name, when the `/` at `at` ends it.
fn relative_home_start(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let start = ascii_run_start(bytes, at, |b| b.is_ascii_alphabetic());
    let folder = &text[start..at];
    let is_home = ["home", "homes", "users"]
        .iter()
        .any(|m| folder.eq_ignore_ascii_case(m));
    if !is_home
        || start
            .checked_sub(1)
            .is_some_and(|i| is_word_byte(bytes[i]) || b"/.~<>\\-%:".contains(&bytes[i]))
    {
        return None;
    }
    // Three components at least (`homes/ann/file.txt`): `home/office` in prose stays.
    let rest = &bytes[at + 1..];
    let name_end = rest
        .iter()
        .position(|&b| b.is_ascii_whitespace() || b"\"'<>|;,()/".contains(&b))
        .unwrap_or(rest.len());
    (rest.get(name_end) == Some(&b'/')).then_some(start)
}

/// The end of a quoted path starting at `start`: the matching quote, on the same line.
fn closing_quote(text: &str, start: usize) -> Option<usize> {
    let quote = char_before(text, start).filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let line = &text[start..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    line.find(quote).map(|len| start + len)
}

fn stops(c: char, kind: Kind) -> bool {
    match c {
        '"' | '\'' | '`' | '<' | '>' | '|' | ';' | ',' | '(' | ')' | '[' | ']' | '{' | '}'
        | ':' => true,
        '*' | '?' => kind == Kind::Windows,
        '\\' => kind == Kind::Unix,
        c => c.is_whitespace(),
    }
}

fn is_separator(c: char, kind: Kind) -> bool {
    c == '/' || (c == '\\' && kind == Kind::Windows)
}

/// The end of an unquoted path starting at `start`.
fn path_end(text: &str, start: usize, kind: Kind) -> usize {
    // A drive's colon belongs to the path.
    let mut end = if kind == Kind::Windows && text.as_bytes()[start] != b'\\' {
        start + 2
    } else {
        start
    };
    let mut extra_words = 0;
    // `\\?\C:\…`, `\\?\UNC\…`: the long-path prefix's `?` is not a wildcard.
    let long_path = text[start..].starts_with(r"\\?\");
    let bytes = text.as_bytes();
    // Byte by byte: every stop is ASCII, and a multi-byte character only matters if it is a
    // space of some kind.
    while let Some(&byte) = bytes.get(end) {
        if byte == b' ' {
            match continues_after_space(text, start, end, kind, &mut extra_words) {
                Some(next) => {
                    end = next;
                    continue;
                }
                None => return end,
            }
        }
        // `/home/bob.o'neil/x`: an apostrophe inside a name, outside quotes.
        let apostrophe = byte == b'\''
            && end > start
            && bytes[end - 1].is_ascii_alphabetic()
            && bytes.get(end + 1).is_some_and(u8::is_ascii_alphabetic);
        let stop = if apostrophe {
            false
        } else if byte.is_ascii() {
            let long_path_prefix = long_path && byte == b'?' && end == start + 2;
            let long_path_drive = long_path && byte == b':' && end == start + 5;
            stops(byte as char, kind) && !long_path_prefix && !long_path_drive
        } else {
            // A character's first byte (continuation bytes are 0x80 to 0xBF).
            byte >= 0xC0 && char_at(text, end).is_some_and(char::is_whitespace)
        };
        if stop {
            return end;
        }
        end += 1;
    }
    end
}

/// Where a path goes on after the space at `space`, if it does.
fn continues_after_space(
    text: &str,
    start: usize,
    space: usize,
    kind: Kind,
    extra_words: &mut usize,
) -> Option<usize> {
    // Names in folder names: `Program Files`, `Application Support`, `Jane Doe`, at most
    // three words (`Documents and Settings`), each starting with a letter or digit, so that
    // `/home/dev && cd ~/project` is two paths.
    let name_char = |c: char| c.is_alphanumeric() || "._-'+$~()".contains(c);
    let mut at = space + 1;
    let mut word_start = at;
    let mut spaces = 1;
    for c in text[at..].chars().take(48) {
        if is_separator(c, kind) && at > word_start {
            return Some(at);
        }
        if at == word_start && !c.is_alphanumeric() {
            break;
        }
        if c == ' ' && at > word_start && spaces < 3 {
            word_start = at + 1;
            spaces += 1;
        } else if !name_char(c) {
            break;
        }
        at += c.len_utf8();
    }
    // `C:\Users\Jane Doe`: a capitalised word right after a user's first name, at the end.
    let path = &text[start..space];
    let mut parts = path.rsplit(|c| is_separator(c, kind));
    let _name = parts.next()?;
    let folder = parts.next()?;
    let after_home = ["users", "home", "documents and settings"]
        .iter()
        .any(|m| folder.eq_ignore_ascii_case(m));
    let word = &text[space + 1..];
    let word_len = word
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(word.len());
    let capitalised = word.chars().next().is_some_and(char::is_uppercase);
    if after_home && capitalised && *extra_words < 2 && word_len > 0 {
        *extra_words += 1;
        return Some(space + 1 + word_len);
    }
    None
}

/// A path worth looking at: a Unix path of two components or more (or `/root`, or `~user`), a
/// drive path, a UNC path with a share.
fn is_whole_path(path: &str, kind: Kind) -> bool {
    let parts = path
        .split(|c| is_separator(c, kind))
        .filter(|p| !p.is_empty())
        .count();
    match kind {
        Kind::Unix if path.starts_with('~') => true,
        Kind::Unix => parts >= 2 || path == "/root",
        Kind::Windows if path.starts_with('\\') => parts >= 2,
        Kind::Windows => parts >= 2,
    }
}

#[cfg(test)]
mod tests {
    use crate::anonymize::personal::tests::scrub;

    #[test]
    fn paths_in_every_trace_format() {
        let cases = [
            (
                "  File \"/home/ann/app/main.py\", line 42, in run",
                "  File \"<user>/app/main.py\", line 42, in run",
            ),
            (
                "    at handler (/home/ann/srv/index.js:10:5)",
                "    at handler (<user>/srv/index.js:10:5)",
            ),
            (
                "    at /Users/ann/srv/lib.js:3:1",
                "    at <user>/srv/lib.js:3:1",
            ),
            (
                "\t/home/ann/go/src/app/main.go:42 +0x1d",
                "\t<user>/go/src/app/main.go:42 +0x1d",
            ),
            (
                "   at /home/ann/.cargo/registry/src/lib.rs:10:5",
                "   at <user>/.cargo/registry/src/lib.rs:10:5",
            ),
            (
                "\tat com.example.Foo.bar(Foo.java:10)",
                "\tat com.example.Foo.bar(Foo.java:10)",
            ),
            (
                "/home/ann/app/models/user.rb:10:in 'save'",
                "<user>/app/models/user.rb:10:in 'save'",
            ),
            (
                r"   at App.Main() in C:\Users\ann\src\App\Program.cs:line 10",
                "   at App.Main() in <user>/src/App/Program.cs:line 10",
            ),
            (
                "  File \"/usr/lib/python3.11/json/decoder.py\", line 355",
                "  File \"/usr/lib/python3.11/json/decoder.py\", line 355",
            ),
            (
                "\t\\\\?\\UNC\\filer\\users\\Yui Takahashi\\dl\\index.ts:988:49",
                "\t<user>/dl/index.ts:988:49",
            ),
            (
                "    at Object.<anonymous> (\\\\?\\C:\\Users\\zoë\\index.ts:149:1)",
                "    at Object.<anonymous> (<user>/index.ts:149:1)",
            ),
            (
                "installed in /opt/acme-secret-project/team/bin/tool",
                "installed in team/bin/tool",
            ),
            (
                "\"GET /api/v2/orders/1234/items?page=2 HTTP/1.1\" 200, path=/a/b/c/d?x=1",
                "\"GET /api/v2/orders/1234/items?page=2 HTTP/1.1\" 200, path=/a/b/c/d?x=1",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(scrub(input), expected, "{input}");
        }
    }

    #[test]
    fn homes_anywhere_and_names_with_spaces() {
        let cases = [
            (
                "cannot open /var/home/ann/x.txt: denied",
                "cannot open <user>/x.txt: denied",
            ),
            (
                r"log \\wsl$\Ubuntu\home\ann\a.log gone",
                "log <user>/a.log gone",
            ),
            (
                r"at C:\Users\Jane Doe\AppData\x.txt now",
                "at <user>/AppData/x.txt now",
            ),
            (r"profile C:\Users\Jane Doe", "profile <user>"),
            (
                r"exe C:\Program Files\Tool\bin\tool.exe failed",
                r"exe C:\Program Files\Tool\bin\tool.exe failed",
            ),
            (
                r"exe C:\Users\ann\tool.exe failed",
                "exe <user>/tool.exe failed",
            ),
            (
                r#"{"path": "C:\\Users\\ann\\x.txt"}"#,
                r#"{"path": "<user>/x.txt"}"#,
            ),
            ("PATH=/usr/bin:/home/ann/bin", "PATH=/usr/bin:<user>/bin"),
            ("scp deploy:/home/ann/a.tgz", "scp deploy:<user>/a.tgz"),
            ("(/home/erin/a.txt)", "(<user>/a.txt)"),
            ("read ~frank/.ssh/config", "read <user>/.ssh/config"),
            ("cd /home/bob.o'neil/projects now", "cd <user>/projects now"),
            (
                "smb-share:server=nas,share=homes/jdoe/f.txt",
                "smb-share:server=nas,share=<user>/f.txt",
            ),
            ("work from home/office today", "work from home/office today"),
            (
                "export HOME=/home/dev && cd ~/project",
                "export HOME=<user> && cd ~/project",
            ),
            (
                r"copy \\nas01\finance\q3\report.xlsx",
                "copy <host>/<share>/q3/report.xlsx",
            ),
            (
                r#"at 'C:\Documents and Settings\gil\x.txt'"#,
                "at '<user>/x.txt'",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(scrub(input), expected, "{input}");
        }
    }

    #[test]
    fn urls_and_other_slashes_are_left_alone() {
        for text in [
            "see https://example.com/docs/a/b and http://localhost:8080/x/y",
            "ratio 1/2/3, date 12/25/2024, s/foo/bar/g",
            "SHELL=/bin/zsh and /usr/bin/node",
            "<user>/already/clean",
            "~/.config/app.toml",
        ] {
            assert_eq!(scrub(text), text);
        }
    }
}
