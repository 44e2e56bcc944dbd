//! `OTEL_EXPORTER_OTLP_HEADERS`: `key=value,key2=value2`, values percent-encoded as the
//! OpenTelemetry specification says. They usually carry an API key, so no `Debug`, `Display` or
//! error message here ever shows a value.

use std::fmt;

/// Headers sent with every OTLP request. Their values are secrets: `Debug` shows the names only.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ExportHeaders(Vec<(String, String)>);

/// Why a headers value was refused. Says which entry (by position) and what rule, never the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeadersError {
    /// An entry without `=`, or with an empty name.
    Malformed { entry: usize },
    /// A name with characters HTTP does not allow in a header name.
    BadName { entry: usize },
    /// A value holding a control character (a line break could forge another header), or bad
    /// percent-encoding.
    BadValue { entry: usize },
    /// A header the library itself sets (`Content-Type`, `Content-Length`, `Host`, ...).
    Reserved { entry: usize },
}

/// Headers the library writes itself: letting the environment replace them could break framing.
const RESERVED: &[&str] = &[
    "content-type",
    "content-length",
    "content-encoding",
    "host",
    "connection",
    "transfer-encoding",
];

impl ExportHeaders {
    /// Parses `key=value,key2=value2`. Blank entries are skipped; names and values are trimmed;
    /// values are percent-decoded.
    pub fn parse(text: &str) -> Result<Self, HeadersError> {
        let mut headers = Vec::new();
        for (entry, part) in text.split(',').enumerate() {
            if part.trim().is_empty() {
                continue;
            }
            let (name, value) = part
                .split_once('=')
                .ok_or(HeadersError::Malformed { entry })?;
            let name = name.trim();
            if name.is_empty() {
                return Err(HeadersError::Malformed { entry });
            }
            if !name.bytes().all(is_token_byte) {
                return Err(HeadersError::BadName { entry });
            }
            if RESERVED.iter().any(|r| name.eq_ignore_ascii_case(r)) {
                return Err(HeadersError::Reserved { entry });
            }
            let value = percent_decode(value.trim()).ok_or(HeadersError::BadValue { entry })?;
            if value.chars().any(char::is_control) {
                return Err(HeadersError::BadValue { entry });
            }
            headers.push((name.to_owned(), value));
        }
        Ok(ExportHeaders(headers))
    }

    /// Each header's name and value, in the order given.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for ExportHeaders {
    // Names only: the values are API keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(name, _)| format!("{name}: <hidden>")))
            .finish()
    }
}

impl fmt::Display for HeadersError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (entry, rule) = match self {
            HeadersError::Malformed { entry } => (entry, "is not name=value"),
            HeadersError::BadName { entry } => (entry, "has a name HTTP does not allow"),
            HeadersError::BadValue { entry } => (entry, "has a control character or bad %-escape"),
            HeadersError::Reserved { entry } => (entry, "names a header the library sets itself"),
        };
        write!(f, "header entry {} {rule}", entry + 1)
    }
}

/// RFC 9110 `tchar`.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// `%XX` escapes decoded; `None` for a broken escape or a result that is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let hex = text.get(at + 1..at + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            at += 3;
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_specified_form() {
        let headers = ExportHeaders::parse(" api-key = s3cr%3Dt , x-tenant=a b,,").unwrap();
        let pairs: Vec<_> = headers.iter().collect();
        assert_eq!(pairs, [("api-key", "s3cr=t"), ("x-tenant", "a b")]);
        assert!(ExportHeaders::parse("").unwrap().is_empty());
    }

    #[test]
    fn refuses_what_could_forge_or_break_a_request() {
        use HeadersError::*;
        assert_eq!(ExportHeaders::parse("novalue"), Err(Malformed { entry: 0 }));
        assert_eq!(ExportHeaders::parse("a=1,=2"), Err(Malformed { entry: 1 }));
        assert_eq!(ExportHeaders::parse("a b=1"), Err(BadName { entry: 0 }));
        assert_eq!(
            ExportHeaders::parse("a=x%0D%0AHost: evil"),
            Err(BadValue { entry: 0 })
        );
        assert_eq!(ExportHeaders::parse("a=%zz"), Err(BadValue { entry: 0 }));
        assert_eq!(ExportHeaders::parse("a=%4"), Err(BadValue { entry: 0 }));
        assert_eq!(
            ExportHeaders::parse("Content-Length=1"),
            Err(Reserved { entry: 0 })
        );
    }

    #[test]
    fn never_shows_a_value() {
        let headers = ExportHeaders::parse("authorization=Bearer%20planted-key-42").unwrap();
        let shown = format!("{headers:?}");
        assert!(
            shown.contains("authorization") && !shown.contains("planted-key-42"),
            "{shown}"
        );
        let error = ExportHeaders::parse("authorization=planted-key-42%0A").unwrap_err();
        assert!(!error.to_string().contains("planted"), "{error}");
    }
}
