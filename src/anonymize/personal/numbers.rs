//! Personal numbers: IBANs (`<iban>`, mod-97), phone numbers (`<phone>`), national identifiers
//! (`<ssn>` and `<national-id>`, see `ids`) and payment cards (`<card>`, Luhn).
//!
//! One pass visits each run of digits (digits joined by single spaces or dashes) and tries the
//! shapes in that order around it. Checksums and shape rules keep ordinary numbers (ids, counts,
//! timestamps, hex strings) out.

use super::ids;
use super::scan::is_word_byte;
use crate::anonymize::checks::{passes_iban, passes_luhn};
use crate::anonymize::finding::Finding;

/// Words that announce a phone number written without its country prefix.
const PHONE_WORDS: &[&str] = &[
    "tel",
    "phone",
    "fax",
    "cell",
    "mobile",
    "whatsapp",
    "contact",
    "call",
    "sms",
    "handy",
    "portable",
    "téléphone",
];

pub(super) fn find(text: &str, out: &mut Vec<Finding>) {
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(start) = next_digit(bytes, at) {
        let end = digit_run_end(bytes, start);
        at = end;
        if let Some(found) = iban_at(text, start) {
            at = found.end;
            out.push(found);
        } else if let Some(found) = phone_at(text, start) {
            at = found.end;
            out.push(found);
        } else if let Some(found) = ids::national_id_at(text, start, end) {
            at = at.max(found.end);
            out.push(found);
        } else if !inside_hex_string(bytes, start, end) {
            cards_in_run(bytes, start, end, out);
        }
    }
}

/// The first digit at or after `from`. Blocks of 16 bytes without one are skipped whole (the
/// test on a block has no early exit, so it compiles to vector instructions).
fn next_digit(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(block) = bytes.get(at..at + 16) {
        if block.iter().fold(false, |any, b| any | b.is_ascii_digit()) {
            break;
        }
        at += 16;
    }
    bytes[at..]
        .iter()
        .position(u8::is_ascii_digit)
        .map(|offset| at + offset)
}

/// The end of a run of digits starting at `start`, joined by single spaces or dashes.
fn digit_run_end(bytes: &[u8], start: usize) -> usize {
    let mut end = start;
    while end < bytes.len() {
        if bytes[end].is_ascii_digit() {
            end += 1;
        } else if matches!(bytes[end], b' ' | b'-')
            && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)
        {
            end += 2;
        } else {
            break;
        }
    }
    end
}

/// Digits inside a run of hex digits with letters (`deadbeef4111…cafe`) belong to a hash.
fn inside_hex_string(bytes: &[u8], start: usize, end: usize) -> bool {
    let hex_letter = |b: u8| matches!(b, b'a'..=b'f' | b'A'..=b'F');
    let touches_letter = (start > 0 && hex_letter(bytes[start - 1]))
        || bytes.get(end).is_some_and(|&b| hex_letter(b));
    if !touches_letter {
        return false;
    }
    let token_start = bytes[..start]
        .iter()
        .rposition(|&b| !b.is_ascii_alphanumeric())
        .map_or(0, |i| i + 1);
    let token_end = bytes[end..]
        .iter()
        .position(|&b| !b.is_ascii_alphanumeric())
        .map_or(bytes.len(), |i| end + i);
    let token = &bytes[token_start..token_end];
    let token = match token {
        [b'0', b'x' | b'X', rest @ ..] => rest,
        _ => token,
    };
    token.iter().all(u8::is_ascii_hexdigit)
}

/// An IBAN whose check digits start at `start`: two capital letters before them, then groups
/// of letters and digits, optionally separated by single spaces, passing mod-97.
fn iban_at(text: &str, start: usize) -> Option<Finding> {
    let bytes = text.as_bytes();
    let begin = start.checked_sub(2)?;
    let country = &bytes[begin..start];
    if !country.iter().all(u8::is_ascii_uppercase)
        || begin
            .checked_sub(1)
            .is_some_and(|i| bytes[i].is_ascii_alphanumeric())
    {
        return None;
    }
    // Possible ends: after each character, where the IBAN would stop at a word's end.
    let mut ends = Vec::new();
    let mut chars = 0;
    let mut at = begin;
    while at < bytes.len() && chars < 34 {
        let b = bytes[at];
        if b.is_ascii_uppercase() || b.is_ascii_digit() {
            chars += 1;
            at += 1;
            let word_ends = !bytes.get(at).is_some_and(|b| b.is_ascii_alphanumeric());
            if chars >= 15 && (word_ends || bytes[at] == b' ') {
                ends.push(at);
            }
        } else if b == b' ' && bytes.get(at + 1).is_some_and(u8::is_ascii_alphanumeric) {
            at += 1;
        } else {
            break;
        }
    }
    let end = ends
        .into_iter()
        .rev()
        .find(|&end| passes_iban(&text[begin..end]))?;
    Some(Finding::placeholder(begin, end, "<iban>"))
}

