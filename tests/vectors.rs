//! Shared test vectors for the anonymizer functions of the C ABI: tests/privacy/vectors.json
//! holds inputs and what `mt_hash_identifier`, `mt_anonymize_path`, `mt_anonymize_message` and
//! `mt_anonymize_stack_trace` return for them. Every binding's tests check that its anonymizer
//! functions give exactly these outputs. `MT_UPDATE_VECTORS=1 cargo test --test vectors`
//! rewrites the file after a deliberate change to the scrubber.

use std::ffi::{c_char, CStr, CString};
use std::path::Path;

use mycelium_telemetry::ffi::process::{
    mt_anonymize_message, mt_anonymize_path, mt_anonymize_stack_trace, mt_hash_identifier,
    mt_string_free,
};
use serde_json::{json, Value};

/// Calls one of the C functions the way a C program would and takes the owned string back.
fn through_c(call: impl FnOnce(*const c_char) -> *mut c_char, input: &str) -> String {
    let input = CString::new(input).unwrap();
    let output = call(input.as_ptr());
    assert!(!output.is_null());
    // SAFETY: a non-NULL result of an mt_anonymize_* function is a NUL-terminated string that
    // stays valid until mt_string_free.
    let text = unsafe { CStr::from_ptr(output) }
        .to_str()
        .unwrap()
        .to_owned();
    mt_string_free(output);
    text
}

const SALT: &str = "vector-salt";

fn inputs() -> Vec<String> {
    let corpus = include_str!("privacy/corpus.jsonl");
    let mut inputs: Vec<String> = corpus
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["input"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        // The running user's own identifiers depend on the machine; leave them out.
        .filter(|input| !input.to_lowercase().contains("quinn"))
        .step_by(3)
        .collect();
    inputs.extend(
        [
            "",
            "plain text",
            "ünïcødé /home/zoë/ファイル.txt",
            // Bare paths, so that the path-only rules are compared across languages too.
            "/opt/company/team/app/main.py",
            r"C:\Users\alice\Documents\code.py",
            r"C:\Program Files\Tool\bin\tool.exe",
            r"\\fileserver\alice$\docs\report.docx",
            "/private/var/folders/zz/zyxw_1234/T/tmp.txt",
            "~alice/notes.txt",
            "src/main.rs",
            "file:///Users/ann/site/index.html",
            "/data/jo@example.com/a.txt",
        ]
        .map(String::from),
    );
    inputs
}

fn generate() -> Value {
    let salt = CString::new(SALT).unwrap();
    let vectors: Vec<Value> = inputs()
        .iter()
        .map(|input| {
            json!({
                "input": input,
                "hash_identifier": through_c(|p| mt_hash_identifier(salt.as_ptr(), p), input),
                "anonymize_path": through_c(|p| mt_anonymize_path(p), input),
                "anonymize_message": through_c(|p| mt_anonymize_message(p), input),
                "anonymize_stack_trace": through_c(|p| mt_anonymize_stack_trace(p), input),
            })
        })
        .collect();
    json!({ "salt": SALT, "vectors": vectors })
}

#[test]
fn committed_vectors_match_the_c_functions() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/privacy/vectors.json");
    let fresh = serde_json::to_string_pretty(&generate()).unwrap() + "\n";
    if std::env::var_os("MT_UPDATE_VECTORS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "tests/privacy/vectors.json is stale: run `MT_UPDATE_VECTORS=1 cargo test --test vectors`"
    );
}
