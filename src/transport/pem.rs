//! Just enough PEM to read a CA bundle (and, in tests, a key): the base64 body of each
//! `-----BEGIN <label>-----` block.

/// The DER bytes of every block labelled `label` in `text`, in order. Blocks whose body is not
/// valid base64 are skipped.
pub fn blocks(text: &str, label: &str) -> Vec<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&begin) {
        let body_start = start + begin.len();
        let Some(body_len) = rest[body_start..].find(&end) else {
            break;
        };
        if let Some(der) = decode_base64(&rest[body_start..body_start + body_len]) {
            found.push(der);
        }
        rest = &rest[body_start + body_len + end.len()..];
    }
    found
}

/// Standard base64 with padding; whitespace is ignored.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    let mut padding = 0;
    for byte in text.bytes().filter(|b| !b.is_ascii_whitespace()) {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                padding += 1;
                continue;
            }
            _ => return None,
        };
        if padding > 0 {
            return None; // data after padding
        }
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    (padding <= 2).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_base64() {
        assert_eq!(decode_base64("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(decode_base64("aGVs\nbG8h").unwrap(), b"hello!");
        assert_eq!(decode_base64("aA==").unwrap(), b"h");
        assert!(decode_base64("a$b=").is_none());
        assert!(decode_base64("aA==aA").is_none());
    }

    #[test]
    fn finds_labelled_blocks() {
        let text = "junk\n-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n\
                    -----BEGIN PRIVATE KEY-----\naA==\n-----END PRIVATE KEY-----\n\
                    -----BEGIN CERTIFICATE-----\nd29ybGQ=\n-----END CERTIFICATE-----";
        assert_eq!(
            blocks(text, "CERTIFICATE"),
            vec![b"hello".to_vec(), b"world".to_vec()]
        );
        assert_eq!(blocks(text, "PRIVATE KEY"), vec![b"h".to_vec()]);
        assert!(blocks("-----BEGIN CERTIFICATE-----\naGVsbG8=", "CERTIFICATE").is_empty());
    }
}