/// A phone number around the digit run at `start`: international (`+44 (0)20 7946 0958`,
/// `0049 30 1234567`, `+1.415.555.0132`) with 8 to 15 digits after the country prefix, or
/// North American (`(415) 555-0132`, `415-555-0132`, `415.555.0132`).
fn phone_at(text: &str, start: usize) -> Option<Finding> {
    let bytes = text.as_bytes();
    let opens = |at: usize| {
        !at.checked_sub(1)
            .is_some_and(|i| is_word_byte(bytes[i]) || bytes[i] == b'.')
    };
    if start > 0 && bytes[start - 1] == b'+' && opens(start - 1) {
        let (end, digits, _) = phone_groups(bytes, start);
        return (8..=15)
            .contains(&digits)
            .then(|| Finding::placeholder(start - 1, end, "<phone>"));
    }
    if bytes[start..].starts_with(b"00")
        && bytes
            .get(start + 2)
            .is_some_and(|b| (b'1'..=b'9').contains(b))
        && opens(start)
    {
        let (end, digits, groups) = phone_groups(bytes, start + 2);
        // Grouped, so that a long id with leading zeros is not taken for a number to call.
        return ((8..=15).contains(&digits) && groups.len() >= 2)
            .then(|| Finding::placeholder(start, end, "<phone>"));
    }
    // A national number (`020 7946 0958`, `01 34 60 22 74`) only after a word that says so.
    if bytes[start] == b'0'
        && bytes
            .get(start + 1)
            .is_some_and(|b| (b'1'..=b'9').contains(b))
        && opens(start)
    {
        let (end, digits, groups) = phone_groups(bytes, start);
        if (10..=11).contains(&digits)
            && groups.len() >= 2
            && ids::announced(text, start, PHONE_WORDS)
        {
            // `(020) 7946 0958`: the bracket goes with the number.
            let from = if start > 0 && bytes[start - 1] == b'(' {
                start - 1
            } else {
                start
            };
            return Some(Finding::placeholder(from, end, "<phone>"));
        }
    }
    // Cheap test first: most digit runs are line numbers, counts and versions.
    let area_code = bytes.len() > start + 3
        && (b'2'..=b'9').contains(&bytes[start])
        && bytes[start + 1..start + 3].iter().all(u8::is_ascii_digit)
        && matches!(bytes[start + 3], b')' | b'-' | b'.' | b' ');
    let from = if start > 0 && bytes[start - 1] == b'(' {
        start - 1
    } else {
        start
    };
    if !area_code || !opens(from) {
        return None;
    }
    let (end, digits, groups) = phone_groups(bytes, start);
    let area_ok = |g: &(usize, u8)| g.0 == 3 && (b'2'..=b'9').contains(&g.1);
    let north_american = digits == 10
        && groups.len() == 3
        && area_ok(&groups[0])
        && area_ok(&groups[1])
        && groups[2].0 == 4
        && (from < start || uniform_separators(bytes, start, end));
    north_american.then(|| Finding::placeholder(from, end, "<phone>"))
}

/// Whether a number's groups are all separated by the same one of `-` and `.`.
fn uniform_separators(bytes: &[u8], start: usize, end: usize) -> bool {
    let separators: Vec<u8> = bytes[start..end]
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_digit())
        .collect();
    separators.len() == 2 && separators[0] == separators[1] && matches!(separators[0], b'-' | b'.')
}

