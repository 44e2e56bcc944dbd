//! Writing one event's JSON object straight into the batch body.

use serde_json::{Map, Value};

use crate::anonymize::{Anonymizer, Memo};

/// Metadata, tags or context as the caller gave them; `None` when absent (the track call
/// checked that it parses).
pub(super) fn parse_object(text: Option<&str>) -> Option<Map<String, Value>> {
    serde_json::from_str(text?).ok()
}

/// Writes one JSON object field by field. Keys are this module's own ASCII names; values go
/// through serde_json, which escapes them.
pub(super) struct ObjectWriter<'a> {
    out: &'a mut Vec<u8>,
    empty: bool,
}

impl<'a> ObjectWriter<'a> {
    pub(super) fn start(out: &'a mut Vec<u8>) -> Self {
        out.push(b'{');
        ObjectWriter { out, empty: true }
    }

    fn key(&mut self, key: &str) {
        if !self.empty {
            self.out.push(b',');
        }
        self.empty = false;
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
    }

    fn value(&mut self, key: &str, value: &impl serde::Serialize) {
        self.key(key);
        // Writing into a Vec cannot fail, and every value here is serializable (numbers are
        // finite: checked when tracked).
        let _ = serde_json::to_writer(&mut *self.out, value);
    }

    pub(super) fn string(&mut self, key: &str, value: &str) {
        self.value(key, &value);
    }

    pub(super) fn number(&mut self, key: &str, value: f64) {
        self.value(key, &value);
    }

    pub(super) fn object(&mut self, key: &str, value: &Map<String, Value>) {
        self.value(key, value);
    }

    /// Metadata or context: present only when something survives the allowlist, as the Python
    /// module did.
    pub(super) fn filtered(
        &mut self,
        anonymizer: &Anonymizer,
        memo: &mut Memo,
        key: &str,
        text: Option<&str>,
    ) {
        let Some(fields) = text.and_then(|text| anonymizer.filter_metadata_text(text, memo)) else {
            return;
        };
        if fields.is_empty() {
            return;
        }
        self.key(key);
        // What serde_json writes for a map: `{"k":v,…}`, keys escaped as strings.
        for (index, (name, value)) in fields.iter().enumerate() {
            self.out.push(if index == 0 { b'{' } else { b',' });
            let _ = serde_json::to_writer(&mut *self.out, name.as_ref());
            self.out.push(b':');
            let _ = serde_json::to_writer(&mut *self.out, value);
        }
        self.out.push(b'}');
    }

    pub(super) fn finish(self) {
        self.out.push(b'}');
    }
}
