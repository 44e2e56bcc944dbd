//! What may leave of one path. Finding paths inside free text is `personal::paths`' job.
//!
//! The output forms, chosen once and shared with every binding's test vectors:
//! - a home directory, under any prefix and at any depth, becomes `<user>` and keeps what
//!   follows it: `/var/home/ann/src/app.py` → `<user>/src/app.py`. The placeholder stands for
//!   the whole home, leading `/` and drive included, so a trimmed home path reads the same on
//!   every system;
//! - a macOS per-user temporary folder becomes `<tmp>/…`, a UNC share `<host>/<share>/…`;
//! - a path the system or a toolchain owns (`/usr/lib/python3.12/ssl.py`), a web path found in
//!   text, and any other path of at most three components are kept as they are, leading `/`
//!   included (`/bin/zsh`); a longer one keeps its last three components, joined by `/` and
//!   relative on purpose (`team/app/main.py`), since it is no longer the whole path;
//! - whatever is kept never holds the user's name: a component that contains it, or the
//!   running user's login, loses it to `<user>`.

/// Folder names whose next component is a user's name, compared ignoring case.
const HOME_MARKERS: &[&str] = &["home", "homes", "users", "documents and settings"];

/// Folders that hold installed packages.
const PACKAGE_FOLDERS: &[&str] = &["node_modules", "site-packages", "dist-packages", "gems"];

/// The running user, as far as one path is concerned, and what to do with other paths.
#[derive(Clone, Copy, Default)]
pub(crate) struct OwnUser<'a> {
    /// The home directory, without a trailing separator.
    pub home: Option<&'a str>,
    pub login: Option<&'a str>,
    /// Keep a path outside any home whole, whatever its length: set for a web path found in
    /// text (`GET /api/v2/orders/1234/items`), which names a resource, not a machine's folder.
    pub keep_other_paths: bool,
}

/// What may leave of one path.
///
/// `/home/john/project/file.py` → `<user>/project/file.py`;
/// `C:\Users\jane\AppData\Local\x.log` → `<user>/AppData/Local/x.log`;
/// `\\wsl$\Ubuntu\home\ann\x` → `<user>/x`; `/mnt/c/Users/ann/x` → `<user>/x`;
/// `/private/var/folders/zz/abc123/T/t.txt` → `<tmp>/T/t.txt`;
/// `\\fileserver\alice$\docs\a.txt` → `<host>/<share>/docs/a.txt`;
/// `file:///home/john/x` → `file://<user>/x`;
/// `/opt/company/team/app/main.py` → `team/app/main.py`; `/bin/zsh` → `/bin/zsh`.
pub(crate) fn path_without_user(path: &str, own: OwnUser<'_>) -> String {
    if let Some(rest) = strip_prefix_ignore_case(path, "file:") {
        let rest = rest.strip_prefix("//").unwrap_or(rest);
        let rest = strip_prefix_ignore_case(rest, "localhost").unwrap_or(rest);
        return format!("file://{}", path_without_user(rest, own));
    }
    if let Some(rest) = own.home.and_then(|home| strip_home(path, home)) {
        return without_names(under("<user>", &rest), &[], own.login);
    }
    // Win32 long-path and device prefixes say nothing about the path itself.
    let path = match path.get(..4) {
        Some(r"\\?\" | r"\\.\" | "//?/" | "//./") => {
            let rest = &path[4..];
            match strip_prefix_ignore_case(rest, r"UNC\") {
                Some(unc) => return path_without_user(&format!(r"\\{unc}"), own),
                None => rest,
            }
        }
        _ => path,
    };
    let unc = path.starts_with(r"\\") || path.starts_with("//");
    let components = components(path);
    if let Some((user, rest)) = home_and_rest(path, &components, own.login) {
        let names: &[&str] = match &user {
            Some(user) => std::slice::from_ref(user),
            None => &[],
        };
        return without_names(under("<user>", &components[rest..]), names, own.login);
    }
    if let ["var", "folders", _, _, rest @ ..] | ["private", "var", "folders", _, _, rest @ ..] =
        components.as_slice()
    {
        return under("<tmp>", rest);
    }
    if unc {
        let rest = components.get(2..).unwrap_or_default();
        return without_names(under("<host>/<share>", rest), &[], own.login);
    }
    // Only a path's first component is a drive.
    let kept = match components.split_first() {
        Some((first, rest)) if is_drive(first) => rest,
        _ => &components[..],
    };
    if kept.len() <= 3 || own.keep_other_paths || is_system_path(kept) {
        return without_names(path.to_owned(), &[], own.login);
    }
    // A package's own path names the package, not the machine: keep it whole
    // (`node_modules/express/lib/router/index.js`).
    if let Some(at) = kept.iter().rposition(|part| PACKAGE_FOLDERS.contains(part)) {
        return without_names(kept[at..].join("/"), &[], own.login);
    }
    // Go's module cache and GOPATH: what follows is the module path (`github.com/acme/tool/…`).
    if let Some(at) = kept
        .windows(2)
        .rposition(|pair| matches!(pair, ["go", "src"] | ["pkg", "mod"]))
    {
        return without_names(kept[at + 2..].join("/"), &[], own.login);
    }
    without_names(kept[kept.len() - 3..].join("/"), &[], own.login)
}

