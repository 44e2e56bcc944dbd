//! National identifiers whose shape rules or checksums make them detectable in free text.
//! US social security numbers become `<ssn>`, the others `<national-id>`:
//!
//! | identifier | shape | check |
//! |---|---|---|
//! | US SSN | `123-45-6789` | area not 000, 666 or 9xx; group not 00; serial not 0000 |
//! | UK National Insurance number | `AB123456C`, `AB 12 34 56 C` | prefix letters, suffix A–D |
//! | German Steuer-ID | 11 digits | ISO 7064 MOD 11,10 and its digit-repetition rule |
//! | French NIR | 15 digits, often grouped | key = 97 − (number mod 97) |
//! | Brazilian CPF | `529.982.247-25` or 11 digits | two mod-11 check digits |
//! | Indian Aadhaar | `2345 6789 0124` | Verhoeff |
//! | Spanish DNI / NIE | `12345678Z`, `X1234567L` | mod-23 letter |
//! | Italian codice fiscale | `RSSMRA85T10A562S` | check letter |
//! | Dutch BSN | 9 digits after the word `BSN` | 11-test |

use super::scan::is_word_byte;
use crate::anonymize::checks::plausible_ssn;
use crate::anonymize::finding::Finding;

/// Words that announce an identifier, looked for just before a number whose shape alone is
/// too common to decide (nine digits, twelve digits, spaced groups).
const ID_WORDS: &[&str] = &[
    "ssn",
    "social security",
    "steuer",
    "identifikationsnummer",
    "tax id",
    "bsn",
    "burgerservicenummer",
    "aadhaar",
    "aadhar",
    "uid",
    "nir",
    "sociale",
    "insee",
    "cpf",
];

/// Whether one of `words` (lowercase ASCII) appears in the 40 bytes before `start`.
pub(super) fn announced(text: &str, start: usize, words: &[&str]) -> bool {
    let window = &text.as_bytes()[start.saturating_sub(40)..start];
    words.iter().any(|word| {
        window
            .windows(word.len())
            .any(|candidate| candidate.eq_ignore_ascii_case(word.as_bytes()))
    })
}

/// A national identifier around the run of digits `start..end` (digits joined by single spaces
/// or dashes).
pub(super) fn national_id_at(text: &str, start: usize, end: usize) -> Option<Finding> {
    let bytes = text.as_bytes();
    let run = &text[start..end];
    // Most runs are line numbers and counts: only the codice fiscale (two digits after six
    // capitals) and the CPF and BSN written with dots have fewer than six digits in a run.
    let after_capital = start > 0 && bytes[start - 1].is_ascii_uppercase();
    let dotted = bytes.get(end) == Some(&b'.');
    if run.len() < 6 && !after_capital && !dotted {
        return None;
    }
    let mut digits = [0u8; 20];
    let mut count = 0;
    for b in run.bytes().filter(u8::is_ascii_digit) {
        if count == digits.len() {
            return None;
        }
        digits[count] = b - b'0';
        count += 1;
    }
    let digits = &digits[..count];
    let bounded = |from: usize, to: usize| {
        !from
            .checked_sub(1)
            .is_some_and(|i| is_word_byte(bytes[i]) || matches!(bytes[i], b'-' | b'.'))
            && !bytes.get(to).is_some_and(|&b| is_word_byte(b))
    };
    let id = |from: usize, to: usize| Some(Finding::placeholder(from, to, "<national-id>"));
    let plain = count == run.len();

    if run.len() == 11 && run.as_bytes()[3] == b'-' && run.as_bytes()[6] == b'-' {
        return (plausible_ssn(run) && bounded(start, end))
            .then(|| Finding::placeholder(start, end, "<ssn>"));
    }
    if let Some(to) = formatted_cpf_end(bytes, start) {
        if bounded(start, to) && passes_cpf(&cpf_digits(&text[start..to])) {
            return id(start, to);
        }
    }
    if let Some(found) = letters_around(text, start, end, digits) {
        return Some(found);
    }
    if !bounded(start, end) {
        return None;
    }
    if let Some(found) = dotted_bsn(text, start) {
        return Some(found);
    }
    if !matches!(count, 9 | 11 | 12 | 15) {
        return None;
    }
    let groups: Vec<usize> = run.split([' ', '-']).map(str::len).collect();
    let is_announced = || announced(text, start, ID_WORDS);
    if count == 9 && (plain || groups == [3, 2, 4]) && is_announced() {
        let ssn = format!(
            "{}-{}-{}",
            &run[..3],
            &run[run.len() - 6..run.len() - 4],
            &run[run.len() - 4..]
        );
        let spaced_ssn = groups == [3, 2, 4] && run.as_bytes()[3] == b' ';
        let says_ssn = announced(text, start, &["ssn", "social security"]);
        if (spaced_ssn || says_ssn) && plausible_ssn(&ssn) {
            return Some(Finding::placeholder(start, end, "<ssn>"));
        }
        return passes_bsn(digits).then(|| Finding::placeholder(start, end, "<national-id>"));
    }
    let is_id = match count {
        11 => (plain || is_announced()) && (passes_cpf(digits) || passes_steuer_id(digits)),
        15 => passes_nir(digits),
        12 => {
            let grouped = groups == [4, 4, 4];
            (grouped || (plain && is_announced())) && digits[0] >= 2 && passes_verhoeff(digits)
        }
        _ => false,
    };
    if is_id {
        id(start, end)
    } else {
        None
    }
}

