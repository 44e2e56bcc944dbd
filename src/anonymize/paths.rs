//! File paths: what is left of one path, and finding paths inside free text (messages and the
//! stack-trace formats of Python, Node.js, Go, Rust, Java, Ruby and .NET).
//!
//! A home directory loses its user (`<user>/…`), a macOS per-user temp folder becomes `<tmp>/…`,
//! a UNC share loses host and share, and any other absolute path keeps at most its last three
//! components: enough to find the file in a project, too little to name its owner.

use once_cell::sync::Lazy;
use regex::{Captures, Regex};

use super::regex;

/// A home directory at the start of a path whose separators are already `/`: `/home/u`,
/// `/Users/u`, `C:/Users/u`, `C:/Documents and Settings/u`, `Users/u`, `/root`, `~u`.
static HOME_PREFIX: Lazy<Regex> = Lazy::new(|| {
    regex(
        r"(?i)^(?:(?:[a-z]:)?/?(?:home|users|documents and settings)/[^/]+|/root|~[a-z_][a-z0-9_.-]*)(?:/|$)",
    )
});

/// A macOS per-user temporary folder: `/var/folders/xx/<random>/` (also under `/private`).
static MAC_TEMP_PREFIX: Lazy<Regex> =
    Lazy::new(|| regex(r"^(?:/private)?/var/folders/[^/]+/[^/]+(?:/|$)"));

/// What may leave of one path.
///
/// `/home/john/project/file.py` → `<user>/project/file.py`;
/// `C:\Users\jane\AppData\Local\x.log` → `<user>/AppData/Local/x.log`;
/// `/private/var/folders/zz/abc123/T/t.txt` → `<tmp>/T/t.txt`;
/// `\\fileserver\alice$\docs\a.txt` → `<host>/<share>/docs/a.txt`;
/// `file:///home/john/x` → `file://<user>/x`;
/// `/opt/company/team/app/main.py` → `team/app/main.py`.
pub(crate) fn path_without_user(path: &str) -> String {
    if let Some(rest) = strip_prefix_ignore_case(path, "file://") {
        let rest = strip_prefix_ignore_case(rest, "localhost").unwrap_or(rest);
        return format!("file://{}", path_without_user(rest));
    }
    if let Some(unc) = path.strip_prefix(r"\\") {
        let rest: Vec<&str> = unc
            .split(['\\', '/'])
            .filter(|part| !part.is_empty())
            .skip(2)
            .collect();
        return join_under("<host>/<share>", &rest.join("/"));
    }
    let normalized = path.replace('\\', "/");
    if let Some(home) = HOME_PREFIX.find(&normalized) {
        return join_under("<user>", &normalized[home.end()..]);
    }
    if let Some(temp) = MAC_TEMP_PREFIX.find(&normalized) {
        return join_under("<tmp>", &normalized[temp.end()..]);
    }
    let components: Vec<&str> = normalized
        .split('/')
        .filter(|part| !part.is_empty() && !is_drive(part))
        .collect();
    components[components.len().saturating_sub(3)..].join("/")
}

