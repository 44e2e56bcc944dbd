//! Personal data in free text, found without regexes: each detector scans for its own cheap
//! anchor bytes (`/ \ @ % . : -`, digits, a few keywords) with `memchr`, checks the candidate
//! around it, and reports [`Finding`]s. Text without an anchor costs one vectorised scan per
//! detector and no allocation.
//!
//! Every finding's replacement is itself clean: a rewritten path or a decoded URL value is
//! scrubbed again before it is reported, so a finding that swallows another one (an email inside
//! a path) never lets it through.

mod emails;
mod hosts;
mod ids;
mod logins;
mod network;
mod numbers;
mod own;
mod paths;
mod scan;
mod urls;
mod users;

use super::finding::{apply, Finding};
use super::identity::Identity;
use super::paths::{path_without_user, OwnUser};

/// The personal-data detectors for one identity (the running user's, or one given by a test).
pub(crate) struct PersonalData {
    own: own::OwnIdentity,
}

impl PersonalData {
    pub(crate) fn new(identity: &Identity) -> Self {
        PersonalData {
            own: own::OwnIdentity::new(identity),
        }
    }

    /// Findings for personal data in `text`, which has already had its secrets replaced by
    /// placeholders such as `<secret>` (`<…>` placeholders are left alone).
    pub(crate) fn find(&self, text: &str, out: &mut Vec<Finding>) {
        self.find_with(text, true, out);
    }

    /// What may leave of one path (home → `<user>/…`, trimming), before the text rules.
    /// Text of several lines is not one path: it comes back as it is, for the text rules.
    pub(crate) fn one_path(&self, path: &str) -> String {
        if path.contains(['\n', '\r']) {
            return path.to_owned();
        }
        path_without_user(path, self.own_user(false))
    }

    fn own_user(&self, keep_other_paths: bool) -> OwnUser<'_> {
        OwnUser {
            home: self.own.home(),
            login: self.own.login(),
            keep_other_paths,
        }
    }

    fn find_with(&self, text: &str, with_paths: bool, out: &mut Vec<Finding>) {
        if with_paths {
            // A path is rewritten, then scrubbed again for what its names may hold.
            let rewrite = |path: &str, web: bool| {
                let kept = path_without_user(path, self.own_user(web));
                // Unchanged, the path is reported by nobody: the other detectors see it in place.
                if kept == path {
                    kept
                } else {
                    self.clean(&kept, false)
                }
            };
            // Most paths in text lose only their beginning (`/home/ann` of
            // `/home/ann/app/main.py`): then only that part is replaced, and the rest is left
            // in place for the other detectors, instead of being rewritten and scanned again.
            let rewrite_in_place = |path: &str, web: bool| {
                let kept = path_without_user(path, self.own_user(web));
                if kept == path {
                    return None;
                }
                for placeholder in ["<user>", "<tmp>", "<host>/<share>", ""] {
                    let Some(rest) = kept.strip_prefix(placeholder) else {
                        continue;
                    };
                    let whole_rest =
                        rest.is_empty() || rest.starts_with('/') || placeholder.is_empty();
                    if whole_rest && path.ends_with(rest) && !rest.starts_with('<') {
                        let len = path.len() - rest.len();
                        return Some((len, placeholder.to_owned()));
                    }
                }
                Some((path.len(), self.clean(&kept, false)))
            };
            paths::find(text, &rewrite_in_place, out);
            urls::find_paths(text, &rewrite, out);
        }
        // A percent-encoded value is decoded and scrubbed whole; the decoded original never
        // leaves. Inside a rewritten path too: `<user>/alice%40example.com/x`.
        let decoded = |value: &str| {
            let scrubbed = self.clean(value, true);
            (scrubbed != value).then_some(scrubbed)
        };
        urls::find_percent_encoded(text, &decoded, out);
        emails::find(text, out);
        users::find(text, out);
        logins::find(text, out);
        hosts::find(text, out);
        network::find(text, out);
        numbers::find(text, out);
        self.own.find(text, out);
    }

    /// `text` with every finding applied.
    fn clean(&self, text: &str, with_paths: bool) -> String {
        let mut findings = Vec::new();
        self.find_with(text, with_paths, &mut findings);
        apply(text, &mut findings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn scrub(text: &str) -> String {
        let personal = PersonalData::new(&Identity::default());
        let mut findings = Vec::new();
        personal.find(text, &mut findings);
        apply(text, &mut findings)
    }

    #[test]
    fn nothing_personal_comes_back_unchanged() {
        for text in [
            "",
            "plain text with words, numbers 12 and 3.5, and punctuation!",
            "GET https://api.example.com/v1/users/42?page=2 returned 404 in 12 ms",
            "SHELL=/bin/zsh TERM=xterm-256color",
            "ValueError: invalid literal for int() with base 10: 'abc' at main.py:42",
            "connecting to registry.npmjs.org:443 and api.github.com",
            "lodash@4.17.21 and @types/node@20.1.0 and image@sha256:abcdef0123",
            "use std::fmt::Display and a::b; took 12:30:45",
            "<user>/src/app.py and <email> and <secret>",
        ] {
            assert_eq!(scrub(text), text);
        }
    }

    /// Text made of the detectors' anchors, digits, letters and multi-byte characters in every
    /// order: no detector may panic (on a `char` boundary, say) or leave a span out of order.
    #[test]
    fn arbitrary_text_never_panics() {
        const PIECES: &[&str] = &[
            "/",
            "\\",
            "\\\\",
            "~",
            "@",
            "%",
            "%2F",
            "%4",
            ".",
            ":",
            "-",
            "+",
            "(",
            ")",
            "'",
            "\"",
            "=",
            " ",
            "\n",
            "0",
            "4",
            "9",
            "12",
            "00",
            "a",
            "Z",
            "X",
            "home",
            "Users",
            "user ",
            "USER=",
            "sudo: ",
            "file://",
            "vscode://",
            "?",
            "ø",
            "é",
            "中",
            "’",
            "💥",
            "DESKTOP-",
            ".local",
            "C:",
            "\\?\\",
            "$",
            "<user>",
            "s ",
            "MacBook",
            "bsn ",
            "tel ",
        ];
        let personal = PersonalData::new(&Identity::new(
            Some("zoë".into()),
            Some("/srv/zoë".into()),
            Some("zoë-pc.lan".into()),
        ));
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(state % 40) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(PIECES[(state % PIECES.len() as u64) as usize]);
            }
            let mut findings = Vec::new();
            personal.find(&text, &mut findings);
            for finding in &findings {
                assert!(
                    finding.start <= finding.end && finding.end <= text.len(),
                    "{text:?}"
                );
                assert!(text.is_char_boundary(finding.start) && text.is_char_boundary(finding.end));
            }
            apply(&text, &mut findings);
            personal.one_path(&text);
        }
    }

    #[test]
    fn a_personal_value_inside_a_rewritten_span_is_scrubbed_too() {
        assert_eq!(
            scrub("open /home/ann/mail/bob@example.com/x.eml"),
            "open <user>/mail/<email>/x.eml"
        );
        assert_eq!(
            scrub("open /home/ann/bob%40example.com/x.eml"),
            "open <user>/<email>/x.eml"
        );
        assert_eq!(
            scrub("GET /open?f=%2Fhome%2Fann%2Fa.txt&to=bob%40example.com ok"),
            "GET /open?f=<user>/a.txt&to=<email> ok"
        );
    }
}
