//! Whether a token is random (a generated credential) or written by a person (a word, a
//! camelCase name, a path), from measured character statistics.

use super::super::checks::entropy;

/// Shortest piece judged by its shape.
pub(crate) const MIN_RANDOM_LEN: usize = 16;
/// Thresholds measured on the corpus and on every identifier, path and trace line in this
/// repository's sources and benchmarks (docs/privacy.md, "Shape"): the random tokens planted
/// in the corpus change class at 42 % of adjacent pairs or more (median 59 %) and have at
/// least 3.8 bits of entropy per character; 99 % of identifiers and paths of 16 characters
/// or more change class at under 36 %.
const MIN_ENTROPY: f64 = 3.5;
/// Fraction of adjacent alphanumeric pairs that change class (upper, lower, digit), for a
/// piece mixing both cases and digits.
const MIN_CLASS_CHANGES_MIXED: f64 = 0.4;
/// The same without digits: camelCase names with many short words come closest.
const MIN_CLASS_CHANGES_NO_DIGITS: f64 = 0.5;
/// The same for one case and digits (base32, base36), and for such a piece of 40 or more.
const MIN_CLASS_CHANGES_ONE_CASE: f64 = 0.4;
const MIN_CLASS_CHANGES_LONG_ONE_CASE: f64 = 0.2;
/// Measured character statistics of a token.
#[derive(Default)]
struct Stats {
    upper: usize,
    lower: usize,
    digit: usize,
    pairs: usize,
    changes: usize,
}

fn stats(token: &[u8]) -> Stats {
    let class = |byte: u8| match byte {
        b'A'..=b'Z' => 1,
        b'a'..=b'z' => 2,
        b'0'..=b'9' => 3,
        _ => 0,
    };
    let mut stats = Stats::default();
    let mut previous = 0;
    for &byte in token {
        let current = class(byte);
        match current {
            1 => stats.upper += 1,
            2 => stats.lower += 1,
            3 => stats.digit += 1,
            _ => {}
        }
        if current != 0 && previous != 0 {
            stats.pairs += 1;
            stats.changes += usize::from(current != previous);
        }
        previous = current;
    }
    stats
}

/// Random rather than made of words: mixes classes often and has high entropy.
pub(crate) fn is_random(token: &str) -> bool {
    let bytes = token.as_bytes();
    if bytes.len() < MIN_RANDOM_LEN {
        return false;
    }
    let stats = stats(bytes);
    if stats.pairs == 0 || made_of_words(bytes) {
        return false;
    }
    let change_rate = stats.changes as f64 / stats.pairs as f64;
    let alnum = stats.upper + stats.lower + stats.digit;
    let mixed_case = stats.upper >= 2 && stats.lower >= 2;
    let shaped = if mixed_case {
        if stats.digit > 0 {
            change_rate >= MIN_CLASS_CHANGES_MIXED
        } else {
            change_rate >= MIN_CLASS_CHANGES_NO_DIGITS
        }
    } else {
        // One case and digits (base32, base36): digits must be frequent, and no `/` (paths).
        let letters = stats.upper + stats.lower;
        // base32 (digits 2-7 only) changes class less often; a long run makes up for it.
        let min_changes = if bytes.len() >= 40 {
            MIN_CLASS_CHANGES_LONG_ONE_CASE
        } else {
            MIN_CLASS_CHANGES_ONE_CASE
        };
        !bytes.iter().any(|b| matches!(b, b'/' | b'-' | b'_'))
            && bytes.len() >= 20
            && stats.digit * 8 >= alnum
            && letters * 4 >= alnum
            && change_rate >= min_changes
    };
    shaped && entropy(token) >= MIN_ENTROPY
}

/// Every segment between `-`, `_`, `/`, `+` and `~` is a word, a number or a camelCase name
/// (`PuTTY-User-Key-File-3`, `AbstractControllerBase`): written by a person, not random.
fn made_of_words(bytes: &[u8]) -> bool {
    bytes
        .split(|b| matches!(b, b'-' | b'_' | b'/' | b'+' | b'~'))
        .all(|segment| {
            // Numbers, and short names of any case (`PuTTY`, `iOS`, `eBPF`): a random token's
            // segments are longer and hold digits.
            if segment.iter().all(u8::is_ascii_digit)
                || (segment.len() <= 5 && segment.iter().all(u8::is_ascii_alphabetic))
            {
                return true;
            }
            // Leading capitals (an acronym or a capitalised word), then humps of at least two
            // lowercase letters, each after at most one capital.
            let mut at = segment
                .iter()
                .take_while(|b| b.is_ascii_uppercase())
                .count();
            while at < segment.len() {
                at += usize::from(segment[at].is_ascii_uppercase());
                let lower = segment[at..]
                    .iter()
                    .take_while(|b| b.is_ascii_lowercase())
                    .count();
                if lower < 2 && !(lower == 1 && at + lower == segment.len()) {
                    return false;
                }
                at += lower;
            }
            true
        })
}
