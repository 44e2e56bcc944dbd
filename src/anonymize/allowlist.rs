//! Which structured fields may leave: metadata and error context pass a typed allowlist,
//! performance tags pass a name check.
//!
//! Every allowlisted key has a [`ValueType`]. A value of that type leaves as it is; a value of
//! any other type is dropped, never coerced and never scrubbed into shape: `"41"` is not a
//! duration, and a sentence with a token in it is not a status code. Only keys a host adds as
//! [`ValueType::Any`] accept strings, and those are scrubbed and bounded like names.
//!
//! Tags are deliberately not allowlisted: hosts use them to slice performance metrics by
//! dimensions this library cannot know in advance (`model`, `region`). Instead, identifier-like
//! tags are hashed, secret-looking ones dropped, the rest scrubbed, and a tag whose name is not a
//! plain word is dropped.

use std::borrow::Cow;
use std::sync::Arc;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value};

use super::limits;
use super::memo::Memo;

/// The kind of value an allowlisted metadata or context key accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueType {
    /// Any scalar: booleans, numbers and null as they are, strings scrubbed and bounded to
    /// [`limits::MAX_NAME_BYTES`]. Arrays and objects are dropped.
    Any,
    /// `true` or `false`.
    Boolean,
    /// A whole number from 0 up (a JSON number without a fractional part, such as `3` or `3.0`).
    NonNegativeInteger,
    /// Any finite number from 0 up.
    NonNegativeNumber,
    /// A whole number from 100 to 599.
    HttpStatusCode,
}

impl ValueType {
    /// The value as it may leave under a key of this type, or `None` when it must be dropped.
    pub(crate) fn admit(self, value: &Value, memo: &mut Memo) -> Option<Value> {
        let admitted = match (self, value) {
            (ValueType::Any, Value::String(text)) => return Some(Value::String(memo.name(text))),
            (ValueType::Any, Value::Array(_) | Value::Object(_)) => false,
            (ValueType::Any, _) => true,
            (ValueType::Boolean, value) => value.is_boolean(),
            (ValueType::NonNegativeNumber, value) => value.as_f64().is_some_and(|n| n >= 0.0),
            (ValueType::NonNegativeInteger, value) => whole_number(value).is_some(),
            (ValueType::HttpStatusCode, value) => {
                whole_number(value).is_some_and(|code| (100..=599).contains(&code))
            }
        };
        admitted.then(|| value.clone())
    }

    /// How the type is written in docs and warnings.
    pub fn name(self) -> &'static str {
        match self {
            ValueType::Any => "any scalar (strings scrubbed)",
            ValueType::Boolean => "boolean",
            ValueType::NonNegativeInteger => "non-negative integer",
            ValueType::NonNegativeNumber => "non-negative number",
            ValueType::HttpStatusCode => "HTTP status code (100-599)",
        }
    }
}

/// A non-negative whole number, whether JSON wrote it as `3` or `3.0` (JSON numbers carry no
/// integer type, and some languages serialize every number with a fraction).
fn whole_number(value: &Value) -> Option<u64> {
    if let Some(whole) = value.as_u64() {
        return Some(whole);
    }
    let number = value.as_f64()?;
    // 2^53: beyond it a float no longer tells whole numbers apart.
    let exact = (0.0..=9_007_199_254_740_992.0).contains(&number) && number.fract() == 0.0;
    exact.then_some(number as u64)
}

/// Metadata (and error context) keys that leave without the host asking, in the order of
/// [`BUILT_IN_FIELDS`].
pub const METADATA_ALLOWLIST: &[&str] = &[
    "duration_ms",
    "success",
    "retry_count",
    "cache_hit",
    "result_count",
    "status_code",
];

/// The built-in keys with their types. A host may name them again but not change their type.
pub const BUILT_IN_FIELDS: &[(&str, ValueType)] = &[
    ("duration_ms", ValueType::NonNegativeNumber),
    ("success", ValueType::Boolean),
    ("retry_count", ValueType::NonNegativeInteger),
    ("cache_hit", ValueType::Boolean),
    ("result_count", ValueType::NonNegativeInteger),
    ("status_code", ValueType::HttpStatusCode),
];

/// The type of a built-in allowlisted key, `None` for any other key.
pub fn built_in_type(key: &str) -> Option<ValueType> {
    BUILT_IN_FIELDS
        .iter()
        .find(|(name, _)| *name == key)
        .map(|&(_, value_type)| value_type)
}

/// A key a host lets leave, with the type its values must have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowedField {
    pub key: String,
    pub value_type: ValueType,
}

/// Words that make a metadata key secret-looking: its value never leaves, allowlisted or not.
const SECRET_KEY_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "api_key",
    "private_key",
    "access_key",
    "credential",
    "auth",
    "cookie",
    "session",
    "signature",
];

/// True when a metadata key's name says its value is a secret (any case; `-` counts as `_`).
pub fn is_secret_key(key: &str) -> bool {
    // Compared byte by byte rather than on a lowered copy: it runs for every tag of every event.
    let fold = |byte: u8| match byte {
        b'-' => b'_',
        other => other.to_ascii_lowercase(),
    };
    let key = key.as_bytes();
    SECRET_KEY_WORDS.iter().any(|word| {
        let word = word.as_bytes();
        key.windows(word.len())
            .any(|window| window.iter().zip(word).all(|(&k, &w)| fold(k) == w))
    })
}