/// A Dutch BSN written `1031.54.085`, after the word `BSN`.
fn dotted_bsn(text: &str, start: usize) -> Option<Finding> {
    let bytes = text.as_bytes();
    let candidate = bytes.get(start..start + 11)?;
    let shaped = candidate.iter().enumerate().all(|(i, &b)| match i {
        4 | 7 => b == b'.',
        _ => b.is_ascii_digit(),
    });
    if !shaped || bytes.get(start + 11).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    let digits = cpf_digits(&text[start..start + 11]);
    (announced(text, start, &["bsn", "burgerservicenummer"]) && passes_bsn(&digits))
        .then(|| Finding::placeholder(start, start + 11, "<national-id>"))
}

/// Identifiers that mix letters with the digits: NINO, DNI/NIE, codice fiscale.
fn letters_around(text: &str, start: usize, end: usize, digits: &[u8]) -> Option<Finding> {
    let bytes = text.as_bytes();
    let upper = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_uppercase);
    let free =
        |i: Option<usize>| !i.is_some_and(|i| bytes.get(i).is_some_and(u8::is_ascii_alphanumeric));
    let id = |from: usize, to: usize| Some(Finding::placeholder(from, to, "<national-id>"));
    // Spanish DNI `12345678Z` / `12345678-Z`, NIE `X1234567L` / `X-1234567-L`.
    let letter_at = if bytes.get(end) == Some(&b'-') {
        end + 1
    } else {
        end
    };
    if upper(letter_at) && free(Some(letter_at + 1)) && end - start == digits.len() {
        // The NIE's letter may be set off by a dash too: `X-1234567-L`.
        let prefix_at = match start.checked_sub(1) {
            Some(i) if bytes[i] == b'-' => i.checked_sub(1),
            other => other,
        };
        let nie = prefix_at.filter(|&i| matches!(bytes[i], b'X' | b'Y' | b'Z'));
        let from = nie.unwrap_or(start);
        let number = match (nie, digits.len()) {
            (None, 8) => Some(to_number(digits)),
            (Some(i), 7) => Some(u64::from(bytes[i] - b'X') * 10_000_000 + to_number(digits)),
            _ => None,
        };
        if let Some(number) = number {
            const LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";
            if free(from.checked_sub(1)) && LETTERS[(number % 23) as usize] == bytes[letter_at] {
                return id(from, letter_at + 1);
            }
        }
    }
    // UK National Insurance number: `AB123456C` or `AB 12 34 56 C`.
    if digits.len() == 6 {
        let prefix_end = if start > 0 && bytes[start - 1] == b' ' {
            start - 1
        } else {
            start
        };
        let suffix = if bytes.get(end) == Some(&b' ') {
            end + 1
        } else {
            end
        };
        if prefix_end >= 2
            && upper(prefix_end - 2)
            && upper(prefix_end - 1)
            && free((prefix_end - 2).checked_sub(1))
            && matches!(bytes.get(suffix), Some(b'A'..=b'D'))
            && free(Some(suffix + 1))
            && valid_nino_prefix(bytes[prefix_end - 2], bytes[prefix_end - 1])
        {
            return id(prefix_end - 2, suffix + 1);
        }
    }
    // Codice fiscale: six letters, two digits, then `A00A000A` with a check letter.
    if digits.len() == 2 && start >= 6 && end + 8 <= bytes.len() {
        let code = &bytes[start - 6..end + 8];
        let shape = b"AAAAAA00A00A000A";
        let shaped = code.iter().zip(shape).all(|(&c, &s)| {
            if s == b'A' {
                c.is_ascii_uppercase()
            } else {
                c.is_ascii_digit()
            }
        });
        if shaped
            && free((start - 6).checked_sub(1))
            && free(Some(end + 8))
            && passes_codice_fiscale(code)
        {
            return id(start - 6, end + 8);
        }
    }
    None
}

fn to_number(digits: &[u8]) -> u64 {
    digits.iter().fold(0, |n, &d| n * 10 + u64::from(d))
}

/// `ddd.ddd.ddd-dd` starting at `start`: its end.
fn formatted_cpf_end(bytes: &[u8], start: usize) -> Option<usize> {
    let candidate = bytes.get(start..start + 14)?;
    let shaped = candidate.iter().enumerate().all(|(i, &b)| match i {
        3 | 7 => b == b'.',
        11 => b == b'-',
        _ => b.is_ascii_digit(),
    });
    shaped.then_some(start + 14)
}

fn cpf_digits(text: &str) -> Vec<u8> {
    text.bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect()
}

