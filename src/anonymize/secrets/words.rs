//! Secret-bearing names: the one list of words that make the value after a name a secret,
//! matched inside compound names in any spelling (`DB_PASS`, `signing_key`, `X-Api-Key`,
//! `clientSecret`, `PHPSESSID`, `connect.sid`, `Ocp-Apim-Subscription-Key`).
//!
//! A name is split into lowercase components (at `_`, `-`, `.`, spaces and camelCase humps),
//! and only its last component decides, so that `token_count`, `password_policy` and
//! `key_id` are not secret-bearing while `access_token` and `AWS_SECRET_ACCESS_KEY` are.

/// How sure a name makes us that its value is a secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Strength {
    /// Any real value is a secret (`password`, `secret`, `pwd`, `sig`): even `1234`.
    Strong,
    /// The value must look like a credential rather than a word or a number (`token`, `key`,
    /// `session`, `auth`): `token=true` and `key=primary` stay.
    Weak,
    /// `Authorization` and `Proxy-Authorization`: a scheme word, then the credential.
    Authorization,
    /// `Cookie` and `Set-Cookie`: the whole header value.
    Cookie,
    /// `PWD` and `OLDPWD`: a directory when the value is a path, else a password.
    Pwd,
}

/// Whole last components whose value is a secret whatever it looks like.
const STRONG_COMPONENTS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "passcode",
    "pass",
    "secret",
    "secrets",
    "credential",
    "credentials",
    "creds",
    "signature",
    "sig",
    "privatekey",
    // redis.conf
    "requirepass",
    "masterauth",
];

/// Whole last components whose value is a secret when it looks like one.
const WEAK_COMPONENTS: &[&str] = &[
    "token",
    "key",
    "apikey",
    "auth",
    "session",
    "sessionid",
    "sessid",
    "sid",
    "otp",
    "bearer",
    "jwt",
    "csrf",
    "xsrf",
    "cookie",
];

/// Endings of one glued component (`dbpassword`, `phpsessid`, `accesstoken`, `xapikey`):
/// the strength they carry. Longer endings first where one ends another.
const GLUED_ENDINGS: &[(&str, Strength)] = &[
    ("password", Strength::Strong),
    ("passwd", Strength::Strong),
    ("passphrase", Strength::Strong),
    ("secret", Strength::Strong),
    ("credentials", Strength::Strong),
    ("signature", Strength::Strong),
    ("privatekey", Strength::Strong),
    ("secretkey", Strength::Strong),
    ("token", Strength::Weak),
    ("apikey", Strength::Weak),
    ("accesskey", Strength::Weak),
    ("signingkey", Strength::Weak),
    ("masterkey", Strength::Weak),
    ("authkey", Strength::Weak),
    ("encryptionkey", Strength::Weak),
    ("subscriptionkey", Strength::Weak),
    ("sessionid", Strength::Weak),
    ("sessid", Strength::Weak),
];

/// Last components that qualify the secret before them (`password_hash`, `token_value`,
/// `session_id`): the component before decides.
const QUALIFIERS: &[&str] = &[
    "value",
    "val",
    "str",
    "string",
    "b64",
    "base64",
    "hex",
    "raw",
    "data",
    "hash",
    "enc",
    "encrypted",
    "plain",
    "plaintext",
    "id",
    "base",
];

/// Components that, anywhere in a name, make a `key` secret (`private_key`, `secret_key`):
/// a strong name for a value that is a key.
const STRONG_QUALIFIERS: &[&str] = &["private", "secret", "signing", "master", "encryption"];

/// The strength of `name`, or `None` when it is not secret-bearing. `name` is the name alone,
/// without quotes, dashes of a flag or `$`.
pub(crate) fn classify(name: &str) -> Option<Strength> {
    if name.len() > 64 {
        return None;
    }
    let mut buffer = [""; 12];
    let components = components(name, &mut buffer);
    // `X-Hub-Signature-256`: a trailing number says which variant, not what it is.
    let significant = components
        .iter()
        .rposition(|part| !part.bytes().all(|b| b.is_ascii_digit()))?;
    let components = &components[..=significant];
    let (&last, before) = components.split_last()?;
    let is = |part: &str, word: &str| part.eq_ignore_ascii_case(word);

    if components.len() <= 2 && is(last, "authorization") {
        return Some(Strength::Authorization);
    }
    if is(last, "cookie") && (components.len() == 1 || before.iter().any(|p| is(p, "set"))) {
        return Some(Strength::Cookie);
    }
    if components.len() == 1 && (is(last, "pwd") || is(last, "oldpwd")) {
        return Some(Strength::Pwd);
    }
    if is(last, "pwd") {
        return Some(Strength::Strong);
    }
    let strength = match by_component(last) {
        Some(strength) => strength,
        // `password_hash`, `session_id`: the component before decides; `key_id` names a key.
        None if QUALIFIERS.iter().any(|q| {
            let final_byte = last.as_bytes().last().map(u8::to_ascii_lowercase);
            q.as_bytes().last() == final_byte.as_ref() && is(last, q)
        }) =>
        {
            let previous = before.last()?;
            if is(last, "id") && is(previous, "key") {
                return None;
            }
            by_component(previous)?
        }
        None => return None,
    };
    let strengthened = before
        .iter()
        .any(|p| STRONG_QUALIFIERS.iter().any(|q| is(p, q)) || is(p, "client"));
    if strength == Strength::Weak && strengthened {
        return Some(Strength::Strong);
    }
    Some(strength)
}