fn join_under(placeholder: &str, rest: &str) -> String {
    if rest.is_empty() {
        placeholder.to_owned()
    } else {
        format!("{placeholder}/{rest}")
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn is_drive(part: &str) -> bool {
    let bytes = part.as_bytes();
    bytes.len() == 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':'
}

/// A quoted absolute path: `File "/x/y.py"`, `'C:\x\y'`, `"~bob/x"`. Quotes let it hold spaces.
static QUOTED_PATH: Lazy<Regex> = Lazy::new(|| {
    regex(r#"(["'])((?:/|~[A-Za-z_]|[A-Za-z]:[\\/]|\\\\|(?i:file://))[^"'\n]*)(["'])"#)
});
/// An unquoted `file://` URL.
static FILE_URL: Lazy<Regex> = Lazy::new(|| regex(r#"(?i)file://[^\s"'<>]+"#));
/// An unquoted UNC path `\\host\share\…`.
static UNC_PATH: Lazy<Regex> =
    Lazy::new(|| regex(r#"\\\\[^\s\\"'<>]+\\[^\s\\"'<>]+(?:\\[^\s\\"'<>:]+)*\\?"#));
/// An unquoted Windows path, not after a letter or digit (so `http://` is not one). The one
/// well-known folder with spaces in a user's path is matched whole.
static WINDOWS_PATH: Lazy<Regex> = Lazy::new(|| {
    regex(r#"(^|[^A-Za-z0-9])([A-Za-z]:[\\/](?:(?i:documents and settings)[\\/])?[^\s"'<>|:*?]*)"#)
});
/// An unquoted absolute Unix path of two or more components (or `/root`), stopping at `:` so
/// that `:line:column` suffixes stay outside. It must start a word: not after a letter, digit,
/// `/`, `:`, `.`, `<`, `>` or `~`, so URL paths and placeholders are left alone.
static UNIX_PATH: Lazy<Regex> = Lazy::new(|| {
    regex(
        r#"(^|[^\w/:.~<>\\-])(/[^\s/"'<>|:;,()\[\]{}\\]+(?:/[^\s/"'<>|:;,()\[\]{}\\]+)+/?|/root\b)"#,
    )
});
/// `~user/…`, another user's home.
static TILDE_USER_PATH: Lazy<Regex> =
    Lazy::new(|| regex(r#"(^|[\s"'(=])(~[A-Za-z_][A-Za-z0-9_.-]*(?:/[^\s"'<>|:;,()]*)?)"#));

/// Replaces every path found in `text` by what may leave of it.
pub(crate) fn scrub_paths(text: &str) -> String {
    if !text.contains(['/', '\\', '~']) {
        return text.to_owned();
    }
    let text = QUOTED_PATH.replace_all(text, |caps: &Captures| {
        format!("{}{}{}", &caps[1], path_without_user(&caps[2]), &caps[3])
    });
    let text = FILE_URL.replace_all(&text, |caps: &Captures| path_without_user(&caps[0]));
    let text = UNC_PATH.replace_all(&text, |caps: &Captures| path_without_user(&caps[0]));
    let prefixed = |caps: &Captures| format!("{}{}", &caps[1], path_without_user(&caps[2]));
    let text = WINDOWS_PATH.replace_all(&text, prefixed);
    let text = UNIX_PATH.replace_all(&text, prefixed);
    TILDE_USER_PATH.replace_all(&text, prefixed).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_path() {
        let cases = [
            ("/home/john/project/file.py", "<user>/project/file.py"),
            ("/Users/jane/src/app.js", "<user>/src/app.js"),
            (
                r"C:\Users\jane\Documents\code.py",
                "<user>/Documents/code.py",
            ),
            (r"d:/users/Bob/x/y.rs", "<user>/x/y.rs"),
            (
                r"C:\Documents and Settings\bob\My Documents\a.doc",
                "<user>/My Documents/a.doc",
            ),
            (
                r"C:\Users\bob\AppData\Local\Temp\x.log",
                "<user>/AppData/Local/Temp/x.log",
            ),
            ("/root/.cache/pip/log.txt", "<user>/.cache/pip/log.txt"),
            ("/root", "<user>"),
            ("/home/john", "<user>"),
            ("~alice/notes.txt", "<user>/notes.txt"),
            (
                "/private/var/folders/zz/zyxw_1234/T/tmp.txt",
                "<tmp>/T/tmp.txt",
            ),
            ("/var/folders/ab/cd/T/x", "<tmp>/T/x"),
            (
                r"\\fileserver\alice$\docs\report.docx",
                "<host>/<share>/docs/report.docx",
            ),
            ("file:///home/john/x.html", "file://<user>/x.html"),
            ("FILE://localhost/Users/ann/y", "file://<user>/y"),
            ("/opt/company/team/app/main.py", "team/app/main.py"),
            (r"C:\Program Files\Tool\bin\tool.exe", "Tool/bin/tool.exe"),
            ("src/main.rs", "src/main.rs"),
        ];
        for (input, expected) in cases {
            assert_eq!(path_without_user(input), expected, "{input}");
        }
    }

    #[test]
    fn paths_in_every_trace_format() {
        let cases = [
            // Python
            (
                "  File \"/home/ann/app/main.py\", line 42, in run",
                "  File \"<user>/app/main.py\", line 42, in run",
            ),
            // Node.js
            (
                "    at handler (/home/ann/srv/index.js:10:5)",
                "    at handler (<user>/srv/index.js:10:5)",
            ),
            (
                "    at /Users/ann/srv/lib.js:3:1",
                "    at <user>/srv/lib.js:3:1",
            ),
            // Go
            (
                "\t/home/ann/go/src/app/main.go:42 +0x1d",
                "\t<user>/go/src/app/main.go:42 +0x1d",
            ),
            // Rust
            (
                "   at /home/ann/.cargo/registry/src/lib.rs:10:5",
                "   at <user>/.cargo/registry/src/lib.rs:10:5",
            ),
            // Java (no paths, must be unchanged)
            (
                "\tat com.example.Foo.bar(Foo.java:10)",
                "\tat com.example.Foo.bar(Foo.java:10)",
            ),
            // Ruby
            (
                "/home/ann/app/models/user.rb:10:in 'save'",
                "<user>/app/models/user.rb:10:in 'save'",
            ),
            // .NET
            (
                r"   at App.Main() in C:\Users\ann\src\App\Program.cs:line 10",
                "   at App.Main() in <user>/src/App/Program.cs:line 10",
            ),
            // Non-home absolute paths keep their last three components.
            (
                "  File \"/usr/lib/python3.11/json/decoder.py\", line 355",
                "  File \"python3.11/json/decoder.py\", line 355",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(scrub_paths(input), expected, "{input}");
        }
    }

    #[test]
    fn urls_and_other_slashes_are_left_alone() {
        for text in [
            "see https://example.com/docs/a/b and http://localhost:8080/x/y",
            "ratio 1/2/3, date 12/25/2024, s/foo/bar/g",
            "namespace std::fmt::Display",
            "<user>/already/clean",
        ] {
            assert_eq!(scrub_paths(text), text);
        }
    }

    #[test]
    fn unquoted_and_special_paths_in_messages() {
        let cases = [
            (
                "cannot open /home/bob/secret/notes.txt: denied",
                "cannot open <user>/secret/notes.txt: denied",
            ),
            (
                r"failed at C:\Users\carol\app\x.cs:line 10",
                "failed at <user>/app/x.cs:line 10",
            ),
            ("cwd=/root/build failed", "cwd=<user>/build failed"),
            ("(/home/erin/a.txt)", "(<user>/a.txt)"),
            (
                r"copy \\nas01\finance\q3\report.xlsx",
                "copy <host>/<share>/q3/report.xlsx",
            ),
            (
                "open file:///Users/dan/x.pdf now",
                "open file://<user>/x.pdf now",
            ),
            ("read ~frank/.ssh/config", "read <user>/.ssh/config"),
            (
                "wrote /var/folders/qq/p9x_k/T/out.json",
                "wrote <tmp>/T/out.json",
            ),
            (
                r#"at 'C:\Documents and Settings\gil\x.txt'"#,
                "at '<user>/x.txt'",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(scrub_paths(input), expected, "{input}");
        }
    }
}