/// The user's name (when the path names one) and the index of the first component after the
/// home directory.
fn home_and_rest<'p>(
    path: &str,
    components: &[&'p str],
    login: Option<&str>,
) -> Option<(Option<&'p str>, usize)> {
    match components.first() {
        Some(&"root") if path.starts_with('/') => return Some((None, 1)),
        Some(first) if first.starts_with('~') && first.len() > 1 => {
            return Some((Some(&first[1..]), 1));
        }
        _ => {}
    }
    // Per-user folders of the system: removable media mounted by udisks, mail spools.
    let per_user = match components {
        ["media" | "mail", user, ..] => Some((*user, 2)),
        ["run", "media", user, ..] | ["var", "mail", user, ..] => Some((*user, 3)),
        ["var", "spool", "mail", user, ..] => Some((*user, 4)),
        _ => None,
    };
    if let Some((user, rest)) = per_user.filter(|_| path.starts_with('/')) {
        return Some((Some(user), rest));
    }
    for (index, window) in components.windows(2).enumerate() {
        let [folder, user] = window else { continue };
        // `home$` and `users$`: the hidden shares of a file server.
        let folder = folder.strip_suffix('$').unwrap_or(folder);
        let is_marker = HOME_MARKERS.iter().any(|m| folder.eq_ignore_ascii_case(m));
        // A number (`/api/users/42`) is an id rather than a name.
        if is_marker && user.chars().any(char::is_alphabetic) && !user.starts_with('<') {
            return Some((Some(user), index + 2));
        }
    }
    // A folder named after the running user is that user's, whatever its parent.
    let login = login?;
    let at = components
        .iter()
        .position(|part| part.eq_ignore_ascii_case(login))?;
    Some((Some(components[at]), at + 1))
}

/// The part of `path` after `home`, if `path` is inside it (either separator, any case of a
/// drive letter).
fn strip_home<'p>(path: &'p str, home: &str) -> Option<Vec<&'p str>> {
    let head = path.get(..home.len())?;
    let same = head
        .bytes()
        .zip(home.bytes())
        .all(|(a, b)| a == b || (matches!(a, b'/' | b'\\') && matches!(b, b'/' | b'\\')));
    let rest = &path[home.len()..];
    (same && (rest.is_empty() || rest.starts_with(['/', '\\']))).then(|| components(rest))
}

