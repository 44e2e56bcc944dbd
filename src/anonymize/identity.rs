//! The running user's own identifiers: login name, home directory and host name. They are
//! scrubbed wherever they appear, even outside a path, because they are the most likely
//! personal data in any message a program produces about itself.

/// Who runs this process, as far as the scrubber cares.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identity {
    pub login: Option<String>,
    pub home: Option<String>,
    pub host: Option<String>,
}

/// Login names that identify nobody and are common words in messages.
const GENERIC_LOGINS: &[&str] = &[
    "root", "admin", "user", "runner", "nobody", "ubuntu", "debian",
];

impl Identity {
    /// Reads the process's identity from `USER`/`LOGNAME`, `HOME` and the host name.
    pub fn current() -> Self {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Identity::new(
            env("USER").or_else(|| env("LOGNAME")),
            env("HOME"),
            crate::sys::host_name(),
        )
    }

    /// Keeps only identifiers specific enough to look for: a login of three characters or more
    /// that is not a generic account name, a home other than `/`, a host other than localhost.
    pub fn new(login: Option<String>, home: Option<String>, host: Option<String>) -> Self {
        let login = login.filter(|l| {
            l.chars().count() >= 3 && !GENERIC_LOGINS.contains(&l.to_ascii_lowercase().as_str())
        });
        let home = home
            .map(|h| h.trim_end_matches('/').to_owned())
            .filter(|h| h.len() >= 3 && h != "/root");
        let host = host.filter(|h| h.len() >= 3 && !h.eq_ignore_ascii_case("localhost"));
        Identity { login, home, host }
    }
}
