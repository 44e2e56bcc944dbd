//! The running user's own identifiers, wherever they appear: the home directory (`<user>`),
//! the host name and its first label (`<host>`), and the login as a word (`<user>`). A host-like
//! name holding the login (`quinns-mbp`, `build-quinn-01.example.com`) is a machine of theirs
//! and becomes `<host>` whole. Matching ignores ASCII case, so `Zoe's file` loses `Zoe` too.

use memchr::memchr2_iter;
use memchr::memmem::Finder;

use super::scan::{ascii_run_end, ascii_run_start};
use crate::anonymize::finding::Finding;
use crate::anonymize::identity::Identity;

pub(super) struct OwnIdentity {
    login: Option<String>,
    home: Option<String>,
    /// Built once: a searcher costs more to build than most texts take to search.
    home_finder: Option<Finder<'static>>,
    /// The full host name, then its first label when that is long enough to be specific.
    hosts: Vec<String>,
}

impl OwnIdentity {
    pub(super) fn new(identity: &Identity) -> Self {
        let mut hosts = Vec::new();
        if let Some(host) = &identity.host {
            hosts.push(host.clone());
            if let Some((short, _)) = host.split_once('.').filter(|(s, _)| s.len() >= 3) {
                hosts.push(short.to_owned());
            }
        }
        OwnIdentity {
            login: identity.login.clone(),
            home: identity.home.clone(),
            home_finder: identity
                .home
                .as_ref()
                .map(|home| Finder::new(home.as_bytes()).into_owned()),
            hosts,
        }
    }

    pub(super) fn login(&self) -> Option<&str> {
        self.login.as_deref()
    }

    pub(super) fn home(&self) -> Option<&str> {
        self.home.as_deref()
    }

    pub(super) fn find(&self, text: &str, out: &mut Vec<Finding>) {
        if let Some(finder) = &self.home_finder {
            let len = finder.needle().len();
            for at in finder.find_iter(text.as_bytes()) {
                out.push(Finding::placeholder(at, at + len, "<user>"));
            }
        }
        for host in &self.hosts {
            for_each_word(text, host, |start, end| {
                out.push(Finding::placeholder(start, end, "<host>"));
            });
        }
        if let Some(login) = &self.login {
            for_each_word(text, login, |start, end| {
                // A machine named after its owner: the whole name goes.
                let bytes = text.as_bytes();
                let name_start = ascii_run_start(bytes, start, host_byte);
                let name_end = ascii_run_end(bytes, end, host_byte);
                let name = text[name_start..name_end].trim_end_matches(['.', '-']);
                let name_end = name_start + name.len();
                if name.contains(['.', '-']) && (name_start, name_end) != (start, end) {
                    out.push(Finding::placeholder(name_start, name_end, "<host>"));
                } else {
                    out.push(Finding::placeholder(start, end, "<user>"));
                }
            });
        }
    }
}

fn host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'.'
}

/// Calls `found` for each occurrence of `word` in `text`, ignoring ASCII case, that is not part
/// of a longer word (a plural or possessive `s` may follow: `zoes-laptop`).
fn for_each_word(text: &str, word: &str, mut found: impl FnMut(usize, usize)) {
    let bytes = text.as_bytes();
    let needle = word.as_bytes();
    let Some(&first) = needle.first() else {
        return;
    };
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
    let mut searched_to = 0;
    for at in memchr2_iter(
        first.to_ascii_lowercase(),
        first.to_ascii_uppercase(),
        bytes,
    ) {
        let end = at + needle.len();
        if at < searched_to
            || !bytes
                .get(at..end)
                .is_some_and(|w| w.eq_ignore_ascii_case(needle))
        {
            continue;
        }
        let free_before = at == 0 || !is_word(bytes[at - 1]);
        let after = bytes.get(end).copied();
        let plural =
            matches!(after, Some(b's' | b'S')) && !bytes.get(end + 1).is_some_and(|&b| is_word(b));
        let free_after = !after.is_some_and(is_word) || plural;
        if free_before && free_after && text.is_char_boundary(end) {
            found(at, end);
            searched_to = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anonymize::finding::apply;

    fn scrub(text: &str) -> String {
        let own = OwnIdentity::new(&Identity::new(
            Some("zoe".into()),
            Some("/srv/people/zoe".into()),
            Some("zoes-laptop.corp.example".into()),
        ));
        let mut findings = Vec::new();
        own.find(text, &mut findings);
        apply(text, &mut findings)
    }

    #[test]
    fn the_running_users_identifiers() {
        assert_eq!(
            scrub("zoe on zoes-laptop.corp.example read /srv/people/zoe/notes and Zoe's file"),
            "<user> on <host> read <user>/notes and <user>'s file"
        );
        assert_eq!(scrub("ping zoes-laptop"), "ping <host>");
        assert_eq!(
            scrub("built on ci-zoe-01.example.com by ZOE."),
            "built on <host> by <user>."
        );
        assert_eq!(scrub("zoology and ozone"), "zoology and ozone");
    }
}
