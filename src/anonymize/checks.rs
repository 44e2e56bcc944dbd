//! The arithmetic that keeps false positives down: a number is a card only if it passes Luhn,
//! an IBAN only if it passes mod-97, a value is secret-looking if it is long or random enough.

/// The Luhn checksum used by payment cards, over the digits of `text` (other characters skipped).
pub(crate) fn passes_luhn(text: &str) -> bool {
    let digits: Vec<u32> = text.chars().filter_map(|c| c.to_digit(10)).collect();
    if !(13..=19).contains(&digits.len()) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                (d * 2) % 9 + u32::from(d == 9) * 9
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// ISO 13616: move the first four characters to the end, turn letters into 10..35, and the
/// number must be 1 modulo 97. Spaces are ignored.
pub(crate) fn passes_iban(text: &str) -> bool {
    let compact: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    if !(15..=34).contains(&compact.len())
        || !compact[..2].iter().all(char::is_ascii_uppercase)
        || !compact[2..4].iter().all(char::is_ascii_digit)
    {
        return false;
    }
    let rearranged = compact[4..].iter().chain(&compact[..4]);
    let mut remainder: u32 = 0;
    for c in rearranged {
        let value = match c.to_digit(36) {
            Some(v) => v,
            None => return false,
        };
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    remainder == 1
}

/// A US social security number `AAA-GG-SSSS` that the SSA could have issued.
pub(crate) fn plausible_ssn(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [area, group, serial] = parts[..] else {
        return false;
    };
    area != "000" && area != "666" && !area.starts_with('9') && group != "00" && serial != "0000"
}

/// Shannon entropy in bits per character.
pub(crate) fn entropy(text: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut total = 0u32;
    for byte in text.bytes() {
        counts[usize::from(byte)] += 1;
        total += 1;
    }
    if total == 0 {
        return 0.0;
    }
    let total = f64::from(total);
    counts
        .iter()
        .filter(|&&n| n > 0)
        .map(|&n| {
            let p = f64::from(n) / total;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn() {
        assert!(passes_luhn("4111 1111 1111 1111"));
        assert!(passes_luhn("5500-0000-0000-0004"));
        assert!(passes_luhn("378282246310005"));
        assert!(!passes_luhn("4111 1111 1111 1112"));
        assert!(!passes_luhn("1234567812345678"));
        assert!(!passes_luhn("0000"));
    }

    #[test]
    fn iban() {
        assert!(passes_iban("GB82 WEST 1234 5698 7654 32"));
        assert!(passes_iban("DE89370400440532013000"));
        assert!(!passes_iban("DE89370400440532013001"));
        assert!(!passes_iban("XX00"));
    }

    #[test]
    fn ssn() {
        assert!(plausible_ssn("123-45-6789"));
        assert!(!plausible_ssn("000-45-6789"));
        assert!(!plausible_ssn("666-45-6789"));
        assert!(!plausible_ssn("912-45-6789"));
        assert!(!plausible_ssn("123-00-6789"));
    }

    #[test]
    fn entropy_separates_random_from_plain() {
        assert!(entropy("aaaaaaaa") < 0.1);
        assert!(entropy("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") > 4.0);
    }
}
