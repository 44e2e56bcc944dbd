//! Remembered results for the values that repeat in almost every event: operation and metric
//! names, units, error types and agent ids. The sender thread alone uses it, so it needs no lock;
//! it holds a bounded number of entries and starts over when full.

use std::collections::HashMap;

use super::limits::MAX_NAME_BYTES;
use super::{scrub_bounded, Anonymizer};

/// How many distinct values of each kind are remembered before starting over.
const CAPACITY: usize = 512;

#[derive(Default)]
pub(crate) struct Memo {
    names: HashMap<Box<str>, String>,
    hashes: HashMap<Box<str>, String>,
}

impl Memo {
    /// A name (operation, metric, unit, error type), scrubbed and bounded.
    pub(crate) fn name(&mut self, text: &str) -> String {
        remembered(&mut self.names, text, || {
            scrub_bounded(text, MAX_NAME_BYTES)
        })
    }

    /// An identifier's salted hash.
    pub(crate) fn hash(&mut self, anonymizer: &Anonymizer, identifier: &str) -> String {
        remembered(&mut self.hashes, identifier, || {
            anonymizer.hash_identifier(identifier)
        })
    }
}

fn remembered(
    memory: &mut HashMap<Box<str>, String>,
    key: &str,
    compute: impl FnOnce() -> String,
) -> String {
    if let Some(known) = memory.get(key) {
        return known.clone();
    }
    let value = compute();
    // Long keys are rare and would make the memory large; they are not worth keeping.
    if key.len() <= MAX_NAME_BYTES * 2 {
        if memory.len() >= CAPACITY {
            memory.clear();
        }
        memory.insert(key.into(), value.clone());
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_values_equal_fresh_ones_and_memory_stays_bounded() {
        let anonymizer = Anonymizer::new("s");
        let mut memo = Memo::default();
        for round in 0..2 {
            for i in 0..3000 {
                let name = format!("op-{i} by me@example.com");
                assert_eq!(
                    memo.name(&name),
                    scrub_bounded(&name, MAX_NAME_BYTES),
                    "{round}"
                );
                assert_eq!(
                    memo.hash(&anonymizer, &name),
                    anonymizer.hash_identifier(&name)
                );
                assert!(memo.names.len() <= CAPACITY && memo.hashes.len() <= CAPACITY);
            }
        }
    }
}