fn passes_cpf(d: &[u8]) -> bool {
    if d.len() != 11 || d.iter().all(|&x| x == d[0]) {
        return false;
    }
    let check = |n: usize| {
        let sum: u32 = (0..n)
            .map(|i| u32::from(d[i]) * (n as u32 + 1 - i as u32))
            .sum();
        (sum * 10 % 11 % 10) as u8
    };
    check(9) == d[9] && check(10) == d[10]
}

fn passes_steuer_id(d: &[u8]) -> bool {
    if d.len() != 11 || d[0] == 0 {
        return false;
    }
    let mut counts = [0u8; 10];
    for &x in &d[..10] {
        counts[usize::from(x)] += 1;
    }
    let repeated = counts.iter().filter(|&&n| n >= 2).count();
    if repeated != 1 || counts.iter().any(|&n| n > 3) {
        return false;
    }
    let mut product = 10u8;
    for &x in &d[..10] {
        let mut sum = (x + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (sum * 2) % 11;
    }
    let check = (11 - product) % 10;
    check == d[10]
}

fn passes_nir(d: &[u8]) -> bool {
    if d.len() != 15 || !matches!(d[0], 1 | 2) {
        return false;
    }
    let number = to_number(&d[..13]);
    let key = to_number(&d[13..]);
    97 - number % 97 == key
}

fn passes_bsn(d: &[u8]) -> bool {
    let sum: i32 = (0..8)
        .map(|i| i32::from(d[i]) * (9 - i as i32))
        .sum::<i32>()
        - i32::from(d[8]);
    d.len() == 9 && sum % 11 == 0 && sum > 0
}

fn passes_verhoeff(d: &[u8]) -> bool {
    const MULTIPLY: [[u8; 10]; 10] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
        [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
        [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
        [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
        [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
        [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ];
    const PERMUTE: [[u8; 10]; 8] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
        [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
        [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
        [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
        [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
        [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ];
    let check = d.iter().rev().enumerate().fold(0u8, |c, (i, &x)| {
        MULTIPLY[usize::from(c)][usize::from(PERMUTE[i % 8][usize::from(x)])]
    });
    check == 0
}

fn valid_nino_prefix(first: u8, second: u8) -> bool {
    !b"DFIQUV".contains(&first)
        && !b"DFIOQUV".contains(&second)
        && ![b"BG", b"GB", b"KN", b"NK", b"NT", b"TN", b"ZZ"].contains(&&[first, second])
}

fn passes_codice_fiscale(code: &[u8]) -> bool {
    const ODD: [u8; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    let value = |c: u8| {
        if c.is_ascii_digit() {
            c - b'0'
        } else {
            c - b'A'
        }
    };
    let sum: u32 = code[..15]
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let v = value(c);
            // Positions 1, 3, 5… (0, 2, 4… here) use the odd table; a digit counts as the letter
            // at its index.
            u32::from(if i % 2 == 0 { ODD[usize::from(v)] } else { v })
        })
        .sum();
    code[15] == b'A' + (sum % 26) as u8
}

#[cfg(test)]
mod tests {
    use crate::anonymize::personal::tests::scrub;

    #[test]
    fn identifiers_with_valid_checks() {
        let cases = [
            ("ssn 123-45-6789 on file", "ssn <ssn> on file"),
            (
                "NINO AB123456C and AB 12 34 56 C.",
                "NINO <national-id> and <national-id>.",
            ),
            ("Steuer-ID 86095742719", "Steuer-ID <national-id>"),
            ("NIR 1 84 12 76 451 089 46 ok", "NIR <national-id> ok"),
            (
                "CPF 529.982.247-25 and 52998224725",
                "CPF <national-id> and <national-id>",
            ),
            ("aadhaar 2345 6789 0124", "aadhaar <national-id>"),
            (
                "DNI 12345678Z, NIE X1234567L",
                "DNI <national-id>, NIE <national-id>",
            ),
            ("CF RSSMRA85T10A562S.", "CF <national-id>."),
            ("BSN: 111222333", "BSN: <national-id>"),
            (
                "ssn=454 23 1616, SSN 732961554 ok",
                "ssn=<ssn>, SSN <ssn> ok",
            ),
            ("Steuer-ID 86 095 742 719", "Steuer-ID <national-id>"),
            (
                "burgerservicenummer: 1112.22.333",
                "burgerservicenummer: <national-id>",
            ),
            (
                "NIE X-1234567-L and aadhaar_no=234567890124",
                "NIE <national-id> and aadhaar_no=<national-id>",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(scrub(input), expected, "{input}");
        }
    }

    #[test]
    fn look_alikes_with_wrong_checks_stay() {
        for text in [
            "ssn 000-12-3456 and 666-12-3456, ticket 123-45-678",
            "id 86095742718 and 52998224724 and 1 84 12 76 451 089 47",
            "order 2345 6789 0125 and 12345678A and RSSMRA85T10A562X",
            "count 111222333 and QQ123456C and AB123456E and id 234567890124",
        ] {
            assert_eq!(scrub(text), text);
        }
    }
}
