//! User names in system log lines, after the word that introduces them. Each becomes `<user>`:
//! - an unquoted name after `user`: `Invalid user ann from …`, `session opened for user
//!   ann(uid=1001)`, unless it is a word that follows `user` in prose (`user authentication`);
//! - sudo's `sudo: ann : 3 incorrect password attempts`;
//! - sshd's `Accepted publickey for ann from …`, `Failed password for ann from …`.

use memchr::memmem::Finder;
use once_cell::sync::Lazy;

use super::scan::{ends_with_ignore_case, run_end};
use super::users::{name_char, NOT_NAMES};
use crate::anonymize::finding::Finding;

/// Words that follow `user` in prose (`for user authentication`), so are not names.
const NOT_NAMES_AFTER_USER: &str = "\
    a account accounts agent agents already an and api at authenticated authentication \
    authorization by can cannot code config context could created credentials data defined \
    deleted denied did directory disabled does doesn't email enabled error exists \
    experience facing for found friendly from group groups guide had has have home id ids \
    if in info input interface is isn't level list logged login manager may mode model must \
    name names not object of on options or password permissions preferences prefs profile \
    provided record request role service session settings should signed space specified \
    supplied table that the this to token type ui unknown updated was wasn't which who will \
    with would";

pub(super) fn find(text: &str, out: &mut Vec<Finding>) {
    find_after_user_word(text, out);
    find_sudo_log(text, out);
    find_sshd_log(text, out);
}

/// `Invalid user ann from …`, `session opened for user ann(uid=1001)`: an unquoted name after
/// the word `user`, unless it is a word that follows `user` in prose.
fn find_after_user_word(text: &str, out: &mut Vec<Finding>) {
    let bytes = text.as_bytes();
    // Built once: a searcher costs more to build than most texts take to search.
    static USER_WORDS_FINDERS: Lazy<[Finder<'static>; 2]> =
        Lazy::new(|| [Finder::new("user "), Finder::new("User ")]);
    for finder in USER_WORDS_FINDERS.iter() {
        let needle = finder.needle();
        for at in finder.find_iter(bytes) {
            if at > 0 && bytes[at - 1].is_ascii_alphanumeric() {
                continue;
            }
            let start = at + needle.len();
            let end = run_end(text, start, name_char);
            let word = text[start..end].trim_end_matches('.');
            let end = start + word.len();
            // English word endings that no login has: `user management`, `user settings`.
            let english = word.len() > 5
                && [
                    "tion", "ment", "ing", "able", "ible", "ness", "ship", "ings", "ions",
                ]
                .iter()
                .any(|suffix| ends_with_ignore_case(word.as_bytes(), word.len(), suffix));
            let named = !english
                && word.chars().any(char::is_alphabetic)
                && !word.starts_with(['$', '%', '-', '.'])
                && !NOT_NAMES_AFTER_USER
                    .split_ascii_whitespace()
                    .any(|w| word.eq_ignore_ascii_case(w))
                && !NOT_NAMES.iter().any(|w| word.eq_ignore_ascii_case(w));
            if named {
                out.push(Finding::placeholder(start, end, "<user>"));
            }
        }
    }
}

/// sudo's log lines: `sudo: ann : 3 incorrect password attempts ; …`.
fn find_sudo_log(text: &str, out: &mut Vec<Finding>) {
    static SUDO: Lazy<Finder<'static>> = Lazy::new(|| Finder::new("sudo: "));
    for at in SUDO.find_iter(text.as_bytes()) {
        let start = at + 6;
        let end = run_end(text, start, name_char);
        if end > start && text[end..].starts_with(" : ") {
            out.push(Finding::placeholder(start, end, "<user>"));
        }
    }
}

/// sshd: `Accepted publickey for ann from 10.0.0.7`, `Failed password for ann from …`.
fn find_sshd_log(text: &str, out: &mut Vec<Finding>) {
    static FOR: Lazy<Finder<'static>> = Lazy::new(|| Finder::new(" for "));
    for at in FOR.find_iter(text.as_bytes()) {
        // sshd's authentication methods, the word before `for`.
        let method = [
            "publickey",
            "password",
            "keyboard-interactive/pam",
            "hostbased",
            "none",
        ]
        .iter()
        .any(|m| ends_with_ignore_case(text.as_bytes(), at, m));
        if !method {
            continue;
        }
        let start = at + 5;
        let end = run_end(text, start, name_char);
        let word = &text[start..end];
        if end > start && text[end..].starts_with(" from ") && word != "invalid" {
            out.push(Finding::placeholder(start, end, "<user>"));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::anonymize::personal::tests::scrub;

    #[test]
    fn names_in_log_lines() {
        let cases = [
            (
                "sshd[2231]: Invalid user haruki from 10.0.0.1",
                "sshd[2231]: Invalid user <user> from <ip>",
            ),
            (
                "sshd[1]: Accepted publickey for deploy from 10.0.0.7 port 22 ssh2",
                "sshd[1]: Accepted publickey for <user> from <ip> port 22 ssh2",
            ),
            (
                "Failed password for jovan from 10.0.0.8 port 22",
                "Failed password for <user> from <ip> port 22",
            ),
            (
                "sudo: kalani : 3 incorrect password attempts",
                "sudo: <user> : 3 incorrect password attempts",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(scrub(input), expected, "{input}");
        }
    }

    #[test]
    fn prose_stays() {
        for text in [
            "waited for 5 from the queue, user management and user settings",
            "Failed to wait for worker from pool",
        ] {
            assert_eq!(scrub(text), text);
        }
    }
}