/// The non-empty components of `path` between `/` and `\\` (ASCII: found as bytes).
fn components(path: &str) -> Vec<&str> {
    let mut start = 0;
    let separators = path.bytes().chain([b'/']).enumerate();
    let ends = separators.filter_map(|(at, b)| matches!(b, b'/' | b'\\').then_some(at));
    let parts = ends.map(|end| &path[std::mem::replace(&mut start, end + 1)..end]);
    let mut components = Vec::with_capacity(16);
    components.extend(parts.filter(|part| !part.is_empty()));
    components
}

/// `text` with every occurrence of the given names (three characters or more) replaced by
/// `<user>`, ignoring ASCII case.
fn without_names(mut text: String, names: &[&str], login: Option<&str>) -> String {
    for name in names.iter().copied().chain(login) {
        if name.chars().count() >= 3 {
            if let Some(replaced) = replace_ignore_ascii_case(&text, name, "<user>") {
                text = replaced;
            }
        }
    }
    text
}

/// `text` with `needle` (any ASCII case) replaced by `with`; `None` when it does not occur.
fn replace_ignore_ascii_case(text: &str, needle: &str, with: &str) -> Option<String> {
    // Runs on every path: first bytes compared before whole windows, no copy unless found.
    let needle_bytes = needle.as_bytes();
    let found = !needle.is_empty()
        && text.as_bytes().windows(needle.len()).any(|window| {
            window[0].eq_ignore_ascii_case(&needle_bytes[0])
                && window.eq_ignore_ascii_case(needle_bytes)
        });
    if !found {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let needle_lower = needle.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    // ASCII lowering keeps byte offsets, so a match in `lower` is one in `text`.
    for (at, _) in lower.match_indices(&needle_lower) {
        if at >= copied {
            out.push_str(&text[copied..at]);
            out.push_str(with);
            copied = at + needle.len();
        }
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// Folders that the system, a package manager or a toolchain owns: what is under them names
/// software, not a person or a project, so such a path stays whole
/// (`/usr/lib/python3.12/asyncio/base_events.py`).
fn is_system_path(components: &[&str]) -> bool {
    const SYSTEM: &[&str] = &[
        "usr",
        "lib",
        "lib64",
        "bin",
        "sbin",
        "etc",
        "System",
        "Library",
        "Applications",
        "rustc",
        "nix",
        "snap",
        "proc",
        "sys",
        "dev",
        "run",
        "Program Files",
        "Program Files (x86)",
        "Windows",
        "ProgramData",
        "inetpub",
        // Containers' application folder, and .NET's deterministic source paths (`/_/src/…`).
        "app",
        "_",
    ];
    match components {
        [first, ..] if SYSTEM.iter().any(|s| first.eq_ignore_ascii_case(s)) => true,
        ["opt", "homebrew", ..] | ["var", "lib" | "log" | "cache", ..] => true,
        _ => false,
    }
}

/// `placeholder/a/b/c`, built in one allocation.
fn under(placeholder: &str, rest: &[&str]) -> String {
    let len = placeholder.len() + rest.iter().map(|part| part.len() + 1).sum::<usize>();
    let mut out = String::with_capacity(len);
    out.push_str(placeholder);
    for part in rest {
        out.push('/');
        out.push_str(part);
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    fn trim(path: &str) -> String {
        path_without_user(path, OwnUser::default())
    }

    #[test]
    fn known_homes_and_folders() {
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
            (
                "/workspace/app/node_modules/express/lib/router/index.js",
                "node_modules/express/lib/router/index.js",
            ),
            (
                "/go/src/github.com/acme/tool/main.go",
                "github.com/acme/tool/main.go",
            ),
            (
                "/srv/app/current/vendor/bundle/ruby/3.2.0/gems/rack-3.0.8/lib/rack/builder.rb",
                "gems/rack-3.0.8/lib/rack/builder.rb",
            ),
            (r"C:\Tools\Acme\Tool\bin\tool.exe", "Tool/bin/tool.exe"),
            ("src/main.rs", "src/main.rs"),
        ];
        for (input, expected) in cases {
            assert_eq!(trim(input), expected, "{input}");
        }
    }

    #[test]
    fn homes_under_any_prefix() {
        let cases = [
            ("/var/home/ann/src/app.py", "<user>/src/app.py"),
            ("/usr/home/ann/x.c", "<user>/x.c"),
            ("/export/home/ann/a/b.txt", "<user>/a/b.txt"),
            ("/mnt/c/Users/ann/Desktop/r.pdf", "<user>/Desktop/r.pdf"),
            (r"\\wsl$\Ubuntu\home\ann\proj\m.py", "<user>/proj/m.py"),
            (r"\\wsl.localhost\Debian\home\ann\x", "<user>/x"),
            (r"\\?\C:\Users\ann\AppData\x.log", "<user>/AppData/x.log"),
            (r"\\?\UNC\srv\homes\ann\q.xlsx", "<user>/q.xlsx"),
            (r"\\nas\users\ann\docs\a.txt", "<user>/docs/a.txt"),
            (r"\\fs01.corp\home$\Chidi Okafor\b.log", "<user>/b.log"),
            (r"C:\Users\Jane Doe\AppData\x.txt", "<user>/AppData/x.txt"),
            ("/Volumes/Data/Users/ann/x", "<user>/x"),
            ("/media/ann/USB STICK/a.txt", "<user>/USB STICK/a.txt"),
            ("/run/media/ann/disk/a.txt", "<user>/disk/a.txt"),
            ("/var/spool/mail/ann", "<user>"),
            ("homes/ann/file.txt", "<user>/file.txt"),
            ("/home/ann/ann-notes/todo.md", "<user>/<user>-notes/todo.md"),
            (
                "file:///C:/Users/ann/site/index.html",
                "file://<user>/site/index.html",
            ),
            ("/vscode-remote/ssh+ann@box/home/ann/a.py", "<user>/a.py"),
        ];
        for (input, expected) in cases {
            assert_eq!(trim(input), expected, "{input}");
        }
    }

    #[test]
    fn short_paths_keep_their_leading_slash_and_ids_are_not_names() {
        for path in [
            "/bin/zsh",
            "/etc/hosts",
            "/usr/bin/python3",
            r"C:\tools\x.exe",
        ] {
            assert_eq!(trim(path), path);
        }
        assert_eq!(trim("/api/v1/users/42"), "v1/users/42");
    }

    #[test]
    fn system_and_web_paths_are_kept_whole() {
        for path in [
            "/usr/lib/python3.12/asyncio/base_events.py",
            "/usr/local/go/src/runtime/proc.go",
            "/opt/homebrew/Cellar/python@3.12/3.12.9/lib/ssl.py",
            r"C:\Program Files\Git\cmd\git.exe",
            "/rustc/0543a2d45d82/library/std/src/panicking.rs",
            "/app/src/handlers/users.py",
            "/_/src/libraries/System.Net.Http/src/HttpClient.cs",
        ] {
            assert_eq!(trim(path), path);
        }
        let web = OwnUser {
            keep_other_paths: true,
            ..OwnUser::default()
        };
        let api = "/api/v2/orders/1234/items";
        assert_eq!(path_without_user(api, web), api);
        assert_eq!(
            path_without_user("/var/home/ann/a/b/c/d", web),
            "<user>/a/b/c/d"
        );
    }

    #[test]
    fn the_running_users_home_and_login() {
        let own = OwnUser {
            home: Some("/srv/people/zoe"),
            login: Some("zoe"),
            keep_other_paths: false,
        };
        assert_eq!(
            path_without_user("/srv/people/zoe/x/y.txt", own),
            "<user>/x/y.txt"
        );
        assert_eq!(
            path_without_user("/data/zoe/cache/a/b.bin", own),
            "<user>/cache/a/b.bin"
        );
        assert_eq!(
            path_without_user("/opt/zoe-tools/x", own),
            "/opt/<user>-tools/x"
        );
    }
}