/// The strength one component carries on its own, whole or as a glued ending.
fn by_component(part: &str) -> Option<Strength> {
    // Every word of the name is compared here (the scan asks for most names before a `:` or
    // `=`): a word whose last letter differs is turned away on one byte, before any
    // comparison of the whole word.
    let last = part.as_bytes().last()?.to_ascii_lowercase();
    let is = |word: &&str| ends_with_byte(word, last) && part.eq_ignore_ascii_case(word);
    if STRONG_COMPONENTS.iter().any(is) {
        return Some(Strength::Strong);
    }
    if WEAK_COMPONENTS.iter().any(is) {
        return Some(Strength::Weak);
    }
    GLUED_ENDINGS.iter().find_map(|(ending, strength)| {
        if !ends_with_byte(ending, last) {
            return None;
        }
        let tail = part.len().checked_sub(ending.len()).filter(|&at| at > 0)?;
        part.as_bytes()[tail..]
            .eq_ignore_ascii_case(ending.as_bytes())
            .then_some(*strength)
    })
}

/// Whether the lowercase `word` ends with `byte`.
fn ends_with_byte(word: &str, byte: u8) -> bool {
    word.as_bytes().last() == Some(&byte)
}

/// Splits `name` at `_`, `-`, `.`, spaces and lower-to-upper humps into `buffer`; the last
/// components win when there are more than fit (they are the ones that decide).
fn components<'a>(name: &'a str, buffer: &'a mut [&'a str; 12]) -> &'a [&'a str] {
    let bytes = name.as_bytes();
    let mut count = 0;
    let mut start = 0;
    let mut push = |part: &'a str, count: &mut usize| {
        if part.is_empty() {
            return;
        }
        if *count == buffer.len() {
            buffer.rotate_left(1);
            *count -= 1;
        }
        buffer[*count] = part;
        *count += 1;
    };
    for i in 0..bytes.len() {
        let byte = bytes[i];
        if matches!(byte, b'_' | b'-' | b'.' | b' ' | b'$' | b':') {
            push(&name[start..i], &mut count);
            start = i + 1;
        } else if byte.is_ascii_uppercase() && i > start && bytes[i - 1].is_ascii_lowercase() {
            push(&name[start..i], &mut count);
            start = i;
        }
    }
    push(&name[start..], &mut count);
    &buffer[..count]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_bearing_names_in_compound_spellings() {
        let strong = [
            "password",
            "DB_PASS",
            "db_password",
            "DBPASSWORD",
            "passwd",
            "client_secret",
            "clientSecret",
            "aws_secret_access_key",
            "AWS_SECRET_ACCESS_KEY",
            "signing_key",
            "private_key",
            "X-Amz-Signature",
            "sig",
            "X-Amz-Credential",
            "password_hash",
            "mysql-pwd",
            "SECRET_KEY_BASE",
            "X-Hub-Signature-256",
        ];
        for name in strong {
            assert_eq!(classify(name), Some(Strength::Strong), "{name}");
        }
        let weak = [
            "token",
            "access_token",
            "refreshToken",
            "api_key",
            "apiKey",
            "X-Api-Key",
            "Ocp-Apim-Subscription-Key",
            "sessionid",
            "PHPSESSID",
            "JSESSIONID",
            "connect.sid",
            "session_id",
            "auth",
            "GITHUB_TOKEN",
            "csrftoken",
        ];
        for name in weak {
            assert_eq!(classify(name), Some(Strength::Weak), "{name}");
        }
        assert_eq!(classify("Authorization"), Some(Strength::Authorization));
        assert_eq!(
            classify("Proxy-Authorization"),
            Some(Strength::Authorization)
        );
        assert_eq!(classify("Set-Cookie"), Some(Strength::Cookie));
        assert_eq!(classify("cookie"), Some(Strength::Cookie));
        assert_eq!(classify("PWD"), Some(Strength::Pwd));
    }

    #[test]
    fn names_that_only_mention_a_secret_word() {
        for name in [
            "token_count",
            "password_policy",
            "key_id",
            "keyboard",
            "monkey",
            "primary",
            "passed",
            "bypass",
            "SHELL",
            "token_type",
            "auth_mode",
            "max_tokens",
            "status_code",
            "user",
            "",
        ] {
            assert_eq!(classify(name), None, "{name}");
        }
    }
}