/// The groups of a phone number starting at `start`: its end, its digit count, and each group's
/// length and first digit. Groups are separated by one of ` .-/`, possibly bracketed.
fn phone_groups(bytes: &[u8], start: usize) -> (usize, usize, Vec<(usize, u8)>) {
    let mut at = start;
    let mut digits = 0;
    let mut groups = Vec::new();
    let mut end = start;
    loop {
        let bracketed =
            bytes.get(at) == Some(&b'(') || (at > 0 && at == start && bytes[at - 1] == b'(');
        let group_start = if bytes.get(at) == Some(&b'(') {
            at + 1
        } else {
            at
        };
        let len = bytes[group_start.min(bytes.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        // Only the first group may be very long: `+14155550132`, `0049 30 1234567`.
        if len == 0 || (len > 8 && !groups.is_empty()) || digits + len > 15 {
            break;
        }
        groups.push((len, bytes[group_start]));
        digits += len;
        at = group_start + len;
        if bracketed && bytes.get(at) == Some(&b')') {
            at += 1;
        }
        end = at;
        match bytes.get(at) {
            Some(b' ' | b'.' | b'-' | b'/') => at += 1,
            Some(b'(') => {}
            // `(0)20`: a bracketed trunk prefix runs straight into the next group.
            Some(b) if bracketed && b.is_ascii_digit() => {}
            _ => break,
        }
        if bytes.get(at) == Some(&b' ') {
            at += 1;
        }
    }
    if bytes.get(end).is_some_and(|&b| b.is_ascii_alphanumeric()) {
        return (end, 0, Vec::new());
    }
    (end, digits, groups)
}

/// Reports every card number inside a run of digit groups. A card spans whole groups and holds
/// 13 to 19 digits that pass Luhn and start like a card (2 to 6); the run may carry other
/// numbers before or after it (`order 12 4111 1111 1111 1111 2`). An ungrouped run must be a
/// card as a whole, so that a long id is not mistaken for a card by a chance window.
fn cards_in_run(bytes: &[u8], start: usize, end: usize, out: &mut Vec<Finding>) {
    if bytes[start..end]
        .iter()
        .filter(|b| b.is_ascii_digit())
        .count()
        < 13
    {
        return;
    }
    let mut groups = Vec::new();
    let mut group_start = start;
    for (offset, byte) in bytes[start..end].iter().enumerate() {
        if !byte.is_ascii_digit() {
            let at = start + offset;
            groups.push((group_start, at));
            group_start = at + 1;
        }
    }
    groups.push((group_start, end));
    let mut first = 0;
    while first < groups.len() {
        match card_ending_at(bytes, &groups, first) {
            Some(last) => {
                out.push(Finding::placeholder(
                    groups[first].0,
                    groups[last].1,
                    "<card>",
                ));
                first = last + 1;
            }
            None => first += 1,
        }
    }
}

/// The last group of the shortest card starting at group `first`, if there is one.
fn card_ending_at(bytes: &[u8], groups: &[(usize, usize)], first: usize) -> Option<usize> {
    if !(b'2'..=b'6').contains(&bytes[groups[first].0]) {
        return None;
    }
    let mut digits = 0;
    for (last, &(start, end)) in groups.iter().enumerate().skip(first) {
        digits += end - start;
        // Cards are printed in groups of 3 to 6 digits (`4111 1111 …`, Amex `3782 822463 10005`);
        // `112-3456789-1234567` is an order number.
        let len = end - start;
        let whole_card = last == first && (13..=19).contains(&len);
        if digits > 19 || (groups.len() > 1 && !whole_card && len > 6) {
            return None;
        }
        let candidate = std::str::from_utf8(&bytes[groups[first].0..end]).unwrap_or_default();
        if digits >= 13 && passes_luhn(candidate) {
            return Some(last);
        }
        // Only a card's last group may be shorter than three digits (`4817 9793 8712 6`).
        if groups.len() > 1 && len < 3 {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::anonymize::personal::tests::scrub;

    #[test]
    fn cards_ibans_and_phones() {
        let cases = [
            ("card 4111 1111 1111 1111 declined", "card <card> declined"),
            ("card 5500-0000-0000-0004", "card <card>"),
            (
                "ID4111111111111111 and x-4111-1111-1111-1111-7",
                "ID<card> and x-<card>-7",
            ),
            (
                "order 12 4111 1111 1111 1111 2 items",
                "order 12 <card> 2 items",
            ),
            ("amex 3782 822463 10005 ok", "amex <card> ok"),
            ("card 4817 9793 8712 6 expired", "card <card> expired"),
            ("phone: (020) 7946-0958", "phone: <phone>"),
            ("two 4111111111111111 5500000000000004", "two <card> <card>"),
            ("iban GB82 WEST 1234 5698 7654 32 ok", "iban <iban> ok"),
            ("iban DE89370400440532013000", "iban <iban>"),
            (
                "call +1 415 555 0132 or +44 20 7946 0958",
                "call <phone> or <phone>",
            ),
            ("call +44 (0)20 7946 0958 now", "call <phone> now"),
            ("call 0049 30 1234567, thanks", "call <phone>, thanks"),
            (
                "call +1.415.555.0132 or (415) 555-0132",
                "call <phone> or <phone>",
            ),
            (
                "call 415-555-0132 or 415.555.0132.",
                "call <phone> or <phone>.",
            ),
            ("tel:+14155550132", "tel:<phone>"),
            (
                "cell 020 7946 0159), fax 07700 900253",
                "cell <phone>), fax <phone>",
            ),
            (
                "Phone:030 4451 9713 and mobile 01 46 15 96 82",
                "Phone:<phone> and mobile <phone>",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(scrub(input), expected, "{input}");
        }
    }

    #[test]
    fn ordinary_numbers_stay() {
        for text in [
            "hash deadbeef4111111111111111cafe and 0x4111111111111111ab",
            "Your order 112-3456789-1234567 has shipped",
            "build 1234567812345678 done at 1701234567890 ms",
            "version 1.2.3, 2024-01-15 12:30, port 8080, status 404, 3-4 items",
            "1+2 = 3 and x+12345678",
            "id 0012345678 and 0000 0000 and order 020 7946 0159",
        ] {
            assert_eq!(scrub(text), text);
        }
    }
}