/// The built-in fields plus a host's, minus anything secret-looking: worked out once, so that
/// filtering an event is a lookup per key.
#[derive(Clone, Debug)]
pub(crate) struct Allowlist {
    fields: Arc<[AllowedField]>,
}

impl Allowlist {
    /// Built-in keys keep their own type whatever the host said about them: the host may
    /// extend the allowlist, never loosen it.
    pub(crate) fn new(extra_fields: Vec<AllowedField>) -> Self {
        let built_in = BUILT_IN_FIELDS
            .iter()
            .map(|&(key, value_type)| AllowedField {
                key: key.to_owned(),
                value_type,
            });
        let extra = extra_fields
            .into_iter()
            .filter(|field| built_in_type(&field.key).is_none());
        let fields: Vec<AllowedField> = built_in
            .chain(extra)
            .filter(|field| !is_secret_key(&field.key))
            .collect();
        Allowlist {
            fields: fields.into(),
        }
    }

    fn type_of(&self, key: &str) -> Option<ValueType> {
        self.fields
            .iter()
            .find(|field| field.key == key)
            .map(|field| field.value_type)
    }

    /// Only allowlisted keys whose value has the key's type, at most [`limits::MAX_FIELDS`].
    pub(crate) fn filter(
        &self,
        fields: &Map<String, Value>,
        memo: &mut Memo,
    ) -> Map<String, Value> {
        fields
            .iter()
            .filter_map(|(key, value)| {
                let admitted = self.type_of(key)?.admit(value, memo)?;
                Some((key.clone(), admitted))
            })
            .take(limits::MAX_FIELDS)
            .collect()
    }

    /// [`Allowlist::filter`] of the JSON object `text`, without parsing it into a map first:
    /// values under keys that are not allowlisted are skipped unparsed, and keys are borrowed
    /// from `text`. Same fields, same values, same (sorted) order, the same last value for a
    /// key given twice; `None` when `text` is not a JSON object. The sender's path for metadata
    /// and context: building and freeing the whole map cost more than the rest of the event.
    pub(crate) fn filter_text<'t>(
        &self,
        text: &'t str,
        memo: &mut Memo,
    ) -> Option<Vec<(Cow<'t, str>, Value)>> {
        let mut parser = serde_json::Deserializer::from_str(text);
        let mut candidates = Candidates(self).deserialize(&mut parser).ok()?;
        parser.end().ok()?;
        // A map keeps the last value of a key and iterates in key order: so does this.
        candidates.reverse();
        candidates.sort_by(|a, b| a.0.cmp(&b.0));
        candidates.dedup_by(|later, first| later.0 == first.0);
        Some(
            candidates
                .into_iter()
                .filter_map(|(key, value)| {
                    let admitted = self.type_of(&key)?.admit(&value, memo)?;
                    Some((key, admitted))
                })
                .take(limits::MAX_FIELDS)
                .collect(),
        )
    }
}

/// The allowlisted keys of a JSON object with their values, in the text's order.
struct Candidates<'l>(&'l Allowlist);

impl<'de> DeserializeSeed<'de> for Candidates<'_> {
    type Value = Vec<(Cow<'de, str>, Value)>;

    fn deserialize<D: Deserializer<'de>>(self, parser: D) -> Result<Self::Value, D::Error> {
        parser.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Candidates<'_> {
    type Value = Vec<(Cow<'de, str>, Value)>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = Vec::new();
        while let Some(Key(key)) = map.next_key()? {
            if self.0.type_of(&key).is_some() {
                found.push((key, map.next_value()?));
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// An object's key, borrowed from the text unless it holds escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(parser: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(key)))
            }
            fn visit_str<E>(self, key: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }
            fn visit_string<E>(self, key: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }
        parser.deserialize_str(KeyVisitor)
    }
}

/// Performance tags: values of identifier-like keys (ending in `_id`, or `user`, `agent`) go
/// through `hash`, other secret-looking keys are dropped, other scalar values are scrubbed like
/// names, nested values are dropped, and so are tags whose name holds anything the scrubber
/// would change or is longer than [`limits::MAX_NAME_BYTES`]; at most [`limits::MAX_FIELDS`].
pub(crate) fn filter_tags(
    tags: &Map<String, Value>,
    memo: &mut Memo,
    mut hash: impl FnMut(&mut Memo, &str) -> String,
) -> Map<String, Value> {
    tags.iter()
        .filter_map(|(key, value)| {
            // Identifier-like keys are hashed, even `session_id`; other secret-looking keys
            // have nothing worth keeping.
            let value = if is_identifier_key(key) {
                Value::String(hash(memo, &scalar_text(value)?))
            } else if is_secret_key(key) {
                return None;
            } else {
                ValueType::Any.admit(value, memo)?
            };
            // A tag name is a plain word. One the scrubber would change (it holds an email, a
            // path, a credential) or that is too long is not a name: the tag is dropped, rather
            // than sent under a rewritten name.
            (memo.name(key) == *key).then(|| (key.clone(), value))
        })
        .take(limits::MAX_FIELDS)
        .collect()
}

fn is_identifier_key(key: &str) -> bool {
    key.ends_with("_id") || key == "user" || key == "agent"
}

/// The text a scalar is hashed as; `None` for arrays and objects.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Array(_) | Value::Object(_) => None,
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
#[path = "allowlist_tests.rs"]
mod tests;
